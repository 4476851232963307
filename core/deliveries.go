package core

import (
	"context"
	"fmt"
	"time"

	"hotline/delivery"
	"hotline/domain"
	"hotline/repo"
)

// DeliveryView is an outbound message as staff see it.
type DeliveryView struct {
	ID            int64                 `json:"id"`
	Channel       string                `json:"channel"`
	Type          string                `json:"type"`
	To            string                `json:"to"`
	Status        domain.DeliveryStatus `json:"status"`
	Adapter       string                `json:"adapter"`
	Attempts      int                   `json:"attempts"`
	ManualRetries int                   `json:"manual_retries"`
	LastError     string                `json:"last_error"`
	CreatedAt     time.Time             `json:"created_at"`
	SentAt        *time.Time            `json:"sent_at"`
}

func (c *Core) deliveryView(v domain.Viewer, it repo.Item, d repo.Delivery) DeliveryView {
	to := d.Recipient
	if !v.SeesFullPhone() {
		if it.Confidential {
			to = ""
		} else {
			to = delivery.MaskRecipient(to)
		}
	}
	return DeliveryView{ID: d.ID, Channel: d.Channel, Type: d.Type, To: to, Status: d.Status, Adapter: d.Adapter,
		Attempts: d.Attempts, ManualRetries: d.ManualRetries, LastError: d.LastError,
		CreatedAt: d.CreatedAt.In(c.set.Location), SentAt: c.tm(d.SentAt)}
}

// queueReplyDelivery writes the messages that carry a final reply back to
// the citizen on the item's own channel, and to the citizens of items merged
// into it, in the caller's transaction. The worker sends them.
func (c *Core) queueReplyDelivery(ctx context.Context, q *repo.Q, it repo.Item, r repo.Reply, now time.Time) error {
	merged, err := q.ItemsMergedInto(ctx, it.ID)
	if err != nil {
		return err
	}
	for _, target := range append([]repo.Item{it}, merged...) {
		if err := c.queueAnswer(ctx, q, target, it, r.ID, r.Body, now); err != nil {
			return err
		}
	}
	return nil
}

// queueAnswer writes the delivery of an answer (given on `source`) to the
// citizen of `target`, with a rating link where the citizen can be reached.
func (c *Core) queueAnswer(ctx context.Context, q *repo.Q, target, source repo.Item, replyID int64, body string, now time.Time) error {
	d := repo.Delivery{ItemID: target.ID, Channel: target.Channel, Type: delivery.TypeReply, Extra: repo.JSONMap{}}
	if replyID != 0 {
		d.ReplyID = &replyID
	}
	link := func() {
		if target.MergedIntoID == nil { // a merged item is rated through the one it was merged into
			d.Extra[ratingLinkMark] = "1"
		}
	}
	ref := ""
	if source.ID != target.ID {
		ref = fmt.Sprintf("(与编号%s的诉求合并办理)", source.TrackingCode)
	}
	switch domain.Channel(target.Channel) {
	case domain.Hotline:
		if target.CitizenPhone == "" {
			return nil
		}
		link()
		d.Recipient = target.CitizenPhone
		d.Body = fmt.Sprintf("【12328】您反映的诉求(编号%s)已办结%s。答复:%s", target.TrackingCode, ref, body)
	case domain.Mailbox:
		if target.CitizenEmail == "" {
			return nil // the answer is read through tracking
		}
		link()
		d.Recipient = target.CitizenEmail
		d.Subject = fmt.Sprintf("您的来信(编号%s)已答复", target.TrackingCode)
		d.Body = fmt.Sprintf("您好:\n\n您的来信《%s》(编号%s)已办理完毕%s,答复如下:\n\n%s\n", target.Title, target.TrackingCode, ref, body)
	case domain.Microblog:
		d.Recipient = target.AuthorID
		d.Extra["post_id"] = strOr(target.SourceRef)
		d.Body = fmt.Sprintf("您好,您反映的问题%s答复如下:%s", ref, body)
	case domain.Platform:
		d.Type = delivery.TypePlatformCallback
		d.Recipient = strOr(target.SourceRef)
		d.Extra["external_id"] = strOr(target.SourceRef)
		d.Extra["status"] = "replied"
		d.Body = body
	default:
		return nil
	}
	_, err := q.InsertDelivery(ctx, d)
	return err
}

// ratingLinkMark in a delivery's extra asks the sender to mint a rating link
// and append it to the message: the link's token then exists only in the
// message sent and, hashed, in rating_links; no row holds it in clear.
const ratingLinkMark = "rating_link"

// message is what the sender sends for a delivery: the stored message, and
// where it asks for one, a rating link minted for this attempt (each attempt
// mints its own; a link is one-time, and an unsent one expires unused).
func (c *Core) message(ctx context.Context, d repo.Delivery, it repo.Item) (delivery.Message, error) {
	extra := make(map[string]string, len(d.Extra)+2)
	for k, v := range d.Extra {
		if k != ratingLinkMark {
			extra[k] = v
		}
	}
	msg := deliveryMessage(it, d)
	msg.Extra = extra
	if d.Extra[ratingLinkMark] == "" {
		return msg, nil
	}
	token, err := c.newRatingLink(ctx, c.store.Q(), d.ItemID, c.now())
	if err != nil {
		return delivery.Message{}, fmt.Errorf("mint rating link: %w", err)
	}
	url := c.ratingURL(token)
	extra["rating_url"], extra["rating_token"] = url, token
	switch domain.Channel(d.Channel) {
	case domain.Mailbox:
		msg.Body += "\n请对办理结果评价:" + url + "\n"
	default:
		msg.Body += " 请对办理结果评价:" + url
	}
	return msg, nil
}

// kickDeliveries asks the queue to send the pending deliveries of an item
// and of the items merged into it (merges never chain: see Merge).
func (c *Core) kickDeliveries(ctx context.Context, itemID int64) {
	q := c.store.Q()
	ids := []int64{itemID}
	merged, err := q.ItemsMergedInto(ctx, itemID)
	if err != nil {
		c.log.Warn("read merged items to queue their deliveries", "item_id", itemID, "err", err)
	}
	for _, m := range merged {
		ids = append(ids, m.ID)
	}
	for _, id := range ids {
		dels, err := q.ItemDeliveries(ctx, id)
		if err != nil {
			c.log.Warn("read deliveries to queue", "item_id", id, "err", err)
			continue
		}
		for _, d := range dels {
			if d.Status == domain.DeliveryPending {
				c.tasks.Deliver(d.ID, d.ManualRetries, d.Attempts, d.NextAttemptAt)
			}
		}
	}
}

// SendDelivery makes one attempt to send a queued message. It is the
// handler of the delivery task, and safe to run twice: only one sender holds
// a message at a time (a lease that outlives the send's own timeout, so it
// lapses only when the sender died), and a message that is not pending or
// not yet due is left alone. A failed attempt is recorded and the next one
// scheduled with a doubling wait; after DeliveryMaxRetry retries (or at once
// for a permanent error) the message turns failed, visibly, for an operator
// to retry. The schedule lives in the database, so the reconciler resends
// whatever a lost task left behind.
func (c *Core) SendDelivery(ctx context.Context, id int64, sender delivery.Sender) error {
	q := c.store.Q()
	d, ok, err := q.LeaseDelivery(ctx, id, c.now().Add(c.set.DeliveryTimeout+5*time.Second))
	if err != nil {
		return fmt.Errorf("lease delivery %d: %w", id, err)
	}
	if !ok {
		return nil
	}
	it, err := q.GetItem(ctx, d.ItemID)
	if err != nil {
		return fmt.Errorf("read item of delivery %d: %w", id, err)
	}
	msg, err := c.message(ctx, d, it)
	if err != nil {
		return fmt.Errorf("compose delivery %d: %w", id, err)
	}
	adapter, sendErr := c.send(ctx, sender, msg)
	// attempts allowed in this round: the first and DeliveryMaxRetry more,
	// and as many again after each manual retry
	allowed := (d.ManualRetries + 1) * (c.set.DeliveryMaxRetry + 1)
	failed := sendErr != nil && (d.Attempts+1 >= allowed || delivery.IsPermanent(sendErr))
	retry, err := c.recordAttempt(ctx, id, adapter, sendErr, failed)
	if err != nil {
		return fmt.Errorf("record delivery %d: %w", id, err)
	}
	if retry != nil {
		c.log.Info("delivery attempt failed; retrying", "delivery_id", id, "attempt", retry.Attempts, "next", retry.NextAttemptAt, "err", sendErr)
		c.tasks.Deliver(retry.ID, retry.ManualRetries, retry.Attempts, retry.NextAttemptAt)
	}
	return nil
}

// deliveryMessage is what a sender is given for a queued delivery.
func deliveryMessage(it repo.Item, d repo.Delivery) delivery.Message {
	return delivery.Message{ID: d.ID, ItemID: d.ItemID, TrackingCode: it.TrackingCode, Channel: d.Channel,
		To: d.Recipient, Type: d.Type, Subject: d.Subject, Body: d.Body, Extra: d.Extra}
}

// send makes one attempt within DeliveryTimeout; adapter names the sender
// that took the message (a router's choice when the sender is a router).
func (c *Core) send(ctx context.Context, sender delivery.Sender, msg delivery.Message) (adapter string, err error) {
	adapter = sender.Name()
	if r, ok := sender.(delivery.Router); ok {
		if s := r.For(msg); s != nil {
			adapter = s.Name()
		}
	}
	sctx, cancel := context.WithTimeout(ctx, c.set.DeliveryTimeout)
	defer cancel()
	return adapter, sender.Send(sctx, msg)
}

// recordAttempt records the outcome of an attempt on a delivery still
// pending: sent, failed for good (operators notified), or to be retried after
// the backoff, in which case the delivery to schedule is returned.
func (c *Core) recordAttempt(ctx context.Context, id int64, adapter string, sendErr error, failed bool) (*repo.Delivery, error) {
	var retry *repo.Delivery
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		d, err := q.LockDelivery(ctx, id)
		if err != nil {
			return err
		}
		if d.Status != domain.DeliveryPending {
			return nil
		}
		now := c.now()
		c.applyAttempt(&d, now, adapter, sendErr, failed)
		if d.Status == domain.DeliveryPending {
			retry = &d
		}
		if err := q.SaveDelivery(ctx, d); err != nil {
			return err
		}
		return c.noteAttempt(ctx, q, d, now, adapter, sendErr, failed)
	})
	return retry, err
}

// applyAttempt counts an attempt on d and sets its status, error and next
// attempt time.
func (c *Core) applyAttempt(d *repo.Delivery, now time.Time, adapter string, sendErr error, failed bool) {
	d.Attempts++
	d.Adapter = adapter
	switch {
	case sendErr == nil:
		d.Status, d.SentAt, d.LastError = domain.DeliverySent, &now, ""
	case failed:
		d.LastError = truncate(sendErr.Error(), 500)
		d.Status = domain.DeliveryFailed
	default:
		d.LastError = truncate(sendErr.Error(), 500)
		d.NextAttemptAt = now.Add(domain.Backoff(c.set.RetryBase, c.set.RetryMax, d.Attempts))
	}
}

// noteAttempt puts a sent or failed delivery on the item's timeline, and
// tells the operators of a failed one; a retry is not an event.
func (c *Core) noteAttempt(ctx context.Context, q *repo.Q, d repo.Delivery, now time.Time, adapter string, sendErr error, failed bool) error {
	it, err := q.LockItem(ctx, d.ItemID)
	if err != nil {
		return err
	}
	switch {
	case sendErr == nil:
		return transition(ctx, q, now, &it, systemActor(), domain.ActDeliver,
			fmt.Sprintf("%s已送达(%s,第%d次尝试)", deliveryLabel(d.Type), adapter, d.Attempts))
	case failed:
		if err := transition(ctx, q, now, &it, systemActor(), domain.ActDeliveryFailed,
			fmt.Sprintf("%s发送失败(%s,%d次尝试):%s", deliveryLabel(d.Type), adapter, d.Attempts, d.LastError)); err != nil {
			return err
		}
		ids, err := q.RoleUserIDs(ctx, string(domain.RoleOperator))
		if err != nil {
			return err
		}
		return q.Notify(ctx, ids, &it.ID, "delivery_failed", fmt.Sprintf("%s 的答复未能送达,请重试或电话告知", it.TrackingCode))
	}
	return nil
}

func deliveryLabel(typ string) string {
	switch typ {
	case delivery.TypePlatformCallback:
		return "平台回调"
	case delivery.TypeRatingInvite:
		return "评价邀请"
	}
	return "答复"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// RetryDelivery puts a failed delivery back in the queue.
func (c *Core) RetryDelivery(ctx context.Context, v domain.Viewer, id, deliveryID int64) (DeliveryView, error) {
	var d repo.Delivery
	it, err := c.act(ctx, v, id, fixed(domain.ActRetryDelivery), nil, func(q *repo.Q, it *repo.Item, now time.Time) error {
		var err error
		d, err = q.GetDelivery(ctx, it.ID, deliveryID)
		if err != nil {
			return notFoundAs(err, "delivery")
		}
		if d.Status != domain.DeliveryFailed {
			return fmt.Errorf("%w: only a failed delivery can be retried; this one is %s", domain.ErrInvalidTransition, d.Status)
		}
		d.Status, d.ManualRetries, d.NextAttemptAt = domain.DeliveryPending, d.ManualRetries+1, now
		if err := q.SaveDelivery(ctx, d); err != nil {
			return err
		}
		return transition(ctx, q, now, it, actorOf(v), domain.ActRetryDelivery, fmt.Sprintf("重新发送第%d条消息", d.ID))
	})
	if err != nil {
		return DeliveryView{}, err
	}
	c.tasks.Deliver(d.ID, d.ManualRetries, d.Attempts, d.NextAttemptAt)
	if err := c.revealedDelivery(ctx, v, it, d, "answer to "+string(domain.ActRetryDelivery)); err != nil {
		return DeliveryView{}, err
	}
	return c.deliveryView(v, it, d), nil
}
