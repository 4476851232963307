package core_test

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"hotline/core"
	"hotline/demodata"
	"hotline/domain"
	"hotline/repo"
	"hotline/testenv"
)

// demoCore is a core over a private database filled by demodata as opts
// asks (two connections, Asia/Shanghai).
func demoCore(t *testing.T, opts demodata.Options) (*core.Core, *repo.Store) {
	t.Helper()
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	store, err := repo.Open(ctx, testenv.Database(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	opts.Conns, opts.Location = 2, loc
	if _, err := demodata.Run(ctx, store, opts, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	return core.New(store, &Tasks{}, core.Settings{Location: loc}, slog.New(slog.NewTextHandler(io.Discard, nil))), store
}

// recountFact is a row of item_facts as the recount reads it.
type recountFact struct {
	Day      time.Time `db:"day"`
	Unit     string    `db:"unit_code"`
	Channel  string    `db:"channel"`
	Kind     string    `db:"kind"`
	Category string    `db:"category_code"`
	domain.Counts
}

// recountLabel names a day's period as the API does, written out here again
// so that the recount shares no code with the roll-ups.
func recountLabel(d time.Time, group string) string {
	switch group {
	case "day":
		return d.Format("2006-01-02")
	case "week":
		y, w := d.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case "month":
		return d.Format("2006-01")
	case "quarter":
		return fmt.Sprintf("%04d-Q%d", d.Year(), (int(d.Month())+2)/3)
	case "year":
		return d.Format("2006")
	}
	return ""
}

// readFacts reads item_facts whole.
func readFacts(t *testing.T, store *repo.Store) []recountFact {
	t.Helper()
	var facts []recountFact
	if err := store.DB().Select(&facts, `SELECT day, unit_code, channel, kind, category_code, received, answered,
		dispatched, completed, completed_on_time, accepted_on_time, replied, rated, satisfied, basically_satisfied,
		dissatisfied, five_star, resolved, overdue, handle_seconds FROM item_facts`); err != nil {
		t.Fatal(err)
	}
	return facts
}

// recount groups the facts straight, as a statistics query should: the
// groups of [from, to) whose counts are not all zero, each named
// "period|unit|channel|kind|category" with "-" for a key not grouped by.
func recount(facts []recountFact, q core.StatsQuery) map[string]domain.Counts {
	from, _ := time.Parse("2006-01-02", q.From)
	to, _ := time.Parse("2006-01-02", q.To)
	out := map[string]domain.Counts{}
	for _, f := range facts {
		day := time.Date(f.Day.Year(), f.Day.Month(), f.Day.Day(), 0, 0, 0, 0, time.UTC)
		if day.Before(from) || !day.Before(to) || (q.UnitCode != "" && f.Unit != q.UnitCode) ||
			(q.Channel != "" && f.Channel != q.Channel) || (q.Kind != "" && f.Kind != q.Kind) {
			continue
		}
		key := []string{"-", "-", "-", "-", "-"}
		for _, g := range q.GroupBy {
			switch g {
			case "unit":
				key[1] = f.Unit
			case "channel":
				key[2] = f.Channel
			case "kind":
				key[3] = f.Kind
			case "category":
				key[4] = f.Category
			default:
				key[0] = recountLabel(day, g)
			}
		}
		k := strings.Join(key, "|")
		sum := out[k]
		sum.Add(f.Counts)
		out[k] = sum
	}
	for k, c := range out {
		if c.IsZero() {
			delete(out, k)
		}
	}
	return out
}

// answerGroups are the rows of a statistics answer keyed as recount keys them.
func answerGroups(t *testing.T, res core.StatsResult) map[string]domain.Counts {
	t.Helper()
	out := map[string]domain.Counts{}
	names := []string{"period", "unit_code", "channel", "kind", "category_code"}
	for _, r := range res.Rows {
		key := []string{"-", "-", "-", "-", "-"}
		for i, n := range names {
			if v, ok := r.Keys[n]; ok {
				key[i] = ""
				if v != nil {
					key[i] = *v
				}
			}
		}
		k := strings.Join(key, "|")
		if _, dup := out[k]; dup {
			t.Errorf("group %s twice", k)
		}
		out[k] = r.Figures.Counts
	}
	return out
}

// statsCase is a query of the recount test.
type statsCase struct {
	name string
	q    core.StatsQuery
}

// recountCases groups by every set of dimensions, alone and with each time
// grouping, over ranges on and off month and year boundaries, some filtered.
func recountCases(today time.Time) []statsCase {
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	month := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	ranges := []struct{ name, from, to string }{
		{"years", day(time.Date(today.Year()-2, 1, 1, 0, 0, 0, 0, time.UTC)), day(month.AddDate(0, 1, 0))},
		{"mid-month", day(month.AddDate(-2, -1, 14)), day(month.AddDate(0, -1, 17))},
		{"across-new-year", day(time.Date(today.Year()-1, 12, 20, 0, 0, 0, 0, time.UTC)), day(time.Date(today.Year(), 1, 11, 0, 0, 0, 0, time.UTC))},
		{"to-tomorrow", day(today.AddDate(-1, 0, -3)), day(today.AddDate(0, 0, 1))},
		{"in-one-month", day(month.AddDate(0, -2, 3)), day(month.AddDate(0, -2, 25))},
		{"all-and-future", day(today.AddDate(-6, 0, 0)), day(today.AddDate(1, 0, 0))},
	}
	dims := []string{"unit", "channel", "kind", "category"}
	var out []statsCase
	for _, r := range ranges {
		for set := 0; set < 1<<len(dims); set++ {
			var g []string
			for i, d := range dims {
				if set&(1<<i) != 0 {
					g = append(g, d)
				}
			}
			for _, tg := range []string{"", "week", "month", "quarter", "year"} {
				gb := slices.Clone(g)
				if tg != "" {
					gb = append(gb, tg)
				}
				out = append(out, statsCase{fmt.Sprintf("%s/%s", r.name, strings.Join(gb, "×")),
					core.StatsQuery{From: r.from, To: r.to, GroupBy: gb}})
			}
		}
		out = append(out,
			statsCase{r.name + "/day", core.StatsQuery{From: r.from, To: r.to, GroupBy: []string{"day"}}},
			statsCase{r.name + "/unit×day", core.StatsQuery{From: r.from, To: r.to, GroupBy: []string{"unit", "day"}}},
			statsCase{r.name + "/U0002:kind×year", core.StatsQuery{From: r.from, To: r.to, UnitCode: "U0002", GroupBy: []string{"kind", "year"}}},
			statsCase{r.name + "/hotline:unit", core.StatsQuery{From: r.from, To: r.to, Channel: "hotline", GroupBy: []string{"unit"}}},
			statsCase{r.name + "/complaint:category×quarter", core.StatsQuery{From: r.from, To: r.to, Kind: "complaint", GroupBy: []string{"category", "quarter"}}},
		)
	}
	return out
}

// compareGroups reports the groups where an answer and the recount differ.
func compareGroups(t *testing.T, name string, got, want map[string]domain.Counts) {
	t.Helper()
	keys := make([]string, 0, len(want)+len(got))
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, cmp.Compare)
	bad := 0
	for _, k := range keys {
		if got[k] != want[k] && bad < 3 {
			t.Errorf("%s: group %s: answer %+v, recount %+v", name, k, got[k], want[k])
			bad++
		}
	}
}

// TestStatsEqualARecountOfEveryGrouping loads three years of demo items and
// checks every grouping, over ranges on and off month and year boundaries,
// against item_facts grouped directly; then moves items across months and
// years, past the newest month and before the oldest one, and rates some,
// without rolling up: the answers (the changes folded in from the raw rows)
// must equal the recount once the roll-up has caught up, and verify must
// find the roll-ups, cumulative ones included, equal to a recount.
func TestStatsEqualARecountOfEveryGrouping(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, store := demoCore(t, demodata.Options{Items: 3000, Years: 3, Seed: 7, Units: 6})
	manager := domain.Viewer{ID: 1, Role: domain.RoleManager}
	now := c.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	cases := recountCases(today)
	check := func(stage string, answers []core.StatsResult) {
		facts := readFacts(t, store)
		for i, sc := range cases {
			compareGroups(t, stage+" "+sc.name, answerGroups(t, answers[i]), recount(facts, sc.q))
		}
	}
	ask := func() []core.StatsResult {
		out := make([]core.StatsResult, len(cases))
		for i, sc := range cases {
			res, err := c.Stats(ctx, manager, sc.q)
			if err != nil {
				t.Fatalf("%s: %v", sc.name, err)
			}
			out[i] = res
		}
		return out
	}
	check("rolled up", ask())

	// Changes not rolled up: items moved to the previous year, to a day
	// before every other, past the newest month, within a month; one rated.
	db := store.DB()
	var newest int64
	if err := db.Get(&newest, `SELECT max(id) FROM items`); err != nil {
		t.Fatal(err)
	}
	for _, change := range []string{
		`UPDATE items SET received_at = received_at - interval '1 year 1 month' WHERE id IN (1, 2, 3)`,
		`UPDATE items SET received_at = received_at - interval '7 years' WHERE id = 4`,
		`UPDATE items SET received_at = received_at - interval '12 days' WHERE id IN (6, 7)`,
		`UPDATE items SET received_at = received_at - interval '1 month' WHERE id = $1 - 1`,
		// two months ahead: past the horizon of the cumulative roll-ups
		`UPDATE items SET received_at = now() + interval '62 days' WHERE id = $1`,
		`INSERT INTO ratings (item_id, source, method, satisfaction, stars, resolved)
			SELECT id, 'visit', 'call', 'dissatisfied', 1, false FROM items WHERE id IN (8, 9, $1 - 2)`,
		`INSERT INTO stats_dirty (item_id) SELECT generate_series(1, 9) UNION ALL SELECT generate_series($1 - 2, $1)`,
	} {
		args := []any{}
		if strings.Contains(change, "$1") {
			args = append(args, newest)
		}
		if _, err := db.Exec(change, args...); err != nil {
			t.Fatalf("%s: %v", change, err)
		}
	}
	folded := ask()
	if folded[0].FoldedChanges == 0 {
		t.Fatal("no change folded in: the test changed nothing")
	}
	if n, err := c.RollupStats(ctx); err != nil || n != 12 {
		t.Fatalf("roll-up: %d items, %v", n, err)
	}
	check("folded in", folded)
	check("rolled up again", ask())

	// rolling the same items up again changes nothing
	if _, err := db.Exec(`INSERT INTO stats_dirty (item_id) SELECT generate_series(1, 50)`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RollupStats(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := c.VerifyStats(ctx, false)
	if err != nil || !rep.OK() {
		t.Fatalf("verify after the changes: %v\n%s", err, rep)
	}
	check("idempotent", ask())
}

// TestVerifyCatchesADamagedCumulativeRollup: verify compares the cumulative
// roll-ups too, and a rebuild repairs them.
func TestVerifyCatchesADamagedCumulativeRollup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.answered(t)
	f.dispatchedItem(t)
	if _, err := f.core.RollupStats(ctx); err != nil {
		t.Fatal(err)
	}
	if rep, err := f.core.VerifyStats(ctx, false); err != nil || !rep.OK() {
		t.Fatalf("verify before the damage: %v\n%s", err, rep)
	}
	for _, damage := range []string{
		`UPDATE stats_cum SET completed = completed + 1 WHERE cube = 25`,
		`DELETE FROM stats_cum WHERE cube = 21`,
		`INSERT INTO stats_cum (cube, period, unit_code, channel, kind, category_code, received)
			SELECT cube, period - interval '1 month', unit_code, channel, kind, category_code, 1 FROM stats_cum WHERE cube = 20`,
	} {
		if _, err := f.store.DB().Exec(damage); err != nil {
			t.Fatal(err)
		}
		rep, err := f.core.VerifyStats(ctx, false)
		if err != nil || rep.OK() || rep.CubeMismatches == 0 {
			t.Errorf("verify missed %q: %v\n%s", damage, err, rep)
		}
		if _, err := f.core.RebuildStats(ctx); err != nil {
			t.Fatal(err)
		}
		if rep, err := f.core.VerifyStats(ctx, false); err != nil || !rep.OK() {
			t.Fatalf("verify after the rebuild: %v\n%s", err, rep)
		}
	}
}

// TestRollupTakesEveryMarkInFullBatches: with more change marks waiting than
// a batch takes, and the same items marked several times, one roll-up run
// takes them all (it stops only at a batch that does not fill up), and the
// roll-ups then equal a recount.
func TestRollupTakesEveryMarkInFullBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	var ids []int64
	for i := range 40 {
		ids = append(ids, f.call(t, fmt.Sprintf("139%08d", i)))
	}
	// 2,600 marks over 40 items: two full batches and a part
	if _, err := f.store.DB().Exec(`INSERT INTO stats_dirty (item_id)
		SELECT ($1::bigint[])[1 + g % 40] FROM generate_series(1, 2600) g`, pq.Array(ids)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.core.RollupStats(ctx); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := f.store.DB().Get(&left, `SELECT count(*) FROM stats_dirty`); err != nil || left != 0 {
		t.Fatalf("%d marks left after one run (%v)", left, err)
	}
	if rep, err := f.core.VerifyStats(ctx, false); err != nil || !rep.OK() {
		t.Fatalf("verify: %v\n%s", err, rep)
	}
}
