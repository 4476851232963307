package repo

import (
	"context"
	"time"

	"github.com/lib/pq"
)

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
	err := sqlxSelect(ctx, q, "list users", &out, `SELECT `+userCols+` FROM users WHERE id > $1 ORDER BY id LIMIT $2`, afterID, limit)
	return out, err
}

// GetUser reads a user by id.
func (q *Q) GetUser(ctx context.Context, id int64) (User, error) {
	var u User
	err := sqlxGet(ctx, q, "get user", &u, `SELECT `+userCols+` FROM users WHERE id = $1`, id)
	return u, err
}

// GetUserByName reads a user by username, ignoring case.
func (q *Q) GetUserByName(ctx context.Context, username string) (User, error) {
	var u User
	err := sqlxGet(ctx, q, "get user by name", &u, `SELECT `+userCols+` FROM users WHERE lower(username) = lower($1)`, username)
	return u, err
}

// CreateUser inserts a user.
func (q *Q) CreateUser(ctx context.Context, u User) (User, error) {
	var out User
	err := sqlxGet(ctx, q, "create user", &out, `INSERT INTO users (username, password_hash, role, unit_code, active)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+userCols, u.Username, u.PasswordHash, u.Role, u.UnitCode, u.Active)
	return out, err
}

// UpdateUser writes a user's editable fields.
func (q *Q) UpdateUser(ctx context.Context, u User) (User, error) {
	var out User
	err := sqlxGet(ctx, q, "update user", &out, `UPDATE users SET username = $2, password_hash = $3, role = $4, unit_code = $5,
		active = $6, updated_at = now() WHERE id = $1 RETURNING `+userCols,
		u.ID, u.Username, u.PasswordHash, u.Role, u.UnitCode, u.Active)
	return out, err
}

// LockActiveAdmins locks the rows of the active admins until the transaction
// ends and returns their ids: a concurrent change of an admin waits, and then
// sees the admins that are left.
func (q *Q) LockActiveAdmins(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := sqlxSelect(ctx, q, "lock active admins", &ids, `SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE`)
	return ids, err
}

// AdminExists reports whether an active admin account exists.
func (q *Q) AdminExists(ctx context.Context) (bool, error) {
	var ok bool
	err := sqlxGet(ctx, q, "read admin exists", &ok, `SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active)`)
	return ok, err
}

// UnitUserIDs lists the active users of a unit; with headOnly, only its heads.
func (q *Q) UnitUserIDs(ctx context.Context, unit string, headOnly bool) ([]int64, error) {
	var out []int64
	err := sqlxSelect(ctx, q, "read unit user ids", &out, `SELECT id FROM users WHERE unit_code = $1 AND active
		AND (NOT $2 OR role = 'unit_head') ORDER BY id`, unit, headOnly)
	return out, err
}

// RoleUserIDs lists the active users with one of the roles.
func (q *Q) RoleUserIDs(ctx context.Context, roles ...string) ([]int64, error) {
	var out []int64
	err := sqlxSelect(ctx, q, "read role user ids", &out, `SELECT id FROM users WHERE role = ANY($1) AND active ORDER BY id`, pq.Array(roles))
	return out, err
}
