package repo

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/lib/pq"
)

// The set-based statements of routing: a router claims many received items
// at once and writes what routing them changed with one statement per table,
// whatever the number of items. Each takes its rows as one JSON document
// (json_to_recordset), which carries NULLs and arrays as they are.

// ClaimReceived locks those of the items named that are still in status
// received, oldest first, skipping those another transaction holds. The lock
// is FOR NO KEY UPDATE, what the routing's UPDATE takes anyway: it does not
// conflict with the key-share locks of rows being inserted that refer to the
// item (an audit entry, a notice), so an item is never skipped for those. The
// routers are told which items to route: a claim reads them by primary key
// and never walks the pending index, whose entries of items routed moments
// ago stay behind, dead, until a vacuum.
func (q *Q) ClaimReceived(ctx context.Context, ids []int64) ([]Item, error) {
	var out []Item
	err := sqlxSelect(ctx, q, "claim received items", &out, `SELECT `+itemCols+` FROM items
		WHERE id = ANY($1::bigint[]) AND status = 'received' ORDER BY id FOR NO KEY UPDATE SKIP LOCKED`, pq.Array(ids))
	return out, err
}

// ClaimReceivedAfter locks up to limit items in status received whose ids
// are above after, oldest first, skipping those another transaction holds:
// the items stored after a routing task's own, whose tasks are still on
// their way. The scan starts at after, so it reads the pending index only
// from there on, not the entries of every item routed before.
func (q *Q) ClaimReceivedAfter(ctx context.Context, after int64, limit int) ([]Item, error) {
	var out []Item
	err := sqlxSelect(ctx, q, "claim later received items", &out, `SELECT `+itemCols+` FROM items
		WHERE status = 'received' AND id > $1 ORDER BY id LIMIT $2 FOR NO KEY UPDATE SKIP LOCKED`, after, limit)
	return out, err
}

// asJSON encodes the rows of a set-based statement.
func asJSON(what string, rows any) (string, error) {
	b, err := json.Marshal(rows)
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", what, err)
	}
	return string(b), nil
}

// SaveItems writes every field an action may change, of many items in one
// statement: SaveItem for a batch.
func (q *Q) SaveItems(ctx context.Context, items []Item) error {
	if len(items) == 0 {
		return nil
	}
	doc, err := asJSON("items", items)
	if err != nil {
		return err
	}
	_, err = q.x.ExecContext(ctx, `UPDATE items i SET status = r.status, category_code = r.category_code,
			urgent = r.urgent, published_at = r.published_at, answer = r.answer, dispatched_at = r.dispatched_at,
			accept_due_at = r.accept_due_at, due_at = r.due_at, original_due_at = r.original_due_at,
			remind_at = r.remind_at, reminded_at = r.reminded_at, overdue = r.overdue, overdue_at = r.overdue_at,
			primary_unit_code = r.primary_unit_code, co_unit_codes = coalesce(r.co_unit_codes, '{}'), accepted_at = r.accepted_at,
			replied_at = r.replied_at, completed_at = r.completed_at, handle_seconds = r.handle_seconds,
			closed_at = r.closed_at, visit_due_at = r.visit_due_at, reopened_count = r.reopened_count,
			merged_into_id = r.merged_into_id, citizen_name = r.citizen_name, citizen_phone = r.citizen_phone,
			citizen_email = r.citizen_email, author_id = r.author_id, updated_at = now()
		FROM json_to_recordset($1::json) AS r(id bigint, status text, category_code text, urgent boolean,
			published_at timestamptz, answer text, dispatched_at timestamptz, accept_due_at timestamptz,
			due_at timestamptz, original_due_at timestamptz, remind_at timestamptz, reminded_at timestamptz,
			overdue boolean, overdue_at timestamptz, primary_unit_code text, co_unit_codes text[],
			accepted_at timestamptz, replied_at timestamptz, completed_at timestamptz, handle_seconds bigint,
			closed_at timestamptz, visit_due_at timestamptz, reopened_count integer, merged_into_id bigint,
			citizen_name text, citizen_phone text, citizen_email text, author_id text)
		WHERE i.id = r.id`, doc)
	if err != nil {
		return fmt.Errorf("save %d items: %w", len(items), err)
	}
	return nil
}

// AppendEvents adds events to their items' timelines and marks the items'
// statistics for recomputation, in one statement: AppendEvent for a batch.
func (q *Q) AppendEvents(ctx context.Context, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	doc, err := asJSON("events", events)
	if err != nil {
		return err
	}
	_, err = q.x.ExecContext(ctx, `WITH e AS (
			INSERT INTO events (item_id, at, actor_id, actor, action, from_status, to_status, note, unit_code)
			SELECT item_id, at, actor_id, actor, action, from_status, to_status, note, unit_code
			FROM json_to_recordset($1::json) AS r(item_id bigint, at timestamptz, actor_id bigint, actor text,
				action text, from_status text, to_status text, note text, unit_code text)
			RETURNING item_id)
		INSERT INTO stats_dirty (item_id) SELECT DISTINCT item_id FROM e`, doc)
	if err != nil {
		return fmt.Errorf("append %d events: %w", len(events), err)
	}
	return nil
}

// InsertAssignments stores new assignments in one statement:
// InsertAssignment for a batch.
func (q *Q) InsertAssignments(ctx context.Context, as []Assignment) error {
	if len(as) == 0 {
		return nil
	}
	doc, err := asJSON("assignments", as)
	if err != nil {
		return err
	}
	_, err = q.x.ExecContext(ctx, `INSERT INTO assignments (item_id, unit_code, role, status, assigned_at, accept_due_at)
		SELECT item_id, unit_code, role, status, assigned_at, accept_due_at
		FROM json_to_recordset($1::json) AS r(item_id bigint, unit_code text, role text, status text,
			assigned_at timestamptz, accept_due_at timestamptz)`, doc)
	if err != nil {
		return fmt.Errorf("insert %d assignments: %w", len(as), err)
	}
	return nil
}

// UnitNotice is a notice to the active users of a unit (or to its heads
// only) about an item.
type UnitNotice struct {
	UnitCode  string `json:"unit_code"`
	HeadsOnly bool   `json:"heads_only"`
	ItemID    int64  `json:"item_id"`
	Type      string `json:"type"`
	Message   string `json:"message"`
}

// NotifyUnits stores the notices of many units in one statement: the
// notifications UnitUserIDs and Notify would store, for a batch.
func (q *Q) NotifyUnits(ctx context.Context, notices []UnitNotice) error {
	if len(notices) == 0 {
		return nil
	}
	doc, err := asJSON("notices", notices)
	if err != nil {
		return err
	}
	_, err = q.x.ExecContext(ctx, `INSERT INTO notifications (user_id, item_id, type, message)
		SELECT u.id, n.item_id, n.type, n.message
		FROM json_to_recordset($1::json) AS n(unit_code text, heads_only boolean, item_id bigint, type text, message text)
		JOIN users u ON u.unit_code = n.unit_code AND u.active AND (NOT n.heads_only OR u.role = 'unit_head')
		ORDER BY u.id
		ON CONFLICT DO NOTHING`, doc)
	if err != nil {
		return fmt.Errorf("store %d unit notices: %w", len(notices), err)
	}
	return nil
}
