package repo

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

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
	err := sqlxSelect(ctx, q, "list rules", &out, `SELECT `+ruleCols+` FROM routing_rules ORDER BY priority, id`)
	return out, err
}

// GetRule reads one rule.
func (q *Q) GetRule(ctx context.Context, id int64) (Rule, error) {
	var r Rule
	err := sqlxGet(ctx, q, "get rule", &r, `SELECT `+ruleCols+` FROM routing_rules WHERE id = $1`, id)
	return r, err
}

// CreateRule inserts a rule.
func (q *Q) CreateRule(ctx context.Context, r Rule) (Rule, error) {
	var out Rule
	err := sqlxGet(ctx, q, "create rule", &out, `INSERT INTO routing_rules (priority, channel, kind, category_code, keywords, region,
			primary_unit_code, co_unit_codes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+ruleCols,
		r.Priority, r.Channel, r.Kind, r.CategoryCode, r.Keywords, r.Region, r.PrimaryUnitCode, r.CoUnitCodes)
	if err != nil {
		return Rule{}, err
	}
	q.created(ctx, "rule", out.ID)
	return out, nil
}

// UpdateRule rewrites a rule.
func (q *Q) UpdateRule(ctx context.Context, r Rule) (Rule, error) {
	var out Rule
	err := sqlxGet(ctx, q, "update rule", &out, `UPDATE routing_rules SET priority = $2, channel = $3, kind = $4, category_code = $5,
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
