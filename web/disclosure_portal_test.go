package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hotline/domain"
	"hotline/testenv"
	"hotline/web/webtest"
)

// portalPost submits a portal form with the token of the page it came from.
func disclosurePortalPost(c *webtest.Client, from *webtest.Page, path string, v url.Values) *webtest.Page {
	v.Set("_csrf", from.InputValue("_csrf"))
	return c.PostWithoutCSRF(path, v)
}

// TestPortalDisclosure: the citizen's form without a session or script,
// refused without its token, errors beside the fields, the receipt with the
// code and secret once, tracking by code and secret, and the application
// waiting in the console for its receipt to be confirmed.
func TestPortalDisclosure(t *testing.T) {
	w := newWorld(t)
	c := webtest.NewClient(t, w.s)
	form := c.Get("/portal/disclosure")
	if form.Status != 200 {
		t.Fatalf("portal form: %d", form.Status)
	}
	checkPage(t, form)
	if n := len(form.Elements("script")); n != 0 {
		t.Errorf("the portal form needs %d scripts", n)
	}
	wantLabels(t, form, "portal", "申请人类型", "姓名", "证件号码", "单位名称", "联系电话", "电子邮箱", "通信地址",
		"所需政府信息的名称、文号或便于查询的其他特征性描述", "用途", "获取信息的方式", "查询码", "查询密码")
	for _, l := range []string{"提交方式", "收到日期"} {
		if webtest.Contains(form.Labels(), l) {
			t.Errorf("the portal asks the citizen for %s", l)
		}
	}
	if !webtest.Contains(form.Buttons(), "提交申请") || !webtest.Contains(form.Buttons(), "查询") {
		t.Errorf("portal buttons %v", form.Buttons())
	}

	apply := url.Values{"applicant_type": {"natural"}, "applicant_name": {"孙先生"}, "phone": {"13700001111"},
		"description": {"2025年度道路养护资金使用情况"}, "delivery_form": {"email"}, "email": {"sun@example.com"}}
	if p := c.PostWithoutCSRF("/portal/disclosure", apply); p.Status != http.StatusForbidden || !strings.Contains(p.Text(), "安全令牌") {
		t.Errorf("without token: %d %s", p.Status, p.Text())
	}
	bad := disclosurePortalPost(c, form, "/portal/disclosure", url.Values{"applicant_type": {"natural"}, "applicant_name": {"孙先生"},
		"email": {"not-an-address"}})
	if bad.Status != http.StatusUnprocessableEntity || fieldError(bad, "apply-description") != "此项必填" ||
		fieldError(bad, "apply-email") != "电子邮箱格式不对" || bad.InputValue("applicant_name") != "孙先生" {
		t.Errorf("bad application: %d %q %q", bad.Status, fieldError(bad, "apply-description"), fieldError(bad, "apply-email"))
	}

	p := disclosurePortalPost(c, form, "/portal/disclosure", apply)
	codes := largeCodes(p)
	if p.Status != 200 || p.URL != "/portal/disclosure/receipt" || len(codes) != 2 || !strings.Contains(p.Text(), "查询码") {
		t.Fatalf("receipt: %d %s %v", p.Status, p.URL, codes)
	}
	checkPage(t, p)
	code, secret := codes[0], codes[1]
	if again := c.Get("/portal/disclosure/receipt"); again.URL != "/portal/disclosure" || strings.Contains(again.Text(), secret) {
		t.Errorf("the receipt is shown twice: %s", again.URL)
	}

	form = c.Get("/portal/disclosure")
	if p := disclosurePortalPost(c, form, "/portal/disclosure/track", url.Values{"code": {code}, "secret": {"WRONG"}}); p.Status != http.StatusNotFound ||
		!strings.Contains(fieldError(p, "track-code"), "不正确") {
		t.Errorf("wrong secret: %d %q", p.Status, fieldError(p, "track-code"))
	}
	if p := disclosurePortalPost(c, form, "/portal/disclosure/track", url.Values{"code": {""}, "secret": {""}}); p.Status != http.StatusUnprocessableEntity ||
		fieldError(p, "track-code") == "" || fieldError(p, "track-secret") == "" {
		t.Errorf("empty track form: %d", p.Status)
	}
	if p := disclosurePortalPost(c, form, "/portal/disclosure/track", url.Values{"code": {code}, "secret": {secret}}); p.Status != 200 ||
		!strings.Contains(p.Text(), "等待工作人员确认收到") {
		t.Errorf("track: %d %s", p.Status, p.Text())
	}

	// the office confirms it; the applicant sees the due date
	op := w.signIn(t, domain.RoleOperator)
	l := op.Get("/console/disclosure")
	if !strings.Contains(l.Section("网上申请待确认收到(1 件)"), code) {
		t.Fatalf("not waiting in the console: %s", l.Text())
	}
	var id int64
	for _, a := range l.Elements("a") {
		if webtest.TextOf(a) == code {
			fmt.Sscanf(webtest.Attr(a, "href"), "/console/disclosure/%d", &id)
		}
	}
	p = op.Get(fmt.Sprintf("/console/disclosure/%d", id))
	wantDisclosureButtons(t, p, "operator, unconfirmed", "确认收到", "登记案件")
	w.s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/disclosure-requests/%d/confirm", id), Token: w.opToken,
		Body: map[string]any{"received_on": disclosureToday(w)}})
	p = disclosurePortalPost(c, form, "/portal/disclosure/track", url.Values{"code": {code}, "secret": {secret}})
	if !strings.Contains(p.Text(), "办理中") || !strings.Contains(p.Text(), "前答复") {
		t.Errorf("track after confirmation: %s", p.Text())
	}
}

// TestPortalDisclosureLimit: the disclosure forms count against the public
// rate limit like the rest of the portal, so that nobody can guess tracking
// secrets at will; over it they answer with the friendly page.
func TestPortalDisclosureLimit(t *testing.T) {
	w := newPortalWorld(t, map[string]string{"HOTLINE_PUBLIC_RATE_LIMIT": "3"})
	c := webtest.NewClient(t, w.s)
	form := c.Get("/portal/disclosure")
	if form.Status != 200 {
		t.Fatalf("portal form: %d", form.Status)
	}
	track := url.Values{"code": {"GK000000"}, "secret": {"WRONG"}}
	for i := 0; i < 2; i++ {
		if p := disclosurePortalPost(c, form, "/portal/disclosure/track", track); p.Status == http.StatusTooManyRequests {
			t.Fatalf("request %d of 3 refused", i+2)
		}
	}
	lim := disclosurePortalPost(c, form, "/portal/disclosure/track", track)
	if lim.Status != http.StatusTooManyRequests || lim.Header.Get("Retry-After") == "" || !strings.Contains(lim.Text(), "秒后再试") {
		t.Errorf("track over the limit: %d Retry-After %q: %s", lim.Status, lim.Header.Get("Retry-After"), lim.Text())
	}
	if p := disclosurePortalPost(c, form, "/portal/disclosure", url.Values{"name": {"张三"}}); p.Status != http.StatusTooManyRequests {
		t.Errorf("application over the limit: %d", p.Status)
	}
}
