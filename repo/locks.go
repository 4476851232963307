package repo

import (
	"context"
	"fmt"
)

// TryXactLock takes a transaction-scoped advisory lock named name, without
// waiting; it reports whether the lock was free.
func (q *Q) TryXactLock(ctx context.Context, name string) (bool, error) {
	var ok bool
	if err := sqlxGet(ctx, q, "try lock", &ok, `SELECT pg_try_advisory_xact_lock(hashtext($1))`, name); err != nil {
		return false, fmt.Errorf("advisory lock %s: %w", name, err)
	}
	return ok, nil
}

// WithLock runs fn while holding a session advisory lock named name, taken
// without waiting; ran is false when another process holds it.
func (s *Store) WithLock(ctx context.Context, name string, fn func(context.Context) error) (ran bool, err error) {
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return false, fmt.Errorf("advisory lock %s: %w", name, err)
	}
	defer conn.Close()
	var ok bool
	if err := conn.GetContext(ctx, &ok, `SELECT pg_try_advisory_lock(hashtext($1))`, name); err != nil {
		return false, fmt.Errorf("advisory lock %s: %w", name, err)
	}
	if !ok {
		return false, nil
	}
	defer func() {
		// unlock on a fresh context: ctx may be done by now
		_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(hashtext($1))`, name)
	}()
	return true, fn(ctx)
}

// XactLock waits for a transaction-scoped advisory lock named name.
func (q *Q) XactLock(ctx context.Context, name string) error {
	if _, err := q.x.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, name); err != nil {
		return fmt.Errorf("advisory lock %s: %w", name, err)
	}
	return nil
}
