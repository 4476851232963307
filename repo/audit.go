package repo

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Audit records a read of personal data of some items.
func (q *Q) Audit(ctx context.Context, userID int64, username, action string, itemIDs []int64, detail string) error {
	var itemID *int64
	if len(itemIDs) == 1 {
		itemID = &itemIDs[0]
	}
	_, err := q.x.ExecContext(ctx, `INSERT INTO audit_log (user_id, username, action, item_id, item_ids, detail)
		VALUES ($1, $2, $3, $4, $5, $6)`, userID, username, action, itemID, pq.Array(itemIDs), detail)
	if err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

// AuditEntry is a row of audit_log.
type AuditEntry struct {
	ID       int64         `db:"id" json:"id"`
	At       time.Time     `db:"at" json:"at"`
	UserID   *int64        `db:"user_id" json:"user_id"`
	Username string        `db:"username" json:"username"`
	Action   string        `db:"action" json:"action"`
	ItemID   *int64        `db:"item_id" json:"item_id"`
	ItemIDs  pq.Int64Array `db:"item_ids" json:"item_ids"`
	Detail   string        `db:"detail" json:"detail"`
}

// ListAudit returns audit entries, newest first, before the cursor id,
// optionally those naming one item (alone or in a list).
func (q *Q) ListAudit(ctx context.Context, itemID, beforeID int64, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := sqlxSelect(ctx, q, "list audit", &out, `SELECT id, at, user_id, username, action, item_id, item_ids, detail FROM audit_log
		WHERE ($1 = 0 OR item_ids @> ARRAY[$1]::bigint[])
			AND ($2 = 0 OR id < $2)
		ORDER BY id DESC LIMIT $3`, itemID, beforeID, limit)
	return out, err
}
