package web_test

import (
	"fmt"
	"strings"
	"testing"

	"hotline/domain"
	"hotline/web/webtest"
)

// TestBrowser drives the console in Chromium: sign in and land on the home
// page, open an item, sign for it, see 签收 on the timeline; a form without
// its CSRF token is refused; another unit's clerk is refused the item; axe
// finds nothing on the sign-in page, the item list and the item page.
func TestBrowser(t *testing.T) {
	w := newWorld(t)
	id, code := w.call(t, "UA", false)
	item := fmt.Sprintf("/console/items/%d", id)
	b := webtest.NewBrowser(t, w.s.URL)

	if st := b.Visit("/console/login"); st != 200 {
		t.Fatalf("sign-in page: %d", st)
	}
	b.AssertAxeClean()
	if home := b.LoginAs(w.accounts[domain.RoleUnitStaff]); home != "/console/inbox" {
		t.Fatalf("unit staff lands on %s", home)
	}

	if st := b.Visit("/console/items"); st != 200 || !strings.Contains(b.Text(), code) {
		t.Fatalf("item list: %d, %s missing", st, code)
	}
	b.AssertAxeClean()

	if st := b.Visit(item); st != 200 || !b.HasButton("签收") {
		t.Fatalf("item page: %d, buttons missing: %s", st, b.Text())
	}
	b.AssertAxeClean()
	if st := b.ClickButton("签收"); st != 200 {
		t.Fatalf("签收: %d %s", st, b.Text())
	}
	if !strings.Contains(b.Section("办理记录"), "签收") || b.HasButton("签收") {
		t.Fatalf("after 签收 the timeline reads %q", b.Section("办理记录"))
	}
	b.AssertAxeClean() // with the success notice and the reply form
	b.Screenshot("item")

	// a form without its token
	b.RemoveCSRFTokens()
	b.FillByLabel("答复内容", "已联系出租车公司。")
	if st := b.ClickButton("答复"); st != 403 || !strings.Contains(b.Text(), "安全令牌") {
		t.Fatalf("reply without CSRF token: %d %s", st, b.Text())
	}
	b.Visit(item)
	if strings.Contains(b.Section("答复"), "已联系出租车公司") {
		t.Fatalf("the refused reply was stored")
	}

	// another unit's clerk
	if st := b.ClickButton("退出"); st != 200 || b.Path() != "/console/login" {
		t.Fatalf("退出: %d %s", st, b.Path())
	}
	b.LoginAs(w.otherB)
	if st := b.Visit(item); st != 404 || !strings.Contains(b.Text(), "找不到该事项") || strings.Contains(b.Text(), code) {
		t.Fatalf("another unit's item: %d %s", st, b.Text())
	}
}
