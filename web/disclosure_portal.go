package web

import (
	"crypto/subtle"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/domain"
)

// The citizen's application for government information (/portal/disclosure):
// the form, the receipt with the code and secret, and tracking by code and
// secret. Plain forms that work without JavaScript; CSRF by a double-submit
// cookie, as on the console's sign-in form (a citizen has no session).

const (
	portalDisclosurePath = "/portal/disclosure"
	// disclosureCSRFCookie holds the forms' token.
	disclosureCSRFCookie = "hotline_portal_disclosure_csrf"
	// disclosureReceiptCookie carries the code and secret across the redirect
	// after the form, so that a reload does not send the application twice
	// and the secret never appears in an address.
	disclosureReceiptCookie = "hotline_portal_disclosure_receipt"
)

type disclosurePortalView struct {
	Title string
	CSRF  string
	Page  portalDisclosurePage
}

type portalDisclosurePage struct {
	Apply       []fieldView
	TrackFields []fieldView
	Form        form
	Receipt     *disclosureReceiptView
	Track       *disclosureTrackView
	Message     string
}

type disclosureReceiptView struct{ Code, Secret string }

type disclosureTrackView struct {
	Code, Status, ReceivedOn, DueOn, Outcome, Reply, DecidedOn string
}

// mountPortalDisclosure adds the portal's disclosure pages.
func (w *Web) mountPortalDisclosure(app *fiber.App) {
	g := app.Group(portalDisclosurePath, w.pageHeaders, w.portalRateLimit)
	g.Get("/", w.portalDisclosureForm)
	g.Post("/", w.disclosurePortalCSRF(w.portalDisclosureSubmit))
	g.Get("/receipt", w.portalDisclosureReceipt)
	g.Post("/track", w.disclosurePortalCSRF(w.portalDisclosureTrack))
}

// disclosurePortalToken is the visitor's form token: the cookie's, or a new one.
func (w *Web) disclosurePortalToken(c *fiber.Ctx) (string, error) {
	if tok := c.Cookies(disclosureCSRFCookie); len(tok) >= 32 {
		return tok, nil
	}
	tok, err := randomString(24)
	if err != nil {
		return "", err
	}
	w.setCookie(c, disclosureCSRFCookie, tok, portalDisclosurePath)
	return tok, nil
}

// disclosurePortalCSRF refuses a post whose _csrf field does not match the cookie.
func (w *Web) disclosurePortalCSRF(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sent, want := c.FormValue(csrfField), c.Cookies(disclosureCSRFCookie)
		if sent == "" || want == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
			p := portalDisclosurePage{Message: "表单已过期或缺少安全令牌,请返回申请页面刷新后重新提交。"}
			return w.renderDisclosurePortal(c, fiber.StatusForbidden, "请求被拒绝", p)
		}
		return h(c)
	}
}

func (w *Web) renderDisclosurePortal(c *fiber.Ctx, status int, title string, p portalDisclosurePage) error {
	tok, err := w.disclosurePortalToken(c)
	if err != nil {
		return err
	}
	p.Apply = intakeFields(p.Form, "apply", true, "")
	p.TrackFields = []fieldView{
		field(p.Form, "track", "code", "查询码", "text").req(),
		field(p.Form, "track", "secret", "查询密码", "text").req(),
	}
	return w.execute(c, w.pages["disclosure"], status, "disclosure-portal", disclosurePortalView{Title: title, CSRF: tok, Page: p})
}

func (w *Web) portalDisclosureForm(c *fiber.Ctx) error {
	return w.renderDisclosurePortal(c, fiber.StatusOK, "政府信息公开申请", portalDisclosurePage{})
}

var portalApplyNames = []string{"applicant_type", "applicant_name", "id_number", "org_name", "phone", "email", "address",
	"description", "purpose", "delivery_form"}

// portalDisclosureSubmit stores the application (core.SubmitDisclosure, as
// the API's portal endpoint) and shows the receipt after a redirect.
func (w *Web) portalDisclosureSubmit(c *fiber.Ctx) error {
	f := postForm(c, "apply", portalApplyNames...)
	rec, err := w.Core.SubmitDisclosure(c.UserContext(), intakeInput(f))
	var ve domain.ValidationError
	switch {
	case errors.As(err, &ve):
		f.fromCoreDisclosure(ve, nil)
		return w.renderDisclosurePortal(c, fiber.StatusUnprocessableEntity, "政府信息公开申请", portalDisclosurePage{Form: f})
	case err != nil:
		w.Log.Error("portal disclosure application failed", "err", err)
		return w.renderDisclosurePortal(c, fiber.StatusInternalServerError, "提交未成功",
			portalDisclosurePage{Form: f, Message: "系统暂时无法受理,请稍后重新提交。"})
	}
	c.Cookie(&fiber.Cookie{Name: disclosureReceiptCookie, Value: rec.Code + "." + rec.Secret, Path: portalDisclosurePath + "/receipt",
		HTTPOnly: true, MaxAge: 900, SameSite: fiber.CookieSameSiteStrictMode, Secure: secure(c)})
	return c.Redirect(portalDisclosurePath+"/receipt", fiber.StatusSeeOther)
}

// portalDisclosureReceipt shows the code and secret once.
func (w *Web) portalDisclosureReceipt(c *fiber.Ctx) error {
	code, secret, ok := strings.Cut(c.Cookies(disclosureReceiptCookie), ".")
	if !ok || code == "" || secret == "" {
		return c.Redirect(portalDisclosurePath, fiber.StatusSeeOther)
	}
	c.Cookie(&fiber.Cookie{Name: disclosureReceiptCookie, Value: "", Path: portalDisclosurePath + "/receipt", HTTPOnly: true,
		MaxAge: -1, SameSite: fiber.CookieSameSiteStrictMode, Secure: secure(c)})
	return w.renderDisclosurePortal(c, fiber.StatusOK, "申请已提交", portalDisclosurePage{Receipt: &disclosureReceiptView{Code: code, Secret: secret}})
}

// portalDisclosureTrack shows an application to whoever holds its code and
// secret; a wrong secret reads like an unknown code.
func (w *Web) portalDisclosureTrack(c *fiber.Ctx) error {
	f := postForm(c, "track", "code", "secret")
	code, secret := strings.TrimSpace(f.Values["code"]), strings.TrimSpace(f.Values["secret"])
	if code == "" {
		f.fail("code", "请输入查询码")
	}
	if secret == "" {
		f.fail("secret", "请输入查询密码")
	}
	if !f.ok() {
		return w.renderDisclosurePortal(c, fiber.StatusUnprocessableEntity, "查询申请", portalDisclosurePage{Form: f})
	}
	t, err := w.Core.TrackDisclosure(c.UserContext(), code, secret)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		f.fail("code", "查询码或查询密码不正确,请核对后重试")
		return w.renderDisclosurePortal(c, fiber.StatusNotFound, "查询申请", portalDisclosurePage{Form: f})
	case err != nil:
		return err
	}
	view := disclosureTrackView{Code: t.Code, Status: t.StatusLabel, Outcome: t.OutcomeLabel, Reply: t.Reply,
		ReceivedOn: dateText(t.ReceivedOn), DueOn: dateText(t.DueOn), DecidedOn: dateText(t.DecidedOn)}
	switch domain.DisclosureStatus(t.Status) {
	case domain.DisUnconfirmed:
		view.Status = "已提交,等待工作人员确认收到"
	case domain.DisAwaitingCorrection:
		view.Status = "待补正:请按收到的补正通知补充材料"
	case domain.DisAwaitingFee:
		view.Status = "待缴费:请按收到的收费通知缴费"
	}
	return w.renderDisclosurePortal(c, fiber.StatusOK, "查询申请", portalDisclosurePage{Track: &view})
}

func dateText(d *domain.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}
