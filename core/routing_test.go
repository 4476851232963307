package core_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"hotline/core"
)

// TestRouteItemsRoutesEachItemOnce: routers running at once, each told to
// route the whole burst (larger than one batch), route every item exactly once — to the rule's units with
// their assignments, notices and deadline checks, or to pending_dispatch —
// and an item routed alone (RouteItem) ends up written the same way.
func TestRouteItemsRoutesEachItemOnce(t *testing.T) {
	f := newFixture(t)
	name := "二号单位"
	if _, err := f.core.CreateUnit(f.ctx, core.UnitInput{Code: "U2", Name: &name}); err != nil {
		t.Fatal(err)
	}
	prio, primary := 10, "U1"
	if _, err := f.core.CreateRule(f.ctx, core.RuleInput{Priority: &prio, Keywords: &[]string{"路灯"},
		PrimaryUnitCode: &primary, CoUnitCodes: &[]string{"U2"}}); err != nil {
		t.Fatal(err)
	}
	const burst = 450 // more than two batches
	var matched, unmatched []int64
	for i := range burst {
		content := "小区门口路灯坏了"
		if i%3 == 0 {
			content = "噪音扰民" // no rule
		}
		it, err := f.core.CreateCall(f.ctx, f.operator, core.CallInput{CallerPhone: "13812345678", Kind: "complaint",
			Content: fmt.Sprintf("%s(%d)", content, i)})
		if err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			unmatched = append(unmatched, it.ID)
		} else {
			matched = append(matched, it.ID)
		}
	}
	var wg sync.WaitGroup
	routed := make([]int, 3)
	for r := range routed {
		wg.Go(func() {
			// each in its own order: the claims still never overlap
			ids := slices.Concat(matched, unmatched)
			if r == 1 {
				slices.Reverse(ids)
			}
			n, err := f.core.RouteItems(f.ctx, ids, true)
			if err != nil {
				t.Errorf("router %d: %v", r, err)
			}
			routed[r] = n
		})
	}
	wg.Wait()
	if total := routed[0] + routed[1] + routed[2]; total != burst {
		t.Fatalf("routers claimed %v items, %d in all; want %d", routed, total, burst)
	}
	lone := f.call(t, "13912345678") // 路灯: matches the rule
	if ok, err := f.core.RouteItem(f.ctx, lone); err != nil || !ok {
		t.Fatalf("route one item: %v, %v", ok, err)
	}
	if ok, err := f.core.RouteItem(f.ctx, lone); err != nil || ok {
		t.Fatalf("an item routed twice: %v, %v", ok, err)
	}
	var counts struct {
		RouteEvents     int `db:"route_events"`
		Unmatched       int `db:"unmatched"`
		Dispatched      int `db:"dispatched"`
		Pending         int `db:"pending"`
		Assignments     int `db:"assignments"`
		Notices         int `db:"notices"`
		OnceEach        int `db:"once_each"`
		WithDeadlines   int `db:"with_deadlines"`
		StatisticsMarks int `db:"marks"`
	}
	err := f.store.DB().GetContext(f.ctx, &counts, `SELECT
			(SELECT count(*) FROM events WHERE action = 'routed' AND to_status = 'dispatched') AS route_events,
			(SELECT count(*) FROM events WHERE action = 'routed' AND to_status = 'pending_dispatch') AS unmatched,
			(SELECT count(*) FROM items WHERE status = 'dispatched' AND primary_unit_code = 'U1' AND co_unit_codes = '{U2}') AS dispatched,
			(SELECT count(*) FROM items WHERE status = 'pending_dispatch' AND primary_unit_code IS NULL) AS pending,
			(SELECT count(*) FROM assignments WHERE status = 'assigned') AS assignments,
			(SELECT count(*) FROM notifications WHERE type = 'assigned') AS notices,
			(SELECT count(*) FROM (SELECT item_id FROM events WHERE action = 'routed'
				GROUP BY item_id HAVING count(*) = 1) x) AS once_each,
			(SELECT count(*) FROM items WHERE status = 'dispatched' AND due_at > dispatched_at
				AND accept_due_at > dispatched_at AND remind_at < due_at) AS with_deadlines,
			(SELECT count(DISTINCT item_id) FROM stats_dirty) AS marks`)
	if err != nil {
		t.Fatal(err)
	}
	want := len(matched) + 1
	// U1 has a staff member and a head; U2 nobody
	if counts.RouteEvents != want || counts.Unmatched != len(unmatched) || counts.Dispatched != want ||
		counts.Pending != len(unmatched) || counts.Assignments != 2*want || counts.Notices != 2*want ||
		counts.OnceEach != burst+1 || counts.WithDeadlines != want || counts.StatisticsMarks != burst+1 {
		t.Fatalf("after routing %d matching and %d other items: %+v", want, len(unmatched), counts)
	}
	f.tasks.mu.Lock()
	scheduled := len(f.tasks.scheduled)
	f.tasks.mu.Unlock()
	if scheduled != want {
		t.Fatalf("deadline checks scheduled for %d items, want %d", scheduled, want)
	}
	// a batch-routed item reads like the one routed alone
	batched, single := f.item(t, matched[0]), f.item(t, lone)
	if batched.Status != single.Status || *batched.PrimaryUnitCode != *single.PrimaryUnitCode ||
		fmt.Sprint(batched.CoUnitCodes) != fmt.Sprint(single.CoUnitCodes) || len(batched.Events) != len(single.Events) ||
		batched.Events[1].Note != single.Events[1].Note || len(batched.Assignments) != len(single.Assignments) {
		t.Fatalf("routed in a batch:\n%+v\nrouted alone:\n%+v", batched, single)
	}
}

// TestRouteItemsTakesTheItemsStoredAfterIt: a routing task with room left
// also routes the items stored after its own, whose tasks are still on their
// way, and never an earlier one: those have tasks of their own.
func TestRouteItemsTakesTheItemsStoredAfterIt(t *testing.T) {
	f := newFixture(t)
	ids := make([]int64, 4)
	for i := range ids {
		ids[i] = f.call(t, fmt.Sprintf("1391234567%d", i))
	}
	n, err := f.core.RouteItems(f.ctx, []int64{ids[1]}, true)
	if err != nil || n != 3 {
		t.Fatalf("a task naming item %d routed %d items (%v); want it and the two after it", ids[1], n, err)
	}
	for i, id := range ids {
		// no rule matches: routed means pending_dispatch
		want := "pending_dispatch"
		if i == 0 {
			want = "received"
		}
		if got := f.item(t, id).Status; got != want {
			t.Errorf("item %d (%d of 4): %s, want %s", id, i+1, got, want)
		}
	}
	// the later items' own tasks find nothing left to do
	if n, err := f.core.RouteItems(f.ctx, ids[2:], true); err != nil || n != 0 {
		t.Fatalf("the later items' own task routed %d (%v)", n, err)
	}
}

// TestRouteItemRoutesOnlyItsItem: routing one item by hand leaves the items
// stored after it to their own tasks, and reports whether that item was
// routed.
func TestRouteItemRoutesOnlyItsItem(t *testing.T) {
	f := newFixture(t)
	first, second := f.call(t, "13912345670"), f.call(t, "13912345671")
	if ok, err := f.core.RouteItem(f.ctx, first); err != nil || !ok {
		t.Fatalf("route item %d: %v, %v", first, ok, err)
	}
	if got := f.item(t, second).Status; got != "received" {
		t.Fatalf("the item after it was routed too: %s", got)
	}
	if ok, err := f.core.RouteItem(f.ctx, first); err != nil || ok {
		t.Fatalf("item %d routed again: %v, %v", first, ok, err)
	}
}
