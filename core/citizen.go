package core

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"hotline/delivery"
	"hotline/domain"
	"hotline/privacy"
	"hotline/repo"
)

// DeliveryView is an outbound message as staff see it.
type DeliveryView struct {
	ID            int64      `json:"id"`
	Channel       string     `json:"channel"`
	Type          string     `json:"type"`
	To            string     `json:"to"`
	Status        string     `json:"status"`
	Adapter       string     `json:"adapter"`
	Attempts      int        `json:"attempts"`
	ManualRetries int        `json:"manual_retries"`
	LastError     string     `json:"last_error"`
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at"`
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

// RatingView is a rating of an item.
type RatingView struct {
	ID           int64     `json:"id"`
	ItemID       int64     `json:"item_id"`
	Source       string    `json:"source"`
	Method       string    `json:"method"`
	Satisfaction string    `json:"satisfaction"`
	Stars        *int      `json:"stars"`
	Resolved     bool      `json:"resolved"`
	Comment      string    `json:"comment"`
	CreatedAt    time.Time `json:"created_at"`
}

func (c *Core) ratingView(r repo.Rating) RatingView {
	return RatingView{ID: r.ID, ItemID: r.ItemID, Source: r.Source, Method: r.Method, Satisfaction: r.Satisfaction,
		Stars: r.Stars, Resolved: r.Resolved, Comment: r.Comment, CreatedAt: r.CreatedAt.In(c.set.Location)}
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
	ratingURL := ""
	link := func() error {
		if target.MergedIntoID != nil {
			return nil // a merged item is rated through the one it was merged into
		}
		token, err := c.newRatingLink(ctx, q, target.ID, now)
		if err != nil {
			return err
		}
		ratingURL = c.set.PublicBaseURL + "/rate/" + token
		d.Extra["rating_url"] = ratingURL
		d.Extra["rating_token"] = token
		return nil
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
		if err := link(); err != nil {
			return err
		}
		d.Recipient = target.CitizenPhone
		d.Body = fmt.Sprintf("【12328】您反映的诉求(编号%s)已办结%s。答复:%s", target.TrackingCode, ref, body)
		if ratingURL != "" {
			d.Body += " 请对办理结果评价:" + ratingURL
		}
	case domain.Mailbox:
		if target.CitizenEmail == "" {
			return nil // the answer is read through tracking
		}
		if err := link(); err != nil {
			return err
		}
		d.Recipient = target.CitizenEmail
		d.Subject = fmt.Sprintf("您的来信(编号%s)已答复", target.TrackingCode)
		d.Body = fmt.Sprintf("您好:\n\n您的来信《%s》(编号%s)已办理完毕%s,答复如下:\n\n%s\n", target.Title, target.TrackingCode, ref, body)
		if ratingURL != "" {
			d.Body += "\n请对办理结果评价:" + ratingURL + "\n"
		}
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
			if d.Status == "pending" {
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
	msg := delivery.Message{ID: d.ID, ItemID: d.ItemID, TrackingCode: it.TrackingCode, Channel: d.Channel,
		To: d.Recipient, Type: d.Type, Subject: d.Subject, Body: d.Body, Extra: d.Extra}
	adapter := sender.Name()
	if r, ok := sender.(delivery.Router); ok {
		if s := r.For(msg); s != nil {
			adapter = s.Name()
		}
	}
	sctx, cancel := context.WithTimeout(ctx, c.set.DeliveryTimeout)
	sendErr := sender.Send(sctx, msg)
	cancel()
	// attempts allowed in this round: the first and DeliveryMaxRetry more,
	// and as many again after each manual retry
	allowed := (d.ManualRetries + 1) * (c.set.DeliveryMaxRetry + 1)
	failed := sendErr != nil && (d.Attempts+1 >= allowed || delivery.IsPermanent(sendErr))
	var retry *repo.Delivery
	err = c.store.Tx(ctx, func(q *repo.Q) error {
		d, err := q.LockDelivery(ctx, id)
		if err != nil {
			return err
		}
		if d.Status != "pending" {
			return nil
		}
		now := c.now()
		d.Attempts++
		d.Adapter = adapter
		if sendErr == nil {
			d.Status, d.SentAt, d.LastError = "sent", &now, ""
		} else {
			d.LastError = truncate(sendErr.Error(), 500)
			if failed {
				d.Status = "failed"
			} else {
				d.NextAttemptAt = now.Add(c.retryWait(d.Attempts))
				retry = &d
			}
		}
		if err := q.SaveDelivery(ctx, d); err != nil {
			return err
		}
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
	})
	if err != nil {
		return fmt.Errorf("record delivery %d: %w", id, err)
	}
	if retry != nil {
		c.log.Info("delivery attempt failed; retrying", "delivery_id", id, "attempt", retry.Attempts, "next", retry.NextAttemptAt, "err", sendErr)
		c.tasks.Deliver(retry.ID, retry.ManualRetries, retry.Attempts, retry.NextAttemptAt)
	}
	return nil
}

// retryWait is the wait after the n-th failed attempt: RetryBase doubling up
// to RetryMax.
func (c *Core) retryWait(n int) time.Duration {
	d := c.set.RetryBase
	for i := 1; i < n && d < c.set.RetryMax; i++ {
		d *= 2
	}
	return min(d, c.set.RetryMax)
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
		if d.Status != "failed" {
			return fmt.Errorf("%w: only a failed delivery can be retried; this one is %s", domain.ErrInvalidTransition, d.Status)
		}
		d.Status, d.ManualRetries, d.NextAttemptAt = "pending", d.ManualRetries+1, now
		if err := q.SaveDelivery(ctx, d); err != nil {
			return err
		}
		return transition(ctx, q, now, it, actorOf(v), domain.ActRetryDelivery, fmt.Sprintf("重新发送第%d条消息", d.ID))
	})
	if err != nil {
		return DeliveryView{}, err
	}
	c.tasks.Deliver(d.ID, d.ManualRetries, d.Attempts, d.NextAttemptAt)
	return c.deliveryView(v, it, d), nil
}

// TrackView is what a citizen sees of their item: no personal data, no staff
// names, only public answers.
type TrackView struct {
	TrackingCode string       `json:"tracking_code"`
	Status       string       `json:"status"`
	StatusLabel  string       `json:"status_label"`
	Kind         string       `json:"kind"`
	Title        string       `json:"title"`
	ReceivedAt   time.Time    `json:"received_at"`
	DueAt        *time.Time   `json:"due_at"`
	RepliedAt    *time.Time   `json:"replied_at"`
	ClosedAt     *time.Time   `json:"closed_at"`
	Replies      []TrackReply `json:"replies"`
}

// TrackReply is a public answer.
type TrackReply struct {
	Body string    `json:"body"`
	At   time.Time `json:"at"`
}

// statusLabel is the status in the words a citizen reads.
func statusLabel(s domain.Status) string {
	switch s {
	case domain.Received, domain.PendingDispatch:
		return "已受理"
	case domain.Dispatched, domain.Accepted:
		return "办理中"
	case domain.Answered, domain.Replied:
		return "已答复"
	case domain.Closed:
		return "已办结"
	}
	return string(s)
}

// Track shows a letter to the citizen holding its code and secret. A wrong
// secret answers exactly like an unknown code.
func (c *Core) Track(ctx context.Context, code, secret string) (TrackView, error) {
	notFound := fmt.Errorf("tracking code: %w", domain.ErrNotFound)
	if code == "" || len(code) > 40 || secret == "" || len(secret) > 100 {
		return TrackView{}, notFound
	}
	q := c.store.Q()
	it, err := q.ItemByTrackingCode(ctx, strings.ToUpper(code))
	given := sha256.Sum256([]byte(strings.ToUpper(secret)))
	if errors.Is(err, repo.ErrNotFound) || len(it.SecretHash) != len(given) {
		// compare anyway so that timing does not tell unknown codes apart
		subtle.ConstantTimeCompare(given[:], make([]byte, len(given)))
		return TrackView{}, notFound
	}
	if err != nil {
		return TrackView{}, err
	}
	if subtle.ConstantTimeCompare(it.SecretHash, given[:]) != 1 {
		return TrackView{}, notFound
	}
	if it.MergedIntoID != nil {
		// a merged letter shows its survivor's progress and answer
		survivor, err := q.GetItem(ctx, *it.MergedIntoID)
		if err == nil {
			survivor.TrackingCode, survivor.Title, survivor.ReceivedAt = it.TrackingCode, it.Title, it.ReceivedAt
			it = survivor
		}
	}
	replies, err := c.publicReplies(ctx, q, it)
	if err != nil {
		return TrackView{}, err
	}
	return TrackView{TrackingCode: it.TrackingCode, Status: it.Status, StatusLabel: statusLabel(domain.Status(it.Status)),
		Kind: it.Kind, Title: it.Title, ReceivedAt: it.ReceivedAt.In(c.set.Location), DueAt: c.tm(it.DueAt),
		RepliedAt: c.tm(it.RepliedAt), ClosedAt: c.tm(it.ClosedAt), Replies: replies}, nil
}

// publicReplies are the answers a citizen may read: an answer given on the
// call, and the final replies that counted (drafts never approved, and
// co-handling opinions, are the department's own).
func (c *Core) publicReplies(ctx context.Context, q *repo.Q, it repo.Item) ([]TrackReply, error) {
	out := []TrackReply{}
	if it.Answer != "" {
		out = append(out, TrackReply{Body: it.Answer, At: it.ReceivedAt.In(c.set.Location)})
	}
	rs, err := q.ItemReplies(ctx, it.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.Counted() {
			at := r.CreatedAt
			if r.ApprovedAt != nil {
				at = *r.ApprovedAt
			}
			out = append(out, TrackReply{Body: r.Body, At: at.In(c.set.Location)})
		}
	}
	return out, nil
}

// VisitInput is an operator's return visit (回访).
type VisitInput struct {
	Method       string `json:"method"`
	Satisfaction string `json:"satisfaction"`
	Stars        *int   `json:"stars"`
	Resolved     *bool  `json:"resolved"`
	Comment      string `json:"comment"`
}

// RatingInput is a citizen's rating through a link.
type RatingInput struct {
	Stars        *int   `json:"stars"`
	Satisfaction string `json:"satisfaction"`
	Resolved     *bool  `json:"resolved"`
	Comment      string `json:"comment"`
}

func checkRating(v *domain.ValidationError, satisfaction string, stars *int, resolved *bool, starsRequired bool) {
	switch satisfaction {
	case "satisfied", "basically_satisfied", "dissatisfied":
	case "":
		v.Add("satisfaction", "required: satisfied, basically_satisfied or dissatisfied")
	default:
		v.Add("satisfaction", "unknown value %q: satisfied, basically_satisfied or dissatisfied", satisfaction)
	}
	if stars == nil && starsRequired {
		v.Add("stars", "required: 1 to 5")
	}
	if stars != nil && (*stars < 1 || *stars > 5) {
		v.Add("stars", "1 to 5")
	}
	if resolved == nil {
		v.Add("resolved", "required: true or false")
	}
}

// RecordVisit stores an operator's return visit. The latest rating is the one
// the statistics count; a satisfied or basically satisfied answer closes the
// item.
func (c *Core) RecordVisit(ctx context.Context, v domain.Viewer, id int64, in VisitInput) (RatingView, error) {
	var ve domain.ValidationError
	switch in.Method {
	case "call", "sms", "link":
	case "":
		ve.Add("method", "required: call, sms or link")
	default:
		ve.Add("method", "unknown value %q: call, sms or link", in.Method)
	}
	checkRating(&ve, in.Satisfaction, in.Stars, in.Resolved, false)
	comment := text(&ve, "comment", in.Comment, false, 2000)
	var r repo.Rating
	_, err := c.act(ctx, v, id, fixed(domain.ActVisit), ve.Err(), func(q *repo.Q, it *repo.Item, now time.Time) error {
		var err error
		r, err = c.rate(ctx, q, it, repo.Rating{ItemID: it.ID, Source: "visit", Method: in.Method,
			Satisfaction: in.Satisfaction, Stars: in.Stars, Resolved: *in.Resolved, Comment: comment,
			OperatorID: &v.ID, CreatedAt: now}, actorOf(v), domain.ActVisit)
		if err == nil {
			repo.SetIdemResource(ctx, "rating", r.ID)
		}
		return err
	})
	return c.ratingView(r), err
}

// rate stores a rating on a locked item, records the event and closes the
// item when the citizen is satisfied.
func (c *Core) rate(ctx context.Context, q *repo.Q, it *repo.Item, r repo.Rating, who actor, a domain.Action) (repo.Rating, error) {
	stored, err := q.InsertRating(ctx, r)
	if err != nil {
		return repo.Rating{}, fmt.Errorf("store rating: %w", err)
	}
	label := map[string]string{"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}[r.Satisfaction]
	note := label
	if r.Stars != nil {
		note += fmt.Sprintf(",%d星", *r.Stars)
	}
	if r.Resolved {
		note += ",问题已解决"
	} else {
		note += ",问题未解决"
	}
	if err := transition(ctx, q, r.CreatedAt, it, who, a, note); err != nil {
		return repo.Rating{}, err
	}
	if r.Satisfaction != "dissatisfied" && it.Status != string(domain.Closed) {
		it.ClosedAt = &r.CreatedAt
		if err := transition(ctx, q, r.CreatedAt, it, systemActor(), domain.ActClose, "群众评价满意,办结归档"); err != nil {
			return repo.Rating{}, err
		}
	}
	if r.Satisfaction == "dissatisfied" {
		ids, err := q.RoleUserIDs(ctx, string(domain.RoleOperator), string(domain.RoleManager))
		if err != nil {
			return repo.Rating{}, err
		}
		if err := q.Notify(ctx, ids, &it.ID, "dissatisfied", fmt.Sprintf("%s 群众评价不满意,请研判是否重办", it.TrackingCode)); err != nil {
			return repo.Rating{}, err
		}
	}
	return stored, q.SaveItem(ctx, *it)
}

// RatingLinkView is a one-time rating link.
type RatingLinkView struct {
	Token     string    `json:"token"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (c *Core) newRatingLink(ctx context.Context, q *repo.Q, itemID int64, now time.Time) (string, error) {
	token, err := randomToken(24)
	if err != nil {
		return "", err
	}
	err = q.InsertRatingLink(ctx, repo.RatingLink{TokenHash: tokenHash(token), ItemID: itemID, ExpiresAt: now.Add(c.set.RatingLinkTTL)})
	return token, err
}

// CreateRatingLink makes a one-time link through which the citizen rates the
// answer.
func (c *Core) CreateRatingLink(ctx context.Context, v domain.Viewer, id int64) (RatingLinkView, error) {
	var out RatingLinkView
	_, err := c.act(ctx, v, id, fixed(domain.ActCreateRatingLnk), nil, func(q *repo.Q, it *repo.Item, now time.Time) error {
		token, err := c.newRatingLink(ctx, q, it.ID, now)
		if err != nil {
			return err
		}
		out = RatingLinkView{Token: token, URL: c.set.PublicBaseURL + "/rate/" + token,
			ExpiresAt: now.Add(c.set.RatingLinkTTL).In(c.set.Location)}
		return transition(ctx, q, now, it, actorOf(v), domain.ActCreateRatingLnk, "生成评价链接")
	})
	return out, err
}

// RateByLink records a citizen's rating through a one-time link: an unknown
// token is 404, a used or expired one 410.
func (c *Core) RateByLink(ctx context.Context, token string, in RatingInput) (RatingView, error) {
	var ve domain.ValidationError
	checkRating(&ve, in.Satisfaction, in.Stars, in.Resolved, true)
	comment := text(&ve, "comment", in.Comment, false, 2000)
	if err := ve.Err(); err != nil {
		return RatingView{}, err
	}
	if token == "" || len(token) > 100 {
		return RatingView{}, fmt.Errorf("rating link: %w", domain.ErrNotFound)
	}
	var r repo.Rating
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		l, err := q.LockRatingLink(ctx, tokenHash(token))
		if err != nil {
			return notFoundAs(err, "rating link")
		}
		now := c.now()
		if l.UsedAt != nil {
			return fmt.Errorf("rating link used already: %w", domain.ErrGone)
		}
		if now.After(l.ExpiresAt) {
			return fmt.Errorf("rating link expired: %w", domain.ErrGone)
		}
		it, err := q.LockItem(ctx, l.ItemID)
		if err != nil {
			return err
		}
		if it.MergedIntoID != nil {
			return fmt.Errorf("rating link: the item was merged: %w", domain.ErrGone)
		}
		if _, err := domain.Next(domain.Status(it.Status), domain.ActRate); err != nil {
			return fmt.Errorf("rating link: the item is being handled again: %w", domain.ErrGone)
		}
		if err := q.UseRatingLink(ctx, l.TokenHash, now); err != nil {
			return err
		}
		r, err = c.rate(ctx, q, &it, repo.Rating{ItemID: it.ID, Source: "link", Method: "link",
			Satisfaction: in.Satisfaction, Stars: in.Stars, Resolved: *in.Resolved, Comment: comment, CreatedAt: now},
			actor{name: "citizen"}, domain.ActRate)
		return err
	})
	if err != nil {
		return RatingView{}, err
	}
	return c.ratingView(r), nil
}

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
			fmt.Sprintf("重办:%s %s,办理时限 %s。原因:%s", it.TrackingCode, it.Title,
				d.Due.In(c.set.Location).Format("2006-01-02 15:04"), reason))
	})
	if err != nil {
		return ItemView{}, err
	}
	c.tasks.ScheduleDeadlines(it.ID, it.RemindAt, nil, it.DueAt)
	return c.itemView(v, it), nil
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
	return c.itemView(v, it), nil
}

// MergeInput names the item that survives a merge.
type MergeInput struct {
	IntoID int64 `json:"into_id"`
}

// Merge folds a duplicate into another item: the duplicate closes pointing at
// the survivor, counts once in the statistics (as the survivor), and its
// citizen is sent the survivor's answer (now if there is one, otherwise when
// it comes).
func (c *Core) Merge(ctx context.Context, v domain.Viewer, id int64, in MergeInput) (ItemView, error) {
	if in.IntoID <= 0 {
		return ItemView{}, domain.ValidationError{{Field: "into_id", Message: "required: the id of the item to keep"}}
	}
	if in.IntoID == id {
		return ItemView{}, domain.ValidationError{{Field: "into_id", Message: "an item cannot be merged into itself"}}
	}
	if !domain.Allowed(v.Role, domain.ActMerge) {
		return ItemView{}, fmt.Errorf("merge: %w", domain.ErrForbidden)
	}
	var out repo.Item
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		// lock both rows in id order so that two opposite merges cannot deadlock
		first, second := id, in.IntoID
		if first > second {
			first, second = second, first
		}
		a, err := c.visibleItem(ctx, q, v, first, true)
		if err != nil {
			return c.mergeNotFound(err, first, id)
		}
		b, err := c.visibleItem(ctx, q, v, second, true)
		if err != nil {
			return c.mergeNotFound(err, second, id)
		}
		it, into := a, b
		if it.ID != id {
			it, into = b, a
		}
		if into.MergedIntoID != nil {
			return domain.ValidationError{{Field: "into_id", Message: fmt.Sprintf("item %d was itself merged into %d", into.ID, *into.MergedIntoID)}}
		}
		now := c.now()
		it.MergedIntoID, it.ClosedAt = &into.ID, &now
		if err := transition(ctx, q, now, &it, actorOf(v), domain.ActMerge, fmt.Sprintf("合并至 %s(#%d)", into.TrackingCode, into.ID)); err != nil {
			return err
		}
		if err := q.WithdrawAssignments(ctx, it.ID); err != nil {
			return err
		}
		// items merged into this one follow it, so that merges never chain
		moved, err := q.RepointMerged(ctx, it.ID, into.ID)
		if err != nil {
			return err
		}
		for _, m := range moved {
			if err := event(ctx, q, now, m, actorOf(v), domain.ActMerge, domain.Closed, domain.Closed,
				fmt.Sprintf("随 #%d 合并至 %s(#%d)", it.ID, into.TrackingCode, into.ID)); err != nil {
				return err
			}
		}
		if err := q.SaveItem(ctx, it); err != nil {
			return err
		}
		if err := event(ctx, q, now, into.ID, actorOf(v), domain.ActMerge, domain.Status(into.Status), domain.Status(into.Status),
			fmt.Sprintf("合并了重复诉求 %s(#%d)", it.TrackingCode, it.ID)); err != nil {
			return err
		}
		if into.Status == string(domain.Replied) || into.Status == string(domain.Closed) || into.Status == string(domain.Answered) {
			answers, err := c.publicReplies(ctx, q, into)
			if err != nil {
				return err
			}
			if len(answers) > 0 {
				if err := c.queueAnswer(ctx, q, it, into, 0, answers[len(answers)-1].Body, now); err != nil {
					return err
				}
			}
		}
		out = it
		return nil
	})
	if err != nil {
		return ItemView{}, err
	}
	c.tasks.DropDeadlines(id)
	c.kickDeliveries(ctx, id)
	return c.itemView(v, out), nil
}

func (c *Core) mergeNotFound(err error, which, id int64) error {
	if which != id && errors.Is(err, domain.ErrNotFound) {
		return domain.ValidationError{{Field: "into_id", Message: "no such item"}}
	}
	return err
}

// SimilarItem is a possible duplicate.
type SimilarItem struct {
	ItemView
	Reason     string  `json:"reason"`
	Similarity float64 `json:"similarity"`
}

// Similar lists possible duplicates of an item: the same phone number or
// microblog author within 30 days, or similar text (trigram similarity).
func (c *Core) Similar(ctx context.Context, v domain.Viewer, id int64) ([]SimilarItem, error) {
	q := c.store.Q()
	it, err := c.visibleItem(ctx, q, v, id, false)
	if err != nil {
		return nil, err
	}
	rows, err := q.SimilarItems(ctx, it, 30*24*time.Hour, 0.3, 20)
	if err != nil {
		return nil, fmt.Errorf("find similar items: %w", err)
	}
	out := []SimilarItem{}
	var shown []repo.Item
	for _, r := range rows {
		if !v.MaySee(strOr(r.PrimaryUnitCode), r.CoUnitCodes) {
			continue
		}
		out = append(out, SimilarItem{ItemView: c.itemView(v, r.Item), Reason: r.Reason, Similarity: r.Similarity})
		shown = append(shown, r.Item)
	}
	return out, c.auditPhones(ctx, v, shown)
}

// Publish shows a consenting writer's letter and its public answer in the
// public list (公开选登).
func (c *Core) Publish(ctx context.Context, v domain.Viewer, id int64) (ItemView, error) {
	it, err := c.act(ctx, v, id, fixed(domain.ActPublish), nil, func(q *repo.Q, it *repo.Item, now time.Time) error {
		var ve domain.ValidationError
		if it.Channel != string(domain.Mailbox) {
			ve.Add("channel", "only letters to the mailbox are published")
		}
		if !it.PublishConsent {
			ve.Add("publish_consent", "the writer did not consent to publication")
		}
		if it.MergedIntoID != nil {
			ve.Add("merged_into_id", "a merged letter is not published")
		}
		if it.PublishedAt != nil {
			return fmt.Errorf("%w: published already", domain.ErrConflict)
		}
		replies, err := q.ItemReplies(ctx, it.ID)
		if err != nil {
			return err
		}
		var published []repo.Reply
		for _, r := range replies {
			if r.Counted() && r.Public {
				published = append(published, r)
			}
		}
		if len(published) == 0 {
			ve.Add("replies", "the letter has no answer marked public")
		}
		if err := ve.Err(); err != nil {
			return err
		}
		// scrub once, now, and keep the result: the public list never
		// reads the raw text, so a later anonymisation cannot expose a name
		var names []string
		if it.CitizenName != "" {
			names = append(names, it.CitizenName)
		}
		if err := q.SetPublishedText(ctx, it.ID, privacy.Scrub(it.Title, names...), privacy.Scrub(it.Content, names...)); err != nil {
			return err
		}
		for _, r := range published {
			if err := q.SetPublishedReply(ctx, r.ID, privacy.Scrub(r.Body, names...)); err != nil {
				return err
			}
		}
		it.PublishedAt = &now
		if err := transition(ctx, q, now, it, actorOf(v), domain.ActPublish, "公开选登"); err != nil {
			return err
		}
		return q.SaveItem(ctx, *it)
	})
	if err != nil {
		return ItemView{}, err
	}
	return c.itemView(v, it), nil
}

// PublicLetter is a published letter, with personal data removed.
type PublicLetter struct {
	TrackingCode string       `json:"tracking_code"`
	Kind         string       `json:"kind"`
	Title        string       `json:"title"`
	Content      string       `json:"content"`
	ReceivedAt   time.Time    `json:"received_at"`
	PublishedAt  time.Time    `json:"published_at"`
	Replies      []TrackReply `json:"replies"`
}

// PublicLetters lists published letters, newest first. Names, phone numbers,
// e-mail addresses and ID numbers are scrubbed from every text.
func (c *Core) PublicLetters(ctx context.Context, page Page) ([]PublicLetter, *string, error) {
	q := c.store.Q()
	rows, err := q.PublishedItems(ctx, page.After, page.Limit+1)
	if err != nil {
		return nil, nil, err
	}
	out := make([]PublicLetter, 0, len(rows))
	ids := make([]int64, 0, len(rows))
	for _, it := range rows {
		rs, err := q.ItemReplies(ctx, it.ID)
		if err != nil {
			return nil, nil, err
		}
		replies := []TrackReply{}
		for _, r := range rs {
			if r.PublishedBody != nil {
				at := r.CreatedAt
				if r.ApprovedAt != nil {
					at = *r.ApprovedAt
				}
				replies = append(replies, TrackReply{Body: *r.PublishedBody, At: at.In(c.set.Location)})
			}
		}
		out = append(out, PublicLetter{TrackingCode: it.TrackingCode, Kind: it.Kind, Title: strOr(it.PublishedTitle),
			Content: strOr(it.PublishedContent), ReceivedAt: it.ReceivedAt.In(c.set.Location),
			PublishedAt: it.PublishedAt.In(c.set.Location), Replies: replies})
		ids = append(ids, it.ID)
	}
	next := page.next(len(out), func() int64 { return ids[page.Limit-1] })
	if len(out) > page.Limit {
		out = out[:page.Limit]
	}
	return out, next, nil
}
