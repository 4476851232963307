// Package handlers is Hotline's HTTP API on Fiber: one route table
// (routes.go) from which the server, the OpenAPI document and the
// authorization tests are all derived; handlers that decode, call core and
// encode; and the middleware around them (problem+json errors, bearer
// authentication, Idempotency-Key, rate limits, metrics).
package handlers

import (
	"bytes"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"hotline/clientip"
	"hotline/config"
	"hotline/core"
	"hotline/repo"
)

// BodyLimit is the largest request body accepted; larger ones get 413.
const BodyLimit = 1 << 20

// Deps is what the API needs.
type Deps struct {
	Core      *core.Core
	Store     *repo.Store // for the Idempotency-Key middleware and the operations endpoints only
	Config    config.Config
	Redis     redis.UniversalClient // may be nil: rate limits fall back to process memory
	Inspector *asynq.Inspector      // may be nil: no queue metrics
	Registry  *prometheus.Registry
	Log       *slog.Logger
	// Mount, when set, adds routes of other packages (the console's pages) to
	// the application after the API's middleware and before the 404 fallback.
	Mount func(*fiber.App)
	// Limiter is the public rate limit, shared with the portal's pages; nil
	// builds one from Config.PublicRateLimit.
	Limiter *RateLimiter
}

type api struct {
	Deps
	limiter *RateLimiter
	metrics *httpMetrics
	clients clientip.Resolver
}

// New builds the Fiber application with every route of Routes.
func New(d Deps) *fiber.App {
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	a := &api{Deps: d}
	// config.Load has checked the list; a bad entry here trusts nobody
	a.clients, _ = clientip.New(d.Config.TrustedProxies)
	a.limiter = d.Limiter
	if a.limiter == nil {
		a.limiter = NewRateLimiter(d.Redis, d.Config.PublicRateLimit, time.Minute, d.Log)
	}
	a.metrics = newHTTPMetrics(d.Registry)
	app := fiber.New(fiber.Config{
		AppName:                 "hotline",
		BodyLimit:               BodyLimit,
		Immutable:               true,
		ErrorHandler:            errorHandler(d.Log),
		ReadTimeout:             30 * time.Second,
		WriteTimeout:            60 * time.Second,
		IdleTimeout:             2 * time.Minute,
		EnableTrustedProxyCheck: len(d.Config.TrustedProxies) > 0,
		TrustedProxies:          d.Config.TrustedProxies, // for c.Protocol(); clientIP reads X-Forwarded-For
		DisableStartupMessage:   true,
	})
	app.Use(a.recoverer)
	app.Use(a.deadline)
	app.Use(requestID)
	app.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
		ReferrerPolicy:        "no-referrer",
		HSTSMaxAge:            31536000,
	}))
	app.Use(a.metrics.middleware)
	app.Use(a.accessLog)
	app.Use(checkParams)
	app.Use(compressed())
	app.Use("/api/v1", noStore)
	app.Use("/api", requireJSONBody)
	if len(d.Config.CORSOrigins) > 0 {
		app.Use("/api/v1/public", cors.New(cors.Config{
			AllowOrigins: strings.Join(d.Config.CORSOrigins, ","),
			AllowMethods: "GET,POST",
			AllowHeaders: "Content-Type,Idempotency-Key",
			MaxAge:       600,
		}))
	}
	a.mountOps(app)
	for _, r := range a.routes() {
		app.Add(r.method, r.path, a.chain(r)...)
	}
	if d.Mount != nil {
		d.Mount(app)
	}
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	rejectUnknownMethods(app)
	return app
}

// chain is a route's middleware and handler: the security events it
// writes to the audit log, authentication by its access kind, the role check, the public rate limit, Idempotency-Key, the handler.
func (a *api) chain(r route) []fiber.Handler {
	hs := []fiber.Handler{a.securityEvents(r)}
	switch r.access {
	case accessStaff:
		hs = append(hs, a.authenticate, requireRoles(r.roles))
	case accessWebhook:
		hs = append(hs, a.verifyWebhook)
	case accessPlatform:
		hs = append(hs, a.verifyPlatformKey)
	}
	if r.limited {
		hs = append(hs, a.rateLimit)
	}
	if r.creates {
		hs = append(hs, a.idempotent(r))
	}
	return append(hs, r.h)
}

// checkParams refuses query parameters that are not valid UTF-8 or hold NUL
// bytes (400 naming the parameter): no handler has to think about them.
func checkParams(c *fiber.Ctx) error {
	var bad string
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) {
		if bad == "" && (!utf8.Valid(k) || !utf8.Valid(v) || bytes.IndexByte(v, 0) >= 0 || bytes.IndexByte(k, 0) >= 0) {
			bad = string(bytes.ToValidUTF8(bytes.ReplaceAll(k, []byte{0}, nil), nil))
		}
	})
	if bad != "" {
		return fieldProblem(fiber.StatusBadRequest, bad, "not valid UTF-8 text")
	}
	return c.Next()
}

// recoverer turns a panic into a 500 problem; the panic text and stack go to
// the log, never to the client.
func (a *api) recoverer(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			a.Log.Error("panic in handler", "method", c.Method(), "route", routePath(c), "panic", r, "stack", string(debug.Stack()))
			err = newProblem(fiber.StatusInternalServerError, "internal", "an unexpected error; it has been logged")
		}
	}()
	return c.Next()
}

// accessLog logs each request without its query string or body (which may
// carry secrets and personal data).
func (a *api) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := responseStatus(c, err)
	level := slog.LevelDebug
	if status >= 500 {
		level = slog.LevelWarn
	}
	attrs := []any{"method", c.Method(), "route", routePath(c), "status", status,
		"ms", time.Since(start).Milliseconds(), "request_id", c.GetRespHeader(fiber.HeaderXRequestID)}
	if id := clientRequestID(c); id != "" {
		attrs = append(attrs, "client_request_id", id)
	}
	a.Log.Log(c.UserContext(), level, "http", attrs...)
	return err
}

// responseStatus is the status the client will get: the error handler's
// when a handler failed.
func responseStatus(c *fiber.Ctx, err error) int {
	if err != nil {
		p, _ := toProblem(err)
		return p.Status
	}
	return c.Response().StatusCode()
}

// routePath is the matched route's pattern (/api/v1/items/:id), which keeps
// ids and codes out of logs and metric labels.
func routePath(c *fiber.Ctx) string {
	if r := c.Route(); r != nil && r.Path != "/" && r.Path != "" {
		return r.Path
	}
	return "unmatched"
}
