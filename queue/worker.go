package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"hotline/core"
	"hotline/delivery"
	"hotline/domain"
	"hotline/repo"
)

// WorkerConfig tunes the worker. Its values come from config.Config (see
// app.Worker), where their defaults live.
type WorkerConfig struct {
	// Concurrency is the number of routing, deadline and periodic tasks run
	// at once.
	Concurrency int
	// DeliveryConcurrency is the number of messages sent at once, in slots
	// of their own.
	DeliveryConcurrency int
	// ReconcileInterval is how often the database is searched for work whose
	// task was lost.
	ReconcileInterval time.Duration
	// SweepInterval is the slot of the deadline sweep.
	SweepInterval time.Duration
	// RetryBase is the first retry delay of a failed task; it doubles up to
	// RetryMax.
	RetryBase, RetryMax time.Duration
	// TaskCheckInterval is how often an idle worker polls its queues; it bounds
	// the routing latency. Zero means defaultTaskCheckInterval.
	TaskCheckInterval time.Duration
}

// defaultTaskCheckInterval is how often an idle worker polls its queues
// unless WorkerConfig says otherwise.
const defaultTaskCheckInterval = 20 * time.Millisecond

// Worker runs tasks, the reconciler and the periodic sweeps.
type Worker struct {
	core   *core.Core
	client *Client
	rdb    redis.UniversalClient
	sender delivery.Sender
	cfg    WorkerConfig
	log    *slog.Logger
}

// NewWorker builds a worker. The client is used by the reconciler to queue
// re-derived work.
func NewWorker(c *core.Core, client *Client, rdb redis.UniversalClient, sender delivery.Sender, cfg WorkerConfig, log *slog.Logger) *Worker {
	if cfg.TaskCheckInterval <= 0 {
		cfg.TaskCheckInterval = defaultTaskCheckInterval
	}
	return &Worker{core: c, client: client, rdb: rdb, sender: sender, cfg: cfg, log: log}
}

// Mux routes task types to their handlers. It handles deliveries too, for
// those queued on the default queue by an earlier version.
func (w *Worker) Mux() *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.HandleFunc(TypeRoute, w.handleRoute)
	mux.HandleFunc(TypeDeadline, w.handleDeadline)
	mux.HandleFunc(TypeDeliver, w.handleDeliver)
	mux.HandleFunc(TypeSweep, w.handleSweep)
	mux.HandleFunc(TypeStats, w.handleStats)
	mux.HandleFunc(TypeHousekeep, w.handleHousekeep)
	return mux
}

// handleRoute routes the task's items. Intake's tasks also take the items
// stored after theirs; the reconciler's do not: their item may be old, and
// the index of waiting items is full of dead entries from there on.
func (w *Worker) handleRoute(ctx context.Context, t *asynq.Task) error {
	p, err := DecodePayload(t.Payload())
	if err != nil {
		return err
	}
	_, err = w.core.RouteItems(ctx, p.RouteIDs(), p.Round == 0)
	return err
}

func (w *Worker) handleDeadline(ctx context.Context, t *asynq.Task) error {
	p, err := DecodePayload(t.Payload())
	if err != nil {
		return err
	}
	if _, err := w.core.RunDeadlineCheck(ctx, p.ItemID, core.DeadlineCheck(p.Check)); err != nil {
		return fmt.Errorf("deadline check %s of item %d: %w", p.Check, p.ItemID, err)
	}
	return nil
}

func (w *Worker) handleDeliver(ctx context.Context, t *asynq.Task) error {
	p, err := DecodePayload(t.Payload())
	if err != nil {
		return err
	}
	return w.core.SendDelivery(ctx, p.DeliveryID, w.sender)
}

func (w *Worker) handleSweep(ctx context.Context, _ *asynq.Task) error {
	n, err := w.core.SweepDeadlines(ctx)
	if n > 0 {
		w.log.Info("deadline sweep", "changed", n)
	}
	return err
}

func (w *Worker) handleStats(ctx context.Context, _ *asynq.Task) error {
	_, err := w.core.RollupStats(ctx)
	return err
}

func (w *Worker) handleHousekeep(ctx context.Context, _ *asynq.Task) error {
	return w.core.Housekeeping(ctx)
}

// retryDelay is the wait before the retry of a task that failed n times
// before (asynq counts from 0): the backoff of deliveries, with jitter.
func (w *Worker) retryDelay(n int, _ error, _ *asynq.Task) time.Duration {
	d := domain.Backoff(w.cfg.RetryBase, w.cfg.RetryMax, n+1)
	return d + time.Duration(rand.Int64N(int64(d)/4+1))
}

// Run serves tasks and runs the reconciler until ctx ends, then shuts down:
// tasks in flight get the shutdown timeout to finish, after which asynq puts
// them back in the queue.
//
// Deliveries run on a task server of their own. Sharing slots with routing,
// a slow receiver held every slot for as long as it took to answer and
// routing waited behind it; strict queue priority would not help, since it
// only chooses what a freed slot takes next and a slot busy with a slow send
// is not freed. With slots of their own, deliveries can at worst delay other
// deliveries.
func (w *Worker) Run(ctx context.Context) error {
	srv := w.server(w.cfg.Concurrency, map[string]int{QueueCritical: 6, QueueDefault: 3, QueueLow: 1})
	if err := srv.Start(w.Mux()); err != nil {
		return fmt.Errorf("start task server: %w", err)
	}
	deliveries := asynq.NewServeMux()
	deliveries.HandleFunc(TypeDeliver, w.handleDeliver)
	dsrv := w.server(w.cfg.DeliveryConcurrency, map[string]int{QueueDelivery: 1})
	if err := dsrv.Start(deliveries); err != nil {
		srv.Shutdown()
		return fmt.Errorf("start delivery server: %w", err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		w.reconcileLoop(ctx)
	}()
	<-ctx.Done()
	var down sync.WaitGroup
	for _, s := range []*asynq.Server{srv, dsrv} {
		down.Add(1)
		go func() {
			defer down.Done()
			s.Shutdown()
		}()
	}
	down.Wait()
	wg.Wait()
	return nil
}

// server is an asynq task server over the queues with the worker's retry
// policy.
func (w *Worker) server(concurrency int, queues map[string]int) *asynq.Server {
	return asynq.NewServerFromRedisClient(w.rdb, asynq.Config{
		Concurrency:              concurrency,
		Queues:                   queues,
		TaskCheckInterval:        w.cfg.TaskCheckInterval,
		DelayedTaskCheckInterval: time.Second,
		ShutdownTimeout:          20 * time.Second,
		RetryDelayFunc:           w.retryDelay,
		// an outage of Postgres is not the task's fault: it is retried without
		// using up its retries
		IsFailure: func(err error) bool { return !repo.IsUnavailable(err) },
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			retried, _ := asynq.GetRetryCount(ctx)
			w.log.Warn("task failed", "type", t.Type(), "retried", retried, "err", err)
		}),
		Logger:   asynqLogger{w.log},
		LogLevel: asynq.WarnLevel,
	})
}

// reconcileLoop re-queues work the database says is waiting, and ticks the
// periodic tasks.
func (w *Worker) reconcileLoop(ctx context.Context) {
	reconcile := time.NewTicker(w.cfg.ReconcileInterval)
	defer reconcile.Stop()
	stats := time.NewTicker(time.Second)
	defer stats.Stop()
	w.reconcile(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-reconcile.C:
			w.reconcile(ctx)
		case now := <-stats.C:
			w.periodic(ctx, TypeStats, now.Truncate(time.Second), time.Second)
		}
	}
}

// reconcile queues every item still waiting to be routed and every delivery
// still waiting to be sent whose task may have been lost, and ticks the
// deadline sweep. It is safe to run from several workers at once: TaskIDs
// keep each task queued once.
func (w *Worker) reconcile(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	routed, delivered, err := w.Reconcile(ctx)
	if err != nil && ctx.Err() == nil {
		w.log.Warn("reconcile", "err", err)
	} else if routed+delivered > 0 {
		w.log.Info("reconciled lost work", "route", routed, "deliver", delivered)
	}
	now := time.Now()
	w.periodic(ctx, TypeSweep, now.Truncate(w.cfg.SweepInterval), w.cfg.SweepInterval)
	w.periodic(ctx, TypeHousekeep, now.Truncate(time.Hour), time.Hour)
}

// routeRetryAfter is how long an item may wait in received before the
// reconciler queues a routing task of a new name for it; deliveryLostAfter
// is the same for an overdue delivery attempt.
const (
	routeRetryAfter   = 15 * time.Second
	deliveryLostAfter = 30 * time.Second
)

// Reconcile queues the lost work it finds and reports how much.
func (w *Worker) Reconcile(ctx context.Context) (route, deliver int, err error) {
	items, err := w.core.ItemsWaitingForRouting(ctx, time.Second, 1000)
	if err != nil {
		return 0, 0, err
	}
	for _, it := range items {
		// every routeRetryAfter an item still waits, a task of a new name
		// (never the name of intake's own task, which asynq keeps a minute)
		t, o := RouteTask([]int64{it.ID}, 1+int(time.Since(it.Since)/routeRetryAfter))
		if err := w.client.Enqueue(ctx, t, o...); err != nil {
			return route, 0, fmt.Errorf("queue routing: %w", err)
		}
		route++
	}
	// an attempt overdue by more than a few seconds lost its task; every
	// further deliveryLostAfter it gets a task of a new name
	dels, err := w.core.DeliveriesWaiting(ctx, 5*time.Second, 1000)
	if err != nil {
		return route, 0, err
	}
	for _, d := range dels {
		lost := 1 + int(time.Since(d.NextAttemptAt)/deliveryLostAfter)
		t, o := DeliverTask(d.ID, d.ManualRetries, d.Attempts, lost, time.Now())
		if err := w.client.Enqueue(ctx, t, o...); err != nil {
			return route, deliver, fmt.Errorf("queue delivery: %w", err)
		}
		deliver++
	}
	return route, deliver, nil
}

// periodic queues one firing of a periodic task for its slot. When Redis
// cannot take it, the work runs here, under a database lock, so that
// deadlines are still escalated and statistics still rolled up while Redis is
// down.
func (w *Worker) periodic(ctx context.Context, typ string, slot time.Time, every time.Duration) {
	t, o := SlotTask(typ, slot, every)
	qctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	err := w.client.Enqueue(qctx, t, o...)
	cancel()
	if err == nil || ctx.Err() != nil {
		return
	}
	ctx, cancel = context.WithTimeout(ctx, slotTimeout)
	defer cancel()
	ran, lerr := w.core.RunExclusive(ctx, typ, func(ctx context.Context) error {
		var h func(context.Context, *asynq.Task) error
		switch typ {
		case TypeSweep:
			h = w.handleSweep
		case TypeStats:
			h = w.handleStats
		case TypeHousekeep:
			h = w.handleHousekeep
		default:
			return errors.New("no local runner for " + typ)
		}
		return h(ctx, t)
	})
	if lerr != nil {
		w.log.Warn("periodic task without Redis", "type", typ, "err", lerr)
	} else if ran {
		w.log.Debug("periodic task ran locally", "type", typ, "queue_err", err)
	}
}

// asynqLogger sends asynq's logs to slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...), "component", "asynq") }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...), "component", "asynq") }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...), "component", "asynq") }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...), "component", "asynq") }
func (a asynqLogger) Fatal(args ...any) {
	a.l.Error(fmt.Sprint(args...), "component", "asynq", "fatal", true)
}
