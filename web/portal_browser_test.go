package web_test

import (
	"net/http"
	"strings"
	"testing"

	"hotline/web/webtest"
)

// fitsPhone fails the test when the page scrolls sideways at the viewport's
// 320 px.
func fitsPhone(t *testing.T, b *webtest.Browser, what string) {
	t.Helper()
	if w := b.ScrollWidth(); w > 320 {
		t.Errorf("%s at 320 px: the document is %d px wide", what, w)
	}
}

// TestPortalBrowser drives the portal in Chromium on a 320 px screen (as a
// phone, or a 640 px window at 200 % zoom): a citizen writes a letter
// (first with nothing filled in), reads the code and secret on the receipt,
// tracks the letter (已受理), the unit answers, the tracking page shows the
// answer, the citizen rates it through the link, and the link then says it
// was used. Then large text and high contrast are switched on and the pages
// are checked again. Every page and state is axe-clean and never wider than
// the screen.
func TestPortalBrowser(t *testing.T) {
	w := newPortalWorld(t, nil)
	b := webtest.NewBrowser(t, w.s.URL)
	b.SetViewport(320, 800)
	check := func(what string) {
		t.Helper()
		b.AssertAxeClean()
		fitsPhone(t, b, what)
	}

	if st := b.Visit("/portal/"); st != 200 {
		t.Fatalf("/portal/: %d", st)
	}
	check("home")
	b.Visit("/portal/write")
	check("write form")
	if st := b.ClickButton("提交"); st != http.StatusUnprocessableEntity || !strings.Contains(b.Text(), "请填写标题") {
		t.Fatalf("empty letter: %d %s", st, b.Text())
	}
	check("write form with errors")

	b.FillByLabel("姓名", "李大爷")
	b.FillByLabel("手机号码", "13912345678")
	b.SelectByLabel("诉求类型", "求助")
	b.FillByLabel("标题", "小区路灯不亮")
	b.FillByLabel("内容", "幸福小区3号楼前路灯坏了两周,晚上出门看不见路。")
	if st := b.ClickButton("提交"); st != 200 || b.Path() != "/portal/receipt" {
		t.Fatalf("letter: %d at %s: %s", st, b.Path(), b.Text())
	}
	code := b.ElementText("#receipt-code")
	secret := strings.ReplaceAll(b.ElementText("#receipt-secret"), " ", "")
	if code == "" || len(secret) != 16 || !strings.Contains(b.Text(), "查询码") || !strings.Contains(b.Text(), "查询密码") {
		t.Fatalf("receipt: %q %q: %s", code, secret, b.Text())
	}
	if !b.Visible("打印") || !b.Visible("复制查询码和查询密码") {
		t.Errorf("with JavaScript the receipt offers no 打印 or 复制 button")
	}
	check("receipt")
	b.Screenshot("portal-receipt")

	track := func() string {
		t.Helper()
		b.Visit("/portal/track")
		b.FillByLabel("查询码", code)
		b.FillByLabel("查询密码", secret)
		if st := b.ClickButton("查询"); st != 200 {
			t.Fatalf("track: %d %s", st, b.Text())
		}
		return b.Text()
	}
	if text := track(); !strings.Contains(text, "当前状态:已受理") {
		t.Fatalf("a new letter tracks as %s", text)
	}
	check("track result")

	id := w.itemID(t, code)
	w.answer(t, id, "路灯已于本周修复,感谢您的监督。")
	if text := track(); !strings.Contains(text, "当前状态:已答复") || !strings.Contains(text, "路灯已于本周修复") {
		t.Fatalf("an answered letter tracks as %s", text)
	}
	check("track with answer")

	link := w.ratingLink(t, id)
	if st := b.Visit(link); st != 200 || !strings.Contains(b.Text(), "路灯已于本周修复") {
		t.Fatalf("rating page: %d %s", st, b.Text())
	}
	check("rating form")
	b.CheckByLabel("满意")
	b.SelectByLabel("星级", "5 星(非常好)")
	b.CheckByLabel("问题已解决")
	if st := b.ClickButton("提交评价"); st != 200 || !strings.Contains(b.Text(), "您的评价已经收到") {
		t.Fatalf("rating: %d %s", st, b.Text())
	}
	check("rating thanks")
	if st := b.Visit(link); st != http.StatusGone || !strings.Contains(b.Text(), "这个评价链接已经用过了") || b.HasButton("提交评价") {
		t.Fatalf("used link: %d %s", st, b.Text())
	}
	check("used link")
	if text := track(); !strings.Contains(text, "当前状态:已回访") {
		t.Errorf("a rated letter tracks as %s", text)
	}

	// large text and high contrast, switched on with the header's buttons
	b.Visit("/portal/write")
	if st := b.ClickButton("大字模式已关"); st != 200 || b.Path() != "/portal/write" {
		t.Fatalf("大字模式: %d at %s", st, b.Path())
	}
	if st := b.ClickButton("高对比度已关"); st != 200 || !b.HasButton("大字模式已开") || !b.HasButton("高对比度已开") {
		t.Fatalf("高对比度: %d %s", st, b.Text())
	}
	check("write form, large text and high contrast")
	b.ClickButton("提交")
	check("write form with errors, large text and high contrast")
	b.Screenshot("portal-write-errors-large-contrast")
	for _, p := range []string{"/portal/", "/portal/receipt", "/portal/track", "/portal/letters", link} {
		b.Visit(p)
		check(p + ", large text and high contrast")
	}
	track()
	check("track result, large text and high contrast")
}

// TestPortalBrowserNoScript writes a letter with JavaScript switched off:
// the form still submits, shows its errors and keeps what was typed; the
// receipt shows the code and secret as plain text (the 打印 and 复制 buttons,
// which need the script, are not offered); the display switches work.
func TestPortalBrowserNoScript(t *testing.T) {
	w := newPortalWorld(t, nil)
	b := webtest.NewBrowser(t, w.s.URL)
	b.DisableScripts()
	b.SetViewport(320, 800)
	b.Visit("/portal/write")
	b.FillByLabel("标题", "公交站牌字太小")
	if st := b.ClickButton("提交"); st != http.StatusUnprocessableEntity || !strings.Contains(b.Text(), "请填写内容") ||
		!strings.Contains(b.Text(), "请选择诉求类型") {
		t.Fatalf("without JavaScript, an incomplete letter: %d %s", st, b.Text())
	}
	// (axe-core cannot run with scripts off: the same pages are checked with
	// them on in TestPortalBrowser)
	fitsPhone(t, b, "write form with errors, no script")
	b.SelectByLabel("诉求类型", "建议")
	b.FillByLabel("内容", "3路公交站牌字太小,老年人看不清。")
	if st := b.ClickButton("提交"); st != 200 || b.Path() != "/portal/receipt" {
		t.Fatalf("without JavaScript, a letter: %d at %s: %s", st, b.Path(), b.Text())
	}
	if b.ElementText("#receipt-code") == "" || b.ElementText("#receipt-secret") == "" || b.Visible("打印") {
		t.Errorf("receipt without JavaScript: %s", b.Text())
	}
	if st := b.ClickButton("大字模式已关"); st != 200 || !b.HasButton("大字模式已开") {
		t.Errorf("large text without JavaScript: %d", st)
	}
}
