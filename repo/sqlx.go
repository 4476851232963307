package repo

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// sqlxGet reads one row into dest; doing says what for, in the error.
func sqlxGet(ctx context.Context, q *Q, doing string, dest any, query string, args ...any) error {
	return dbError(doing, sqlx.GetContext(ctx, q.x, dest, query, args...))
}

// sqlxSelect reads rows into dest; doing says what for, in the error.
func sqlxSelect(ctx context.Context, q *Q, doing string, dest any, query string, args ...any) error {
	return dbError(doing, sqlx.SelectContext(ctx, q.x, dest, query, args...))
}
