package core

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"hotline/domain"
	"hotline/report"
)

// figureColumns are the statistics fields with the headers reports print.
func figureColumns() []report.Column {
	return []report.Column{
		{Key: "received", Header: "受理量", Kind: report.Int},
		{Key: "answered", Header: "直接答复量", Kind: report.Int},
		{Key: "dispatched", Header: "交办量", Kind: report.Int},
		{Key: "completed", Header: "办结量", Kind: report.Int},
		{Key: "completion_rate", Header: "办结率", Kind: report.Rate},
		{Key: "completed_on_time", Header: "按时办结量", Kind: report.Int},
		{Key: "on_time_rate", Header: "按时办结率", Kind: report.Rate},
		{Key: "accepted_on_time", Header: "及时签收量", Kind: report.Int},
		{Key: "response_rate", Header: "响应率", Kind: report.Rate},
		{Key: "replied", Header: "回复量", Kind: report.Int},
		{Key: "reply_rate", Header: "回复率", Kind: report.Rate},
		{Key: "rated", Header: "评价量", Kind: report.Int},
		{Key: "satisfied", Header: "满意", Kind: report.Int},
		{Key: "basically_satisfied", Header: "基本满意", Kind: report.Int},
		{Key: "dissatisfied", Header: "不满意", Kind: report.Int},
		{Key: "satisfaction_rate", Header: "满意率", Kind: report.Rate},
		{Key: "five_star", Header: "五星件", Kind: report.Int},
		{Key: "good_rate", Header: "好评率", Kind: report.Rate},
		{Key: "resolved", Header: "解决量", Kind: report.Int},
		{Key: "resolution_rate", Header: "解决率", Kind: report.Rate},
		{Key: "overdue", Header: "超期件", Kind: report.Int},
		{Key: "avg_handle_hours", Header: "平均办理时长(小时)", Kind: report.Hours},
	}
}

func figureCells(f domain.Figures) []any {
	return []any{f.Received, f.Answered, f.Dispatched, f.Completed, f.CompletionRate, f.CompletedOnTime, f.OnTimeRate,
		f.AcceptedOnTime, f.ResponseRate, f.Replied, f.ReplyRate, f.Rated, f.Satisfied, f.BasicallySatisfied,
		f.Dissatisfied, f.SatisfactionRate, f.FiveStar, f.GoodRate, f.Resolved, f.ResolutionRate, f.Overdue,
		f.AvgHandleHours}
}

// ExportTable runs a statistics query and lays it out as a table with Chinese
// headers and labels, and a totals row.
func (c *Core) ExportTable(ctx context.Context, v domain.Viewer, in StatsQuery) (report.Table, error) {
	res, err := c.Stats(ctx, v, in)
	if err != nil {
		return report.Table{}, err
	}
	units, err := c.store.Q().ListUnits(ctx)
	if err != nil {
		return report.Table{}, err
	}
	unitNames := map[string]string{}
	for _, u := range units {
		unitNames[u.Code] = u.Name
	}
	cats, err := c.store.Q().ListCategories(ctx)
	if err != nil {
		return report.Table{}, err
	}
	catNames := map[string]string{}
	for _, cat := range cats {
		catNames[cat.Code] = cat.Name
	}
	var cols []report.Column
	for _, g := range res.GroupBy {
		switch g {
		case "unit":
			cols = append(cols, report.Column{Key: "unit_code", Header: "单位代码", Kind: report.Text},
				report.Column{Key: "unit_name", Header: "承办单位", Kind: report.Text})
		case "channel":
			cols = append(cols, report.Column{Key: "channel", Header: "渠道", Kind: report.Text})
		case "kind":
			cols = append(cols, report.Column{Key: "kind", Header: "诉求类型", Kind: report.Text})
		case "category":
			cols = append(cols, report.Column{Key: "category_code", Header: "问题分类", Kind: report.Text})
		default:
			cols = append(cols, report.Column{Key: "period", Header: "期间", Kind: report.Text})
		}
	}
	label := func(key string, v *string) []any {
		if v == nil {
			switch key {
			case "unit_code":
				return []any{"", "未交办"}
			case "category_code":
				return []any{"未分类"}
			}
			return []any{""}
		}
		switch key {
		case "unit_code":
			return []any{*v, unitNames[*v]}
		case "channel":
			return []any{domain.Channel(*v).Label()}
		case "kind":
			return []any{domain.Kind(*v).Label()}
		case "category_code":
			if n, ok := catNames[*v]; ok {
				return []any{n}
			}
		}
		return []any{*v}
	}
	t := report.Table{Title: fmt.Sprintf("统计 %s 至 %s", res.From, res.To), Columns: append(cols, figureColumns()...)}
	for _, r := range res.Rows {
		var row []any
		for _, g := range res.GroupBy {
			key := groupKeyName(g)
			row = append(row, label(key, r.Keys[key])...)
		}
		t.Rows = append(t.Rows, append(row, figureCells(r.Figures)...))
	}
	total := make([]any, len(cols))
	for i := range total {
		total[i] = ""
	}
	if len(total) > 0 {
		total[0] = "合计"
	}
	t.Total = append(total, figureCells(res.Total)...)
	return t, nil
}

// AnnualChannel is one channel's figures in an annual report.
type AnnualChannel struct {
	Channel *string `json:"channel"` // null: every channel
	Label   string  `json:"label"`
	domain.Figures
}

// AnnualReport is the answer of GET /reports/annual.
type AnnualReport struct {
	Year     int             `json:"year"`
	AsOf     time.Time       `json:"as_of"`
	Channels []AnnualChannel `json:"channels"`
	Total    AnnualChannel   `json:"total"`
	Text     string          `json:"text"`
}

// Annual returns a year's figures per channel and in all, with the sentences
// of an annual report's public-interaction section.
func (c *Core) Annual(ctx context.Context, v domain.Viewer, year int) (AnnualReport, error) {
	if !domain.YearInRange(year) {
		return AnnualReport{}, domain.ValidationError{{Field: "year", Message: "a year " + domain.TimeRangeMessage}}
	}
	res, err := c.Stats(ctx, v, StatsQuery{From: strconv.Itoa(year) + "-01-01", To: strconv.Itoa(year+1) + "-01-01",
		GroupBy: []string{"channel"}})
	if err != nil {
		return AnnualReport{}, err
	}
	byChannel := map[string]domain.Figures{}
	for _, r := range res.Rows {
		if ch := r.Keys["channel"]; ch != nil {
			byChannel[*ch] = r.Figures
		}
	}
	out := AnnualReport{Year: year, AsOf: res.AsOf, Channels: []AnnualChannel{}}
	var figs []report.AnnualFigures
	for _, ch := range domain.Channels() {
		f, ok := byChannel[string(ch)]
		if !ok {
			f = domain.Counts{}.Figures()
		}
		out.Channels = append(out.Channels, AnnualChannel{Channel: ptr(string(ch)), Label: ch.Label(), Figures: f})
		if f.Received > 0 {
			figs = append(figs, annualFigures(ch.Label(), f))
		}
	}
	out.Total = AnnualChannel{Label: "全部渠道", Figures: res.Total}
	figs = append(figs, annualFigures("全部渠道", res.Total))
	out.Text = report.AnnualText(year, figs)
	return out, nil
}

func annualFigures(label string, f domain.Figures) report.AnnualFigures {
	return report.AnnualFigures{Label: label, Received: f.Received, Answered: f.Answered, Dispatched: f.Dispatched,
		Completed: f.Completed, Replied: f.Replied, Rated: f.Rated, FiveStar: f.FiveStar, Satisfied: f.Satisfied,
		BasicallySatisfied: f.BasicallySatisfied, CompletionRate: f.CompletionRate, ReplyRate: f.ReplyRate,
		SatisfactionRate: f.SatisfactionRate, GoodRate: f.GoodRate, OnTimeRate: f.OnTimeRate}
}
