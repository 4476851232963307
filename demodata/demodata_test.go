package demodata

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math"
	"testing"
	"time"

	"hotline/core"
	"hotline/domain"
	"hotline/repo"
	"hotline/testenv"
)

// noTasks satisfies core.Tasks; verifying without draining never queues
// anything (a call would panic on the nil interface).
type noTasks struct{ core.Tasks }

func shanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func openStore(t testing.TB) *repo.Store {
	t.Helper()
	store, err := repo.Open(context.Background(), testenv.Database(t), 8)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

func run(t testing.TB, store *repo.Store, opt Options) Summary {
	t.Helper()
	sum, err := Run(context.Background(), store, opt, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("demo data: %v", err)
	}
	return sum
}

func count(t testing.TB, db *sql.DB, query string, args ...any) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n.Int64
}

func share(t testing.TB, db *sql.DB, query string, args ...any) float64 {
	t.Helper()
	var f sql.NullFloat64
	if err := db.QueryRow(query, args...).Scan(&f); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return f.Float64
}

func verify(t testing.TB, store *repo.Store, loc *time.Location, items int64) {
	t.Helper()
	c := core.New(store, noTasks{}, core.Settings{Location: loc}, slog.New(slog.DiscardHandler))
	rep, err := c.VerifyStats(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Items != items {
		t.Fatalf("verify after the demo load (want %d items):\n%s", items, rep)
	}
}

func digest(t testing.TB, db *sql.DB, table, order string) string {
	t.Helper()
	var s string
	if err := db.QueryRow(`SELECT md5(string_agg(t::text, E'\n' ORDER BY ` + order + `)) FROM ` + table + ` t`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDemoData(t *testing.T) {
	const n = 20000
	ctx := context.Background()
	loc := shanghai(t)
	store := openStore(t)
	db := store.DB().DB
	now := time.Date(2026, 6, 15, 10, 30, 0, 0, loc)
	opt := Options{Items: n, Years: 3, Seed: 42, Units: 200, Conns: 4, Reset: true, Now: now, Location: loc, ChunkSize: 1500}
	sum := run(t, store, opt)
	if sum.FirstID != 1 || sum.LastID != n || sum.UnitsCreated != 200 || sum.CategoriesAdded != 15 || sum.OperatorPassword == "" {
		t.Fatalf("summary: %+v", sum)
	}
	t.Logf("\n%s", sum)

	t.Run("row counts", func(t *testing.T) {
		for _, table := range tableNames() {
			if got := count(t, db, `SELECT count(*) FROM `+table); got != sum.Rows[table] {
				t.Errorf("%s: %d rows, the summary says %d", table, got, sum.Rows[table])
			}
		}
		if sum.Rows["items"] != n || sum.Rows["item_facts"] != n {
			t.Errorf("items %d, facts %d", sum.Rows["items"], sum.Rows["item_facts"])
		}
		if got := count(t, db, `SELECT count(*) FROM units`); got != 200 {
			t.Errorf("%d units", got)
		}
		if got := count(t, db, `SELECT count(*) FROM units WHERE parent_code IS NULL`); got != 1 {
			t.Errorf("%d root units", got)
		}
		if got := count(t, db, `SELECT count(*) FROM stats_dirty`); got != 0 {
			t.Errorf("%d stats_dirty rows", got)
		}
		if got := count(t, db, `SELECT last_value FROM items_id_seq`); got < n {
			t.Errorf("items_id_seq at %d", got)
		}
		if got := count(t, db, `SELECT count(*) FROM pg_indexes WHERE tablename IN ('items', 'events', 'assignments', 'ratings', 'replies')`); got < 25 {
			t.Errorf("only %d indexes after the load", got)
		}
	})

	t.Run("timelines", func(t *testing.T) {
		var badFirst, badChain, backwards int64
		err := db.QueryRow(`WITH e AS (SELECT item_id, id, action, from_status, to_status, at,
				lag(to_status) OVER w AS prev, lag(at) OVER w AS prev_at, row_number() OVER w AS n
			FROM events WINDOW w AS (PARTITION BY item_id ORDER BY id))
			SELECT count(*) FILTER (WHERE n = 1 AND (action <> 'created' OR from_status IS NOT NULL)),
				count(*) FILTER (WHERE n > 1 AND from_status IS DISTINCT FROM prev),
				count(*) FILTER (WHERE n > 1 AND at < prev_at) FROM e`).Scan(&badFirst, &badChain, &backwards)
		if err != nil {
			t.Fatal(err)
		}
		if badFirst+badChain+backwards != 0 {
			t.Errorf("timelines: %d not starting with created, %d broken chains, %d going back in time", badFirst, badChain, backwards)
		}
		if got := count(t, db, `SELECT count(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.item_id = i.id)`); got != 0 {
			t.Errorf("%d items without events", got)
		}
		if got := count(t, db, `SELECT count(*) FROM items i, LATERAL (SELECT to_status FROM events WHERE item_id = i.id
				ORDER BY id DESC LIMIT 1) l WHERE l.to_status <> i.status`); got != 0 {
			t.Errorf("%d items whose status is not their last event's", got)
		}
		if got := count(t, db, `SELECT count(*) FROM items i WHERE updated_at <> (SELECT max(at) FROM events WHERE item_id = i.id)`); got != 0 {
			t.Errorf("%d items updated at another time than their last event", got)
		}
		if got := count(t, db, `SELECT count(*) FROM events WHERE at > $1`, now); got != 0 {
			t.Errorf("%d events in the future", got)
		}
		// every status change and every note must be allowed by the state machine
		rows, err := db.Query(`SELECT DISTINCT action, from_status, to_status FROM events WHERE from_status IS NOT NULL`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var action, from, to string
			if err := rows.Scan(&action, &from, &to); err != nil {
				t.Fatal(err)
			}
			// core.Merge notes the merge on the surviving item without
			// changing its status, whatever that is
			ok := action == domain.ActMerge.Event() && from == to
			for _, a := range domain.Actions() {
				if a.Event() != action {
					continue
				}
				if next, err := domain.Next(domain.Status(from), a); err == nil && string(next) == to {
					ok = true
				}
			}
			if !ok {
				t.Errorf("event %s from %s to %s is not a transition of the state machine", action, from, to)
			}
		}
	})

	t.Run("assignments and replies", func(t *testing.T) {
		if got := count(t, db, `SELECT count(*) FROM items i WHERE dispatched_at IS NOT NULL AND (SELECT count(*)
				FROM assignments a WHERE a.item_id = i.id AND a.role = 'primary' AND a.status NOT IN ('returned', 'withdrawn')
				AND a.unit_code = i.primary_unit_code) <> 1`); got != 0 {
			t.Errorf("%d dispatched items without exactly one live primary assignment", got)
		}
		if got := count(t, db, `SELECT count(*) FROM items i WHERE dispatched_at IS NULL AND (primary_unit_code IS NOT NULL
				OR EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id))`); got != 0 {
			t.Errorf("%d undispatched items with units", got)
		}
		if got := count(t, db, `SELECT count(*) FROM items i WHERE co_unit_codes <> coalesce((SELECT array_agg(unit_code ORDER BY id)
				FROM assignments a WHERE a.item_id = i.id AND a.role = 'co'), '{}')`); got != 0 {
			t.Errorf("%d items whose co-handling units differ from their assignments", got)
		}
		want := map[string]string{"dispatched": "assigned", "accepted": "accepted", "replied": "replied", "closed": "replied"}
		rows, err := db.Query(`SELECT i.status, a.status, count(*) FROM items i JOIN assignments a ON a.item_id = i.id
			AND a.role = 'primary' GROUP BY 1, 2`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var is, as string
			var c int64
			if err := rows.Scan(&is, &as, &c); err != nil {
				t.Fatal(err)
			}
			if want[is] != as {
				t.Errorf("%d items %s with their primary assignment %s", c, is, as)
			}
		}
		if got := count(t, db, `SELECT count(*) FROM items i WHERE completed_at IS NOT NULL AND (replied_at <> completed_at
				OR (SELECT count(*) FROM replies r WHERE r.item_id = i.id AND r.final AND r.status = 'effective'
				AND r.unit_code = i.primary_unit_code AND r.created_at = i.completed_at) <> 1)`); got != 0 {
			t.Errorf("%d completed items without exactly one effective final reply", got)
		}
		if got := count(t, db, `SELECT count(*) FROM items WHERE completed_at IS NULL AND dispatched_at IS NOT NULL
				AND (replied_at IS NOT NULL OR handle_seconds IS NOT NULL OR status IN ('replied', 'closed'))`); got != 0 {
			t.Errorf("%d open dispatched items with an answer", got)
		}
		if got := count(t, db, `SELECT count(*) FROM items WHERE answer <> '' AND (dispatched_at IS NOT NULL
				OR replied_at <> received_at OR status NOT IN ('answered', 'closed'))`); got != 0 {
			t.Errorf("%d inconsistent items answered on the call", got)
		}
		if got := count(t, db, `SELECT count(*) FROM items WHERE merged_into_id IS NOT NULL AND (status <> 'closed'
				OR merged_into_id <> id - 1 OR closed_at IS NULL)`); got != 0 {
			t.Errorf("%d inconsistent merged items", got)
		}
		if got := count(t, db, `SELECT count(*) FROM items WHERE dispatched_at IS NOT NULL AND overdue <>
				CASE WHEN completed_at IS NULL THEN due_at <= $1 ELSE completed_at > due_at END`, now); got != 0 {
			t.Errorf("%d items whose overdue flag is wrong", got)
		}
		if got := count(t, db, `SELECT count(*) FROM items WHERE status = 'closed' AND closed_at IS NULL`); got != 0 {
			t.Errorf("%d closed items without closed_at", got)
		}
		if got := count(t, db, `SELECT count(*) FROM items WHERE tracking_code !~ '^[0-9]{6}-[2-9A-HJKMNP-Z]{8}$'
				OR left(tracking_code, 6) <> to_char(received_at AT TIME ZONE 'Asia/Shanghai', 'YYMMDD')`); got != 0 {
			t.Errorf("%d malformed tracking codes", got)
		}
		if got := count(t, db, `SELECT count(*) FROM items WHERE char_length(content) NOT BETWEEN 20 AND 80
				OR (citizen_phone <> '' AND citizen_phone !~ '^1[3-9][0-9]{9}$')`); got != 0 {
			t.Errorf("%d items with a bad content length or phone", got)
		}
	})

	t.Run("foreign keys", func(t *testing.T) {
		// the load runs without the foreign key triggers: check every reference
		checks := map[string]string{
			"events.item_id":          `SELECT count(*) FROM events x WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.id = x.item_id)`,
			"assignments.item_id":     `SELECT count(*) FROM assignments x WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.id = x.item_id)`,
			"ratings.item_id":         `SELECT count(*) FROM ratings x WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.id = x.item_id)`,
			"replies.item_id":         `SELECT count(*) FROM replies x WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.id = x.item_id)`,
			"items.merged_into_id":    `SELECT count(*) FROM items x WHERE merged_into_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM items i WHERE i.id = x.merged_into_id)`,
			"items.primary_unit_code": `SELECT count(*) FROM items x WHERE primary_unit_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM units u WHERE u.code = x.primary_unit_code)`,
			"items.category_code":     `SELECT count(*) FROM items x WHERE category_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM categories c WHERE c.code = x.category_code)`,
			"items.created_by":        `SELECT count(*) FROM items x WHERE created_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = x.created_by)`,
			"assignments.unit_code":   `SELECT count(*) FROM assignments x WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.code = x.unit_code)`,
			"events.actor_id":         `SELECT count(*) FROM events x WHERE actor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = x.actor_id)`,
			"replies.unit_code":       `SELECT count(*) FROM replies x WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.code = x.unit_code)`,
			"replies.author_id":       `SELECT count(*) FROM replies x WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = x.author_id)`,
			"ratings.operator_id":     `SELECT count(*) FROM ratings x WHERE operator_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = x.operator_id)`,
		}
		for name, q := range checks {
			if got := count(t, db, q); got != 0 {
				t.Errorf("%s: %d dangling references", name, got)
			}
		}
	})

	t.Run("deadlines and handling time", func(t *testing.T) {
		cal, _, err := loadCalendar(ctx, store, loc, nil)
		if err != nil {
			t.Fatal(err)
		}
		policies, err := loadPolicies(ctx, store)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(`SELECT kind, urgent, dispatched_at, accept_due_at, due_at, remind_at, upstream_due_at,
				completed_at, handle_seconds, reopened_count
			FROM items WHERE dispatched_at IS NOT NULL ORDER BY md5(id::text) LIMIT 2000`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		checked := 0
		for rows.Next() {
			var (
				kind                               string
				urgent                             bool
				dispatched, acceptDue, due, remind time.Time
				upstream, completed                sql.NullTime
				handle                             sql.NullInt64
				reopened                           int
			)
			if err := rows.Scan(&kind, &urgent, &dispatched, &acceptDue, &due, &remind, &upstream, &completed, &handle, &reopened); err != nil {
				t.Fatal(err)
			}
			var up *time.Time
			if upstream.Valid {
				up = &upstream.Time
			}
			d := domain.ComputeDeadlines(cal, policies[kind], dispatched, urgent, up)
			if !d.AcceptDue.Equal(acceptDue) {
				t.Errorf("accept_due_at %s, ComputeDeadlines says %s", acceptDue, d.AcceptDue)
			}
			if reopened == 0 && (!d.Due.Equal(due) || !d.RemindAt.Equal(remind)) {
				t.Errorf("due_at %s remind_at %s, ComputeDeadlines says %s and %s", due, remind, d.Due, d.RemindAt)
			}
			if completed.Valid {
				if want := int64(cal.WorkingDuration(dispatched, completed.Time) / time.Second); !handle.Valid || handle.Int64 != want {
					t.Errorf("handle_seconds %v, WorkingDuration says %d", handle, want)
				}
			}
			checked++
		}
		if checked < 1000 {
			t.Errorf("only %d dispatched items checked", checked)
		}
	})

	t.Run("shares", func(t *testing.T) {
		near := func(name string, got, want, tol float64) {
			t.Helper()
			if math.Abs(got-want) > tol {
				t.Errorf("%s: %.4f, want %.4f ± %.4f", name, got, want, tol)
			}
		}
		for ch, want := range map[string]float64{"hotline": 0.70, "platform": 0.12, "mailbox": 0.10, "microblog": 0.08} {
			near("channel "+ch, share(t, db, `SELECT avg((channel = '`+ch+`')::int) FROM items`), want, 0.02)
		}
		for k, want := range map[string]float64{"consultation": 0.60, "complaint": 0.25, "help": 0.06, "suggestion": 0.05,
			"report": 0.03, "praise": 0.01} {
			near("kind "+k, share(t, db, `SELECT avg((kind = '`+k+`')::int) FROM items`), want, 0.015)
		}
		near("answered on the call", share(t, db, `SELECT avg((answer <> '')::int) FROM items
			WHERE channel = 'hotline' AND kind = 'consultation'`), 0.40, 0.03)
		near("co-handled", share(t, db, `SELECT avg((cardinality(co_unit_codes) > 0)::int) FROM items WHERE dispatched_at IS NOT NULL`), 0.20, 0.03)
		near("late sign-for", share(t, db, `SELECT avg((accepted_at > accept_due_at)::int) FROM items WHERE accepted_at IS NOT NULL`), 0.05, 0.015)
		late := share(t, db, `SELECT avg((completed_at > due_at)::int) FROM items WHERE completed_at IS NOT NULL`)
		if late < 0.02 || late > 0.06 {
			t.Errorf("%.4f of completed items completed late, want about 0.03-0.05", late)
		}
		near("rated", share(t, db, `SELECT avg((EXISTS (SELECT 1 FROM ratings r WHERE r.item_id = i.id))::int) FROM items i
			WHERE replied_at IS NOT NULL`), 0.45, 0.04)
		near("satisfied", share(t, db, `SELECT avg((satisfaction = 'satisfied')::int) FROM ratings`), 0.85, 0.03)
		near("dissatisfied", share(t, db, `SELECT avg((satisfaction = 'dissatisfied')::int) FROM ratings`), 0.05, 0.02)
		near("five stars", share(t, db, `SELECT avg((stars = 5)::int) FROM ratings`), 0.75, 0.06)
		near("reopened", share(t, db, `SELECT avg((reopened_count > 0)::int) FROM items`), 0.01, 0.005)
		near("merged", share(t, db, `SELECT avg((merged_into_id IS NOT NULL)::int) FROM items`), 0.005, 0.003)
		if got := count(t, db, `SELECT count(*) FROM ratings r JOIN items i ON i.id = r.item_id WHERE r.satisfaction <> 'dissatisfied'
				AND r.id = (SELECT max(id) FROM ratings WHERE item_id = i.id) AND i.status <> 'closed'`); got != 0 {
			t.Errorf("%d satisfied items not closed", got)
		}
		open := share(t, db, `SELECT avg((status IN ('pending_dispatch', 'dispatched', 'accepted'))::int) FROM items
			WHERE received_at > $1::timestamptz - interval '28 days'`, now)
		if open < 0.02 || open > 0.4 {
			t.Errorf("%.3f of the last four weeks' items in progress", open)
		}
		if got := count(t, db, `SELECT count(*) FROM items WHERE status IN ('dispatched', 'accepted') AND overdue`); got == 0 {
			t.Error("no open overdue items")
		}
		// weekends are quieter than working days, nights quieter than days
		weekend := share(t, db, `SELECT avg((extract(isodow FROM received_at AT TIME ZONE 'Asia/Shanghai') >= 6)::int) FROM items`)
		if weekend < 0.05 || weekend > 0.22 {
			t.Errorf("%.3f of items at weekends", weekend)
		}
		day := share(t, db, `SELECT avg((extract(hour FROM received_at AT TIME ZONE 'Asia/Shanghai') BETWEEN 8 AND 19)::int) FROM items`)
		if day < 0.85 {
			t.Errorf("only %.3f of items between 8:00 and 20:00", day)
		}
		// the volume grows: the last year has more items than the first
		first := count(t, db, `SELECT count(*) FROM items WHERE received_at < $1::timestamptz - interval '2 years'`, now)
		last := count(t, db, `SELECT count(*) FROM items WHERE received_at >= $1::timestamptz - interval '1 year'`, now)
		if last <= first {
			t.Errorf("no growth: %d items in the first year, %d in the last", first, last)
		}
	})

	t.Run("verify", func(t *testing.T) { verify(t, store, loc, n) })

	t.Run("deterministic", func(t *testing.T) {
		items, facts := digest(t, db, "items", "id"), digest(t, db, "item_facts", "item_id")
		again := run(t, store, opt)
		if again.UnitsCreated != 0 || again.OperatorPassword != "" || again.FirstID != 1 {
			t.Errorf("second run: %+v", again)
		}
		if got := digest(t, db, "items", "id"); got != items {
			t.Error("a second run with the same seed made different items")
		}
		if got := digest(t, db, "item_facts", "item_id"); got != facts {
			t.Error("a second run with the same seed made different facts")
		}
	})

	t.Run("append", func(t *testing.T) {
		more := opt
		more.Items, more.Seed, more.Reset = 3000, 43, false
		sum := run(t, store, more)
		if sum.FirstID != n+1 || sum.LastID != n+3000 {
			t.Fatalf("appended ids %d-%d", sum.FirstID, sum.LastID)
		}
		verify(t, store, loc, n+3000)
	})
}

func TestDemoDataWithForeignKeyChecks(t *testing.T) {
	loc := shanghai(t)
	store := openStore(t)
	// tiny chunks: many duplicates fall on a chunk boundary, and each
	// chunk is its own transaction, checked by the foreign keys
	sum := run(t, store, Options{Items: 3000, Seed: 5, Units: 40, Conns: 2, Reset: true, FKChecks: true, Location: loc, ChunkSize: 2})
	if !sum.FKChecks || sum.Rows["items"] != 3000 {
		t.Fatalf("summary: %+v", sum)
	}
	verify(t, store, loc, 3000)
}

// BenchmarkDemoData loads 200,000 items per iteration and reports the COPY
// phase's rate.
func BenchmarkDemoData(b *testing.B) {
	const n = 200_000
	loc := shanghai(b)
	store := openStore(b)
	var copyTime, total time.Duration
	for i := 0; i < b.N; i++ {
		sum := run(b, store, Options{Items: n, Seed: int64(i + 1), Conns: 4, Reset: true, Location: loc})
		copyTime += sum.Copy
		total += sum.Total
	}
	b.ReportMetric(float64(n*b.N)/copyTime.Seconds(), "items/s")
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "items/s-total")
	fmt.Fprintf(testingWriter{b}, "copy %.1fs, total %.1fs for %d items\n", copyTime.Seconds(), total.Seconds(), n*b.N)
}

type testingWriter struct{ b *testing.B }

func (w testingWriter) Write(p []byte) (int, error) {
	w.b.Log(string(p))
	return len(p), nil
}
