package core

import (
	"context"
	"fmt"
	"time"

	"hotline/domain"
	"hotline/repo"
)

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

// ratingURL is the address of a rating link: the portal's rating page.
func (c *Core) ratingURL(token string) string {
	return c.set.PublicBaseURL + "/portal/rate/" + token
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
		out = RatingLinkView{Token: token, URL: c.ratingURL(token),
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

// RatingLinkState is whether a rating link may still be used.
type RatingLinkState string

// The states of a rating link.
const (
	LinkOpen     RatingLinkState = "open"     // the answer may be rated through it
	LinkUsed     RatingLinkState = "used"     // it was used once already
	LinkExpired  RatingLinkState = "expired"  // its time ran out
	LinkReopened RatingLinkState = "reopened" // the letter is being handled again (or was merged)
)

// RatingLinkLetter is what a rating link's holder sees before rating: the
// letter, its public answers and whether the link may still be used.
type RatingLinkLetter struct {
	State        RatingLinkState `json:"state"`
	TrackingCode string          `json:"tracking_code"`
	Kind         string          `json:"kind"`
	Title        string          `json:"title"`
	Content      string          `json:"content"`
	ReceivedAt   time.Time       `json:"received_at"`
	Replies      []TrackReply    `json:"replies"`
	ExpiresAt    time.Time       `json:"expires_at"`
	UsedAt       *time.Time      `json:"used_at"`
}

// RatingLinkFor shows the letter a rating link is for and whether it may
// still be used; an unknown token is ErrNotFound.
func (c *Core) RatingLinkFor(ctx context.Context, token string) (RatingLinkLetter, error) {
	if token == "" || len(token) > 100 {
		return RatingLinkLetter{}, fmt.Errorf("rating link: %w", domain.ErrNotFound)
	}
	q := c.store.Q()
	l, err := q.RatingLinkByHash(ctx, tokenHash(token))
	if err != nil {
		return RatingLinkLetter{}, notFoundAs(err, "rating link")
	}
	it, err := q.GetItem(ctx, l.ItemID)
	if err != nil {
		return RatingLinkLetter{}, err
	}
	replies, err := c.publicReplies(ctx, q, it)
	if err != nil {
		return RatingLinkLetter{}, err
	}
	out := RatingLinkLetter{State: LinkOpen, TrackingCode: it.TrackingCode, Kind: it.Kind, Title: it.Title,
		Content: it.Content, ReceivedAt: it.ReceivedAt.In(c.set.Location), Replies: replies,
		ExpiresAt: l.ExpiresAt.In(c.set.Location), UsedAt: c.tm(l.UsedAt)}
	_, notRatable := domain.Next(domain.Status(it.Status), domain.ActRate)
	switch {
	case l.UsedAt != nil:
		out.State = LinkUsed
	case c.now().After(l.ExpiresAt):
		out.State = LinkExpired
	case it.MergedIntoID != nil || notRatable != nil:
		out.State = LinkReopened
	}
	return out, nil
}
