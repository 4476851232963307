package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// ExtensionView is an extension request.
type ExtensionView struct {
	ID           int64                  `json:"id"`
	ItemID       int64                  `json:"item_id"`
	UnitCode     string                 `json:"unit_code"`
	Workdays     int                    `json:"workdays"`
	Reason       string                 `json:"reason"`
	Status       domain.ExtensionStatus `json:"status"`
	DecidedAt    *time.Time             `json:"decided_at"`
	DecisionNote string                 `json:"decision_note"`
	OldDueAt     *time.Time             `json:"old_due_at"`
	NewDueAt     *time.Time             `json:"new_due_at"`
	CreatedAt    time.Time              `json:"created_at"`
}

func (c *Core) extensionView(e repo.Extension) ExtensionView {
	return ExtensionView{ID: e.ID, ItemID: e.ItemID, UnitCode: e.UnitCode, Workdays: e.Workdays, Reason: e.Reason,
		Status: e.Status, DecidedAt: c.tm(e.DecidedAt), DecisionNote: e.DecisionNote, OldDueAt: c.tm(e.OldDueAt),
		NewDueAt: c.tm(e.NewDueAt), CreatedAt: e.CreatedAt.In(c.set.Location)}
}

// ExtensionInput is a unit head's request for more working days.
type ExtensionInput struct {
	Workdays int    `json:"workdays"`
	Reason   string `json:"reason"`
}

// RequestExtension asks a manager for more working days (延期申请). Only one
// request may wait at a time, and not once the item is overdue.
func (c *Core) RequestExtension(ctx context.Context, v domain.Viewer, id int64, in ExtensionInput) (ExtensionView, error) {
	var ve domain.ValidationError
	if in.Workdays < 1 || in.Workdays > 60 {
		ve.Add("workdays", "a whole number of working days from 1 to 60")
	}
	reason := text(&ve, "reason", in.Reason, true, 2000)
	var ext repo.Extension
	_, err := c.act(ctx, v, id, fixed(domain.ActRequestExt), ve.Err(), func(q *repo.Q, it *repo.Item, now time.Time) error {
		if it.Overdue || (it.DueAt != nil && !now.Before(*it.DueAt)) {
			return fmt.Errorf("%w: the due time has passed; an extension must be asked before it", domain.ErrInvalidTransition)
		}
		var err error
		ext, err = q.InsertExtension(ctx, repo.Extension{ItemID: it.ID, UnitCode: v.UnitCode, RequestedBy: v.ID,
			Workdays: in.Workdays, Reason: reason, OldDueAt: it.DueAt, CreatedAt: now})
		if errors.Is(err, repo.ErrExtensionPending) {
			return fmt.Errorf("%w: an extension request is already waiting", domain.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("store extension: %w", err)
		}
		note := fmt.Sprintf("申请延期%d个工作日:%s", in.Workdays, reason)
		if err := transition(ctx, q, now, it, actorOf(v), domain.ActRequestExt, note); err != nil {
			return err
		}
		ids, err := q.RoleUserIDs(ctx, string(domain.RoleManager))
		if err != nil {
			return err
		}
		return q.Notify(ctx, ids, &it.ID, "extension_requested", fmt.Sprintf("%s 申请 %s 延期%d个工作日", v.UnitCode, it.TrackingCode, in.Workdays))
	})
	if err != nil {
		return ExtensionView{}, err
	}
	return c.extensionView(ext), nil
}

// DecisionInput is a manager's note on an extension decision.
type DecisionInput struct {
	Note string `json:"note"`
}

// DecideExtension approves or rejects an extension request. An approval moves
// the due time by the working days asked, counted from the current due date;
// the first due time is kept in original_due_at.
func (c *Core) DecideExtension(ctx context.Context, v domain.Viewer, id, extID int64, approve bool, in DecisionInput) (ItemView, error) {
	var ve domain.ValidationError
	note := text(&ve, "note", in.Note, false, 2000)
	a := domain.ActRejectExt
	if approve {
		a = domain.ActApproveExt
	}
	it, err := c.act(ctx, v, id, fixed(a), ve.Err(), func(q *repo.Q, it *repo.Item, now time.Time) error {
		ext, err := q.GetExtension(ctx, it.ID, extID)
		if err != nil {
			return notFoundAs(err, "extension")
		}
		if ext.Status != domain.ExtensionPending {
			return fmt.Errorf("%w: the request was %s already", domain.ErrInvalidTransition, ext.Status)
		}
		if ext.UnitCode != strOr(it.PrimaryUnitCode) {
			return fmt.Errorf("%w: the request came from %s, which no longer holds the item", domain.ErrInvalidTransition, ext.UnitCode)
		}
		ext.Status, ext.DecidedBy, ext.DecidedAt, ext.DecisionNote = domain.ExtensionRejected, &v.ID, &now, note
		msg := fmt.Sprintf("%s 的延期申请未获批准", it.TrackingCode)
		evNote := "不同意延期"
		if approve {
			cal, err := c.Calendar(ctx)
			if err != nil {
				return err
			}
			due := now
			if it.DueAt != nil {
				due = *it.DueAt
			}
			newDue := domain.ExtendedDue(cal, due, ext.Workdays)
			ext.Status, ext.NewDueAt = domain.ExtensionApproved, &newDue
			if it.OriginalDueAt == nil {
				it.OriginalDueAt = it.DueAt
			}
			it.DueAt = &newDue
			it.RemindAt, it.RemindedAt = ptr(domain.ReminderTime(cal, now, newDue)), nil
			if newDue.After(now) {
				it.Overdue, it.OverdueAt = false, nil
			}
			msg = fmt.Sprintf("%s 延期%d个工作日已批准,新的办理时限 %s", it.TrackingCode, ext.Workdays,
				newDue.In(c.set.Location).Format("2006-01-02 15:04"))
			evNote = fmt.Sprintf("同意延期%d个工作日,办理时限改为 %s", ext.Workdays, newDue.In(c.set.Location).Format("2006-01-02 15:04"))
		}
		if note != "" {
			evNote += "。" + note
		}
		if err := q.SaveExtensionDecision(ctx, ext); err != nil {
			return err
		}
		if err := transition(ctx, q, now, it, actorOf(v), a, evNote); err != nil {
			return err
		}
		if err := q.SaveItem(ctx, *it); err != nil {
			return err
		}
		return c.notifyUnit(ctx, q, ext.UnitCode, false, it.ID, a.Event(), msg)
	})
	if err != nil {
		return ItemView{}, err
	}
	if approve {
		c.tasks.ScheduleDeadlines(it.ID, it.RemindAt, nil, it.DueAt)
	}
	return c.answer(ctx, v, it, a)
}
