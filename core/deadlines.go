package core

import (
	"context"
	"errors"
	"fmt"

	"hotline/domain"
	"hotline/repo"
)

// DeadlineCheck is what a scheduled deadline task or the sweep asks for.
type DeadlineCheck string

// The deadline checks.
const (
	CheckRemind     DeadlineCheck = "remind"      // 催办 before the due time
	CheckOverdue    DeadlineCheck = "overdue"     // 超期 at the due time, escalated (督办)
	CheckAcceptLate DeadlineCheck = "accept_late" // not signed for in time (响应超时)
	CheckClose      DeadlineCheck = "close"       // rating window over: close the item
)

// RunDeadlineCheck performs one check on one item if, and only if, it is due
// now and was not done before; it reports whether it changed anything. Tasks
// and the sweep may call it any number of times.
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
		now := c.now()
		st := domain.Status(it.Status)
		working := st == domain.Dispatched || st == domain.Accepted
		switch check {
		case CheckRemind:
			if !working || it.RemindAt == nil || it.RemindedAt != nil || now.Before(*it.RemindAt) || it.Overdue {
				return nil
			}
			it.RemindedAt = &now
			left := "即将到期"
			if it.DueAt != nil {
				left = "办理时限 " + it.DueAt.In(c.set.Location).Format("01-02 15:04")
			}
			if err := transition(ctx, q, now, &it, systemActor(), domain.ActRemind, "催办:"+left); err != nil {
				return err
			}
			if err := q.SaveItem(ctx, it); err != nil {
				return err
			}
			changed = true
			return c.notifyUnit(ctx, q, strOr(it.PrimaryUnitCode), false, it.ID, "reminded",
				fmt.Sprintf("催办:%s %s,%s", it.TrackingCode, unitText(it, it.Title), left))
		case CheckOverdue:
			if !working || it.Overdue || it.DueAt == nil || now.Before(*it.DueAt) {
				return nil
			}
			it.Overdue, it.OverdueAt = true, &now
			if err := transition(ctx, q, now, &it, systemActor(), domain.ActOverdue, "已超过办理时限,督办"); err != nil {
				return err
			}
			if err := q.SaveItem(ctx, it); err != nil {
				return err
			}
			changed = true
			msg := fmt.Sprintf("督办:%s %s 已超期(时限 %s,承办单位 %s)", it.TrackingCode, unitText(it, it.Title),
				it.DueAt.In(c.set.Location).Format("01-02 15:04"), strOr(it.PrimaryUnitCode))
			if err := c.notifyUnit(ctx, q, strOr(it.PrimaryUnitCode), true, it.ID, "overdue", msg); err != nil {
				return err
			}
			ids, err := q.RoleUserIDs(ctx, string(domain.RoleManager))
			if err != nil {
				return err
			}
			return q.Notify(ctx, ids, &it.ID, "overdue", msg)
		case CheckAcceptLate:
			if st != domain.Dispatched || it.PrimaryUnitCode == nil {
				return nil
			}
			as, err := activeAssignment(ctx, q, it.ID, *it.PrimaryUnitCode)
			if err != nil || as.Status != string(domain.AssignAssigned) || as.AcceptLate || as.AcceptDueAt == nil || now.Before(*as.AcceptDueAt) {
				return nil
			}
			as.AcceptLate = true
			if err := q.SaveAssignment(ctx, as); err != nil {
				return err
			}
			if err := transition(ctx, q, now, &it, systemActor(), domain.ActAcceptLate, "超过签收时限未签收"); err != nil {
				return err
			}
			changed = true
			return c.notifyUnit(ctx, q, as.UnitCode, false, it.ID, "accept_overdue",
				fmt.Sprintf("%s 已超过签收时限,请尽快签收", it.TrackingCode))
		case CheckClose:
			if (st != domain.Replied && st != domain.Answered) || it.RepliedAt == nil || now.Before(it.RepliedAt.Add(c.set.RatingWindow)) {
				return nil
			}
			it.ClosedAt = &now
			if err := transition(ctx, q, now, &it, systemActor(), domain.ActClose, "评价期满,自动办结归档"); err != nil {
				return err
			}
			changed = true
			return q.SaveItem(ctx, it)
		}
		return fmt.Errorf("unknown deadline check %q", check)
	})
	return changed, err
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
