package core

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"hotline/domain"
	"hotline/privacy"
	"hotline/repo"
)

// PublishPreview is exactly the text that publishing a letter makes public:
// its title, content and public answers with personal data scrubbed
// (privacy.Scrub). Publish stores this text and nothing else.
type PublishPreview struct {
	Title   string   `json:"title"`
	Content string   `json:"content"`
	Replies []string `json:"replies"`
}

// publication checks that a letter may be published and returns what would
// be public, with the replies it comes from.
func publication(ctx context.Context, q *repo.Q, it repo.Item) (PublishPreview, []repo.Reply, error) {
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
		return PublishPreview{}, nil, fmt.Errorf("%w: published already", domain.ErrConflict)
	}
	replies, err := q.ItemReplies(ctx, it.ID)
	if err != nil {
		return PublishPreview{}, nil, err
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
		return PublishPreview{}, nil, err
	}
	var names []string
	if it.CitizenName != "" {
		names = append(names, it.CitizenName)
	}
	out := PublishPreview{Title: privacy.Scrub(it.Title, names...), Content: privacy.Scrub(it.Content, names...),
		Replies: make([]string, len(published))}
	for i, r := range published {
		out.Replies[i] = privacy.Scrub(r.Body, names...)
	}
	return out, published, nil
}

// PreviewPublish shows the manager exactly what Publish would make public,
// changing nothing.
func (c *Core) PreviewPublish(ctx context.Context, v domain.Viewer, id int64) (PublishPreview, error) {
	if err := mayDo(v, domain.ActPublish, fmt.Sprintf("preview publication of item %d", id)); err != nil {
		return PublishPreview{}, err
	}
	var out PublishPreview
	err := c.store.ReadTx(ctx, func(q *repo.Q) error {
		it, err := c.visibleItem(ctx, q, v, id, false)
		if err != nil {
			return err
		}
		if _, err := domain.Next(domain.Status(it.Status), domain.ActPublish); err != nil {
			return err
		}
		out, _, err = publication(ctx, q, it)
		return err
	})
	return out, err
}

// Publish shows a consenting writer's letter and its public answer in the
// public list (公开选登): exactly the text PreviewPublish shows.
func (c *Core) Publish(ctx context.Context, v domain.Viewer, id int64) (ItemView, error) {
	it, err := c.act(ctx, v, id, fixed(domain.ActPublish), nil, func(q *repo.Q, it *repo.Item, now time.Time) error {
		// scrub once, now, and keep the result: the public list never
		// reads the raw text, so a later anonymisation cannot expose a name
		text, published, err := publication(ctx, q, *it)
		if err != nil {
			return err
		}
		if err := q.SetPublishedText(ctx, it.ID, text.Title, text.Content); err != nil {
			return err
		}
		for i, r := range published {
			if err := q.SetPublishedReply(ctx, r.ID, text.Replies[i]); err != nil {
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
	return c.SearchPublicLetters(ctx, "", page)
}

// SearchPublicLetters lists the published letters whose published title or
// text holds search (all of them when it is empty), newest first.
func (c *Core) SearchPublicLetters(ctx context.Context, search string, page Page) ([]PublicLetter, *string, error) {
	search = strings.TrimSpace(search)
	if utf8.RuneCountInString(search) > 100 || !utf8.ValidString(search) || strings.ContainsRune(search, 0) {
		var ve domain.ValidationError
		ve.Add("q", "at most 100 characters of text")
		return nil, nil, ve
	}
	q := c.store.Q()
	rows, err := q.PublishedItems(ctx, page.After, page.Limit+1, search)
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
