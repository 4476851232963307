package core

import (
	"context"
	"fmt"
	"time"

	"hotline/domain"
	"hotline/privacy"
	"hotline/repo"
)

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
	return c.answer(ctx, v, it, domain.ActPublish)
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
