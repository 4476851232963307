package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"hotline/domain"
	"hotline/testenv"
	"hotline/web"
	"hotline/web/webtest"
)

// world is a server with two units, an account of every role (unit roles in
// unit UA, one clerk of UB) and items logged by an operator.
type world struct {
	s        *testenv.Server
	accounts map[domain.Role]webtest.Account
	otherB   webtest.Account
	opToken  string
	calls    int // calls logged, for distinct idempotency keys
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldWith(t, testenv.Options{NoWorker: true})
}

func newWorldWith(t *testing.T, opts testenv.Options) *world {
	t.Helper()
	s := testenv.NewServer(t, opts)
	s.Unit(t, "UA", "甲处")
	s.Unit(t, "UB", "乙处")
	w := &world{s: s, accounts: map[domain.Role]webtest.Account{}}
	for _, r := range domain.Roles() {
		unit := ""
		if r.IsUnitRole() {
			unit = "UA"
		}
		w.accounts[r] = webtest.NewAccount(t, s, r, unit)
	}
	w.otherB = webtest.NewAccount(t, s, domain.RoleUnitStaff, "UB")
	w.opToken = s.Login(t, w.accounts[domain.RoleOperator].Username, w.accounts[domain.RoleOperator].Password)
	return w
}

// call logs a call and, when unit is set, dispatches it there.
func (w *world) call(t *testing.T, unit string, confidential bool) (int64, string) {
	t.Helper()
	var it struct {
		ID           int64  `json:"id"`
		TrackingCode string `json:"tracking_code"`
	}
	w.calls++
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: w.opToken,
		Header: map[string]string{"Idempotency-Key": fmt.Sprintf("k-%s-%v-%d", unit, confidential, w.calls)},
		Body: map[string]any{"caller_name": "张先生", "caller_phone": "13812345678", "kind": "complaint",
			"title": "出租车拒载", "content": "出租车司机拒载,车牌浙A12345", "confidential": confidential}}).Decode(t, &it)
	if unit != "" {
		w.s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/dispatch", it.ID), Token: w.opToken,
			Body: map[string]any{"primary_unit_code": unit}})
	}
	return it.ID, it.TrackingCode
}

func (w *world) signIn(t *testing.T, r domain.Role) *webtest.Client {
	return webtest.SignIn(t, w.s, w.accounts[r])
}

// checkPage holds every page to the rules of CONSOLE.md that HTML can show.
func checkPage(t *testing.T, p *webtest.Page) {
	t.Helper()
	if got := webtest.Attr(p.Elements("html")[0], "lang"); got != "zh-CN" {
		t.Errorf("%s: <html lang=%q>", p.URL, got)
	}
	csp := p.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("%s: Content-Security-Policy %q", p.URL, csp)
	}
	for _, s := range p.Elements("script") {
		if webtest.Attr(s, "src") == "" {
			t.Errorf("%s: an inline script", p.URL)
		}
	}
	if len(p.Elements("style")) > 0 {
		t.Errorf("%s: a <style> element", p.URL)
	}
	for _, tag := range []string{"div", "p", "span", "td", "section", "form", "input", "button", "label"} {
		for _, n := range p.Elements(tag) {
			if webtest.HasAttr(n, "style") || webtest.HasAttr(n, "onclick") || webtest.HasAttr(n, "onsubmit") {
				t.Errorf("%s: inline style or handler on <%s>", p.URL, tag)
			}
		}
	}
	if len(p.Elements("title")) != 1 || webtest.TextOf(p.Elements("title")[0]) == "" {
		t.Errorf("%s: no title", p.URL)
	}
	if len(p.Elements("h1")) != 1 {
		t.Errorf("%s: %d h1 headings", p.URL, len(p.Elements("h1")))
	}
	// every form that posts carries the CSRF token
	for _, f := range p.Elements("form") {
		if strings.EqualFold(webtest.Attr(f, "method"), "post") && !hasCSRFField(f) {
			t.Errorf("%s: a form to %s without _csrf", p.URL, webtest.Attr(f, "action"))
		}
	}
}

func hasCSRFField(f *html.Node) bool {
	for _, in := range webtest.Within(f, "input") {
		if webtest.Attr(in, "name") == "_csrf" && webtest.Attr(in, "value") != "" {
			return true
		}
	}
	return false
}

func allowed(p web.PageInfo, r domain.Role) bool {
	if p.Roles == nil {
		return true
	}
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// TestEveryPageEveryRole opens every page of the route table as every role:
// the roles the table allows get the page (checked as HTML), the others 403;
// every post the table forbids a role is refused before it does anything.
func TestEveryPageEveryRole(t *testing.T) {
	w := newWorld(t)
	id, _ := w.call(t, "UA", false)
	app := w.disclosure(t, "natural")
	pid, aid := w.proposal(t, "UA"), w.article(t, "UA", "published")
	rule := w.s.Rule(t, map[string]any{"priority": 10, "keywords": []string{"拒载"}, "primary_unit_code": "UA"})
	clients := map[domain.Role]*webtest.Client{}
	for _, r := range domain.Roles() {
		clients[r] = w.signIn(t, r)
	}
	for _, pg := range web.Pages() {
		if pg.Public {
			continue
		}
		path := strings.NewReplacer(":id", fmt.Sprint(id), ":app", fmt.Sprint(app), ":rid", "1", ":eid", "1", ":did", "1", ":nid", "1",
			":pid", fmt.Sprint(pid), ":aid", fmt.Sprint(aid), ":cid", "1", ":fid", "1", ":sid", "1",
			":code", "UA", ":uid", fmt.Sprint(w.accounts[domain.RoleOperator].ID), ":rule", fmt.Sprint(rule)).Replace(pg.Path)
		for _, r := range domain.Roles() {
			c := clients[r]
			if pg.Method == "GET" {
				p := c.Get(path)
				want := http.StatusOK
				if !allowed(pg, r) {
					want = http.StatusForbidden
				}
				if p.Status != want {
					t.Errorf("%s as %s: %d, want %d", path, r, p.Status, want)
					continue
				}
				if pg.Fragment {
					if p.Status == 200 && len(p.Elements("h1")) != 0 {
						t.Errorf("fragment %s as %s: a whole page", path, r)
					}
					continue
				}
				checkPage(t, p)
				if p.Status == 200 && !webtest.Contains(p.Buttons(), "退出") {
					t.Errorf("%s as %s: no 退出 button", path, r)
				}
				if pg.Path == "/console/" && p.URL != homeOf(r) {
					t.Errorf("/console/ as %s lands on %s", r, p.URL)
				}
				checkNav(t, p, r)
			} else if !allowed(pg, r) && pg.Path != "/console/logout" {
				if p := c.Post(path, url.Values{"reason": {"x"}, "body": {"x"}}); p.Status != http.StatusForbidden {
					t.Errorf("POST %s as %s: %d, want 403", path, r, p.Status)
				}
			}
		}
	}
}

func homeOf(r domain.Role) string {
	return map[domain.Role]string{domain.RoleOperator: "/console/desk", domain.RoleUnitStaff: "/console/inbox",
		domain.RoleUnitHead: "/console/inbox", domain.RoleManager: "/console/dashboard", domain.RoleAdmin: "/console/admin/"}[r]
}

// checkNav: the navigation lists exactly the pages of the table the role
// may open.
func checkNav(t *testing.T, p *webtest.Page, r domain.Role) {
	t.Helper()
	var links []string
	for _, nav := range p.Elements("nav") {
		if webtest.Attr(nav, "aria-label") != "主导航" {
			continue // a page's own navigation
		}
		for _, a := range webtest.Within(nav, "a") {
			links = append(links, webtest.Attr(a, "href"))
		}
	}
	var want []string
	for _, pg := range web.Pages() {
		if pg.Nav != "" && !pg.Portal && allowed(pg, r) {
			want = append(want, pg.Path)
		}
	}
	if strings.Join(links, " ") != strings.Join(want, " ") {
		t.Errorf("%s as %s: navigation %v, want %v", p.URL, r, links, want)
	}
}

// TestSignIn: each role lands on its home; wrong or missing credentials are
// shown beside the fields; the cookie is HttpOnly and SameSite=Strict and is
// no bearer token; logout and deactivation end the session at once.
func TestSignIn(t *testing.T) {
	w := newWorld(t)
	for _, r := range domain.Roles() {
		c := webtest.NewClient(t, w.s)
		p := c.LoginForm(w.accounts[r].Username, w.accounts[r].Password)
		if p.Status != 200 || p.URL != homeOf(r) {
			t.Errorf("%s lands on %d %s, want %s", r, p.Status, p.URL, homeOf(r))
		}
	}

	c := webtest.NewClient(t, w.s)
	form := c.Get("/console/login")
	checkPage(t, form)
	for _, l := range []string{"用户名", "密码"} {
		if !webtest.Contains(form.Labels(), l) {
			t.Errorf("login form: no field labelled %s in %v", l, form.Labels())
		}
	}
	if !webtest.Contains(form.Buttons(), "登录") {
		t.Errorf("login form: buttons %v", form.Buttons())
	}
	p := c.LoginForm(w.accounts[domain.RoleOperator].Username, "wrong-password")
	if p.Status != http.StatusUnauthorized || !strings.Contains(fieldError(p, "login-password"), "用户名或密码错误") {
		t.Errorf("wrong password: %d, message %q", p.Status, fieldError(p, "login-password"))
	}
	p = c.LoginForm("", "")
	if p.Status != http.StatusUnprocessableEntity || fieldError(p, "login-username") == "" || fieldError(p, "login-password") == "" {
		t.Errorf("empty form: %d, messages %q %q", p.Status, fieldError(p, "login-username"), fieldError(p, "login-password"))
	}
	// the sign-in form is refused without its token
	if p := c.PostWithoutCSRF("/console/login", url.Values{"username": {"x"}, "password": {"y"}}); p.Status != http.StatusForbidden || !strings.Contains(p.Text(), "安全令牌") {
		t.Errorf("sign-in without token: %d %s", p.Status, p.Text())
	}

	// the cookie's attributes, read from the raw answer
	acct := w.accounts[domain.RoleUnitStaff]
	c = webtest.NewClient(t, w.s)
	tok := c.Get("/console/login").InputValue("_csrf")
	req, _ := http.NewRequest("POST", w.s.URL+"/console/login", strings.NewReader(url.Values{"username": {acct.Username},
		"password": {acct.Password}, "_csrf": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", "hotline_login_csrf="+tok)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session string
	for _, ck := range resp.Cookies() {
		if ck.Name == "hotline_console" {
			session = ck.Value
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
				t.Errorf("session cookie: HttpOnly %v, SameSite %v", ck.HttpOnly, ck.SameSite)
			}
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == "" {
		t.Fatalf("sign in: %d, session cookie %q", resp.StatusCode, session)
	}
	w.s.Expect(t, 401, testenv.Req{Method: "GET", Path: "/api/v1/auth/me", Token: session})

	// logout kills the session at once
	c = w.signIn(t, domain.RoleUnitStaff)
	before := c.Cookie("/console/", "hotline_console")
	if p := c.Post("/console/logout", nil); p.URL != "/console/login" {
		t.Errorf("logout lands on %s", p.URL)
	}
	c2 := webtest.NewClient(t, w.s)
	if p := withCookie(t, c2, w.s, before).Get("/console/items"); !strings.HasPrefix(p.URL, "/console/login") {
		t.Errorf("a logged-out session still opens pages: %s", p.URL)
	}

	// a deactivated user's session dies
	head := w.accounts[domain.RoleUnitHead]
	c = w.signIn(t, domain.RoleUnitHead)
	w.s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: fmt.Sprintf("/api/v1/users/%d", head.ID), Token: w.s.Admin(t),
		Body: map[string]any{"active": false}})
	if p := c.Get("/console/items"); !strings.HasPrefix(p.URL, "/console/login") {
		t.Errorf("a deactivated user still opens pages: %s", p.URL)
	}
}

// withCookie puts a session token into a fresh client.
func withCookie(t *testing.T, c *webtest.Client, s *testenv.Server, token string) *webtest.Client {
	t.Helper()
	c.SetCookie("/console/", "hotline_console", token)
	return c
}

// fieldError is the message shown beside a field (the element
// <id>-err its aria-describedby names).
func fieldError(p *webtest.Page, id string) string {
	var msg string
	p.Walk(func(n *html.Node) {
		if webtest.Attr(n, "id") == id+"-err" {
			msg = webtest.TextOf(n)
		}
	})
	for _, in := range append(p.Elements("input"), append(p.Elements("textarea"), p.Elements("select")...)...) {
		if webtest.Attr(in, "id") == id && msg != "" && !webtest.Contains(strings.Fields(webtest.Attr(in, "aria-describedby")), id+"-err") {
			return "(not linked by aria-describedby) " + msg
		}
	}
	return msg
}
