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

// portalWorld is a server with a unit UA, an operator and a clerk of UA (by
// API token), for letters written on the portal and answered by the unit.
type portalWorld struct {
	s         *testenv.Server
	op, clerk string
	letters   int // letters written, for distinct idempotency keys
}

func newPortalWorld(t *testing.T, env map[string]string) *portalWorld {
	t.Helper()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true, Env: env})
	s.Unit(t, "UA", "甲处")
	return &portalWorld{s: s, op: s.User(t, string(domain.RoleOperator), ""),
		clerk: s.User(t, string(domain.RoleUnitStaff), "UA")}
}

// letter writes a letter through the API and returns its id, code and secret.
func (w *portalWorld) letter(t *testing.T, title, content string, consent bool) (int64, string, string) {
	t.Helper()
	var rec struct {
		TrackingCode string `json:"tracking_code"`
		Secret       string `json:"secret"`
	}
	w.letters++
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/public/letters",
		Header: map[string]string{"Idempotency-Key": fmt.Sprintf("letter-%d", w.letters)},
		Body: map[string]any{"name": "王秀英", "phone": "13912345678", "kind": "complaint", "title": title,
			"content": content, "publish_consent": consent}}).Decode(t, &rec)
	return w.itemID(t, rec.TrackingCode), rec.TrackingCode, rec.Secret
}

func (w *portalWorld) itemID(t *testing.T, code string) int64 {
	t.Helper()
	var id int64
	if err := w.s.DB(t).Get(&id, `SELECT id FROM items WHERE tracking_code = $1`, code); err != nil {
		t.Fatalf("item %s: %v", code, err)
	}
	return id
}

// answer has the unit answer the letter (dispatch, sign for, final public
// reply) through the API.
func (w *portalWorld) answer(t *testing.T, id int64, body string) {
	t.Helper()
	path := func(s string) string { return fmt.Sprintf("/api/v1/items/%d/%s", id, s) }
	w.s.Expect(t, 200, testenv.Req{Method: "POST", Path: path("dispatch"), Token: w.op, Body: map[string]any{"primary_unit_code": "UA"}})
	w.s.Expect(t, 200, testenv.Req{Method: "POST", Path: path("accept"), Token: w.clerk})
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: path("replies"), Token: w.clerk,
		Body: map[string]any{"body": body, "final": true, "public": true}})
}

// ratingLink makes a rating link for the letter and returns its portal path.
func (w *portalWorld) ratingLink(t *testing.T, id int64) string {
	t.Helper()
	var link struct {
		Token string `json:"token"`
		URL   string `json:"url"`
	}
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/rating-links", id), Token: w.op}).Decode(t, &link)
	u, err := url.Parse(link.URL)
	if err != nil || u.Path != "/portal/rate/"+link.Token {
		t.Fatalf("rating link %q does not lead to the portal", link.URL)
	}
	return u.Path
}

// submit posts a form of the page with the page's own form token, as a
// browser would.
func submit(t *testing.T, c *webtest.Client, from *webtest.Page, path string, v url.Values) *webtest.Page {
	t.Helper()
	tok := from.InputValue("_csrf")
	if tok == "" {
		t.Fatalf("%s: no form token", from.URL)
	}
	v.Set("_csrf", tok)
	return c.PostWithoutCSRF(path, v)
}

// checkPortalPage holds a portal page to what every page must be: the
// console's rules (language, CSP, no inline script, one h1, tokens on
// forms), the portal's own stylesheet, its navigation, and the display
// switches.
func checkPortalPage(t *testing.T, p *webtest.Page) {
	t.Helper()
	checkPage(t, p)
	var css []string
	for _, l := range p.Elements("link") {
		css = append(css, webtest.Attr(l, "href"))
	}
	if len(css) != 1 || !strings.HasSuffix(css[0], "/portal.css") {
		t.Errorf("%s: stylesheets %v, want portal.css alone", p.URL, css)
	}
	var nav []string
	for _, n := range p.Elements("nav") {
		if webtest.Attr(n, "aria-label") == "信箱导航" {
			for _, a := range webtest.Within(n, "a") {
				nav = append(nav, webtest.Attr(a, "href"))
			}
		}
	}
	var want []string
	for _, pg := range web.Pages() {
		if pg.Portal && pg.Nav != "" {
			want = append(want, pg.Path)
		}
	}
	if strings.Join(nav, " ") != strings.Join(want, " ") {
		t.Errorf("%s: portal navigation %v, want %v", p.URL, nav, want)
	}
	for _, b := range []string{"大字模式", "高对比度"} {
		found := false
		for _, n := range p.Elements("button") {
			if strings.HasPrefix(webtest.TextOf(n), b) && webtest.HasAttr(n, "aria-pressed") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no %s switch", p.URL, b)
		}
	}
	if len(p.Elements("img")) != 0 {
		t.Errorf("%s: an image (no captcha images on the portal)", p.URL)
	}
	if p.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("%s: Cache-Control %q", p.URL, p.Header.Get("Cache-Control"))
	}
}

// summaryLinks are the targets of the error list at the top of the page.
func summaryLinks(p *webtest.Page) []string {
	var out []string
	p.Walk(func(n *html.Node) {
		if n.Data == "div" && strings.Contains(webtest.Attr(n, "class"), "errors") {
			for _, a := range webtest.Within(n, "a") {
				out = append(out, webtest.Attr(a, "href"))
			}
		}
	})
	return out
}

func inputByID(p *webtest.Page, id string) *html.Node {
	var out *html.Node
	p.Walk(func(n *html.Node) {
		if out == nil && webtest.Attr(n, "id") == id {
			out = n
		}
	})
	return out
}

// TestPortalPages opens every page of the portal's table without a session:
// each is a page of the portal (checked as HTML); an unknown address is the
// portal's 404; the home page tells the time limits of the SLA policies and
// links to every part of the mailbox.
func TestPortalPages(t *testing.T) {
	w := newPortalWorld(t, nil)
	c := webtest.NewClient(t, w.s)
	for _, pg := range web.Pages() {
		if !pg.Portal || pg.Method != "GET" || strings.Contains(pg.Path, ":") || pg.Path == "/portal/receipt" {
			continue
		}
		p := c.Get(pg.Path)
		if p.Status != http.StatusOK {
			t.Errorf("%s: %d", pg.Path, p.Status)
			continue
		}
		checkPortalPage(t, p)
	}
	if p := c.Get("/portal/nowhere"); p.Status != http.StatusNotFound || !strings.Contains(p.Text(), "页面不存在") {
		t.Errorf("unknown portal page: %d %s", p.Status, p.Text())
	} else {
		checkPortalPage(t, p)
	}
	home := c.Get("/portal")
	if home.Status != 200 || !strings.Contains(home.Text(), "这个信箱做什么") {
		t.Fatalf("/portal: %d %s", home.Status, home.Text())
	}
	policies, err := w.s.Core.SLAPolicies(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, pol := range policies {
		row := fmt.Sprintf("%s %d 个工作日内", domain.Kind(pol.Kind).Label(), pol.ReplyWorkdays)
		if !strings.Contains(home.Text(), row) {
			t.Errorf("home page: no row %q in %s", row, home.Text())
		}
	}
	var links []string
	for _, a := range home.Elements("a") {
		links = append(links, webtest.Attr(a, "href"))
	}
	for _, l := range []string{"/portal/write", "/portal/track", "/portal/letters", "/portal/disclosure"} {
		if !webtest.Contains(links, l) {
			t.Errorf("home page: no link to %s in %v", l, links)
		}
	}
}

// TestPortalWrite: the letter form's exact labels, required fields said in
// words, consent unticked; an empty or wrong letter comes back with the
// errors listed at the top (linked to the fields) and beside each field and
// everything typed kept; a form without its token is refused; a good letter
// leads to a receipt with its code and secret, which travel in no address;
// the receipt can be cleared.
func TestPortalWrite(t *testing.T) {
	w := newPortalWorld(t, nil)
	c := webtest.NewClient(t, w.s)
	form := c.Get("/portal/write")
	checkPortalPage(t, form)
	wantLabels(t, form, form.URL, "姓名", "手机号码", "电子邮箱", "诉求类型", "标题", "内容", "同意公开")
	if !webtest.Contains(form.Buttons(), "提交") {
		t.Errorf("write form: buttons %v", form.Buttons())
	}
	consent := inputByID(form, form.ControlID("同意公开"))
	if consent == nil || webtest.Attr(consent, "type") != "checkbox" || webtest.HasAttr(consent, "checked") {
		t.Errorf("同意公开 is not an unticked checkbox")
	}
	for _, l := range []string{"诉求类型", "标题", "内容"} {
		id := form.ControlID(l)
		if need := inputByID(form, id+"-need"); need == nil || webtest.TextOf(need) != "必填" ||
			!strings.Contains(webtest.Attr(inputByID(form, id), "aria-describedby"), id+"-need") {
			t.Errorf("%s is not said to be 必填 (linked to the field)", l)
		}
	}
	if got := form.Options("诉求类型"); strings.Join(got, " ") != "请选择 咨询 投诉 建议 求助 举报 表扬" {
		t.Errorf("诉求类型 options %v", got)
	}

	// nothing filled in but a bad phone and e-mail, and consent ticked
	p := submit(t, c, form, "/portal/write", url.Values{"name": {"李大爷"}, "phone": {"12ab"}, "email": {"not-mail"},
		"publish_consent": {"yes"}})
	if p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("empty letter: %d %s", p.Status, p.Text())
	}
	checkPortalPage(t, p)
	wantErr := map[string]string{"write-phone": "手机号码", "write-email": "电子邮箱", "write-kind": "请选择诉求类型",
		"write-title": "请填写标题", "write-content": "请填写内容"}
	for id, msg := range wantErr {
		if got := fieldError(p, id); !strings.Contains(got, msg) || strings.HasPrefix(got, "(not linked") {
			t.Errorf("beside %s: %q, want %q", id, got, msg)
		}
	}
	if got := summaryLinks(p); strings.Join(got, " ") != "#write-phone #write-email #write-kind #write-title #write-content" {
		t.Errorf("error list at the top links %v", got)
	}
	errs := strings.Index(p.Body, `class="errors"`)
	if errs < 0 || errs > strings.Index(p.Body, `<form method="post" action="/portal/write"`) {
		t.Errorf("the error list is not above the form")
	}
	if p.InputValue("name") != "李大爷" || p.InputValue("phone") != "12ab" || p.InputValue("email") != "not-mail" ||
		!webtest.HasAttr(inputByID(p, "write-consent"), "checked") {
		t.Errorf("typed values lost: %q %q %q", p.InputValue("name"), p.InputValue("phone"), p.InputValue("email"))
	}

	// a title and text typed, the kind missing: both kept
	p = submit(t, c, p, "/portal/write", url.Values{"title": {"小区路灯不亮"}, "content": {"幸福小区3号楼前路灯坏了两周"}})
	if p.Status != http.StatusUnprocessableEntity || p.InputValue("title") != "小区路灯不亮" ||
		!strings.Contains(webtest.TextOf(inputByID(p, "write-content")), "幸福小区3号楼前路灯坏了两周") {
		t.Errorf("typed title and text not kept: %d", p.Status)
	}
	if webtest.HasAttr(inputByID(p, "write-consent"), "checked") {
		t.Errorf("consent ticked though it was not sent")
	}

	// without the form token
	if p := c.PostWithoutCSRF("/portal/write", url.Values{"kind": {"complaint"}, "title": {"x"}, "content": {"y"}}); p.Status != http.StatusForbidden ||
		!strings.Contains(p.Text(), "重新打开后再提交") {
		t.Errorf("letter without token: %d %s", p.Status, p.Text())
	}

	// a good letter
	rec := submit(t, c, form, "/portal/write", url.Values{"name": {"李大爷"}, "phone": {"13912345678"}, "kind": {"help"},
		"title": {"小区路灯不亮"}, "content": {"幸福小区3号楼前路灯坏了两周"}})
	if rec.Status != 200 || rec.URL != "/portal/receipt" {
		t.Fatalf("receipt: %d at %s: %s", rec.Status, rec.URL, rec.Text())
	}
	checkPortalPage(t, rec)
	code := webtest.TextOf(inputByID(rec, "receipt-code"))
	secretNode := inputByID(rec, "receipt-secret")
	if code == "" || secretNode == nil {
		t.Fatalf("receipt without code or secret: %s", rec.Text())
	}
	secret := webtest.Attr(secretNode, "data-copy-value")
	if !strings.Contains(rec.Text(), "查询码 "+code) || !strings.Contains(rec.Text(), "查询密码 "+webtest.TextOf(secretNode)) ||
		strings.ReplaceAll(webtest.TextOf(secretNode), " ", "") != secret || len(secret) != 16 {
		t.Errorf("receipt reads %q", rec.Text())
	}
	if strings.Contains(rec.URL, secret) || strings.Contains(rec.URL, code) {
		t.Errorf("the receipt's address %s holds the code or secret", rec.URL)
	}
	// the print and copy buttons are there for the script to show; the
	// codes are plain text without it
	for _, b := range []string{"打印", "复制查询码和查询密码"} {
		if !webtest.Contains(rec.Buttons(), b) {
			t.Errorf("receipt: no %s button in %v", b, rec.Buttons())
		}
	}
	var id int64
	if err := w.s.DB(t).Get(&id, `SELECT id FROM items WHERE tracking_code = $1 AND channel = 'mailbox' AND NOT publish_consent`, code); err != nil {
		t.Errorf("the letter %s was not stored as a mailbox letter without consent: %v", code, err)
	}
	// the receipt can be read again for a while, and cleared
	if again := c.Get("/portal/receipt"); !strings.Contains(again.Text(), code) {
		t.Errorf("receipt on reload: %s", again.Text())
	}
	cleared := submit(t, c, rec, "/portal/receipt/clear", url.Values{})
	if cleared.URL != "/portal/" {
		t.Errorf("clear lands on %s", cleared.URL)
	}
	if gone := c.Get("/portal/receipt"); gone.Status != http.StatusNotFound || strings.Contains(gone.Text(), secret) ||
		!strings.Contains(gone.Text(), "回执只在提交后") {
		t.Errorf("cleared receipt: %d %s", gone.Status, gone.Text())
	}
}

// TestPortalTrack: the exact labels; a letter's progress in words with
// dates, then its answer; the secret as printed (groups of four, lower
// case) works; a wrong secret reads exactly like an unknown code.
func TestPortalTrack(t *testing.T) {
	w := newPortalWorld(t, nil)
	id, code, secret := w.letter(t, "公交站牌字太小", "3路公交站牌字太小,老年人看不清", false)
	c := webtest.NewClient(t, w.s)
	form := c.Get("/portal/track")
	wantLabels(t, form, form.URL, "查询码", "查询密码")
	if !webtest.Contains(form.Buttons(), "查询") {
		t.Errorf("track form: buttons %v", form.Buttons())
	}

	steps := func(p *webtest.Page) string {
		var out []string
		for _, ol := range p.Elements("ol") {
			for _, li := range webtest.Within(ol, "li") {
				s := webtest.TextOf(li)
				if webtest.Attr(li, "aria-current") == "step" {
					s = "[" + s + "]"
				}
				out = append(out, s)
			}
		}
		return strings.Join(out, " | ")
	}
	p := submit(t, c, form, "/portal/track", url.Values{"code": {strings.ToLower(code)}, "secret": {strings.ToLower(secret[:4] + " " + secret[4:])}})
	if p.Status != 200 {
		t.Fatalf("track: %d %s", p.Status, p.Text())
	}
	checkPortalPage(t, p)
	got := steps(p)
	if !strings.HasPrefix(got, "[✓ 已受理 20") || !strings.Contains(got, "○ 已转办 尚未进行") || !strings.Contains(got, "○ 已回访 尚未进行") ||
		!strings.Contains(p.Text(), "当前状态: 已受理") || !strings.Contains(p.Text(), "还没有答复") {
		t.Errorf("a new letter tracks as %q / %s", got, p.Text())
	}

	w.answer(t, id, "路灯已于本周修复,感谢您的监督。")
	p = submit(t, c, form, "/portal/track", url.Values{"code": {code}, "secret": {secret}})
	got = steps(p)
	if !strings.Contains(p.Text(), "当前状态: 已答复") || !strings.Contains(got, "[✓ 已答复 20") || !strings.Contains(got, "✓ 已转办 20") ||
		!strings.Contains(got, "✓ 办理中 20") || !strings.Contains(p.Text(), "路灯已于本周修复") {
		t.Errorf("an answered letter tracks as %q / %s", got, p.Text())
	}

	// wrong secret and unknown code: the same words, the same status
	wrong := submit(t, c, form, "/portal/track", url.Values{"code": {code}, "secret": {"WRONGSECRET12345"}})
	unknown := submit(t, c, form, "/portal/track", url.Values{"code": {"990101-AAAAAAAA"}, "secret": {"WRONGSECRET12345"}})
	if wrong.Status != http.StatusNotFound || unknown.Status != wrong.Status {
		t.Errorf("wrong secret %d, unknown code %d", wrong.Status, unknown.Status)
	}
	msg := func(p *webtest.Page) string {
		for _, d := range p.Elements("div") {
			if webtest.Attr(d, "class") == "errors" {
				return webtest.TextOf(d)
			}
		}
		return ""
	}
	if msg(wrong) == "" || msg(wrong) != msg(unknown) || strings.Contains(wrong.Text(), "公交站牌") {
		t.Errorf("wrong secret says %q, unknown code %q", msg(wrong), msg(unknown))
	}
	if wrong.InputValue("code") != code {
		t.Errorf("the code typed is not kept")
	}
	empty := submit(t, c, form, "/portal/track", url.Values{})
	if empty.Status != http.StatusUnprocessableEntity || fieldError(empty, "track-code") != "请填写查询码" ||
		fieldError(empty, "track-secret") != "请填写查询密码" || strings.Join(summaryLinks(empty), " ") != "#track-code #track-secret" {
		t.Errorf("empty track form: %d %v", empty.Status, summaryLinks(empty))
	}
}

// TestPortalRate: the letter and answer above the three choices, 星级 and
// 问题已解决; a rating without a choice comes back with errors beside the
// fields; a rating is taken once, after which the link says it was used; an
// expired and an unknown link say so in words.
func TestPortalRate(t *testing.T) {
	w := newPortalWorld(t, nil)
	id, code, secret := w.letter(t, "噪音扰民", "夜间施工噪音扰民,请管一管", false)
	w.answer(t, id, "已责令施工单位夜间停工。")
	path := w.ratingLink(t, id)
	c := webtest.NewClient(t, w.s)

	p := c.Get(path)
	if p.Status != 200 {
		t.Fatalf("rating page: %d %s", p.Status, p.Text())
	}
	checkPortalPage(t, p)
	wantLabels(t, p, p.URL, "满意", "基本满意", "不满意", "星级", "问题已解决")
	for _, l := range []string{"满意", "基本满意", "不满意"} {
		if in := inputByID(p, p.ControlID(l)); in == nil || webtest.Attr(in, "type") != "radio" || webtest.Attr(in, "name") != "satisfaction" {
			t.Errorf("%s is not a radio button of one group", l)
		}
	}
	if !webtest.Contains(p.Buttons(), "提交评价") {
		t.Errorf("rating page: buttons %v", p.Buttons())
	}
	text := p.Text()
	if !strings.Contains(text, "夜间施工噪音扰民") || !strings.Contains(text, "已责令施工单位夜间停工") ||
		strings.Index(text, "已责令施工单位") > strings.Index(text, "您对答复满意吗") {
		t.Errorf("the letter and answer are not shown above the choices: %s", text)
	}

	bad := submit(t, c, p, path, url.Values{"resolved": {"yes"}, "comment": {"处理及时"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(fieldError(bad, "rate-satisfaction"), "请选择") ||
		!strings.Contains(fieldError(bad, "rate-stars"), "请选择星级") {
		t.Errorf("rating without choices: %d %q %q", bad.Status, fieldError(bad, "rate-satisfaction"), fieldError(bad, "rate-stars"))
	}
	if !webtest.HasAttr(inputByID(bad, "rate-resolved"), "checked") || !strings.Contains(webtest.TextOf(inputByID(bad, "rate-comment")), "处理及时") {
		t.Errorf("typed values lost on the rating form")
	}

	done := submit(t, c, bad, path, url.Values{"satisfaction": {"basically_satisfied"}, "stars": {"4"}, "resolved": {"yes"}})
	if done.Status != 200 || !strings.Contains(done.Text(), "您的评价已经收到") {
		t.Fatalf("rating: %d %s", done.Status, done.Text())
	}
	checkPortalPage(t, done)
	var sat string
	if err := w.s.DB(t).Get(&sat, `SELECT satisfaction FROM ratings WHERE item_id = $1 AND source = 'link'`, id); err != nil || sat != "basically_satisfied" {
		t.Errorf("stored rating %q: %v", sat, err)
	}
	used := c.Get(path)
	if used.Status != http.StatusGone || !strings.Contains(used.Text(), "这个评价链接已经用过了") || webtest.Contains(used.Buttons(), "提交评价") {
		t.Errorf("used link: %d %s", used.Status, used.Text())
	}
	checkPortalPage(t, used)
	again := submit(t, c, used, path, url.Values{"satisfaction": {"dissatisfied"}, "stars": {"1"}})
	if again.Status != http.StatusGone || !strings.Contains(again.Text(), "已经用过") {
		t.Errorf("a second rating: %d %s", again.Status, again.Text())
	}
	// after the rating the letter tracks as visited
	tr := submit(t, c, used, "/portal/track", url.Values{"code": {code}, "secret": {secret}})
	if !strings.Contains(tr.Text(), "当前状态: 已回访") {
		t.Errorf("rated letter tracks as %s", tr.Text())
	}

	// an expired link
	id2, _, _ := w.letter(t, "井盖缺失", "人民路井盖缺失", false)
	w.answer(t, id2, "已补装井盖。")
	path2 := w.ratingLink(t, id2)
	if _, err := w.s.DB(t).Exec(`UPDATE rating_links SET expires_at = now() - interval '1 day' WHERE item_id = $1`, id2); err != nil {
		t.Fatal(err)
	}
	exp := c.Get(path2)
	if exp.Status != http.StatusGone || !strings.Contains(exp.Text(), "这个评价链接已经过期") || webtest.Contains(exp.Buttons(), "提交评价") {
		t.Errorf("expired link: %d %s", exp.Status, exp.Text())
	}
	checkPortalPage(t, exp)
	// an unknown link
	if p := c.Get("/portal/rate/no-such-token"); p.Status != http.StatusNotFound || !strings.Contains(p.Text(), "没有找到这个评价链接") {
		t.Errorf("unknown link: %d %s", p.Status, p.Text())
	}
}

// TestPortalLetters: published letters with their answers and no personal
// data, searchable by a word and paged.
func TestPortalLetters(t *testing.T) {
	w := newPortalWorld(t, nil)
	manager := w.s.User(t, string(domain.RoleManager), "")
	for i := 1; i <= 11; i++ {
		title := fmt.Sprintf("第%d号来信 路灯", i)
		if i == 11 {
			title = "王秀英反映菜市场占道"
		}
		id, _, _ := w.letter(t, title, "我是王秀英,电话13912345678,请处理", true)
		w.answer(t, id, fmt.Sprintf("答复%d:已处理。", i))
		w.s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/publish", id), Token: manager})
	}
	// a letter without consent is never listed (nor one not published)
	w.letter(t, "不公开的信", "内容", false)

	c := webtest.NewClient(t, w.s)
	p := c.Get("/portal/letters")
	checkPortalPage(t, p)
	if n := len(p.Elements("article")); n != 10 {
		t.Errorf("first page: %d letters, want 10", n)
	}
	if strings.Contains(p.Text(), "王秀英") || strings.Contains(p.Text(), "13912345678") || strings.Contains(p.Text(), "不公开的信") {
		t.Errorf("personal data or an unpublished letter on the list: %s", p.Text())
	}
	if !strings.Contains(p.Text(), "答复11:已处理") {
		t.Errorf("the newest answer is not shown: %s", p.Text())
	}
	var next string
	for _, a := range p.Elements("a") {
		if webtest.TextOf(a) == "下一页" {
			next = webtest.Attr(a, "href")
		}
	}
	if next == "" {
		t.Fatalf("no 下一页 link")
	}
	p2 := c.Get(next)
	if n := len(p2.Elements("article")); n != 1 || !strings.Contains(p2.Text(), "第1号来信") {
		t.Errorf("second page: %d letters: %s", n, p2.Text())
	}
	s := c.Get("/portal/letters?q=" + url.QueryEscape("第3号"))
	if n := len(s.Elements("article")); n != 1 || !strings.Contains(s.Text(), "答复3:已处理") || s.InputValue("q") != "第3号" {
		t.Errorf("search 第3号: %d letters: %s", n, s.Text())
	}
	none := c.Get("/portal/letters?q=" + url.QueryEscape("火星"))
	if len(none.Elements("article")) != 0 || !strings.Contains(none.Text(), "没有找到相关信件") {
		t.Errorf("search without hits: %s", none.Text())
	}
	long := c.Get("/portal/letters?q=" + url.QueryEscape(strings.Repeat("长", 101)))
	if long.Status != http.StatusUnprocessableEntity || !strings.Contains(fieldError(long, "letters-q"), "不要超过 100 个字") {
		t.Errorf("an over-long search: %d %s", long.Status, long.Text())
	}
}

// TestPortalDisplayAndLimit: the large-text and high-contrast switches work
// without a script (a form that sets a cookie and comes back); the portal
// counts against the API's own per-address limit and answers over it with a
// page in words and Retry-After.
func TestPortalDisplayAndLimit(t *testing.T) {
	w := newPortalWorld(t, map[string]string{"HOTLINE_PUBLIC_RATE_LIMIT": "5"})
	c := webtest.NewClient(t, w.s)
	form := c.Get("/portal/letters?q=x")
	p := submit(t, c, form, "/portal/display", url.Values{"toggle": {"large"}, "back": {"/portal/letters?q=x"}})
	if p.URL != "/portal/letters?q=x" || !strings.Contains(webtest.Attr(p.Elements("body")[0], "class"), "large") {
		t.Fatalf("large text: at %s, body class %q", p.URL, webtest.Attr(p.Elements("body")[0], "class"))
	}
	p = submit(t, c, p, "/portal/display", url.Values{"toggle": {"contrast"}, "back": {"https://evil.example/"}})
	if p.URL != "/portal/" || webtest.Attr(p.Elements("body")[0], "class") != "portal large contrast" {
		t.Errorf("high contrast: at %s, body class %q", p.URL, webtest.Attr(p.Elements("body")[0], "class"))
	}
	pressed := 0
	for _, b := range p.Elements("button") {
		if webtest.Attr(b, "aria-pressed") == "true" {
			pressed++
		}
	}
	if pressed != 2 {
		t.Errorf("%d switches pressed, want 2", pressed)
	}
	// five requests so far (a page, two switches and the two pages they led
	// back to): the API shares the budget
	w.s.Expect(t, 429, testenv.Req{Method: "GET", Path: "/api/v1/public/letters"})
	lim := c.Get("/portal/write")
	if lim.Status != http.StatusTooManyRequests || lim.Header.Get("Retry-After") == "" ||
		!strings.Contains(lim.Text(), "请等待") || !strings.Contains(lim.Text(), "秒后再试") {
		t.Errorf("over the limit: %d Retry-After %q: %s", lim.Status, lim.Header.Get("Retry-After"), lim.Text())
	}
	checkPortalPage(t, lim)
}
