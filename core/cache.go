package core

import (
	"context"
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// What every process keeps in memory so that intake and routing need no
// round trip for it: live sessions, routing rules, active units, category
// paths and SLA policies. The database announces every change to them when
// it commits (repo.ListenChanges); the process then drops what it holds of
// that data at once, so a logout, a deactivation or a rule change takes effect
// on every process as soon as it is committed. While the announcements cannot
// be heard (before WatchChanges, or with its connection down) nothing is kept
// and every read goes to the database. The process that makes a change also
// drops its own copy before answering, not waiting for its announcement.

// cacheMaxAge bounds how long anything is kept even without a change
// announced: a connection that died silently is noticed within this.
const cacheMaxAge = time.Minute

// maxCachedSessions bounds the session cache; past it the cache starts over.
const maxCachedSessions = 10000

// memo keeps one value loaded from the database until its change is
// announced. gen counts the drops, so that a load that raced with a drop is
// used once but not kept.
type memo[T any] struct {
	mu  sync.Mutex
	gen uint64
	ok  bool
	val T
	at  time.Time
}

// get returns the kept value, or loads one (keeping it when on).
func (m *memo[T]) get(on bool, load func() (T, error)) (T, error) {
	m.mu.Lock()
	if on && m.ok && time.Since(m.at) < cacheMaxAge {
		v := m.val
		m.mu.Unlock()
		return v, nil
	}
	gen := m.gen
	m.mu.Unlock()
	v, err := load()
	if err != nil {
		return v, err
	}
	m.mu.Lock()
	if on && gen == m.gen {
		m.val, m.ok, m.at = v, true, time.Now()
	}
	m.mu.Unlock()
	return v, nil
}

func (m *memo[T]) drop() {
	m.mu.Lock()
	var zero T
	m.gen, m.ok, m.val = m.gen+1, false, zero
	m.mu.Unlock()
}

// sessionKey is a session as authentication looks it up.
type sessionKey struct {
	hash [sha256.Size]byte
	kind repo.SessionKind
}

// cachedSession is a live session's viewer and the times that end it.
type cachedSession struct {
	viewer   domain.Viewer
	expires  time.Time
	lastSeen time.Time // as last read or written by this process
	at       time.Time
}

// sessionCache keeps the sessions authenticated lately.
type sessionCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[sessionKey]cachedSession
}

func (s *sessionCache) get(k sessionKey) (cachedSession, uint64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[k]
	return e, s.gen, ok && time.Since(e.at) < cacheMaxAge
}

// put keeps a session read at generation gen, unless a drop came between.
func (s *sessionCache) put(k sessionKey, e cachedSession, gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.gen {
		return
	}
	if s.m == nil || len(s.m) >= maxCachedSessions {
		s.m = map[sessionKey]cachedSession{}
	}
	s.m[k] = e
}

// touched records that this process wrote the session's last use.
func (s *sessionCache) touched(k sessionKey, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[k]; ok {
		e.lastSeen = at
		s.m[k] = e
	}
}

func (s *sessionCache) drop() {
	s.mu.Lock()
	s.gen++
	s.m = nil
	s.mu.Unlock()
}

// caches is everything kept, and whether announcements are heard. It is
// the repo.ChangeWatcher of the process.
type caches struct {
	on         atomic.Bool
	sessions   sessionCache
	rules      memo[[]domain.Rule]
	units      memo[map[string]bool] // active units
	categories memo[map[string]*string]
	sla        memo[map[string]domain.SLAPolicy]
	calendar   atomic.Uint64 // generation of the calendar: Core.Calendar reloads when it moves
}

// Changed drops what a change makes stale.
func (cs *caches) Changed(ch repo.Change) {
	all := ch == repo.ChangeAll
	if all || ch == repo.ChangeSessions {
		cs.sessions.drop()
	}
	if all || ch == repo.ChangeRules {
		cs.rules.drop()
	}
	if all || ch == repo.ChangeUnits {
		cs.units.drop()
	}
	if all || ch == repo.ChangeCategories {
		cs.categories.drop()
	}
	if all || ch == repo.ChangeSLA {
		cs.sla.drop()
	}
	if all || ch == repo.ChangeCalendar {
		cs.calendar.Add(1)
	}
}

// Listening turns the caches on and off. Going off drops everything, so that
// nothing kept from before a gap is trusted after it.
func (cs *caches) Listening(on bool) {
	if !on {
		cs.on.Store(false)
		cs.Changed(repo.ChangeAll)
		return
	}
	cs.on.Store(true)
}

// WatchChanges listens for the database's announcements of changes until
// ctx ends; the caches are on while it does. Each process serving requests
// or tasks runs it once.
func (c *Core) WatchChanges(ctx context.Context) {
	c.store.ListenChanges(ctx, &c.caches, c.log)
}

// CachesOn reports whether the caches are in use: announcements of changes
// are heard.
func (c *Core) CachesOn() bool { return c.caches.on.Load() }

// changed drops this process's own copy of what it has just changed,
// without waiting for the announcement of its commit.
func (c *Core) changed(ch repo.Change) { c.caches.Changed(ch) }
