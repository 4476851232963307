package core

import (
	"context"
	"fmt"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// ReasonInput carries a required reason.
type ReasonInput struct {
	Reason string `json:"reason"`
}

// Reopen sends an answered item back for handling again (重办): a dispatched
// item returns to the same primary unit, signed for, with fresh deadlines; an
// item answered on the call returns to the operators.
func (c *Core) Reopen(ctx context.Context, v domain.Viewer, id int64, in ReasonInput) (ItemView, error) {
	var ve domain.ValidationError
	reason := text(&ve, "reason", in.Reason, true, 2000)
	choose := func(it repo.Item) domain.Action {
		if it.PrimaryUnitCode == nil {
			return domain.ActReopenAnswered
		}
		return domain.ActReopen
	}
	it, err := c.act(ctx, v, id, choose, ve.Err(), func(q *repo.Q, it *repo.Item, now time.Time) error {
		if it.MergedIntoID != nil {
			return fmt.Errorf("%w: a merged item is handled through item %d", domain.ErrInvalidTransition, *it.MergedIntoID)
		}
		a := choose(*it)
		it.ReopenedCount++
		it.ClosedAt, it.RepliedAt, it.CompletedAt, it.HandleSeconds, it.VisitDueAt = nil, nil, nil, nil, nil
		if err := transition(ctx, q, now, it, actorOf(v), a, "重办:"+reason); err != nil {
			return err
		}
		if a == domain.ActReopenAnswered {
			return q.SaveItem(ctx, *it)
		}
		cal, err := c.Calendar(ctx)
		if err != nil {
			return err
		}
		pol, err := c.policy(ctx, q, it.Kind)
		if err != nil {
			return err
		}
		d := domain.ComputeDeadlines(cal, pol, now, it.Urgent, nil)
		it.DueAt, it.RemindAt, it.RemindedAt, it.OriginalDueAt = &d.Due, &d.RemindAt, nil, nil
		it.Overdue, it.OverdueAt = false, nil
		as, err := activeAssignment(ctx, q, it.ID, *it.PrimaryUnitCode)
		if err != nil {
			return err
		}
		as.Status = string(domain.AssignAccepted)
		if err := q.SaveAssignment(ctx, as); err != nil {
			return err
		}
		if err := q.SaveItem(ctx, *it); err != nil {
			return err
		}
		return c.notifyUnit(ctx, q, as.UnitCode, false, it.ID, "reopened",
			fmt.Sprintf("重办:%s %s,办理时限 %s。原因:%s", it.TrackingCode, unitText(*it, it.Title),
				d.Due.In(c.set.Location).Format("2006-01-02 15:04"), reason))
	})
	if err != nil {
		return ItemView{}, err
	}
	c.tasks.ScheduleDeadlines(it.ID, it.RemindAt, nil, it.DueAt)
	return c.answer(ctx, v, it, domain.ActReopen)
}

// Close closes an answered item by hand.
func (c *Core) Close(ctx context.Context, v domain.Viewer, id int64, in DecisionInput) (ItemView, error) {
	var ve domain.ValidationError
	note := text(&ve, "note", in.Note, false, 2000)
	it, err := c.act(ctx, v, id, fixed(domain.ActClose), ve.Err(), func(q *repo.Q, it *repo.Item, now time.Time) error {
		it.ClosedAt = &now
		if err := transition(ctx, q, now, it, actorOf(v), domain.ActClose, note); err != nil {
			return err
		}
		return q.SaveItem(ctx, *it)
	})
	if err != nil {
		return ItemView{}, err
	}
	c.tasks.DropDeadlines(it.ID)
	return c.answer(ctx, v, it, domain.ActClose)
}
