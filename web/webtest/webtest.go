// Package webtest helps test the console's pages: accounts with known
// passwords, an HTTP client that signs in to the console like a browser
// (cookie session, CSRF token), pages parsed with golang.org/x/net/html, and
// (browser.go) a real Chromium driven by chromedp with axe-core.
//
// Without a browser:
//
//	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
//	op := webtest.NewAccount(t, s, domain.RoleOperator, "")
//	c := webtest.SignIn(t, s, op)          // lands on the role's home page
//	p := c.Get("/console/items/12")        // p.Status, p.Doc, p.Text()
//	p.Buttons(), p.Labels(), p.Headings()  // visible names, as CONSOLE.md fixes them
//	c.Post("/console/items/12/accept", nil) // the session's CSRF token is added
//	c.PostWithoutCSRF(...)                 // for the refusal tests
//
// In a browser (see browser.go): webtest.NewBrowser, then LoginAs, Visit,
// FillByLabel, SelectByLabel, CheckByLabel, ClickButton, Click (a CSS
// selector), Count, Text, Axe, Screenshot.
package webtest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"hotline/domain"
	"hotline/testenv"
)

// Account is a staff account whose password the test knows.
type Account struct {
	ID                 int64
	Username, Password string
	Role               domain.Role
	Unit               string
}

// NewAccount creates an account with the role (and unit, for unit roles)
// through the API.
func NewAccount(t testing.TB, s *testenv.Server, role domain.Role, unit string) Account {
	t.Helper()
	a := Account{Username: string(role) + "_" + strings.ToLower(randomName()), Role: role, Unit: unit}
	a.Password = "pw-" + a.Username + "-2026"
	body := map[string]any{"username": a.Username, "password": a.Password, "role": string(role)}
	if unit != "" {
		body["unit_code"] = unit
	}
	var out struct {
		ID int64 `json:"id"`
	}
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/users", Token: s.Admin(t), Body: body}).Decode(t, &out)
	a.ID = out.ID
	return a
}

// Client is a browser-like HTTP client of the console: it keeps cookies and
// the CSRF token of the last page it read.
type Client struct {
	t    testing.TB
	base string
	http *http.Client
	// CSRF is the token of the session (from the page's meta tag).
	CSRF string
}

// NewClient is a client without a session.
func NewClient(t testing.TB, s *testenv.Server) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, base: s.URL, http: &http.Client{Jar: jar}}
}

// SignIn signs the account in through the sign-in form and fails the test
// unless it lands on a page.
func SignIn(t testing.TB, s *testenv.Server, a Account) *Client {
	t.Helper()
	c := NewClient(t, s)
	p := c.LoginForm(a.Username, a.Password)
	if p.Status != 200 {
		t.Fatalf("sign in as %s: %d at %s: %s", a.Username, p.Status, p.URL, p.Text())
	}
	return c
}

// LoginForm reads the sign-in form and submits it with its token; the
// answer is the page the redirects end on.
func (c *Client) LoginForm(username, password string) *Page {
	c.t.Helper()
	form := c.Get("/console/login")
	token := form.InputValue("_csrf")
	return c.post("/console/login", url.Values{"username": {username}, "password": {password}, "_csrf": {token}})
}

// Page is a fetched page.
type Page struct {
	Status int
	URL    string // after redirects
	Header http.Header
	Body   string
	Doc    *html.Node
}

// Get fetches a page, following redirects.
func (c *Client) Get(path string) *Page {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return c.read(resp)
}

// Post submits a form with the session's CSRF token.
func (c *Client) Post(path string, v url.Values) *Page {
	c.t.Helper()
	if v == nil {
		v = url.Values{}
	}
	v.Set("_csrf", c.CSRF)
	return c.post(path, v)
}

// PostWithoutCSRF submits a form without any token.
func (c *Client) PostWithoutCSRF(path string, v url.Values) *Page {
	c.t.Helper()
	return c.post(path, v)
}

func (c *Client) post(path string, v url.Values) *Page {
	c.t.Helper()
	resp, err := c.http.PostForm(c.base+path, v)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	return c.read(resp)
}

func (c *Client) read(resp *http.Response) *Page {
	c.t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	p := &Page{Status: resp.StatusCode, URL: resp.Request.URL.Path, Header: resp.Header, Body: string(b)}
	if resp.Request.URL.RawQuery != "" {
		p.URL += "?" + resp.Request.URL.RawQuery
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		doc, err := html.Parse(strings.NewReader(p.Body))
		if err != nil {
			c.t.Fatalf("parse %s: %v", p.URL, err)
		}
		p.Doc = doc
		if t := p.MetaContent("csrf-token"); t != "" {
			c.CSRF = t
		}
	}
	return p
}

// Cookie returns the value of a cookie the client holds for a path.
func (c *Client) Cookie(path, name string) string {
	u, _ := url.Parse(c.base + path)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// Walk calls fn for every element of the page.
func (p *Page) Walk(fn func(n *html.Node)) {
	if p.Doc == nil {
		return
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			fn(n)
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(p.Doc)
}

// Elements returns the elements with the tag.
func (p *Page) Elements(tag string) []*html.Node {
	var out []*html.Node
	p.Walk(func(n *html.Node) {
		if n.Data == tag {
			out = append(out, n)
		}
	})
	return out
}

// Attr returns an attribute of an element.
func Attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// HasAttr reports whether an element has the attribute.
func HasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// TextOf is an element's text, whitespace collapsed.
func TextOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// Text is the text of the page's body.
func (p *Page) Text() string {
	if p.Doc == nil {
		return p.Body
	}
	for _, b := range p.Elements("body") {
		return TextOf(b)
	}
	return TextOf(p.Doc)
}

// textsOf lists the texts of the elements with the tag.
func (p *Page) textsOf(tag string) []string {
	var out []string
	for _, n := range p.Elements(tag) {
		out = append(out, TextOf(n))
	}
	return out
}

// Buttons are the texts of the page's <button>s.
func (p *Page) Buttons() []string { return p.textsOf("button") }

// Headings are the texts of h1 to h3.
func (p *Page) Headings() []string {
	var out []string
	p.Walk(func(n *html.Node) {
		if n.Data == "h1" || n.Data == "h2" || n.Data == "h3" {
			out = append(out, TextOf(n))
		}
	})
	return out
}

// Labels are the texts of the page's <label>s whose control exists (for=
// names an element id, or the control is inside the label).
func (p *Page) Labels() []string {
	ids := map[string]bool{}
	p.Walk(func(n *html.Node) {
		if id := Attr(n, "id"); id != "" {
			ids[id] = true
		}
	})
	var out []string
	for _, l := range p.Elements("label") {
		if ids[Attr(l, "for")] {
			out = append(out, TextOf(l))
		}
	}
	return out
}

// Options are the texts of the options of the select labelled label.
func (p *Page) Options(label string) []string {
	id := p.ControlID(label)
	var out []string
	p.Walk(func(n *html.Node) {
		if n.Data == "select" && Attr(n, "id") == id {
			for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
				if ch.Type == html.ElementNode && ch.Data == "option" {
					out = append(out, TextOf(ch))
				}
			}
		}
	})
	return out
}

// ControlID is the id of the control a label with this exact text names.
func (p *Page) ControlID(label string) string {
	for _, l := range p.Elements("label") {
		if TextOf(l) == label {
			return Attr(l, "for")
		}
	}
	return ""
}

// InputValue is the value of the first input named name.
func (p *Page) InputValue(name string) string {
	for _, n := range p.Elements("input") {
		if Attr(n, "name") == name {
			return Attr(n, "value")
		}
	}
	return ""
}

// MetaContent is the content of <meta name=name>.
func (p *Page) MetaContent(name string) string {
	for _, n := range p.Elements("meta") {
		if Attr(n, "name") == name {
			return Attr(n, "content")
		}
	}
	return ""
}

// Section returns the text of the <section> whose heading is exactly title.
func (p *Page) Section(title string) string {
	for _, s := range p.Elements("section") {
		for ch := s.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.Type == html.ElementNode && (ch.Data == "h2" || ch.Data == "h3") && TextOf(ch) == title {
				return TextOf(s)
			}
		}
	}
	return ""
}

// Contains reports whether list holds s.
func Contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Within returns the elements with the tag inside n.
func Within(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.Type == html.ElementNode && ch.Data == tag {
				out = append(out, ch)
			}
			walk(ch)
		}
	}
	walk(n)
	return out
}

// SetCookie gives the client a cookie for a path of the server.
func (c *Client) SetCookie(path, name, value string) {
	u, _ := url.Parse(c.base + path)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/console"}})
}
