package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// DeadlineCheck is what a scheduled deadline task or the sweep asks for.
type DeadlineCheck string

// The deadline checks.
const (
	CheckRemind        DeadlineCheck = "remind"         // 催办 before the due time
	CheckOverdue       DeadlineCheck = "overdue"        // 超期 at the due time, escalated (督办)
	CheckAcceptOverdue DeadlineCheck = "accept_overdue" // not signed for in time (响应超时)
	CheckClose         DeadlineCheck = "close"          // rating window over: close the item

	// checkAcceptLate is CheckAcceptOverdue as tasks queued before the
	// rename (migration 00011) name it.
	checkAcceptLate DeadlineCheck = "accept_late"
)

// RunDeadlineCheck performs one check on one item if, and only if, it is due
// now and was not done before; it reports whether it changed anything. Tasks
// and the sweep may call it any number of times. The sweep's query
// (repo.DueDeadlines) states the same rules in SQL; TestDueChecksAgree runs
// the same cases through both.
func (c *Core) RunDeadlineCheck(ctx context.Context, id int64, check DeadlineCheck) (bool, error) {
	changed := false
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		it, err := q.LockItem(ctx, id)
		if errors.Is(err, repo.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("lock item %d: %w", id, err)
		}
		changed, err = c.runCheck(ctx, q, it, check, c.now())
		return err
	})
	return changed, err
}

// runCheck performs one check on a locked item if it is due at now.
func (c *Core) runCheck(ctx context.Context, q *repo.Q, it repo.Item, check DeadlineCheck, now time.Time) (bool, error) {
	switch check {
	case CheckRemind:
		return c.remind(ctx, q, it, now)
	case CheckOverdue:
		return c.markOverdue(ctx, q, it, now)
	case CheckAcceptOverdue, checkAcceptLate:
		return c.markAcceptOverdue(ctx, q, it, now)
	case CheckClose:
		return c.closeRated(ctx, q, it, now)
	}
	return false, fmt.Errorf("unknown deadline check %q", check)
}

// inWork is whether a unit is working on the item (dispatched or signed for).
func inWork(it repo.Item) bool {
	st := domain.Status(it.Status)
	return st == domain.Dispatched || st == domain.Accepted
}

// remind reminds the primary unit (催办) once the reminder time has come.
func (c *Core) remind(ctx context.Context, q *repo.Q, it repo.Item, now time.Time) (bool, error) {
	if !inWork(it) || it.RemindAt == nil || it.RemindedAt != nil || now.Before(*it.RemindAt) || it.Overdue {
		return false, nil
	}
	it.RemindedAt = &now
	left := "即将到期"
	if it.DueAt != nil {
		left = "办理时限 " + it.DueAt.In(c.set.Location).Format("01-02 15:04")
	}
	if err := transition(ctx, q, now, &it, systemActor(), domain.ActRemind, "催办:"+left); err != nil {
		return false, err
	}
	if err := q.SaveItem(ctx, it); err != nil {
		return false, err
	}
	return true, c.notifyUnit(ctx, q, strOr(it.PrimaryUnitCode), false, it.ID, "reminded",
		fmt.Sprintf("催办:%s %s,%s", it.TrackingCode, unitText(it, it.Title), left))
}

// markOverdue turns an item overdue at its due time and escalates it (督办)
// to the unit's heads and the managers.
func (c *Core) markOverdue(ctx context.Context, q *repo.Q, it repo.Item, now time.Time) (bool, error) {
	if !inWork(it) || it.Overdue || it.DueAt == nil || now.Before(*it.DueAt) {
		return false, nil
	}
	it.Overdue, it.OverdueAt = true, &now
	if err := transition(ctx, q, now, &it, systemActor(), domain.ActOverdue, "已超过办理时限,督办"); err != nil {
		return false, err
	}
	if err := q.SaveItem(ctx, it); err != nil {
		return false, err
	}
	msg := fmt.Sprintf("督办:%s %s 已超期(时限 %s,承办单位 %s)", it.TrackingCode, unitText(it, it.Title),
		it.DueAt.In(c.set.Location).Format("01-02 15:04"), strOr(it.PrimaryUnitCode))
	if err := c.notifyUnit(ctx, q, strOr(it.PrimaryUnitCode), true, it.ID, "overdue", msg); err != nil {
		return true, err
	}
	ids, err := q.RoleUserIDs(ctx, string(domain.RoleManager))
	if err != nil {
		return true, err
	}
	return true, q.Notify(ctx, ids, &it.ID, "overdue", msg)
}

// markAcceptOverdue marks the primary unit's part accept overdue (响应超时)
// when it has not signed for the item by its sign-for time.
func (c *Core) markAcceptOverdue(ctx context.Context, q *repo.Q, it repo.Item, now time.Time) (bool, error) {
	if domain.Status(it.Status) != domain.Dispatched || it.PrimaryUnitCode == nil {
		return false, nil
	}
	as, err := activeAssignment(ctx, q, it.ID, *it.PrimaryUnitCode)
	if err != nil || as.Status != string(domain.AssignAssigned) || as.AcceptOverdue || as.AcceptDueAt == nil || now.Before(*as.AcceptDueAt) {
		return false, nil
	}
	as.AcceptOverdue = true
	if err := q.SaveAssignment(ctx, as); err != nil {
		return false, err
	}
	if err := transition(ctx, q, now, &it, systemActor(), domain.ActAcceptOverdue, "超过签收时限未签收"); err != nil {
		return false, err
	}
	return true, c.notifyUnit(ctx, q, as.UnitCode, false, it.ID, "accept_overdue",
		fmt.Sprintf("%s 已超过签收时限,请尽快签收", it.TrackingCode))
}

// closeRated closes an answered item once its rating window is over.
func (c *Core) closeRated(ctx context.Context, q *repo.Q, it repo.Item, now time.Time) (bool, error) {
	st := domain.Status(it.Status)
	if (st != domain.Replied && st != domain.Answered) || it.RepliedAt == nil || now.Before(it.RepliedAt.Add(c.set.RatingWindow)) {
		return false, nil
	}
	it.ClosedAt = &now
	if err := transition(ctx, q, now, &it, systemActor(), domain.ActClose, "评价期满,自动办结归档"); err != nil {
		return false, err
	}
	return true, q.SaveItem(ctx, it)
}

// SweepDeadlines runs every check that has come due and was missed, for
// example because its scheduled task was lost with Redis, and the deadlines
// of disclosure applications. It returns how many items and applications it
// changed.
func (c *Core) SweepDeadlines(ctx context.Context) (int, error) {
	now := c.now()
	due, err := c.store.Q().DueDeadlines(ctx, now, now.Add(-c.set.RatingWindow), 500)
	if err != nil {
		return 0, fmt.Errorf("find due deadlines: %w", err)
	}
	n := 0
	for _, d := range due {
		changed, err := c.RunDeadlineCheck(ctx, d.ItemID, DeadlineCheck(d.Check))
		if err != nil {
			return n, err
		}
		if changed {
			n++
		}
	}
	m, err := c.SweepDisclosure(ctx)
	if err != nil {
		return n + m, err
	}
	n += m
	// deputies' suggestions and members' proposals ride on the same sweep
	m, err = c.SweepProposalDeadlines(ctx)
	if err != nil {
		return n + m, err
	}
	n += m
	kb, err := c.SweepKnowledgeBase(ctx)
	return n + kb, err
}
