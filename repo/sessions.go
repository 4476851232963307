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

// SessionUserOfKind reads the active user of a live session of one kind.
func (q *Q) SessionUserOfKind(ctx context.Context, tokenHash []byte, kind SessionKind) (Session, error) {
	var s Session
	err := sqlxGet(ctx, q, "session user of kind", &s, `SELECT u.id, u.username, u.password_hash, u.role, u.unit_code, u.active,
			u.created_at, u.updated_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.kind = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
		tokenHash, string(kind))
	return s, err
}

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
