package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// MergeInput names the item that survives a merge.
type MergeInput struct {
	IntoID int64 `json:"into_id"`
}

// Merge folds a duplicate into another item: the duplicate closes pointing at
// the survivor, counts once in the statistics (as the survivor), and its
// citizen is sent the survivor's answer (now if there is one, otherwise when
// it comes).
func (c *Core) Merge(ctx context.Context, v domain.Viewer, id int64, in MergeInput) (ItemView, error) {
	if err := checkMerge(v, id, in); err != nil {
		return ItemView{}, err
	}
	var out repo.Item
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		var err error
		out, err = c.mergeIn(ctx, q, v, id, in.IntoID)
		return err
	})
	if err != nil {
		return ItemView{}, err
	}
	c.afterMerge(ctx, id)
	return c.answer(ctx, v, out, domain.ActMerge)
}

// mergeIn merges item id into intoID in q's transaction and returns the
// merged item as it now is.
func (c *Core) mergeIn(ctx context.Context, q *repo.Q, v domain.Viewer, id, intoID int64) (repo.Item, error) {
	it, into, err := c.lockMergePair(ctx, q, v, id, intoID)
	if err != nil {
		return repo.Item{}, err
	}
	now := c.now()
	if err := c.closeAsMerged(ctx, q, v, now, &it, into); err != nil {
		return repo.Item{}, err
	}
	if err := event(ctx, q, now, into.ID, actorOf(v), domain.ActMerge, domain.Status(into.Status), domain.Status(into.Status),
		fmt.Sprintf("合并了重复诉求 %s(#%d)", it.TrackingCode, it.ID)); err != nil {
		return repo.Item{}, err
	}
	if err := c.forwardAnswer(ctx, q, it, into, now); err != nil {
		return repo.Item{}, err
	}
	return it, nil
}

// afterMerge does what follows a committed merge of item id: its deadlines
// go, and the answer forwarded to its citizen is sent.
func (c *Core) afterMerge(ctx context.Context, id int64) {
	c.tasks.DropDeadlines(id)
	c.kickDeliveries(ctx, id)
}

// checkMerge refuses a merge the input or the viewer's role rules out.
func checkMerge(v domain.Viewer, id int64, in MergeInput) error {
	if in.IntoID <= 0 {
		return domain.ValidationError{{Field: "into_id", Message: "required: the id of the item to keep"}}
	}
	if in.IntoID == id {
		return domain.ValidationError{{Field: "into_id", Message: "an item cannot be merged into itself"}}
	}
	if !domain.Allowed(v.Role, domain.ActMerge) {
		return fmt.Errorf("merge: %w", domain.ErrForbidden)
	}
	return nil
}

// lockMergePair locks the duplicate and the survivor, in id order so that
// two opposite merges cannot deadlock. A survivor that was itself merged is
// refused.
func (c *Core) lockMergePair(ctx context.Context, q *repo.Q, v domain.Viewer, id, intoID int64) (it, into repo.Item, err error) {
	first, second := min(id, intoID), max(id, intoID)
	a, err := c.visibleItem(ctx, q, v, first, true)
	if err != nil {
		return it, into, c.mergeNotFound(err, first, id)
	}
	b, err := c.visibleItem(ctx, q, v, second, true)
	if err != nil {
		return it, into, c.mergeNotFound(err, second, id)
	}
	it, into = a, b
	if it.ID != id {
		it, into = b, a
	}
	if into.MergedIntoID != nil {
		return it, into, domain.ValidationError{{Field: "into_id", Message: fmt.Sprintf("item %d was itself merged into %d", into.ID, *into.MergedIntoID)}}
	}
	return it, into, nil
}

// closeAsMerged closes the duplicate pointing at the survivor, withdraws its
// units, and moves the items merged into it over to the survivor, so that
// merges never chain.
func (c *Core) closeAsMerged(ctx context.Context, q *repo.Q, v domain.Viewer, now time.Time, it *repo.Item, into repo.Item) error {
	it.MergedIntoID, it.ClosedAt = &into.ID, &now
	if err := transition(ctx, q, now, it, actorOf(v), domain.ActMerge, fmt.Sprintf("合并至 %s(#%d)", into.TrackingCode, into.ID)); err != nil {
		return err
	}
	if err := q.WithdrawAssignments(ctx, it.ID); err != nil {
		return err
	}
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
	return q.SaveItem(ctx, *it)
}

// forwardAnswer queues the survivor's latest public answer, if it has one,
// for the duplicate's citizen.
func (c *Core) forwardAnswer(ctx context.Context, q *repo.Q, it, into repo.Item, now time.Time) error {
	if into.Status != string(domain.Replied) && into.Status != string(domain.Closed) && into.Status != string(domain.Answered) {
		return nil
	}
	answers, err := c.publicReplies(ctx, q, into)
	if err != nil || len(answers) == 0 {
		return err
	}
	return c.queueAnswer(ctx, q, it, into, 0, answers[len(answers)-1].Body, now)
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
	return out, c.revealed(ctx, v, "similar items", shown...)
}
