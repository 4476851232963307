package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

// The annual report page: a year's figures per channel, as the
// public-interaction section of the annual report quotes them, printable and
// downloadable.

type reportsPage struct {
	Form       form
	Year       int
	Years      []int
	R          core.AnnualReport
	Rows       []annualRow
	Paragraphs []string
	ExportXLSX string
	ExportCSV  string
}

type annualRow struct {
	Label                                                                    string
	Received, Answered, Dispatched, Completed, Rated                         int64
	ReceivedLink, DispatchedLink, CompletedLink                              string
	CompletionRate, OnTimeRate, ReplyRate, SatisfactionRate, GoodRate, Total string
}

// reportYear reads ?year= (default: last year, the one being reported on).
func (w *Web) reportYear(c *fiber.Ctx, f *form) int {
	year := w.Core.Now().Year() - 1
	f.Values = map[string]string{"year": strings.TrimSpace(c.Query("year"))}
	if s := f.Values["year"]; s != "" {
		if n, ok := f.intField("year", s, 2000, 2199); ok {
			year = n
		}
	}
	return year
}

// reports is /console/reports.
func (w *Web) reports(c *fiber.Ctx, r *request) error {
	p := reportsPage{Form: form{Name: "report"}}
	p.Year = w.reportYear(c, &p.Form)
	rep, err := w.Core.Annual(c.UserContext(), r.viewer, p.Year)
	if err != nil {
		return err
	}
	p.R = rep
	for _, para := range strings.Split(rep.Text, "\n") {
		if rep.Total.Received > 0 && strings.TrimSpace(para) != "" {
			p.Paragraphs = append(p.Paragraphs, para)
		}
	}
	for y := w.Core.Now().Year(); y >= w.Core.Now().Year()-5; y-- {
		p.Years = append(p.Years, y)
	}
	from := time.Date(p.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	d := drill{from: from, to: from.AddDate(1, 0, -1)}
	for _, ch := range rep.Channels {
		dc := d
		dc.channel = deref(ch.Channel)
		p.Rows = append(p.Rows, annualRowOf(ch, dc))
	}
	p.Rows = append(p.Rows, annualRowOf(rep.Total, d))
	y := strconv.Itoa(p.Year)
	p.ExportXLSX = "/console/reports/export?year=" + y + "&format=xlsx"
	p.ExportCSV = "/console/reports/export?year=" + y + "&format=csv"
	status := fiber.StatusOK
	if !p.Form.ok() {
		status = fiber.StatusUnprocessableEntity
	}
	return w.render(c, r, status, "reports", "年度报告", p)
}

func annualRowOf(ch core.AnnualChannel, d drill) annualRow {
	f := ch.Figures
	return annualRow{Label: ch.Label, Received: f.Received, Answered: f.Answered, Dispatched: f.Dispatched,
		Completed: f.Completed, Rated: f.Rated, ReceivedLink: d.url("received"), DispatchedLink: d.url("dispatched"),
		CompletedLink: d.url("completed"), CompletionRate: rateText(f.CompletionRate), OnTimeRate: rateText(f.OnTimeRate),
		ReplyRate: rateText(f.ReplyRate), SatisfactionRate: rateText(f.SatisfactionRate), GoodRate: rateText(f.GoodRate),
		Total: map[bool]string{true: "total"}[ch.Channel == nil]}
}

// reportsExport is /console/reports/export: the year's table as XLSX or CSV.
func (w *Web) reportsExport(c *fiber.Ctx, r *request) error {
	f := form{Name: "report"}
	year := w.reportYear(c, &f)
	if !f.ok() {
		return w.fail(c, r, fiber.StatusUnprocessableEntity, "无法导出", "年度有误:"+strings.Join(f.messages(), ";"))
	}
	rep, err := w.Core.Annual(c.UserContext(), r.viewer, year)
	if err != nil {
		return err
	}
	return w.sendTable(c, r, core.AnnualTable(rep), "hotline-annual-"+strconv.Itoa(year))
}
