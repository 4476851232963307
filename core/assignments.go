package core

import (
	"context"
	"fmt"
	"slices"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// Accept signs for an item (签收): the primary unit moves it to accepted; a
// co-handling unit signs for its own part without changing the item's status.
func (c *Core) Accept(ctx context.Context, v domain.Viewer, id int64) (ItemView, error) {
	choose := func(it repo.Item) domain.Action {
		if v.Role.IsUnitRole() && v.UnitCode != strOr(it.PrimaryUnitCode) && slices.Contains(it.CoUnitCodes, v.UnitCode) {
			return domain.ActAcceptCo
		}
		return domain.ActAccept
	}
	it, err := c.act(ctx, v, id, choose, nil, func(q *repo.Q, it *repo.Item, now time.Time) error {
		a := choose(*it)
		as, err := activeAssignment(ctx, q, it.ID, v.UnitCode)
		if err != nil {
			return err
		}
		if as.Status != string(domain.AssignAssigned) {
			return fmt.Errorf("%w: the unit has signed for this item already", domain.ErrInvalidTransition)
		}
		as.Status, as.AcceptedAt = string(domain.AssignAccepted), &now
		if as.AcceptDueAt != nil && now.After(*as.AcceptDueAt) {
			as.AcceptOverdue = true
		}
		if err := q.SaveAssignment(ctx, as); err != nil {
			return err
		}
		note := ""
		if as.AcceptOverdue {
			note = "超时签收"
		}
		if a == domain.ActAcceptCo {
			return event(ctx, q, now, it.ID, actorOf(v), a, domain.Status(it.Status), domain.Status(it.Status), note)
		}
		it.AcceptedAt = &now
		if err := transition(ctx, q, now, it, actorOf(v), a, note); err != nil {
			return err
		}
		return q.SaveItem(ctx, *it)
	})
	if err != nil {
		return ItemView{}, err
	}
	return c.answer(ctx, v, it, domain.ActAccept)
}

// activeAssignment finds a unit's live assignment on an item.
func activeAssignment(ctx context.Context, q *repo.Q, itemID int64, unit string) (repo.Assignment, error) {
	as, err := q.ItemAssignments(ctx, itemID)
	if err != nil {
		return repo.Assignment{}, err
	}
	for i := len(as) - 1; i >= 0; i-- {
		if as[i].UnitCode == unit && domain.AssignmentStatus(as[i].Status).Active() {
			return as[i], nil
		}
	}
	return repo.Assignment{}, fmt.Errorf("%w: unit %s holds no part of item %d", domain.ErrForbidden, unit, itemID)
}

// ReturnInput is a unit's reason for sending an item back.
type ReturnInput struct {
	Reason string `json:"reason"`
}

// Return sends an item back (退单): from the primary unit, the item goes to
// pending_dispatch for an operator to dispatch again; a co-handling unit only
// drops its own part.
func (c *Core) Return(ctx context.Context, v domain.Viewer, id int64, in ReturnInput) (ItemView, error) {
	var ve domain.ValidationError
	reason := text(&ve, "reason", in.Reason, true, 2000)
	choose := func(it repo.Item) domain.Action {
		if v.Role.IsUnitRole() && v.UnitCode != strOr(it.PrimaryUnitCode) && slices.Contains(it.CoUnitCodes, v.UnitCode) {
			return domain.ActReturnCo
		}
		return domain.ActReturn
	}
	it, err := c.act(ctx, v, id, choose, ve.Err(), func(q *repo.Q, it *repo.Item, now time.Time) error {
		a := choose(*it)
		all, err := q.ItemAssignments(ctx, it.ID)
		if err != nil {
			return err
		}
		for _, as := range all {
			if !domain.AssignmentStatus(as.Status).Active() || (a == domain.ActReturnCo && as.UnitCode != v.UnitCode) {
				continue
			}
			if as.UnitCode == v.UnitCode {
				as.Status, as.ReturnedAt, as.ReturnReason = string(domain.AssignReturned), &now, reason
			} else {
				as.Status = string(domain.AssignWithdrawn)
			}
			if err := q.SaveAssignment(ctx, as); err != nil {
				return err
			}
		}
		note := "退单理由:" + reason
		if a == domain.ActReturnCo {
			it.CoUnitCodes = slices.DeleteFunc(slices.Clone(it.CoUnitCodes), func(u string) bool { return u == v.UnitCode })
			if err := event(ctx, q, now, it.ID, actorOf(v), a, domain.Status(it.Status), domain.Status(it.Status), note); err != nil {
				return err
			}
		} else {
			if err := transition(ctx, q, now, it, actorOf(v), a, note); err != nil {
				return err
			}
			// the unit's drafts and its waiting extension go with it
			if err := q.DiscardPendingReplies(ctx, it.ID); err != nil {
				return err
			}
			if err := q.WithdrawPendingExtensions(ctx, it.ID); err != nil {
				return err
			}
			// dispatched_at, accept_due_at and accepted_at stay as the record of
			// the last dispatch; the reply deadline belongs to the unit and goes
			it.PrimaryUnitCode, it.CoUnitCodes = nil, []string{}
			it.DueAt, it.RemindAt, it.RemindedAt, it.OriginalDueAt = nil, nil, nil, nil
			it.Overdue, it.OverdueAt = false, nil
		}
		if err := q.SaveItem(ctx, *it); err != nil {
			return err
		}
		ids, err := q.RoleUserIDs(ctx, string(domain.RoleOperator))
		if err != nil {
			return err
		}
		return q.Notify(ctx, ids, &it.ID, "returned", fmt.Sprintf("%s 退回 %s:%s", v.UnitCode, it.TrackingCode, reason))
	})
	if err != nil {
		return ItemView{}, err
	}
	if it.PrimaryUnitCode == nil { // back to dispatch: the unit's deadlines went with it
		c.tasks.DropDeadlines(it.ID)
	}
	return c.answer(ctx, v, it, domain.ActReturn)
}
