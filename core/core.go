// Package core carries out what Hotline does: it takes decoded requests from
// the HTTP handlers and tasks from the queue, applies the rules of the domain
// package and stores the result through repo, one transaction per action.
// After a transaction commits it asks the queue for follow-up work; the
// database alone is enough to derive that work again if the queue loses it.
package core

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"hotline/calendar"
	"hotline/domain"
	"hotline/password"
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
	// DropDeadlines says the item no longer needs its scheduled deadline
	// checks (answered, closed, returned, merged). Dropping one too many only
	// costs precision: the sweep still runs any check that comes due.
	DropDeadlines(itemID int64)
	// Deliver asks for an attempt to send an outbound message at a time;
	// round and attempt name the attempt, so that each is queued once.
	Deliver(deliveryID int64, round, attempt int, at time.Time)
}

// Settings are the parts of the configuration core needs, all from
// config.Config (app.Open maps them).
type Settings struct {
	Location      *time.Location
	Windows       []calendar.Window
	SessionTTL    time.Duration
	RatingLinkTTL time.Duration
	PublicBaseURL string
	// RatingWindow is how long after the answer an item waits for its
	// rating before it closes by itself (HOTLINE_RATING_WINDOW).
	RatingWindow time.Duration
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
	// SessionIdle ends a session unused for this long.
	SessionIdle time.Duration
	// MaxSessions is how many live sessions an account keeps; a new login
	// ends the oldest beyond it.
	MaxSessions int
	// HashConcurrency bounds the bcrypt computations running at once.
	HashConcurrency int
}

// Core is the application.
type Core struct {
	store *repo.Store
	tasks Tasks
	set   Settings
	log   *slog.Logger
	now   func() time.Time

	caches caches

	calMu      sync.Mutex
	cal        *calendar.Calendar
	calVersion string
	calChecked time.Time
	calGen     uint64 // caches.calendar when cal was checked

	dummyOnce sync.Once
	dummyHash []byte
	hashSem   chan struct{} // a slot per bcrypt computation
	passwords *password.Policy

	kb kbCache
}

// New builds the application over a store. Every setting comes from
// config.Config, where the defaults live: core has none of its own.
func New(store *repo.Store, tasks Tasks, set Settings, log *slog.Logger) *Core {
	return &Core{store: store, tasks: tasks, set: set, log: log, now: time.Now,
		hashSem: make(chan struct{}, max(1, set.HashConcurrency)), passwords: password.NewPolicy()}
}

// Location is the zone of days, deadlines and report periods.
func (c *Core) Location() *time.Location { return c.set.Location }

// Now is the current time in the configured zone.
func (c *Core) Now() time.Time { return c.now().In(c.set.Location) }

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
