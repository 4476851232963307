package repo

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// ItemsByIDs reads items by id (in no particular order).
func (q *Q) ItemsByIDs(ctx context.Context, ids []int64) ([]Item, error) {
	var out []Item
	if len(ids) == 0 {
		return out, nil
	}
	err := sqlxSelect(ctx, q, "items by ids", &out, `SELECT `+itemCols+` FROM items WHERE id = ANY($1)`, pq.Array(ids))
	return out, err
}

// PendingDispatch returns the items waiting for an operator to choose their
// units, oldest first, after the cursor.
func (q *Q) PendingDispatch(ctx context.Context, afterID int64, limit int) ([]Item, error) {
	var out []Item
	err := sqlxSelect(ctx, q, "pending dispatch", &out, `SELECT `+itemCols+` FROM items WHERE status = 'pending_dispatch' AND id > $1
		ORDER BY id LIMIT $2`, afterID, limit)
	return out, err
}

// CountPendingDispatch counts the items waiting for dispatch.
func (q *Q) CountPendingDispatch(ctx context.Context) (int64, error) {
	var n int64
	err := sqlxGet(ctx, q, "count pending dispatch", &n, `SELECT count(*) FROM items WHERE status = 'pending_dispatch'`)
	return n, err
}

// InboxFilter selects a unit's live work.
type InboxFilter struct {
	Unit string
	// Stage is the unit's assignment status: "assigned" (to sign for) or
	// "accepted"; "" for both.
	Stage string
	// Role is "primary" or "co"; "" for both.
	Role    string
	Overdue bool
	Kind    string
	Limit   int
}

// InboxItem is an item in a unit's inbox with the unit's part in it.
type InboxItem struct {
	Item
	Stage    string `db:"stage"`
	UnitRole string `db:"unit_role"`
}

// inboxFrom is the rows of a unit's inbox ($1): its open items (with the
// units: dispatched or accepted) joined to the unit's live assignment. The
// items are found by the unit's columns on items, which dispatch, return and
// merge keep equal to its active assignments: as primary unit through
// items_unit_status_idx, as co-handling unit through items_open_co_units_idx.
// Starting from the assignments instead reads the unit's history, since a
// co-handling unit's assignment stays accepted after the item is closed.
const inboxFrom = ` FROM items
		JOIN (SELECT item_id AS a_item, unit_code AS a_unit, status AS stage, role AS unit_role FROM assignments
			WHERE status IN ('assigned', 'accepted')) a ON a.a_item = items.id AND a.a_unit = $1
		WHERE status IN ('dispatched', 'accepted')
			AND (primary_unit_code = $1 OR co_unit_codes @> ARRAY[$1]::text[])`

// Inbox returns the items a unit is working on (its assignment is assigned
// or accepted and the item is with the units), the nearest due time first.
func (q *Q) Inbox(ctx context.Context, f InboxFilter) ([]InboxItem, error) {
	var out []InboxItem
	err := sqlxSelect(ctx, q, "inbox", &out, `SELECT `+itemCols+`, a.stage, a.unit_role`+inboxFrom+`
			AND ($2 = '' OR a.stage = $2) AND ($3 = '' OR a.unit_role = $3) AND (NOT $4 OR overdue)
			AND ($5 = '' OR kind = $5)
		ORDER BY due_at ASC NULLS LAST, id LIMIT $6`, f.Unit, f.Stage, f.Role, f.Overdue, f.Kind, f.Limit)
	return out, err
}

// InboxCounts are the sizes of a unit's inbox views.
type InboxCounts struct {
	ToAccept int64 `db:"to_accept"`
	Working  int64 `db:"working"`
	Overdue  int64 `db:"overdue"`
	DueSoon  int64 `db:"due_soon"`
	All      int64 `db:"total"`
}

// CountInbox counts a unit's live work; DueSoon counts what falls due
// before soon and is not overdue yet.
func (q *Q) CountInbox(ctx context.Context, unit string, soon time.Time) (InboxCounts, error) {
	var c InboxCounts
	err := sqlxGet(ctx, q, "count inbox", &c, `SELECT count(*) FILTER (WHERE a.stage = 'assigned') AS to_accept,
			count(*) FILTER (WHERE a.stage = 'accepted') AS working,
			count(*) FILTER (WHERE overdue) AS overdue,
			count(*) FILTER (WHERE NOT overdue AND due_at < $2) AS due_soon,
			count(*) AS total`+inboxFrom, unit, soon)
	return c, err
}

// VisitItem is an answered item waiting for its return visit, with the
// latest rating given since the answer, if any.
type VisitItem struct {
	Item
	LastSatisfaction *string `db:"last_satisfaction"`
}

// VisitQueue returns answered items (replied, or answered on the call) that
// no rating has settled yet — none since the answer, or only dissatisfied
// ones — the earliest visit due time first. The choice reads
// items_visit_queue_idx alone (an index-only scan beside the latest rating
// of each), then the chosen rows are read whole.
func (q *Q) VisitQueue(ctx context.Context, limit int) ([]VisitItem, error) {
	var out []VisitItem
	err := sqlxSelect(ctx, q, "visit queue", &out, `WITH v AS MATERIALIZED (
			SELECT items.id AS v_id, items.visit_due_at AS v_due, r.satisfaction AS last_satisfaction FROM items
			LEFT JOIN LATERAL (SELECT satisfaction FROM ratings WHERE ratings.item_id = items.id
				AND ratings.created_at >= coalesce(items.replied_at, items.received_at)
				ORDER BY ratings.created_at DESC, ratings.id DESC LIMIT 1) r ON true
			WHERE status IN ('replied', 'answered') AND visit_due_at IS NOT NULL AND merged_into_id IS NULL
				AND (r.satisfaction IS NULL OR r.satisfaction = 'dissatisfied')
			ORDER BY visit_due_at, id LIMIT $1)
		SELECT `+itemCols+`, v.last_satisfaction FROM v JOIN items ON items.id = v.v_id ORDER BY v.v_due, v.v_id`, limit)
	return out, err
}

// FailedDeliveries returns the messages that could not be delivered, newest
// first.
func (q *Q) FailedDeliveries(ctx context.Context, limit int) ([]Delivery, error) {
	var out []Delivery
	err := sqlxSelect(ctx, q, "failed deliveries", &out, `SELECT `+deliveryCols+` FROM deliveries WHERE status = 'failed'
		ORDER BY id DESC LIMIT $1`, limit)
	return out, err
}
