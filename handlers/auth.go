package handlers

import (
	"crypto/subtle"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
	"hotline/hmacsig"
)

const viewerKey = "viewer"

// viewer is the authenticated account of the request.
func viewer(c *fiber.Ctx) domain.Viewer {
	v, _ := c.Locals(viewerKey).(domain.Viewer)
	return v
}

func bearer(c *fiber.Ctx) string {
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// authenticate requires a live session token.
func (a *api) authenticate(c *fiber.Ctx) error {
	token := bearer(c)
	if token == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="hotline"`)
		return newProblem(fiber.StatusUnauthorized, "unauthorized", "send Authorization: Bearer <token> from POST /api/v1/auth/login")
	}
	v, err := a.Core.Authenticate(c.UserContext(), token)
	if errors.Is(err, domain.ErrNotFound) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="hotline", error="invalid_token"`)
		return newProblem(fiber.StatusUnauthorized, "unauthorized", "the token is unknown, expired or logged out")
	}
	if err != nil {
		return err
	}
	c.Locals(viewerKey, v)
	return c.Next()
}

// requireRoles refuses accounts whose role the route does not allow (403);
// nil allows every role.
func requireRoles(roles []domain.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if roles != nil && !slices.Contains(roles, viewer(c).Role) {
			return newProblem(fiber.StatusForbidden, "forbidden", "this endpoint is for "+roleList(roles))
		}
		return c.Next()
	}
}

func roleList(roles []domain.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// verifyWebhook checks the microblog bridge's HMAC signature over the raw
// body; without HOTLINE_WEBHOOK_SECRET the endpoint is off (503).
func (a *api) verifyWebhook(c *fiber.Ctx) error {
	if a.Config.WebhookSecret == "" {
		return newProblem(fiber.StatusServiceUnavailable, "not_configured", "HOTLINE_WEBHOOK_SECRET is not set")
	}
	err := hmacsig.Verify([]byte(a.Config.WebhookSecret), c.Get(hmacsig.HeaderTimestamp), c.Get(hmacsig.HeaderSignature), c.Body(), time.Now())
	if err != nil {
		return newProblem(fiber.StatusUnauthorized, "bad_signature", "X-Hotline-Signature: "+err.Error())
	}
	return c.Next()
}

// verifyPlatformKey checks the upstream platform's API key in constant time;
// without HOTLINE_PLATFORM_API_KEY the endpoint is off (503).
func (a *api) verifyPlatformKey(c *fiber.Ctx) error {
	if a.Config.PlatformAPIKey == "" {
		return newProblem(fiber.StatusServiceUnavailable, "not_configured", "HOTLINE_PLATFORM_API_KEY is not set")
	}
	if subtle.ConstantTimeCompare([]byte(c.Get("X-Api-Key")), []byte(a.Config.PlatformAPIKey)) != 1 {
		return newProblem(fiber.StatusUnauthorized, "unauthorized", "X-Api-Key is missing or wrong")
	}
	return c.Next()
}

// HeaderTrackingSecret carries a letter's tracking secret; the query form
// ?secret= of the first API version still works, but a URL ends up in browser histories
// and proxy logs, a header does not.
const HeaderTrackingSecret = "X-Tracking-Secret"

func trackingSecret(c *fiber.Ctx) string {
	if s := c.Get(HeaderTrackingSecret); s != "" {
		return s
	}
	return c.Query("secret")
}

// noStore keeps every API answer out of browser and proxy caches: staff
// answers carry personal data, public ones tracking secrets and replies.
func noStore(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

type loginInput struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// OTP is the authenticator app's code, for accounts with a second factor.
	OTP string `json:"otp,omitempty"`
}

func (a *api) login(c *fiber.Ctx) error {
	var in loginInput
	if err := body(c, &in); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	res, err := a.Core.Login(c.UserContext(), core.Credentials{Username: in.Username, Password: in.Password, OTP: in.OTP, ClientIP: a.clientIP(c)})
	switch {
	case errors.Is(err, core.ErrOTPRequired):
		return otpProblem("otp_required", err)
	case errors.Is(err, core.ErrBadOTP):
		return otpProblem("bad_otp", err)
	case err != nil:
		return err
	}
	// a cookie for the browser pages under /admin (the queue dashboard); the
	// API itself reads only the Authorization header
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: res.Token, Path: "/admin", Expires: res.ExpiresAt,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: c.Protocol() == "https"})
	return c.JSON(res)
}

// otpProblem is a 401 that asks for the second factor's code.
func otpProblem(code string, err error) *Problem {
	p := newProblem(fiber.StatusUnauthorized, code, err.Error())
	p.Errors = []domain.FieldError{{Field: "otp", Message: err.Error()}}
	return p
}

func (a *api) changePassword(c *fiber.Ctx) error {
	var in core.PasswordChange
	if err := body(c, &in); err != nil {
		return err
	}
	if err := a.Core.ChangePassword(c.UserContext(), viewer(c), bearer(c), a.clientIP(c), in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *api) enrolTOTP(c *fiber.Ctx) error {
	res, err := a.Core.EnrolTOTP(c.UserContext(), viewer(c))
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (a *api) confirmTOTP(c *fiber.Ctx) error {
	var in core.TOTPCode
	if err := body(c, &in); err != nil {
		return err
	}
	if err := a.Core.ConfirmTOTP(c.UserContext(), viewer(c), in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *api) resetTOTP(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := a.Core.ResetTOTP(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *api) logout(c *fiber.Ctx) error {
	if err := a.Core.Logout(c.UserContext(), bearer(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *api) me(c *fiber.Ctx) error {
	v := viewer(c)
	var unit *string
	if v.UnitCode != "" {
		unit = &v.UnitCode
	}
	return c.JSON(fiber.Map{"id": v.ID, "username": v.Username, "role": v.Role, "unit_code": unit})
}
