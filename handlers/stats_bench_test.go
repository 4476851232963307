package handlers

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
	"hotline/repo"
)

type noTasks struct{}

func (noTasks) RouteItem(int64)                                             {}
func (noTasks) ScheduleDeadlines(int64, *time.Time, *time.Time, *time.Time) {}
func (noTasks) DropDeadlines(int64)                                         {}
func (noTasks) Deliver(int64, int, int, time.Time)                          {}

// BenchmarkStatsHTTP times GET /api/v1/stats through a real listener over
// the demo database named by HOTLINE_BENCH_DATABASE_URL (skipped without
// it): the handler, its JSON and the compression the client asks for, read
// to the last byte. The request is a manager's without a session lookup
// (one indexed read the benchmark leaves out, so that it needs no account
// in the shared database).
func BenchmarkStatsHTTP(b *testing.B) {
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
	a := &api{Deps: Deps{Core: core.New(store, noTasks{}, core.Settings{Location: loc}, slog.New(slog.DiscardHandler))}}
	app := fiber.New()
	app.Use(compressed(), func(c *fiber.Ctx) error {
		c.Locals(viewerKey, domain.Viewer{ID: 1, Role: domain.RoleManager})
		return c.Next()
	})
	app.Get("/api/v1/stats", a.stats)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	defer func() { _ = app.Shutdown() }()
	now := time.Now().In(loc)
	fourYears := fmt.Sprintf("%d-01-01", now.Year()-3)
	nextMonth := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	twoYears := now.AddDate(-2, 0, 0).Format("2006-01-02")
	for _, q := range []struct{ name, query, encoding string }{
		{"unit×month/4y/br", "group_by=unit,month&from=" + fourYears + "&to=" + nextMonth, "br"},
		{"unit×month/4y/gzip", "group_by=unit,month&from=" + fourYears + "&to=" + nextMonth, "gzip"},
		{"unit×month/4y/identity", "group_by=unit,month&from=" + fourYears + "&to=" + nextMonth, ""},
		{"unit×channel×kind/2y/br", "group_by=unit,channel,kind&from=" + twoYears, "br"},
	} {
		b.Run(q.name, func(b *testing.B) {
			lats := make([]time.Duration, 0, b.N)
			size := 0
			for range b.N {
				start := time.Now()
				n, err := getStats(ctx, "http://"+ln.Addr().String()+"/api/v1/stats?"+q.query, q.encoding)
				if err != nil {
					b.Fatal(err)
				}
				lats = append(lats, time.Since(start))
				size = n
			}
			slices.Sort(lats)
			pct := func(p float64) float64 {
				return float64(lats[int(float64(len(lats)-1)*p)]) / float64(time.Millisecond)
			}
			b.ReportMetric(pct(0.50), "p50_ms")
			b.ReportMetric(pct(0.95), "p95_ms")
			b.ReportMetric(float64(size), "bytes")
		})
	}
}

// getStats requests a statistics answer and reads it whole, returning its
// size on the wire.
func getStats(ctx context.Context, url, encoding string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	// set by hand, so that the transport does not ask for gzip itself
	// and the body is counted as sent
	req.Header.Set("Accept-Encoding", encoding)
	if encoding == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	if err == nil && encoding != "" && resp.Header.Get("Content-Encoding") != encoding {
		err = fmt.Errorf("Content-Encoding %q, want %q", resp.Header.Get("Content-Encoding"), encoding)
	}
	return int(n), err
}
