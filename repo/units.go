package repo

import (
	"context"
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
	err := sqlxSelect(ctx, q, "list units", &out, `SELECT `+unitCols+` FROM units ORDER BY code`)
	return out, err
}

// GetUnit reads one unit.
func (q *Q) GetUnit(ctx context.Context, code string) (Unit, error) {
	var u Unit
	err := sqlxGet(ctx, q, "get unit", &u, `SELECT `+unitCols+` FROM units WHERE code = $1`, code)
	return u, err
}

// CreateUnit inserts a unit.
func (q *Q) CreateUnit(ctx context.Context, u Unit) (Unit, error) {
	var out Unit
	err := sqlxGet(ctx, q, "create unit", &out, `INSERT INTO units (code, name, parent_code, reply_approval, active)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+unitCols, u.Code, u.Name, u.ParentCode, u.ReplyApproval, u.Active)
	return out, err
}

// UpdateUnit writes a unit's editable fields.
func (q *Q) UpdateUnit(ctx context.Context, u Unit) (Unit, error) {
	var out Unit
	err := sqlxGet(ctx, q, "update unit", &out, `UPDATE units SET name = $2, parent_code = $3, reply_approval = $4, active = $5,
		updated_at = now() WHERE code = $1 RETURNING `+unitCols, u.Code, u.Name, u.ParentCode, u.ReplyApproval, u.Active)
	return out, err
}

// UnitSubtree returns the unit and every unit below it.
func (q *Q) UnitSubtree(ctx context.Context, code string) ([]string, error) {
	var out []string
	err := sqlxSelect(ctx, q, "read unit subtree", &out, `WITH RECURSIVE t(code) AS (
			SELECT code FROM units WHERE code = $1
			UNION SELECT u.code FROM units u JOIN t ON u.parent_code = t.code)
		SELECT code FROM t ORDER BY code`, code)
	return out, err
}

// UnitIsAncestor reports whether `ancestor` is `code` or lies above it; used to
// refuse a parent that would make a cycle.
func (q *Q) UnitIsAncestor(ctx context.Context, ancestor, code string) (bool, error) {
	var found bool
	err := sqlxGet(ctx, q, "read unit is ancestor", &found, `WITH RECURSIVE up(code, parent_code) AS (
			SELECT code, parent_code FROM units WHERE code = $2
			UNION SELECT u.code, u.parent_code FROM units u JOIN up ON u.code = up.parent_code)
		SELECT EXISTS (SELECT 1 FROM up WHERE code = $1)`, ancestor, code)
	return found, err
}

// CountUnits counts the units among codes that exist and are active.
func (q *Q) CountUnits(ctx context.Context, codes []string) (int, error) {
	var n int
	err := sqlxGet(ctx, q, "count units", &n, `SELECT count(*) FROM units WHERE code = ANY($1) AND active`, pq.Array(codes))
	return n, err
}
