package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hotline/domain"
	"hotline/testenv"
	"hotline/web/webtest"
)

// TestBrowserManage: a manager lands on the dashboard, sees core's figures
// and the charts drawn, and drills down from 办结量 to exactly those items;
// the annual report page; an admin goes through every administration page,
// tests a routing rule and reads the calendar grid. axe-core finds nothing
// on any of these pages.
func TestBrowserManage(t *testing.T) {
	w := newStatsWorld(t)
	want := w.coreFigures(t)
	b := webtest.NewBrowser(t, w.s.URL)
	wait := func(what string, cond func() bool) { testenv.Eventually(t, 30*time.Second, what, cond) }

	if home := b.LoginAs(w.accounts[domain.RoleManager]); home != "/console/dashboard" {
		t.Fatalf("manager lands on %s", home)
	}
	figures := b.Section("主要指标")
	for label, v := range map[string]int64{"受理量": want.Received, "交办量": want.Dispatched, "办结量": want.Completed} {
		if !strings.Contains(figures, fmt.Sprintf("%s\n%d", label, v)) {
			t.Errorf("%s is not %d on the dashboard: %q", label, v, figures)
		}
	}
	wait("the charts", func() bool { return b.Count("[data-chart] canvas") == 3 })
	b.AssertAxeClean()
	b.Screenshot("dashboard")

	if st := b.Click(`a[aria-describedby="kpi-completed"]`); st != 200 {
		t.Fatalf("drill down from 办结量: %d", st)
	}
	if !strings.HasPrefix(b.Path(), "/console/items?") || !strings.Contains(b.Path(), "figure=completed") {
		t.Fatalf("办结量 leads to %s", b.Path())
	}
	if got := b.Count("#item-table tbody tr"); int64(got) != want.Completed ||
		!strings.Contains(b.Text(), fmt.Sprintf("共 %d 件", want.Completed)) || !strings.Contains(b.Text(), w.dissatisfied) {
		t.Errorf("the completed items: %d rows, %s", got, b.Text())
	}
	b.AssertAxeClean()

	b.Visit(fmt.Sprintf("/console/reports?year=%d", w.s.Core.Now().Year()))
	if !strings.Contains(b.Section("报告文字"), "共受理群众诉求6件") {
		t.Errorf("annual report: %s", b.Text())
	}
	b.AssertAxeClean()
	b.ClickButton("退出")

	if home := b.LoginAs(w.accounts[domain.RoleAdmin]); home != "/console/admin/" {
		t.Fatalf("admin lands on %s", home)
	}
	b.AssertAxeClean()
	rule := w.s.Rule(t, map[string]any{"priority": 10, "keywords": []string{"拒载"}, "primary_unit_code": "UA"})
	for _, path := range []string{"/console/admin/units", "/console/admin/units/UA", "/console/admin/users",
		fmt.Sprintf("/console/admin/users/%d", w.accounts[domain.RoleOperator].ID), "/console/admin/categories",
		"/console/admin/rules", fmt.Sprintf("/console/admin/rules/%d", rule), "/console/admin/sla",
		"/console/admin/audit", "/console/admin/calendar?year=2026", "/console/dashboard"} {
		if st := b.Visit(path); st != 200 {
			t.Errorf("%s: %d", path, st)
			continue
		}
		b.AssertAxeClean()
	}

	// the rule tester
	b.Visit("/console/admin/rules")
	b.FillByLabel("测试诉求内容", "出租车司机拒载")
	if st := b.ClickButton("测试匹配"); st != 200 || !strings.Contains(b.Section("测试:哪条规则会匹配"), "主办 甲处") {
		t.Errorf("tester: %d %s", st, b.Section("测试:哪条规则会匹配"))
	}
	b.AssertAxeClean()
	// a form with a mistake shows it beside the field, still axe-clean
	b.Visit("/console/admin/users")
	b.FillByLabel("用户名", "x")
	b.FillByLabel("初始密码", "short")
	b.SelectByLabel("角色", "单位负责人")
	if st := b.ClickButton("新建用户"); st != 422 || !strings.Contains(b.Text(), "3 到 64") {
		t.Errorf("bad user: %d", st)
	}
	b.AssertAxeClean()

	// the calendar grid: marks in text, a make-up day saved through the form
	b.Visit("/console/admin/calendar?year=2031")
	b.FillByLabel("节假日", "2031-10-01\n2031-10-02")
	b.FillByLabel("调休上班日", "2031-09-28")
	if st := b.ClickButton("保存工作日历"); st != 200 || !strings.Contains(b.Text(), "工作日历已保存") {
		t.Fatalf("save calendar: %d %s", st, b.Text())
	}
	if b.Count("td.holiday") != 2 || b.Count("td.makeup") != 1 || !strings.Contains(b.Text(), "节假日 2 天,调休上班日 1 天") {
		t.Errorf("grid: %d holidays, %d make-up days", b.Count("td.holiday"), b.Count("td.makeup"))
	}
	b.AssertAxeClean()
	b.Screenshot("calendar")
}
