package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hotline/domain"
	"hotline/queue"
)

// httpMetrics counts requests by route pattern and status.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotline_http_requests_total", Help: "HTTP requests by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "hotline_http_request_duration_seconds", Help: "HTTP request latency by method and route pattern.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *httpMetrics) middleware(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := responseStatus(c, err)
	route := routePath(c)
	m.requests.WithLabelValues(c.Method(), route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(c.Method(), route).Observe(time.Since(start).Seconds())
	return err
}

// opsCollector reports queue depths (from Redis) and items by status (from
// Postgres, cached for 30 seconds: counting ten million rows is not free).
type opsCollector struct {
	a         *api
	queueSize *prometheus.Desc
	queueUp   *prometheus.Desc
	items     *prometheus.Desc

	mu       sync.Mutex
	counts   map[string]int64
	countsAt time.Time
}

func (o *opsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- o.queueSize
	ch <- o.queueUp
	ch <- o.items
}

func (o *opsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	up := 0.0
	if o.a.Inspector != nil {
		up = 1
		for _, q := range queue.Queues {
			info, err := o.a.Inspector.GetQueueInfo(q)
			if errors.Is(err, asynq.ErrQueueNotFound) {
				info = &asynq.QueueInfo{Queue: q}
			} else if err != nil {
				up = 0
				break
			}
			for state, n := range map[string]int{"pending": info.Pending, "active": info.Active, "scheduled": info.Scheduled,
				"retry": info.Retry, "archived": info.Archived, "completed": info.Completed} {
				ch <- prometheus.MustNewConstMetric(o.queueSize, prometheus.GaugeValue, float64(n), q, state)
			}
		}
	}
	ch <- prometheus.MustNewConstMetric(o.queueUp, prometheus.GaugeValue, up)
	o.mu.Lock()
	defer o.mu.Unlock()
	if time.Since(o.countsAt) > 30*time.Second {
		if counts, err := o.a.Store.Q().CountItemsByStatus(ctx); err == nil {
			o.counts, o.countsAt = counts, time.Now()
		}
	}
	for _, s := range domain.Statuses() {
		ch <- prometheus.MustNewConstMetric(o.items, prometheus.GaugeValue, float64(o.counts[string(s)]), string(s))
	}
}

// mountOps adds the operations endpoints: health, readiness, metrics, the
// queue dashboard.
func (a *api) mountOps(app *fiber.App) {
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.Registry.MustRegister(&opsCollector{
		a:         a,
		queueSize: prometheus.NewDesc("hotline_queue_tasks", "asynq tasks by queue and state.", []string{"queue", "state"}, nil),
		queueUp:   prometheus.NewDesc("hotline_queue_up", "1 when Redis answered the queue inspection.", nil, nil),
		items:     prometheus.NewDesc("hotline_items", "Items by status.", []string{"status"}, nil),
	})
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	app.Get("/readyz", a.readyz)
	app.Get("/metrics", a.metricsAuth, adaptor.HTTPHandler(promhttp.HandlerFor(a.Registry, promhttp.HandlerOpts{})))
	if a.Inspector != nil {
		opt, err := asynq.ParseRedisURI(a.Config.RedisURL)
		if err == nil {
			mon := asynqmon.New(asynqmon.Options{RootPath: "/admin/queues", RedisConnOpt: opt})
			h := adaptor.HTTPHandler(mon)
			admin := []fiber.Handler{a.authenticateAdminUI, requireRoles([]domain.Role{domain.RoleAdmin}), func(c *fiber.Ctx) error {
				c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; font-src 'self' https://fonts.gstatic.com; img-src 'self' data:")
				return h(c)
			}}
			app.All("/admin/queues", admin...)
			app.All("/admin/queues/*", admin...)
		}
	}
}

// sessionCookie carries the token for the browser pages under /admin.
const sessionCookie = "hotline_session"

// authenticateAdminUI accepts the bearer token, or for a browser the session
// cookie that login sets for /admin.
func (a *api) authenticateAdminUI(c *fiber.Ctx) error {
	if bearer(c) == "" {
		if tok := c.Cookies(sessionCookie); tok != "" {
			c.Request().Header.Set(fiber.HeaderAuthorization, "Bearer "+tok)
		}
	}
	return a.authenticate(c)
}

// readyTimeout bounds each readiness probe.
const readyTimeout = 2 * time.Second

// readyz probes Postgres and Redis side by side, each on a context of its
// own, so that a slow Postgres is not reported as Redis down.
func (a *api) readyz(c *fiber.Ctx) error {
	probe := func(ping func(context.Context) error) string {
		ctx, cancel := context.WithTimeout(c.UserContext(), readyTimeout)
		defer cancel()
		if ping(ctx) != nil {
			return "down"
		}
		return "up"
	}
	pg, rd := "down", "down"
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pg = probe(a.Store.Ping)
	}()
	if a.Redis != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rd = probe(func(ctx context.Context) error { return a.Redis.Ping(ctx).Err() })
		}()
	}
	wg.Wait()
	status, code := "ok", http.StatusOK
	if rd == "down" {
		status = "degraded" // intake still works: Postgres is the source of truth
	}
	if pg == "down" {
		status, code = "unavailable", http.StatusServiceUnavailable
		c.Set(fiber.HeaderRetryAfter, "5")
	}
	return c.Status(code).JSON(fiber.Map{"status": status, "postgres": pg, "redis": rd})
}

// deadline ends every request's context after RequestTimeout. Handlers pass
// c.UserContext() to everything they call, and every database connection
// gives up at its caller's deadline (repo.Open), so a stalled Postgres or
// Redis answers 503 instead of holding the request and its goroutine.
func (a *api) deadline(c *fiber.Ctx) error {
	if a.Config.RequestTimeout <= 0 {
		return c.Next()
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), a.Config.RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}
