// Package bench holds the benchmarks `make bench` runs: intake throughput
// and routing latency against a private server, and statistics latency over
// a database filled by `hotline demo-data` (HOTLINE_BENCH_DATABASE_URL).
// Results are reported as custom metrics (req/s, p50_ms, p95_ms, p99_ms);
// docs/BENCHMARKS.md records them with the machine they came from.
package bench

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hotline/core"
	"hotline/domain"
	"hotline/repo"
	"hotline/testenv"
)

func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return float64(s[i]) / float64(time.Millisecond)
}

func server(b *testing.B) (*testenv.Server, string) {
	b.Helper()
	s := testenv.NewServer(b, testenv.Options{Env: map[string]string{"HOTLINE_WORKER_CONCURRENCY": "20"}})
	s.Unit(b, "TAXI", "出租汽车管理处")
	s.Unit(b, "ROAD", "公路管理局")
	s.Rule(b, map[string]any{"priority": 10, "keywords": []string{"出租车"}, "primary_unit_code": "TAXI", "co_unit_codes": []string{"ROAD"}})
	return s, s.User(b, "operator", "")
}

// BenchmarkIntake posts calls over HTTP from 4 × GOMAXPROCS clients: the API's intake
// rate with the worker routing behind it.
func BenchmarkIntake(b *testing.B) {
	s, op := server(b)
	var n atomic.Int64
	b.SetParallelism(4) // 4 × GOMAXPROCS clients
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			r, err := s.TryDo(testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Body: map[string]any{
				"caller_phone": fmt.Sprintf("139%08d", i), "kind": "complaint", "content": "出租车拒载,车牌浙A12345"}})
			if err != nil || r.Status != 201 {
				b.Errorf("call: %v %v", err, r)
				return
			}
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "req/s")
}

// BenchmarkRoutingLatency measures the time from a call's 201 until the
// worker has routed it, with calls arriving steadily (100 a second).
func BenchmarkRoutingLatency(b *testing.B) {
	s, op := server(b)
	db := s.DB(b)
	var (
		mu   sync.Mutex
		lats []time.Duration
		wg   sync.WaitGroup
	)
	b.ResetTimer()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < b.N; i++ {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.TryDo(testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Body: map[string]any{
				"caller_phone": fmt.Sprintf("138%08d", i), "kind": "complaint", "content": "出租车拒载"}})
			if err != nil || r.Status != 201 {
				b.Errorf("call: %v %v", err, r)
				return
			}
			created := time.Now()
			var it struct {
				ID int64 `json:"id"`
			}
			r.Decode(b, &it)
			for time.Since(created) < 30*time.Second {
				var status string
				if err := db.Get(&status, `SELECT status FROM items WHERE id = $1`, it.ID); err == nil && status != "received" {
					mu.Lock()
					lats = append(lats, time.Since(created))
					mu.Unlock()
					return
				}
				time.Sleep(2 * time.Millisecond)
			}
			b.Errorf("item %d not routed in 30 s", it.ID)
		}()
	}
	wg.Wait()
	b.StopTimer()
	// the same latency as the items' own timelines record it (created to
	// routed), free of the polling above
	var recorded []time.Duration
	if err := db.Select(&recorded, `SELECT ((extract(epoch FROM r.at - c.at) * 1e9)::bigint) FROM events c
		JOIN events r ON r.item_id = c.item_id AND r.action = 'routed' WHERE c.action = 'created'`); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(percentile(recorded, 0.50), "p50_recorded_ms")
	b.ReportMetric(percentile(recorded, 0.99), "p99_recorded_ms")
	b.ReportMetric(percentile(lats, 0.50), "p50_ms")
	b.ReportMetric(percentile(lats, 0.99), "p99_ms")
}

type noTasks struct{}

func (noTasks) RouteItem(int64)                                             {}
func (noTasks) ScheduleDeadlines(int64, *time.Time, *time.Time, *time.Time) {}
func (noTasks) DropDeadlines(int64)                                         {}
func (noTasks) Deliver(int64, int, int, time.Time)                          {}

// BenchmarkStats runs the queries reports make over the demo database named
// by HOTLINE_BENCH_DATABASE_URL (skipped without it): each sub-benchmark
// reports the p50 and p95 latency of core.Stats (or Rank, Trend) and the
// number of rows of its answer, whose size bounds what any roll-up can do.
// Together they cover every grouping: each set of dimensions without a time
// grouping, each time grouping alone and with dimensions, ranges on and off
// month boundaries, the ranking and the trend.
func BenchmarkStats(b *testing.B) {
	url := os.Getenv("HOTLINE_BENCH_DATABASE_URL")
	if url == "" {
		b.Skip("HOTLINE_BENCH_DATABASE_URL is not set: load one with `hotline demo-data --items N`")
	}
	ctx := context.Background()
	store, err := repo.Open(ctx, url, 4)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	c := core.New(store, noTasks{}, core.Settings{Location: loc}, slog.New(slog.DiscardHandler))
	var items int64
	if err := store.DB().Get(&items, `SELECT count(*) FROM items`); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d items in %s", items, url)
	manager := domain.Viewer{ID: 1, Role: domain.RoleManager}
	for _, q := range statsBenchQueries(time.Now().In(loc)) {
		b.Run(q.name, func(b *testing.B) {
			lats := make([]time.Duration, 0, b.N)
			rows := 0
			for range b.N {
				start := time.Now()
				n, err := q.run(ctx, c, manager)
				if err != nil {
					b.Fatal(err)
				}
				lats = append(lats, time.Since(start))
				rows = n
			}
			b.ReportMetric(percentile(lats, 0.50), "p50_ms")
			b.ReportMetric(percentile(lats, 0.95), "p95_ms")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

// statsBenchQuery is one query of BenchmarkStats; run returns the number of
// rows (or points, or units) of the answer.
type statsBenchQuery struct {
	name string
	run  func(context.Context, *core.Core, domain.Viewer) (int, error)
}

// statsBenchQueries lists BenchmarkStats' queries relative to now.
func statsBenchQueries(now time.Time) []statsBenchQuery {
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	nextMonth := day(month.AddDate(0, 1, 0))
	thisYear := fmt.Sprintf("%d-01-01", now.Year())
	threeYears := fmt.Sprintf("%d-01-01", now.Year()-2)
	fourYears := fmt.Sprintf("%d-01-01", now.Year()-3)
	twoYears := day(now.AddDate(-2, 0, 0))
	// both ends in the middle of a past month: the most days around the months
	midFrom, midTo := day(month.AddDate(-2, -1, 14)), day(month.AddDate(0, -1, 14))
	stats := func(name string, q core.StatsQuery) statsBenchQuery {
		return statsBenchQuery{name, func(ctx context.Context, c *core.Core, v domain.Viewer) (int, error) {
			res, err := c.Stats(ctx, v, q)
			return len(res.Rows), err
		}}
	}
	g := func(s ...string) []string { return s }
	out := []statsBenchQuery{
		stats("unit×channel×kind/2y", core.StatsQuery{From: twoYears, GroupBy: g("unit", "channel", "kind")}),
		stats("unit×channel×kind/2y-mid-month", core.StatsQuery{From: midFrom, To: midTo, GroupBy: g("unit", "channel", "kind")}),
		stats("unit×month/4y", core.StatsQuery{From: fourYears, To: nextMonth, GroupBy: g("unit", "month")}),
		stats("unit×month/3y", core.StatsQuery{From: threeYears, To: nextMonth, GroupBy: g("unit", "month")}),
		stats("unit×month/ytd", core.StatsQuery{From: thisYear, GroupBy: g("unit", "month")}),
		stats("total/4y", core.StatsQuery{From: fourYears, To: nextMonth}),
		stats("total/2y-mid-month", core.StatsQuery{From: midFrom, To: midTo}),
		stats("unit/4y", core.StatsQuery{From: fourYears, GroupBy: g("unit")}),
		stats("channel/4y", core.StatsQuery{From: fourYears, GroupBy: g("channel")}),
		stats("kind/4y", core.StatsQuery{From: fourYears, GroupBy: g("kind")}),
		stats("category/4y", core.StatsQuery{From: fourYears, GroupBy: g("category")}),
		stats("channel×kind/year", core.StatsQuery{From: thisYear, To: nextMonth, GroupBy: g("channel", "kind")}),
		stats("unit×channel/2y", core.StatsQuery{From: twoYears, GroupBy: g("unit", "channel")}),
		stats("unit×kind/2y", core.StatsQuery{From: twoYears, GroupBy: g("unit", "kind")}),
		stats("unit×category/2y", core.StatsQuery{From: twoYears, GroupBy: g("unit", "category")}),
		stats("channel×category/2y", core.StatsQuery{From: twoYears, GroupBy: g("channel", "category")}),
		stats("kind×category/2y", core.StatsQuery{From: twoYears, GroupBy: g("kind", "category")}),
		stats("channel×kind×category/2y", core.StatsQuery{From: twoYears, GroupBy: g("channel", "kind", "category")}),
		stats("unit×channel×category/2y", core.StatsQuery{From: twoYears, GroupBy: g("unit", "channel", "category")}),
		stats("unit×kind×category/2y", core.StatsQuery{From: twoYears, GroupBy: g("unit", "kind", "category")}),
		stats("unit×channel×kind×category/2y", core.StatsQuery{From: twoYears, GroupBy: g("unit", "channel", "kind", "category")}),
		stats("day/90d", core.StatsQuery{From: day(now.AddDate(0, 0, -90)), GroupBy: g("day")}),
		stats("week/4y", core.StatsQuery{From: fourYears, GroupBy: g("week")}),
		stats("month/4y", core.StatsQuery{From: fourYears, GroupBy: g("month")}),
		stats("quarter/4y", core.StatsQuery{From: fourYears, GroupBy: g("quarter")}),
		stats("year/4y", core.StatsQuery{From: fourYears, GroupBy: g("year")}),
		stats("unit×quarter/4y", core.StatsQuery{From: fourYears, GroupBy: g("unit", "quarter")}),
		stats("unit×year/2y", core.StatsQuery{From: twoYears, GroupBy: g("unit", "year")}),
		stats("unit×channel×kind×year/2y", core.StatsQuery{From: twoYears, GroupBy: g("unit", "channel", "kind", "year")}),
		stats("category×quarter/3y", core.StatsQuery{From: threeYears, To: nextMonth, GroupBy: g("category", "quarter")}),
		stats("channel×kind×week/year", core.StatsQuery{From: thisYear, GroupBy: g("channel", "kind", "week")}),
		stats("one unit×week/year", core.StatsQuery{From: thisYear, UnitCode: "U0001", GroupBy: g("week")}),
		stats("unit×day/90d", core.StatsQuery{From: day(now.AddDate(0, 0, -90)), GroupBy: g("unit", "day")}),
		{"ranking/2y", func(ctx context.Context, c *core.Core, v domain.Viewer) (int, error) {
			r, err := c.Rank(ctx, v, core.StatsQuery{From: twoYears}, "on_time_rate", 10)
			return len(r.Ranked) + len(r.BelowMinimum), err
		}},
		{"trend-day/year", func(ctx context.Context, c *core.Core, v domain.Viewer) (int, error) {
			t, err := c.Trend(ctx, v, core.StatsQuery{From: thisYear}, "day")
			return len(t.Points), err
		}},
		{"trend-month/4y", func(ctx context.Context, c *core.Core, v domain.Viewer) (int, error) {
			t, err := c.Trend(ctx, v, core.StatsQuery{From: fourYears}, "month")
			return len(t.Points), err
		}},
	}
	return out
}
