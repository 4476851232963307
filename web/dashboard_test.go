package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"hotline/core"
	"hotline/domain"
	"hotline/report"
	"hotline/testenv"
	"hotline/web/webtest"
)

// statsWorld is a world with a known workload, rolled up: four calls
// dispatched (three to UA, one to UB), one answered on the call, one
// waiting for dispatch; UA signs for and answers two, one visited satisfied
// with 5 stars and one dissatisfied with 2; one of UA's is overdue.
type statsWorld struct {
	*world
	answered, dissatisfied, overdue string // tracking codes
}

func newStatsWorld(t *testing.T) *statsWorld {
	t.Helper()
	w := &statsWorld{world: newWorld(t)}
	a, _ := w.call(t, "UA", false)
	b, codeB := w.call(t, "UA", false)
	c, codeC := w.call(t, "UA", false)
	w.call(t, "UB", false)
	w.call(t, "", false)
	var it struct {
		TrackingCode string `json:"tracking_code"`
	}
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: w.opToken,
		Header: map[string]string{"Idempotency-Key": "answered-on-call"},
		Body: map[string]any{"caller_phone": "13700000000", "kind": "consultation", "content": "起步价多少",
			"answered_on_call": true, "answer": "13元"}}).Decode(t, &it)
	w.answered, w.dissatisfied, w.overdue = it.TrackingCode, codeB, codeC
	staff := w.accounts[domain.RoleUnitStaff]
	tok := w.s.Login(t, staff.Username, staff.Password)
	for _, id := range []int64{a, b} {
		w.s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/accept", id), Token: tok})
		w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/replies", id), Token: tok,
			Body: map[string]any{"body": "已处理。", "final": true}})
	}
	for id, v := range map[int64][]any{a: {"satisfied", 5, true}, b: {"dissatisfied", 2, false}} {
		w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/visits", id), Token: w.opToken,
			Body: map[string]any{"method": "call", "satisfaction": v[0], "stars": v[1], "resolved": v[2]}})
	}
	ctx := context.Background()
	if _, err := w.s.DB(t).ExecContext(ctx, `UPDATE items SET due_at = now() - interval '1 hour' WHERE id = $1`, c); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Core.SweepDeadlines(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Core.RollupStats(ctx); err != nil {
		t.Fatal(err)
	}
	return w
}

// coreFigures is what core's statistics say for this month up to today.
func (w *statsWorld) coreFigures(t *testing.T) domain.Figures {
	t.Helper()
	now := w.s.Core.Now()
	res, err := w.s.Core.Stats(context.Background(), w.managerViewer(), core.StatsQuery{
		From: time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02"),
		To:   now.AddDate(0, 0, 1).Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

// kpi is the value of the card labelled label.
func kpi(p *webtest.Page, label string) (value, href string) {
	p.Walk(func(n *html.Node) {
		if n.Data != "li" || webtest.Attr(n, "class") != "kpi" {
			return
		}
		for _, s := range webtest.Within(n, "span") {
			if webtest.TextOf(s) == label {
				a := webtest.Within(n, "a")[0]
				value, href = webtest.TextOf(a), webtest.Attr(a, "href")
			}
		}
	})
	return value, href
}

// figureLinks maps the row headers of the 全部指标 table to the link of the
// period's figure and its text.
func figureLinks(p *webtest.Page) map[string][2]string {
	out := map[string][2]string{}
	for _, tr := range p.Elements("tr") {
		ths, tds := webtest.Within(tr, "th"), webtest.Within(tr, "td")
		if len(ths) != 1 || len(tds) != 4 {
			continue
		}
		if as := webtest.Within(tds[0], "a"); len(as) == 1 {
			out[webtest.TextOf(ths[0])] = [2]string{webtest.Attr(as[0], "href"), webtest.TextOf(as[0])}
		}
	}
	return out
}

// listed is the count a drill-down list states and the rows it shows.
func listed(t *testing.T, c *webtest.Client, href string) (string, int) {
	t.Helper()
	p := c.Get(href)
	if p.Status != 200 {
		t.Fatalf("%s: %d %s", href, p.Status, p.Text())
	}
	count := ""
	p.Walk(func(n *html.Node) {
		if webtest.Attr(n, "id") == "items-count" {
			count = webtest.TextOf(n)
		}
	})
	rows := 0
	for _, tb := range p.Elements("tbody") {
		rows += len(webtest.Within(tb, "tr"))
	}
	return count, rows
}

// TestDashboard: the figures on the dashboard are core's for the period;
// every count drills down to a list with exactly that many items; the
// previous period, the breakdowns, the ranking and the overdue list; bad
// dates are shown beside the fields; the exports carry the same figures
// under Chinese headers.
func TestDashboard(t *testing.T) {
	w := newStatsWorld(t)
	mgr := w.signIn(t, domain.RoleManager)
	p := mgr.Get("/console/dashboard")
	if p.Status != 200 || p.URL != "/console/dashboard" {
		t.Fatalf("dashboard: %d %s", p.Status, p.URL)
	}
	checkPage(t, p)
	wantLabels(t, p, "dashboard", "开始日期", "结束日期")
	now := w.s.Core.Now()
	if got := p.InputValue("from"); got != now.Format("2006-01")+"-01" {
		t.Errorf("开始日期 defaults to %q", got)
	}
	if got := p.InputValue("to"); got != now.Format("2006-01-02") {
		t.Errorf("结束日期 defaults to %q", got)
	}

	want := w.coreFigures(t)
	if want.Received != 6 || want.Dispatched != 4 || want.Completed != 2 || want.Overdue != 1 || want.Rated != 2 {
		t.Fatalf("the workload is not what the test expects: %+v", want.Counts)
	}
	cards := map[string]string{
		"受理量": fmt.Sprint(want.Received), "交办量": fmt.Sprint(want.Dispatched), "办结量": fmt.Sprint(want.Completed),
		"办结率": report.Percent(want.CompletionRate), "按时办结率": report.Percent(want.OnTimeRate),
		"响应率": report.Percent(want.ResponseRate), "回复率": report.Percent(want.ReplyRate),
		"满意率": report.Percent(want.SatisfactionRate), "好评率": report.Percent(want.GoodRate)}
	for label, v := range cards {
		got, href := kpi(p, label)
		if got != v || href == "" {
			t.Errorf("card %s: %q (link %q), core says %s", label, got, href, v)
		}
	}
	if got, _ := kpi(p, "办结率"); got != "50.00%" {
		t.Errorf("办结率 %s, want 2/4", got)
	}

	// every count drills down to exactly its items
	links := figureLinks(p)
	for label, n := range map[string]int64{"受理量": want.Received, "直接答复量": want.Answered, "交办量": want.Dispatched,
		"办结量": want.Completed, "按时办结量": want.CompletedOnTime, "及时签收量": want.AcceptedOnTime, "回复量": want.Replied,
		"评价量": want.Rated, "满意": want.Satisfied, "不满意": want.Dissatisfied, "五星件": want.FiveStar,
		"解决量": want.Resolved, "超期件": want.Overdue} {
		l, ok := links[label]
		if !ok {
			t.Errorf("no link for %s in %v", label, links)
			continue
		}
		if l[1] != fmt.Sprint(n) {
			t.Errorf("%s shows %s, core says %d", label, l[1], n)
		}
		count, rows := listed(t, mgr, l[0])
		if count != fmt.Sprint(n) || int64(rows) != n {
			t.Errorf("%s = %d drills down to a list of %s (%d rows): %s", label, n, count, rows, l[0])
		}
	}
	if count, _ := listed(t, mgr, links["不满意"][0]); count != "1" {
		t.Errorf("不满意: %s", count)
	} else if p := mgr.Get(links["不满意"][0]); !strings.Contains(p.Text(), w.dissatisfied) {
		t.Errorf("the dissatisfied item %s is not in its list", w.dissatisfied)
	}
	// with a filter the statistics do not keep, the list counts its rows
	if count, rows := listed(t, mgr, links["交办量"][0]+"&status=dispatched"); count != "2" || rows != 2 {
		t.Errorf("交办量 waiting to be signed for: %s (%d rows)", count, rows)
	}
	if p := mgr.Get(links["直接答复量"][0]); !strings.Contains(p.Text(), w.answered) {
		t.Errorf("the item answered on the call is not under 直接答复量")
	}

	// the previous period of the same length, and the change in words
	if !strings.Contains(p.Text(), "与上一个同样长的期间") || !strings.Contains(rowOf(p, "受理量"), "增加 6") {
		t.Errorf("comparison: %q", rowOf(p, "受理量"))
	}
	// breakdowns, ranking, overdue
	if row := rowOf(p, "服务监督电话"); !strings.Contains(row, "6") {
		t.Errorf("channel row: %q", row)
	}
	if row := rowOf(p, "投诉"); !strings.HasPrefix(row, "投诉 5") {
		t.Errorf("kind row: %q", row)
	}
	if got := p.Section("督办:超时未办结(1 件)"); !strings.Contains(got, w.overdue) || !strings.Contains(got, "已超时") {
		t.Errorf("overdue section: %q", got)
	}
	if !strings.Contains(p.Text(), "待审批的延期申请(0 件)") {
		t.Errorf("no link to the approvals")
	}
	if got := p.Section("单位排名(按办结率)"); !strings.Contains(got, "本期没有交办满 10 件的单位") || !strings.Contains(got, "未参加排名") || !strings.Contains(got, "甲处") {
		t.Errorf("with 10 as the minimum, no unit is ranked: %q", got)
	}
	p = mgr.Get("/console/dashboard?min_items=1&from=" + now.Format("2006-01") + "-01&to=" + now.Format("2006-01-02"))
	if row := rowOf(p, "甲处"); !strings.HasPrefix(row, "1 甲处 66.67% 3 2") {
		t.Errorf("UA ranked: %q", row)
	}
	if row := rowOf(p, "乙处"); !strings.HasPrefix(row, "2 乙处 0.00% 1 0") {
		t.Errorf("UB ranked: %q", row)
	}

	// bad input beside the fields
	if p := mgr.Get("/console/dashboard?from=2026-13-01"); p.Status != http.StatusUnprocessableEntity || fieldError(p, "dash-from") == "" {
		t.Errorf("bad 开始日期: %d %q", p.Status, fieldError(p, "dash-from"))
	}
	if p := mgr.Get("/console/dashboard?from=2026-02-01&to=2026-01-01"); p.Status != http.StatusUnprocessableEntity || !strings.Contains(fieldError(p, "dash-to"), "不能早于") {
		t.Errorf("结束日期 before 开始日期: %d %q", p.Status, fieldError(p, "dash-to"))
	}
	if p := mgr.Get("/console/items?figure=colour"); p.Status != http.StatusUnprocessableEntity || fieldError(p, "items-figure") == "" {
		t.Errorf("unknown figure: %d", p.Status)
	}

	// the exports: what the dashboard shows, under Chinese headers
	p = mgr.Get("/console/dashboard")
	var csvHref, xlsxHref string
	for _, a := range p.Elements("a") {
		switch webtest.TextOf(a) {
		case "导出CSV":
			csvHref = webtest.Attr(a, "href")
		case "导出Excel":
			xlsxHref = webtest.Attr(a, "href")
		}
	}
	body, ctype := download(t, mgr, csvHref)
	if !strings.HasPrefix(ctype, "text/csv") || !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("CSV: %s", ctype)
	}
	recs, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(recs[0], ",")
	for _, h := range []string{"分组", "期间", "受理量", "交办量", "办结量", "办结率", "满意率", "好评率"} {
		if !strings.Contains(head, h) {
			t.Errorf("CSV header %q lacks %s", head, h)
		}
	}
	if recs[1][0] != "本期合计" || recs[1][2] != fmt.Sprint(want.Received) || recs[2][0] != "上期合计" || recs[2][2] != "0" {
		t.Errorf("CSV rows %v %v", recs[1], recs[2])
	}
	body, ctype = download(t, mgr, xlsxHref)
	if !strings.Contains(ctype, "spreadsheetml") {
		t.Fatalf("XLSX: %s", ctype)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil || len(rows) < 2 || rows[0][2] != "受理量" || rows[1][2] != fmt.Sprint(want.Received) {
		t.Errorf("XLSX rows %v (%v)", rows[:min(len(rows), 2)], err)
	}

	// other roles
	op := w.signIn(t, domain.RoleOperator)
	for _, path := range []string{"/console/dashboard", csvHref} {
		if p := op.Get(path); p.Status != http.StatusForbidden {
			t.Errorf("operator on %s: %d", path, p.Status)
		}
	}
	if p := w.signIn(t, domain.RoleAdmin).Get("/console/dashboard"); p.Status != 200 {
		t.Errorf("admin: %d", p.Status)
	}
}

// download fetches a file with the client's session.
func download(t *testing.T, c *webtest.Client, href string) ([]byte, string) {
	t.Helper()
	if href == "" {
		t.Fatal("no export link")
	}
	p := c.Get(href)
	if p.Status != 200 {
		t.Fatalf("%s: %d", href, p.Status)
	}
	if cd := p.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("%s: Content-Disposition %q", href, cd)
	}
	return []byte(p.Body), p.Header.Get("Content-Type")
}

// TestReports: the annual report page shows core's annual figures per
// channel with the report's sentences; the counts drill down; the downloads
// carry the table under Chinese headers; a bad year is shown beside the
// field; the default year is the last one.
func TestReports(t *testing.T) {
	w := newStatsWorld(t)
	mgr := w.signIn(t, domain.RoleManager)
	year := w.s.Core.Now().Year()
	rep, err := w.s.Core.Annual(context.Background(), w.managerViewer(), year)
	if err != nil {
		t.Fatal(err)
	}
	p := mgr.Get(fmt.Sprintf("/console/reports?year=%d", year))
	if p.Status != 200 {
		t.Fatalf("reports: %d", p.Status)
	}
	checkPage(t, p)
	wantLabels(t, p, "reports", "年度")
	total := tableRow(p, "全部渠道")
	wantTotal := fmt.Sprintf("全部渠道 %d %d %d %d %s", rep.Total.Received, rep.Total.Answered, rep.Total.Dispatched,
		rep.Total.Completed, report.Percent(rep.Total.CompletionRate))
	if !strings.HasPrefix(total, wantTotal) || rep.Total.Received != 6 {
		t.Errorf("total row %q, want %q", total, wantTotal)
	}
	if row := tableRow(p, "服务监督电话"); !strings.HasPrefix(row, "服务监督电话 6 1 4 2 50.00%") {
		t.Errorf("hotline row %q", row)
	}
	if row := tableRow(p, "厅长信箱"); !strings.HasPrefix(row, "厅长信箱 0 0 0 0 —") {
		t.Errorf("mailbox row %q", row)
	}
	if !strings.Contains(p.Section("报告文字"), "共受理群众诉求6件") {
		t.Errorf("report text %q", p.Section("报告文字"))
	}
	if !webtest.Contains(p.Buttons(), "打印") {
		t.Errorf("no 打印 button")
	}
	var received string
	for _, a := range p.Elements("a") {
		if strings.Contains(webtest.Attr(a, "href"), "figure=received") && strings.Contains(webtest.Attr(a, "href"), "channel=hotline") {
			received = webtest.Attr(a, "href")
		}
	}
	if count, rows := listed(t, mgr, received); count != "6" || rows != 6 {
		t.Errorf("受理量 of the hotline drills down to %s items (%d rows)", count, rows)
	}
	var csvHref string
	for _, a := range p.Elements("a") {
		if webtest.TextOf(a) == "导出CSV" {
			csvHref = webtest.Attr(a, "href")
		}
	}
	body, _ := download(t, mgr, csvHref)
	recs, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 6 || recs[0][0] != "渠道" || recs[0][1] != "受理量" || recs[5][0] != "合计" || recs[5][1] != "6" {
		t.Errorf("CSV %v", recs)
	}

	if p := mgr.Get("/console/reports"); p.Status != 200 || p.InputValue("year") != fmt.Sprint(year-1) || !strings.Contains(p.Text(), "该年度没有受理事项") {
		t.Errorf("default year: %d %q", p.Status, p.InputValue("year"))
	}
	if p := mgr.Get("/console/reports?year=abc"); p.Status != http.StatusUnprocessableEntity || fieldError(p, "report-year") == "" {
		t.Errorf("bad year: %d", p.Status)
	}
	if p := w.signIn(t, domain.RoleUnitHead).Get("/console/reports"); p.Status != http.StatusForbidden {
		t.Errorf("unit head: %d", p.Status)
	}
}

// tableRow is the text of the table row whose first cell is exactly label.
func tableRow(p *webtest.Page, label string) string {
	for _, tr := range p.Elements("tr") {
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				if webtest.TextOf(c) == label {
					return webtest.TextOf(tr)
				}
				break
			}
		}
	}
	return ""
}
