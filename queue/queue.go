// Package queue holds Hotline's background work on asynq: the task types and
// payloads, a Client that queues follow-up work without ever making a request
// wait on Redis, and the Worker that runs the tasks, the reconciler that
// re-derives lost tasks from the database, and the periodic sweeps.
package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"hotline/core"
)

// Queues. The first three share the worker's slots, by priority; the
// delivery queue has slots of its own (see Worker.Run).
const (
	QueueCritical = "critical" // intake and routing
	QueueDefault  = "default"  // deadlines
	QueueLow      = "low"      // statistics and sweeps
	QueueDelivery = "delivery" // outbound messages
)

// Queues is every queue, for metrics and inspection.
var Queues = []string{QueueCritical, QueueDefault, QueueLow, QueueDelivery}

// Task types.
const (
	TypeRoute     = "item:route"
	TypeDeadline  = "item:deadline"
	TypeDeliver   = "delivery:send"
	TypeSweep     = "sweep:deadlines"
	TypeStats     = "stats:rollup"
	TypeHousekeep = "sweep:housekeeping"
)

// Payload is the body of every task: which item or delivery, and for a
// deadline task which check.
type Payload struct {
	ItemID int64 `json:"item_id,omitempty"`
	// ItemIDs are the items of a routing task that routes several.
	ItemIDs []int64 `json:"item_ids,omitempty"`
	// Round is a reconciler's attempt at a routing task (0: intake's own).
	Round      int    `json:"round,omitempty"`
	DeliveryID int64  `json:"delivery_id,omitempty"`
	Check      string `json:"check,omitempty"`
	At         int64  `json:"at,omitempty"`
}

// DecodePayload reads a task body; a body that does not decode can never
// succeed and is not retried.
func DecodePayload(b []byte) (Payload, error) {
	var p Payload
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("decode payload: %v: %w", err, asynq.SkipRetry)
	}
	return p, nil
}

// RouteIDs are the items a routing task routes: those it names, or the one
// item of a task the reconciler queued.
func (p Payload) RouteIDs() []int64 {
	if len(p.ItemIDs) > 0 {
		return p.ItemIDs
	}
	if p.ItemID != 0 {
		return []int64{p.ItemID}
	}
	return nil
}

func mustJSON(p Payload) []byte {
	b, _ := json.Marshal(p) // a struct of ints and strings always encodes
	return b
}

// RouteTask is the task that routes items (at least one), named by its
// first and last item: intake asks for each item once, so the names of its
// tasks never repeat. The reconciler's tasks carry a round from 1 up, a new
// one for each time it finds the same item still waiting.
func RouteTask(itemIDs []int64, round int) (*asynq.Task, []asynq.Option) {
	id := "route:" + strconv.FormatInt(itemIDs[0], 10) + "-" + strconv.FormatInt(itemIDs[len(itemIDs)-1], 10)
	if round > 0 {
		id += ":" + strconv.Itoa(round)
	}
	p := Payload{ItemIDs: itemIDs, Round: round}
	if len(itemIDs) == 1 {
		p = Payload{ItemID: itemIDs[0], Round: round}
	}
	return asynq.NewTask(TypeRoute, mustJSON(p)), []asynq.Option{
		asynq.Queue(QueueCritical), asynq.TaskID(id),
		asynq.Retention(time.Minute), asynq.MaxRetry(20), asynq.Timeout(30 * time.Second),
	}
}

// DeadlineTask is the task that runs one deadline check of an item at a time.
func DeadlineTask(itemID int64, check core.DeadlineCheck, at time.Time) (*asynq.Task, []asynq.Option) {
	id := fmt.Sprintf("deadline:%s:%d:%d", check, itemID, at.Unix())
	return asynq.NewTask(TypeDeadline, mustJSON(Payload{ItemID: itemID, Check: string(check), At: at.Unix()})), []asynq.Option{
		asynq.Queue(QueueDefault), asynq.TaskID(id), asynq.ProcessAt(at), asynq.Retention(time.Hour),
		asynq.MaxRetry(10), asynq.Timeout(30 * time.Second),
	}
}

// DeliverTask is one attempt to send a delivery at a time. The attempt is
// named by the operator's manual retries and the attempts made so far, so
// each is queued once; lost > 0 names a fresh task for an attempt whose task
// was lost. Failed attempts are scheduled by core, not retried by asynq;
// asynq retries only errors of the database.
func DeliverTask(deliveryID int64, manual, attempt, lost int, at time.Time) (*asynq.Task, []asynq.Option) {
	id := fmt.Sprintf("deliver:%d:%d:%d", deliveryID, manual, attempt)
	if lost > 0 {
		id += fmt.Sprintf(":%d", lost)
	}
	return asynq.NewTask(TypeDeliver, mustJSON(Payload{DeliveryID: deliveryID})), []asynq.Option{
		asynq.Queue(QueueDelivery), asynq.TaskID(id), asynq.ProcessAt(at), asynq.Retention(time.Hour),
		asynq.MaxRetry(10), asynq.Timeout(2 * time.Minute),
	}
}

// slotTimeout bounds one run of a periodic task, queued or run in place.
const slotTimeout = 5 * time.Minute

// SlotTask is a periodic task with one firing per time slot, however many
// workers tick: its TaskID is the type and the slot.
func SlotTask(typ string, slot time.Time, every time.Duration) (*asynq.Task, []asynq.Option) {
	id := fmt.Sprintf("%s:%d", typ, slot.Unix())
	return asynq.NewTask(typ, nil), []asynq.Option{
		asynq.Queue(QueueLow), asynq.TaskID(id), asynq.Retention(3 * every), asynq.MaxRetry(0),
		asynq.Timeout(slotTimeout),
	}
}

// job is work waiting to be handed to Redis: a task to queue (with, for a
// deadline task, the item it belongs to and when it fires), or an item whose
// deadline tasks are to be dropped.
type job struct {
	task   *asynq.Task
	opts   []asynq.Option
	itemID int64
	at     time.Time
	drop   bool
}

// senders is the number of goroutines handing jobs to Redis. Jobs of one
// item always go through the same one, in the order they were asked for, so
// that dropping an item's deadline tasks cannot overtake their scheduling.
const senders = 4

// Client queues follow-up work for core. Enqueueing happens on background
// goroutines so that no request waits on Redis; what cannot be queued (Redis
// down, buffer full) is logged and left to the reconciler, which finds the
// same work in the database.
type Client struct {
	ac     *asynq.Client
	insp   *asynq.Inspector
	rdb    redis.UniversalClient
	log    *slog.Logger
	jobs   [senders]chan job
	wg     sync.WaitGroup
	mu     sync.RWMutex
	closed bool

	routeWanted chan struct{} // a routing task is to be queued (buffer of one)
	routeMu     sync.Mutex
	routeIDs    []int64 // the items asked to be routed and not yet in a task
}

// NewClient starts a client over a Redis connection.
func NewClient(rdb redis.UniversalClient, log *slog.Logger) *Client {
	c := &Client{ac: asynq.NewClientFromRedisClient(rdb), insp: asynq.NewInspectorFromRedisClient(rdb), rdb: rdb, log: log}
	for i := range c.jobs {
		c.jobs[i] = make(chan job, 10000/senders)
		c.wg.Add(1)
		go c.run(c.jobs[i])
	}
	c.routeWanted = make(chan struct{}, 1)
	c.wg.Add(1)
	go c.runRouting()
	return c
}

func (c *Client) run(jobs <-chan job) {
	defer c.wg.Done()
	for j := range jobs {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		var err error
		switch {
		case j.drop:
			err = c.dropDeadlines(ctx, j.itemID)
		default:
			err = c.Enqueue(ctx, j.task, j.opts...)
			if err == nil && j.task.Type() == TypeDeadline {
				err = c.trackDeadline(ctx, j.itemID, j.opts, j.at)
			}
		}
		cancel()
		if err != nil {
			c.log.Warn("queue task; the reconciler or the sweep will make up for it", "item_id", j.itemID, "drop", j.drop, "err", err)
		}
	}
}

// Enqueue queues a task now; a task whose TaskID is already queued counts as
// queued.
func (c *Client) Enqueue(ctx context.Context, t *asynq.Task, opts ...asynq.Option) error {
	_, err := c.ac.EnqueueContext(ctx, t, opts...)
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil
	}
	return err
}

func (c *Client) push(key int64, j job) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return
	}
	select {
	case c.jobs[uint64(key)%senders] <- j:
	default:
		c.log.Warn("task buffer full; the reconciler or the sweep will make up for it", "item_id", j.itemID)
	}
}

// Under a burst, routing tasks gather the items asked for within
// routeLinger of each other, up to routeTaskItems a task: each task costs a
// transaction and a few statements whatever it holds, so a burst is routed
// by a few large ones. A task that follows the previous one by more than
// routeLinger is queued at once: at a steady pace nothing waits.
// At most routeWaitingMax items wait for a task: beyond that (Redis down or
// slow) an item is left to the reconciler, which finds it in the database.
const (
	routeLinger     = 5 * time.Millisecond
	routeTaskItems  = 200
	routeWaitingMax = 10000
)

// RouteItem asks for an item to be routed, in a task it shares with the
// items asked for at about the same time.
func (c *Client) RouteItem(itemID int64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return
	}
	c.routeMu.Lock()
	full := len(c.routeIDs) >= routeWaitingMax
	if !full {
		c.routeIDs = append(c.routeIDs, itemID)
	}
	c.routeMu.Unlock()
	if full {
		c.log.Warn("routing buffer full; the reconciler will make up for it", "item_id", itemID)
		return
	}
	select {
	case c.routeWanted <- struct{}{}:
	default: // a task is wanted already; it will carry this item too
	}
}

// runRouting queues the routing tasks of the items asked for: at once when
// the last task went out more than routeLinger before, else after lingering
// that long for the items of the burst.
func (c *Client) runRouting() {
	defer c.wg.Done()
	var last time.Time
	for range c.routeWanted {
		if time.Since(last) < routeLinger {
			time.Sleep(routeLinger)
		}
		c.routeMu.Lock()
		ids := c.routeIDs
		c.routeIDs = nil
		c.routeMu.Unlock()
		last = time.Now()
		c.queueRouting(ids)
	}
}

// queueRouting queues the routing tasks of ids. At the first task Redis does
// not take it gives up on the rest, which the reconciler finds in the
// database: with Redis down, each attempt would wait out its timeout while
// more items pile up, and shutting down would wait for them all.
func (c *Client) queueRouting(ids []int64) {
	for i, chunk := range slices.Collect(slices.Chunk(ids, routeTaskItems)) {
		t, o := RouteTask(chunk, 0)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		err := c.Enqueue(ctx, t, o...)
		cancel()
		if err != nil {
			c.log.Warn("queue routing; the reconciler will make up for it",
				"items", len(ids)-i*routeTaskItems, "err", err)
			return
		}
	}
}

// ScheduleDeadlines queues the item's deadline checks at their times.
func (c *Client) ScheduleDeadlines(itemID int64, remindAt, acceptDueAt, dueAt *time.Time) {
	for check, at := range map[core.DeadlineCheck]*time.Time{
		core.CheckRemind: remindAt, core.CheckAcceptOverdue: acceptDueAt, core.CheckOverdue: dueAt,
	} {
		if at != nil {
			t, o := DeadlineTask(itemID, check, *at)
			c.push(itemID, job{task: t, opts: o, itemID: itemID, at: *at})
		}
	}
}

// DropDeadlines deletes the item's scheduled deadline tasks: it no longer
// needs them. Without this each answered item would keep them in Redis until
// they fired, days later, to find nothing to do.
func (c *Client) DropDeadlines(itemID int64) {
	c.push(itemID, job{itemID: itemID, drop: true})
}

// Deliver queues an attempt to send a delivery at a time.
func (c *Client) Deliver(deliveryID int64, round, attempt int, at time.Time) {
	t, o := DeliverTask(deliveryID, round, attempt, 0, at)
	c.push(deliveryID, job{task: t, opts: o})
}

// deadlinesKey is the set of an item's deadline TaskIDs.
func deadlinesKey(itemID int64) string {
	return "hotline:deadlines:" + strconv.FormatInt(itemID, 10)
}

// trackDeadline adds a deadline task to its item's set, which lives until an
// hour after the item's last deadline (by then every task in it has fired).
func (c *Client) trackDeadline(ctx context.Context, itemID int64, opts []asynq.Option, at time.Time) error {
	var id string
	for _, o := range opts {
		if o.Type() == asynq.TaskIDOpt {
			id, _ = o.Value().(string)
		}
	}
	key, ttl := deadlinesKey(itemID), max(time.Until(at), 0)+time.Hour
	_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, key, id)
		p.ExpireNX(ctx, key, ttl)
		p.ExpireGT(ctx, key, ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("track deadline task of item %d: %w", itemID, err)
	}
	return nil
}

// dropDeadlines deletes every deadline task tracked for the item; it is
// idempotent. A task that is running or already gone is left alone.
func (c *Client) dropDeadlines(ctx context.Context, itemID int64) error {
	key := deadlinesKey(itemID)
	ids, err := c.rdb.SMembers(ctx, key).Result()
	if err != nil {
		return fmt.Errorf("read deadline tasks of item %d: %w", itemID, err)
	}
	for _, id := range ids {
		err := c.insp.DeleteTask(QueueDefault, id)
		// a running task cannot be deleted and finds nothing to do; asynq has
		// no exported error for that case, only its text
		if err != nil && !errors.Is(err, asynq.ErrTaskNotFound) && !errors.Is(err, asynq.ErrQueueNotFound) &&
			!strings.Contains(err.Error(), "active state") {
			return fmt.Errorf("drop deadline task %s: %w", id, err)
		}
	}
	if err := c.rdb.Del(ctx, key).Err(); err != nil {
		return fmt.Errorf("forget deadline tasks of item %d: %w", itemID, err)
	}
	return nil
}

// Close stops the client after queueing what is buffered. The Redis
// connection belongs to the caller and stays open.
func (c *Client) Close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		for _, ch := range c.jobs {
			close(ch)
		}
		close(c.routeWanted)
	}
	c.mu.Unlock()
	c.wg.Wait()
}

// RedisLogger sends go-redis's own messages (dial failures while Redis is
// down, repeated for every attempt) to slog at debug level; the worker and
// the API report Redis outages themselves.
type RedisLogger struct{ Log *slog.Logger }

// Printf implements go-redis's logging interface.
func (l RedisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.Log.DebugContext(ctx, fmt.Sprintf(format, v...), "component", "go-redis")
}
