package core

import (
	"context"

	"hotline/domain"
	"hotline/repo"
)

// A citizen's full phone number reaches operators, managers and admins in
// item views (itemView) and in a delivery's recipient (deliveryView). Every
// answer that carries them writes one audit row naming the items whose
// numbers it showed: lists and the item page through revealed, the answers
// of actions through answer, a retried delivery through revealedDelivery.
// Unit roles see numbers masked, and nothing is written for them.

// revealed records that the viewer was shown the full phone numbers of
// these items (those that have one), when the role sees them unmasked.
func (c *Core) revealed(ctx context.Context, v domain.Viewer, detail string, items ...repo.Item) error {
	if !v.SeesFullPhone() {
		return nil
	}
	var ids []int64
	for _, it := range items {
		if it.CitizenPhone != "" {
			ids = append(ids, it.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return c.store.Q().Audit(ctx, v.ID, v.Username, "phone_viewed", ids, detail)
}

// answer is the view of the item an action left behind, as the action's
// answer: the reveal of its phone number recorded.
func (c *Core) answer(ctx context.Context, v domain.Viewer, it repo.Item, action domain.Action) (ItemView, error) {
	if err := c.revealed(ctx, v, "answer to "+string(action), it); err != nil {
		return ItemView{}, err
	}
	return c.itemView(v, it), nil
}

// revealedDelivery records that the viewer was shown a delivery's full
// recipient (a phone number or an address of the item's citizen).
func (c *Core) revealedDelivery(ctx context.Context, v domain.Viewer, it repo.Item, d repo.Delivery, detail string) error {
	if !v.SeesFullPhone() || d.Recipient == "" {
		return nil
	}
	return c.store.Q().Audit(ctx, v.ID, v.Username, "phone_viewed", []int64{it.ID}, detail)
}
