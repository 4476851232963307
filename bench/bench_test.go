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
// reports p50 and p95 latency of core.Stats.
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
	now := time.Now().In(loc)
	thisYear := fmt.Sprint(now.Year())
	threeYears := fmt.Sprintf("%d-01-01", now.Year()-2)
	fourYears := fmt.Sprintf("%d-01-01", now.Year()-3)
	twoYears := now.AddDate(-2, 0, 0).Format("2006-01-02")
	nextMonth := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	manager := domain.Viewer{ID: 1, Role: domain.RoleManager}
	for _, q := range []struct {
		name string
		q    core.StatsQuery
	}{
		{"unit×month/3y", core.StatsQuery{From: threeYears, To: nextMonth, GroupBy: []string{"unit", "month"}}},
		{"unit×month/4y", core.StatsQuery{From: fourYears, To: nextMonth, GroupBy: []string{"unit", "month"}}},
		{"unit×channel×kind/2y", core.StatsQuery{From: twoYears, GroupBy: []string{"unit", "channel", "kind"}}},
		{"unit×month/ytd", core.StatsQuery{From: thisYear + "-01-01", GroupBy: []string{"unit", "month"}}},
		{"channel×kind/year", core.StatsQuery{From: thisYear + "-01-01", To: nextMonth, GroupBy: []string{"channel", "kind"}}},
		{"total/3y", core.StatsQuery{From: threeYears, To: nextMonth}},
		{"day/90d", core.StatsQuery{From: now.AddDate(0, 0, -90).Format("2006-01-02"), GroupBy: []string{"day"}}},
		{"category×quarter/3y", core.StatsQuery{From: threeYears, To: nextMonth, GroupBy: []string{"category", "quarter"}}},
		{"one unit×week/year", core.StatsQuery{From: thisYear + "-01-01", UnitCode: "U0001", GroupBy: []string{"week"}}},
	} {
		b.Run(q.name, func(b *testing.B) {
			lats := make([]time.Duration, 0, b.N)
			for range b.N {
				start := time.Now()
				if _, err := c.Stats(ctx, manager, q.q); err != nil {
					b.Fatal(err)
				}
				lats = append(lats, time.Since(start))
			}
			b.ReportMetric(percentile(lats, 0.50), "p50_ms")
			b.ReportMetric(percentile(lats, 0.95), "p95_ms")
		})
	}
}
