package repo

import (
	"context"
	"time"
)

// DueDeadline is an item whose deadline check has come due.
type DueDeadline struct {
	ItemID int64  `db:"item_id"`
	Check  string `db:"check_name"`
}

// DueDeadlines finds deadline checks that have come due and were not done:
// reminders, overdue items, late sign-fors, and answered items whose rating
// window ended before closeBefore. Its rules are core.RunDeadlineCheck's;
// core's TestDueChecksAgree runs the same cases through both.
func (q *Q) DueDeadlines(ctx context.Context, now, closeBefore time.Time, limit int) ([]DueDeadline, error) {
	var out []DueDeadline
	err := sqlxSelect(ctx, q, "read due deadlines", &out, `
		(SELECT id AS item_id, 'overdue' AS check_name FROM items
			WHERE status IN ('dispatched', 'accepted') AND NOT overdue AND due_at <= $1 ORDER BY due_at LIMIT $3)
		UNION ALL
		(SELECT id, 'remind' FROM items
			WHERE status IN ('dispatched', 'accepted') AND reminded_at IS NULL AND NOT overdue AND remind_at <= $1
			ORDER BY remind_at LIMIT $3)
		UNION ALL
		(SELECT a.item_id, 'accept_overdue' FROM assignments a JOIN items i ON i.id = a.item_id
			WHERE a.role = 'primary' AND a.status = 'assigned' AND NOT a.accept_overdue AND a.accept_due_at <= $1
				AND i.status = 'dispatched' ORDER BY a.accept_due_at LIMIT $3)
		UNION ALL
		(SELECT id, 'close' FROM items WHERE status IN ('replied', 'answered') AND replied_at <= $2
			ORDER BY replied_at LIMIT $3)`, now, closeBefore, limit)
	return out, err
}
