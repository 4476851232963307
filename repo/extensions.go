package repo

import (
	"context"
	"fmt"
	"time"

	"hotline/domain"
)

// Extension is a row of extensions.
type Extension struct {
	ID           int64                  `db:"id"`
	ItemID       int64                  `db:"item_id"`
	UnitCode     string                 `db:"unit_code"`
	RequestedBy  int64                  `db:"requested_by"`
	Workdays     int                    `db:"workdays"`
	Reason       string                 `db:"reason"`
	Status       domain.ExtensionStatus `db:"status"`
	DecidedBy    *int64                 `db:"decided_by"`
	DecidedAt    *time.Time             `db:"decided_at"`
	DecisionNote string                 `db:"decision_note"`
	OldDueAt     *time.Time             `db:"old_due_at"`
	NewDueAt     *time.Time             `db:"new_due_at"`
	CreatedAt    time.Time              `db:"created_at"`
}

const extensionCols = `id, item_id, unit_code, requested_by, workdays, reason, status, decided_by, decided_at,
	decision_note, old_due_at, new_due_at, created_at`

// InsertExtension stores an extension request.
func (q *Q) InsertExtension(ctx context.Context, e Extension) (Extension, error) {
	var out Extension
	err := sqlxGet(ctx, q, "insert extension", &out, `INSERT INTO extensions (item_id, unit_code, requested_by, workdays, reason, status,
		old_due_at, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7) RETURNING `+extensionCols,
		e.ItemID, e.UnitCode, e.RequestedBy, e.Workdays, e.Reason, e.OldDueAt, e.CreatedAt)
	if err != nil {
		return Extension{}, err
	}
	q.created(ctx, "extension", out.ID)
	return out, nil
}

// GetExtension reads one extension of an item.
func (q *Q) GetExtension(ctx context.Context, itemID, id int64) (Extension, error) {
	var e Extension
	err := sqlxGet(ctx, q, "get extension", &e, `SELECT `+extensionCols+` FROM extensions WHERE item_id = $1 AND id = $2`, itemID, id)
	return e, err
}

// WithdrawPendingExtensions withdraws an item's waiting extension request
// (its unit no longer holds the item).
func (q *Q) WithdrawPendingExtensions(ctx context.Context, itemID int64) error {
	_, err := q.x.ExecContext(ctx, `UPDATE extensions SET status = 'withdrawn', decided_at = now()
		WHERE item_id = $1 AND status = 'pending'`, itemID)
	if err != nil {
		return fmt.Errorf("withdraw extension requests: %w", err)
	}
	return nil
}

// SaveExtensionDecision records a manager's decision.
func (q *Q) SaveExtensionDecision(ctx context.Context, e Extension) error {
	_, err := q.x.ExecContext(ctx, `UPDATE extensions SET status = $2, decided_by = $3, decided_at = $4,
		decision_note = $5, new_due_at = $6 WHERE id = $1`, e.ID, e.Status, e.DecidedBy, e.DecidedAt, e.DecisionNote, e.NewDueAt)
	if err != nil {
		return fmt.Errorf("save extension %d: %w", e.ID, err)
	}
	return nil
}

// ItemExtensions lists an item's extension requests, oldest first.
func (q *Q) ItemExtensions(ctx context.Context, itemID int64) ([]Extension, error) {
	var out []Extension
	err := sqlxSelect(ctx, q, "read item extensions", &out, `SELECT `+extensionCols+` FROM extensions WHERE item_id = $1 ORDER BY id`, itemID)
	return out, err
}
