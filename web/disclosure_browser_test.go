package web_test

import (
	"fmt"
	"strings"
	"testing"

	"hotline/domain"
	"hotline/web/webtest"
)

// TestBrowserDisclosure: an operator registers an application, asks for a
// correction, records the supplement and decides 部分公开; the manager's
// report page for the year counts it in table 三; a citizen applies through
// the portal. axe-core finds nothing on any of these pages.
func TestBrowserDisclosure(t *testing.T) {
	w := newWorld(t)
	b := webtest.NewBrowser(t, w.s.URL)
	b.LoginAs(w.accounts[domain.RoleOperator])

	if st := b.Visit("/console/disclosure"); st != 200 {
		t.Fatalf("applications: %d", st)
	}
	b.AssertAxeClean()
	b.SelectByLabel("申请人类型", "法人或其他组织 · 科研机构")
	b.FillByLabel("姓名", "周研究员")
	b.FillByLabel("单位名称", "某城市交通研究所")
	b.FillByLabel("联系电话", "13600002222")
	b.FillByLabel("所需政府信息的名称、文号或便于查询的其他特征性描述", "本市2025年公交客流统计数据")
	b.SelectByLabel("获取信息的方式", "电子邮件")
	b.FillByLabel("电子邮箱", "zhou@example.org")
	b.SelectByLabel("提交方式", "信函邮寄")
	b.FillByLabel("收到日期", disclosureToday(w))
	if st := b.ClickButton("登记申请"); st != 200 || !strings.Contains(b.Text(), "申请已登记") || !strings.Contains(b.Text(), "查询密码") {
		t.Fatalf("登记申请: %d %s", st, b.Text())
	}
	b.AssertAxeClean() // with the secret shown and every action of a new application

	b.FillByLabel("需要补正的事项", "请说明所需统计数据的具体线路")
	b.FillByLabel("告知日期", disclosureToday(w))
	b.FillByLabel("补正期限", disclosureDay(w, 20))
	if st := b.ClickButton("告知补正"); st != 200 || !strings.Contains(b.Text(), "已告知补正") {
		t.Fatalf("告知补正: %d %s", st, b.Text())
	}
	b.AssertAxeClean()
	b.FillByLabel("补正收到日期", disclosureToday(w))
	if st := b.ClickButton("补正已收到"); st != 200 || !strings.Contains(b.Text(), "补正材料已收到") {
		t.Fatalf("补正已收到: %d %s", st, b.Text())
	}
	b.SelectByLabel("办理结果", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)")
	b.FillByLabel("答复内容", "经审查,部分线路数据涉及商业秘密,其余予以公开。")
	b.FillByLabel("答复日期", disclosureToday(w))
	if st := b.ClickButton("作出答复"); st != 200 || !strings.Contains(b.Text(), "已作出答复") {
		t.Fatalf("作出答复: %d %s", st, b.Text())
	}
	timeline := b.Section("办理记录")
	for _, s := range []string{"登记申请", "告知补正", "补正已收到", "作出答复"} {
		if !strings.Contains(timeline, s) {
			t.Errorf("timeline lacks %s: %s", s, timeline)
		}
	}
	if b.HasButton("作出答复") || b.HasButton("告知补正") {
		t.Errorf("actions offered after the decision")
	}
	b.AssertAxeClean()
	if b.Visit("/console/disclosure"); !strings.Contains(b.Text(), "已答复") {
		t.Errorf("the list does not show the decision")
	}

	b.ClickButton("退出")
	b.LoginAs(w.accounts[domain.RoleManager])
	year := disclosureToday(w)[:4]
	if st := b.Visit("/console/disclosure/report?year=" + year); st != 200 {
		t.Fatalf("report: %d", st)
	}
	if row := sectionRow(b.Section("三、收到和处理政府信息公开申请情况"), "(二)部分公开"); row != "0 0 1 0 0 0 1" {
		t.Errorf("table 三 部分公开 row reads %q", row)
	}
	b.AssertAxeClean()
	if href := b.Href("下载Word"); !strings.Contains(href, "format=docx") || !strings.Contains(href, "year="+year) {
		t.Errorf("下载Word links to %s", href)
	}
	b.Screenshot("disclosure-report")

	// the portal, without a session
	b.ClickButton("退出")
	if st := b.Visit("/portal/disclosure"); st != 200 {
		t.Fatalf("portal: %d", st)
	}
	b.AssertAxeClean()
	b.SelectByLabel("申请人类型", "自然人")
	b.FillByLabel("姓名", "吴女士")
	b.FillByLabel("电子邮箱", "wu@example.com")
	b.FillByLabel("所需政府信息的名称、文号或便于查询的其他特征性描述", "某小区加装电梯的审批文件")
	if st := b.ClickButton("提交申请"); st != 200 || !strings.Contains(b.Text(), "查询密码") {
		t.Fatalf("portal application: %d %s", st, b.Text())
	}
	b.AssertAxeClean()
}

// sectionRow is the figures of the table row of a section's text that
// starts with label, separated by spaces.
func sectionRow(text, label string) string {
	for _, line := range strings.Split(text, "\n") {
		cells := strings.Split(strings.TrimSpace(line), "\t")
		if strings.HasPrefix(cells[0], label) {
			return strings.Join(cells[1:], " ")
		}
	}
	return fmt.Sprintf("no row %s in %q", label, text)
}
