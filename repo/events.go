package repo

import (
	"context"
	"fmt"
	"time"
)

// Event is a row of the item timeline.
type Event struct {
	ID         int64     `db:"id" json:"id"`
	ItemID     int64     `db:"item_id" json:"item_id"`
	At         time.Time `db:"at" json:"at"`
	ActorID    *int64    `db:"actor_id" json:"actor_id"`
	Actor      string    `db:"actor" json:"actor"`
	Action     string    `db:"action" json:"action"`
	FromStatus *string   `db:"from_status" json:"from_status"`
	ToStatus   *string   `db:"to_status" json:"to_status"`
	Note       string    `db:"note" json:"note"`
	UnitCode   *string   `db:"unit_code" json:"unit_code"`
}

// AppendEvent adds an event to an item's timeline and marks the item's
// statistics for recomputation, in one statement.
func (q *Q) AppendEvent(ctx context.Context, e Event) error {
	_, err := q.x.ExecContext(ctx, `WITH e AS (
			INSERT INTO events (item_id, at, actor_id, actor, action, from_status, to_status, note, unit_code)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING item_id)
		INSERT INTO stats_dirty (item_id) SELECT item_id FROM e`,
		e.ItemID, e.At, e.ActorID, e.Actor, e.Action, e.FromStatus, e.ToStatus, e.Note, e.UnitCode)
	if err != nil {
		return fmt.Errorf("append event %s to item %d: %w", e.Action, e.ItemID, err)
	}
	return nil
}

// ItemEvents lists an item's timeline, oldest first.
func (q *Q) ItemEvents(ctx context.Context, itemID int64) ([]Event, error) {
	var out []Event
	err := sqlxSelect(ctx, q, "read item events", &out, `SELECT id, item_id, at, actor_id, actor, action, from_status, to_status, note,
		unit_code FROM events WHERE item_id = $1 ORDER BY id`, itemID)
	return out, err
}
