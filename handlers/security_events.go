package handlers

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

// authEvent names the audit event of an authentication route.
func authEvent(path string) (string, bool) {
	switch path {
	case "/api/v1/auth/login":
		return "login", true
	case "/api/v1/auth/logout":
		return "logout", true
	case "/api/v1/auth/password":
		return "password_changed", true
	case "/api/v1/auth/totp":
		return "totp_enrolled", true
	case "/api/v1/auth/totp/confirm":
		return "totp_confirmed", true
	}
	return "", false
}

// securityEvents writes a route's security events to the audit log (OWASP
// ASVS 5.0 V16) once the handler has answered: every 401, 403 and 429 (at
// most one row per address, event and minute, so a flood cannot fill the
// table), logins and their failures, logouts, password and TOTP changes,
// and every change an administrative route makes or refuses.
func (a *api) securityEvents(r route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := c.Next()
		if ev, ok := a.securityEvent(c, r, responseStatus(c, err), err); ok {
			a.Core.RecordSecurityEvent(c.UserContext(), ev)
		}
		return err
	}
}

func (a *api) securityEvent(c *fiber.Ctx, r route, status int, err error) (core.SecurityEvent, bool) {
	ev := core.SecurityEvent{Viewer: viewer(c), ClientIP: a.clientIP(c), Target: c.Method() + " " + c.Path(),
		Failed: status >= 400}
	if err != nil {
		p, _ := toProblem(err)
		ev.Detail = p.Code
	}
	authAction, isAuth := authEvent(r.path)
	switch {
	case status == fiber.StatusTooManyRequests:
		ev.Kind, ev.Action, ev.Sampled = core.AuditAccessDenied, "rate_limited", true
		if isAuth {
			ev.Username = attemptedUsername(c, r)
		}
	case r.path == "/api/v1/auth/login" && (status == fiber.StatusUnauthorized || status < 300):
		ev.Kind, ev.Action, ev.Username = core.AuditAuth, "login", attemptedUsername(c, r)
		if ev.Failed {
			ev.Action = "login_failed"
		}
	case status == fiber.StatusUnauthorized:
		ev.Kind, ev.Action, ev.Sampled = core.AuditAccessDenied, "unauthorized", true
	case status == fiber.StatusForbidden:
		ev.Kind, ev.Action, ev.Sampled = core.AuditAccessDenied, "forbidden", true
	case isAuth && status < 500:
		ev.Kind, ev.Action = core.AuditAuth, authAction
	case r.tag == "admin" && r.method != fiber.MethodGet && status < 500:
		ev.Kind, ev.Action = core.AuditAdmin, r.method+" "+r.path
	default:
		return core.SecurityEvent{}, false
	}
	return ev, true
}

// attemptedUsername is the username a login body names (a failed login
// has no account to name).
func attemptedUsername(c *fiber.Ctx, r route) string {
	if r.path != "/api/v1/auth/login" {
		return viewer(c).Username
	}
	var body struct {
		Username string `json:"username"`
	}
	_ = json.Unmarshal(c.Body(), &body) // a body that does not decode names nobody
	return body.Username
}
