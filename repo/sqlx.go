package repo

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// sqlxGet reads one row into dest, mapping no row to ErrNotFound.
func sqlxGet(ctx context.Context, q *Q, dest any, query string, args ...any) error {
	return notFound(sqlx.GetContext(ctx, q.x, dest, query, args...))
}

// sqlxSelect reads rows into dest.
func sqlxSelect(ctx context.Context, q *Q, dest any, query string, args ...any) error {
	if err := sqlx.SelectContext(ctx, q.x, dest, query, args...); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	return nil
}
