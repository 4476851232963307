package handlers

import (
	"crypto/subtle"
	"encoding/json"
	"mime"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/valyala/fasthttp"
)

// rejectUnknownMethods answers a method Fiber does not know (PROPFIND, BREW)
// with a 405 problem before Fiber would answer it with a plain-text 400: the
// route table, and so Fiber, only serves the standard methods.
func rejectUnknownMethods(app *fiber.App) {
	srv := app.Server()
	next := srv.Handler
	known := app.Config().RequestMethods
	allow := strings.Join(known, ", ")
	srv.Handler = func(ctx *fasthttp.RequestCtx) {
		if slices.Contains(known, string(ctx.Method())) {
			next(ctx)
			return
		}
		p := newProblem(fiber.StatusMethodNotAllowed, "method_not_allowed", "the method is not one this server serves")
		body, _ := json.Marshal(p)
		ctx.Response.Header.Set(fiber.HeaderAllow, allow)
		ctx.Response.Header.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		ctx.SetStatusCode(fiber.StatusMethodNotAllowed)
		ctx.SetContentType("application/problem+json")
		ctx.SetBody(body)
	}
}

// requestID gives every request an id of ours, sent back in X-Request-Id,
// which the access and error logs read from the response. A client's own
// X-Request-Id is never taken as ours: it is logged apart (clientRequestID).
func requestID(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXRequestID, utils.UUIDv4())
	return c.Next()
}

// clientRequestID is the client's X-Request-Id when it is short printable
// ASCII, for correlating with the client's own logs; otherwise "".
func clientRequestID(c *fiber.Ctx) string {
	v := c.Get(fiber.HeaderXRequestID)
	if len(v) > 128 || !printable(v) {
		return ""
	}
	return v
}

// requireJSONBody refuses a request body that is not declared as JSON
// (415): every API body is JSON, and a form or text body must not reach a
// decoder that happens to parse it.
func requireJSONBody(c *fiber.Ctx) error {
	if len(c.Body()) > 0 && !isJSONContentType(c.Get(fiber.HeaderContentType)) {
		return unsupportedMediaType()
	}
	return c.Next()
}

func unsupportedMediaType() error {
	return newProblem(fiber.StatusUnsupportedMediaType, "unsupported_media_type",
		"send Content-Type: application/json (optionally with charset=utf-8)")
}

// isJSONContentType accepts application/json and application/<name>+json,
// with no parameter but charset=utf-8.
func isJSONContentType(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	sub, ok := strings.CutPrefix(mt, "application/")
	if !ok || (sub != "json" && (!strings.HasSuffix(sub, "+json") || len(sub) == len("+json"))) {
		return false
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return false
		}
	}
	return true
}

// metricsAuth guards /metrics with HOTLINE_METRICS_TOKEN when it is set:
// the scraper sends it as a bearer token.
func (a *api) metricsAuth(c *fiber.Ctx) error {
	want := a.Config.MetricsToken
	if want == "" {
		return c.Next()
	}
	got, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
		return newProblem(fiber.StatusUnauthorized, "unauthorized", "the metrics need the token of HOTLINE_METRICS_TOKEN")
	}
	return c.Next()
}
