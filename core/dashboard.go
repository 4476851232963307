package core

import (
	"context"
	"fmt"
	"time"

	"hotline/domain"
	"hotline/repo"
	"hotline/report"
)

// DashboardQuery is the period a manager's dashboard shows, and how its
// ranking ranks.
type DashboardQuery struct {
	From, To string // dates YYYY-MM-DD; To exclusive
	RankBy   string // a name of domain.RankingMetrics ("" = completion_rate)
	MinItems int64  // units with fewer dispatched items are listed apart
}

// Breakdown is the figures of one value of a dimension (a channel, a kind).
type Breakdown struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	domain.Figures
}

// Dashboard is everything the manager's dashboard shows for a period: the
// totals beside the previous period of the same length, the trend, the
// figures per channel and per kind, and the unit ranking.
type Dashboard struct {
	AsOf           time.Time      `json:"as_of"`
	From           string         `json:"from"`
	To             string         `json:"to"`
	Total          domain.Figures `json:"total"`
	Previous       PeriodTotal    `json:"previous"`
	PendingChanges int64          `json:"pending_changes"`
	Trend          Trend          `json:"trend"`
	Channels       []Breakdown    `json:"channels"`
	Kinds          []Breakdown    `json:"kinds"`
	Ranking        Ranking        `json:"ranking"`
}

// TrendInterval is the grain a trend over [from, to) is drawn in: days for
// two months at most, months for three years, years beyond.
func TrendInterval(from, to time.Time) string {
	switch days := to.Sub(from).Hours() / 24; {
	case days <= 62:
		return "day"
	case days <= 3*366:
		return "month"
	}
	return "year"
}

// Dashboard gathers the dashboard's figures. Every figure comes from Stats,
// so it equals what GET /stats answers for the same period.
func (c *Core) Dashboard(ctx context.Context, v domain.Viewer, in DashboardQuery) (Dashboard, error) {
	q := StatsQuery{From: in.From, To: in.To, Compare: true}
	total, err := c.Stats(ctx, v, q)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{AsOf: total.AsOf, From: total.From, To: total.To, Total: total.Total,
		Previous: total.Compare.Previous, PendingChanges: total.PendingChanges}
	q.Compare = false
	from, _ := time.Parse("2006-01-02", total.From)
	to, _ := time.Parse("2006-01-02", total.To)
	if d.Trend, err = c.Trend(ctx, v, q, TrendInterval(from, to)); err != nil {
		return Dashboard{}, err
	}
	if d.Channels, err = c.breakdown(ctx, v, q, "channel"); err != nil {
		return Dashboard{}, err
	}
	if d.Kinds, err = c.breakdown(ctx, v, q, "kind"); err != nil {
		return Dashboard{}, err
	}
	if d.Ranking, err = c.Rank(ctx, v, q, in.RankBy, in.MinItems); err != nil {
		return Dashboard{}, err
	}
	return d, nil
}

// breakdown is the figures per channel or per kind, every value present.
func (c *Core) breakdown(ctx context.Context, v domain.Viewer, q StatsQuery, dim string) ([]Breakdown, error) {
	q.GroupBy = []string{dim}
	res, err := c.Stats(ctx, v, q)
	if err != nil {
		return nil, err
	}
	byKey := map[string]domain.Figures{}
	for _, r := range res.Rows {
		if k := r.Keys[groupKeyName(dim)]; k != nil {
			byKey[*k] = r.Figures
		}
	}
	var out []Breakdown
	add := func(key, label string) {
		f, ok := byKey[key]
		if !ok {
			f = domain.Counts{}.Figures()
		}
		out = append(out, Breakdown{Key: key, Label: label, Figures: f})
	}
	if dim == "channel" {
		for _, ch := range domain.Channels() {
			add(string(ch), ch.Label())
		}
	} else {
		for _, k := range domain.Kinds() {
			add(string(k), k.Label())
		}
	}
	return out, nil
}

// FigureColumns are the statistics fields in report order with the Chinese
// headers reports print (受理量, 交办量, …).
func FigureColumns() []report.Column { return figureColumns() }

// FigureCells are the values of the figures in the order of FigureColumns.
func FigureCells(f domain.Figures) []any { return figureCells(f) }

// DashboardTable lays out what the dashboard shows as one table with Chinese
// headers: the period and the previous one, then each channel and each kind
// of the period, then each unit of the ranking.
func DashboardTable(d Dashboard) report.Table {
	cols := append([]report.Column{{Key: "group", Header: "分组", Kind: report.Text},
		{Key: "period", Header: "期间", Kind: report.Text}}, figureColumns()...)
	period := func(from, to string) string { return from + " 至 " + lastDay(to) }
	cur, prev := period(d.From, d.To), period(d.Previous.From, d.Previous.To)
	t := report.Table{Title: "统计分析 " + cur, Columns: cols}
	row := func(group, p string, f domain.Figures) {
		t.Rows = append(t.Rows, append([]any{group, p}, figureCells(f)...))
	}
	row("本期合计", cur, d.Total)
	row("上期合计", prev, d.Previous.Total)
	for _, b := range d.Channels {
		row("渠道:"+b.Label, cur, b.Figures)
	}
	for _, b := range d.Kinds {
		row("诉求类型:"+b.Label, cur, b.Figures)
	}
	for _, e := range d.Ranking.Ranked {
		row(fmt.Sprintf("单位排名第%d:%s", e.Rank, e.UnitName), cur, e.Figures)
	}
	for _, e := range d.Ranking.BelowMinimum {
		row("未排名单位:"+e.UnitName, cur, e.Figures)
	}
	return t
}

// lastDay turns an exclusive end date into the last day included.
func lastDay(to string) string {
	t, err := time.Parse("2006-01-02", to)
	if err != nil {
		return to
	}
	return t.AddDate(0, 0, -1).Format("2006-01-02")
}

// AnnualTable lays out an annual report as a table: one row per channel and
// the total, every figure with its Chinese header.
func AnnualTable(r AnnualReport) report.Table {
	cols := append([]report.Column{{Key: "channel", Header: "渠道", Kind: report.Text}}, figureColumns()...)
	t := report.Table{Title: fmt.Sprintf("%d年度政民互动情况", r.Year), Columns: cols}
	for _, ch := range r.Channels {
		t.Rows = append(t.Rows, append([]any{ch.Label}, figureCells(ch.Figures)...))
	}
	t.Total = append([]any{"合计"}, figureCells(r.Total.Figures)...)
	return t
}

// figureCount is the value of a count figure (a name of FigureNames).
func figureCount(c domain.Counts, figure string) (int64, bool) {
	if figure == "satisfied_any" {
		return c.Satisfied + c.BasicallySatisfied, true
	}
	for i, col := range figureColumns() {
		if col.Key == figure {
			if n, ok := figureCells(c.Figures())[i].(int64); ok {
				return n, true
			}
		}
	}
	return 0, false
}

// countFromStats counts the items of a figure's list from the roll-ups when
// the list is narrowed by nothing but what the statistics group by: then the
// list holds exactly the items whose facts the roll-ups add up, and their sum
// is its length without reading the items. A unit's list also holds the
// items it co-handles, which the roll-ups credit to their primary unit: those
// few are counted from the items. ok is false for any other list.
func (c *Core) countFromStats(ctx context.Context, v domain.Viewer, f ItemQuery) (int64, bool, error) {
	if f.Figure == "" || f.From == nil || f.To == nil || f.Status != "" || f.UnitCode != "" || f.Q != "" ||
		f.Overdue != nil || f.VisitDue != nil || f.Open {
		return 0, false, nil
	}
	loc := c.set.Location
	from, to := f.From.In(loc), f.To.In(loc)
	if !isMidnight(from) || !isMidnight(to) {
		return 0, false, nil
	}
	unit, coUnit, ok := figureListUnits(v, f.PrimaryUnitCode)
	if !ok {
		return 0, false, nil
	}
	// the list's visibility is already settled by the units above: the
	// roll-ups are read as a manager reads them
	res, err := c.Stats(ctx, domain.Viewer{Role: domain.RoleManager}, StatsQuery{From: from.Format("2006-01-02"),
		To: to.Format("2006-01-02"), UnitCode: unit, Channel: f.Channel, Kind: f.Kind, Category: f.CategoryCode})
	if err != nil {
		return 0, false, err
	}
	n, ok := figureCount(res.Total.Counts, f.Figure)
	if !ok || coUnit == "" {
		return n, ok, nil
	}
	co, err := c.store.Q().CountItems(ctx, repo.ItemFilter{CoUnitCode: coUnit, Figure: f.Figure, Channel: f.Channel,
		Kind: f.Kind, CategoryCode: f.CategoryCode, From: f.From, To: f.To})
	if err != nil {
		return 0, false, fmt.Errorf("count co-handled items: %w", err)
	}
	return n + co, true, nil
}

// figureListUnits is how a figure's list is counted for a viewer: the
// primary unit whose roll-ups hold it ("" for all) and the unit whose
// co-handled items are added. ok is false when the roll-ups cannot count it
// (a unit's view of another unit's items: only the co-handled ones).
func figureListUnits(v domain.Viewer, primary string) (unit, coUnit string, ok bool) {
	if v.SeesEveryUnit() {
		return primary, "", true
	}
	switch {
	case v.UnitCode == "":
		return "", "", false
	case primary == "":
		return v.UnitCode, v.UnitCode, true
	case primary == v.UnitCode:
		return primary, "", true
	}
	return "", "", false
}

func isMidnight(t time.Time) bool {
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}

// CountItemsUpTo counts the items of a query the viewer may see, up to
// limit (a list's heading that must stay fast at any size: "1000 件以上").
func (c *Core) CountItemsUpTo(ctx context.Context, v domain.Viewer, f ItemQuery, limit int) (int64, error) {
	rf, none, err := f.filter(v)
	if err != nil || none {
		return 0, err
	}
	n, err := c.store.Q().CountItemsUpTo(ctx, rf, limit)
	if err != nil {
		return 0, fmt.Errorf("count items: %w", err)
	}
	return n, nil
}
