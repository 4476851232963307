package repo

import "context"

// PendingReplies returns the final replies waiting for their unit head's
// approval, oldest first; unit "" means every unit.
func (q *Q) PendingReplies(ctx context.Context, unit string, limit int) ([]Reply, error) {
	var out []Reply
	err := sqlxSelect(ctx, q, "pending replies", &out, `SELECT `+replyCols+` FROM replies r LEFT JOIN users u ON u.id = r.author_id
		WHERE r.status = 'pending' AND r.final AND ($1 = '' OR r.unit_code = $1) ORDER BY r.id LIMIT $2`, unit, limit)
	return out, err
}

// PendingExtensions returns the extension requests waiting for a manager,
// oldest first; unit "" means every unit.
func (q *Q) PendingExtensions(ctx context.Context, unit string, limit int) ([]Extension, error) {
	var out []Extension
	err := sqlxSelect(ctx, q, "pending extensions", &out, `SELECT `+extensionCols+` FROM extensions
		WHERE status = 'pending' AND ($1 = '' OR unit_code = $1) ORDER BY id LIMIT $2`, unit, limit)
	return out, err
}
