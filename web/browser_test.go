package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hotline/domain"
	"hotline/testenv"
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

// TestBrowserLoop drives a call's whole life through the work pages, with
// the worker routing: the operator logs a call at the desk (the caller's
// history shown for a known number, `n` back to 来电号码), the router finds no
// rule and the desk says so, the operator dispatches it from the queue, the
// unit's clerk finds it in the inbox, signs for it and answers, the operator
// records the return visit from the visits page, and the item's timeline
// shows the visit and its closing. axe-core finds nothing on any work page.
func TestBrowserLoop(t *testing.T) {
	w := newWorldWith(t, testenv.Options{})
	_, earlier := w.call(t, "UA", false) // 13812345678 called before
	b := webtest.NewBrowser(t, w.s.URL)
	wait := func(what string, cond func() bool) { testenv.Eventually(t, 30*time.Second, what, cond) }

	// the desk
	if home := b.LoginAs(w.accounts[domain.RoleOperator]); home != "/console/desk" {
		t.Fatalf("operator lands on %s", home)
	}
	b.AssertAxeClean()
	b.Blur()
	b.Press("n")
	if got := b.FocusedLabel(); got != "来电号码" {
		t.Fatalf("n focuses %q, want 来电号码", got)
	}
	b.FillByLabel("来电号码", "138-1234-5678")
	wait("the caller's history", func() bool { return strings.Contains(b.Section("历史诉求"), earlier) })
	b.FillByLabel("来电人", "张先生")
	b.SelectByLabel("诉求类型", "投诉")
	b.FillByLabel("所属区域", "西湖区")
	b.FillByLabel("诉求内容", "小区门口夜间施工噪音扰民,希望尽快处理")
	wait("the similar items", func() bool { return strings.Contains(b.Section("相似诉求"), earlier) })
	b.AssertAxeClean() // with the history and the similar items shown
	b.Screenshot("desk")
	if st := b.ClickButton("提交"); st != 200 || !strings.Contains(b.Text(), "受理编号") {
		t.Fatalf("提交: %d %s", st, b.Text())
	}
	code := b.Section("来电已登记")
	code = strings.TrimSpace(strings.SplitN(strings.SplitN(code, "受理编号", 2)[1], "·", 2)[0])
	wait("the routing shown", func() bool { return strings.Contains(b.Section("来电已登记"), "待派单") })
	b.AssertAxeClean()

	// the dispatch queue
	if st := b.Visit("/console/dispatch"); st != 200 || !strings.Contains(b.Text(), code) {
		t.Fatalf("dispatch queue: %d %s", st, b.Text())
	}
	wait("the suggestions", func() bool { return !strings.Contains(b.Text(), "正在查找建议") })
	b.AssertAxeClean()
	b.CheckByLabel("选择 " + code)
	b.SelectByLabel("主办单位", "甲处")
	if st := b.ClickButton("派单"); st != 200 || !strings.Contains(b.Text(), "已派单 1 件") {
		t.Fatalf("派单: %d %s", st, b.Text())
	}
	b.ClickButton("退出")

	// the unit: inbox, sign for, answer
	if home := b.LoginAs(w.accounts[domain.RoleUnitStaff]); home != "/console/inbox" {
		t.Fatalf("unit staff lands on %s", home)
	}
	if !strings.Contains(b.Text(), code) || strings.Contains(b.Text(), "13812345678") {
		t.Fatalf("inbox: %s", b.Text())
	}
	b.AssertAxeClean()
	b.Screenshot("inbox")
	b.Visit("/console/notifications")
	b.AssertAxeClean()
	b.Visit("/console/inbox")
	item := b.Href(code)
	if item == "" {
		t.Fatalf("no link to %s in the inbox", code)
	}
	b.Visit(item)
	if st := b.ClickButton("签收"); st != 200 {
		t.Fatalf("签收: %d", st)
	}
	b.FillByLabel("答复内容", "已责令施工单位夜间停工,并安排巡查。")
	b.CheckByLabel("最终答复")
	if st := b.ClickButton("答复"); st != 200 || !strings.Contains(b.Section("办理记录"), "答复") {
		t.Fatalf("答复: %d %s", st, b.Text())
	}
	b.ClickButton("退出")

	// the approvals pages of a unit head and a manager
	for _, r := range []domain.Role{domain.RoleUnitHead, domain.RoleManager} {
		b.LoginAs(w.accounts[r])
		if st := b.Visit("/console/approvals"); st != 200 {
			t.Fatalf("approvals as %s: %d", r, st)
		}
		b.AssertAxeClean()
		b.ClickButton("退出")
	}

	// the return visit
	b.LoginAs(w.accounts[domain.RoleOperator])
	if st := b.Visit("/console/visits"); st != 200 || !strings.Contains(b.Text(), code) {
		t.Fatalf("visits: %d %s", st, b.Text())
	}
	b.AssertAxeClean()
	b.SelectByLabel("满意度", "满意")
	b.SelectByLabel("星级", "5 星")
	b.CheckByLabel("问题已解决")
	if st := b.ClickButton("回访"); st != 200 || !strings.Contains(b.Text(), "回访已记录") || strings.Contains(b.Text(), code) {
		t.Fatalf("回访: %d %s", st, b.Text())
	}
	b.Visit(item)
	timeline := b.Section("办理记录")
	if !strings.Contains(timeline, "回访") || !strings.Contains(timeline, "结案") || !strings.Contains(b.Section("基本信息"), "已结案") {
		t.Fatalf("the item after the visit: %s", b.Text())
	}
}

// TestBrowserDeskSubmitsOnce: 提交 pressed twice in a row stores one item;
// the page's script drops the second submit (the server would find the
// first item by the form's token anyway, see TestDeskSubmitsOnce).
func TestBrowserDeskSubmitsOnce(t *testing.T) {
	w := newWorld(t)
	b := webtest.NewBrowser(t, w.s.URL)
	b.LoginAs(w.accounts[domain.RoleOperator])
	b.FillByLabel("来电号码", "13700004444")
	b.SelectByLabel("诉求类型", "投诉")
	b.FillByLabel("诉求内容", "地铁站电梯停运一周无人维修")
	if st := b.SubmitTwice("#call-form"); st != 200 || !strings.Contains(b.Path(), "created=") || !strings.Contains(b.Text(), "受理编号") {
		t.Fatalf("提交 twice: %d %s %s", st, b.Path(), b.Text())
	}
	if strings.Contains(b.Text(), "该表单已提交过") {
		t.Errorf("the second submit reached the server: %s", b.Text())
	}
	h, err := w.s.Core.CallerHistory(context.Background(), w.managerViewer(), "13700004444")
	if err != nil {
		t.Fatal(err)
	}
	if h.Total != 1 {
		t.Errorf("%d items stored by a double submit", h.Total)
	}
}
