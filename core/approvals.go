package core

import (
	"context"
	"fmt"

	"hotline/domain"
	"hotline/repo"
)

// approvalsLimit bounds each list of the approvals queue.
const approvalsLimit = 200

// PendingReply is a final reply waiting for its unit head, with its item.
type PendingReply struct {
	ReplyView
	Item ItemView `json:"item"`
}

// PendingExtension is an extension request waiting for a manager, with its
// item.
type PendingExtension struct {
	ExtensionView
	Item ItemView `json:"item"`
}

// Approvals is what waits for the viewer's decision, or (for a unit head's
// extension requests) for a manager's.
type Approvals struct {
	// Replies are the unit's final replies waiting for the unit head.
	Replies []PendingReply `json:"replies"`
	// Extensions are extension requests: the unit's own for a unit head
	// (a manager decides them), every unit's for a manager.
	Extensions []PendingExtension `json:"extensions"`
	// MayDecideExtensions is true for the role that approves or rejects them.
	MayDecideExtensions bool `json:"may_decide_extensions"`
}

// Approvals lists the replies and extension requests waiting for a decision,
// oldest first: a unit head sees their unit's, a manager every unit's
// extension requests.
func (c *Core) Approvals(ctx context.Context, v domain.Viewer) (Approvals, error) {
	q := c.store.Q()
	out := Approvals{Replies: []PendingReply{}, Extensions: []PendingExtension{}}
	unit := ""
	switch {
	case v.Role == domain.RoleUnitHead && v.UnitCode != "":
		unit = v.UnitCode
		replies, err := q.PendingReplies(ctx, unit, approvalsLimit)
		if err != nil {
			return Approvals{}, fmt.Errorf("read replies waiting for approval: %w", err)
		}
		items, err := c.itemsByID(ctx, q, replyItemIDs(replies))
		if err != nil {
			return Approvals{}, err
		}
		for _, r := range replies {
			out.Replies = append(out.Replies, PendingReply{ReplyView: c.replyView(r), Item: c.listView(v, items[r.ItemID])})
		}
	case domain.Allowed(v.Role, domain.ActApproveExt):
		out.MayDecideExtensions = true
	default:
		return Approvals{}, fmt.Errorf("approvals: %w", domain.ErrForbidden)
	}
	exts, err := q.PendingExtensions(ctx, unit, approvalsLimit)
	if err != nil {
		return Approvals{}, fmt.Errorf("read extension requests: %w", err)
	}
	ids := make([]int64, 0, len(exts))
	for _, e := range exts {
		ids = append(ids, e.ItemID)
	}
	items, err := c.itemsByID(ctx, q, ids)
	if err != nil {
		return Approvals{}, err
	}
	for _, e := range exts {
		out.Extensions = append(out.Extensions, PendingExtension{ExtensionView: c.extensionView(e), Item: c.listView(v, items[e.ItemID])})
	}
	return out, nil
}

func replyItemIDs(rs []repo.Reply) []int64 {
	ids := make([]int64, 0, len(rs))
	for _, r := range rs {
		ids = append(ids, r.ItemID)
	}
	return ids
}
