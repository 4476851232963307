package repo

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Unit is a department unit that answers items.
type Unit struct {
	Code          string    `db:"code" json:"code"`
	Name          string    `db:"name" json:"name"`
	ParentCode    *string   `db:"parent_code" json:"parent_code"`
	ReplyApproval bool      `db:"reply_approval" json:"reply_approval"`
	Active        bool      `db:"active" json:"active"`
	CreatedAt     time.Time `db:"created_at" json:"created_at"`
	UpdatedAt     time.Time `db:"updated_at" json:"updated_at"`
}

const unitCols = `code, name, parent_code, reply_approval, active, created_at, updated_at`

// ListUnits returns every unit by code.
func (q *Q) ListUnits(ctx context.Context) ([]Unit, error) {
	var out []Unit
	err := sqlxSelect(ctx, q, &out, `SELECT `+unitCols+` FROM units ORDER BY code`)
	return out, err
}

// GetUnit reads one unit.
func (q *Q) GetUnit(ctx context.Context, code string) (Unit, error) {
	var u Unit
	err := sqlxGet(ctx, q, &u, `SELECT `+unitCols+` FROM units WHERE code = $1`, code)
	return u, err
}

// CreateUnit inserts a unit.
func (q *Q) CreateUnit(ctx context.Context, u Unit) (Unit, error) {
	var out Unit
	err := sqlxGet(ctx, q, &out, `INSERT INTO units (code, name, parent_code, reply_approval, active)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+unitCols, u.Code, u.Name, u.ParentCode, u.ReplyApproval, u.Active)
	return out, err
}

// UpdateUnit writes a unit's editable fields.
func (q *Q) UpdateUnit(ctx context.Context, u Unit) (Unit, error) {
	var out Unit
	err := sqlxGet(ctx, q, &out, `UPDATE units SET name = $2, parent_code = $3, reply_approval = $4, active = $5,
		updated_at = now() WHERE code = $1 RETURNING `+unitCols, u.Code, u.Name, u.ParentCode, u.ReplyApproval, u.Active)
	return out, err
}

// UnitSubtree returns the unit and every unit below it.
func (q *Q) UnitSubtree(ctx context.Context, code string) ([]string, error) {
	var out []string
	err := sqlxSelect(ctx, q, &out, `WITH RECURSIVE t(code) AS (
			SELECT code FROM units WHERE code = $1
			UNION SELECT u.code FROM units u JOIN t ON u.parent_code = t.code)
		SELECT code FROM t ORDER BY code`, code)
	return out, err
}

// UnitIsAncestor reports whether `ancestor` is `code` or lies above it; used to
// refuse a parent that would make a cycle.
func (q *Q) UnitIsAncestor(ctx context.Context, ancestor, code string) (bool, error) {
	var found bool
	err := sqlxGet(ctx, q, &found, `WITH RECURSIVE up(code, parent_code) AS (
			SELECT code, parent_code FROM units WHERE code = $2
			UNION SELECT u.code, u.parent_code FROM units u JOIN up ON u.code = up.parent_code)
		SELECT EXISTS (SELECT 1 FROM up WHERE code = $1)`, ancestor, code)
	return found, err
}

// CountUnits counts the units among codes that exist and are active.
func (q *Q) CountUnits(ctx context.Context, codes []string) (int, error) {
	var n int
	err := sqlxGet(ctx, q, &n, `SELECT count(*) FROM units WHERE code = ANY($1) AND active`, pq.Array(codes))
	return n, err
}

// User is a staff account.
type User struct {
	ID           int64     `db:"id" json:"id"`
	Username     string    `db:"username" json:"username"`
	PasswordHash string    `db:"password_hash" json:"-"`
	Role         string    `db:"role" json:"role"`
	UnitCode     *string   `db:"unit_code" json:"unit_code"`
	Active       bool      `db:"active" json:"active"`
	CreatedAt    time.Time `db:"created_at" json:"created_at"`
	UpdatedAt    time.Time `db:"updated_at" json:"updated_at"`
}

const userCols = `id, username, password_hash, role, unit_code, active, created_at, updated_at`

// ListUsers returns users after the cursor id, by id.
func (q *Q) ListUsers(ctx context.Context, afterID int64, limit int) ([]User, error) {
	var out []User
	err := sqlxSelect(ctx, q, &out, `SELECT `+userCols+` FROM users WHERE id > $1 ORDER BY id LIMIT $2`, afterID, limit)
	return out, err
}

// GetUser reads a user by id.
func (q *Q) GetUser(ctx context.Context, id int64) (User, error) {
	var u User
	err := sqlxGet(ctx, q, &u, `SELECT `+userCols+` FROM users WHERE id = $1`, id)
	return u, err
}

// GetUserByName reads a user by username, ignoring case.
func (q *Q) GetUserByName(ctx context.Context, username string) (User, error) {
	var u User
	err := sqlxGet(ctx, q, &u, `SELECT `+userCols+` FROM users WHERE lower(username) = lower($1)`, username)
	return u, err
}

// CreateUser inserts a user.
func (q *Q) CreateUser(ctx context.Context, u User) (User, error) {
	var out User
	err := sqlxGet(ctx, q, &out, `INSERT INTO users (username, password_hash, role, unit_code, active)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+userCols, u.Username, u.PasswordHash, u.Role, u.UnitCode, u.Active)
	return out, err
}

// UpdateUser writes a user's editable fields.
func (q *Q) UpdateUser(ctx context.Context, u User) (User, error) {
	var out User
	err := sqlxGet(ctx, q, &out, `UPDATE users SET username = $2, password_hash = $3, role = $4, unit_code = $5,
		active = $6, updated_at = now() WHERE id = $1 RETURNING `+userCols,
		u.ID, u.Username, u.PasswordHash, u.Role, u.UnitCode, u.Active)
	return out, err
}

// LockActiveAdmins locks the rows of the active admins until the transaction
// ends and returns their ids: a concurrent change of an admin waits, and then
// sees the admins that are left.
func (q *Q) LockActiveAdmins(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := sqlxSelect(ctx, q, &ids, `SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE`)
	return ids, err
}

// AdminExists reports whether an active admin account exists.
func (q *Q) AdminExists(ctx context.Context) (bool, error) {
	var ok bool
	err := sqlxGet(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active)`)
	return ok, err
}

// UnitUserIDs lists the active users of a unit; with headOnly, only its heads.
func (q *Q) UnitUserIDs(ctx context.Context, unit string, headOnly bool) ([]int64, error) {
	var out []int64
	err := sqlxSelect(ctx, q, &out, `SELECT id FROM users WHERE unit_code = $1 AND active
		AND (NOT $2 OR role = 'unit_head') ORDER BY id`, unit, headOnly)
	return out, err
}

// RoleUserIDs lists the active users with one of the roles.
func (q *Q) RoleUserIDs(ctx context.Context, roles ...string) ([]int64, error) {
	var out []int64
	err := sqlxSelect(ctx, q, &out, `SELECT id FROM users WHERE role = ANY($1) AND active ORDER BY id`, pq.Array(roles))
	return out, err
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

// SessionUser reads the active user of a live session.
func (q *Q) SessionUser(ctx context.Context, tokenHash []byte) (Session, error) {
	var s Session
	err := sqlxGet(ctx, q, &s, `SELECT u.id, u.username, u.password_hash, u.role, u.unit_code, u.active,
			u.created_at, u.updated_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`, tokenHash)
	return s, err
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

// RecordLoginFailure notes a failed login.
func (q *Q) RecordLoginFailure(ctx context.Context, username, ip string) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO login_failures (username, client_ip) VALUES ($1, $2)`, username, ip)
	if err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	return nil
}

// LoginFailures counts failed logins since `since` for the username and for
// the client address.
func (q *Q) LoginFailures(ctx context.Context, username, ip string, since time.Time) (byUser, byIP int, err error) {
	var r struct {
		ByUser int `db:"by_user"`
		ByIP   int `db:"by_ip"`
	}
	err = sqlxGet(ctx, q, &r, `SELECT
		(SELECT count(*) FROM login_failures WHERE lower(username) = lower($1) AND client_ip = $2 AND failed_at > $3) AS by_user,
		(SELECT count(*) FROM login_failures WHERE client_ip = $2 AND failed_at > $3) AS by_ip`, username, ip, since)
	return r.ByUser, r.ByIP, err
}

// OldestLoginFailure returns when the oldest failure counted since `since` for
// the username and address happened, to compute Retry-After.
func (q *Q) OldestLoginFailure(ctx context.Context, username, ip string, since time.Time) (time.Time, error) {
	var t time.Time
	err := sqlxGet(ctx, q, &t, `SELECT coalesce(min(failed_at), now()) FROM login_failures
		WHERE lower(username) = lower($1) AND client_ip = $2 AND failed_at > $3`, username, ip, since)
	return t, err
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

// Category is a subject category for items.
type Category struct {
	Code       string    `db:"code" json:"code"`
	Name       string    `db:"name" json:"name"`
	ParentCode *string   `db:"parent_code" json:"parent_code"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
}

// ListCategories returns every category by code.
func (q *Q) ListCategories(ctx context.Context) ([]Category, error) {
	var out []Category
	err := sqlxSelect(ctx, q, &out, `SELECT code, name, parent_code, created_at FROM categories ORDER BY code`)
	return out, err
}

// CreateCategory inserts a category.
func (q *Q) CreateCategory(ctx context.Context, c Category) (Category, error) {
	var out Category
	err := sqlxGet(ctx, q, &out, `INSERT INTO categories (code, name, parent_code) VALUES ($1, $2, $3)
		RETURNING code, name, parent_code, created_at`, c.Code, c.Name, c.ParentCode)
	return out, err
}

// CategoryPath returns the category and its ancestors, nearest first.
func (q *Q) CategoryPath(ctx context.Context, code string) ([]string, error) {
	var out []string
	err := sqlxSelect(ctx, q, &out, `WITH RECURSIVE up(code, parent_code, depth) AS (
			SELECT code, parent_code, 0 FROM categories WHERE code = $1
			UNION ALL SELECT c.code, c.parent_code, up.depth + 1 FROM categories c JOIN up ON c.code = up.parent_code
			WHERE up.depth < 32)
		SELECT code FROM up ORDER BY depth`, code)
	return out, err
}

// Rule is a routing rule row.
type Rule struct {
	ID              int64          `db:"id"`
	Priority        int            `db:"priority"`
	Channel         *string        `db:"channel"`
	Kind            *string        `db:"kind"`
	CategoryCode    *string        `db:"category_code"`
	Keywords        pq.StringArray `db:"keywords"`
	Region          *string        `db:"region"`
	PrimaryUnitCode string         `db:"primary_unit_code"`
	CoUnitCodes     pq.StringArray `db:"co_unit_codes"`
	CreatedAt       time.Time      `db:"created_at"`
	UpdatedAt       time.Time      `db:"updated_at"`
}

const ruleCols = `id, priority, channel, kind, category_code, keywords, region, primary_unit_code, co_unit_codes, created_at, updated_at`

// ListRules returns every rule in routing order.
func (q *Q) ListRules(ctx context.Context) ([]Rule, error) {
	var out []Rule
	err := sqlxSelect(ctx, q, &out, `SELECT `+ruleCols+` FROM routing_rules ORDER BY priority, id`)
	return out, err
}

// GetRule reads one rule.
func (q *Q) GetRule(ctx context.Context, id int64) (Rule, error) {
	var r Rule
	err := sqlxGet(ctx, q, &r, `SELECT `+ruleCols+` FROM routing_rules WHERE id = $1`, id)
	return r, err
}

// CreateRule inserts a rule.
func (q *Q) CreateRule(ctx context.Context, r Rule) (Rule, error) {
	var out Rule
	err := sqlxGet(ctx, q, &out, `INSERT INTO routing_rules (priority, channel, kind, category_code, keywords, region,
			primary_unit_code, co_unit_codes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+ruleCols,
		r.Priority, r.Channel, r.Kind, r.CategoryCode, r.Keywords, r.Region, r.PrimaryUnitCode, r.CoUnitCodes)
	return out, err
}

// UpdateRule rewrites a rule.
func (q *Q) UpdateRule(ctx context.Context, r Rule) (Rule, error) {
	var out Rule
	err := sqlxGet(ctx, q, &out, `UPDATE routing_rules SET priority = $2, channel = $3, kind = $4, category_code = $5,
			keywords = $6, region = $7, primary_unit_code = $8, co_unit_codes = $9, updated_at = now()
		WHERE id = $1 RETURNING `+ruleCols,
		r.ID, r.Priority, r.Channel, r.Kind, r.CategoryCode, r.Keywords, r.Region, r.PrimaryUnitCode, r.CoUnitCodes)
	return out, err
}

// DeleteRule removes a rule.
func (q *Q) DeleteRule(ctx context.Context, id int64) error {
	res, err := q.x.ExecContext(ctx, `DELETE FROM routing_rules WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete rule: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SLAPolicy is a row of sla_policies.
type SLAPolicy struct {
	Kind                string    `db:"kind"`
	AcceptHours         float64   `db:"accept_hours"`
	ReplyWorkdays       int       `db:"reply_workdays"`
	UrgentAcceptMinutes int       `db:"urgent_accept_minutes"`
	UrgentReplyWorkdays int       `db:"urgent_reply_workdays"`
	UpdatedAt           time.Time `db:"updated_at"`
}

// ListSLAPolicies returns every policy by kind.
func (q *Q) ListSLAPolicies(ctx context.Context) ([]SLAPolicy, error) {
	var out []SLAPolicy
	err := sqlxSelect(ctx, q, &out, `SELECT kind, accept_hours, reply_workdays, urgent_accept_minutes,
		urgent_reply_workdays, updated_at FROM sla_policies ORDER BY kind`)
	return out, err
}

// GetSLAPolicy reads the policy of one kind.
func (q *Q) GetSLAPolicy(ctx context.Context, kind string) (SLAPolicy, error) {
	var p SLAPolicy
	err := sqlxGet(ctx, q, &p, `SELECT kind, accept_hours, reply_workdays, urgent_accept_minutes,
		urgent_reply_workdays, updated_at FROM sla_policies WHERE kind = $1`, kind)
	return p, err
}

// PutSLAPolicy inserts or replaces the policy of a kind.
func (q *Q) PutSLAPolicy(ctx context.Context, p SLAPolicy) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO sla_policies (kind, accept_hours, reply_workdays, urgent_accept_minutes, urgent_reply_workdays)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (kind) DO UPDATE SET accept_hours = EXCLUDED.accept_hours, reply_workdays = EXCLUDED.reply_workdays,
			urgent_accept_minutes = EXCLUDED.urgent_accept_minutes, urgent_reply_workdays = EXCLUDED.urgent_reply_workdays,
			updated_at = now()`, p.Kind, p.AcceptHours, p.ReplyWorkdays, p.UrgentAcceptMinutes, p.UrgentReplyWorkdays)
	if err != nil {
		return fmt.Errorf("save SLA policy: %w", err)
	}
	return nil
}

// CalendarDay is a row of calendar_days.
type CalendarDay struct {
	Day    time.Time `db:"day"`
	Kind   string    `db:"kind"`
	Name   string    `db:"name"`
	Source string    `db:"source"`
}

// ListCalendarDays returns every special day.
func (q *Q) ListCalendarDays(ctx context.Context) ([]CalendarDay, error) {
	var out []CalendarDay
	err := sqlxSelect(ctx, q, &out, `SELECT day, kind, name, source FROM calendar_days ORDER BY day`)
	return out, err
}

// ReplaceCalendarYear replaces the special days of one year.
func (q *Q) ReplaceCalendarYear(ctx context.Context, year int, days []CalendarDay) error {
	if _, err := q.x.ExecContext(ctx, `DELETE FROM calendar_days WHERE extract(year FROM day) = $1`, year); err != nil {
		return fmt.Errorf("clear calendar year: %w", err)
	}
	for _, d := range days {
		if _, err := q.x.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, name, source) VALUES ($1, $2, $3, $4)`,
			d.Day.Format("2006-01-02"), d.Kind, d.Name, d.Source); err != nil {
			return fmt.Errorf("save calendar day: %w", err)
		}
	}
	return nil
}

// CalendarVersion is a cheap fingerprint of the calendar table, so that each
// process notices another's edit.
func (q *Q) CalendarVersion(ctx context.Context) (string, error) {
	var v string
	err := sqlxGet(ctx, q, &v, `SELECT count(*)::text || ':' || coalesce(md5(string_agg(day::text || kind, ',' ORDER BY day)), '')
		FROM calendar_days`)
	return v, err
}
