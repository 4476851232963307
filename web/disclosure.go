package web

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/calendar"
	"hotline/core"
	"hotline/domain"
	"hotline/repo"
)

// Disclosure applications (依申请公开) in the console: the list by remaining
// working days with the intake form and the portal applications awaiting
// confirmation (/console/disclosure), and an application's page with exactly
// the actions its status allows (/console/disclosure/{app}).

// disclosureListCap bounds how many applications the list reads to order
// them by remaining time; the page says when there were more.
const disclosureListCap = 1000

// disclosureFilters are the list's query parameters, all bookmarkable.
var disclosureFilters = []string{"status", "overdue", "applicant_type", "outcome", "from", "to"}

type disclosureRow struct {
	core.DisclosureView
	Remaining remainingTime
	rank      int
	days      int
}

type statusCount struct {
	Label string
	N     int
}

type disclosureListPage struct {
	Rows        []disclosureRow
	Unconfirmed []disclosureRow
	Counts      []statusCount
	Total       int
	Overdue     int
	Truncated   bool
	Filter      map[string]string
	Filters     []fieldView
	Intake      []fieldView
	Form        form
	Today       string
	Done        string
	IsManager   bool
}

// ConfirmField is the receipt day of a portal application on the list.
func (p disclosureListPage) ConfirmField(id int64) fieldView {
	name := fmt.Sprintf("confirm_%d", id)
	return field(p.Form, name, "received_on", "收到日期", "date").req().orValue(p.Today)
}

func (w *Web) disclosureList(c *fiber.Ctx, r *request) error {
	return w.showDisclosureList(c, r, fiber.StatusOK, form{}, disclosureDone[c.Query("done")])
}

func (w *Web) showDisclosureList(c *fiber.Ctx, r *request, status int, f form, done string) error {
	ctx := c.UserContext()
	p := disclosureListPage{Filter: map[string]string{}, Form: f, Done: done, IsManager: r.viewer.Role == domain.RoleManager}
	for _, k := range disclosureFilters {
		p.Filter[k] = strings.TrimSpace(c.Query(k))
	}
	q := core.DisclosureQuery{Status: p.Filter["status"], ApplicantType: p.Filter["applicant_type"],
		Outcome: p.Filter["outcome"], From: p.Filter["from"], To: p.Filter["to"]}
	filterForm := form{Name: "filter", Values: p.Filter}
	switch p.Filter["overdue"] {
	case "":
	case "true", "false":
		b := p.Filter["overdue"] == "true"
		q.Overdue = &b
	default:
		filterForm.fail("overdue", "请选择“是”或“否”")
	}
	cal, err := w.Core.Calendar(ctx)
	if err != nil {
		return err
	}
	today := domain.DateOf(w.Core.Now())
	p.Today = today.String()
	if filterForm.ok() {
		rows, truncated, err := w.allDisclosures(c, r, q)
		var ve domain.ValidationError
		switch {
		case errors.As(err, &ve):
			filterForm.fromCoreDisclosure(ve, nil)
		case err != nil:
			return err
		}
		p.Truncated = truncated
		counts := map[domain.DisclosureStatus]int{}
		for _, v := range rows {
			row := disclosureRowOf(cal, today, v)
			p.Rows = append(p.Rows, row)
			counts[domain.DisclosureStatus(v.Status)]++
			if v.Overdue || row.Remaining.Class == "overdue" {
				p.Overdue++
			}
		}
		sortDisclosureRows(p.Rows)
		p.Total = len(rows)
		for _, s := range domain.DisclosureStatuses() {
			p.Counts = append(p.Counts, statusCount{s.Label(), counts[s]})
		}
	}
	if !filterForm.ok() {
		status = fiber.StatusUnprocessableEntity
		p.Form = filterForm
	}
	waiting, _, err := w.allDisclosures(c, r, core.DisclosureQuery{Status: string(domain.DisUnconfirmed)})
	if err != nil {
		return err
	}
	for _, v := range waiting {
		p.Unconfirmed = append(p.Unconfirmed, disclosureRowOf(cal, today, v))
	}
	p.Filters = []fieldView{
		field(filterForm, "filter", "status", "状态", "select").opts("全部", disclosureStatusOptions()),
		field(filterForm, "filter", "overdue", "是否超期", "select").opts("全部", []option{{"true", "已超期"}, {"false", "未超期"}}),
		field(filterForm, "filter", "applicant_type", "申请人类型", "select").opts("全部", applicantTypeOptions()),
		field(filterForm, "filter", "outcome", "办理结果", "select").opts("全部", outcomeOptions("")),
		field(filterForm, "filter", "from", "收到日期从", "date"),
		field(filterForm, "filter", "to", "收到日期至(不含)", "date"),
	}
	p.Intake = intakeFields(p.Form, "create", false, p.Today)
	return w.render(c, r, status, "disclosure", "依申请公开", disclosurePage{List: &p})
}

// sortDisclosureRows orders the list: running clocks first, overdue and
// the least time left first, then paused ones, unconfirmed and decided ones.
func sortDisclosureRows(rows []disclosureRow) {
	slices.SortStableFunc(rows, func(a, b disclosureRow) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.days, b.days))
	})
}

// allDisclosures reads the applications matching q, up to
// disclosureListCap; truncated says there were more.
func (w *Web) allDisclosures(c *fiber.Ctx, r *request, q core.DisclosureQuery) ([]core.DisclosureView, bool, error) {
	var out []core.DisclosureView
	page := core.Page{Limit: core.MaxPageSize}
	for {
		rows, next, err := w.Core.ListDisclosure(c.UserContext(), r.viewer, q, page)
		if err != nil {
			return nil, false, err
		}
		out = append(out, rows...)
		if next == nil {
			return out, false, nil
		}
		if len(out) >= disclosureListCap {
			return out, true, nil
		}
		if page, err = core.ParsePage(strconv.Itoa(core.MaxPageSize), *next); err != nil {
			return nil, false, err
		}
	}
}

// disclosureRowOf is an application with its remaining working days and
// its place in the list: running clocks first, the least time left first,
// then paused ones, unconfirmed ones and decided ones.
func disclosureRowOf(cal *calendar.Calendar, today domain.Date, v core.DisclosureView) disclosureRow {
	row := disclosureRow{DisclosureView: v}
	row.Remaining, row.rank, row.days = disclosureRemaining(cal, today, v)
	return row
}

// disclosureRemaining says how many working days an application has left
// before its due date (剩余 N 个工作日), or how many it is past it (已超期 N
// 个工作日), in text and a class that colours it.
func disclosureRemaining(cal *calendar.Calendar, today domain.Date, v core.DisclosureView) (remainingTime, int, int) {
	switch domain.DisclosureStatus(v.Status) {
	case domain.DisUnconfirmed:
		return remainingTime{Text: "待确认收到,未起算", Class: "due-none"}, 2, 0
	case domain.DisAwaitingCorrection:
		return remainingTime{Text: "暂停计时(待补正)", Class: "due-none"}, 1, 0
	case domain.DisAwaitingFee:
		return remainingTime{Text: "暂停计时(待缴费)", Class: "due-none"}, 1, 0
	case domain.DisDecided:
		return remainingTime{Text: "已答复", Class: "due-none"}, 3, 0
	}
	if v.DueOn == nil {
		return remainingTime{Text: "—", Class: "due-none"}, 1, 0
	}
	due := *v.DueOn
	if today.After(due) || v.Overdue {
		late := domain.WorkdaysBetween(cal, due, today)
		if late == 0 {
			return remainingTime{Text: "已超期", Class: "overdue"}, 0, 0
		}
		return remainingTime{Text: fmt.Sprintf("已超期 %d 个工作日", late), Class: "overdue"}, 0, -late
	}
	left := domain.WorkdaysBetween(cal, today, due)
	if left == 0 {
		return remainingTime{Text: "今日到期", Class: "due-soon"}, 0, 0
	}
	class := "due-ok"
	if left <= 3 {
		class = "due-soon"
	}
	return remainingTime{Text: fmt.Sprintf("剩余 %d 个工作日", left), Class: class}, 0, left
}

// intakeFields are the fields of an application: the operator's intake
// (with how and when it was received) or the portal's form.
func intakeFields(f form, name string, portal bool, today string) []fieldView {
	out := []fieldView{
		field(f, name, "applicant_type", "申请人类型", "select").opts("请选择", applicantTypeOptions()).req(),
		field(f, name, "applicant_name", "姓名", "text").req().hint("法人或其他组织请填写经办人姓名"),
		field(f, name, "id_number", "证件号码", "text").hint("身份证或其他有效身份证件号码"),
		field(f, name, "org_name", "单位名称", "text").hint("法人或其他组织必填"),
		field(f, name, "phone", "联系电话", "tel"),
		field(f, name, "email", "电子邮箱", "email"),
		field(f, name, "address", "通信地址", "text").hint("联系电话、电子邮箱、通信地址至少填写一项"),
		field(f, name, "description", "所需政府信息的名称、文号或便于查询的其他特征性描述", "textarea").req(),
		field(f, name, "purpose", "用途", "textarea"),
		field(f, name, "delivery_form", "获取信息的方式", "select").opts("不指定", deliveryFormOptions()),
	}
	if portal {
		out[1].Hint = "法人或其他组织请填写经办人姓名"
		return out
	}
	return append(out,
		field(f, name, "submitted_via", "提交方式", "select").opts("请选择", submittedViaOptions(false)).req(),
		field(f, name, "received_on", "收到日期", "date").req().orValue(today).hint("收到申请之日,答复期限自次日起算"))
}

// intakeInput reads an application from a posted form.
func intakeInput(f form) core.DisclosureInput {
	v := f.Values
	return core.DisclosureInput{ApplicantType: domain.ApplicantType(v["applicant_type"]), ApplicantName: v["applicant_name"],
		IDNumber: v["id_number"], OrgName: v["org_name"], Phone: v["phone"], Email: v["email"], Address: v["address"],
		Description: v["description"], Purpose: v["purpose"], DeliveryForm: v["delivery_form"],
		SubmittedVia: domain.SubmittedVia(v["submitted_via"]), ReceivedOn: strings.TrimSpace(v["received_on"])}
}

var intakeNames = []string{"applicant_type", "applicant_name", "id_number", "org_name", "phone", "email", "address",
	"description", "purpose", "delivery_form", "submitted_via", "received_on"}

// secretCookie carries a new application's secret across the redirect
// after intake, so that it is shown once and never put in an address.
const secretCookie = "hotline_disclosure_secret"

// createDisclosure is the operator's intake (登记申请).
func (w *Web) createDisclosure(c *fiber.Ctx, r *request) error {
	f := postForm(c, "create", intakeNames...)
	rec, err := w.Core.CreateDisclosure(c.UserContext(), r.viewer, intakeInput(f))
	var ve domain.ValidationError
	switch {
	case errors.As(err, &ve):
		f.fromCoreDisclosure(ve, nil)
		return w.showDisclosureList(c, r, fiber.StatusUnprocessableEntity, f, "")
	case err != nil:
		return err
	}
	page := fmt.Sprintf("/console/disclosure/%d", rec.ID)
	c.Cookie(&fiber.Cookie{Name: secretCookie, Value: rec.Secret, Path: page, HTTPOnly: true, MaxAge: 600,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: secure(c)})
	return c.Redirect(page+"?done=create", fiber.StatusSeeOther)
}

// disclosureDone confirm an action after its redirect (?done=…).
var disclosureDone = map[string]string{
	"create": "申请已登记。", "confirm": "已确认收到,开始计算答复期限。", "consult": "已记录征求意见。",
	"answer": "已记录意见回复,答复期限已重新计算。", "correction": "已告知补正,暂停计时。",
	"received": "补正材料已收到,答复期限重新起算。", "fee": "已发出收费通知,暂停计时。", "paid": "已缴费,继续计时。",
	"extension": "延期申请已提交,等待管理者审批。", "ext_decision": "延期申请已审批。", "decide": "已作出答复。",
	"case": "已记录行政复议或行政诉讼。", "case_result": "已更新审理结果。",
}

// appID reads :app; anything but a positive number is an application that
// does not exist.
func appID(c *fiber.Ctx, param string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(param), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("disclosure %s %q: %w", param, c.Params(param), domain.ErrNotFound)
	}
	return id, nil
}

type disclosureAppPage struct {
	App       core.DisclosureDetail
	Remaining remainingTime
	Secret    string
	Acts      []actionForm
	Cases     []caseRow
	Form      form
	Done      string
}

type caseRow struct {
	ID                    int64
	Kind, FiledOn, Result string
	Note                  string
	Update                *actionForm
}

type disclosurePage struct {
	List   *disclosureListPage
	App    *disclosureAppPage
	Report *disclosureReportPage
}

func (w *Web) disclosureApp(c *fiber.Ctx, r *request) error {
	id, err := appID(c, "app")
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	secret := c.Cookies(secretCookie)
	if secret != "" {
		c.Cookie(&fiber.Cookie{Name: secretCookie, Value: "", Path: c.Path(), HTTPOnly: true, MaxAge: -1,
			SameSite: fiber.CookieSameSiteStrictMode, Secure: secure(c)})
	}
	return w.showDisclosureApp(c, r, id, fiber.StatusOK, form{}, disclosureDone[c.Query("done")], secret)
}

// disclosureErr shows a missing application as such.
func (w *Web) disclosureErr(c *fiber.Ctx, r *request, err error) error {
	if errors.Is(err, domain.ErrNotFound) {
		return w.fail(c, r, fiber.StatusNotFound, "找不到该申请", "依申请公开申请不存在,请从申请列表进入。")
	}
	return err
}

func (w *Web) showDisclosureApp(c *fiber.Ctx, r *request, id int64, status int, f form, done, secret string) error {
	ctx := c.UserContext()
	d, err := w.Core.GetDisclosure(ctx, r.viewer, id)
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	cal, err := w.Core.Calendar(ctx)
	if err != nil {
		return err
	}
	today := domain.DateOf(w.Core.Now())
	rem, _, _ := disclosureRemaining(cal, today, d.DisclosureView)
	p := disclosureAppPage{App: d, Remaining: rem, Secret: secret, Form: f, Done: done,
		Acts: disclosureActions(r.viewer, d, f, today.String())}
	if p.Cases, err = w.casesOf(c, d, f); err != nil {
		return err
	}
	p.Acts = append(p.Acts, caseForm(d, f, today.String()))
	return w.render(c, r, status, "disclosure", "依申请公开 "+d.Code, disclosurePage{App: &p})
}

// casesOf lists the reconsideration and litigation cases about the
// application, each with a form to record its result.
func (w *Web) casesOf(c *fiber.Ctx, d core.DisclosureDetail, f form) ([]caseRow, error) {
	var out []caseRow
	page := core.Page{Limit: core.MaxPageSize}
	for {
		rows, next, err := w.Core.ListDisclosureCases(c.UserContext(), 0, page)
		if err != nil {
			return nil, err
		}
		for _, dc := range rows {
			if dc.RequestID == nil || *dc.RequestID != d.ID {
				continue
			}
			name := fmt.Sprintf("case_result_%d", dc.ID)
			cf := f
			if cf.Name != name {
				cf = form{Name: name, Values: map[string]string{"result": deref(dc.Result)}}
			}
			out = append(out, caseRow{ID: dc.ID, Kind: caseKindLabel(dc.Kind), FiledOn: dc.FiledOn.String(),
				Result: caseResultLabel(dc.Result), Note: dc.Note, Update: &actionForm{Name: name, Title: "审理结果",
					Action:  fmt.Sprintf("/console/disclosure/%d/cases/%d", d.ID, dc.ID),
					Fields:  []fieldView{field(cf, name, "result", "审理结果", "select").opts("", caseResultOptions())},
					Buttons: []button{{Text: "更新结果"}}}})
		}
		if next == nil {
			return out, nil
		}
		if page, err = core.ParsePage(strconv.Itoa(core.MaxPageSize), *next); err != nil {
			return nil, err
		}
	}
}

func caseForm(d core.DisclosureDetail, f form, today string) actionForm {
	return actionForm{Name: "case", Title: "行政复议/行政诉讼", Action: fmt.Sprintf("/console/disclosure/%d/cases", d.ID),
		Hint: "申请人就本申请的答复申请行政复议或提起行政诉讼时登记,计入年度报告表四。",
		Fields: []fieldView{
			field(f, "case", "kind", "案件类型", "select").opts("请选择", caseKindOptions()).req(),
			field(f, "case", "filed_on", "立案日期", "date").req().orValue(today),
			field(f, "case", "result", "审理结果", "select").opts("", caseResultOptions()),
			field(f, "case", "note", "备注", "textarea"),
		}, Buttons: []button{{Text: "登记案件"}}}
}

// disclosureActions are the forms an application's page offers: exactly
// what its status allows the viewer's role.
func disclosureActions(v domain.Viewer, d core.DisclosureDetail, f form, today string) []actionForm {
	status := domain.DisclosureStatus(d.Status)
	may := func(a domain.DisclosureAction) bool {
		_, err := domain.NextDisclosure(status, a)
		return err == nil
	}
	base := fmt.Sprintf("/console/disclosure/%d", d.ID)
	fld := func(name, fieldName, label, typ string) fieldView { return field(f, name, fieldName, label, typ) }
	var out []actionForm
	if may(domain.DisActConfirm) {
		out = append(out, actionForm{Name: "confirm", Title: "确认收到", Action: base + "/confirm",
			Hint:    "网上申请以双方确认之日为收到申请之日(第三十一条),答复期限自次日起算。",
			Fields:  []fieldView{fld("confirm", "received_on", "收到日期", "date").req().orValue(today)},
			Buttons: []button{{Text: "确认收到"}}})
	}
	for _, x := range d.Consultations {
		if x.AnsweredOn != nil || !may(domain.DisActConsultAnswer) {
			continue
		}
		name := fmt.Sprintf("answer_%d", x.ID)
		out = append(out, actionForm{Name: name, Title: "意见已回复:" + x.Party, Action: fmt.Sprintf("%s/consultations/%d/answer", base, x.ID),
			Hint: fmt.Sprintf("%s 发出征求意见。", x.SentOn),
			Fields: []fieldView{fld(name, "answered_on", "回复日期", "date").req().orValue(today),
				fld(name, "consents", "第三方意见", "select").opts("未表态", []option{{"yes", "同意公开"}, {"no", "不同意公开"}})},
			Buttons: []button{{Text: "意见已回复"}}})
	}
	if d.Correction != nil && d.Correction.ReceivedOn == nil && may(domain.DisActCorrectionArrived) {
		out = append(out, actionForm{Name: "received", Title: "补正已收到", Action: fmt.Sprintf("%s/corrections/%d/received", base, d.Correction.ID),
			Hint:    fmt.Sprintf("%s 告知补正,补正期限 %s:%s", d.Correction.AskedOn, d.Correction.ReplyBy, d.Correction.What),
			Fields:  []fieldView{fld("received", "received_on", "补正收到日期", "date").req().orValue(today)},
			Buttons: []button{{Text: "补正已收到"}}})
	}
	for _, fee := range d.Fees {
		if fee.PaidOn != nil || !may(domain.DisActFeePaid) {
			continue
		}
		out = append(out, actionForm{Name: "paid", Title: "已缴费", Action: fmt.Sprintf("%s/fees/%d/paid", base, fee.ID),
			Hint:    fmt.Sprintf("%s 通知缴费 %.2f 元,缴费期限 %s。", fee.NotifiedOn, fee.AmountYuan, fee.PayBy),
			Fields:  []fieldView{fld("paid", "paid_on", "缴费日期", "date").req().orValue(today)},
			Buttons: []button{{Text: "已缴费"}}})
	}
	if v.Role == domain.RoleManager {
		for _, e := range d.Extensions {
			if e.Status == "pending" && may(domain.DisActApproveExt) {
				out = append(out, actionForm{Name: "ext_decision", Title: "延期审批", Action: fmt.Sprintf("%s/extensions/%d/decision", base, e.ID),
					Hint:    fmt.Sprintf("申请延期 %d 个工作日:%s", e.Workdays, e.Reason),
					Fields:  []fieldView{fld("ext_decision", "note", "审批意见", "textarea")},
					Buttons: []button{{Text: "批准延期", Name: "decision", Value: "approve"}, {Text: "驳回延期", Name: "decision", Value: "reject", Secondary: true}}})
			}
		}
	}
	if may(domain.DisActConsult) {
		out = append(out, actionForm{Name: "consult", Title: "征求意见", Action: base + "/consultations",
			Hint: "征求第三方或其他机关意见,所需时间(最长 15 个工作日)不计入答复期限。",
			Fields: []fieldView{fld("consult", "party", "征求意见对象", "text").req().hint("第三方或其他机关的名称"),
				fld("consult", "sent_on", "发出日期", "date").req().orValue(today)},
			Buttons: []button{{Text: "征求意见"}}})
	}
	if d.Correction == nil && may(domain.DisActAskCorrection) {
		out = append(out, actionForm{Name: "correction", Title: "告知补正", Action: base + "/corrections",
			Hint: "收到申请之日起 7 个工作日内一次性告知;补正后重新计算答复期限。",
			Fields: []fieldView{fld("correction", "what", "需要补正的事项", "textarea").req(),
				fld("correction", "asked_on", "告知日期", "date").req().orValue(today),
				fld("correction", "reply_by", "补正期限", "date").req()},
			Buttons: []button{{Text: "告知补正"}}})
	}
	if may(domain.DisActFeeNotice) && !slices.ContainsFunc(d.Fees, func(x repo.Fee) bool { return x.PaidOn == nil }) {
		out = append(out, actionForm{Name: "fee", Title: "收费通知", Action: base + "/fees",
			Hint: "申请人应在 20 个工作日内缴费,期间不计入答复期限。",
			Fields: []fieldView{fld("fee", "amount_yuan", "收费金额(元)", "number").req(),
				fld("fee", "notified_on", "通知日期", "date").req().orValue(today)},
			Buttons: []button{{Text: "收费通知"}}})
		out[len(out)-1].Fields[0].Step = "0.01"
	}
	extOpen := slices.ContainsFunc(d.Extensions, func(e repo.DisclosureExtension) bool { return e.Status == "pending" || e.Status == "approved" })
	if v.Role == domain.RoleOperator && may(domain.DisActRequestExt) && !extOpen && !d.Overdue {
		out = append(out, actionForm{Name: "extension", Title: "申请延期", Action: base + "/extensions",
			Hint: fmt.Sprintf("可延期一次,最长 %d 个工作日,须经管理者批准。", domain.DisclosureMaxExtension),
			Fields: []fieldView{fld("extension", "workdays", "延期工作日", "number").req(),
				fld("extension", "reason", "延期原因", "textarea").req()},
			Buttons: []button{{Text: "申请延期"}}})
	}
	if may(domain.DisActDecide) {
		out = append(out, actionForm{Name: "decide", Title: "作出答复", Action: base + "/decision",
			Hint: "办理结果对应年度报告表三的一行。",
			Fields: []fieldView{fld("decide", "outcome", "办理结果", "select").opts("请选择", outcomeOptions(status)).req(),
				fld("decide", "reply", "答复内容", "textarea").req(),
				fld("decide", "decided_on", "答复日期", "date").req().orValue(today)},
			Buttons: []button{{Text: "作出答复"}}})
	}
	return out
}

// appAction finishes an action's post: back to the application on success
// (so that a reload does not post again), or the page again with the
// messages beside the fields.
func (w *Web) appAction(c *fiber.Ctx, r *request, id int64, f form, fields map[string]string, err error) error {
	var ve domain.ValidationError
	switch {
	case err == nil && f.ok():
		done := f.Name
		if strings.HasPrefix(done, "answer_") {
			done = "answer"
		} else if strings.HasPrefix(done, "case_result_") {
			done = "case_result"
		}
		return c.Redirect(fmt.Sprintf("/console/disclosure/%d?done=%s", id, done), fiber.StatusSeeOther)
	case err == nil:
		return w.showDisclosureApp(c, r, id, fiber.StatusUnprocessableEntity, f, "", "")
	case errors.As(err, &ve):
		f.fromCoreDisclosure(ve, fields)
		return w.showDisclosureApp(c, r, id, fiber.StatusUnprocessableEntity, f, "", "")
	case errors.Is(err, domain.ErrInvalidTransition), errors.Is(err, domain.ErrConflict):
		f.fail("", "申请当前状态不允许此操作,可能已被他人处理,请查看办理记录。")
		return w.showDisclosureApp(c, r, id, fiber.StatusConflict, f, "", "")
	}
	return w.disclosureErr(c, r, err)
}

// withSub reads the application and a second path parameter (a consultation, fee, extension or
// case of the application).
func (w *Web) withSub(c *fiber.Ctx, param string) (int64, int64, error) {
	id, err := appID(c, "app")
	if err != nil {
		return 0, 0, err
	}
	sub, err := appID(c, param)
	return id, sub, err
}

func (w *Web) confirmDisclosure(c *fiber.Ctx, r *request) error {
	id, err := appID(c, "app")
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	f := postForm(c, "confirm", "received_on")
	_, err = w.Core.ConfirmDisclosure(c.UserContext(), r.viewer, id, core.ConfirmInput{ReceivedOn: f.Values["received_on"]})
	if back := c.FormValue("back"); back == "list" {
		return w.confirmFromList(c, r, f, err)
	}
	return w.appAction(c, r, id, f, nil, err)
}

// confirmFromList finishes a 确认收到 pressed on the list of applications
// awaiting confirmation.
func (w *Web) confirmFromList(c *fiber.Ctx, r *request, f form, err error) error {
	var ve domain.ValidationError
	switch {
	case err == nil:
		return c.Redirect("/console/disclosure?done=confirm", fiber.StatusSeeOther)
	case errors.As(err, &ve):
		f.Name = "confirm_" + c.Params("app")
		f.fromCoreDisclosure(ve, nil)
		return w.showDisclosureList(c, r, fiber.StatusUnprocessableEntity, f, "")
	case errors.Is(err, domain.ErrInvalidTransition):
		f.Name = "confirm_" + c.Params("app")
		f.fail("received_on", "该申请已确认收到")
		return w.showDisclosureList(c, r, fiber.StatusConflict, f, "")
	}
	return w.disclosureErr(c, r, err)
}

func (w *Web) addConsultation(c *fiber.Ctx, r *request) error {
	id, err := appID(c, "app")
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	f := postForm(c, "consult", "party", "sent_on")
	_, err = w.Core.AddConsultation(c.UserContext(), r.viewer, id, core.ConsultationInput{Party: f.Values["party"], SentOn: f.Values["sent_on"]})
	return w.appAction(c, r, id, f, nil, err)
}

func (w *Web) answerConsultation(c *fiber.Ctx, r *request) error {
	id, cid, err := w.withSub(c, "cid")
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	f := postForm(c, fmt.Sprintf("answer_%d", cid), "answered_on", "consents")
	in := core.ConsultationAnswerInput{AnsweredOn: f.Values["answered_on"]}
	switch f.Values["consents"] {
	case "yes", "no":
		b := f.Values["consents"] == "yes"
		in.Consents = &b
	}
	_, err = w.Core.AnswerConsultation(c.UserContext(), r.viewer, id, cid, in)
	return w.appAction(c, r, id, f, nil, err)
}

func (w *Web) askCorrection(c *fiber.Ctx, r *request) error {
	id, err := appID(c, "app")
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	f := postForm(c, "correction", "what", "asked_on", "reply_by")
	_, err = w.Core.AskCorrection(c.UserContext(), r.viewer, id, core.CorrectionInput{What: f.Values["what"],
		AskedOn: f.Values["asked_on"], ReplyBy: f.Values["reply_by"]})
	return w.appAction(c, r, id, f, nil, err)
}

func (w *Web) receiveCorrection(c *fiber.Ctx, r *request) error {
	id, cid, err := w.withSub(c, "cid")
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	f := postForm(c, "received", "received_on")
	_, err = w.Core.ReceiveCorrection(c.UserContext(), r.viewer, id, cid, core.CorrectionReceivedInput{ReceivedOn: f.Values["received_on"]})
	return w.appAction(c, r, id, f, nil, err)
}

func (w *Web) notifyFee(c *fiber.Ctx, r *request) error {
	id, err := appID(c, "app")
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	f := postForm(c, "fee", "amount_yuan", "notified_on")
	amount, perr := strconv.ParseFloat(strings.TrimSpace(f.Values["amount_yuan"]), 64)
	if perr != nil || !(amount > 0) {
		f.fail("amount_yuan", "请填写大于 0 的金额(元)")
		return w.appAction(c, r, id, f, nil, nil)
	}
	_, err = w.Core.NotifyFee(c.UserContext(), r.viewer, id, core.FeeInput{NotifiedOn: f.Values["notified_on"], AmountYuan: amount})
	return w.appAction(c, r, id, f, nil, err)
}

func (w *Web) payFee(c *fiber.Ctx, r *request) error {
	id, fid, err := w.withSub(c, "fid")
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	f := postForm(c, "paid", "paid_on")
	_, err = w.Core.PayFee(c.UserContext(), r.viewer, id, fid, core.FeePaidInput{PaidOn: f.Values["paid_on"]})
	return w.appAction(c, r, id, f, nil, err)
}

func (w *Web) requestDisclosureExtension(c *fiber.Ctx, r *request) error {
	id, err := appID(c, "app")
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	f := postForm(c, "extension", "workdays", "reason")
	days, ok := f.intField("workdays", f.Values["workdays"], 1, domain.DisclosureMaxExtension)
	if !ok {
		return w.appAction(c, r, id, f, nil, nil)
	}
	_, err = w.Core.RequestDisclosureExtension(c.UserContext(), r.viewer, id, core.DisclosureExtensionInput{Workdays: days, Reason: f.Values["reason"]})
	return w.appAction(c, r, id, f, nil, err)
}

func (w *Web) decideDisclosureExtension(c *fiber.Ctx, r *request) error {
	id, eid, err := w.withSub(c, "eid")
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	f := postForm(c, "ext_decision", "note", "decision")
	var approve bool
	switch f.Values["decision"] {
	case "approve":
		approve = true
	case "reject":
	default:
		f.fail("", "请选择批准延期或驳回延期")
		return w.appAction(c, r, id, f, nil, nil)
	}
	_, err = w.Core.DecideDisclosureExtension(c.UserContext(), r.viewer, id, eid, approve, core.DecisionInput{Note: f.Values["note"]})
	return w.appAction(c, r, id, f, nil, err)
}

func (w *Web) decideDisclosure(c *fiber.Ctx, r *request) error {
	id, err := appID(c, "app")
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	f := postForm(c, "decide", "outcome", "reply", "decided_on")
	_, err = w.Core.DecideDisclosure(c.UserContext(), r.viewer, id, core.DisclosureDecisionInput{
		Outcome: domain.DisclosureOutcome(f.Values["outcome"]), Reply: f.Values["reply"], DecidedOn: f.Values["decided_on"]})
	return w.appAction(c, r, id, f, nil, err)
}

func (w *Web) createDisclosureCase(c *fiber.Ctx, r *request) error {
	id, err := appID(c, "app")
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	f := postForm(c, "case", "kind", "filed_on", "result", "note")
	note, result := f.Values["note"], f.Values["result"]
	in := core.DisclosureCaseInput{RequestID: &id, Kind: domain.CaseKind(f.Values["kind"]), FiledOn: f.Values["filed_on"],
		Note: &note, ResultGiven: true}
	if result != "" {
		in.Result = &result
	}
	_, err = w.Core.CreateDisclosureCase(c.UserContext(), r.viewer, in)
	return w.appAction(c, r, id, f, map[string]string{"request_id": ""}, err)
}

func (w *Web) updateDisclosureCase(c *fiber.Ctx, r *request) error {
	id, cid, err := w.withSub(c, "cid")
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	f := postForm(c, fmt.Sprintf("case_result_%d", cid), "result")
	result := f.Values["result"]
	in := core.DisclosureCaseInput{ResultGiven: true}
	if result != "" {
		in.Result = &result
	}
	dc, err := w.caseOf(c, r, id, cid)
	if err != nil {
		return w.disclosureErr(c, r, err)
	}
	_, err = w.Core.UpdateDisclosureCase(c.UserContext(), r.viewer, dc, in)
	return w.appAction(c, r, id, f, nil, err)
}

// caseOf checks that case cid is about application id.
func (w *Web) caseOf(c *fiber.Ctx, r *request, id, cid int64) (int64, error) {
	d, err := w.Core.GetDisclosure(c.UserContext(), r.viewer, id)
	if err != nil {
		return 0, err
	}
	cases, err := w.casesOf(c, d, form{})
	if err != nil {
		return 0, err
	}
	for _, x := range cases {
		if x.ID == cid {
			return cid, nil
		}
	}
	return 0, fmt.Errorf("case %d of application %d: %w", cid, id, domain.ErrNotFound)
}
