package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

const (
	// sessionCookie holds the console session's token.
	sessionCookie = "hotline_console"
	// loginCSRFCookie holds the sign-in form's token (double submit: there
	// is no session yet to tie it to).
	loginCSRFCookie = "hotline_login_csrf"
	// csrfField is the hidden field of every form; htmx sends csrfHeader.
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
)

// request is what the chain learnt about the request.
type request struct {
	page   page
	viewer domain.Viewer
	token  string // the session's token ("" without a session)
	csrf   string // the token forms must carry
}

func (r *request) signedIn() bool { return r.token != "" }

// loadSession reads the console cookie; false when there is no live session
// (none, expired, logged out, or its user deactivated).
func (w *Web) loadSession(c *fiber.Ctx, r *request) (bool, error) {
	tok := c.Cookies(sessionCookie)
	if tok == "" {
		return false, nil
	}
	v, err := w.Core.ConsoleViewer(c.UserContext(), tok)
	if errors.Is(err, domain.ErrNotFound) {
		w.clearCookie(c, sessionCookie, "/console")
		return false, nil
	}
	if err != nil {
		return false, err
	}
	r.viewer, r.token, r.csrf = v, tok, sessionCSRF(tok)
	return true, nil
}

// sessionCSRF is the synchronizer token of a session: an HMAC of the session
// token, so that it is tied to the session, constant for its life, and does
// not reveal the token.
func sessionCSRF(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("hotline console csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF compares the form field (or htmx's header) with the session's
// token, or with the sign-in cookie on the sign-in form.
func (w *Web) checkCSRF(c *fiber.Ctx, r *request) bool {
	sent := c.FormValue(csrfField)
	if sent == "" {
		sent = c.Get(csrfHeader)
	}
	want := r.csrf
	if r.page.public {
		want = c.Cookies(loginCSRFCookie)
	}
	return sent != "" && want != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(want)) == 1
}

func secure(c *fiber.Ctx) bool { return c.Protocol() == "https" }

func (w *Web) setCookie(c *fiber.Ctx, name, value, path string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: value, Path: path, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: secure(c)})
}

func (w *Web) clearCookie(c *fiber.Ctx, name, path string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: path, HTTPOnly: true, Expires: time.Unix(0, 0),
		MaxAge: -1, SameSite: fiber.CookieSameSiteStrictMode, Secure: secure(c)})
}

// homeOf is each role's landing page.
func homeOf(r domain.Role) string {
	switch r {
	case domain.RoleOperator:
		return "/console/desk"
	case domain.RoleUnitHead, domain.RoleUnitStaff:
		return "/console/inbox"
	case domain.RoleManager:
		return "/console/dashboard"
	case domain.RoleAdmin:
		return "/console/admin/"
	}
	return "/console/items"
}

// home sends a signed-in viewer to their home page.
func (w *Web) home(c *fiber.Ctx, r *request) error {
	return c.Redirect(homeOf(r.viewer.Role), fiber.StatusSeeOther)
}

type loginPage struct {
	Username string
	Next     string
	Form     form
}

// loginForm shows the sign-in form, or sends a signed-in viewer home.
func (w *Web) loginForm(c *fiber.Ctx, r *request) error {
	if ok, err := w.loadSession(c, r); err != nil {
		return err
	} else if ok {
		return w.home(c, r)
	}
	return w.showLogin(c, r, fiber.StatusOK, loginPage{Next: safeNext(c.Query("next"))})
}

func (w *Web) showLogin(c *fiber.Ctx, r *request, status int, p loginPage) error {
	tok, err := randomString(24)
	if err != nil {
		return err
	}
	w.setCookie(c, loginCSRFCookie, tok, "/console/login")
	r.csrf = tok
	return w.render(c, r, status, "login", "登录", p)
}

// login checks the credentials and opens a console session.
func (w *Web) login(c *fiber.Ctx, r *request) error {
	p := loginPage{Username: strings.TrimSpace(c.FormValue("username")), Next: safeNext(c.FormValue("next")), Form: form{Name: "login"}}
	password := c.FormValue("password")
	if p.Username == "" {
		p.Form.fail("username", "请输入用户名")
	}
	if password == "" {
		p.Form.fail("password", "请输入密码")
	}
	if !p.Form.ok() {
		return w.showLogin(c, r, fiber.StatusUnprocessableEntity, p)
	}
	res, err := w.signIn(c.UserContext(), core.Credentials{Username: p.Username, Password: password,
		OTP: strings.TrimSpace(c.FormValue("otp")), ClientIP: w.clients.Of(c)})
	var thr core.ThrottledError
	switch {
	case errors.As(err, &thr):
		c.Set(fiber.HeaderRetryAfter, fmt.Sprint(int(thr.RetryAfter.Seconds())))
		p.Form.fail("", fmt.Sprintf("登录失败次数过多,请 %d 秒后再试。", int(thr.RetryAfter.Seconds())))
		return w.showLogin(c, r, fiber.StatusTooManyRequests, p)
	case errors.Is(err, core.ErrBadCredentials):
		p.Form.fail("password", "用户名或密码错误")
		return w.showLogin(c, r, fiber.StatusUnauthorized, p)
	case errors.Is(err, core.ErrOTPRequired):
		p.Form.fail("otp", "此账户已启用双重验证,请输入验证器应用显示的动态验证码")
		return w.showLogin(c, r, fiber.StatusUnauthorized, p)
	case errors.Is(err, core.ErrBadOTP):
		p.Form.fail("otp", "动态验证码错误或已使用,请输入新的验证码")
		return w.showLogin(c, r, fiber.StatusUnauthorized, p)
	case err != nil:
		var ve domain.ValidationError
		if errors.As(err, &ve) {
			p.Form.fromCore(ve, map[string]string{"username": "username", "password": "password"})
			return w.showLogin(c, r, fiber.StatusUnprocessableEntity, p)
		}
		return err
	}
	if err := w.Core.ConsoleSession(c.UserContext(), res.Token); err != nil {
		return err
	}
	w.clearCookie(c, loginCSRFCookie, "/console/login")
	w.setCookie(c, sessionCookie, res.Token, "/console")
	target := p.Next
	if target == "" {
		target = homeOf(domain.Role(res.User.Role))
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// signIn is the one place the console calls core's login (same checks and
// throttling as the API's), and writes the attempt to the audit log as the
// API does.
func (w *Web) signIn(ctx context.Context, cred core.Credentials) (core.LoginResult, error) {
	res, err := w.Core.Login(ctx, cred)
	ev := core.SecurityEvent{Kind: core.AuditAuth, Action: "login", Username: cred.Username, ClientIP: cred.ClientIP,
		Target: "console", Failed: err != nil}
	var thr core.ThrottledError
	switch {
	case errors.As(err, &thr):
		ev.Kind, ev.Action, ev.Sampled = core.AuditAccessDenied, "rate_limited", true
	case errors.Is(err, core.ErrBadCredentials), errors.Is(err, core.ErrOTPRequired), errors.Is(err, core.ErrBadOTP):
		ev.Action = "login_failed"
	case err != nil:
		return res, err
	}
	w.Core.RecordSecurityEvent(ctx, ev)
	return res, err
}

// logout ends the session at once.
func (w *Web) logout(c *fiber.Ctx, r *request) error {
	if err := w.Core.Logout(c.UserContext(), r.token); err != nil {
		return err
	}
	w.Core.RecordSecurityEvent(c.UserContext(), core.SecurityEvent{Kind: core.AuditAuth, Action: "logout",
		Viewer: r.viewer, ClientIP: w.clients.Of(c), Target: "console"})
	w.clearCookie(c, sessionCookie, "/console")
	return c.Redirect("/console/login", fiber.StatusSeeOther)
}

// safeNext keeps a return address only when it is a console page of this
// site (no open redirect).
func safeNext(s string) string {
	if !strings.HasPrefix(s, "/console/") || strings.HasPrefix(s, "/console/login") ||
		strings.ContainsAny(s, "\\\r\n") || strings.Contains(s, "//") {
		return ""
	}
	return s
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
