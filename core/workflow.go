package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// ReplyView is a reply as staff see it.
type ReplyView struct {
	ID         int64      `json:"id"`
	ItemID     int64      `json:"item_id"`
	UnitCode   string     `json:"unit_code"`
	Author     string     `json:"author"`
	Body       string     `json:"body"`
	Final      bool       `json:"final"`
	Public     bool       `json:"public"`
	Status     string     `json:"status"`
	ApprovedAt *time.Time `json:"approved_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

func (c *Core) replyView(r repo.Reply) ReplyView {
	return ReplyView{ID: r.ID, ItemID: r.ItemID, UnitCode: r.UnitCode, Author: r.AuthorName, Body: r.Body,
		Final: r.Final, Public: r.Public, Status: r.Status, ApprovedAt: c.tm(r.ApprovedAt),
		CreatedAt: r.CreatedAt.In(c.set.Location)}
}

// ExtensionView is an extension request.
type ExtensionView struct {
	ID           int64      `json:"id"`
	ItemID       int64      `json:"item_id"`
	UnitCode     string     `json:"unit_code"`
	Workdays     int        `json:"workdays"`
	Reason       string     `json:"reason"`
	Status       string     `json:"status"`
	DecidedAt    *time.Time `json:"decided_at"`
	DecisionNote string     `json:"decision_note"`
	OldDueAt     *time.Time `json:"old_due_at"`
	NewDueAt     *time.Time `json:"new_due_at"`
	CreatedAt    time.Time  `json:"created_at"`
}

func (c *Core) extensionView(e repo.Extension) ExtensionView {
	return ExtensionView{ID: e.ID, ItemID: e.ItemID, UnitCode: e.UnitCode, Workdays: e.Workdays, Reason: e.Reason,
		Status: e.Status, DecidedAt: c.tm(e.DecidedAt), DecisionNote: e.DecisionNote, OldDueAt: c.tm(e.OldDueAt),
		NewDueAt: c.tm(e.NewDueAt), CreatedAt: e.CreatedAt.In(c.set.Location)}
}

// fillWork adds replies, extensions, ratings and deliveries to a detail.
func (c *Core) fillWork(ctx context.Context, q *repo.Q, v domain.Viewer, it repo.Item, d *ItemDetail) error {
	replies, err := q.ItemReplies(ctx, it.ID)
	if err != nil {
		return err
	}
	d.Replies = make([]ReplyView, len(replies))
	for i, r := range replies {
		d.Replies[i] = c.replyView(r)
	}
	exts, err := q.ItemExtensions(ctx, it.ID)
	if err != nil {
		return err
	}
	d.Extensions = make([]ExtensionView, len(exts))
	for i, e := range exts {
		d.Extensions[i] = c.extensionView(e)
	}
	ratings, err := q.ItemRatings(ctx, it.ID)
	if err != nil {
		return err
	}
	d.Ratings = make([]RatingView, len(ratings))
	for i, r := range ratings {
		d.Ratings[i] = c.ratingView(r)
	}
	dels, err := q.ItemDeliveries(ctx, it.ID)
	if err != nil {
		return err
	}
	d.Deliveries = make([]DeliveryView, len(dels))
	for i, dl := range dels {
		d.Deliveries[i] = c.deliveryView(v, it, dl)
	}
	return nil
}

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
			as.AcceptLate = true
		}
		if err := q.SaveAssignment(ctx, as); err != nil {
			return err
		}
		note := ""
		if as.AcceptLate {
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
	return c.itemView(v, it), nil
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
	return c.itemView(v, it), nil
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
		if _, dup := repo.IsUniqueViolation(err); dup {
			return fmt.Errorf("%w: an extension request is already waiting", domain.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("store extension: %w", err)
		}
		repo.SetIdemResource(ctx, "extension", ext.ID)
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
		if ext.Status != "pending" {
			return fmt.Errorf("%w: the request was %s already", domain.ErrInvalidTransition, ext.Status)
		}
		if ext.UnitCode != strOr(it.PrimaryUnitCode) {
			return fmt.Errorf("%w: the request came from %s, which no longer holds the item", domain.ErrInvalidTransition, ext.UnitCode)
		}
		ext.Status, ext.DecidedBy, ext.DecidedAt, ext.DecisionNote = "rejected", &v.ID, &now, note
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
			ext.Status, ext.NewDueAt = "approved", &newDue
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
	return c.itemView(v, it), nil
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
		status := "effective"
		if in.Final {
			unit, err := q.GetUnit(ctx, v.UnitCode)
			if err != nil {
				return err
			}
			if unit.ReplyApproval && v.Role != domain.RoleUnitHead {
				status = "pending"
			}
		}
		reply, err = q.InsertReply(ctx, repo.Reply{ItemID: it.ID, UnitCode: v.UnitCode, AuthorID: v.ID, Body: body,
			Final: in.Final, Public: public, Status: status, CreatedAt: now})
		if err != nil {
			return err
		}
		repo.SetIdemResource(ctx, "reply", reply.ID)
		switch {
		case !in.Final:
			if as.Role == string(domain.CoUnit) {
				as.Status = string(domain.AssignReplied)
				if err := q.SaveAssignment(ctx, as); err != nil {
					return err
				}
			}
			return transition(ctx, q, now, it, actorOf(v), domain.ActOpinion, "协办意见")
		case status == "pending":
			if err := transition(ctx, q, now, it, actorOf(v), domain.ActReplyPending, "办理答复待单位负责人审核"); err != nil {
				return err
			}
			return c.notifyUnit(ctx, q, v.UnitCode, true, it.ID, "reply_pending", fmt.Sprintf("%s 的答复待审核", it.TrackingCode))
		default:
			completed = true
			return c.complete(ctx, q, it, reply, actorOf(v), domain.ActReply, "办结答复", now)
		}
	})
	if err != nil {
		return ReplyView{}, err
	}
	if completed {
		c.tasks.DropDeadlines(id)
	}
	c.kickDeliveries(ctx, id)
	reply, err = c.store.Q().GetReply(ctx, id, reply.ID)
	return c.replyView(reply), err
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
		if !r.Final || r.Status != "pending" {
			return fmt.Errorf("%w: the reply is not waiting for approval", domain.ErrInvalidTransition)
		}
		if err := q.SetReplyStatus(ctx, r.ID, "approved", &v.ID, &now); err != nil {
			return err
		}
		r.Status = "approved"
		return c.complete(ctx, q, it, r, actorOf(v), domain.ActApproveReply, "审核通过,办结", now)
	})
	if err != nil {
		return ItemView{}, err
	}
	c.tasks.DropDeadlines(id)
	c.kickDeliveries(ctx, id)
	return c.itemView(v, it), nil
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
	if r.Status == "pending" {
		r.Status = "effective"
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

// notifyUnit tells a unit's staff (or only its heads) about an item.
func (c *Core) notifyUnit(ctx context.Context, q *repo.Q, unit string, headsOnly bool, itemID int64, typ, msg string) error {
	ids, err := q.UnitUserIDs(ctx, unit, headsOnly)
	if err != nil {
		return err
	}
	return q.Notify(ctx, ids, &itemID, typ, msg)
}

// NotificationView is a notice to a user.
type NotificationView struct {
	ID        int64      `json:"id"`
	ItemID    *int64     `json:"item_id"`
	Type      string     `json:"type"`
	Message   string     `json:"message"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

func (c *Core) notificationView(n repo.Notification) NotificationView {
	return NotificationView{ID: n.ID, ItemID: n.ItemID, Type: n.Type, Message: n.Message,
		CreatedAt: n.CreatedAt.In(c.set.Location), ReadAt: c.tm(n.ReadAt)}
}

// Notifications lists the viewer's notices, newest first.
func (c *Core) Notifications(ctx context.Context, v domain.Viewer, unreadOnly bool, page Page) ([]NotificationView, *string, int64, error) {
	q := c.store.Q()
	rows, err := q.ListNotifications(ctx, v.ID, unreadOnly, page.After, page.Limit+1)
	if err != nil {
		return nil, nil, 0, err
	}
	unread, err := q.CountUnread(ctx, v.ID)
	if err != nil {
		return nil, nil, 0, err
	}
	out := make([]NotificationView, 0, len(rows))
	for _, n := range rows {
		out = append(out, c.notificationView(n))
	}
	next := page.next(len(out), func() int64 { return out[page.Limit-1].ID })
	if len(out) > page.Limit {
		out = out[:page.Limit]
	}
	return out, next, unread, nil
}

// MarkNotificationRead marks one of the viewer's notices read.
func (c *Core) MarkNotificationRead(ctx context.Context, v domain.Viewer, id int64) (NotificationView, error) {
	n, err := c.store.Q().MarkNotificationRead(ctx, v.ID, id)
	if errors.Is(err, repo.ErrNotFound) {
		return NotificationView{}, fmt.Errorf("notification %d: %w", id, domain.ErrNotFound)
	}
	return c.notificationView(n), err
}
