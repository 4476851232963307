package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/domain"
)

// The citizen portal (the leader's mailbox): pages for people without an
// account. It has no session: forms carry a double-submit token (a cookie
// and a hidden field that must match), every page counts against the same
// per-address limit as the API's public endpoints, and a citizen's display
// preferences (large text, high contrast) live in a cookie of their own.

const (
	// portalCSRFCookie holds the portal forms' token (double submit).
	portalCSRFCookie = "hotline_portal_csrf"
	// portalDisplayCookie holds the display modes ("large", "contrast").
	portalDisplayCookie = "hotline_portal_display"
	portalPath          = "/portal"
)

// Limiter is the public rate limit (handlers.RateLimiter): Allow counts one
// request of the key and says whether it is within the limit, and how long
// until the window ends.
type Limiter interface {
	Allow(ctx context.Context, key string, now time.Time) (bool, time.Duration)
}

// portalTable is the portal: its addresses, the navigation labels of its
// pages, and their handlers. Every page is public and rate-limited.
func (w *Web) portalTable() []page {
	return []page{
		{method: "GET", path: "/portal/", nav: "信箱首页", h: w.portalHome},
		{method: "GET", path: "/portal/write", nav: "我要写信", h: w.portalWriteForm},
		{method: "POST", path: "/portal/write", h: w.portalWrite},
		{method: "GET", path: "/portal/receipt", h: w.portalReceipt},
		{method: "POST", path: "/portal/receipt/clear", h: w.portalReceiptClear},
		{method: "GET", path: "/portal/track", nav: "查询办理进度", h: w.portalTrackForm},
		{method: "POST", path: "/portal/track", h: w.portalTrack},
		{method: "GET", path: "/portal/letters", nav: "公开信件", h: w.portalLetters},
		{method: "GET", path: "/portal/rate/:token", h: w.portalRateForm},
		{method: "POST", path: "/portal/rate/:token", h: w.portalRate},
		{method: "POST", path: "/portal/display", h: w.portalDisplay},
	}
}

// mountPortal adds the portal's routes; /portal is its home.
func (w *Web) mountPortal(app *fiber.App) {
	portal := app.Group(portalPath, w.pageHeaders)
	for _, p := range w.portalTable() {
		portal.Add(p.method, strings.TrimPrefix(p.path, portalPath), w.portalChain(p))
	}
	portal.Use(func(c *fiber.Ctx) error {
		return w.portalFail(c, &request{}, fiber.StatusNotFound, "页面不存在",
			"您要找的页面不存在。请检查网址,或从上方的导航进入。")
	})
}

// portalChain is a portal page's middleware and handler: the rate limit,
// the form token on anything but GET, then the handler.
func (w *Web) portalChain(p page) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r := &request{page: p}
		if ok, wait := w.portalAllow(c); !ok {
			return w.portalLimited(c, r, wait)
		}
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead && !portalCSRFOK(c) {
			return w.portalFail(c, r, fiber.StatusForbidden, "页面已过期",
				"为了您的安全,这个表单需要重新打开后再提交。请返回上一页,刷新后重新提交。")
		}
		if err := p.h(c, r); err != nil {
			return w.portalFailErr(c, r, err)
		}
		return nil
	}
}

// portalAllow counts the request against the public rate limit of its
// address (shared with the API) and says whether it is within it.
func (w *Web) portalAllow(c *fiber.Ctx) (bool, time.Duration) {
	if w.Limiter == nil {
		return true, 0
	}
	return w.Limiter.Allow(c.UserContext(), w.clients.Of(c), time.Now())
}

// portalRateLimit is portalAllow as middleware, for portal pages mounted
// outside the portal table.
func (w *Web) portalRateLimit(c *fiber.Ctx) error {
	if ok, wait := w.portalAllow(c); !ok {
		return w.portalLimited(c, &request{}, wait)
	}
	return c.Next()
}

// portalCSRFOK compares the form's token with the portal's token cookie.
func portalCSRFOK(c *fiber.Ctx) bool {
	sent, want := c.FormValue(csrfField), c.Cookies(portalCSRFCookie)
	return sent != "" && want != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(want)) == 1
}

// portalToken is the token the page's forms carry: the cookie's when the
// browser has one, else a new one set in the cookie (Strict, so that no
// other site's form sends it).
func (w *Web) portalToken(c *fiber.Ctx) (string, error) {
	if tok := c.Cookies(portalCSRFCookie); len(tok) == 32 {
		return tok, nil
	}
	tok, err := randomString(24)
	if err != nil {
		return "", err
	}
	w.setCookie(c, portalCSRFCookie, tok, portalPath)
	return tok, nil
}

// portalLimited is the friendly answer to an address over the limit.
func (w *Web) portalLimited(c *fiber.Ctx, r *request, wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	c.Set(fiber.HeaderRetryAfter, fmt.Sprint(secs))
	return w.portalFail(c, r, fiber.StatusTooManyRequests, "请稍后再试",
		fmt.Sprintf("您的网络地址在短时间内访问次数较多,系统暂时停止响应。请等待 %d 秒后再试,您已填写的信件不会因此丢失,可返回上一页重新提交。", secs))
}

// portalFailErr shows an unexpected error as a plain page; details go to
// the log.
func (w *Web) portalFailErr(c *fiber.Ctx, r *request, err error) error {
	if errors.Is(err, domain.ErrNotFound) {
		return w.portalFail(c, r, fiber.StatusNotFound, "找不到您要的内容", "内容不存在或已删除。")
	}
	w.Log.Error("portal page failed", "method", c.Method(), "path", c.Path(), "err", err)
	return w.portalFail(c, r, fiber.StatusInternalServerError, "系统暂时出错",
		"处理您的请求时出错,已记录。请稍后再试;如急需办理,请拨打服务热线。")
}

type portalMessage struct {
	Message string
}

// portalFail renders the portal's error page.
func (w *Web) portalFail(c *fiber.Ctx, r *request, status int, title, message string) error {
	return w.renderPortal(c, r, status, "portal_error", title, portalMessage{Message: message})
}

// portalView is what the portal's layout needs around a page.
type portalView struct {
	Title    string
	CSRF     string
	Nav      []navLink
	Large    bool
	Contrast bool
	// Back is the page's address, where the display switches return to.
	Back string
	Page any
}

// renderPortal writes a page in the portal's layout.
func (w *Web) renderPortal(c *fiber.Ctx, r *request, status int, name, title string, data any) error {
	t, ok := w.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	tok, err := w.portalToken(c)
	if err != nil {
		return err
	}
	large, contrast := displayModes(c.Cookies(portalDisplayCookie))
	v := portalView{Title: title, CSRF: tok, Nav: w.portalNav(c.Path()), Large: large, Contrast: contrast,
		Back: portalBack(c), Page: data}
	return w.execute(c, t, status, "portal_layout", v)
}

// portalNav lists the portal's pages that have a navigation label.
func (w *Web) portalNav(current string) []navLink {
	var out []navLink
	for _, p := range w.portalTable() {
		if p.nav == "" || p.method != fiber.MethodGet {
			continue
		}
		out = append(out, navLink{Label: p.nav, Href: p.path, Current: current == p.path ||
			(current == portalPath && p.path == portalPath+"/")})
	}
	return out
}

// portalBack is where the display switches send the browser afterwards: the
// page itself (GET pages with their query), or the form's own page after a
// POST.
func portalBack(c *fiber.Ctx) string {
	if c.Method() == fiber.MethodGet {
		return c.OriginalURL()
	}
	return c.Path()
}

// safePortalBack keeps a return address only when it is a portal page of
// this site (no open redirect).
func safePortalBack(s string) string {
	if !strings.HasPrefix(s, portalPath+"/") || strings.ContainsAny(s, "\\\r\n") || strings.Contains(s, "//") {
		return portalPath + "/"
	}
	return s
}

// displayModes reads the display cookie: "large", "contrast" or both,
// separated by a dot.
func displayModes(v string) (large, contrast bool) {
	for _, m := range strings.Split(v, ".") {
		switch m {
		case "large":
			large = true
		case "contrast":
			contrast = true
		}
	}
	return large, contrast
}

func displayValue(large, contrast bool) string {
	var ms []string
	if large {
		ms = append(ms, "large")
	}
	if contrast {
		ms = append(ms, "contrast")
	}
	return strings.Join(ms, ".")
}

// portalDisplay switches large text or high contrast on or off and goes
// back to the page. The preference is kept for a year; SameSite=Lax so that
// it holds when the citizen arrives from the department's own site.
func (w *Web) portalDisplay(c *fiber.Ctx, r *request) error {
	large, contrast := displayModes(c.Cookies(portalDisplayCookie))
	switch c.FormValue("toggle") {
	case "large":
		large = !large
	case "contrast":
		contrast = !contrast
	}
	c.Cookie(&fiber.Cookie{Name: portalDisplayCookie, Value: displayValue(large, contrast), Path: portalPath,
		MaxAge: 365 * 24 * 3600, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: secure(c)})
	return c.Redirect(safePortalBack(c.FormValue("back")), fiber.StatusSeeOther)
}

// portalDate writes a day in the configured zone in plain words.
func (w *Web) portalDate(t time.Time) string {
	return t.In(w.Core.Location()).Format("2006年1月2日")
}

// portalTime writes a day and time in the configured zone in plain words.
func (w *Web) portalTime(t time.Time) string {
	return t.In(w.Core.Location()).Format("2006年1月2日 15:04")
}
