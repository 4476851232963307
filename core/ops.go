package core

import (
	"context"
	"fmt"
	"time"

	"hotline/repo"
)

// ItemsWaitingForRouting lists items still in status received after `age`:
// their routing task was lost or has not run yet.
func (c *Core) ItemsWaitingForRouting(ctx context.Context, age time.Duration, limit int) ([]repo.WaitingItem, error) {
	items, err := c.store.Q().ItemsInStatus(ctx, "received", c.now().Add(-age), limit)
	if err != nil {
		return nil, fmt.Errorf("find items waiting for routing: %w", err)
	}
	return items, nil
}

// DeliveriesWaiting lists pending deliveries whose next attempt has been due
// for `age` and that no sender holds: their task was lost.
func (c *Core) DeliveriesWaiting(ctx context.Context, age time.Duration, limit int) ([]repo.Delivery, error) {
	ds, err := c.store.Q().PendingDeliveries(ctx, c.now().Add(-age), limit)
	if err != nil {
		return nil, fmt.Errorf("find deliveries waiting: %w", err)
	}
	return ds, nil
}

// RunExclusive runs fn unless another process runs the same named work.
func (c *Core) RunExclusive(ctx context.Context, name string, fn func(context.Context) error) (bool, error) {
	return c.store.WithLock(ctx, "hotline:"+name, fn)
}

// IdempotencyRetention is how long Idempotency-Key records are kept.
const IdempotencyRetention = 48 * time.Hour

// Housekeeping deletes what has outlived its use: idempotency keys older than
// IdempotencyRetention, expired sessions and old login failures, and, when a
// retention period is set, anonymises citizens of long-closed items.
func (c *Core) Housekeeping(ctx context.Context) error {
	q := c.store.Q()
	now := c.now()
	if _, err := q.PurgeIdempotency(ctx, now.Add(-IdempotencyRetention)); err != nil {
		return err
	}
	if err := q.PurgeAuth(ctx, now.Add(-24*time.Hour)); err != nil {
		return err
	}
	if c.set.RetentionYears > 0 {
		n, err := c.AnonymiseClosed(ctx, now.AddDate(-c.set.RetentionYears, 0, 0))
		if err != nil {
			return err
		}
		if n > 0 {
			c.log.Info("anonymised citizens of old items", "items", n)
		}
	}
	return nil
}

// AnonymiseClosed removes citizens' personal data from items closed before
// `before`, in batches, and returns how many items it changed.
func (c *Core) AnonymiseClosed(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		n, err := c.store.Q().AnonymiseClosed(ctx, before, 1000)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}
