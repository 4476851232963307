// Package web is the staff console (and, later, the citizen portal): pages
// rendered on the server with html/template, htmx for partial updates, and
// static assets embedded in the binary. One route table (routes.go) drives the
// server and the authorization tests. Pages call core directly, like the JSON
// handlers; the browser holds only a cookie session (HttpOnly, SameSite=Strict)
// that the API does not accept, and every form carries a CSRF token.
package web

import (
	"errors"
	"hotline/clientip"
	"html/template"
	"log/slog"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/config"
	"hotline/core"
	"hotline/domain"
)

// ContentSecurityPolicy is the policy of every page: no inline scripts or
// styles, nothing from another origin.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Deps is what the pages need.
type Deps struct {
	Core   *core.Core
	Config config.Config
	Log    *slog.Logger
	// Limiter is the public rate limit the API's public endpoints use; the
	// portal's pages count against it too. Nil: the portal is not limited.
	Limiter Limiter
}

// Web serves the console's pages.
type Web struct {
	Deps
	pages   map[string]*template.Template
	assets  *assets
	clients clientip.Resolver // the client address behind trusted proxies
}

// New builds the pages from the embedded templates and assets. A template
// that does not parse is a defect of the build and panics.
func New(d Deps) *Web {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	w := &Web{Deps: d, assets: loadAssets()}
	w.clients, _ = clientip.New(d.Config.TrustedProxies) // config.Load has checked the list
	w.pages = parseTemplates(w.funcs())
	return w
}

// Mount adds the console's routes to an application built by handlers.New.
func (w *Web) Mount(app *fiber.App) {
	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/console/", fiber.StatusFound) })
	app.Get(assetPrefix+":hash/:name", w.serveAsset)
	w.mountPortalDisclosure(app)
	console := app.Group("/console", w.pageHeaders)
	for _, p := range w.table() {
		console.Add(p.method, strings.TrimPrefix(p.path, "/console"), w.chain(p)...)
	}
	console.Use(func(c *fiber.Ctx) error {
		return w.fail(c, nil, fiber.StatusNotFound, "页面不存在", "您要找的页面不存在,请检查地址或从导航进入。")
	})
	w.mountPortal(app)
}

// pageHeaders replaces the API's security headers with the pages' own and
// keeps pages out of shared caches.
func (w *Web) pageHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", ContentSecurityPolicy)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Referrer-Policy", "same-origin")
	return c.Next()
}

// chain is a page's middleware and handler: the session, the role, the CSRF
// token on anything but GET, then the handler.
func (w *Web) chain(p page) []fiber.Handler {
	return []fiber.Handler{func(c *fiber.Ctx) error {
		r := &request{page: p}
		if !p.public {
			ok, err := w.loadSession(c, r)
			if err != nil {
				return w.failErr(c, r, err)
			}
			if !ok {
				return redirectToLogin(c)
			}
			if p.roles != nil && !hasRole(p.roles, r.viewer.Role) {
				return w.fail(c, r, fiber.StatusForbidden, "无权访问", "您的角色不能使用此页面。")
			}
		}
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
			if !w.checkCSRF(c, r) {
				return w.fail(c, r, fiber.StatusForbidden, "请求被拒绝", "表单缺少有效的安全令牌(CSRF),请刷新页面后重新提交。")
			}
		}
		if err := p.h(c, r); err != nil {
			return w.failErr(c, r, err)
		}
		return nil
	}}
}

func hasRole(roles []domain.Role, r domain.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// redirectToLogin sends a visitor without a session to sign in, and back here
// afterwards.
func redirectToLogin(c *fiber.Ctx) error {
	target := "/console/login"
	if c.Method() == fiber.MethodGet && c.Path() != "/console/" {
		target += "?next=" + url.QueryEscape(c.OriginalURL())
	}
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", target)
		return c.SendStatus(fiber.StatusUnauthorized)
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// failErr shows an error from core as a page: 404 for what the viewer may not
// see, 403 for what they may not do, 409 for what the item's status does not
// allow; anything else is logged and shown as 500.
func (w *Web) failErr(c *fiber.Ctx, r *request, err error) error {
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return w.fail(c, r, fiber.StatusNotFound, "找不到该事项", "事项不存在,或不在您单位的办理范围内。")
	case errors.Is(err, domain.ErrForbidden):
		return w.fail(c, r, fiber.StatusForbidden, "无权操作", "您不能对该事项执行此操作。")
	case errors.Is(err, domain.ErrInvalidTransition), errors.Is(err, domain.ErrConflict):
		return w.fail(c, r, fiber.StatusConflict, "操作未完成", "事项当前状态不允许此操作,可能已被他人处理,请刷新后查看。")
	}
	w.Log.Error("console page failed", "method", c.Method(), "path", c.Path(), "err", err)
	return w.fail(c, r, fiber.StatusInternalServerError, "系统错误", "处理请求时出错,已记录。请稍后重试。")
}

// fail renders the error page.
func (w *Web) fail(c *fiber.Ctx, r *request, status int, title, message string) error {
	if r == nil {
		r = &request{}
	}
	return w.render(c, r, status, "error", title, errorPage{Message: message})
}

type errorPage struct{ Message string }
