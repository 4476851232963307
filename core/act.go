package core

import (
	"context"
	"fmt"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// fixed chooses the same action whatever the item.
func fixed(a domain.Action) func(repo.Item) domain.Action {
	return func(repo.Item) domain.Action { return a }
}

// act runs one action on an item in a transaction: it locks the item, lets
// choose pick the action for it (a co-handling unit's accept differs from the
// primary unit's), checks that the viewer may see the item (404), may do the
// action (403) and that the item's status allows it (409), returns the
// caller's input error if any (422: only once the caller may act, so that
// another unit's item answers 404 whatever the body), then calls fn to do the
// work, and returns the item as fn saved it.
func (c *Core) act(ctx context.Context, v domain.Viewer, id int64, choose func(repo.Item) domain.Action, invalid error, fn func(q *repo.Q, it *repo.Item, now time.Time) error) (repo.Item, error) {
	var out repo.Item
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		it, err := c.visibleItem(ctx, q, v, id, true)
		if err != nil {
			return err
		}
		a := choose(it)
		if !domain.Allowed(v.Role, a) || !domain.UnitMayAct(v, a, strOr(it.PrimaryUnitCode), it.CoUnitCodes) {
			return fmt.Errorf("%s item %d: %w", a, id, domain.ErrForbidden)
		}
		if _, err := domain.Next(domain.Status(it.Status), a); err != nil {
			return err
		}
		if invalid != nil {
			return invalid
		}
		if err := fn(q, &it, c.now()); err != nil {
			return err
		}
		out = it
		return nil
	})
	if err != nil {
		return repo.Item{}, err
	}
	return out, nil
}
