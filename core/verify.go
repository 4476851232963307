package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// VerifyReport is the outcome of recomputing the statistics from raw rows.
type VerifyReport struct {
	Items          int64
	PendingChanges int64
	FactMismatches int64
	FactExamples   []string
	CubeMismatches int64
	CubeExamples   []string
	Took           time.Duration
}

// OK reports whether the roll-ups equal the recount.
func (r VerifyReport) OK() bool { return r.FactMismatches == 0 && r.CubeMismatches == 0 }

func (r VerifyReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "items: %d\npending changes (not yet rolled up): %d\n", r.Items, r.PendingChanges)
	fmt.Fprintf(&b, "item facts differing from a recount: %d\n", r.FactMismatches)
	for _, e := range r.FactExamples {
		fmt.Fprintf(&b, "  %s\n", e)
	}
	fmt.Fprintf(&b, "roll-up rows differing from the sum of facts: %d\n", r.CubeMismatches)
	for _, e := range r.CubeExamples {
		fmt.Fprintf(&b, "  %s\n", e)
	}
	verdict := "OK: the statistics equal a recount from raw rows"
	if !r.OK() {
		verdict = "DIFFERENCES FOUND"
	}
	fmt.Fprintf(&b, "%s (%s)\n", verdict, r.Took.Round(time.Millisecond))
	return b.String()
}

// VerifyStats recomputes every item's contribution from the raw tables with
// the domain formulas and compares it with item_facts, then recomputes every
// roll-up from item_facts and compares it with stats_cube and stats_cum. With drain, the
// changes still waiting are rolled up first, so that a quiet system must
// verify clean.
func (c *Core) VerifyStats(ctx context.Context, drain bool) (VerifyReport, error) {
	start := time.Now()
	var rep VerifyReport
	if drain {
		if _, err := c.drainStats(ctx); err != nil {
			return rep, err
		}
	}
	pending, err := c.store.Q().CountDirty(ctx)
	if err != nil {
		return rep, err
	}
	rep.PendingChanges = pending
	facts := make(chan repo.FactRow, 4096)
	ferr := make(chan error, 1)
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(facts)
		ferr <- c.store.StreamFacts(fctx, func(f repo.FactRow) error {
			select {
			case facts <- f:
				return nil
			case <-fctx.Done():
				return fctx.Err()
			}
		})
	}()
	next, more := <-facts
	note := func(format string, args ...any) {
		rep.FactMismatches++
		if len(rep.FactExamples) < 20 {
			rep.FactExamples = append(rep.FactExamples, fmt.Sprintf(format, args...))
		}
	}
	err = c.store.StreamOutcomes(ctx, func(o repo.OutcomeRow) error {
		rep.Items++
		for more && next.ItemID < o.ItemID {
			note("item %d has a fact but no longer exists", next.ItemID)
			next, more = <-facts
		}
		want := repo.FactRow{ItemID: o.ItemID, Key: o.Key(c.set.Location), Counts: domain.Count(o.Outcome())}
		switch {
		case !more || next.ItemID != o.ItemID:
			note("item %d: no fact stored, recount %+v", o.ItemID, want.Counts)
		case next.Key != want.Key || next.Counts != want.Counts:
			note("item %d: stored %v %+v, recount %v %+v", o.ItemID, next.Key, next.Counts, want.Key, want.Counts)
			next, more = <-facts
		default:
			next, more = <-facts
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("recount items: %w", err)
	}
	for more {
		note("item %d has a fact but no longer exists", next.ItemID)
		next, more = <-facts
	}
	cancel()
	if err := <-ferr; err != nil && !errors.Is(err, context.Canceled) {
		return rep, err
	}
	for _, cube := range repo.AllCubes() {
		diffs, n, err := c.store.Q().CompareCube(ctx, cube, 5)
		if err != nil {
			return rep, err
		}
		rep.CubeMismatches += n
		for _, d := range diffs {
			if len(rep.CubeExamples) < 20 {
				rep.CubeExamples = append(rep.CubeExamples, fmt.Sprintf("cube %d %s %s/%s/%s/%s: stored %+v, sum of facts %+v",
					cube.ID, d.Key.Period.Format("2006-01-02"), d.Key.Unit, d.Key.Channel, d.Key.Kind, d.Key.Category, d.Stored, d.Expected))
			}
		}
	}
	rep.Took = time.Since(start)
	return rep, nil
}

// drainStats rolls up until no change is waiting (or a minute passed).
func (c *Core) drainStats(ctx context.Context) (int, error) {
	total := 0
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		n, err := c.RollupStats(ctx)
		total += n
		if err != nil {
			return total, err
		}
		pending, err := c.store.Q().CountDirty(ctx)
		if err != nil || pending == 0 {
			return total, err
		}
		time.Sleep(50 * time.Millisecond) // another process holds the roll-up lock
	}
	return total, nil
}

// RebuildStats recomputes every item's contribution and every roll-up from
// scratch, holding the roll-up lock so that the worker's incremental roll-up
// waits. It returns how many items it counted.
func (c *Core) RebuildStats(ctx context.Context) (int64, error) {
	var n int64
	ran, err := c.store.WithLock(ctx, "stats_rollup", func(ctx context.Context) error {
		if err := c.store.Q().ClearStats(ctx); err != nil {
			return err
		}
		batch := make([]repo.FactRow, 0, 5000)
		flush := func() error {
			err := c.store.Q().SaveFacts(ctx, batch)
			batch = batch[:0]
			return err
		}
		err := c.store.StreamOutcomes(ctx, func(o repo.OutcomeRow) error {
			n++
			batch = append(batch, repo.FactRow{ItemID: o.ItemID, Key: o.Key(c.set.Location), Counts: domain.Count(o.Outcome())})
			if len(batch) == cap(batch) {
				return flush()
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		if err := c.store.Q().RebuildCubes(ctx); err != nil {
			return err
		}
		// the planner's statistics of the refilled tables, which the
		// cumulative reads' plans depend on
		return c.store.Q().AnalyzeStats(ctx)
	})
	if err == nil && !ran {
		err = errors.New("a statistics roll-up is running; try again")
	}
	return n, err
}
