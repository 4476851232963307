package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

// Deputies' suggestions and members' proposals (建议提案): the list with its
// filters and, for managers, the form that records a new one; a record's
// page with its timeline and the actions the role and status allow; the
// year's figures with the report sentence. Pages call core like the API.

// proposalRoles are the roles the proposal rules let do an action on some
// record (a unit role on its own unit's part).
func proposalRoles(acts ...domain.ProposalAction) []domain.Role {
	var out []domain.Role
	for _, r := range domain.Roles() {
		for _, a := range acts {
			if domain.ProposalMayAct(domain.ProposalActor{Role: r, Unit: "U"}, a, "U", []string{"U"}) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// proposalFilters are the list's query parameters, all bookmarkable.
var proposalFilters = []string{"type", "our_role", "status", "overdue", "year", "q"}

// civilToday is today's date in the configured zone, as proposals count days.
func (w *Web) civilToday() time.Time { return domain.CivilDate(w.Core.Now(), w.Core.Location()) }

// proposalRemaining says how many calendar days are left to the answer's due
// date, in words (the colour only repeats it).
func proposalRemaining(p core.ProposalView, today time.Time) remainingTime {
	if !domain.ProposalStatus(p.Status).Open() {
		return remainingTime{Text: "已答复", Class: "due-none"}
	}
	due, err := domain.ParseCivilDate(p.DueOn)
	if err != nil {
		return remainingTime{Text: "—", Class: "due-none"}
	}
	days := int(due.Sub(today).Hours() / 24)
	switch {
	case days < 0:
		return remainingTime{Text: fmt.Sprintf("已超期 %d 天", -days), Class: "overdue"}
	case days == 0:
		return remainingTime{Text: "今天到期", Class: "due-soon"}
	case days <= 7:
		return remainingTime{Text: fmt.Sprintf("剩余 %d 天", days), Class: "due-soon"}
	}
	return remainingTime{Text: fmt.Sprintf("剩余 %d 天", days), Class: "due-ok"}
}

func proposalStatusLabel(s string) string {
	switch domain.ProposalStatus(s) {
	case domain.PropHandling:
		return "办理中"
	case domain.PropAnswered:
		return "已答复"
	case domain.PropRehandling:
		return "重新办理"
	case domain.PropClosed:
		return "已办结"
	}
	return s
}

func proposalTypeLabel(s string) string { return domain.ProposalType(s).Label() }
func ourRoleLabel(s string) string      { return domain.OurRole(s).Label() }

func contactMethodLabel(s string) string {
	return map[string]string{"meeting": "见面", "phone": "电话", "forum": "座谈", "letter": "书面"}[s]
}

func proposalEventLabel(a string) string {
	if l, ok := map[string]string{
		"created": "交办登记", "contacted": "沟通联系", "opinion_given": "会办意见", "answer_submitted": "提交答复",
		"answer_approved": "审核通过", "answer_rejected": "退回答复", "feedback_received": "代表反馈",
		"feedback_dissatisfied": "代表反馈不满意", "extended": "延期", "published": "公开答复",
		"commitment_added": "承诺事项", "commitment_done": "承诺已完成", "reminded": "到期提醒",
		"overdue": "超期督办", "opinion_overdue": "会办意见超期", "commitment_overdue": "承诺事项超期",
	}[a]; ok {
		return l
	}
	return a
}

type proposalRow struct {
	core.ProposalView
	Remaining remainingTime
	Unit      string
}

type proposalListPage struct {
	Rows     []proposalRow
	Filter   map[string]string
	Types    []option
	OurRoles []option
	Statuses []option
	Units    []option
	Form     form // the filters
	Create   form // the new record's form
	MayAdd   bool
	Today    string
	NextURL  string
	Done     string
}

// proposalList is /console/proposals.
func (w *Web) proposalList(c *fiber.Ctx, r *request) error {
	p := proposalListPage{Create: form{Name: "new"}}
	if c.Query("done") == "created" {
		p.Done = "建议提案已登记。"
	}
	return w.showProposalList(c, r, p, fiber.StatusOK)
}

func (w *Web) showProposalList(c *fiber.Ctx, r *request, p proposalListPage, status int) error {
	ctx := c.UserContext()
	p.Filter, p.Form = map[string]string{}, form{Name: "filters"}
	for _, k := range proposalFilters {
		p.Filter[k] = strings.TrimSpace(c.Query(k))
	}
	q := core.ProposalQuery{Type: p.Filter["type"], OurRole: p.Filter["our_role"], Status: p.Filter["status"], Q: p.Filter["q"]}
	switch p.Filter["overdue"] {
	case "":
	case "true", "false":
		b := p.Filter["overdue"] == "true"
		q.Overdue = &b
	default:
		p.Form.fail("overdue", "请选择“是”或“否”")
	}
	if y := p.Filter["year"]; y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			p.Form.fail("year", "请填写年份,例如 2026")
		}
		q.Year = n
	}
	page, err := core.ParsePage("", c.Query("cursor"))
	if err != nil {
		p.Form.fail("", "翻页参数无效,请从第一页重新查询")
	}
	units, err := w.unitNames(c)
	if err != nil {
		return err
	}
	p.fillOptions(units)
	p.MayAdd = hasRole(proposalCreators(), r.viewer.Role)
	p.Today = w.civilToday().Format(time.DateOnly)
	if p.Form.ok() {
		rows, next, err := w.Core.ListProposals(ctx, r.viewer, q, page)
		var ve domain.ValidationError
		switch {
		case errors.As(err, &ve):
			p.Form.fromCore(ve, map[string]string{"type": "type", "our_role": "our_role", "status": "status", "year": "year", "q": "q"})
		case err != nil:
			return err
		}
		today := w.civilToday()
		for _, x := range rows {
			p.Rows = append(p.Rows, proposalRow{ProposalView: x, Remaining: proposalRemaining(x, today), Unit: units.name(x.LeadUnitCode)})
		}
		if next != nil {
			v := url.Values{}
			for _, k := range proposalFilters {
				if p.Filter[k] != "" {
					v.Set(k, p.Filter[k])
				}
			}
			v.Set("cursor", *next)
			p.NextURL = "/console/proposals?" + v.Encode()
		}
	}
	if !p.Form.ok() && status == fiber.StatusOK {
		status = fiber.StatusUnprocessableEntity
	}
	return w.render(c, r, status, "proposals", "建议提案", p)
}

func (p *proposalListPage) fillOptions(units unitNames) {
	for _, t := range []domain.ProposalType{domain.TypeSuggestion, domain.TypeProposal} {
		p.Types = append(p.Types, option{string(t), t.Label()})
	}
	for _, o := range domain.OurRoles() {
		p.OurRoles = append(p.OurRoles, option{string(o), o.Label()})
	}
	for _, s := range domain.ProposalStatuses() {
		p.Statuses = append(p.Statuses, option{string(s), proposalStatusLabel(string(s))})
	}
	for _, u := range units.list {
		p.Units = append(p.Units, option{u.Code, u.Name})
	}
}

func proposalCreators() []domain.Role { return []domain.Role{domain.RoleAdmin, domain.RoleManager} }

// proposalFields maps core's field names to the new record's form fields.
var proposalFields = map[string]string{"type": "type", "session": "session", "number": "number", "title": "title",
	"content": "content", "lead_author": "lead_author", "co_authors": "co_authors", "raised_during": "raised_during",
	"assigned_on": "assigned_on", "our_role": "our_role", "lead_unit_code": "lead_unit_code", "co_unit_codes": "co_unit_codes",
	"key": "key"}

// createProposal records a new suggestion or proposal (新建建议提案).
func (w *Web) createProposal(c *fiber.Ctx, r *request) error {
	f := postForm(c, "new", "type", "session", "number", "title", "content", "lead_author", "co_authors",
		"raised_during", "assigned_on", "our_role", "lead_unit_code", "key")
	in := core.ProposalInput{Type: f.Values["type"], Session: f.Values["session"], Number: f.Values["number"],
		Title: f.Values["title"], Content: f.Values["content"], LeadAuthor: f.Values["lead_author"],
		RaisedDuring: f.Values["raised_during"], AssignedOn: strings.TrimSpace(f.Values["assigned_on"]),
		OurRole: f.Values["our_role"], LeadUnitCode: f.Values["lead_unit_code"], Key: checked(f.Values["key"])}
	for _, a := range strings.FieldsFunc(f.Values["co_authors"], func(r rune) bool { return r == '、' || r == ',' || r == '\uff0c' || r == '\n' }) {
		if a = strings.TrimSpace(a); a != "" {
			in.CoAuthors = append(in.CoAuthors, a)
		}
	}
	for _, v := range c.Request().PostArgs().PeekMulti("co_unit_codes") {
		if s := strings.TrimSpace(string(v)); s != "" {
			in.CoUnitCodes = append(in.CoUnitCodes, s)
		}
	}
	out, err := w.Core.CreateProposal(c.UserContext(), r.viewer, in)
	var ve domain.ValidationError
	switch {
	case errors.As(err, &ve):
		f.fromCore(ve, proposalFields)
		return w.showProposalList(c, r, proposalListPage{Create: f}, fiber.StatusUnprocessableEntity)
	case err != nil:
		return err
	}
	return c.Redirect(fmt.Sprintf("/console/proposals/%d?done=created", out.ID), fiber.StatusSeeOther)
}

// proposalID reads :pid; anything but a positive number is a record that
// does not exist.
func proposalID(c *fiber.Ctx, param string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(param), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q: %w", param, c.Params(param), domain.ErrNotFound)
	}
	return id, nil
}

// proposalActs are the actions the viewer may take on the record now.
type proposalActs struct {
	Contact, Opinion, Answer, Decide, Feedback, Extend, Publish, Commit, CommitDone bool
}

// Any reports whether any action is offered.
func (a proposalActs) Any() bool {
	return a.Contact || a.Opinion || a.Answer || a.Decide || a.Feedback || a.Extend || a.Publish || a.Commit
}

func proposalActsFor(v domain.Viewer, d core.ProposalDetail) proposalActs {
	may := func(a domain.ProposalAction) bool {
		if !domain.ProposalMayAct(domain.ProposalActor{Role: v.Role, Unit: v.UnitCode}, a, d.LeadUnitCode, d.CoUnitCodes) {
			return false
		}
		_, err := domain.NextProposal(domain.ProposalStatus(d.Status), a)
		return err == nil
	}
	pending := slices.ContainsFunc(d.Answers, func(a core.ProposalAnswerView) bool { return a.Status == "pending" })
	return proposalActs{
		Contact: may(domain.PActContact), Opinion: may(domain.PActOpinion),
		Answer: may(domain.PActAnswer) && !pending, Decide: may(domain.PActApproveAnswer) && pending,
		Feedback: may(domain.PActFeedbackOK), Extend: may(domain.PActExtend),
		Publish: may(domain.PActPublish) && d.PublishedAt == nil, Commit: may(domain.PActCommit),
		CommitDone: may(domain.PActCommitDone),
	}
}

type proposalPage struct {
	P          core.ProposalDetail
	Remaining  remainingTime
	Units      unitNames
	Acts       proposalActs
	Categories []domain.AnswerCategory
	Form       form
	Done       string
	Today      string
}

// UnitName is a unit's name for the template.
func (p proposalPage) UnitName(code string) string { return p.Units.name(code) }

// CategoryLabel names an answer category.
func (p proposalPage) CategoryLabel(code *string) string {
	if code == nil {
		return "—"
	}
	for _, c := range p.Categories {
		if c.Code == *code {
			return c.Code + " 类(" + c.Label + ")"
		}
	}
	return *code
}

// proposalDone confirm an action after its redirect (?done=…).
var proposalDone = map[string]string{
	"created": "建议提案已登记。", "contact": "沟通记录已保存。", "opinion": "会办意见已提交。", "answer": "答复已提交,待管理者审核。",
	"approve": "答复已审核通过。", "reject": "答复已退回。", "feedback": "代表反馈已记录。", "extend": "已延期。",
	"publish": "答复已公开。", "commit": "承诺事项已记录。", "commit_done": "承诺事项已完成。",
}

// proposalPage is /console/proposals/{id}.
func (w *Web) proposalPage(c *fiber.Ctx, r *request) error {
	id, err := proposalID(c, "pid")
	if err != nil {
		return err
	}
	return w.showProposal(c, r, id, fiber.StatusOK, form{}, proposalDone[c.Query("done")])
}

func (w *Web) showProposal(c *fiber.Ctx, r *request, id int64, status int, f form, done string) error {
	ctx := c.UserContext()
	d, err := w.Core.GetProposal(ctx, r.viewer, id)
	if err != nil {
		return err
	}
	units, err := w.unitNames(c)
	if err != nil {
		return err
	}
	set, err := w.Core.ProposalSettings(ctx)
	if err != nil {
		return err
	}
	p := proposalPage{P: d, Remaining: proposalRemaining(d.ProposalView, w.civilToday()), Units: units,
		Acts: proposalActsFor(r.viewer, d), Categories: set.Categories, Form: f, Done: done,
		Today: w.civilToday().Format(time.DateOnly)}
	return w.render(c, r, status, "proposal", d.Number+" "+proposalTypeLabel(d.Type)+":"+d.Title, p)
}

// proposalAction is one form of a record's page: its fields and what it asks
// of core.
type proposalAction struct {
	form   string
	fields []string
	run    func(ctx context.Context, v domain.Viewer, id int64, f *form, c *fiber.Ctx) error
}

func (w *Web) proposalActions() map[string]proposalAction {
	cr := w.Core
	return map[string]proposalAction{
		"contact": {form: "contact", fields: []string{"method", "on", "note"},
			run: func(ctx context.Context, v domain.Viewer, id int64, f *form, _ *fiber.Ctx) error {
				_, err := cr.AddProposalContact(ctx, v, id, core.ContactInput{Method: f.Values["method"], On: f.Values["on"], Note: f.Values["note"]})
				return err
			}},
		"opinion": {form: "opinion", fields: []string{"body"},
			run: func(ctx context.Context, v domain.Viewer, id int64, f *form, _ *fiber.Ctx) error {
				_, err := cr.AddProposalOpinion(ctx, v, id, core.OpinionInput{Body: f.Values["body"]})
				return err
			}},
		"answer": {form: "answer", fields: []string{"category", "body", "answered_on", "public"},
			run: func(ctx context.Context, v domain.Viewer, id int64, f *form, _ *fiber.Ctx) error {
				pub := checked(f.Values["public"])
				_, err := cr.AnswerProposal(ctx, v, id, core.AnswerInput{Category: f.Values["category"], Body: f.Values["body"],
					AnsweredOn: f.Values["answered_on"], Public: &pub})
				return err
			}},
		"decide": {form: "decide", fields: []string{"note", "decision"},
			run: func(ctx context.Context, v domain.Viewer, id int64, f *form, _ *fiber.Ctx) error {
				in := core.DecisionNoteInput{Note: f.Values["note"]}
				var err error
				switch f.Values["decision"] {
				case "approve":
					_, err = cr.ApproveProposalAnswer(ctx, v, id, in)
				case "reject":
					_, err = cr.RejectProposalAnswer(ctx, v, id, in)
				default:
					f.fail("decision", "请选择审核通过或退回")
				}
				return err
			}},
		"feedback": {form: "feedback", fields: []string{"satisfaction", "comment", "on"},
			run: func(ctx context.Context, v domain.Viewer, id int64, f *form, _ *fiber.Ctx) error {
				_, err := cr.RecordProposalFeedback(ctx, v, id, core.FeedbackInput{Satisfaction: f.Values["satisfaction"],
					Comment: f.Values["comment"], On: f.Values["on"]})
				return err
			}},
		"extend": {form: "extend", fields: []string{"months", "reason"},
			run: func(ctx context.Context, v domain.Viewer, id int64, f *form, _ *fiber.Ctx) error {
				n, ok := f.intField("months", f.Values["months"], 1, 12)
				if !ok {
					return nil
				}
				_, err := cr.ExtendProposal(ctx, v, id, core.ProposalExtensionInput{Months: n, Reason: f.Values["reason"]})
				return err
			}},
		"publish": {form: "publish",
			run: func(ctx context.Context, v domain.Viewer, id int64, _ *form, _ *fiber.Ctx) error {
				_, err := cr.PublishProposal(ctx, v, id)
				return err
			}},
		"commit": {form: "commit", fields: []string{"text", "due_on"},
			run: func(ctx context.Context, v domain.Viewer, id int64, f *form, _ *fiber.Ctx) error {
				_, err := cr.AddProposalCommitment(ctx, v, id, core.CommitmentInput{Text: f.Values["text"], DueOn: f.Values["due_on"]})
				return err
			}},
		"commit_done": {form: "done", fields: []string{"done_on", "note"},
			run: func(ctx context.Context, v domain.Viewer, id int64, f *form, c *fiber.Ctx) error {
				cid, err := proposalID(c, "cid")
				if err != nil {
					return err
				}
				_, err = cr.CompleteProposalCommitment(ctx, v, id, cid, core.CommitmentDoneInput{DoneOn: f.Values["done_on"], Note: f.Values["note"]})
				return err
			}},
	}
}

// proposalAct serves one action's form: done, back to the record with a
// confirmation; refused for a field, the record again with the message
// beside the field.
func (w *Web) proposalAct(name string) handler {
	return func(c *fiber.Ctx, r *request) error {
		id, err := proposalID(c, "pid")
		if err != nil {
			return err
		}
		act := w.proposalActions()[name]
		f := postForm(c, act.form, act.fields...)
		err = act.run(c.UserContext(), r.viewer, id, &f, c)
		var ve domain.ValidationError
		switch {
		case errors.As(err, &ve):
			fields := map[string]string{}
			for _, k := range act.fields {
				fields[k] = k
			}
			f.fromCore(ve, fields)
		case err != nil:
			return err
		}
		if !f.ok() {
			return w.showProposal(c, r, id, fiber.StatusUnprocessableEntity, f, "")
		}
		return c.Redirect(fmt.Sprintf("/console/proposals/%d?done=%s", id, name), fiber.StatusSeeOther)
	}
}

type proposalStatsPage struct {
	Year       int
	Years      []int
	F          domain.ProposalFigures
	Categories []domain.AnswerCategory
	Form       form
}

// CategoryCount is how many answers of the year fell in a category.
func (p proposalStatsPage) CategoryCount(code string) int { return p.F.ByCategory[code] }

// proposalStats is /console/proposals/stats?year=: the year's figures and
// the sentence an annual report quotes.
func (w *Web) proposalStats(c *fiber.Ctx, r *request) error {
	ctx := c.UserContext()
	p := proposalStatsPage{Year: w.civilToday().Year(), Form: form{Name: "stats"}}
	for y := p.Year; y > p.Year-6; y-- {
		p.Years = append(p.Years, y)
	}
	status := fiber.StatusOK
	if s := strings.TrimSpace(c.Query("year")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 2000 || n > 2999 {
			p.Form.fail("year", "请选择年份")
			status = fiber.StatusUnprocessableEntity
		} else {
			p.Year = n
		}
	}
	set, err := w.Core.ProposalSettings(ctx)
	if err != nil {
		return err
	}
	p.Categories = set.Categories
	if p.Form.ok() {
		if p.F, err = w.Core.ProposalStats(ctx, p.Year); err != nil {
			return err
		}
	}
	return w.render(c, r, status, "proposalstats", fmt.Sprintf("%d年建议提案办理情况", p.Year), p)
}

// proposalReaders are the roles that see proposals (unit roles their unit's).
func proposalReaders() []domain.Role {
	return []domain.Role{domain.RoleAdmin, domain.RoleManager, domain.RoleUnitHead, domain.RoleUnitStaff}
}

// proposalPages are the record pages and their actions (the list is in the
// main table, for the navigation's order).
func (w *Web) proposalPages() []page {
	act := func(path string, name string, a ...domain.ProposalAction) page {
		return page{method: "POST", path: "/console/proposals/:pid/" + path, roles: proposalRoles(a...), h: w.proposalAct(name)}
	}
	return []page{
		{method: "POST", path: "/console/proposals", roles: proposalCreators(), h: w.createProposal},
		{method: "GET", path: "/console/proposals/stats", roles: roles(domain.RoleAdmin, domain.RoleManager, domain.RoleUnitHead), h: w.proposalStats},
		{method: "GET", path: "/console/proposals/:pid", roles: proposalReaders(), h: w.proposalPage},
		act("contacts", "contact", domain.PActContact),
		act("opinions", "opinion", domain.PActOpinion),
		act("answer", "answer", domain.PActAnswer),
		act("answer/decision", "decide", domain.PActApproveAnswer),
		act("feedback", "feedback", domain.PActFeedbackOK),
		act("extensions", "extend", domain.PActExtend),
		act("publish", "publish", domain.PActPublish),
		act("commitments", "commit", domain.PActCommit),
		act("commitments/:cid/done", "commit_done", domain.PActCommitDone),
	}
}
