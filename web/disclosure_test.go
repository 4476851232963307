package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"hotline/domain"
	"hotline/testenv"
	"hotline/web/webtest"
)

// disclosure takes in an application through the API, received today, and
// returns its id.
func (w *world) disclosure(t *testing.T, applicantType string) int64 {
	t.Helper()
	var out struct {
		ID int64 `json:"id"`
	}
	w.calls++
	body := map[string]any{"applicant_type": applicantType, "applicant_name": "李女士", "phone": "13900001111",
		"description": "2025年本市出租车运价调整的听证材料", "submitted_via": "in_person", "received_on": disclosureToday(w)}
	if applicantType != "natural" {
		body["org_name"] = "某律师事务所"
	}
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/disclosure-requests", Token: w.opToken,
		Header: map[string]string{"Idempotency-Key": fmt.Sprintf("d-%d", w.calls)}, Body: body}).Decode(t, &out)
	return out.ID
}

func disclosureToday(w *world) string {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return time.Now().In(loc).Format("2006-01-02")
}

func disclosureDay(w *world, n int) string {
	d, _ := time.Parse("2006-01-02", disclosureToday(w))
	return d.AddDate(0, 0, n).Format("2006-01-02")
}

// the action buttons of an application's page
var disclosureButtons = []string{"确认收到", "征求意见", "意见已回复", "告知补正", "补正已收到", "收费通知", "已缴费",
	"申请延期", "批准延期", "驳回延期", "作出答复", "登记案件"}

func wantDisclosureButtons(t *testing.T, p *webtest.Page, who string, want ...string) {
	t.Helper()
	if p.Status != 200 {
		t.Fatalf("%s: %d %s", who, p.Status, p.Text())
	}
	checkPage(t, p)
	for _, b := range disclosureButtons {
		has, should := webtest.Contains(p.Buttons(), b), webtest.Contains(want, b)
		if has != should {
			t.Errorf("%s: button %s shown=%v, want %v (buttons %v)", who, b, has, should, p.Buttons())
		}
	}
}

// TestDisclosureListAndIntake: the list and the intake form for operators
// and managers only; errors beside the fields; the secret shown once after
// intake; portal applications confirmed from the list.
func TestDisclosureListAndIntake(t *testing.T) {
	w := newWorld(t)
	op, mgr := w.signIn(t, domain.RoleOperator), w.signIn(t, domain.RoleManager)
	for _, r := range []domain.Role{domain.RoleUnitStaff, domain.RoleUnitHead, domain.RoleAdmin} {
		if p := w.signIn(t, r).Get("/console/disclosure"); p.Status != http.StatusForbidden {
			t.Errorf("%s opens the applications: %d", r, p.Status)
		}
	}
	p := op.Get("/console/disclosure")
	checkPage(t, p)
	wantLabels(t, p, "intake", "申请人类型", "姓名", "证件号码", "单位名称", "联系电话", "电子邮箱", "通信地址",
		"所需政府信息的名称、文号或便于查询的其他特征性描述", "用途", "获取信息的方式", "提交方式", "收到日期",
		"状态", "是否超期", "办理结果", "收到日期从")
	if !webtest.Contains(p.Buttons(), "登记申请") || !webtest.Contains(p.Options("申请人类型"), "法人或其他组织 · 法律服务机构") {
		t.Errorf("intake: buttons %v, types %v", p.Buttons(), p.Options("申请人类型"))
	}
	if !webtest.Contains(p.Options("办理结果"), "(二)部分公开(区分处理的,只计这一情形,不计其他情形)") {
		t.Errorf("outcome filter options %v", p.Options("办理结果"))
	}

	// errors beside the fields, what was typed kept
	bad := op.Post("/console/disclosure", url.Values{"applicant_type": {"legal_service"}, "applicant_name": {"王律师"},
		"submitted_via": {"post"}, "received_on": {disclosureDay(w, 3)}})
	if bad.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad intake: %d", bad.Status)
	}
	for id, want := range map[string]string{"create-org_name": "此项必填", "create-description": "此项必填",
		"create-phone": "至少填写", "create-received_on": "不能晚于今天"} {
		if got := fieldError(bad, id); !strings.Contains(got, want) {
			t.Errorf("beside %s: %q, want %q", id, got, want)
		}
	}
	if bad.InputValue("applicant_name") != "王律师" {
		t.Errorf("the typed name was lost: %q", bad.InputValue("applicant_name"))
	}

	// a good intake: the page of the application, the secret once
	p = op.Post("/console/disclosure", url.Values{"applicant_type": {"natural"}, "applicant_name": {"赵先生"},
		"id_number": {"330102199001011234"}, "phone": {"13911112222"}, "description": {"某路段拓宽工程的批复文件"},
		"delivery_form": {"email"}, "submitted_via": {"post"}, "received_on": {disclosureToday(w)}})
	if p.Status != 200 || !strings.HasPrefix(p.URL, "/console/disclosure/") || !strings.HasSuffix(p.URL, "?done=create") {
		t.Fatalf("intake: %d %s %s", p.Status, p.URL, p.Text())
	}
	page := strings.TrimSuffix(p.URL, "?done=create")
	if !strings.Contains(p.Text(), "查询密码") || len(largeCodes(p)) != 2 {
		t.Errorf("the secret is not shown after intake: %s", p.Text())
	}
	secret := largeCodes(p)[1]
	if again := op.Get(page); strings.Contains(again.Text(), secret) {
		t.Errorf("the secret is shown a second time")
	}
	for _, s := range []string{"赵先生", "330102199001011234", "13911112222", "信函邮寄", "电子邮件", "办理中", "剩余 20 个工作日"} {
		if !strings.Contains(p.Text(), s) {
			t.Errorf("application page lacks %s", s)
		}
	}
	// listed with its remaining time, for the manager too
	l := mgr.Get("/console/disclosure?status=processing")
	if l.Status != 200 || !strings.Contains(l.Text(), "赵先生") || !strings.Contains(l.Text(), "剩余 20 个工作日") {
		t.Errorf("list: %d %s", l.Status, l.Text())
	}
	if l := op.Get("/console/disclosure?status=decided"); strings.Contains(l.Text(), "赵先生") {
		t.Errorf("the status filter lets a processing application through")
	}
	if l := op.Get("/console/disclosure?overdue=perhaps"); l.Status != http.StatusUnprocessableEntity || fieldError(l, "filter-overdue") == "" {
		t.Errorf("bad overdue filter: %d %q", l.Status, fieldError(l, "filter-overdue"))
	}

	// a portal application waits for confirmation; 确认收到 from the list
	var rec struct{ Code, Secret string }
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/public/disclosure-requests",
		Header: map[string]string{"Idempotency-Key": "portal-1"},
		Body: map[string]any{"applicant_type": "natural", "applicant_name": "钱女士", "email": "qian@example.com",
			"description": "公交线路调整方案"}}).Decode(t, &rec)
	l = op.Get("/console/disclosure")
	if !strings.Contains(l.Section(fmt.Sprintf("网上申请待确认收到(%d 件)", 1)), rec.Code) {
		t.Fatalf("the portal application is not waiting: %s", l.Text())
	}
	var action string
	for _, f := range l.Elements("form") {
		if a := webtest.Attr(f, "action"); strings.HasSuffix(a, "/confirm") {
			action = a
		}
	}
	if p := op.Post(action, url.Values{"back": {"list"}, "received_on": {disclosureDay(w, -400)}}); p.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.Text(), "不能早于") {
		t.Errorf("confirm before it was sent: %d %s", p.Status, p.Text())
	}
	if p := op.Post(action, url.Values{"back": {"list"}, "received_on": {disclosureToday(w)}}); p.Status != 200 || p.URL != "/console/disclosure?done=confirm" ||
		strings.Contains(p.Text(), "网上申请待确认收到") {
		t.Errorf("confirm: %d %s", p.Status, p.URL)
	}
}

// bigCodes are the texts shown in large type (the code and the secret).
func largeCodes(p *webtest.Page) []string {
	var out []string
	p.Walk(func(n *html.Node) {
		if strings.Contains(webtest.Attr(n, "class"), "big-code") {
			out = append(out, webtest.TextOf(n))
		}
	})
	return out
}

// TestDisclosureApplicationPage walks an application through correction,
// extension and decision: at each status exactly the actions it allows, per
// role; errors beside the fields; every step on the timeline.
func TestDisclosureApplicationPage(t *testing.T) {
	w := newWorld(t)
	op, mgr := w.signIn(t, domain.RoleOperator), w.signIn(t, domain.RoleManager)
	id := w.disclosure(t, "legal_service")
	page := fmt.Sprintf("/console/disclosure/%d", id)
	for _, r := range []domain.Role{domain.RoleUnitStaff, domain.RoleAdmin} {
		if p := w.signIn(t, r).Get(page); p.Status != http.StatusForbidden {
			t.Errorf("%s opens an application: %d", r, p.Status)
		}
	}
	if p := op.Get("/console/disclosure/999999"); p.Status != http.StatusNotFound || !strings.Contains(p.Text(), "找不到该申请") {
		t.Errorf("a missing application: %d", p.Status)
	}

	wantDisclosureButtons(t, op.Get(page), "operator, processing", "征求意见", "告知补正", "收费通知", "申请延期", "作出答复", "登记案件")
	p := mgr.Get(page)
	wantDisclosureButtons(t, p, "manager, processing", "征求意见", "告知补正", "收费通知", "作出答复", "登记案件")
	wantLabels(t, p, "processing", "征求意见对象", "需要补正的事项", "补正期限", "收费金额(元)", "办理结果", "答复内容", "答复日期", "案件类型")
	if opts := p.Options("办理结果"); len(opts) != 1+19 || !webtest.Contains(opts, "(三)不予公开 1.属于国家秘密") ||
		webtest.Contains(opts, "(六)其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请") {
		t.Errorf("outcomes while processing: %v", opts)
	}

	// 告知补正: errors beside the fields, then asked
	bad := op.Post(page+"/corrections", url.Values{"what": {""}, "asked_on": {disclosureToday(w)}, "reply_by": {disclosureToday(w)}})
	if bad.Status != http.StatusUnprocessableEntity || fieldError(bad, "correction-what") != "此项必填" ||
		!strings.Contains(fieldError(bad, "correction-reply_by"), "应晚于") {
		t.Errorf("bad correction: %d %q %q", bad.Status, fieldError(bad, "correction-what"), fieldError(bad, "correction-reply_by"))
	}
	if p := op.Post(page+"/corrections", url.Values{"what": {"请写明所需文件的年份"}, "asked_on": {disclosureToday(w)}, "reply_by": {disclosureDay(w, 15)}}); p.Status != 200 ||
		p.URL != page+"?done=correction" {
		t.Fatalf("correction: %d %s %s", p.Status, p.URL, p.Text())
	}
	p = op.Get(page)
	wantDisclosureButtons(t, p, "operator, awaiting correction", "补正已收到", "作出答复", "登记案件")
	if opts := p.Options("办理结果"); len(opts) != 3 {
		t.Errorf("outcomes while awaiting the supplement: %v", opts)
	}
	if !strings.Contains(p.Text(), "暂停计时(待补正)") {
		t.Errorf("no paused clock shown")
	}
	var received string
	for _, f := range p.Elements("form") {
		if a := webtest.Attr(f, "action"); strings.HasSuffix(a, "/received") {
			received = a
		}
	}
	if p := op.Post(received, url.Values{"received_on": {disclosureToday(w)}}); p.URL != page+"?done=received" {
		t.Fatalf("补正已收到: %d %s", p.Status, p.URL)
	}

	// 申请延期 by the operator, decided by the manager
	if p := op.Post(page+"/extensions", url.Values{"workdays": {"30"}, "reason": {"x"}}); p.Status != http.StatusUnprocessableEntity ||
		fieldError(p, "extension-workdays") == "" {
		t.Errorf("31 working days: %d", p.Status)
	}
	if p := mgr.Post(page+"/extensions", url.Values{"workdays": {"10"}, "reason": {"涉及多个部门"}}); p.Status != http.StatusForbidden {
		t.Errorf("a manager asks for an extension: %d", p.Status)
	}
	if p := op.Post(page+"/extensions", url.Values{"workdays": {"10"}, "reason": {"涉及多个部门"}}); p.URL != page+"?done=extension" {
		t.Fatalf("申请延期: %d %s %s", p.Status, p.URL, p.Text())
	}
	wantDisclosureButtons(t, op.Get(page), "operator, extension pending", "征求意见", "收费通知", "作出答复", "登记案件")
	p = mgr.Get(page)
	wantDisclosureButtons(t, p, "manager, extension pending", "征求意见", "收费通知", "批准延期", "驳回延期", "作出答复", "登记案件")
	var decision string
	for _, f := range p.Elements("form") {
		if a := webtest.Attr(f, "action"); strings.HasSuffix(a, "/decision") && strings.Contains(a, "/extensions/") {
			decision = a
		}
	}
	if p := op.Post(decision, url.Values{"decision": {"approve"}}); p.Status != http.StatusForbidden {
		t.Errorf("an operator approves: %d", p.Status)
	}
	if p := mgr.Post(decision, url.Values{"decision": {"approve"}, "note": {"同意"}}); p.URL != page+"?done=ext_decision" ||
		!strings.Contains(p.Text(), "已延期 10 个工作日") {
		t.Fatalf("批准延期: %d %s %s", p.Status, p.URL, p.Text())
	}

	// 作出答复
	if p := op.Post(page+"/decision", url.Values{"outcome": {""}, "reply": {""}, "decided_on": {disclosureToday(w)}}); p.Status != http.StatusUnprocessableEntity ||
		fieldError(p, "decide-outcome") == "" || fieldError(p, "decide-reply") != "此项必填" {
		t.Errorf("empty decision: %d %q %q", p.Status, fieldError(p, "decide-outcome"), fieldError(p, "decide-reply"))
	}
	if p := op.Post(page+"/decision", url.Values{"outcome": {"partial"}, "reply": {"部分公开,涉及个人隐私的部分不予公开。"},
		"decided_on": {disclosureToday(w)}}); p.URL != page+"?done=decide" {
		t.Fatalf("作出答复: %d %s %s", p.Status, p.URL, p.Text())
	}
	p = op.Get(page)
	wantDisclosureButtons(t, p, "operator, decided", "登记案件")
	if p := op.Post(page+"/decision", url.Values{"outcome": {"disclose"}, "reply": {"again"}, "decided_on": {disclosureToday(w)}}); p.Status != http.StatusConflict {
		t.Errorf("a second decision: %d", p.Status)
	}
	timeline := p.Section("办理记录")
	for _, s := range []string{"登记申请", "告知补正", "补正已收到", "申请延期", "批准延期", "作出答复", "(二)部分公开"} {
		if !strings.Contains(timeline, s) {
			t.Errorf("timeline lacks %s: %s", s, timeline)
		}
	}

	// 行政复议, then its result
	if p := op.Post(page+"/cases", url.Values{"kind": {""}, "filed_on": {disclosureToday(w)}}); p.Status != http.StatusUnprocessableEntity || fieldError(p, "case-kind") == "" {
		t.Errorf("a case without kind: %d", p.Status)
	}
	if p := op.Post(page+"/cases", url.Values{"kind": {"reconsideration"}, "filed_on": {disclosureToday(w)}, "note": {"申请人不服答复"}}); p.URL != page+"?done=case" ||
		!strings.Contains(p.Section("行政复议、行政诉讼"), "尚未审结") {
		t.Fatalf("行政复议: %d %s %s", p.Status, p.URL, p.Text())
	}
	var update string
	for _, f := range op.Get(page).Elements("form") {
		if a := webtest.Attr(f, "action"); strings.Contains(a, "/cases/") {
			update = a
		}
	}
	if p := op.Post(update, url.Values{"result": {"upheld"}}); !strings.Contains(p.Section("行政复议、行政诉讼"), "结果维持") {
		t.Errorf("case result: %d %s", p.Status, p.Section("行政复议、行政诉讼"))
	}
	// both changes of the case are on the application's timeline: who, what
	// from what to what, and why (the case's note)
	caseNo := "行政复议案件 #" + update[strings.LastIndex(update, "/")+1:]
	timeline = op.Get(page).Section("办理记录")
	for _, s := range []string{"复议诉讼登记", caseNo + "(立案日期 " + disclosureToday(w) + ",尚未审结);备注:申请人不服答复",
		"复议诉讼变更", caseNo + ":审理结果:尚未审结 → 结果维持", w.accounts[domain.RoleOperator].Username} {
		if !strings.Contains(timeline, s) {
			t.Errorf("timeline lacks %q: %s", s, timeline)
		}
	}
	// a change that changes nothing is no event
	op.Post(update, url.Values{"result": {"upheld"}})
	if n := strings.Count(op.Get(page).Section("办理记录"), "复议诉讼变更"); n != 1 {
		t.Errorf("%d case changes on the timeline after saving the same result again; want 1", n)
	}
	// a case of another application is not changed through this one
	other := fmt.Sprintf("/console/disclosure/%d", w.disclosure(t, "natural"))
	caseID := update[strings.LastIndex(update, "/")+1:]
	if p := op.Post(other+"/cases/"+caseID, url.Values{"result": {"corrected"}}); p.Status != http.StatusNotFound {
		t.Errorf("a case through another application: %d", p.Status)
	}
	// without the CSRF token nothing happens
	if p := op.PostWithoutCSRF(other+"/decision", url.Values{"outcome": {"disclose"}, "reply": {"x"}, "decided_on": {disclosureToday(w)}}); p.Status != http.StatusForbidden {
		t.Errorf("decision without CSRF: %d", p.Status)
	}
}

// TestDisclosureReportPage: the six sections, table 三 counting a decided
// application, 五 and 六 and table 二 edited by a manager with errors beside
// the fields, and the downloads returning the documents.
func TestDisclosureReportPage(t *testing.T) {
	w := newWorld(t)
	mgr, admin, op := w.signIn(t, domain.RoleManager), w.signIn(t, domain.RoleAdmin), w.signIn(t, domain.RoleOperator)
	id := w.disclosure(t, "commercial")
	w.s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/disclosure-requests/%d/decision", id), Token: w.opToken,
		Body: map[string]any{"outcome": "partial", "reply": "部分公开", "decided_on": disclosureToday(w)}})
	year := disclosureToday(w)[:4]
	page := "/console/disclosure/report?year=" + year
	if p := op.Get(page); p.Status != http.StatusForbidden {
		t.Errorf("an operator opens the report: %d", p.Status)
	}
	p := mgr.Get(page)
	checkPage(t, p)
	for _, h := range []string{"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
		"四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"} {
		if !webtest.Contains(p.Headings(), h) {
			t.Errorf("no section %s: %v", h, p.Headings())
		}
	}
	// table 三: the row of 部分公开 counts one commercial applicant
	if got := rowCells(p, "(二)部分公开"); strings.Join(got, " ") != "0 1 0 0 0 0 1" {
		t.Errorf("table 三 部分公开 row: %v", got)
	}
	if got := rowCells(p, "一、本年新收政府信息公开申请数量"); strings.Join(got, " ") != "0 1 0 0 0 0 1" {
		t.Errorf("table 三 新收 row: %v", got)
	}
	wantLabels(t, p, "report", "存在的主要问题及改进情况", "其他需要报告的事项", "规章 本年制发件数", "行政事业性收费 本年收费金额(万元)")

	// 五: saved and shown; 六 kept
	if p := mgr.Post("/console/disclosure/report/text", url.Values{"year": {year}, "problems_text": {"答复质量有待提高。"},
		"other_text": {"无其他事项。"}}); p.URL != page+"&done=text" || !strings.Contains(p.Section("五、存在的主要问题及改进情况"), "答复质量有待提高") {
		t.Fatalf("section 五: %d %s", p.Status, p.URL)
	}
	if p := mgr.Post("/console/disclosure/report/text", url.Values{"year": {year}, "problems_text": {"答复质量有待提高。"},
		"other_text": {"另有一事。"}}); !strings.Contains(p.Section("六、其他需要报告的事项"), "另有一事") ||
		!strings.Contains(p.Section("五、存在的主要问题及改进情况"), "答复质量有待提高") {
		t.Errorf("section 六: %s", p.Text())
	}
	if p := admin.Post("/console/disclosure/report/text", url.Values{"year": {year}, "problems_text": {"x"}}); p.Status != http.StatusForbidden {
		t.Errorf("an admin edits the report: %d", p.Status)
	}
	if p := admin.Get(page); p.Status != 200 || webtest.Contains(p.Buttons(), "保存表二") {
		t.Errorf("admin reads the report: %d, buttons %v", p.Status, p.Buttons())
	}

	// table 二: errors beside the fields, then saved
	figures := url.Values{"year": {year}}
	for _, k := range []string{"regulations_issued", "regulations_repealed", "regulations_in_force", "normative_issued",
		"normative_repealed", "normative_in_force", "licensing_decisions", "penalty_decisions", "enforcement_decisions"} {
		figures.Set(k, "3")
	}
	figures.Set("licensing_decisions", "-1")
	figures.Set("fees_10k_yuan", "1.5")
	if p := mgr.Post("/console/disclosure/report/active", figures); p.Status != http.StatusUnprocessableEntity ||
		fieldError(p, "active-licensing_decisions") == "" {
		t.Errorf("a negative figure: %d %q", p.Status, fieldError(p, "active-licensing_decisions"))
	}
	figures.Set("licensing_decisions", "1234")
	if p := mgr.Post("/console/disclosure/report/active", figures); p.URL != page+"&done=active" ||
		!strings.Contains(p.Section("二、主动公开政府信息情况"), "1234") {
		t.Errorf("table 二: %d %s", p.Status, p.URL)
	}

	// the downloads, through the console session
	want := map[string]string{"下载Word": "wordprocessingml", "下载Excel": "spreadsheetml", "打印版": "text/html"}
	p = mgr.Get(page)
	for _, a := range p.Elements("a") {
		ct, ok := want[webtest.TextOf(a)]
		if !ok {
			continue
		}
		delete(want, webtest.TextOf(a))
		d := mgr.Get(webtest.Attr(a, "href"))
		body := []byte(d.Body)
		if d.Status != 200 || !strings.Contains(d.Header.Get("Content-Type"), ct) {
			t.Errorf("%s: %d %s", webtest.TextOf(a), d.Status, d.Header.Get("Content-Type"))
			continue
		}
		if ct == "text/html" {
			if !strings.Contains(string(body), "部分公开") {
				t.Errorf("打印版 lacks table 三")
			}
		} else if !bytes.HasPrefix(body, []byte("PK")) {
			t.Errorf("%s is not a zip package", webtest.TextOf(a))
		}
	}
	if len(want) != 0 {
		t.Errorf("download links missing: %v", want)
	}
	if p := mgr.Get(page + "&format=pdf"); p.Status != http.StatusBadRequest {
		t.Errorf("an unknown format: %d", p.Status)
	}
}

// rowCells are the figures of the report table row whose label starts with
// prefix.
func rowCells(p *webtest.Page, prefix string) []string {
	for _, tr := range p.Elements("tr") {
		var labels, nums []string
		for _, td := range webtest.Within(tr, "td") {
			if strings.Contains(webtest.Attr(td, "class"), "n") {
				nums = append(nums, webtest.TextOf(td))
			} else {
				labels = append(labels, webtest.TextOf(td))
			}
		}
		for _, l := range labels {
			if strings.HasPrefix(l, prefix) && len(nums) == 7 {
				return nums
			}
		}
	}
	return nil
}

// TestDisclosureFeeRefusesNaN: strconv.ParseFloat reads "NaN" and "Inf";
// neither is an amount, and a stored NaN made the application unreadable.
func TestDisclosureFeeRefusesNaN(t *testing.T) {
	w := newWorld(t)
	op := w.signIn(t, domain.RoleOperator)
	id := w.disclosure(t, "legal_service")
	page := fmt.Sprintf("/console/disclosure/%d", id)
	for _, amount := range []string{"NaN", "Inf", "-Inf", "0"} {
		p := op.Post(page+"/fees", url.Values{"amount_yuan": {amount}, "notified_on": {disclosureToday(w)}})
		if p.Status != http.StatusUnprocessableEntity || fieldError(p, "fee-amount_yuan") == "" {
			t.Errorf("fee of %s: %d %q", amount, p.Status, fieldError(p, "fee-amount_yuan"))
		}
	}
	if p := op.Get(page); p.Status != 200 || strings.Contains(p.Text(), "NaN") {
		t.Errorf("the application after the refused fees: %d", p.Status)
	}
}
