// Package core carries out what Hotline does: it takes decoded requests from
// the HTTP handlers and tasks from the queue, applies the rules of the domain
// package and stores the result through repo, one transaction per action.
// After a transaction commits it asks the queue for follow-up work; the
// database alone is enough to derive that work again if the queue loses it.
package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"hotline/calendar"
	"hotline/domain"
	"hotline/repo"
)

// Tasks is the follow-up work core asks for after a commit. Every method is
// fire-and-forget: a task that cannot be queued is found again by the
// worker's reconciler, so callers never wait on Redis.
type Tasks interface {
	// RouteItem asks for an item in status received to be routed.
	RouteItem(itemID int64)
	// ScheduleDeadlines asks for the reminder, sign-for check and overdue check
	// of an item at its current deadlines.
	ScheduleDeadlines(itemID int64, remindAt, acceptDueAt, dueAt *time.Time)
	// Deliver asks for an attempt to send an outbound message at a time;
	// round and attempt name the attempt, so that each is queued once.
	Deliver(deliveryID int64, round, attempt int, at time.Time)
}

// Settings are the parts of the configuration core needs.
type Settings struct {
	Location      *time.Location
	Windows       []calendar.Window
	SessionTTL    time.Duration
	RatingLinkTTL time.Duration
	PublicBaseURL string
	// VisitWindow is how long after the answer an item waits for its rating
	// before it closes by itself.
	VisitWindow time.Duration
	// RetentionYears, when positive, anonymises citizens of items closed
	// longer ago.
	RetentionYears int
	// DeliveryTimeout bounds one attempt to send a message; a sender holds
	// a delivery a little longer than that.
	DeliveryTimeout time.Duration
	// DeliveryMaxRetry is how many times a failed message is tried again
	// before it is marked failed; the waits double from RetryBase to RetryMax.
	DeliveryMaxRetry    int
	RetryBase, RetryMax time.Duration
}

// Core is the application.
type Core struct {
	store *repo.Store
	tasks Tasks
	set   Settings
	log   *slog.Logger
	now   func() time.Time

	calMu      sync.Mutex
	cal        *calendar.Calendar
	calVersion string
	calChecked time.Time

	dummyOnce sync.Once
	dummyHash []byte

	kb kbCache
}

// New builds the application over a store.
func New(store *repo.Store, tasks Tasks, set Settings, log *slog.Logger) *Core {
	if set.Location == nil {
		set.Location = time.UTC
	}
	if set.SessionTTL <= 0 {
		set.SessionTTL = 12 * time.Hour
	}
	if set.RatingLinkTTL <= 0 {
		set.RatingLinkTTL = 15 * 24 * time.Hour
	}
	if set.DeliveryTimeout <= 0 {
		set.DeliveryTimeout = 30 * time.Second
	}
	if set.DeliveryMaxRetry <= 0 {
		set.DeliveryMaxRetry = 10
	}
	if set.RetryBase <= 0 {
		set.RetryBase = 2 * time.Second
	}
	if set.RetryMax <= 0 {
		set.RetryMax = 5 * time.Minute
	}
	if set.VisitWindow <= 0 {
		set.VisitWindow = 15 * 24 * time.Hour
	}
	return &Core{store: store, tasks: tasks, set: set, log: log, now: time.Now}
}

// Store exposes the store to the queue and the operations endpoints.
func (c *Core) Store() *repo.Store { return c.store }

// Location is the zone of days, deadlines and report periods.
func (c *Core) Location() *time.Location { return c.set.Location }

// Now is the current time in the configured zone.
func (c *Core) Now() time.Time { return c.now().In(c.set.Location) }

// Calendar returns the working calendar, reloading it from the database when
// another process changed it (checked at most every 30 seconds).
func (c *Core) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	c.calMu.Lock()
	defer c.calMu.Unlock()
	if c.cal != nil && time.Since(c.calChecked) < 30*time.Second {
		return c.cal, nil
	}
	version, err := c.store.Q().CalendarVersion(ctx)
	if err != nil {
		if c.cal != nil {
			return c.cal, nil
		}
		return nil, fmt.Errorf("read calendar version: %w", err)
	}
	c.calChecked = time.Now()
	if c.cal != nil && version == c.calVersion {
		return c.cal, nil
	}
	rows, err := c.store.Q().ListCalendarDays(ctx)
	if err != nil {
		return nil, fmt.Errorf("read calendar: %w", err)
	}
	days := make([]calendar.Day, len(rows))
	for i, r := range rows {
		days[i] = calendar.Day{Date: r.Day.Format("2006-01-02"), Kind: calendar.DayKind(r.Kind), Name: r.Name, Source: r.Source}
	}
	cal, err := calendar.New(c.set.Location, days, c.set.Windows)
	if err != nil {
		return nil, fmt.Errorf("build calendar: %w", err)
	}
	c.cal, c.calVersion = cal, version
	return cal, nil
}

func (c *Core) invalidateCalendar() {
	c.calMu.Lock()
	c.calChecked = time.Time{}
	c.calMu.Unlock()
}

// actor names who did something on the timeline.
type actor struct {
	id   *int64
	name string
	unit *string
}

func actorOf(v domain.Viewer) actor {
	id := v.ID
	a := actor{id: &id, name: v.Username}
	if v.UnitCode != "" {
		u := v.UnitCode
		a.unit = &u
	}
	return a
}

func systemActor() actor { return actor{name: "system"} }

// event appends one event to an item's timeline.
func event(ctx context.Context, q *repo.Q, at time.Time, itemID int64, who actor, a domain.Action, from, to domain.Status, note string) error {
	e := repo.Event{ItemID: itemID, At: at, ActorID: who.id, Actor: who.name, Action: a.Event(), Note: note, UnitCode: who.unit}
	if from != "" {
		s := string(from)
		e.FromStatus = &s
	}
	if to != "" {
		s := string(to)
		e.ToStatus = &s
	}
	return q.AppendEvent(ctx, e)
}

// transition moves a locked item through the state machine and records the
// event; it does not save the item.
func transition(ctx context.Context, q *repo.Q, at time.Time, it *repo.Item, who actor, a domain.Action, note string) error {
	from := domain.Status(it.Status)
	to, err := domain.Next(from, a)
	if err != nil {
		return err
	}
	it.Status = string(to)
	return event(ctx, q, at, it.ID, who, a, from, to, note)
}

// notFoundAs maps repo.ErrNotFound to the domain's.
func notFoundAs(err error, what string) error {
	if errors.Is(err, repo.ErrNotFound) {
		return fmt.Errorf("%s: %w", what, domain.ErrNotFound)
	}
	return err
}

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }

// strOr returns *p or "" when p is nil.
func strOr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// nilIfEmpty returns nil for "" and a pointer otherwise.
func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
