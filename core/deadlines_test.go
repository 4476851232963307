package core_test

import (
	"testing"
	"time"

	"hotline/core"
)

// The due-check rules exist twice: the sweep finds due checks in SQL
// (repo.DueDeadlines) and RunDeadlineCheck decides in Go whether a check is
// due. TestDueChecksAgree runs the same cases through both against a real
// database: a check the sweep finds is one RunDeadlineCheck performs, and a
// check it does not find is one RunDeadlineCheck leaves alone.
func TestDueChecksAgree(t *testing.T) {
	const minute, window = time.Minute, 72 * time.Hour
	f := newFixture(t, func(s *core.Settings) { s.RatingWindow = window })
	// times of an item's deadlines, read from the database
	type times struct{ remind, due, acceptDue, replied time.Time }
	read := func(t *testing.T, id int64) times {
		t.Helper()
		q := f.store.Q()
		it, err := q.GetItem(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		as, err := q.ItemAssignments(f.ctx, id)
		if err != nil || len(as) == 0 || as[0].AcceptDueAt == nil || it.RemindAt == nil || it.DueAt == nil {
			t.Fatalf("item %d has no deadlines (assignments %v, err %v)", id, as, err)
		}
		var tm times
		tm.remind, tm.due, tm.acceptDue = *it.RemindAt, *it.DueAt, *as[0].AcceptDueAt
		if it.RepliedAt != nil {
			tm.replied = *it.RepliedAt
		}
		return tm
	}
	// run performs a check at a time, as a task would
	run := func(t *testing.T, id int64, check core.DeadlineCheck, at time.Time) bool {
		t.Helper()
		f.core.SetClock(func() time.Time { return at })
		changed, err := f.core.RunDeadlineCheck(f.ctx, id, check)
		if err != nil {
			t.Fatalf("%s of item %d: %v", check, id, err)
		}
		return changed
	}
	dispatched := func(t *testing.T) int64 { return f.dispatchedItem(t) }
	accepted := func(t *testing.T) int64 { id := f.dispatchedItem(t); f.accept(t, id); return id }
	answered := func(t *testing.T) int64 { return f.answered(t) }

	for _, c := range []struct {
		name  string
		item  func(*testing.T) int64
		check core.DeadlineCheck
		// before runs earlier checks, as tasks would have
		before func(t *testing.T, id int64, tm times)
		at     func(tm times) time.Time
		want   bool
	}{
		{"remind before its time", dispatched, core.CheckRemind, nil,
			func(tm times) time.Time { return tm.remind.Add(-minute) }, false},
		{"remind at its time", dispatched, core.CheckRemind, nil,
			func(tm times) time.Time { return tm.remind }, true},
		{"remind of a signed-for item", accepted, core.CheckRemind, nil,
			func(tm times) time.Time { return tm.remind.Add(minute) }, true},
		{"remind twice", dispatched, core.CheckRemind,
			func(t *testing.T, id int64, tm times) { run(t, id, core.CheckRemind, tm.remind) },
			func(tm times) time.Time { return tm.remind.Add(minute) }, false},
		{"remind of an overdue item", dispatched, core.CheckRemind,
			func(t *testing.T, id int64, tm times) { run(t, id, core.CheckOverdue, tm.due) },
			func(tm times) time.Time { return tm.due.Add(minute) }, false},
		{"remind of an answered item", answered, core.CheckRemind, nil,
			func(tm times) time.Time { return tm.remind.Add(minute) }, false},

		{"overdue before the due time", dispatched, core.CheckOverdue, nil,
			func(tm times) time.Time { return tm.due.Add(-minute) }, false},
		{"overdue at the due time", dispatched, core.CheckOverdue, nil,
			func(tm times) time.Time { return tm.due }, true},
		{"overdue of a signed-for item", accepted, core.CheckOverdue, nil,
			func(tm times) time.Time { return tm.due.Add(minute) }, true},
		{"overdue twice", dispatched, core.CheckOverdue,
			func(t *testing.T, id int64, tm times) { run(t, id, core.CheckOverdue, tm.due) },
			func(tm times) time.Time { return tm.due.Add(minute) }, false},
		{"overdue of an answered item", answered, core.CheckOverdue, nil,
			func(tm times) time.Time { return tm.due.Add(minute) }, false},

		{"accept overdue before the sign-for time", dispatched, core.CheckAcceptOverdue, nil,
			func(tm times) time.Time { return tm.acceptDue.Add(-minute) }, false},
		{"accept overdue at the sign-for time", dispatched, core.CheckAcceptOverdue, nil,
			func(tm times) time.Time { return tm.acceptDue }, true},
		{"accept overdue twice", dispatched, core.CheckAcceptOverdue,
			func(t *testing.T, id int64, tm times) { run(t, id, core.CheckAcceptOverdue, tm.acceptDue) },
			func(tm times) time.Time { return tm.acceptDue.Add(minute) }, false},
		{"accept overdue of a signed-for item", accepted, core.CheckAcceptOverdue, nil,
			func(tm times) time.Time { return tm.acceptDue.Add(minute) }, false},

		{"close before the rating window ends", answered, core.CheckClose, nil,
			func(tm times) time.Time { return tm.replied.Add(window - minute) }, false},
		{"close when the rating window ends", answered, core.CheckClose, nil,
			func(tm times) time.Time { return tm.replied.Add(window) }, true},
		{"close twice", answered, core.CheckClose,
			func(t *testing.T, id int64, tm times) { run(t, id, core.CheckClose, tm.replied.Add(window)) },
			func(tm times) time.Time { return tm.replied.Add(window + minute) }, false},
		{"close of an item in work", accepted, core.CheckClose, nil,
			func(tm times) time.Time { return tm.due.Add(window) }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			id := c.item(t)
			tm := read(t, id)
			if c.before != nil {
				c.before(t, id, tm)
			}
			at := c.at(tm)
			found := sweepFinds(t, f, id, c.check, at, window)
			performed := run(t, id, c.check, at)
			if found != c.want || performed != c.want {
				t.Errorf("at %v: the sweep finds it %v, RunDeadlineCheck performs it %v; want %v",
					at, found, performed, c.want)
			}
		})
	}
}

// sweepFinds reports whether the sweep's query, run at a time, finds a check
// of an item due.
func sweepFinds(t *testing.T, f *fixture, id int64, check core.DeadlineCheck, at time.Time, window time.Duration) bool {
	t.Helper()
	due, err := f.store.Q().DueDeadlines(f.ctx, at, at.Add(-window), 10000)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range due {
		if d.ItemID == id && d.Check == string(check) {
			return true
		}
	}
	return false
}
