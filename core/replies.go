package core

import (
	"context"
	"fmt"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// ReplyView is a reply as staff see it.
type ReplyView struct {
	ID         int64              `json:"id"`
	ItemID     int64              `json:"item_id"`
	UnitCode   string             `json:"unit_code"`
	Author     string             `json:"author"`
	Body       string             `json:"body"`
	Final      bool               `json:"final"`
	Public     bool               `json:"public"`
	Status     domain.ReplyStatus `json:"status"`
	ApprovedAt *time.Time         `json:"approved_at"`
	CreatedAt  time.Time          `json:"created_at"`
}

func (c *Core) replyView(r repo.Reply) ReplyView {
	return ReplyView{ID: r.ID, ItemID: r.ItemID, UnitCode: r.UnitCode, Author: r.AuthorName, Body: r.Body,
		Final: r.Final, Public: r.Public, Status: r.Status, ApprovedAt: c.tm(r.ApprovedAt),
		CreatedAt: r.CreatedAt.In(c.set.Location)}
}

// ReplyInput is a unit's reply.
type ReplyInput struct {
	Body   string `json:"body"`
	Final  bool   `json:"final"`
	Public *bool  `json:"public"`
}

// Reply records a unit's reply. A co-handling unit's (or a progress note of
// the primary unit) is an opinion with final false. The primary unit's final
// reply completes the item (办结) at once, or, when the unit requires its
// head's approval and the author is not the head, once the head approves it.
func (c *Core) Reply(ctx context.Context, v domain.Viewer, id int64, in ReplyInput) (ReplyView, error) {
	var ve domain.ValidationError
	body := text(&ve, "body", in.Body, true, maxContent)
	public := in.Final
	if in.Public != nil {
		public = *in.Public
	}
	var (
		reply     repo.Reply
		completed bool
	)
	choose := func(it repo.Item) domain.Action {
		if !in.Final {
			return domain.ActOpinion
		}
		return domain.ActReply
	}
	_, err := c.act(ctx, v, id, choose, ve.Err(), func(q *repo.Q, it *repo.Item, now time.Time) error {
		as, err := activeAssignment(ctx, q, it.ID, v.UnitCode)
		if err != nil {
			return err
		}
		if in.Final && as.Status == string(domain.AssignAssigned) {
			return fmt.Errorf("%w: sign for the item before replying", domain.ErrInvalidTransition)
		}
		status, err := c.replyStatus(ctx, q, v, in.Final)
		if err != nil {
			return err
		}
		r, err := q.InsertReply(ctx, repo.Reply{ItemID: it.ID, UnitCode: v.UnitCode, AuthorID: v.ID, Body: body,
			Final: in.Final, Public: public, Status: status, CreatedAt: now})
		if err != nil {
			return err
		}
		completed = in.Final && status == domain.ReplyEffective
		if err := c.afterReply(ctx, q, v, it, as, r, now); err != nil {
			return err
		}
		// the answer is built from what this transaction commits: a read
		// after the commit could fail (the database restarting) and turn a
		// stored reply into an error, whose retry would then find its key
		// taken
		reply, err = q.GetReply(ctx, it.ID, r.ID)
		return err
	})
	if err != nil {
		return ReplyView{}, err
	}
	if completed {
		c.tasks.DropDeadlines(id)
	}
	c.kickDeliveries(ctx, id)
	return c.replyView(reply), nil
}

// replyStatus is the status a new reply starts in: a final reply waits for
// the unit head when the unit requires approval and the author is not the
// head; every other reply is effective at once.
func (c *Core) replyStatus(ctx context.Context, q *repo.Q, v domain.Viewer, final bool) (domain.ReplyStatus, error) {
	if !final {
		return domain.ReplyEffective, nil
	}
	unit, err := q.GetUnit(ctx, v.UnitCode)
	if err != nil {
		return "", err
	}
	if unit.ReplyApproval && v.Role != domain.RoleUnitHead {
		return domain.ReplyPending, nil
	}
	return domain.ReplyEffective, nil
}

// afterReply moves the item on after a reply was stored: an opinion marks a
// co-handling unit's assignment replied, a final reply waiting for approval
// tells the unit head, and an effective final reply completes the item.
func (c *Core) afterReply(ctx context.Context, q *repo.Q, v domain.Viewer, it *repo.Item, as repo.Assignment, r repo.Reply, now time.Time) error {
	switch {
	case !r.Final:
		if as.Role == string(domain.CoUnit) {
			as.Status = string(domain.AssignReplied)
			if err := q.SaveAssignment(ctx, as); err != nil {
				return err
			}
		}
		return transition(ctx, q, now, it, actorOf(v), domain.ActOpinion, "协办意见")
	case r.Status == domain.ReplyPending:
		if err := transition(ctx, q, now, it, actorOf(v), domain.ActReplyPending, "办理答复待单位负责人审核"); err != nil {
			return err
		}
		return c.notifyUnit(ctx, q, v.UnitCode, true, it.ID, "reply_pending", fmt.Sprintf("%s 的答复待审核", it.TrackingCode))
	default:
		return c.complete(ctx, q, it, r, actorOf(v), domain.ActReply, "办结答复", now)
	}
}

// ApproveReply is the unit head's approval of a pending final reply; the item
// is completed with it.
func (c *Core) ApproveReply(ctx context.Context, v domain.Viewer, id, replyID int64) (ItemView, error) {
	it, err := c.act(ctx, v, id, fixed(domain.ActApproveReply), nil, func(q *repo.Q, it *repo.Item, now time.Time) error {
		r, err := q.GetReply(ctx, it.ID, replyID)
		if err != nil {
			return notFoundAs(err, "reply")
		}
		if r.UnitCode != v.UnitCode {
			return fmt.Errorf("%w: the reply belongs to another unit", domain.ErrForbidden)
		}
		if !r.Final || r.Status != domain.ReplyPending {
			return fmt.Errorf("%w: the reply is not waiting for approval", domain.ErrInvalidTransition)
		}
		if err := q.SetReplyStatus(ctx, r.ID, domain.ReplyApproved, &v.ID, &now); err != nil {
			return err
		}
		r.Status = domain.ReplyApproved
		return c.complete(ctx, q, it, r, actorOf(v), domain.ActApproveReply, "审核通过,办结", now)
	})
	if err != nil {
		return ItemView{}, err
	}
	c.tasks.DropDeadlines(id)
	c.kickDeliveries(ctx, id)
	return c.answer(ctx, v, it, domain.ActApproveReply)
}

// complete records the primary unit's final reply as the item's answer: the
// item is replied (办结) now, the handling time is counted in working hours
// from dispatch, a late answer stays overdue, the return visit falls due the
// next working day, and the answer is queued for delivery to the citizen.
func (c *Core) complete(ctx context.Context, q *repo.Q, it *repo.Item, r repo.Reply, who actor, a domain.Action, note string, now time.Time) error {
	cal, err := c.Calendar(ctx)
	if err != nil {
		return err
	}
	if err := q.ReplaceFinalReplies(ctx, it.ID, r.ID); err != nil {
		return err
	}
	if r.Status == domain.ReplyPending {
		r.Status = domain.ReplyEffective
	}
	if err := q.SetReplyStatus(ctx, r.ID, r.Status, nil, nil); err != nil {
		return err
	}
	if err := transition(ctx, q, now, it, who, a, note); err != nil {
		return err
	}
	it.RepliedAt, it.CompletedAt = &now, &now
	if it.DispatchedAt != nil {
		it.HandleSeconds = ptr(int64(cal.WorkingDuration(*it.DispatchedAt, now) / time.Second))
	}
	if it.DueAt != nil && now.After(*it.DueAt) && !it.Overdue {
		it.Overdue, it.OverdueAt = true, &now
	}
	it.VisitDueAt = ptr(cal.NextWorkday(now))
	as, err := activeAssignment(ctx, q, it.ID, r.UnitCode)
	if err != nil {
		return err
	}
	as.Status = string(domain.AssignReplied)
	if err := q.SaveAssignment(ctx, as); err != nil {
		return err
	}
	if err := q.SaveItem(ctx, *it); err != nil {
		return err
	}
	// the citizen always gets the final answer; `public` only decides
	// whether it may be published with the letter
	return c.queueReplyDelivery(ctx, q, *it, r, now)
}
