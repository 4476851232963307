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

// inboxRows are the rows of a unit's inbox ($1): its open items (with the
// units: dispatched or accepted) with its part in each. As primary unit they
// are read in due order from items_open_unit_due_idx, and the unit's stage is
// the item's status (dispatch makes both dispatched/assigned, signing for
// makes both accepted, in one transaction; a return or a final answer takes
// the item out of these statuses). As co-handling unit (few items, through
// items_open_co_units_idx) the stage is its assignment's. Reading the
// unit's assignments instead would read its history: a co-handling unit's
// assignment stays accepted after the item is closed. $2 is the stage, $3
// the role, $4 overdue only, $5 the kind ("" and false: all).
const inboxRows = `SELECT id AS r_id, due_at AS r_due, overdue AS r_overdue,
			CASE status WHEN 'dispatched' THEN 'assigned' ELSE 'accepted' END AS stage, 'primary' AS unit_role
		FROM items WHERE status IN ('dispatched', 'accepted') AND primary_unit_code = $1 AND $3 IN ('', 'primary')
			AND ($2 = '' OR status = CASE $2 WHEN 'assigned' THEN 'dispatched' ELSE 'accepted' END)
			AND (NOT $4 OR overdue) AND ($5 = '' OR kind = $5)
	UNION ALL
	SELECT items.id, items.due_at, items.overdue, a.status, a.role
		FROM items JOIN assignments a ON a.item_id = items.id AND a.unit_code = $1 AND a.status IN ('assigned', 'accepted')
		WHERE items.status IN ('dispatched', 'accepted') AND items.co_unit_codes @> ARRAY[$1]::text[]
			AND items.primary_unit_code IS DISTINCT FROM $1 AND $3 IN ('', 'co') AND ($2 = '' OR a.status = $2)
			AND (NOT $4 OR items.overdue) AND ($5 = '' OR items.kind = $5)`

// Inbox returns the items a unit is working on (its assignment is assigned
// or accepted and the item is with the units), the nearest due time first:
// the first Limit rows are chosen from the index, then read whole.
func (q *Q) Inbox(ctx context.Context, f InboxFilter) ([]InboxItem, error) {
	var out []InboxItem
	err := sqlxSelect(ctx, q, "inbox", &out, `WITH r AS MATERIALIZED (SELECT * FROM (`+inboxRows+`) u
			ORDER BY r_due ASC NULLS LAST, r_id LIMIT $6)
		SELECT `+itemCols+`, r.stage, r.unit_role FROM r JOIN items ON items.id = r.r_id
		ORDER BY r.r_due ASC NULLS LAST, r.r_id`, f.Unit, f.Stage, f.Role, f.Overdue, f.Kind, f.Limit)
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
	err := sqlxGet(ctx, q, "count inbox", &c, `SELECT count(*) FILTER (WHERE stage = 'assigned') AS to_accept,
			count(*) FILTER (WHERE stage = 'accepted') AS working,
			count(*) FILTER (WHERE r_overdue) AS overdue,
			count(*) FILTER (WHERE NOT r_overdue AND r_due < $6) AS due_soon,
			count(*) AS total
		FROM (`+inboxRows+`) u`, unit, "", "", false, "", soon)
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
