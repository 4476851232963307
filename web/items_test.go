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

// every action button of CONSOLE.md's item page
var actionButtons = []string{"派单", "签收", "退回", "答复", "申请延期", "审核通过", "回访", "重办"}

// wantButtons checks that the item page offers exactly these actions.
func wantButtons(t *testing.T, p *webtest.Page, who string, want ...string) {
	t.Helper()
	if p.Status != 200 {
		t.Fatalf("%s: %d %s", who, p.Status, p.Text())
	}
	checkPage(t, p)
	for _, b := range actionButtons {
		has, should := webtest.Contains(p.Buttons(), b), webtest.Contains(want, b)
		if has != should {
			t.Errorf("%s: button %s shown=%v, want %v (buttons %v)", who, b, has, should, p.Buttons())
		}
	}
}

func wantLabels(t *testing.T, p *webtest.Page, who string, labels ...string) {
	t.Helper()
	for _, l := range labels {
		if !webtest.Contains(p.Labels(), l) {
			t.Errorf("%s: no field labelled %s (labels %v)", who, l, p.Labels())
		}
	}
}

// TestItemPage walks one item through its life, checking at each step which
// actions each role is offered, the masking, the timeline and the refusals.
func TestItemPage(t *testing.T) {
	w := newWorld(t)
	staff, head, op := w.signIn(t, domain.RoleUnitStaff), w.signIn(t, domain.RoleUnitHead), w.signIn(t, domain.RoleOperator)
	mgr, admin := w.signIn(t, domain.RoleManager), w.signIn(t, domain.RoleAdmin)
	other := webtest.SignIn(t, w.s, w.otherB)

	// a new call: the operator may dispatch it, to a unit chosen by name
	newID, code := w.call(t, "", false)
	page := fmt.Sprintf("/console/items/%d", newID)
	p := op.Get(page)
	wantButtons(t, p, "operator, received", "派单")
	wantLabels(t, p, "operator, received", "主办单位")
	if !strings.Contains(strings.Join(p.Headings(), " "), code) {
		t.Errorf("no heading holds the 受理编号 %s: %v", code, p.Headings())
	}
	if !webtest.Contains(p.Options("主办单位"), "甲处") {
		t.Errorf("主办单位 options %v", p.Options("主办单位"))
	}
	if !strings.Contains(p.Text(), "13812345678") {
		t.Errorf("the operator does not see the full phone number")
	}
	if p := op.Post(page+"/dispatch", url.Values{"primary_unit_code": {""}}); p.Status != http.StatusUnprocessableEntity ||
		fieldError(p, "dispatch-primary_unit_code") == "" {
		t.Errorf("dispatch without a unit: %d %q", p.Status, fieldError(p, "dispatch-primary_unit_code"))
	}
	if p := op.Post(page+"/dispatch", url.Values{"primary_unit_code": {"UA"}}); p.Status != 200 || p.URL != page+"?done=dispatch" {
		t.Fatalf("dispatch: %d %s %s", p.Status, p.URL, p.Text())
	}
	for who, c := range map[string]*webtest.Client{"manager": mgr, "admin": admin, "operator": op} {
		wantButtons(t, c.Get(page), who+", dispatched")
	}

	// the unit: sign for it or send it back; the phone masked; another unit sees nothing
	p = staff.Get(page)
	wantButtons(t, p, "unit staff, dispatched", "签收", "退回", "答复")
	wantLabels(t, p, "unit staff, dispatched", "退回原因", "答复内容")
	if webtest.Contains(p.Labels(), "最终答复") {
		t.Errorf("最终答复 offered before signing for the item")
	}
	if strings.Contains(p.Text(), "13812345678") || !strings.Contains(p.Text(), "138****5678") {
		t.Errorf("unit staff: phone not masked: %s", p.Section("基本信息"))
	}
	if p := other.Get(page); p.Status != http.StatusNotFound {
		t.Errorf("another unit's clerk opens the item: %d", p.Status)
	}
	if p := other.Post(page+"/accept", nil); p.Status != http.StatusNotFound {
		t.Errorf("another unit's clerk signs for the item: %d", p.Status)
	}
	if p := other.Get("/console/items"); strings.Contains(p.Text(), code) {
		t.Errorf("another unit's list shows %s", code)
	}

	// no CSRF token, no action
	if p := staff.PostWithoutCSRF(page+"/accept", url.Values{}); p.Status != http.StatusForbidden || !strings.Contains(p.Text(), "安全令牌") {
		t.Errorf("accept without CSRF token: %d %s", p.Status, p.Text())
	}
	if p := staff.PostWithoutCSRF(page+"/accept", url.Values{"_csrf": {"forged"}}); p.Status != http.StatusForbidden {
		t.Errorf("accept with a forged CSRF token: %d", p.Status)
	}
	if p := staff.Get(page); !webtest.Contains(p.Buttons(), "签收") {
		t.Errorf("a refused post changed the item")
	}
	// a return without a reason: the message beside 退回原因
	if p := staff.Post(page+"/return", url.Values{"reason": {"  "}}); p.Status != http.StatusUnprocessableEntity ||
		fieldError(p, "return-reason") != "此项必填" {
		t.Errorf("return without reason: %d %q", p.Status, fieldError(p, "return-reason"))
	}

	p = staff.Post(page+"/accept", nil)
	if p.URL != page+"?done=accept" || !strings.Contains(p.Section("办理记录"), "签收") {
		t.Fatalf("after 签收: %s, timeline %q", p.URL, p.Section("办理记录"))
	}
	wantButtons(t, p, "unit staff, accepted", "退回", "答复")
	wantLabels(t, p, "unit staff, accepted", "答复内容", "最终答复")
	p = head.Get(page)
	wantButtons(t, p, "unit head, accepted", "退回", "答复", "申请延期")
	wantLabels(t, p, "unit head, accepted", "延期工作日", "延期原因")
	if p := head.Post(page+"/extensions", url.Values{"workdays": {"0"}, "reason": {"材料未齐"}}); p.Status != http.StatusUnprocessableEntity ||
		fieldError(p, "extension-workdays") == "" {
		t.Errorf("extension of 0 days: %d %q", p.Status, fieldError(p, "extension-workdays"))
	}
	if p := op.Post(page+"/replies", url.Values{"body": {"x"}}); p.Status != http.StatusForbidden {
		t.Errorf("an operator replies for a unit: %d", p.Status)
	}

	// the final reply completes it; then the operator visits and may reopen
	if p := staff.Post(page+"/replies", url.Values{"body": {"已约谈司机并处罚。"}, "final": {"on"}}); p.URL != page+"?done=reply" {
		t.Fatalf("reply: %d %s %s", p.Status, p.URL, p.Text())
	}
	wantButtons(t, staff.Get(page), "unit staff, replied")
	p = op.Get(page)
	wantButtons(t, p, "operator, replied", "回访", "重办")
	wantLabels(t, p, "operator, replied", "满意度", "星级", "问题已解决", "重办原因")
	if got := strings.Join(p.Options("满意度"), ","); got != "请选择,满意,基本满意,不满意" {
		t.Errorf("满意度 options %s", got)
	}
	wantButtons(t, mgr.Get(page), "manager, replied", "重办")
	if p := op.Post(page+"/visits", url.Values{"stars": {"4"}}); p.Status != http.StatusUnprocessableEntity || fieldError(p, "visit-satisfaction") == "" {
		t.Errorf("visit without satisfaction: %d %q", p.Status, fieldError(p, "visit-satisfaction"))
	}
	p = op.Post(page+"/visits", url.Values{"satisfaction": {"dissatisfied"}, "stars": {"2"}})
	if p.URL != page+"?done=visit" || !strings.Contains(p.Section("办理记录"), "回访") || !strings.Contains(p.Text(), "不满意") {
		t.Fatalf("visit: %s %s", p.URL, p.Section("办理记录"))
	}
	p = op.Post(page+"/reopen", url.Values{"reason": {"群众不满意,重新办理"}})
	if p.URL != page+"?done=reopen" || !strings.Contains(p.Section("办理记录"), "重办") {
		t.Fatalf("reopen: %s %s", p.URL, p.Section("办理记录"))
	}
	wantButtons(t, staff.Get(page), "unit staff, reopened", "退回", "答复")
}

// TestReplyApproval: in a unit whose replies need its head, the clerk's final
// reply waits, and only the head is offered 审核通过.
func TestReplyApproval(t *testing.T) {
	w := newWorld(t)
	w.s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: "/api/v1/units/UA", Token: w.s.Admin(t),
		Body: map[string]any{"name": "甲处", "reply_approval": true}})
	id, _ := w.call(t, "UA", false)
	page := fmt.Sprintf("/console/items/%d", id)
	staff, head := w.signIn(t, domain.RoleUnitStaff), w.signIn(t, domain.RoleUnitHead)
	staff.Post(page+"/accept", nil)
	if p := staff.Post(page+"/replies", url.Values{"body": {"拟答复"}, "final": {"on"}}); p.URL != page+"?done=reply" {
		t.Fatalf("reply: %s %s", p.URL, p.Text())
	}
	p := staff.Get(page)
	wantButtons(t, p, "unit staff, reply pending", "退回", "答复")
	if webtest.Contains(p.Labels(), "最终答复") {
		t.Errorf("最终答复 offered while one waits for approval")
	}
	p = head.Get(page)
	wantButtons(t, p, "unit head, reply pending", "退回", "答复", "申请延期", "审核通过")
	var approve string
	for _, f := range p.Elements("form") {
		if strings.HasSuffix(webtest.Attr(f, "action"), "/approve") {
			approve = webtest.Attr(f, "action")
		}
	}
	if p := head.Post(approve, nil); p.URL != page+"?done=approve" || !strings.Contains(p.Section("办理记录"), "审核通过") {
		t.Fatalf("approve: %s %s", p.URL, p.Section("办理记录"))
	}
}

// TestConfidentialItem: unit roles see no citizen on a confidential item.
func TestConfidentialItem(t *testing.T) {
	w := newWorld(t)
	id, _ := w.call(t, "UA", true)
	p := w.signIn(t, domain.RoleUnitStaff).Get(fmt.Sprintf("/console/items/%d", id))
	if strings.Contains(p.Text(), "张先生") || strings.Contains(p.Text(), "5678") || !strings.Contains(p.Text(), "保密件") {
		t.Errorf("confidential item shows its citizen to the unit: %s", p.Section("基本信息"))
	}
	p = w.signIn(t, domain.RoleManager).Get(fmt.Sprintf("/console/items/%d", id))
	if !strings.Contains(p.Text(), "张先生") {
		t.Errorf("the manager does not see the citizen")
	}
}

// TestItemList: the columns of CONSOLE.md, remaining time as text, filters
// in the query string, bad filters shown beside their fields.
func TestItemList(t *testing.T) {
	w := newWorld(t)
	_, code := w.call(t, "UA", false)
	_, waiting := w.call(t, "", false)
	p := w.signIn(t, domain.RoleUnitHead).Get("/console/items")
	checkPage(t, p)
	var heads []string
	for _, th := range p.Elements("th") {
		heads = append(heads, webtest.TextOf(th))
	}
	if strings.Join(heads, ",") != "受理编号,标题,状态,主办单位,剩余时间" {
		t.Errorf("columns %v", heads)
	}
	var row string
	for _, tr := range p.Elements("tr") {
		if strings.Contains(webtest.TextOf(tr), code) {
			row = webtest.TextOf(tr)
		}
	}
	if !strings.Contains(row, "甲处") || !strings.Contains(row, "待签收") || !strings.Contains(row, "剩余") {
		t.Errorf("row of %s: %q", code, row)
	}
	if strings.Contains(p.Text(), waiting) {
		t.Errorf("the unit's list shows an item not dispatched to it")
	}
	op := w.signIn(t, domain.RoleOperator)
	p = op.Get("/console/items?status=received") // no worker: nothing routes it
	if !strings.Contains(p.Text(), waiting) || strings.Contains(p.Text(), code) {
		t.Errorf("status filter: %s", p.Text())
	}
	if p := op.Get("/console/items?from=2026-13-01&overdue=maybe"); p.Status != http.StatusUnprocessableEntity ||
		fieldError(p, "items-from") == "" || fieldError(p, "items-overdue") == "" {
		t.Errorf("bad filters: %d %q %q", p.Status, fieldError(p, "items-from"), fieldError(p, "items-overdue"))
	}
	if p := op.Get("/console/items/999999"); p.Status != http.StatusNotFound {
		t.Errorf("an unknown item: %d", p.Status)
	}
	if p := op.Get("/console/items/abc"); p.Status != http.StatusNotFound {
		t.Errorf("a bad item id: %d", p.Status)
	}
}
