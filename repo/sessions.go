package repo

import (
	"context"
	"fmt"
	"time"
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

// Session is a login.
type Session struct {
	User
	ExpiresAt time.Time `db:"expires_at"`
}

// CreateSession stores a session under the hash of its token.
func (q *Q) CreateSession(ctx context.Context, tokenHash []byte, userID int64, expires time.Time) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`,
		tokenHash, userID, expires)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// RevokeSession ends a session at once.
func (q *Q) RevokeSession(ctx context.Context, tokenHash []byte) error {
	_, err := q.x.ExecContext(ctx, `UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL`, tokenHash)
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// RevokeUserSessions ends every session of a user (deactivated, password changed).
func (q *Q) RevokeUserSessions(ctx context.Context, userID int64) error {
	_, err := q.x.ExecContext(ctx, `UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, userID)
	if err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	return nil
}

// PurgeAuth deletes expired sessions and old login failures.
func (q *Q) PurgeAuth(ctx context.Context, before time.Time) error {
	if _, err := q.x.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1`, before); err != nil {
		return fmt.Errorf("purge sessions: %w", err)
	}
	if _, err := q.x.ExecContext(ctx, `DELETE FROM login_failures WHERE failed_at < $1`, before); err != nil {
		return fmt.Errorf("purge login failures: %w", err)
	}
	return nil
}

// LiveSession is a session as authentication reads it.
type LiveSession struct {
	Session
	LastSeen time.Time `db:"last_seen"`
}

// LiveSessionUser reads the active user of a session of one kind that has
// neither expired nor been idle longer than idle.
func (q *Q) LiveSessionUser(ctx context.Context, tokenHash []byte, kind SessionKind, idle time.Duration) (LiveSession, error) {
	var s LiveSession
	err := sqlxGet(ctx, q, "live session user", &s, `SELECT u.id, u.username, u.password_hash, u.role, u.unit_code, u.active,
			u.created_at, u.updated_at, s.expires_at, s.last_seen
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.kind = $3 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active
			AND s.last_seen > now() - make_interval(secs => $2)`, tokenHash, idle.Seconds(), string(kind))
	return s, err
}

// TouchSession moves a session's last use to now.
func (q *Q) TouchSession(ctx context.Context, tokenHash []byte) error {
	if _, err := q.x.ExecContext(ctx, `UPDATE sessions SET last_seen = now() WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// CapSessions ends the oldest live sessions of a user beyond the newest keep.
func (q *Q) CapSessions(ctx context.Context, userID int64, keep int) error {
	_, err := q.x.ExecContext(ctx, `UPDATE sessions SET revoked_at = now()
		WHERE token_hash IN (SELECT token_hash FROM sessions
			WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
			ORDER BY created_at DESC, token_hash OFFSET $2)`, userID, keep)
	if err != nil {
		return fmt.Errorf("cap sessions: %w", err)
	}
	return nil
}

// RevokeOtherSessions ends every session of a user but one.
func (q *Q) RevokeOtherSessions(ctx context.Context, userID int64, keep []byte) error {
	_, err := q.x.ExecContext(ctx, `UPDATE sessions SET revoked_at = now()
		WHERE user_id = $1 AND revoked_at IS NULL AND token_hash <> $2`, userID, keep)
	if err != nil {
		return fmt.Errorf("revoke other sessions: %w", err)
	}
	return nil
}
