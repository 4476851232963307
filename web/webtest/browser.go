package webtest

// A real browser for the console's tests: Debian's Chromium, headless, driven
// by chromedp (pinned to v0.23.0 in go.mod: the generic API, where actions
// return their values and talk to the browser over a pipe). axe-core 4.x is
// injected for the accessibility checks; it is vendored for tests only
// (testdata/axe.min.js, MPL-2.0, see web/static/VENDORED.md).
//
//	b := webtest.NewBrowser(t, s.URL)          // fails clearly without Chromium
//	b.LoginAs(account)                         // through the sign-in form
//	b.Visit("/console/items")                  // returns the HTTP status
//	b.FillByLabel("退回原因", "不属于本单位职责")   // fields by their <label> text
//	b.SelectByLabel("满意度", "满意")            // an option by its text
//	b.CheckByLabel("问题已解决")
//	b.ClickButton("签收")                       // waits for the page it loads; returns the status
//	b.Text(), b.Section("办理记录"), b.Path()
//	b.AssertAxeClean()                         // WCAG 2.0/2.1 A and AA rules of axe-core
//	b.Screenshot("inbox")                      // PNG in $HOTLINE_SCREENSHOTS (or the test's temp dir)
//
// Chromium is /usr/bin/chromium (HOTLINE_CHROMIUM overrides it). When it is
// missing the test fails with a message saying how to install it, unless
// HOTLINE_SKIP_BROWSER=1, which skips the test.

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

//go:embed testdata/axe.min.js
var axeSource string

// DefaultChromium is where Debian's chromium package puts the browser.
const DefaultChromium = "/usr/bin/chromium"

// Browser is one headless Chromium with a fresh profile, on one tab.
type Browser struct {
	t    testing.TB
	base string
	ctx  context.Context
}

// ChromiumPath is the browser the tests run, or "" when it is not installed.
func ChromiumPath() string {
	p := os.Getenv("HOTLINE_CHROMIUM")
	if p == "" {
		p = DefaultChromium
	}
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// NewBrowser starts Chromium for the test against the server at base; it is
// closed when the test ends.
func NewBrowser(t testing.TB, base string) *Browser {
	t.Helper()
	path := ChromiumPath()
	if path == "" {
		if os.Getenv("HOTLINE_SKIP_BROWSER") == "1" {
			t.Skip("no Chromium at " + DefaultChromium + " and HOTLINE_SKIP_BROWSER=1: browser test skipped")
		}
		t.Fatal("browser tests need Debian's Chromium at " + DefaultChromium +
			" (apt-get install chromium fonts-noto-cjk, which `make test` does); set HOTLINE_SKIP_BROWSER=1 to skip them")
	}
	profile, err := os.MkdirTemp("", "hotline-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	// a guard against a hung browser, not a timed assertion
	ctx, cancelGuard := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(func() {
		cancelGuard()
		cancelTab()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	b := &Browser{t: t, base: strings.TrimRight(base, "/"), ctx: ctx}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	return b
}

// Visit opens a path of the server and returns the HTTP status of the page
// it ends on.
func (b *Browser) Visit(path string) int {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("visit %s: %v", path, err)
	}
	return int(resp.Status)
}

// LoginAs signs the account in through the sign-in form and returns the
// path it lands on (the role's home page).
func (b *Browser) LoginAs(a Account) string {
	b.t.Helper()
	b.Visit("/console/login")
	b.FillByLabel("用户名", a.Username)
	b.FillByLabel("密码", a.Password)
	if st := b.ClickButton("登录"); st != 200 {
		b.t.Fatalf("sign in as %s: %d %s", a.Username, st, b.Text())
	}
	return b.Path()
}

// eval runs JavaScript and decodes its JSON result into T.
func eval[T any](b *Browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("script failed: %v\n%s", err, js)
	}
	return v
}

// controlJS finds the control of a label with this exact text.
func controlJS(label string) string {
	q, _ := json.Marshal(label)
	return `(() => { const want = ` + string(q) + `;
		const l = [...document.querySelectorAll("label")].find(l => l.textContent.replace(/\s+/g, " ").trim() === want);
		if (!l || !l.control) throw new Error("no control labelled " + want);
		return l.control; })()`
}

// FillByLabel types a value into the field with this label.
func (b *Browser) FillByLabel(label, value string) {
	b.t.Helper()
	v, _ := json.Marshal(value)
	eval[chromedp.Void](b, `(() => { const c = `+controlJS(label)+`; c.focus(); c.value = `+string(v)+`;
		c.dispatchEvent(new Event("input", {bubbles: true})); c.dispatchEvent(new Event("change", {bubbles: true})); })()`)
}

// SelectByLabel chooses the option with this text in the select with this
// label.
func (b *Browser) SelectByLabel(label, option string) {
	b.t.Helper()
	o, _ := json.Marshal(option)
	eval[chromedp.Void](b, `(() => { const c = `+controlJS(label)+`;
		const o = [...c.options].find(o => o.textContent.trim() === `+string(o)+`);
		if (!o) throw new Error("no option " + `+string(o)+`);
		c.value = o.value; c.dispatchEvent(new Event("change", {bubbles: true})); })()`)
}

// CheckByLabel ticks the checkbox with this label.
func (b *Browser) CheckByLabel(label string) {
	b.t.Helper()
	eval[chromedp.Void](b, `(() => { const c = `+controlJS(label)+`; if (!c.checked) c.click(); })()`)
}

// buttonXPath finds a button by its text.
func buttonXPath(text string) chromedp.Search {
	return chromedp.Search(`//button[normalize-space(.)="` + text + `"]`)
}

// ClickButton clicks the button with this text, waits for the page it loads
// and returns that page's HTTP status.
func (b *Browser) ClickButton(text string) int {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(buttonXPath(text)))
	if err != nil {
		b.t.Fatalf("click %s: %v", text, err)
	}
	return int(resp.Status)
}

// HasButton reports whether the page shows a button with this text.
func (b *Browser) HasButton(text string) bool {
	b.t.Helper()
	q, _ := json.Marshal(text)
	return eval[bool](b, `[...document.querySelectorAll("button")].some(x => x.textContent.replace(/\s+/g, " ").trim() === `+string(q)+`)`)
}

// RemoveCSRFTokens takes the CSRF token out of every form of the page, as a
// forged form would lack it.
func (b *Browser) RemoveCSRFTokens() {
	b.t.Helper()
	eval[chromedp.Void](b, `document.querySelectorAll('input[name="_csrf"]').forEach(e => e.remove())`)
}

// SubmitTwice submits the form matching a CSS selector twice in a row, as
// a double click does, waits for the page that loads and returns its HTTP
// status.
func (b *Browser) SubmitTwice(selector string) int {
	b.t.Helper()
	q, _ := json.Marshal(selector)
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Evaluate[chromedp.Void](
		`(() => { const f = document.querySelector(`+string(q)+`); f.requestSubmit(); f.requestSubmit(); })()`))
	if err != nil {
		b.t.Fatalf("submit %s twice: %v", selector, err)
	}
	return int(resp.Status)
}

// Text is the visible text of the page.
func (b *Browser) Text() string {
	b.t.Helper()
	return eval[string](b, `document.body.innerText`)
}

// Section is the visible text of the section headed title.
func (b *Browser) Section(title string) string {
	b.t.Helper()
	q, _ := json.Marshal(title)
	return eval[string](b, `(() => { const h = [...document.querySelectorAll("section h2, section h3")]
		.find(h => h.textContent.trim() === `+string(q)+`); return h ? h.closest("section").innerText : ""; })()`)
}

// Path is the path (and query) of the page shown.
func (b *Browser) Path() string {
	b.t.Helper()
	return eval[string](b, `location.pathname + location.search`)
}

// AxeViolation is one rule axe-core found broken.
type AxeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// Axe runs axe-core's WCAG 2.0 and 2.1 level A and AA rules on the page.
func (b *Browser) Axe() []AxeViolation {
	b.t.Helper()
	if !eval[bool](b, `typeof window.axe === "object"`) {
		eval[chromedp.Void](b, axeSource)
	}
	return eval[[]AxeViolation](b, `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
			nodes: v.nodes.map(n => n.target.join(" "))})))`)
}

// AssertAxeClean fails the test for every violation axe-core finds.
func (b *Browser) AssertAxeClean() {
	b.t.Helper()
	for _, v := range b.Axe() {
		b.t.Errorf("axe on %s: %s (%s): %s at %v", b.Path(), v.ID, v.Impact, v.Help, v.Nodes)
	}
}

// Screenshot saves the whole page as <name>.png in $HOTLINE_SCREENSHOTS, or
// in the test's temporary directory, and returns the file's path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	dir := os.Getenv("HOTLINE_SCREENSHOTS")
	if dir == "" {
		dir = b.t.TempDir()
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return p
}

// String names the browser in messages.
func (b *Browser) String() string { return fmt.Sprintf("Chromium at %s", b.base) }

// Press sends key presses to the page as a user types them (a shortcut
// such as "n" or "?").
func (b *Browser) Press(keys string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.KeyEvent(keys)); err != nil {
		b.t.Fatalf("press %q: %v", keys, err)
	}
}

// Blur takes the focus away from whatever field holds it, as a click on the
// page's background would.
func (b *Browser) Blur() {
	b.t.Helper()
	eval[chromedp.Void](b, `document.activeElement && document.activeElement.blur()`)
}

// FocusedLabel is the text of the label of the focused control ("" when
// the focus is on no labelled control).
func (b *Browser) FocusedLabel() string {
	b.t.Helper()
	return eval[string](b, `(() => { const a = document.activeElement;
		return a && a.labels && a.labels.length ? a.labels[0].textContent.replace(/\s+/g, " ").trim() : ""; })()`)
}

// Href is the address of the first link whose text is exactly text ("" if
// there is none).
func (b *Browser) Href(text string) string {
	b.t.Helper()
	q, _ := json.Marshal(text)
	return eval[string](b, `(() => { const a = [...document.querySelectorAll("a")]
		.find(a => a.textContent.replace(/\s+/g, " ").trim() === `+string(q)+`); return a ? a.getAttribute("href") : ""; })()`)
}

// FocusButton moves the keyboard focus to the button with this text (then
// Press("\r") activates it as a keyboard user would).
func (b *Browser) FocusButton(text string) {
	b.t.Helper()
	q, _ := json.Marshal(text)
	eval[chromedp.Void](b, `(() => { const x = [...document.querySelectorAll("button")].find(x => x.textContent.replace(/\s+/g, " ").trim() === `+string(q)+`);
		if (!x) throw new Error("no button " + `+string(q)+`); x.focus(); })()`)
}

// FieldValue is the value of the field with this label; Checked tells
// whether the checkbox with this label is ticked.
func (b *Browser) FieldValue(label string) string {
	b.t.Helper()
	return eval[string](b, `(`+controlJS(label)+`).value`)
}

// Checked reports whether the checkbox with this label is ticked.
func (b *Browser) Checked(label string) bool {
	b.t.Helper()
	return eval[bool](b, `(`+controlJS(label)+`).checked`)
}

// Click clicks the first element matching a CSS selector (a link, say),
// waits for the page it loads and returns that page's HTTP status.
func (b *Browser) Click(selector string) int {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(selector)))
	if err != nil {
		b.t.Fatalf("click %s: %v", selector, err)
	}
	return int(resp.Status)
}

// Count is how many elements match a CSS selector.
func (b *Browser) Count(selector string) int {
	b.t.Helper()
	q, _ := json.Marshal(selector)
	return eval[int](b, `document.querySelectorAll(`+string(q)+`).length`)
}
