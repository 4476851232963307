package repo

import (
	"context"
	"fmt"
)

// SessionKind says where a session's token may be used.
type SessionKind string

// The kinds of session.
const (
	SessionAPI     SessionKind = "api"     // an Authorization: Bearer token for /api/v1
	SessionConsole SessionKind = "console" // the staff console's cookie
)

// SetSessionKind changes the kind of a live session; ErrNotFound when there
// is none under the hash.
func (q *Q) SetSessionKind(ctx context.Context, tokenHash []byte, kind SessionKind) error {
	res, err := q.x.ExecContext(ctx, `UPDATE sessions SET kind = $2 WHERE token_hash = $1 AND revoked_at IS NULL`,
		tokenHash, string(kind))
	if err != nil {
		return fmt.Errorf("set session kind: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("set session kind: %w", err)
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}
