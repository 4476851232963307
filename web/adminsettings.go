package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

// SLA policies and the working calendar.

type slaPage struct {
	adminBase
	Rows []slaRow
}

// slaRow is one kind's policy as typed.
type slaRow struct {
	Kind, Label                                           string
	AcceptHours, ReplyWorkdays, UrgentMinutes, UrgentDays string
}

var slaColumns = []string{"accept_hours", "reply_workdays", "urgent_accept_minutes", "urgent_reply_workdays"}

// adminSLA is /console/admin/sla: the deadlines of every kind.
func (w *Web) adminSLA(c *fiber.Ctx, r *request) error {
	return w.showSLA(c, r, fiber.StatusOK, form{Name: "sla"})
}

func (w *Web) showSLA(c *fiber.Ctx, r *request, status int, f form) error {
	ps, err := w.Core.SLAPolicies(c.UserContext())
	if err != nil {
		return err
	}
	p := slaPage{adminBase: newAdminBase(c, f)}
	for _, pol := range ps {
		k := string(pol.Kind)
		row := slaRow{Kind: k, Label: pol.Kind.Label(), AcceptHours: strconv.FormatFloat(pol.AcceptHours, 'f', -1, 64),
			ReplyWorkdays: strconv.Itoa(pol.ReplyWorkdays), UrgentMinutes: strconv.Itoa(pol.UrgentAcceptMinutes),
			UrgentDays: strconv.Itoa(pol.UrgentReplyWorkdays)}
		if f.Values != nil {
			row.AcceptHours, row.ReplyWorkdays = f.Values["accept_hours_"+k], f.Values["reply_workdays_"+k]
			row.UrgentMinutes, row.UrgentDays = f.Values["urgent_accept_minutes_"+k], f.Values["urgent_reply_workdays_"+k]
		}
		p.Rows = append(p.Rows, row)
	}
	return w.render(c, r, status, "admin_sla", "办理时限", p)
}

// adminSaveSLA posts every kind's policy.
func (w *Web) adminSaveSLA(c *fiber.Ctx, r *request) error {
	var names []string
	for _, k := range domain.Kinds() {
		for _, col := range slaColumns {
			names = append(names, col+"_"+string(k))
		}
	}
	f := postForm(c, "sla", names...)
	var in []domain.SLAPolicy
	fields := map[string]string{}
	for i, k := range domain.Kinds() {
		ks := string(k)
		pol := domain.SLAPolicy{Kind: k}
		hours, err := strconv.ParseFloat(strings.TrimSpace(f.Values["accept_hours_"+ks]), 64)
		if err != nil {
			f.fail("accept_hours_"+ks, "请填写工作小时数,例如 2 或 0.5")
		}
		pol.AcceptHours = hours
		if n, ok := f.intField("reply_workdays_"+ks, f.Values["reply_workdays_"+ks], 1, 120); ok {
			pol.ReplyWorkdays = n
		}
		if n, ok := f.intField("urgent_accept_minutes_"+ks, f.Values["urgent_accept_minutes_"+ks], 1, 1440); ok {
			pol.UrgentAcceptMinutes = n
		}
		if n, ok := f.intField("urgent_reply_workdays_"+ks, f.Values["urgent_reply_workdays_"+ks], 1, 120); ok {
			pol.UrgentReplyWorkdays = n
		}
		for _, col := range slaColumns {
			fields[fmt.Sprintf("[%d].%s", i, col)] = col + "_" + ks
		}
		in = append(in, pol)
	}
	if !f.ok() {
		return w.showSLA(c, r, fiber.StatusUnprocessableEntity, f)
	}
	_, err := w.Core.PutSLAPolicies(c.UserContext(), in)
	switch {
	case err == nil:
		return c.Redirect("/console/admin/sla?done=sla-saved", fiber.StatusSeeOther)
	case !failFromCore(&f, err, fields):
		return err
	}
	return w.showSLA(c, r, fiber.StatusUnprocessableEntity, f)
}

type calendarPage struct {
	adminBase
	Year           int
	Prev, Next     int
	Months         []calMonth
	Holidays       int
	Workdays       int
	HolidayText    string
	WorkdayText    string
	WeekdayHeaders []string
}

type calMonth struct {
	Title string
	Weeks [][]calDay
}

// calDay is a cell of the year grid; an empty Date is a cell outside the
// month.
type calDay struct {
	Date, Day, Class, Mark, Title string
}

// calendarYear reads ?year= (default this year).
func (w *Web) calendarYear(c *fiber.Ctx, s string, f *form) int {
	year := w.Core.Now().Year()
	if s = strings.TrimSpace(s); s != "" {
		if n, ok := f.intField("year", s, 2000, 2199); ok {
			year = n
		}
	}
	return year
}

// adminCalendar is /console/admin/calendar: a year as a grid of months,
// holidays and make-up working days marked by text and pattern, and the
// form that changes them.
func (w *Web) adminCalendar(c *fiber.Ctx, r *request) error {
	f := form{Name: "calendar"}
	year := w.calendarYear(c, c.Query("year"), &f)
	status := fiber.StatusOK
	if !f.ok() {
		status = fiber.StatusUnprocessableEntity
	}
	return w.showCalendar(c, r, status, f, year)
}

func (w *Web) showCalendar(c *fiber.Ctx, r *request, status int, f form, year int) error {
	cy, err := w.Core.GetCalendarYear(c.UserContext(), year)
	if err != nil {
		return err
	}
	p := calendarPage{adminBase: newAdminBase(c, f), Year: year, Prev: year - 1, Next: year + 1,
		Holidays: len(cy.Holidays), Workdays: len(cy.Workdays), HolidayText: strings.Join(cy.Holidays, "\n"),
		WorkdayText: strings.Join(cy.Workdays, "\n"), WeekdayHeaders: []string{"一", "二", "三", "四", "五", "六", "日"}}
	if f.Values != nil {
		p.HolidayText, p.WorkdayText = f.Values["holidays"], f.Values["workdays"]
	}
	kinds := map[string]string{}
	for _, d := range cy.Holidays {
		kinds[d] = "holiday"
	}
	for _, d := range cy.Workdays {
		kinds[d] = "workday"
	}
	for m := time.January; m <= time.December; m++ {
		p.Months = append(p.Months, monthGrid(year, m, kinds))
	}
	return w.render(c, r, status, "admin_calendar", "工作日历", p)
}

// monthGrid lays a month out in weeks from Monday.
func monthGrid(year int, m time.Month, kinds map[string]string) calMonth {
	out := calMonth{Title: fmt.Sprintf("%d月", int(m))}
	first := time.Date(year, m, 1, 0, 0, 0, 0, time.UTC)
	week := make([]calDay, (int(first.Weekday())+6)%7)
	for d := first; d.Month() == m; d = d.AddDate(0, 0, 1) {
		iso := d.Format("2006-01-02")
		cell := calDay{Date: iso, Day: strconv.Itoa(d.Day())}
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		switch {
		case kinds[iso] == "holiday":
			cell.Class, cell.Mark, cell.Title = "holiday", "休", "节假日"
		case kinds[iso] == "workday":
			cell.Class, cell.Mark, cell.Title = "makeup", "班", "调休上班"
		case weekend:
			cell.Class, cell.Title = "weekend", "周末"
		default:
			cell.Title = "工作日"
		}
		week = append(week, cell)
		if len(week) == 7 {
			out.Weeks = append(out.Weeks, week)
			week = nil
		}
	}
	if len(week) > 0 {
		for len(week) < 7 {
			week = append(week, calDay{})
		}
		out.Weeks = append(out.Weeks, week)
	}
	return out
}

// splitDates reads dates typed one per line (or separated by commas or
// spaces).
func splitDates(s string) []string {
	out := []string{}
	for _, d := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == ',' || r == ' ' || r == '\t' || r == '，' || r == '、'
	}) {
		out = append(out, d)
	}
	return out
}

// adminSaveCalendar replaces a year's holidays and make-up working days.
func (w *Web) adminSaveCalendar(c *fiber.Ctx, r *request) error {
	f := postForm(c, "calendar", "year", "holidays", "workdays")
	year := w.calendarYear(c, f.Values["year"], &f)
	if !f.ok() {
		return w.showCalendar(c, r, fiber.StatusUnprocessableEntity, f, w.Core.Now().Year())
	}
	_, err := w.Core.PutCalendarYear(c.UserContext(), year, core.CalendarYear{Year: year,
		Holidays: splitDates(f.Values["holidays"]), Workdays: splitDates(f.Values["workdays"])})
	var ve domain.ValidationError
	switch {
	case err == nil:
		return c.Redirect(fmt.Sprintf("/console/admin/calendar?year=%d&done=calendar-saved", year), fiber.StatusSeeOther)
	case errors.As(err, &ve):
		for _, e := range ve {
			field := strings.SplitN(e.Field, "[", 2)[0]
			f.fail(field, calendarMessage(e.Message))
		}
	default:
		return err
	}
	return w.showCalendar(c, r, fiber.StatusUnprocessableEntity, f, year)
}

// calendarMessage says in Chinese what is wrong with a date of the list,
// naming the date.
func calendarMessage(m string) string {
	date := ""
	if i := strings.Index(m, `"`); i >= 0 {
		date = strings.Trim(m[i:], `"`)
	} else if f := strings.Fields(m); len(f) > 0 {
		date = f[0]
	}
	switch {
	case strings.HasPrefix(m, "not a date"):
		return fmt.Sprintf("“%s”不是 年-月-日 格式的日期", date)
	case strings.Contains(m, "is not in"):
		return fmt.Sprintf("%s 不在该年度内", date)
	case strings.Contains(m, "listed twice"):
		return fmt.Sprintf("%s 重复填写(同一天只能是节假日或调休上班日之一)", date)
	case strings.Contains(m, "is a weekday"):
		return fmt.Sprintf("%s 是工作日,调休上班日只填周六或周日", date)
	case strings.Contains(m, "at most 366"):
		return "最多填写 366 个日期"
	}
	return chineseMessage(m)
}

type auditPage struct {
	adminBase
	Filter  map[string]string
	Rows    []auditRow
	NextURL string
	Actions []option
}

type auditRow struct {
	At, Username, Action, Detail string
	Items                        []int64
}

// auditActions names the audited actions.
var auditActions = map[string]string{"phone_viewed": "查看完整电话号码"}

// adminAudit is /console/admin/audit: the audit log with filters in the
// query string, a page at a time.
func (w *Web) adminAudit(c *fiber.Ctx, r *request) error {
	p := auditPage{Filter: map[string]string{}}
	f := form{Name: "audit"}
	for _, k := range []string{"username", "action", "item_id", "from", "to"} {
		p.Filter[k] = strings.TrimSpace(c.Query(k))
	}
	q := core.AuditQuery{Actor: p.Filter["username"], Action: p.Filter["action"]}
	if s := p.Filter["item_id"]; s != "" {
		if n, ok := f.intField("item_id", s, 1, 1<<62); ok {
			q.ItemID = int64(n)
		}
	}
	loc := w.Core.Location()
	for _, k := range []string{"from", "to"} {
		if p.Filter[k] == "" {
			continue
		}
		d, err := time.ParseInLocation("2006-01-02", p.Filter[k], loc)
		if err != nil {
			f.fail(k, "请按 年-月-日 填写日期,例如 2026-01-31")
			continue
		}
		if k == "from" {
			q.From = &d
		} else {
			d = d.AddDate(0, 0, 1)
			q.To = &d
		}
	}
	page, err := core.ParsePage("", c.Query("cursor"))
	if err != nil {
		f.fail("", "翻页参数无效,请从第一页重新查询")
	}
	for code, label := range auditActions {
		p.Actions = append(p.Actions, option{code, label})
	}
	status := fiber.StatusOK
	if f.ok() {
		rows, next, err := w.Core.AuditLog(c.UserContext(), q, page)
		if !failFromCore(&f, err, map[string]string{"username": "username", "action": "action", "item_id": "item_id"}) && err != nil {
			return err
		}
		for _, e := range rows {
			label := auditActions[e.Action]
			if label == "" {
				label = e.Action
			}
			p.Rows = append(p.Rows, auditRow{At: w.when(e.At), Username: e.Username, Action: label, Detail: e.Detail, Items: e.ItemIDs})
		}
		if next != nil {
			v := c.Request().URI().QueryArgs()
			v.Set("cursor", *next)
			p.NextURL = "/console/admin/audit?" + string(v.QueryString())
		}
	}
	if !f.ok() {
		status = fiber.StatusUnprocessableEntity
	}
	p.adminBase = newAdminBase(c, f)
	return w.render(c, r, status, "admin_audit", "审计日志", p)
}
