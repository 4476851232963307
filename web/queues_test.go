package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"hotline/core"
	"hotline/delivery"
	"hotline/domain"
	"hotline/testenv"
	"hotline/web/webtest"
)

// rowOf is the text of the table row or card that holds code ("" if none).
func rowOf(p *webtest.Page, code string) string {
	var out string
	p.Walk(func(n *html.Node) {
		if out == "" && (n.Data == "tr" || n.Data == "article" || n.Data == "li") && strings.Contains(webtest.TextOf(n), code) {
			out = webtest.TextOf(n)
		}
	})
	return out
}

// route runs the router on an item (the tests run no worker).
func (w *world) route(t *testing.T, id int64) {
	t.Helper()
	if _, err := w.s.Core.RouteItem(context.Background(), id); err != nil {
		t.Fatal(err)
	}
}

func (w *world) urgentCall(t *testing.T, unit string) (int64, string) {
	t.Helper()
	var it struct {
		ID           int64  `json:"id"`
		TrackingCode string `json:"tracking_code"`
	}
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: w.opToken,
		Header: map[string]string{"Idempotency-Key": "urgent-" + unit},
		Body:   map[string]any{"caller_phone": "13900001111", "kind": "help", "content": "老人走失,急需帮助寻找", "urgent": true}}).Decode(t, &it)
	w.s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/dispatch", it.ID), Token: w.opToken,
		Body: map[string]any{"primary_unit_code": unit}})
	return it.ID, it.TrackingCode
}

// postCall submits the desk's call form as a browser does: with the
// one-time token of a freshly rendered form.
func postCall(op *webtest.Client, v url.Values) *webtest.Page {
	v.Set("form_token", op.Get("/console/desk").InputValue("form_token"))
	return op.Post("/console/desk", v)
}

// TestDesk: the desk's fields and keys; the caller's history by a number
// typed any way, audited; messages beside the fields; a call answered on the
// spot; a call that waits for the router, then shows where it went; similar
// items and a merge chosen with the call.
func TestDesk(t *testing.T) {
	w := newWorld(t)
	earlierID, earlier := w.call(t, "UA", false)
	op := w.signIn(t, domain.RoleOperator)

	p := op.Get("/console/desk")
	checkPage(t, p)
	wantLabels(t, p, "desk", "来电号码", "来电人", "诉求类型", "诉求分类", "诉求内容", "所属区域", "紧急", "保密", "当场答复", "答复内容")
	if !webtest.Contains(p.Buttons(), "提交") || !webtest.Contains(p.Headings(), "历史诉求") {
		t.Errorf("desk: buttons %v, headings %v", p.Buttons(), p.Headings())
	}
	if labels := p.Labels(); len(labels) == 0 || labels[0] != "来电号码" {
		t.Errorf("the number is not the first field: %v", labels)
	}
	var phoneKey string
	for _, in := range p.Elements("input") {
		if webtest.Attr(in, "id") == p.ControlID("来电号码") {
			phoneKey = webtest.Attr(in, "data-shortcut")
		}
	}
	if phoneKey != "n" {
		t.Errorf("来电号码 answers the key %q, want n", phoneKey)
	}

	// the history, for the number typed with spaces
	h := op.Get("/console/desk/history?caller_phone=" + url.QueryEscape("138 1234 5678"))
	if h.Status != 200 || !strings.Contains(h.Text(), earlier) || !strings.Contains(h.Text(), "共 1 件") {
		t.Fatalf("history: %d %s", h.Status, h.Text())
	}
	entries, _, err := w.s.Core.AuditLog(context.Background(), core.AuditQuery{ItemID: earlierID}, core.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, e := range entries {
		audited = audited || (e.Action == "phone_viewed" && e.Detail == "caller history")
	}
	if !audited {
		t.Errorf("the history lookup was not audited: %+v", entries)
	}
	if h := op.Get("/console/desk/history?caller_phone=138"); !strings.Contains(h.Text(), "请输入完整的电话号码") || strings.Contains(h.Text(), earlier) {
		t.Errorf("a partial number: %s", h.Text())
	}
	if h := op.Get("/console/desk/history?caller_phone=13700000000"); !strings.Contains(h.Text(), "没有历史诉求") {
		t.Errorf("an unknown number: %s", h.Text())
	}

	// messages beside the fields
	p = postCall(op, url.Values{"caller_phone": {"12"}, "kind": {"complaint"}, "content": {" "}})
	if p.Status != http.StatusUnprocessableEntity || fieldError(p, "call-caller_phone") == "" || fieldError(p, "call-content") != "此项必填" {
		t.Errorf("bad call: %d %q %q", p.Status, fieldError(p, "call-caller_phone"), fieldError(p, "call-content"))
	}
	p = postCall(op, url.Values{"caller_phone": {"13812345678"}, "kind": {"consultation"}, "content": {"咨询公积金"}, "answered_on_call": {"on"}})
	if p.Status != http.StatusUnprocessableEntity || fieldError(p, "call-answer") == "" {
		t.Errorf("answered on the call without an answer: %d %q", p.Status, fieldError(p, "call-answer"))
	}

	// answered on the call: closed on the spot, nowhere to route
	p = postCall(op, url.Values{"caller_phone": {"13812345678"}, "caller_name": {"张先生"}, "kind": {"consultation"},
		"content": {"咨询公积金提取的材料"}, "answered_on_call": {"on"}, "answer": {"带身份证和购房合同到窗口办理。"}})
	if p.Status != 200 || !strings.HasPrefix(p.URL, "/console/desk?created=") || !strings.Contains(p.Text(), "受理编号") ||
		!strings.Contains(p.Text(), "已当场答复") {
		t.Fatalf("answered call: %d %s %s", p.Status, p.URL, p.Text())
	}

	// a call for the router: the page polls until it is routed
	p = postCall(op, url.Values{"caller_phone": {"13912345678"}, "kind": {"complaint"}, "content": {"小区门口占道经营"}})
	if p.Status != 200 || !strings.Contains(p.Text(), "正在按分派规则分派") {
		t.Fatalf("call: %d %s", p.Status, p.Text())
	}
	var poll string
	p.Walk(func(n *html.Node) {
		if strings.HasPrefix(webtest.Attr(n, "hx-get"), "/console/desk/calls/") {
			poll = webtest.Attr(n, "hx-get")
		}
	})
	if poll == "" || !strings.Contains(p.Text(), "受理编号") {
		t.Fatalf("no polling of the routing: %s", p.Body)
	}
	var newID int64
	fmt.Sscanf(strings.TrimPrefix(poll, "/console/desk/calls/"), "%d", &newID)
	w.route(t, newID)
	if f := op.Get(poll); !strings.Contains(f.Text(), "待派单") || strings.Contains(f.Body, "hx-trigger") {
		t.Errorf("after routing: %s", f.Body)
	}

	// similar items before submitting, and a merge chosen with the call
	s := op.Post("/console/desk/similar", url.Values{"caller_phone": {"13812345678"}, "content": {"出租车司机拒载"}})
	if s.Status != 200 || !strings.Contains(s.Text(), earlier) || !webtest.Contains(s.Labels(), "不合并,作为新事项登记") {
		t.Fatalf("similar: %d %s", s.Status, s.Text())
	}
	p = postCall(op, url.Values{"caller_phone": {"13812345678"}, "kind": {"complaint"},
		"content": {"出租车司机拒载,又来反映"}, "merge_into": {fmt.Sprint(earlierID)}})
	if p.Status != 200 || !strings.Contains(p.Text(), "已合并至") {
		t.Errorf("merge with the call: %d %s", p.Status, p.Text())
	}
}

// TestDeskSubmitsOnce: the same call form posted twice, one after the other
// and at once, stores one item, and the second answer names it; a merge that
// is refused stores nothing and says so beside the similar items, with the
// choice kept.
func TestDeskSubmitsOnce(t *testing.T) {
	w := newWorld(t)
	op := w.signIn(t, domain.RoleOperator)
	form := op.Get("/console/desk")
	submitOnce := false
	for _, f := range form.Elements("form") {
		submitOnce = submitOnce || (webtest.Attr(f, "id") == "call-form" && webtest.HasAttr(f, "data-submit-once"))
	}
	if form.InputValue("form_token") == "" || !submitOnce {
		t.Fatalf("the call form has no one-time token or no data-submit-once")
	}
	if again := op.Get("/console/desk").InputValue("form_token"); again == form.InputValue("form_token") {
		t.Errorf("two renderings share the token %q", again)
	}
	callsOf := func(phone string) int64 {
		h, err := w.s.Core.CallerHistory(context.Background(), w.managerViewer(), phone)
		if err != nil {
			t.Fatal(err)
		}
		return h.Total
	}
	post := func(phone string) url.Values {
		return url.Values{"form_token": {form.InputValue("form_token")}, "caller_phone": {phone}, "kind": {"complaint"},
			"content": {"公交车到站不停"}}
	}

	first := op.Post("/console/desk", post("13700001111"))
	second := op.Post("/console/desk", post("13700001111"))
	if first.Status != 200 || second.Status != 200 || first.URL+"&again=1" != second.URL {
		t.Fatalf("the form posted twice: %s then %s", first.URL, second.URL)
	}
	if !strings.Contains(second.Text(), "该表单已提交过,未重复登记") || !strings.Contains(second.Text(), "受理编号") {
		t.Errorf("the second answer: %s", second.Text())
	}
	if n := callsOf("13700001111"); n != 1 {
		t.Errorf("%d items stored by one form posted twice", n)
	}

	// a double click: both posts at once
	form = op.Get("/console/desk")
	// (a second session of the operator's: a test client is not safe for
	// concurrent use, and the token is the user's wherever it is posted)
	done := make(chan *webtest.Page, 2)
	for _, c := range []*webtest.Client{op, w.signIn(t, domain.RoleOperator)} {
		v := post("13700002222")
		go func() { done <- c.Post("/console/desk", v) }()
	}
	a, b := <-done, <-done
	if a.Status != 200 || b.Status != 200 || strings.TrimSuffix(a.URL, "&again=1") != strings.TrimSuffix(b.URL, "&again=1") {
		t.Errorf("a double click: %d %s and %d %s", a.Status, a.URL, b.Status, b.URL)
	}
	if n := callsOf("13700002222"); n != 1 {
		t.Errorf("%d items stored by a double click", n)
	}

	// a post without a token is refused as a whole, with a new token
	v := post("13700003333")
	v.Del("form_token")
	if p := op.Post("/console/desk", v); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(), "表单已失效") ||
		p.InputValue("form_token") == "" || callsOf("13700003333") != 0 {
		t.Errorf("no token: %d %q %s", p.Status, p.InputValue("form_token"), p.Text())
	}

	// a merge into an item merged away: nothing stored, the message beside
	// the similar items, which are shown again with the choice
	survivorID, survivor := w.call(t, "UA", false)
	dupID, _ := w.call(t, "UA", false)
	if _, err := w.s.Core.Merge(context.Background(), w.operatorViewer(), dupID, core.MergeInput{IntoID: survivorID}); err != nil {
		t.Fatal(err)
	}
	form = op.Get("/console/desk")
	v = url.Values{"form_token": {form.InputValue("form_token")}, "caller_phone": {"13812345678"}, "kind": {"complaint"},
		"content": {"出租车司机拒载,车牌浙A12345"}, "merge_into": {fmt.Sprint(dupID)}}
	p := op.Post("/console/desk", v)
	if p.Status != http.StatusUnprocessableEntity || fieldError(p, "call-merge_into") == "" {
		t.Fatalf("a merge into a merged item: %d %q", p.Status, fieldError(p, "call-merge_into"))
	}
	if n := callsOf("13812345678"); n != 2 {
		t.Errorf("%d items of the caller after a refused merge; want the 2 made before", n)
	}
	if p.InputValue("form_token") != v.Get("form_token") {
		t.Errorf("the form came back with another token")
	}
	if msg := fieldError(p, "call-merge_into"); !strings.Contains(msg, "已合并") {
		t.Errorf("the message beside the similar items: %q", msg)
	}
	// the similar items are shown again (the merged one is no longer among
	// them), with the choice not to merge
	if !strings.Contains(p.Text(), "合并到 "+survivor) || !webtest.Contains(p.Labels(), "不合并,作为新事项登记") {
		t.Errorf("the similar items are not shown again: %s", p.Text())
	}
}

// TestDispatchQueue: oldest first with suggested units; one dispatched by a
// suggestion's button, two at once with the checkboxes; nothing ticked is a
// message beside the list.
func TestDispatchQueue(t *testing.T) {
	w := newWorld(t)
	var ids []int64
	var codes []string
	for i := 0; i < 3; i++ {
		id, code := w.call(t, "", false)
		w.route(t, id) // no rules yet: pending_dispatch
		ids, codes = append(ids, id), append(codes, code)
	}
	ctx := context.Background()
	if _, err := w.s.Core.CreateRule(ctx, core.RuleInput{Priority: ptr(10), Keywords: &[]string{"出租车"}, PrimaryUnitCode: ptr("UB")}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []domain.Role{domain.RoleOperator, domain.RoleManager} {
		p := w.signIn(t, r).Get("/console/dispatch")
		checkPage(t, p)
		text := p.Text()
		if !(strings.Index(text, codes[0]) < strings.Index(text, codes[1]) && strings.Index(text, codes[1]) < strings.Index(text, codes[2])) ||
			!strings.Contains(text, "共 3 件") {
			t.Errorf("%s: queue not oldest first: %s", r, text)
		}
		wantLabels(t, p, string(r), "主办单位", "协办单位(可多选)", "全选")
		if !webtest.Contains(p.Buttons(), "派单") {
			t.Errorf("%s: buttons %v", r, p.Buttons())
		}
	}
	op := w.signIn(t, domain.RoleOperator)
	s := op.Get(fmt.Sprintf("/console/dispatch/%d/suggestions", ids[0]))
	if !webtest.Contains(s.Buttons(), "派至乙处") || !strings.Contains(s.Text(), "分派规则 #") {
		t.Fatalf("suggestions: %s", s.Text())
	}
	var quick string
	for _, b := range s.Elements("button") {
		if webtest.TextOf(b) == "派至乙处" {
			quick = webtest.Attr(b, "value")
		}
	}
	if p := op.Post("/console/dispatch", url.Values{"quick": {quick}}); p.URL != "/console/dispatch?done=1" || strings.Contains(p.Text(), codes[0]) {
		t.Fatalf("quick dispatch: %s %s", p.URL, p.Text())
	}
	if p := op.Post("/console/dispatch", url.Values{"primary_unit_code": {"UA"}}); p.Status != http.StatusUnprocessableEntity ||
		fieldError(p, "dispatch-ids") == "" {
		t.Errorf("nothing ticked: %d %s", p.Status, p.Text())
	}
	p := op.Post("/console/dispatch", url.Values{"ids": {fmt.Sprint(ids[1]), fmt.Sprint(ids[2])}, "primary_unit_code": {"UA"},
		"co_unit_codes": {"UB"}})
	if p.URL != "/console/dispatch?done=2" || !strings.Contains(p.Text(), "已派单 2 件") || strings.Contains(p.Text(), codes[1]) {
		t.Fatalf("bulk dispatch: %s %s", p.URL, p.Text())
	}
	for _, id := range ids[1:] {
		d, err := w.s.Core.GetItem(ctx, w.managerViewer(), id)
		if err != nil || deref(d.PrimaryUnitCode) != "UA" || strings.Join(d.CoUnitCodes, ",") != "UB" {
			t.Errorf("item %d after bulk dispatch: %v %v %v", id, err, d.PrimaryUnitCode, d.CoUnitCodes)
		}
	}
	// dispatching an item again is refused, by name
	p = op.Post("/console/dispatch", url.Values{"ids": {fmt.Sprint(ids[1])}, "primary_unit_code": {"UA"}})
	if p.Status != http.StatusConflict || !strings.Contains(p.Text(), "已不在待派单状态") {
		t.Errorf("dispatch twice: %d %s", p.Status, p.Text())
	}
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestInbox: a unit's items by remaining time, masked, another unit's
// absent; the views in the query string; counts; the notification badge
// and list.
func TestInbox(t *testing.T) {
	w := newWorld(t)
	id, code := w.call(t, "UA", false)
	_, urgent := w.urgentCall(t, "UA")
	_, other := w.call(t, "UB", true)
	staff := w.signIn(t, domain.RoleUnitStaff)

	p := staff.Get("/console/inbox")
	checkPage(t, p)
	var heads []string
	for _, th := range p.Elements("th") {
		heads = append(heads, webtest.TextOf(th))
	}
	if strings.Join(heads, ",") != "受理编号,标题,状态,主办单位,剩余时间" {
		t.Errorf("columns %v", heads)
	}
	text := p.Text()
	if !strings.Contains(text, code) || !strings.Contains(text, urgent) || strings.Contains(text, other) {
		t.Fatalf("inbox of UA: %s", text)
	}
	if strings.Index(text, urgent) > strings.Index(text, code) {
		t.Errorf("the urgent item (less time left) is not first")
	}
	if row := rowOf(p, code); !strings.Contains(row, "待签收") || !strings.Contains(row, "剩余") {
		t.Errorf("row of %s: %q", code, row)
	}
	if strings.Contains(text, "13812345678") {
		t.Errorf("the inbox shows a full phone number")
	}
	if !strings.Contains(text, "待签收 2 件") || !strings.Contains(text, "办理中 0 件") {
		t.Errorf("counts: %s", text)
	}
	if p := webtest.SignIn(t, w.s, w.otherB).Get("/console/inbox"); strings.Contains(p.Text(), code) || !strings.Contains(p.Text(), other) {
		t.Errorf("inbox of UB: %s", p.Text())
	}

	staff.Post(fmt.Sprintf("/console/items/%d/accept", id), nil)
	p = staff.Get("/console/inbox?stage=accepted")
	if !strings.Contains(p.Text(), code) || strings.Contains(p.Text(), urgent) {
		t.Errorf("view 办理中: %s", p.Text())
	}
	var current string
	for _, a := range p.Elements("a") {
		if webtest.Attr(a, "aria-current") == "page" && strings.HasPrefix(webtest.Attr(a, "href"), "/console/inbox") {
			current = webtest.TextOf(a)
		}
	}
	if !strings.HasPrefix(current, "办理中 1") {
		t.Errorf("current view %q", current)
	}
	if c := staff.Get("/console/inbox/counts?stage=accepted"); c.Status != 200 || !strings.Contains(c.Text(), "待签收 1 件") {
		t.Errorf("counts fragment: %d %s", c.Status, c.Text())
	}
	if p := staff.Get("/console/inbox?stage=bogus&overdue=maybe"); p.Status != http.StatusUnprocessableEntity || fieldError(p, "inbox-overdue") == "" {
		t.Errorf("bad filter: %d", p.Status)
	}
	if p := staff.Get("/console/inbox?stage=bogus"); p.Status != http.StatusUnprocessableEntity || fieldError(p, "inbox-stage") == "" {
		t.Errorf("bad stage: %d", p.Status)
	}

	// the badge counts the notices of the two dispatches; reading one lowers it
	badge := func() string {
		for _, a := range staff.Get("/console/inbox").Elements("a") {
			if webtest.Attr(a, "id") == "notif-badge" {
				return webtest.TextOf(a)
			}
		}
		return ""
	}
	if got := badge(); !strings.HasPrefix(got, "通知 2") {
		t.Errorf("badge %q", got)
	}
	n := staff.Get("/console/notifications")
	checkPage(t, n)
	if !strings.Contains(n.Text(), code) || !strings.Contains(n.Text(), "未读 2 条") {
		t.Fatalf("notifications: %s", n.Text())
	}
	var read string
	for _, f := range n.Elements("form") {
		if strings.HasSuffix(webtest.Attr(f, "action"), "/read") {
			read = webtest.Attr(f, "action")
		}
	}
	if p := staff.Post(read, nil); p.URL != "/console/notifications?done=read" || !strings.Contains(p.Text(), "未读 1 条") {
		t.Errorf("mark read: %s %s", p.URL, p.Text())
	}
	if got := badge(); !strings.HasPrefix(got, "通知 1") {
		t.Errorf("badge after reading %q", got)
	}
	if f := staff.Get("/console/notifications/badge"); !strings.Contains(f.Text(), "通知 1") {
		t.Errorf("badge fragment %s", f.Body)
	}
	// another user's notice cannot be marked
	if p := webtest.SignIn(t, w.s, w.otherB).Post(read, nil); p.Status != http.StatusNotFound {
		t.Errorf("another user's notice: %d", p.Status)
	}
}

// TestInboxCoHandling: an item another unit leads and the viewer's unit
// co-handles is in the viewer's inbox, marked as such, until the unit
// returns its part; the lead unit's inbox is not changed by it.
func TestInboxCoHandling(t *testing.T) {
	w := newWorld(t)
	id, code := w.call(t, "", false)
	w.s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/dispatch", id), Token: w.opToken,
		Body: map[string]any{"primary_unit_code": "UB", "co_unit_codes": []string{"UA"}}})
	staff := w.signIn(t, domain.RoleUnitStaff)
	if row := rowOf(staff.Get("/console/inbox?role=co"), code); !strings.Contains(row, "本单位协办") || !strings.Contains(row, "乙处") {
		t.Fatalf("co-handled item in UA's inbox: %q", row)
	}
	if p := staff.Get("/console/inbox?role=primary"); strings.Contains(p.Text(), code) {
		t.Errorf("a co-handled item under 主办: %s", p.Text())
	}
	if p := staff.Get("/console/inbox"); !strings.Contains(p.Text(), "待签收 1 件") {
		t.Errorf("counts of UA: %s", p.Text())
	}
	b := webtest.SignIn(t, w.s, w.otherB)
	if row := rowOf(b.Get("/console/inbox"), code); row == "" || strings.Contains(row, "本单位协办") {
		t.Errorf("UB's inbox row: %q", row)
	}
	staff.Post(fmt.Sprintf("/console/items/%d/return", id), url.Values{"reason": {"不属于本单位职责"}})
	if p := staff.Get("/console/inbox"); strings.Contains(p.Text(), code) || !strings.Contains(p.Text(), "待签收 0 件") {
		t.Errorf("UA's inbox after returning its part: %s", p.Text())
	}
	if p := b.Get("/console/inbox"); !strings.Contains(p.Text(), code) {
		t.Errorf("UB's inbox after UA returned its part: %s", p.Text())
	}
}

// failing fails every message for good.
type failing struct{}

func (failing) Send(context.Context, delivery.Message) error {
	return delivery.Permanent(errors.New("号码不存在"))
}
func (failing) Name() string { return "test-failing" }

// TestVisits: answered items with the visit form; a satisfied visit closes
// one and it leaves the queue; a dissatisfied one stays with 重办; a failed
// message is listed and sent again.
func TestVisits(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	staff, op := w.signIn(t, domain.RoleUnitStaff), w.signIn(t, domain.RoleOperator)
	answer := func() (int64, string) {
		id, code := w.call(t, "UA", false)
		page := fmt.Sprintf("/console/items/%d", id)
		staff.Post(page+"/accept", nil)
		if p := staff.Post(page+"/replies", url.Values{"body": {"已处理。"}, "final": {"on"}}); p.URL != page+"?done=reply" {
			t.Fatalf("reply: %s %s", p.URL, p.Text())
		}
		return id, code
	}
	good, goodCode := answer()
	bad, badCode := answer()

	p := op.Get("/console/visits")
	checkPage(t, p)
	if !strings.Contains(p.Text(), goodCode) || !strings.Contains(p.Text(), badCode) {
		t.Fatalf("visit queue: %s", p.Text())
	}
	wantLabels(t, p, "visits", "满意度", "星级", "问题已解决")
	if got := strings.Join(p.Options("满意度"), ","); got != "请选择,满意,基本满意,不满意" {
		t.Errorf("满意度 options %s", got)
	}
	if strings.Contains(p.Text(), "13812345678") {
		t.Errorf("the visit queue shows a full number")
	}

	p = op.Post(fmt.Sprintf("/console/items/%d/visits", good), url.Values{"satisfaction": {"satisfied"}, "stars": {"5"},
		"resolved": {"on"}, "back": {"/console/visits"}})
	if p.URL != "/console/visits?done=visit" || !strings.Contains(p.Text(), "回访已记录") || strings.Contains(p.Text(), goodCode) {
		t.Fatalf("satisfied visit: %s %s", p.URL, p.Text())
	}
	p = op.Post(fmt.Sprintf("/console/items/%d/visits", bad), url.Values{"satisfaction": {"dissatisfied"}, "back": {"/console/visits"}})
	if row := rowOf(p, badCode); !strings.Contains(row, "群众不满意") || !webtest.Contains(p.Buttons(), "重办") {
		t.Fatalf("dissatisfied visit: %q %v", row, p.Buttons())
	}
	wantLabels(t, p, "visits, dissatisfied", "重办原因")
	p = op.Post(fmt.Sprintf("/console/items/%d/reopen", bad), url.Values{"reason": {"群众不满意"}, "back": {"/console/visits"}})
	if p.URL != "/console/visits?done=reopen" || strings.Contains(p.Text(), badCode) {
		t.Fatalf("reopen: %s %s", p.URL, p.Text())
	}
	// an external back address is not followed
	if p := op.Post(fmt.Sprintf("/console/items/%d/reopen", bad), url.Values{"reason": {"x"}, "back": {"https://evil.example/"}}); strings.Contains(p.URL, "evil") {
		t.Errorf("followed an outside back address: %s", p.URL)
	}

	// the final reply of the first item went nowhere: fail it, then retry
	d, err := w.s.Core.GetItem(ctx, w.managerViewer(), good)
	if err != nil || len(d.Deliveries) == 0 {
		t.Fatalf("deliveries: %v %v", err, d.Deliveries)
	}
	if err := w.s.Core.SendDelivery(ctx, d.Deliveries[0].ID, failing{}); err != nil {
		t.Fatal(err)
	}
	p = op.Get("/console/visits")
	row := rowOf(p, goodCode)
	if !strings.Contains(p.Section("发送失败的消息(1 条)"), goodCode) || !strings.Contains(row, "号码不存在") ||
		strings.Contains(row, "13812345678") || !strings.Contains(row, "138****5678") {
		t.Fatalf("failed deliveries: %q / %s", row, p.Section("发送失败的消息(1 条)"))
	}
	p = op.Post(fmt.Sprintf("/console/items/%d/deliveries/%d/retry", good, d.Deliveries[0].ID), url.Values{"back": {"/console/visits"}})
	if p.URL != "/console/visits?done=retry" || !strings.Contains(p.Text(), "没有发送失败的消息") {
		t.Errorf("retry: %s %s", p.URL, p.Text())
	}
}

// TestApprovals: a unit head's replies to approve and the unit's extension
// requests, absent from another unit's head; a manager's extension requests
// decided from the queue and from the item page.
func TestApprovals(t *testing.T) {
	w := newWorld(t)
	w.s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: "/api/v1/units/UA", Token: w.s.Admin(t),
		Body: map[string]any{"name": "甲处", "reply_approval": true}})
	staff, head, mgr := w.signIn(t, domain.RoleUnitStaff), w.signIn(t, domain.RoleUnitHead), w.signIn(t, domain.RoleManager)
	headB := webtest.SignIn(t, w.s, webtest.NewAccount(t, w.s, domain.RoleUnitHead, "UB"))

	id, code := w.call(t, "UA", false)
	page := fmt.Sprintf("/console/items/%d", id)
	staff.Post(page+"/accept", nil)
	staff.Post(page+"/replies", url.Values{"body": {"拟答复:已处理"}, "final": {"on"}})
	ext, extCode := w.call(t, "UA", false)
	extPage := fmt.Sprintf("/console/items/%d", ext)
	staff.Post(extPage+"/accept", nil)
	if p := head.Post(extPage+"/extensions", url.Values{"workdays": {"3"}, "reason": {"需现场勘查"}}); p.URL != extPage+"?done=extension" {
		t.Fatalf("extension: %s %s", p.URL, p.Text())
	}

	p := head.Get("/console/approvals")
	checkPage(t, p)
	if !strings.Contains(p.Section("待审核的答复(1 件)"), code) || !strings.Contains(p.Text(), "拟答复:已处理") ||
		!strings.Contains(p.Section("本单位等待审批的延期申请(1 件)"), extCode) || webtest.Contains(p.Buttons(), "批准延期") {
		t.Fatalf("head's approvals: %s", p.Text())
	}
	if p := headB.Get("/console/approvals"); strings.Contains(p.Text(), code) || strings.Contains(p.Text(), extCode) {
		t.Errorf("another unit's head sees UA's approvals: %s", p.Text())
	}

	p = mgr.Get("/console/approvals")
	checkPage(t, p)
	if !strings.Contains(p.Section("待审批的延期申请(1 件)"), extCode) || !webtest.Contains(p.Buttons(), "批准延期") ||
		!webtest.Contains(p.Buttons(), "驳回延期") || strings.Contains(p.Text(), "拟答复") {
		t.Fatalf("manager's approvals: %s", p.Text())
	}
	var decide string
	for _, f := range p.Elements("form") {
		if strings.HasSuffix(webtest.Attr(f, "action"), "/decision") {
			decide = webtest.Attr(f, "action")
		}
	}
	if p := mgr.Post(decide, url.Values{"decision": {"approve"}, "note": {"同意"}, "back": {"/console/approvals"}}); p.URL != "/console/approvals?done=decision" ||
		strings.Contains(p.Text(), extCode) {
		t.Fatalf("approve extension: %s %s", p.URL, p.Text())
	}
	if !strings.Contains(mgr.Get(extPage).Section("办理记录"), "同意延期") {
		t.Errorf("the timeline lacks 同意延期")
	}
	if p := mgr.Post(decide, url.Values{"decision": {"reject"}}); p.Status != http.StatusConflict {
		t.Errorf("decided twice: %d", p.Status)
	}

	// a second request, rejected from the item page
	head.Post(extPage+"/extensions", url.Values{"workdays": {"2"}, "reason": {"再需两天"}})
	ip := mgr.Get(extPage)
	if !webtest.Contains(ip.Buttons(), "批准延期") || !webtest.Contains(ip.Buttons(), "驳回延期") {
		t.Fatalf("item page for the manager: %v", ip.Buttons())
	}
	if ip := head.Get(extPage); webtest.Contains(ip.Buttons(), "批准延期") {
		t.Errorf("a unit head is offered 批准延期")
	}
	for _, f := range ip.Elements("form") {
		if strings.HasSuffix(webtest.Attr(f, "action"), "/decision") {
			decide = webtest.Attr(f, "action")
		}
	}
	if p := mgr.Post(decide, url.Values{"decision": {"maybe"}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("no decision: %d", p.Status)
	}
	if p := mgr.Post(decide, url.Values{"decision": {"reject"}, "note": {"理由不足"}}); p.URL != extPage+"?done=decision" ||
		!strings.Contains(p.Section("办理记录"), "不同意延期") {
		t.Errorf("reject from the item page: %s %s", p.URL, p.Section("办理记录"))
	}

	// the head approves the reply from the queue
	var approve string
	for _, f := range head.Get("/console/approvals").Elements("form") {
		if strings.HasSuffix(webtest.Attr(f, "action"), "/approve") {
			approve = webtest.Attr(f, "action")
		}
	}
	if p := head.Post(approve, url.Values{"back": {"/console/approvals"}}); p.URL != "/console/approvals?done=approve" ||
		!strings.Contains(p.Text(), "没有等待审核的答复") {
		t.Errorf("approve from the queue: %s %s", p.URL, p.Text())
	}
}

// operatorViewer acts as the world's operator.
func (w *world) operatorViewer() domain.Viewer {
	a := w.accounts[domain.RoleOperator]
	return domain.Viewer{ID: a.ID, Username: a.Username, Role: domain.RoleOperator}
}

// managerViewer reads items as the world's manager (reads of full numbers
// are audited under a real user).
func (w *world) managerViewer() domain.Viewer {
	a := w.accounts[domain.RoleManager]
	return domain.Viewer{ID: a.ID, Username: a.Username, Role: domain.RoleManager}
}
