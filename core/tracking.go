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
	// Steps are the stages a citizen follows, in order, each with the time
	// it was reached (已受理 → 已转办 → 办理中 → 已答复 → 已回访).
	Steps []TrackStep `json:"steps"`
}

// TrackStep is one stage of a letter's progress: whether it was reached
// and when (At is nil when it was not, or the timeline does not say).
type TrackStep struct {
	Label   string     `json:"label"`
	Reached bool       `json:"reached"`
	At      *time.Time `json:"at"`
}

// TrackReply is a public answer.
type TrackReply struct {
	Body string    `json:"body"`
	At   time.Time `json:"at"`
}

// citizenSteps are the stages a citizen reads, in order.
var citizenSteps = [...]string{"已受理", "已转办", "办理中", "已答复", "已回访"}

// citizenStage is how far an item in status s has come among citizenSteps;
// a closed item has been answered, and visited when it was rated.
func citizenStage(s domain.Status, rated bool) int {
	switch s {
	case domain.Dispatched:
		return 1
	case domain.Accepted:
		return 2
	case domain.Answered, domain.Replied:
		return 3
	case domain.Closed:
		if rated {
			return 4
		}
		return 3
	}
	return 0
}

// statusLabel is the status in the words a citizen reads.
func statusLabel(s domain.Status, rated bool) string {
	if s == domain.Closed && !rated {
		return "已办结"
	}
	return citizenSteps[citizenStage(s, rated)]
}

// stepStatuses are the statuses that reach each stage after the first.
var stepStatuses = [...][]domain.Status{
	1: {domain.Dispatched},
	2: {domain.Accepted},
	3: {domain.Replied, domain.Answered},
}

// visited reports whether a timeline event is a return visit or a rating.
func visited(e repo.Event) bool {
	return e.Action == domain.ActVisit.Event() || e.Action == domain.ActRate.Event()
}

// trackSteps dates the stages an item has reached from its timeline (the
// latest event of each stage, so that a letter handled again shows when it
// was last answered); stages beyond its status stay undated.
func trackSteps(it repo.Item, events []repo.Event, loc *time.Location) ([]TrackStep, bool) {
	rated := false
	reached := map[domain.Status]time.Time{}
	var visitAt time.Time
	for _, e := range events {
		if e.ToStatus != nil {
			reached[domain.Status(*e.ToStatus)] = e.At
		}
		if visited(e) {
			rated, visitAt = true, e.At
		}
	}
	stage := citizenStage(domain.Status(it.Status), rated)
	steps := make([]TrackStep, len(citizenSteps))
	for i, label := range citizenSteps {
		steps[i].Label = label
		if i > stage {
			continue
		}
		steps[i].Reached = true
		var at time.Time
		switch i {
		case 0:
			at = it.ReceivedAt
		case 4:
			at = visitAt
		default:
			for _, st := range stepStatuses[i] {
				if t, ok := reached[st]; ok && t.After(at) {
					at = t
				}
			}
		}
		if !at.IsZero() {
			steps[i].At = ptr(at.In(loc))
		}
	}
	return steps, rated
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
	events, err := q.ItemEvents(ctx, it.ID)
	if err != nil {
		return TrackView{}, err
	}
	steps, rated := trackSteps(it, events, c.set.Location)
	return TrackView{TrackingCode: it.TrackingCode, Status: it.Status, StatusLabel: statusLabel(domain.Status(it.Status), rated),
		Kind: it.Kind, Title: it.Title, ReceivedAt: it.ReceivedAt.In(c.set.Location), DueAt: c.tm(it.DueAt),
		RepliedAt: c.tm(it.RepliedAt), ClosedAt: c.tm(it.ClosedAt), Replies: replies, Steps: steps}, nil
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
