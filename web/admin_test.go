package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hotline/domain"
	"hotline/testenv"
	"hotline/web/webtest"
)

// wantMessage fails unless the page answered status with msg beside the
// field whose control has this id.
func wantMessage(t *testing.T, p *webtest.Page, status int, id, msg string) {
	t.Helper()
	if p.Status != status || !strings.Contains(fieldError(p, id), msg) {
		t.Errorf("%s: %d, message beside %s %q, want %d %q", p.URL, p.Status, id, fieldError(p, id), status, msg)
	}
}

// TestAdminUnitsAndCategories: the index lists every section; units are
// shown as a tree, created and changed through their forms (PRG), bad input
// is shown beside the fields; categories likewise; other roles get 403.
func TestAdminUnitsAndCategories(t *testing.T) {
	w := newWorld(t)
	admin := w.signIn(t, domain.RoleAdmin)
	p := admin.Get("/console/admin/")
	checkPage(t, p)
	for _, s := range []string{"单位", "用户", "诉求分类", "分派规则", "办理时限", "工作日历", "审计日志"} {
		if !webtest.Contains(p.Headings(), s) {
			t.Errorf("admin index lacks %s: %v", s, p.Headings())
		}
	}

	p = admin.Post("/console/admin/units", url.Values{"code": {"UA1"}, "name": {"甲处一科"}, "parent_code": {"UA"}, "reply_approval": {"on"}})
	if p.Status != 200 || p.URL != "/console/admin/units?done=unit-created" || !strings.Contains(p.Text(), "单位已新建") {
		t.Fatalf("create unit: %d %s", p.Status, p.URL)
	}
	checkPage(t, p)
	wantLabels(t, p, "units", "单位代码", "单位名称", "上级单位", "答复需单位负责人审核")
	// the tree: 甲处一科 inside 甲处's list item
	if li := rowOf(p, "甲处(UA)"); !strings.Contains(li, "甲处一科(UA1)") || !strings.Contains(li, "答复需审核") {
		t.Errorf("tree: %q", li)
	}
	p = admin.Post("/console/admin/units", url.Values{"code": {"UA1"}, "name": {"重复"}})
	wantMessage(t, p, http.StatusUnprocessableEntity, "unit-code", "已存在")
	p = admin.Post("/console/admin/units", url.Values{"code": {"坏 代码"}, "name": {""}})
	wantMessage(t, p, http.StatusUnprocessableEntity, "unit-code", "英文字母")
	wantMessage(t, p, http.StatusUnprocessableEntity, "unit-name", "必填")

	p = admin.Get("/console/admin/units/UA1")
	checkPage(t, p)
	wantLabels(t, p, "unit", "单位名称", "上级单位", "启用(停用后不能再向其派单)")
	// UA cannot be put under its own child
	if opts := admin.Get("/console/admin/units/UA").Options("上级单位"); webtest.Contains(opts, "— 甲处一科(UA1)") {
		t.Errorf("UA may move under its child: %v", opts)
	}
	p = admin.Post("/console/admin/units/UA1", url.Values{"name": {"甲处综合科"}, "parent_code": {"UB"}})
	if p.URL != "/console/admin/units?done=unit-saved" {
		t.Fatalf("save unit: %d %s", p.Status, p.URL)
	}
	if li := rowOf(p, "乙处(UB)"); !strings.Contains(li, "甲处综合科(UA1) 已停用") {
		t.Errorf("moved, renamed and deactivated (box unticked): %q", li)
	}
	units, err := w.s.Core.ListUnits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		if u.Code == "UA1" && (u.Name != "甲处综合科" || deref(u.ParentCode) != "UB" || u.Active || u.ReplyApproval) {
			t.Errorf("stored unit %+v", u)
		}
	}
	p = admin.Post("/console/admin/units/UA", url.Values{"name": {"甲处"}, "parent_code": {"UA"}, "active": {"on"}})
	wantMessage(t, p, http.StatusUnprocessableEntity, "unit-edit-parent_code", "不能设为自己")
	if p := admin.Get("/console/admin/units/NOPE"); p.Status != http.StatusNotFound {
		t.Errorf("unknown unit: %d", p.Status)
	}

	p = admin.Post("/console/admin/categories", url.Values{"code": {"traffic"}, "name": {"交通运输"}})
	if p.URL != "/console/admin/categories?done=category-created" {
		t.Fatalf("create category: %d %s", p.Status, p.URL)
	}
	admin.Post("/console/admin/categories", url.Values{"code": {"taxi"}, "name": {"出租车"}, "parent_code": {"traffic"}})
	p = admin.Get("/console/admin/categories")
	checkPage(t, p)
	wantLabels(t, p, "categories", "分类代码", "分类名称", "上级分类")
	if li := rowOf(p, "交通运输(traffic)"); !strings.Contains(li, "出租车(taxi)") {
		t.Errorf("category tree: %q", li)
	}
	p = admin.Post("/console/admin/categories", url.Values{"code": {"bus"}, "name": {"公交"}, "parent_code": {"nope"}})
	wantMessage(t, p, http.StatusUnprocessableEntity, "category-parent_code", "分类不存在")

	for _, r := range []domain.Role{domain.RoleManager, domain.RoleOperator, domain.RoleUnitHead} {
		c := w.signIn(t, r)
		if p := c.Get("/console/admin/units"); p.Status != http.StatusForbidden {
			t.Errorf("%s opens the units: %d", r, p.Status)
		}
		if p := c.Post("/console/admin/units", url.Values{"code": {"X" + string(r)}, "name": {"x"}}); p.Status != http.StatusForbidden {
			t.Errorf("%s creates a unit: %d", r, p.Status)
		}
	}
	if p := admin.PostWithoutCSRF("/console/admin/units", url.Values{"code": {"CSRF"}, "name": {"x"}}); p.Status != http.StatusForbidden {
		t.Errorf("without CSRF: %d", p.Status)
	}
}

// TestAdminUsers: an account is created, changed, deactivated (its session
// dies), reactivated and given a new password it signs in with; bad input is
// shown beside the fields.
func TestAdminUsers(t *testing.T) {
	w := newWorld(t)
	admin := w.signIn(t, domain.RoleAdmin)
	p := admin.Get("/console/admin/users")
	checkPage(t, p)
	wantLabels(t, p, "users", "用户名", "初始密码", "角色", "所属单位")
	if !strings.Contains(p.Text(), w.accounts[domain.RoleOperator].Username) {
		t.Errorf("the list lacks the operator")
	}
	p = admin.Post("/console/admin/users", url.Values{"username": {"clerk_new"}, "password": {"secret-password-1"},
		"role": {"unit_staff"}, "unit_code": {"UA"}})
	if p.URL != "/console/admin/users?done=user-created" || !strings.Contains(rowOf(p, "clerk_new"), "承办人 甲处 启用") {
		t.Fatalf("create: %s %q", p.URL, rowOf(p, "clerk_new"))
	}
	p = admin.Post("/console/admin/users", url.Values{"username": {"clerk_new"}, "password": {"secret-password-1"},
		"role": {"unit_staff"}, "unit_code": {"UA"}})
	wantMessage(t, p, http.StatusUnprocessableEntity, "user-username", "已被使用")
	if p.InputValue("password") != "" {
		t.Errorf("the password is shown again")
	}
	p = admin.Post("/console/admin/users", url.Values{"username": {"x"}, "password": {"short"}, "role": {"unit_head"}})
	wantMessage(t, p, http.StatusUnprocessableEntity, "user-username", "3 到 64")
	wantMessage(t, p, http.StatusUnprocessableEntity, "user-password", "至少 8 个字符")
	wantMessage(t, p, http.StatusUnprocessableEntity, "user-unit_code", "必须属于一个单位")

	var id int64
	for _, a := range admin.Get("/console/admin/users").Elements("a") {
		if webtest.TextOf(a) == "管理 clerk_new" {
			fmt.Sscanf(webtest.Attr(a, "href"), "/console/admin/users/%d", &id)
		}
	}
	if id == 0 {
		t.Fatal("no link to the new user")
	}
	page := fmt.Sprintf("/console/admin/users/%d", id)
	p = admin.Get(page)
	checkPage(t, p)
	wantButtons(t, p, "admin on a user", "保存角色与单位", "停用", "重置密码")
	clerk := webtest.SignIn(t, w.s, webtest.Account{Username: "clerk_new", Password: "secret-password-1"})

	p = admin.Post(page, url.Values{"role": {"manager"}, "unit_code": {"UA"}})
	wantMessage(t, p, http.StatusUnprocessableEntity, "user-edit-unit_code", "只有承办人和单位负责人属于单位")
	p = admin.Post(page, url.Values{"role": {"unit_head"}, "unit_code": {"UB"}})
	if p.URL != page+"?done=user-saved" || !strings.Contains(p.Text(), "单位负责人") || !strings.Contains(p.Text(), "乙处") {
		t.Errorf("save role: %s %s", p.URL, p.Text())
	}
	if p := clerk.Get("/console/inbox"); !strings.HasPrefix(p.URL, "/console/login") {
		t.Errorf("a new role keeps the old session: %s", p.URL)
	}
	clerk = webtest.SignIn(t, w.s, webtest.Account{Username: "clerk_new", Password: "secret-password-1"})
	p = admin.Post(page+"/active", url.Values{"active": {"false"}})
	if p.URL != page+"?done=user-deactivated" || !strings.Contains(p.Text(), "已停用") || !webtest.Contains(p.Buttons(), "启用") {
		t.Errorf("deactivate: %s", p.URL)
	}
	if p := clerk.Get("/console/inbox"); !strings.HasPrefix(p.URL, "/console/login") {
		t.Errorf("a deactivated user's session lives: %s", p.URL)
	}
	admin.Post(page+"/active", url.Values{"active": {"true"}})
	p = admin.Post(page+"/password", url.Values{"password": {"another-secret-2"}, "password2": {"another-secret-3"}})
	wantMessage(t, p, http.StatusUnprocessableEntity, "user-password-password2", "不一致")
	p = admin.Post(page+"/password", url.Values{"password": {"short"}, "password2": {"short"}})
	wantMessage(t, p, http.StatusUnprocessableEntity, "user-password-password", "至少 8 个字符")
	if p = admin.Post(page+"/password", url.Values{"password": {"another-secret-2"}, "password2": {"another-secret-2"}}); p.URL != page+"?done=password" {
		t.Errorf("reset password: %s", p.URL)
	}
	if p := webtest.NewClient(t, w.s).LoginForm("clerk_new", "another-secret-2"); p.URL != "/console/inbox" {
		t.Errorf("sign in with the new password: %s", p.URL)
	}
	if p := admin.Get("/console/admin/users/999999"); p.Status != http.StatusNotFound {
		t.Errorf("unknown user: %d", p.Status)
	}
}

// TestAdminRules: rules listed in routing order, created, changed and
// deleted through the forms; the tester names the rule routing would apply
// (and the rule routing does apply to a real item agrees), skips a rule whose
// unit is inactive, and says when none matches.
func TestAdminRules(t *testing.T) {
	w := newWorld(t)
	admin := w.signIn(t, domain.RoleAdmin)
	p := admin.Post("/console/admin/rules", url.Values{"priority": {"20"}, "keywords": {"拒载、绕路"}, "primary_unit_code": {"UA"},
		"co_unit_codes": {"UB"}})
	if p.URL != "/console/admin/rules?done=rule-created" {
		t.Fatalf("create rule: %d %s %s", p.Status, p.URL, fieldError(p, "rule-priority"))
	}
	checkPage(t, p)
	wantLabels(t, p, "rules", "优先级", "渠道", "诉求类型", "诉求分类", "所属区域", "关键词", "主办单位", "协办单位",
		"测试渠道", "测试诉求类型", "测试诉求分类", "测试所属区域", "测试诉求内容")
	admin.Post("/console/admin/rules", url.Values{"priority": {"10"}, "kind": {"complaint"}, "region": {"西湖区"}, "primary_unit_code": {"UB"}})
	p = admin.Get("/console/admin/rules")
	if r1, r2 := rowOf(p, "类型:投诉"), rowOf(p, "拒载、绕路"); !strings.HasPrefix(r1, "1 10") || !strings.HasPrefix(r2, "2 20") || !strings.Contains(r2, "甲处 乙处") {
		t.Errorf("routing order: %q / %q", r1, r2)
	}

	test := func(q url.Values) string {
		q.Set("test", "1")
		p := admin.Get("/console/admin/rules?" + q.Encode())
		if p.Status != 200 {
			t.Fatalf("tester: %d", p.Status)
		}
		return p.Section("测试:哪条规则会匹配")
	}
	if got := test(url.Values{"text": {"出租车拒载"}}); !strings.Contains(got, "主办 甲处") || !strings.Contains(got, "协办 乙处") {
		t.Errorf("tester on 拒载: %q", got)
	}
	if got := test(url.Values{"kind": {"complaint"}, "region": {"西湖区某街道"}, "text": {"出租车拒载"}}); !strings.Contains(got, "#2(优先级 10,类型:投诉;区域:西湖区)分派:主办 乙处") {
		t.Errorf("tester: the complaint rule comes first: %q", got)
	}
	if got := test(url.Values{"text": {"公积金"}}); !strings.Contains(got, "没有规则匹配") {
		t.Errorf("tester without a match: %q", got)
	}
	if p := admin.Get("/console/admin/rules?test=1&kind=colour"); p.Status != http.StatusUnprocessableEntity || fieldError(p, "test-kind") == "" {
		t.Errorf("tester with a bad kind: %d", p.Status)
	}
	// the tester agrees with routing: a call with the same text goes where it says
	id, _ := w.call(t, "", false) // 出租车司机拒载
	w.route(t, id)
	d, err := w.s.Core.GetItem(context.Background(), w.managerViewer(), id)
	if err != nil || deref(d.PrimaryUnitCode) != "UA" {
		t.Errorf("routing sent the call to %v (%v)", d.PrimaryUnitCode, err)
	}
	// a rule whose unit is inactive is skipped, by routing and by the tester
	w.s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: "/api/v1/units/UA", Token: w.s.Admin(t), Body: map[string]any{"active": false}})
	if got := test(url.Values{"text": {"出租车拒载"}}); !strings.Contains(got, "没有规则匹配") || !strings.Contains(got, "被跳过") {
		t.Errorf("tester with UA inactive: %q", got)
	}
	w.s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: "/api/v1/units/UA", Token: w.s.Admin(t), Body: map[string]any{"active": true}})

	var ruleID int64
	rules, err := w.s.Core.ListRules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if r.Priority == 20 {
			ruleID = r.ID
		}
	}
	edit := fmt.Sprintf("/console/admin/rules/%d", ruleID)
	p = admin.Get(edit)
	checkPage(t, p)
	if p.InputValue("priority") != "20" || p.InputValue("keywords") != "拒载、绕路" {
		t.Errorf("edit form: %q %q", p.InputValue("priority"), p.InputValue("keywords"))
	}
	p = admin.Post(edit, url.Values{"priority": {"abc"}, "primary_unit_code": {"UA"}})
	wantMessage(t, p, http.StatusUnprocessableEntity, "rule-priority", "0 到 1000000")
	p = admin.Post(edit, url.Values{"priority": {"5"}, "primary_unit_code": {"NOPE"}, "keywords": {"拒载"}})
	wantMessage(t, p, http.StatusUnprocessableEntity, "rule-primary_unit_code", "不存在或已停用")
	if p = admin.Post(edit, url.Values{"priority": {"5"}, "primary_unit_code": {"UA"}, "keywords": {"拒载,绕路,不打表"}}); p.URL != "/console/admin/rules?done=rule-saved" {
		t.Fatalf("save rule: %d %s", p.Status, p.URL)
	}
	if r := rowOf(p, "不打表"); !strings.HasPrefix(r, "1 5") {
		t.Errorf("the changed rule: %q", r)
	}
	if p = admin.Post(edit+"/delete", nil); p.URL != "/console/admin/rules?done=rule-deleted" || strings.Contains(p.Text(), "不打表") {
		t.Errorf("delete: %s", p.URL)
	}
	if p := admin.Get(edit); p.Status != http.StatusNotFound {
		t.Errorf("a deleted rule: %d", p.Status)
	}
}

// TestAdminSettings: SLA policies and the calendar are changed through their
// forms; the year grid marks holidays and make-up days in text; bad dates
// are named beside the field; the audit log filters and pages.
func TestAdminSettings(t *testing.T) {
	w := newWorld(t)
	admin := w.signIn(t, domain.RoleAdmin)
	p := admin.Get("/console/admin/sla")
	checkPage(t, p)
	wantLabels(t, p, "sla", "投诉签收时限(工作小时)", "投诉办理时限(工作日)", "投诉紧急件签收时限(分钟)", "投诉紧急件办理时限(工作日)")
	form := url.Values{}
	for _, in := range p.Elements("input") {
		if n := webtest.Attr(in, "name"); n != "_csrf" {
			form.Set(n, webtest.Attr(in, "value"))
		}
	}
	form.Set("reply_workdays_complaint", "7")
	form.Set("accept_hours_complaint", "1.5")
	if p = admin.Post("/console/admin/sla", form); p.URL != "/console/admin/sla?done=sla-saved" ||
		p.InputValue("reply_workdays_complaint") != "7" || p.InputValue("accept_hours_complaint") != "1.5" {
		t.Errorf("save SLA: %s %q", p.URL, p.InputValue("reply_workdays_complaint"))
	}
	ps, err := w.s.Core.SLAPolicies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, pol := range ps {
		if pol.Kind == domain.Complaint && (pol.ReplyWorkdays != 7 || pol.AcceptHours != 1.5) {
			t.Errorf("stored policy %+v", pol)
		}
	}
	form.Set("reply_workdays_help", "0")
	form.Set("accept_hours_help", "两小时")
	p = admin.Post("/console/admin/sla", form)
	wantMessage(t, p, http.StatusUnprocessableEntity, "sla-reply_workdays_help", "1 到 120")
	wantMessage(t, p, http.StatusUnprocessableEntity, "sla-accept_hours_help", "工作小时数")

	p = admin.Post("/console/admin/calendar", url.Values{"year": {"2030"},
		"holidays": {"2030-10-01\n2030-10-02\n2030-10-03"}, "workdays": {"2030-09-29"}})
	if p.URL != "/console/admin/calendar?year=2030&done=calendar-saved" {
		t.Fatalf("save calendar: %d %s %s", p.Status, p.URL, p.Text())
	}
	checkPage(t, p)
	wantLabels(t, p, "calendar", "年份", "节假日", "调休上班日")
	if !strings.Contains(p.Text(), "2030 年:节假日 3 天,调休上班日 1 天") {
		t.Errorf("summary: %s", p.Text())
	}
	oct := ""
	for _, tb := range p.Elements("table") {
		if cap := webtest.Within(tb, "caption"); len(cap) == 1 && webtest.TextOf(cap[0]) == "2030年10月" {
			oct = webtest.TextOf(tb)
		}
	}
	if !strings.Contains(oct, "1 休 节假日") || !strings.Contains(oct, "3 休 节假日") || strings.Contains(oct, "4 休") {
		t.Errorf("October 2030: %q", oct)
	}
	sep := ""
	for _, td := range p.Elements("td") {
		if strings.HasPrefix(webtest.Attr(td, "title"), "2030-09-29") {
			sep = webtest.TextOf(td) + " / " + webtest.Attr(td, "class")
		}
	}
	if sep != "29 班 调休上班 / makeup" {
		t.Errorf("29 September 2030 (a Sunday worked): %q", sep)
	}
	p = admin.Post("/console/admin/calendar", url.Values{"year": {"2030"}, "holidays": {"2030-02-30"}, "workdays": {"2030-10-08"}})
	wantMessage(t, p, http.StatusUnprocessableEntity, "calendar-holidays", "“2030-02-30”不是 年-月-日")
	wantMessage(t, p, http.StatusUnprocessableEntity, "calendar-workdays", "2030-10-08 是工作日")
	if got := admin.Get("/console/admin/calendar?year=2030"); !strings.Contains(got.Text(), "节假日 3 天") {
		t.Errorf("a refused change was stored")
	}

	// the audit log: a manager's view of full numbers is recorded
	id, _ := w.call(t, "UA", false)
	w.signIn(t, domain.RoleManager).Get(fmt.Sprintf("/console/items/%d", id))
	mgr := w.accounts[domain.RoleManager].Username
	p = admin.Get("/console/admin/audit?username=" + mgr)
	checkPage(t, p)
	wantLabels(t, p, "audit", "用户名", "操作", "事项ID", "日期从", "日期至")
	if row := rowOf(p, "查看完整电话号码"); !strings.Contains(row, mgr) || !strings.Contains(row, fmt.Sprint(id)) {
		t.Errorf("audit row: %q", row)
	}
	if p := admin.Get("/console/admin/audit?username=nobody"); !strings.Contains(p.Text(), "没有符合条件的记录") {
		t.Errorf("filter by user")
	}
	if p := admin.Get("/console/admin/audit?item_id=abc&from=2026-13-01"); p.Status != http.StatusUnprocessableEntity ||
		fieldError(p, "audit-item_id") == "" || fieldError(p, "audit-from") == "" {
		t.Errorf("bad filters: %d", p.Status)
	}
}
