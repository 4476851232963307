package repo_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"hotline/repo"
)

// call is a new received call with a tracking code of its own.
func call(n int, received time.Time) repo.Item {
	return repo.Item{TrackingCode: fmt.Sprintf("G%07d", n), Channel: "hotline", Kind: "complaint", Title: "出租车拒载",
		Content: fmt.Sprintf("第%d个来电", n), Status: "received", ReceivedAt: received, CitizenPhone: "13800138000",
		SecretHash: []byte{byte(n), 0, 0xff}}
}

func created(at time.Time) repo.Event {
	return repo.Event{At: at, Actor: "operator", Action: "created", ToStatus: ptr("received")}
}

// TestInsertItemGrouped: items arriving at once are stored by shared
// statements, each exactly once with its created event and statistics mark,
// and each caller gets its own item back.
func TestInsertItemGrouped(t *testing.T) {
	s := newStore(t)
	const n = 200
	now := time.Now().Truncate(time.Microsecond)
	got := make([]repo.Item, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i], errs[i] = s.InsertItemGrouped(s.ctx, call(i, now), created(now)) })
	}
	wg.Wait()
	ids := map[int64]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("item %d: %v", i, errs[i])
		}
		want := call(i, now)
		if got[i].ID == 0 || ids[got[i].ID] || got[i].TrackingCode != want.TrackingCode || got[i].Content != want.Content ||
			string(got[i].SecretHash) != string(want.SecretHash) || !got[i].ReceivedAt.Equal(now) {
			t.Fatalf("item %d came back as %+v", i, got[i])
		}
		ids[got[i].ID] = true
	}
	var counts struct {
		Items  int `db:"items"`
		Events int `db:"events"`
		Marks  int `db:"marks"`
		Single int `db:"single"`
	}
	if err := s.DB().GetContext(s.ctx, &counts, `SELECT (SELECT count(*) FROM items) AS items,
			(SELECT count(*) FROM events WHERE action = 'created' AND actor = 'operator' AND to_status = 'received') AS events,
			(SELECT count(DISTINCT item_id) FROM stats_dirty) AS marks,
			(SELECT count(*) FROM (SELECT item_id FROM events GROUP BY item_id HAVING count(*) = 1) x) AS single`); err != nil {
		t.Fatal(err)
	}
	if counts.Items != n || counts.Events != n || counts.Marks != n || counts.Single != n {
		t.Fatalf("stored %+v, want %d of each", counts, n)
	}
}

// TestInsertItemGroupedLeavesOut: an item its group cannot take is left for
// the caller to store alone, and the others of its group are stored.
func TestInsertItemGroupedLeavesOut(t *testing.T) {
	s := newStore(t)
	now := time.Now()
	if _, err := s.InsertItemGrouped(s.ctx, call(1, now), created(now)); err != nil {
		t.Fatal(err)
	}
	t.Run("a tracking code taken", func(t *testing.T) {
		if _, err := s.InsertItemGrouped(s.ctx, call(1, now), created(now)); !errors.Is(err, repo.ErrNotGrouped) {
			t.Fatalf("a taken code: %v, want ErrNotGrouped", err)
		}
	})
	t.Run("an upstream id or idempotency key", func(t *testing.T) {
		it := call(2, now)
		it.SourceRef = ptr("post-1")
		if _, err := s.InsertItemGrouped(s.ctx, it, created(now)); !errors.Is(err, repo.ErrNotGrouped) {
			t.Fatalf("an upstream id: %v, want ErrNotGrouped", err)
		}
		ctx := repo.WithIdemClaim(s.ctx, &repo.IdemClaim{Scope: "user:1", Key: "k1"})
		if _, err := s.InsertItemGrouped(ctx, call(3, now), created(now)); !errors.Is(err, repo.ErrNotGrouped) {
			t.Fatalf("an idempotency key: %v, want ErrNotGrouped", err)
		}
	})
	t.Run("a missing reference", func(t *testing.T) {
		it := call(4, now)
		it.CategoryCode = ptr("NO-SUCH")
		if _, err := s.InsertItemGrouped(s.ctx, it, created(now)); !errors.Is(err, repo.ErrNotGrouped) {
			t.Fatalf("a missing category: %v, want ErrNotGrouped", err)
		}
		// alone, the item is refused by name
		if _, err := s.Q().InsertItemWithEvent(s.ctx, it, created(now)); !errors.Is(err, repo.ErrMissingReference) {
			t.Fatalf("stored alone: %v, want ErrMissingReference", err)
		}
	})
	t.Run("a request that ended", func(t *testing.T) {
		ctx, cancel := context.WithCancel(s.ctx)
		cancel()
		if _, err := s.InsertItemGrouped(ctx, call(5, now), created(now)); err == nil {
			t.Fatal("stored for a request that had ended")
		}
	})
	var items int
	if err := s.DB().GetContext(s.ctx, &items, `SELECT count(*) FROM items`); err != nil {
		t.Fatal(err)
	}
	if items != 1 {
		t.Fatalf("%d items stored, want only the first", items)
	}
}

// TestSetBasedWritesEqualTheirSingleForms: SaveItems, AppendEvents,
// InsertAssignments and NotifyUnits write what SaveItem, AppendEvent,
// InsertAssignment and UnitUserIDs+Notify write, row for row.
func TestSetBasedWritesEqualTheirSingleForms(t *testing.T) {
	s := newStore(t)
	s.units(t, "U1", "U2")
	if _, err := s.DB().ExecContext(s.ctx, `INSERT INTO users (username, password_hash, role, unit_code) VALUES
			('staff1', 'x', 'unit_staff', 'U1'), ('head1', 'x', 'unit_head', 'U1'), ('staff2', 'x', 'unit_staff', 'U2'),
			('gone', 'x', 'unit_staff', 'U1')`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(s.ctx, `UPDATE users SET active = false WHERE username = 'gone'`); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Truncate(time.Microsecond)
	change := func(it *repo.Item) {
		it.Status, it.PrimaryUnitCode, it.CoUnitCodes = "dispatched", ptr("U1"), []string{"U2"}
		it.DispatchedAt, it.DueAt, it.AcceptDueAt, it.RemindAt = &at, ptr(at.Add(72*time.Hour)), ptr(at.Add(time.Hour)), ptr(at.Add(48*time.Hour))
		it.HandleSeconds, it.CitizenName = ptr(int64(7)), "张三"
	}
	single, batched := s.item(t, nil), s.item(t, nil)
	change(&single)
	change(&batched)
	q := s.Q()
	if err := q.SaveItem(s.ctx, single); err != nil {
		t.Fatal(err)
	}
	if err := q.SaveItems(s.ctx, []repo.Item{batched}); err != nil {
		t.Fatal(err)
	}
	e := func(id int64) repo.Event {
		return repo.Event{ItemID: id, At: at, Actor: "system", Action: "routed", FromStatus: ptr("received"),
			ToStatus: ptr("dispatched"), Note: "按分派规则#1分派", UnitCode: nil}
	}
	a := func(id int64, unit, role string) repo.Assignment {
		return repo.Assignment{ItemID: id, UnitCode: unit, Role: role, Status: "assigned", AssignedAt: at, AcceptDueAt: ptr(at.Add(time.Hour))}
	}
	if err := q.AppendEvent(s.ctx, e(single.ID)); err != nil {
		t.Fatal(err)
	}
	if err := q.AppendEvents(s.ctx, []repo.Event{e(batched.ID)}); err != nil {
		t.Fatal(err)
	}
	for _, as := range []repo.Assignment{a(single.ID, "U1", "primary"), a(single.ID, "U2", "co")} {
		if _, err := q.InsertAssignment(s.ctx, as); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.InsertAssignments(s.ctx, []repo.Assignment{a(batched.ID, "U1", "primary"), a(batched.ID, "U2", "co")}); err != nil {
		t.Fatal(err)
	}
	for _, unit := range []string{"U1", "U2"} {
		ids, err := q.UnitUserIDs(s.ctx, unit, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Notify(s.ctx, ids, &single.ID, "assigned", "新交办件"); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.NotifyUnits(s.ctx, []repo.UnitNotice{{UnitCode: "U1", ItemID: batched.ID, Type: "assigned", Message: "新交办件"},
		{UnitCode: "U2", ItemID: batched.ID, Type: "assigned", Message: "新交办件"}}); err != nil {
		t.Fatal(err)
	}
	// everything written about each item, with the item's own id left out
	view := func(id int64) string {
		var out string
		if err := s.DB().GetContext(s.ctx, &out, `SELECT concat_ws(' | ',
				(SELECT concat_ws(',', status, primary_unit_code, co_unit_codes, dispatched_at, due_at, accept_due_at,
					remind_at, handle_seconds, citizen_name, overdue) FROM items WHERE id = $1),
				(SELECT string_agg(concat_ws(',', at, actor, action, from_status, to_status, note, unit_code), ';' ORDER BY id)
					FROM events WHERE item_id = $1 AND action <> 'created'),
				(SELECT string_agg(concat_ws(',', unit_code, role, status, assigned_at, accept_due_at), ';' ORDER BY id)
					FROM assignments WHERE item_id = $1),
				(SELECT string_agg(concat_ws(',', u.username, n.type, n.message), ';' ORDER BY u.username)
					FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.item_id = $1),
				(SELECT count(*) FROM stats_dirty WHERE item_id = $1))`, id); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if a, b := view(single.ID), view(batched.ID); a != b {
		t.Fatalf("single writes:\n%s\nset-based writes:\n%s", a, b)
	}
	if v := view(batched.ID); !strings.Contains(v, "head1,assigned") || !strings.Contains(v, "staff2,assigned") || strings.Contains(v, "gone") {
		t.Fatalf("notices went to the wrong users: %s", v)
	}
}

// TestClaimReceived: routers claim disjoint sets of the received items they
// name, oldest first, never an item in another status nor one not named.
func TestClaimReceived(t *testing.T) {
	s := newStore(t)
	for i := range 5 {
		s.item(t, func(it *repo.Item) {
			if i == 2 {
				it.Status = "pending_dispatch"
			}
		})
	}
	var first, second []repo.Item
	err := s.Tx(s.ctx, func(q1 *repo.Q) error {
		var err error
		if first, err = q1.ClaimReceived(s.ctx, []int64{2, 1, 99}); err != nil {
			return err
		}
		return s.Tx(s.ctx, func(q2 *repo.Q) error {
			second, err = q2.ClaimReceived(s.ctx, []int64{1, 2, 3, 5})
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(items []repo.Item) []int64 {
		var out []int64
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}
	if fmt.Sprint(ids(first)) != "[1 2]" || fmt.Sprint(ids(second)) != "[5]" {
		t.Fatalf("claimed %v and %v, want [1 2] and [5]", ids(first), ids(second))
	}

	// a row being inserted that refers to item 4 (its key-share lock held
	// by an open transaction) does not make a router skip it
	other, err := s.DB().BeginTxx(s.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Rollback() }()
	if _, err := other.ExecContext(s.ctx, `INSERT INTO events (item_id, actor, action) VALUES (4, 'test', 'noted')`); err != nil {
		t.Fatal(err)
	}
	var third []repo.Item
	if err := s.Tx(s.ctx, func(q *repo.Q) error {
		third, err = q.ClaimReceived(s.ctx, []int64{4})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids(third)) != "[4]" {
		t.Fatalf("with an event being added to item 4, claimed %v", ids(third))
	}
}
