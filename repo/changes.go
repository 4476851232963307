package repo

import (
	"context"
	"log/slog"
	"time"

	"github.com/lib/pq"
)

// Change names what a committed transaction changed among the data every
// process keeps in memory; triggers announce it on changesChannel (migration
// 00019_change_notify.sql).
type Change string

// The changes announced.
const (
	ChangeSessions   Change = "sessions" // a session ended or changed kind, or a user changed
	ChangeRules      Change = "rules"
	ChangeUnits      Change = "units"
	ChangeCategories Change = "categories"
	ChangeSLA        Change = "sla"
	ChangeCalendar   Change = "calendar"
	// ChangeAll stands for every change at once: the listening connection was
	// (re)opened, and announcements made while it was down are lost.
	ChangeAll Change = "*"
)

const changesChannel = "hotline_changes"

// ChangeWatcher is told of the announced changes and of the state of the
// listening connection.
type ChangeWatcher interface {
	// Changed is called for every announcement, and with ChangeAll whenever
	// the connection is (re)established.
	Changed(Change)
	// Listening reports whether announcements reach the process: while
	// false, nothing kept in memory can be trusted.
	Listening(bool)
}

// ListenChanges holds a connection listening for announced changes until
// ctx ends, reconnecting after a failure, and tells w of each.
func (s *Store) ListenChanges(ctx context.Context, w ChangeWatcher, log *slog.Logger) {
	l := pq.NewListener(s.dsn, 100*time.Millisecond, 5*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventReconnected: // the channel is listened to again (pq resyncs before this event)
			w.Changed(ChangeAll)
			w.Listening(true)
		case pq.ListenerEventDisconnected:
			w.Listening(false)
			log.Warn("change announcements lost; caches are off until the connection is back", "err", err)
		case pq.ListenerEventConnectionAttemptFailed:
			w.Listening(false)
		}
	})
	stop := context.AfterFunc(ctx, func() { _ = l.Close() })
	defer stop()
	defer l.Close()
	// Listen returns once the first connection listens; what was kept before
	// then is dropped
	if err := l.Listen(changesChannel); err != nil {
		if ctx.Err() == nil {
			log.Error("listen for changes; caches stay off", "err", err)
		}
		return
	}
	w.Changed(ChangeAll)
	w.Listening(true)
	// pq.Listener pings only when asked: a connection that died silently is
	// noticed (and the Disconnected event turns the caches off) by a ping
	ping := time.NewTicker(10 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			w.Listening(false)
			return
		case n := <-l.Notify:
			if n == nil { // the connection was re-established: the event callback said so
				continue
			}
			w.Changed(Change(n.Extra))
		case <-ping.C:
			_ = l.Ping()
		}
	}
}
