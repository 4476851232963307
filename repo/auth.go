package repo

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// LoginCounts are the failed (or still running) login attempts counted
// against the limits, each with when its oldest counted attempt happened.
type LoginCounts struct {
	ByUserIP      int       `db:"by_user_ip"`
	ByIP          int       `db:"by_ip"`
	ByAccount     int       `db:"by_account"`
	OldestUserIP  time.Time `db:"oldest_user_ip"`
	OldestIP      time.Time `db:"oldest_ip"`
	OldestAccount time.Time `db:"oldest_account"`
}

// CountLoginAttempts counts attempts since `since` for the username from the
// address and for the address, and since `accountSince` for the username
// from anywhere.
func (q *Q) CountLoginAttempts(ctx context.Context, username, ip string, since, accountSince time.Time) (LoginCounts, error) {
	var c LoginCounts
	err := sqlxGet(ctx, q, "count login attempts", &c, `SELECT
		count(*) FILTER (WHERE lower(username) = lower($1) AND client_ip = $2 AND failed_at > $3) AS by_user_ip,
		count(*) FILTER (WHERE client_ip = $2 AND failed_at > $3) AS by_ip,
		count(*) FILTER (WHERE lower(username) = lower($1) AND failed_at > $4) AS by_account,
		coalesce(min(failed_at) FILTER (WHERE lower(username) = lower($1) AND client_ip = $2 AND failed_at > $3), now()) AS oldest_user_ip,
		coalesce(min(failed_at) FILTER (WHERE client_ip = $2 AND failed_at > $3), now()) AS oldest_ip,
		coalesce(min(failed_at) FILTER (WHERE lower(username) = lower($1) AND failed_at > $4), now()) AS oldest_account
		FROM login_failures
		WHERE (client_ip = $2 AND failed_at > $3) OR (lower(username) = lower($1) AND failed_at > $4)`,
		username, ip, since, accountSince)
	if err != nil {
		return c, fmt.Errorf("count login attempts: %w", err)
	}
	return c, nil
}

// AddLoginAttempt records an attempt as a failure before its password is
// checked, so that parallel attempts count against the limits at once.
func (q *Q) AddLoginAttempt(ctx context.Context, username, ip string) (int64, error) {
	var id int64
	if err := sqlxGet(ctx, q, "add login attempt", &id, `INSERT INTO login_failures (username, client_ip) VALUES ($1, $2) RETURNING id`, username, ip); err != nil {
		return 0, fmt.Errorf("record login attempt: %w", err)
	}
	return id, nil
}

// ForgetLoginAttempt removes an attempt that succeeded.
func (q *Q) ForgetLoginAttempt(ctx context.Context, id int64) error {
	if _, err := q.x.ExecContext(ctx, `DELETE FROM login_failures WHERE id = $1`, id); err != nil {
		return fmt.Errorf("forget login attempt: %w", err)
	}
	return nil
}

// SetPasswordHash replaces a user's password hash.
func (q *Q) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	res, err := q.x.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, userID, hash)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return oneRow(res, "user")
}

// TOTP is a user's second factor.
type TOTP struct {
	Secret   *string `db:"totp_secret"`
	Enabled  bool    `db:"totp_enabled"`
	LastStep int64   `db:"totp_last_step"`
}

// GetTOTP reads a user's second factor.
func (q *Q) GetTOTP(ctx context.Context, userID int64) (TOTP, error) {
	var t TOTP
	err := sqlxGet(ctx, q, "get totp", &t, `SELECT totp_secret, totp_enabled, totp_last_step FROM users WHERE id = $1`, userID)
	return t, err
}

// SetTOTP stores a secret awaiting confirmation (enabled false) or clears
// the second factor (secret nil).
func (q *Q) SetTOTP(ctx context.Context, userID int64, secret *string) error {
	res, err := q.x.ExecContext(ctx, `UPDATE users SET totp_secret = $2, totp_enabled = false, totp_last_step = 0,
		updated_at = now() WHERE id = $1`, userID, secret)
	if err != nil {
		return fmt.Errorf("set totp: %w", err)
	}
	return oneRow(res, "user")
}

// UseTOTPStep records the time step of an accepted code, unless that step
// or a later one was used already (a replay); enable also turns the second
// factor on. It reports whether the code may be accepted.
func (q *Q) UseTOTPStep(ctx context.Context, userID, step int64, enable bool) (bool, error) {
	res, err := q.x.ExecContext(ctx, `UPDATE users SET totp_last_step = $2, totp_enabled = totp_enabled OR $3
		WHERE id = $1 AND totp_secret IS NOT NULL AND totp_last_step < $2`, userID, step, enable)
	if err != nil {
		return false, fmt.Errorf("use totp code: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func oneRow(res sql.Result, what string) error {
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}
