package repo

import (
	"context"
	"time"
)

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
	err := sqlxSelect(ctx, q, "list categories", &out, `SELECT code, name, parent_code, created_at FROM categories ORDER BY code`)
	return out, err
}

// CreateCategory inserts a category.
func (q *Q) CreateCategory(ctx context.Context, c Category) (Category, error) {
	var out Category
	err := sqlxGet(ctx, q, "create category", &out, `INSERT INTO categories (code, name, parent_code) VALUES ($1, $2, $3)
		RETURNING code, name, parent_code, created_at`, c.Code, c.Name, c.ParentCode)
	return out, err
}

// CategoryPath returns the category and its ancestors, nearest first.
func (q *Q) CategoryPath(ctx context.Context, code string) ([]string, error) {
	var out []string
	err := sqlxSelect(ctx, q, "read category path", &out, `WITH RECURSIVE up(code, parent_code, depth) AS (
			SELECT code, parent_code, 0 FROM categories WHERE code = $1
			UNION ALL SELECT c.code, c.parent_code, up.depth + 1 FROM categories c JOIN up ON c.code = up.parent_code
			WHERE up.depth < 32)
		SELECT code FROM up ORDER BY depth`, code)
	return out, err
}
