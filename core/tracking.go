package core

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"hotline/domain"
	"hotline/repo"
)

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
