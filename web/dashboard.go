package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
	"hotline/report"
)

// The manager's dashboard: the period's figures beside the previous
// period's, the trend, channels and kinds, the unit ranking, what is overdue
// and the exports. Every count links to the items it counts.

// headlineFigures are the figures shown as cards at the top (CONSOLE.md's
// labels); the table below shows them all.
var headlineFigures = []string{"received", "dispatched", "completed", "completion_rate", "on_time_rate",
	"response_rate", "reply_rate", "satisfaction_rate", "good_rate"}

// rateParts names, for each rate, the figures of its numerator and
// denominator, whose item lists a rate links to.
var rateParts = map[string][2]string{
	"completion_rate": {"completed", "dispatched"}, "on_time_rate": {"completed_on_time", "dispatched"},
	"response_rate": {"accepted_on_time", "dispatched"}, "reply_rate": {"replied", "received"},
	"satisfaction_rate": {"satisfied_any", "rated"}, "good_rate": {"five_star", "rated"},
	"resolution_rate": {"resolved", "rated"}, "avg_handle_hours": {"completed", ""},
}

// dashQuery is the dashboard's query string, checked.
type dashQuery struct {
	From, To time.Time // the days shown; To included
	RankBy   string
	MinItems int64
}

// values are the query parameters of the dashboard for q.
func (q dashQuery) values() url.Values {
	v := url.Values{"from": {q.From.Format("2006-01-02")}, "to": {q.To.Format("2006-01-02")}}
	if q.RankBy != "completion_rate" {
		v.Set("rank_by", q.RankBy)
	}
	if q.MinItems != defaultMinItems {
		v.Set("min_items", strconv.FormatInt(q.MinItems, 10))
	}
	return v
}

// defaultMinItems is the ranking's minimum sample unless one is chosen: a
// unit with fewer dispatched items is listed apart, unranked.
const defaultMinItems = 10

// parseDashQuery reads the query string; a bad field gets a message and its
// default. The default period is this month up to today.
func (w *Web) parseDashQuery(c *fiber.Ctx, f *form) dashQuery {
	now := w.Core.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	q := dashQuery{From: time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC), To: today,
		RankBy: "completion_rate", MinItems: defaultMinItems}
	f.Values = map[string]string{}
	for _, k := range []string{"from", "to", "rank_by", "min_items"} {
		f.Values[k] = strings.TrimSpace(c.Query(k))
	}
	date := func(field string, into *time.Time) {
		s := f.Values[field]
		if s == "" {
			f.Values[field] = into.Format("2006-01-02")
			return
		}
		d, err := time.Parse("2006-01-02", s)
		if err != nil || d.Year() < 2000 || d.Year() > 2199 {
			f.fail(field, "请按 年-月-日 填写 2000 年以后的日期,例如 2026-01-31")
			return
		}
		*into = d
	}
	date("from", &q.From)
	date("to", &q.To)
	if f.ok() && q.To.Before(q.From) {
		f.fail("to", "结束日期不能早于开始日期")
	} else if f.ok() && q.To.Sub(q.From) > 20*366*24*time.Hour {
		f.fail("to", "统计期间不能超过 20 年")
	}
	if s := f.Values["rank_by"]; s != "" {
		if _, _, ok := (domain.Figures{}).RateOf(s); ok {
			q.RankBy = s
		} else {
			f.fail("rank_by", "不是可选的排名指标")
		}
	}
	if s := f.Values["min_items"]; s != "" {
		if n, ok := f.intField("min_items", s, 0, 100000); ok {
			q.MinItems = int64(n)
		}
	}
	if !f.ok() {
		// show the default period rather than nothing, with the messages
		q.From, q.To = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC), today
	}
	return q
}

func (w *Web) dashboardData(c *fiber.Ctx, r *request, q dashQuery) (core.Dashboard, error) {
	return w.Core.Dashboard(c.UserContext(), r.viewer, core.DashboardQuery{From: q.From.Format("2006-01-02"),
		To: q.To.AddDate(0, 0, 1).Format("2006-01-02"), RankBy: q.RankBy, MinItems: q.MinItems})
}

type dashboardPage struct {
	Form       form
	Query      dashQuery
	D          core.Dashboard
	Period     string
	PrevPeriod string
	Headline   []figureRow
	Figures    []figureRow
	Trend      []trendRow
	Channels   []breakdownRow
	Kinds      []breakdownRow
	Ranking    []rankRow
	Below      []rankRow
	RankLabel  string
	RankBy     []option
	Overdue    []listRow
	OverdueN   string
	OverdueURL string
	// PendingExtensions waiting for a manager (-1: not the viewer's to decide).
	PendingExtensions int
	ExportXLSX        string
	ExportCSV         string
	TrendChart        string
	ChannelChart      string
	KindChart         string
}

// figureRow is one figure of the period beside the previous period.
type figureRow struct {
	Key, Label          string
	Cur, Prev           string
	Change              string
	CurLink, PrevLink   string
	NumLink, DenLink    string
	NumCount, DenCount  string
	NumLabel, DenLabel  string
	IsRate, IsHeadlined bool
}

type trendRow struct {
	Period                          string
	Received, Dispatched, Completed int64
	CompletionRate                  string
}

type breakdownRow struct {
	Label                                       string
	Received, Dispatched, Completed             int64
	ReceivedLink, DispatchedLink, CompletedLink string
	CompletionRate, SatisfactionRate            string
}

type rankRow struct {
	Rank                          int
	Unit, Value                   string
	Dispatched, Completed         int64
	DispatchedLink, CompletedLink string
}

// dashboard is /console/dashboard.
func (w *Web) dashboard(c *fiber.Ctx, r *request) error {
	p := dashboardPage{Form: form{Name: "dash"}, PendingExtensions: -1}
	p.Query = w.parseDashQuery(c, &p.Form)
	d, err := w.dashboardData(c, r, p.Query)
	if err != nil {
		return err
	}
	p.D = d
	q := p.Query
	prevFrom, _ := time.Parse("2006-01-02", d.Previous.From)
	prevTo, _ := time.Parse("2006-01-02", d.Previous.To)
	prevTo = prevTo.AddDate(0, 0, -1)
	p.Period = periodText(q.From, q.To)
	p.PrevPeriod = periodText(prevFrom, prevTo)
	cur := drill{from: q.From, to: q.To}
	prev := drill{from: prevFrom, to: prevTo}
	p.Figures = figureRows(d.Total, d.Previous.Total, cur, prev)
	for _, f := range p.Figures {
		if f.IsHeadlined {
			p.Headline = append(p.Headline, f)
		}
	}
	// cards in CONSOLE.md's order
	order := map[string]int{}
	for i, k := range headlineFigures {
		order[k] = i
	}
	headline := make([]figureRow, len(headlineFigures))
	for _, f := range p.Headline {
		headline[order[f.Key]] = f
	}
	p.Headline = headline
	p.fillTrend(d.Trend)
	p.Channels = breakdownRows(d.Channels, func(b core.Breakdown) drill { return drill{from: q.From, to: q.To, channel: b.Key} })
	p.Kinds = breakdownRows(d.Kinds, func(b core.Breakdown) drill { return drill{from: q.From, to: q.To, kind: b.Key} })
	p.fillCharts()
	p.fillRanking(d.Ranking, cur)
	if err := w.fillOverdue(c, r, &p); err != nil {
		return err
	}
	if r.viewer.Role == domain.RoleManager {
		a, err := w.Core.Approvals(c.UserContext(), r.viewer)
		if err != nil {
			return err
		}
		p.PendingExtensions = len(a.Extensions)
	}
	v := q.values()
	v.Set("format", "xlsx")
	p.ExportXLSX = "/console/dashboard/export?" + v.Encode()
	v.Set("format", "csv")
	p.ExportCSV = "/console/dashboard/export?" + v.Encode()
	status := fiber.StatusOK
	if !p.Form.ok() {
		status = fiber.StatusUnprocessableEntity
	}
	return w.render(c, r, status, "dashboard", "统计分析", p)
}

func periodText(from, to time.Time) string {
	return from.Format("2006-01-02") + " 至 " + to.Format("2006-01-02")
}

// drill is an item list behind a figure: the items received in [from, to]
// (days included) that the figure counts, narrowed to a channel, kind or
// primary unit.
type drill struct {
	from, to            time.Time
	channel, kind, unit string
}

// url is the item list of the figure.
func (d drill) url(figure string) string {
	if figure == "" {
		return ""
	}
	v := url.Values{"figure": {figure}, "from": {d.from.Format("2006-01-02")}, "to": {d.to.Format("2006-01-02")}}
	if d.channel != "" {
		v.Set("channel", d.channel)
	}
	if d.kind != "" {
		v.Set("kind", d.kind)
	}
	if d.unit != "" {
		v.Set("primary_unit_code", d.unit)
	}
	return "/console/items?" + v.Encode()
}

// countFigure reports whether a figure is a count with an item list.
func countFigure(key string) bool {
	for _, n := range core.FigureNames() {
		if n == key {
			return true
		}
	}
	return false
}

// figureLabels are the Chinese names of the figures, as reports print them.
func figureLabels() map[string]string {
	out := map[string]string{"satisfied_any": "满意及基本满意"}
	for _, col := range core.FigureColumns() {
		out[col.Key] = col.Header
	}
	return out
}

// figureRows lays out every figure of cur beside prev.
func figureRows(cur, prev domain.Figures, curDrill, prevDrill drill) []figureRow {
	cols := core.FigureColumns()
	cv, pv := core.FigureCells(cur), core.FigureCells(prev)
	labels := figureLabels()
	counts := map[string]int64{}
	for i, col := range cols {
		if n, ok := cv[i].(int64); ok {
			counts[col.Key] = n
		}
	}
	counts["satisfied_any"] = cur.Satisfied + cur.BasicallySatisfied
	var out []figureRow
	for i, col := range cols {
		row := figureRow{Key: col.Key, Label: strings.TrimSuffix(col.Header, "(小时)"), IsRate: col.Kind != report.Int,
			Cur: cellText(col.Kind, cv[i]), Prev: cellText(col.Kind, pv[i]), Change: changeText(col.Kind, cv[i], pv[i])}
		for _, h := range headlineFigures {
			row.IsHeadlined = row.IsHeadlined || h == col.Key
		}
		if countFigure(col.Key) {
			row.CurLink, row.PrevLink = curDrill.url(col.Key), prevDrill.url(col.Key)
		} else if parts, ok := rateParts[col.Key]; ok {
			row.NumLabel, row.DenLabel = labels[parts[0]], labels[parts[1]]
			row.NumLink, row.DenLink = curDrill.url(parts[0]), curDrill.url(parts[1])
			row.NumCount = strconv.FormatInt(counts[parts[0]], 10)
			if parts[1] != "" {
				row.DenCount = strconv.FormatInt(counts[parts[1]], 10)
			}
			row.CurLink = row.NumLink
		}
		out = append(out, row)
	}
	return out
}

// cellText writes a figure as staff read it.
func cellText(kind report.ColumnKind, v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case *float64:
		if x == nil {
			return "—"
		}
		if kind == report.Rate {
			return report.Percent(x)
		}
		return fmt.Sprintf("%.2f 小时", *x)
	}
	return "—"
}

// changeText says in words how a figure moved since the previous period,
// so that nothing depends on colour or an arrow alone.
func changeText(kind report.ColumnKind, cur, prev any) string {
	switch c := cur.(type) {
	case int64:
		p := prev.(int64)
		diff := c - p
		if diff == 0 {
			return "持平"
		}
		word := "增加"
		if diff < 0 {
			word = "减少"
		}
		s := fmt.Sprintf("%s %d", word, abs(diff))
		if p != 0 {
			s += fmt.Sprintf("(%s%.1f%%)", sign(diff), math.Abs(float64(diff))/float64(p)*100)
		}
		return s
	case *float64:
		p, _ := prev.(*float64)
		if c == nil || p == nil {
			return "无法比较"
		}
		diff := *c - *p
		if kind == report.Rate {
			diff *= 100
		}
		if math.Abs(diff) < 0.005 {
			return "持平"
		}
		word := "上升"
		if diff < 0 {
			word = "下降"
		}
		if kind == report.Rate {
			return fmt.Sprintf("%s %.2f 个百分点", word, math.Abs(diff))
		}
		if diff < 0 {
			word = "缩短"
		} else {
			word = "延长"
		}
		return fmt.Sprintf("%s %.2f 小时", word, math.Abs(diff))
	}
	return "—"
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func sign(n int64) string {
	if n < 0 {
		return "-"
	}
	return "+"
}

func rateText(r *float64) string { return report.Percent(r) }

func (p *dashboardPage) fillTrend(t core.Trend) {
	for _, pt := range t.Points {
		p.Trend = append(p.Trend, trendRow{Period: pt.Period, Received: pt.Received, Dispatched: pt.Dispatched,
			Completed: pt.Completed, CompletionRate: rateText(pt.CompletionRate)})
	}
}

func breakdownRows(bs []core.Breakdown, drillOf func(core.Breakdown) drill) []breakdownRow {
	var out []breakdownRow
	for _, b := range bs {
		d := drillOf(b)
		out = append(out, breakdownRow{Label: b.Label, Received: b.Received, Dispatched: b.Dispatched,
			Completed: b.Completed, ReceivedLink: d.url("received"), DispatchedLink: d.url("dispatched"),
			CompletedLink: d.url("completed"), CompletionRate: rateText(b.CompletionRate),
			SatisfactionRate: rateText(b.SatisfactionRate)})
	}
	return out
}

// chart is what dashboard.js draws: categories and named series.
type chart struct {
	Kind       string        `json:"kind"` // line, bar, pie
	Title      string        `json:"title"`
	Categories []string      `json:"categories"`
	Series     []chartSeries `json:"series"`
}

type chartSeries struct {
	Name string  `json:"name"`
	Data []int64 `json:"data"`
}

func chartJSON(ch chart) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(ch) // plain strings and numbers cannot fail
	return strings.TrimSpace(buf.String())
}

func (p *dashboardPage) fillCharts() {
	trend := chart{Kind: "line", Title: "受理、交办、办结趋势", Series: []chartSeries{{Name: "受理量"}, {Name: "交办量"}, {Name: "办结量"}}}
	for _, t := range p.Trend {
		trend.Categories = append(trend.Categories, t.Period)
		trend.Series[0].Data = append(trend.Series[0].Data, t.Received)
		trend.Series[1].Data = append(trend.Series[1].Data, t.Dispatched)
		trend.Series[2].Data = append(trend.Series[2].Data, t.Completed)
	}
	p.TrendChart = chartJSON(trend)
	channels := chart{Kind: "bar", Title: "各渠道受理量与办结量", Series: []chartSeries{{Name: "受理量"}, {Name: "办结量"}}}
	for _, b := range p.Channels {
		channels.Categories = append(channels.Categories, b.Label)
		channels.Series[0].Data = append(channels.Series[0].Data, b.Received)
		channels.Series[1].Data = append(channels.Series[1].Data, b.Completed)
	}
	p.ChannelChart = chartJSON(channels)
	kinds := chart{Kind: "pie", Title: "各诉求类型受理量", Series: []chartSeries{{Name: "受理量"}}}
	for _, b := range p.Kinds {
		kinds.Categories = append(kinds.Categories, b.Label)
		kinds.Series[0].Data = append(kinds.Series[0].Data, b.Received)
	}
	p.KindChart = chartJSON(kinds)
}

func (p *dashboardPage) fillRanking(rk core.Ranking, cur drill) {
	labels := figureLabels()
	p.RankLabel = strings.TrimSuffix(labels[rk.By], "(小时)")
	for _, m := range domain.RankingMetrics() {
		p.RankBy = append(p.RankBy, option{m, strings.TrimSuffix(labels[m], "(小时)")})
	}
	row := func(e core.RankingEntry) rankRow {
		d := cur
		d.unit = e.UnitCode
		val := "—"
		if e.Value != nil {
			if rk.By == "avg_handle_hours" {
				val = fmt.Sprintf("%.2f 小时", *e.Value)
			} else {
				val = report.Percent(e.Value)
			}
		}
		name := e.UnitName
		if name == "" {
			name = e.UnitCode
		}
		return rankRow{Rank: e.Rank, Unit: name, Value: val, Dispatched: e.Figures.Dispatched, Completed: e.Figures.Completed,
			DispatchedLink: d.url("dispatched"), CompletedLink: d.url("completed")}
	}
	for _, e := range rk.Ranked {
		p.Ranking = append(p.Ranking, row(e))
	}
	for _, e := range rk.BelowMinimum {
		p.Below = append(p.Below, row(e))
	}
}

// overdueShown is how many overdue items the dashboard lists (督办), and
// overdueCountLimit how far it counts them.
const (
	overdueShown      = 10
	overdueCountLimit = 1000
)

func (w *Web) fillOverdue(c *fiber.Ctx, r *request, p *dashboardPage) error {
	ctx := c.UserContext()
	yes := true
	q := core.ItemQuery{Overdue: &yes, Open: true}
	items, _, err := w.Core.ListItems(ctx, r.viewer, q, core.Page{Limit: overdueShown})
	if err != nil {
		return err
	}
	n, err := w.Core.CountItemsUpTo(ctx, r.viewer, q, overdueCountLimit+1)
	if err != nil {
		return err
	}
	p.OverdueN = fmt.Sprint(n)
	if n > overdueCountLimit {
		p.OverdueN = fmt.Sprintf("%d 件以上", overdueCountLimit)
	} else {
		p.OverdueN += " 件"
	}
	units, err := w.unitNames(c)
	if err != nil {
		return err
	}
	cal, err := w.Core.Calendar(ctx)
	if err != nil {
		return err
	}
	now := w.Core.Now()
	for _, it := range items {
		p.Overdue = append(p.Overdue, listRow{ItemView: it, Remaining: remainingFor(cal, now, it),
			Unit: units.name(deref(it.PrimaryUnitCode))})
	}
	p.OverdueURL = "/console/items?overdue=true&open=true"
	return nil
}

// dashboardExport is /console/dashboard/export: what the dashboard shows, as
// an XLSX or CSV file with Chinese headers.
func (w *Web) dashboardExport(c *fiber.Ctx, r *request) error {
	f := form{Name: "dash"}
	q := w.parseDashQuery(c, &f)
	if !f.ok() {
		return w.fail(c, r, fiber.StatusUnprocessableEntity, "无法导出", "统计条件有误:"+strings.Join(f.messages(), ";"))
	}
	d, err := w.dashboardData(c, r, q)
	if err != nil {
		return err
	}
	name := "hotline-dashboard-" + q.From.Format("2006-01-02") + "_" + q.To.Format("2006-01-02")
	return w.sendTable(c, r, core.DashboardTable(d), name)
}

// sendTable writes a table as the file ?format= asks for (xlsx or csv).
func (w *Web) sendTable(c *fiber.Ctx, r *request, t report.Table, name string) error {
	var buf bytes.Buffer
	var err error
	switch format := c.Query("format", "xlsx"); format {
	case "csv":
		err = report.WriteCSV(&buf, t)
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	case "xlsx":
		err = report.WriteXLSX(&buf, t)
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	default:
		return w.fail(c, r, fiber.StatusBadRequest, "无法导出", "导出格式只能是 Excel(xlsx)或 CSV。")
	}
	if err != nil {
		return fmt.Errorf("render export: %w", err)
	}
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.%s"`, name, c.Query("format", "xlsx")))
	return c.Send(buf.Bytes())
}

// messages are the form's messages in order.
func (f form) messages() []string {
	var out []string
	for _, m := range f.Summary() {
		out = append(out, m.Message)
	}
	return out
}
