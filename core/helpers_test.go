package core_test

// Shared helpers of the core tests. Every test gets its own migrated
// database (testenv.Database) and a Core over it whose follow-up tasks are
// recorded instead of queued (Tasks); fixtures are made through core's own
// methods, so a test starts from a state the application can reach:
//
//	f := newFixture(t)            // a unit U1, an operator, a unit staff member
//	id := f.dispatchedItem(t)     // a call dispatched to U1
//	f.accept(t, id)               // signed for by U1
//
// Time is real unless a test calls f.core.SetClock.

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"hotline/calendar"
	"hotline/config"
	"hotline/core"
	"hotline/domain"
	"hotline/repo"
	"hotline/testenv"
)

// Tasks records the follow-up work core asks for; onSchedule, when set,
// runs inside ScheduleDeadlines and DropDeadlines (after the action's
// commit).
type Tasks struct {
	mu         sync.Mutex
	routed     []int64
	scheduled  []int64
	delivered  []int64
	dropped    []int64
	onSchedule func()
}

func (t *Tasks) RouteItem(id int64) { t.mu.Lock(); t.routed = append(t.routed, id); t.mu.Unlock() }

func (t *Tasks) ScheduleDeadlines(id int64, _, _, _ *time.Time) {
	t.mu.Lock()
	t.scheduled = append(t.scheduled, id)
	hook := t.onSchedule
	t.mu.Unlock()
	if hook != nil {
		hook()
	}
}

func (t *Tasks) DropDeadlines(id int64) {
	t.mu.Lock()
	t.dropped = append(t.dropped, id)
	hook := t.onSchedule
	t.mu.Unlock()
	if hook != nil {
		hook()
	}
}

func (t *Tasks) Deliver(id int64, _, _ int, _ time.Time) {
	t.mu.Lock()
	t.delivered = append(t.delivered, id)
	t.mu.Unlock()
}

// fixture is a Core over a fresh database with one unit and its people.
type fixture struct {
	ctx      context.Context
	store    *repo.Store
	core     *core.Core
	tasks    *Tasks
	operator domain.Viewer
	manager  domain.Viewer
	staff    domain.Viewer // unit_staff of U1
	head     domain.Viewer // unit_head of U1
}

// newFixture builds the Core with the default configuration, changed by
// the options given.
func newFixture(t *testing.T, opts ...func(*core.Settings)) *fixture {
	t.Helper()
	ctx := context.Background()
	store, err := repo.Open(ctx, testenv.Database(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	windows, err := calendar.ParseWindows(cfg.WorkingHours)
	if err != nil {
		t.Fatal(err)
	}
	tasks := &Tasks{}
	set := core.Settings{Location: cfg.Location, Windows: windows, RatingLinkTTL: cfg.RatingLinkTTL,
		RatingWindow: cfg.RatingWindow, DeliveryTimeout: cfg.DeliveryTimeout, DeliveryMaxRetry: cfg.DeliveryMaxRetry,
		RetryBase: cfg.RetryBase, RetryMax: cfg.RetryMax, SessionTTL: cfg.SessionTTL}
	for _, o := range opts {
		o(&set)
	}
	c := core.New(store, tasks, set, slog.New(slog.NewTextHandler(io.Discard, nil)))
	// with the caches on, as in a running process
	watchCtx, stopWatching := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() { defer close(watched); c.WatchChanges(watchCtx) }()
	t.Cleanup(func() { stopWatching(); <-watched })
	testenv.Eventually(t, 10*time.Second, "the caches to hear the database's announcements", c.CachesOn)
	f := &fixture{ctx: ctx, store: store, core: c, tasks: tasks}
	name := "一号单位"
	if _, err := c.CreateUnit(ctx, core.UnitInput{Code: "U1", Name: &name}); err != nil {
		t.Fatalf("create unit: %v", err)
	}
	f.operator = f.user(t, "operator1", domain.RoleOperator, "")
	f.manager = f.user(t, "manager1", domain.RoleManager, "")
	f.staff = f.user(t, "staff1", domain.RoleUnitStaff, "U1")
	f.head = f.user(t, "head1", domain.RoleUnitHead, "U1")
	return f
}

// user creates an active account and returns it as a viewer.
func (f *fixture) user(t *testing.T, name string, role domain.Role, unit string) domain.Viewer {
	t.Helper()
	pw, r := "a long enough password 1", string(role)
	in := core.UserInput{Username: &name, Password: &pw, Role: &r}
	if unit != "" {
		in.UnitCode = &unit
	}
	u, err := f.core.CreateUser(f.ctx, in)
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return domain.Viewer{ID: u.ID, Username: name, Role: role, UnitCode: unit}
}

// call logs a complaint by phone and returns its id.
func (f *fixture) call(t *testing.T, phone string) int64 {
	t.Helper()
	it, err := f.core.CreateCall(f.ctx, f.operator, core.CallInput{CallerName: "张三", CallerPhone: phone,
		Kind: "complaint", Title: "路灯不亮", Content: "小区门口路灯坏了一周"})
	if err != nil {
		t.Fatalf("create call: %v", err)
	}
	return it.ID
}

// dispatchedItem logs a call and dispatches it to U1.
func (f *fixture) dispatchedItem(t *testing.T) int64 {
	t.Helper()
	id := f.call(t, "13812345678")
	if _, err := f.core.Dispatch(f.ctx, f.operator, id, core.DispatchInput{PrimaryUnitCode: "U1"}); err != nil {
		t.Fatalf("dispatch: %v", err)
	}
	return id
}

// accept signs for an item as U1's staff.
func (f *fixture) accept(t *testing.T, id int64) {
	t.Helper()
	if _, err := f.core.Accept(f.ctx, f.staff, id); err != nil {
		t.Fatalf("accept: %v", err)
	}
}

// answered dispatches, accepts and answers an item with a final reply.
func (f *fixture) answered(t *testing.T) int64 {
	t.Helper()
	id := f.dispatchedItem(t)
	f.accept(t, id)
	if _, err := f.core.Reply(f.ctx, f.staff, id, core.ReplyInput{Body: "已修复", Final: true}); err != nil {
		t.Fatalf("reply: %v", err)
	}
	return id
}

// item reads an item as the manager.
func (f *fixture) item(t *testing.T, id int64) core.ItemDetail {
	t.Helper()
	d, err := f.core.GetItem(f.ctx, f.manager, id)
	if err != nil {
		t.Fatalf("get item %d: %v", id, err)
	}
	return d
}
