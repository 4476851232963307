package repo

import (
	"context"
	"fmt"
	"time"
)

// Assignment is a row of assignments.
type Assignment struct {
	ID            int64      `db:"id" json:"id"`
	ItemID        int64      `db:"item_id" json:"item_id"`
	UnitCode      string     `db:"unit_code" json:"unit_code"`
	Role          string     `db:"role" json:"role"`
	Status        string     `db:"status" json:"status"`
	AssignedAt    time.Time  `db:"assigned_at" json:"assigned_at"`
	AcceptDueAt   *time.Time `db:"accept_due_at" json:"accept_due_at"`
	AcceptedAt    *time.Time `db:"accepted_at" json:"accepted_at"`
	AcceptOverdue bool       `db:"accept_overdue" json:"accept_overdue"`
	ReturnedAt    *time.Time `db:"returned_at" json:"returned_at"`
	ReturnReason  string     `db:"return_reason" json:"return_reason"`
}

const assignmentCols = `id, item_id, unit_code, role, status, assigned_at, accept_due_at, accepted_at, accept_overdue,
	returned_at, return_reason`

// InsertAssignment gives an item to a unit.
func (q *Q) InsertAssignment(ctx context.Context, a Assignment) (Assignment, error) {
	var out Assignment
	err := sqlxGet(ctx, q, "insert assignment", &out, `INSERT INTO assignments (item_id, unit_code, role, status, assigned_at, accept_due_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+assignmentCols,
		a.ItemID, a.UnitCode, a.Role, a.Status, a.AssignedAt, a.AcceptDueAt)
	return out, err
}

// SaveAssignment writes an assignment's changing fields.
func (q *Q) SaveAssignment(ctx context.Context, a Assignment) error {
	_, err := q.x.ExecContext(ctx, `UPDATE assignments SET status = $2, accept_due_at = $3, accepted_at = $4,
		accept_overdue = $5, returned_at = $6, return_reason = $7 WHERE id = $1`,
		a.ID, a.Status, a.AcceptDueAt, a.AcceptedAt, a.AcceptOverdue, a.ReturnedAt, a.ReturnReason)
	if err != nil {
		return fmt.Errorf("save assignment %d: %w", a.ID, err)
	}
	return nil
}

// WithdrawAssignments ends every live assignment of an item (re-dispatch,
// merge).
func (q *Q) WithdrawAssignments(ctx context.Context, itemID int64) error {
	_, err := q.x.ExecContext(ctx, `UPDATE assignments SET status = 'withdrawn'
		WHERE item_id = $1 AND status NOT IN ('returned', 'withdrawn')`, itemID)
	if err != nil {
		return fmt.Errorf("withdraw assignments of item %d: %w", itemID, err)
	}
	return nil
}

// ItemAssignments lists an item's assignments, oldest first.
func (q *Q) ItemAssignments(ctx context.Context, itemID int64) ([]Assignment, error) {
	var out []Assignment
	err := sqlxSelect(ctx, q, "read item assignments", &out, `SELECT `+assignmentCols+` FROM assignments WHERE item_id = $1 ORDER BY id`, itemID)
	return out, err
}
