package web

import (
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
	"hotline/repo"
)

// option is one choice of a select.
type option struct{ Value, Label string }

type listRow struct {
	core.ItemView
	Remaining remainingTime
	Unit      string
}

type listPage struct {
	Rows       []listRow
	Filter     map[string]string
	Statuses   []option
	Kinds      []option
	Channels   []option
	Units      []option
	Figures    []option
	Form       form
	NextURL    string
	RefreshURL string
	// Figure describes the statistics figure the list was narrowed to (a
	// drill-down from the dashboard), and Count how many items it holds.
	Figure string
	Count  int64
}

// listFilters are the query parameters of the item list, all bookmarkable.
var listFilters = []string{"status", "unit_code", "channel", "kind", "overdue", "visit_due", "q", "from", "to",
	"figure", "primary_unit_code", "open"}

// itemList is /console/items: the items the viewer may see, filtered by the
// query string, with the remaining working time of each.
func (w *Web) itemList(c *fiber.Ctx, r *request) error {
	ctx := c.UserContext()
	p := listPage{Filter: map[string]string{}, Form: form{Name: "items"}}
	for _, k := range listFilters {
		p.Filter[k] = strings.TrimSpace(c.Query(k))
	}
	q, page := w.parseListQuery(c, &p)
	units, err := w.unitNames(c)
	if err != nil {
		return err
	}
	p.fillOptions(units)
	status := fiber.StatusOK
	if p.Form.ok() {
		items, next, err := w.Core.ListItems(ctx, r.viewer, q, page)
		var ve domain.ValidationError
		switch {
		case errors.As(err, &ve):
			p.Form.fromCore(ve, map[string]string{"status": "status", "channel": "channel", "kind": "kind", "q": "q",
				"figure": "figure", "limit": "", "cursor": ""})
		case err != nil:
			return err
		}
		cal, err := w.Core.Calendar(ctx)
		if err != nil {
			return err
		}
		now := w.Core.Now()
		for _, it := range items {
			p.Rows = append(p.Rows, listRow{ItemView: it, Remaining: remainingFor(cal, now, it),
				Unit: units.name(deref(it.PrimaryUnitCode))})
		}
		if next != nil {
			p.NextURL = listURL(p.Filter, *next)
		}
		if q.Figure != "" && p.Form.ok() {
			if p.Count, err = w.Core.CountItems(ctx, r.viewer, q); err != nil {
				return err
			}
			p.Figure = figureLabels()[q.Figure]
		}
	}
	if !p.Form.ok() {
		status = fiber.StatusUnprocessableEntity
	}
	p.RefreshURL = c.OriginalURL()
	return w.render(c, r, status, "items", "事项查询", p)
}

func (w *Web) parseListQuery(c *fiber.Ctx, p *listPage) (core.ItemQuery, core.Page) {
	f := p.Filter
	q := core.ItemQuery{Status: f["status"], UnitCode: f["unit_code"], Channel: f["channel"], Kind: f["kind"], Q: f["q"],
		Figure: f["figure"], PrimaryUnitCode: f["primary_unit_code"]}
	switch f["open"] {
	case "":
	case "true":
		q.Open = true
	default:
		p.Form.fail("open", "请选择“是”或“否”")
	}
	for _, k := range []string{"overdue", "visit_due"} {
		switch f[k] {
		case "":
		case "true", "false":
			b := f[k] == "true"
			if k == "overdue" {
				q.Overdue = &b
			} else {
				q.VisitDue = &b
			}
		default:
			p.Form.fail(k, "请选择“是”或“否”")
		}
	}
	loc := w.Core.Location()
	for _, k := range []string{"from", "to"} {
		if f[k] == "" {
			continue
		}
		d, err := time.ParseInLocation("2006-01-02", f[k], loc)
		if err != nil {
			p.Form.fail(k, "请按 年-月-日 填写日期,例如 2026-01-31")
			continue
		}
		if k == "from" {
			q.From = &d
		} else {
			d = d.AddDate(0, 0, 1) // the day given is included
			q.To = &d
		}
	}
	page, err := core.ParsePage("", c.Query("cursor"))
	if err != nil {
		p.Form.fail("", "翻页参数无效,请从第一页重新查询")
	}
	return q, page
}

func (p *listPage) fillOptions(units unitNames) {
	for _, s := range domain.Statuses() {
		p.Statuses = append(p.Statuses, option{string(s), statusLabel(string(s))})
	}
	for _, k := range domain.Kinds() {
		p.Kinds = append(p.Kinds, option{string(k), k.Label()})
	}
	for _, ch := range domain.Channels() {
		p.Channels = append(p.Channels, option{string(ch), ch.Label()})
	}
	for _, u := range units.list {
		p.Units = append(p.Units, option{u.Code, u.Name})
	}
	labels := figureLabels()
	for _, f := range core.FigureNames() {
		p.Figures = append(p.Figures, option{f, labels[f]})
	}
}

// listURL is the list with the same filters, from a cursor on.
func listURL(filter map[string]string, cursor string) string {
	v := url.Values{}
	for _, k := range listFilters {
		if filter[k] != "" {
			v.Set(k, filter[k])
		}
	}
	v.Set("cursor", cursor)
	return "/console/items?" + v.Encode()
}

// unitNames maps unit codes to names.
type unitNames struct {
	list   []repo.Unit
	byCode map[string]string
}

func (u unitNames) name(code string) string {
	if code == "" {
		return "—"
	}
	if n, ok := u.byCode[code]; ok {
		return n
	}
	return code
}

func (w *Web) unitNames(c *fiber.Ctx) (unitNames, error) {
	list, err := w.Core.ListUnits(c.UserContext())
	if err != nil {
		return unitNames{}, fmt.Errorf("list units: %w", err)
	}
	u := unitNames{byCode: map[string]string{}}
	for _, x := range list {
		u.byCode[x.Code] = x.Name
		if x.Active {
			u.list = append(u.list, x)
		}
	}
	return u, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// itemID reads :id; anything but a positive number is an item that does
// not exist.
func itemID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("item %q: %w", c.Params("id"), domain.ErrNotFound)
	}
	return id, nil
}

// itemPage is /console/items/{id}.
func (w *Web) itemPage(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	return w.showItem(c, r, id, fiber.StatusOK, form{}, doneMessages[c.Query("done")])
}

// doneMessages confirm an action after its redirect (?done=…).
var doneMessages = map[string]string{
	"dispatch": "已派单。", "accept": "已签收。", "return": "已退回。", "reply": "答复已提交。",
	"approve": "已审核通过。", "extension": "延期申请已提交。", "visit": "回访已记录。", "reopen": "已重办。", "publish": "已公开发布。",
	"decision": "延期申请已审批。", "retry": "已重新发送。",
}

type itemPage struct {
	Item      core.ItemDetail
	Remaining remainingTime
	Units     unitNames
	Acts      actions
	Form      form
	Done      string
	Stars     []int
	// Preview is exactly what publishing the letter would make public,
	// shown to a manager when the letter may be published.
	Preview *core.PublishPreview
}

// UnitName is a unit's name for the template.
func (p itemPage) UnitName(code string) string { return p.Units.name(code) }

// UnitOptions are the active units a dispatch may choose.
func (p itemPage) UnitOptions() []repo.Unit { return p.Units.list }

func (w *Web) showItem(c *fiber.Ctx, r *request, id int64, status int, f form, done string) error {
	ctx := c.UserContext()
	d, err := w.Core.GetItem(ctx, r.viewer, id)
	if err != nil {
		return err
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
	p := itemPage{Item: d, Remaining: remainingFor(cal, now, d.ItemView), Units: units,
		Acts: availableActions(r.viewer, d, now), Form: f, Done: done, Stars: []int{5, 4, 3, 2, 1}}
	if p.Acts.Publish {
		preview, err := w.Core.PreviewPublish(ctx, r.viewer, id)
		var ve domain.ValidationError
		switch {
		case err == nil:
			p.Preview = &preview
		case errors.As(err, &ve), errors.Is(err, domain.ErrConflict), errors.Is(err, domain.ErrInvalidTransition):
			p.Acts.Publish = false // not publishable (yet): no answer marked public
		default:
			return err
		}
	}
	return w.render(c, r, status, "item", "事项 "+d.TrackingCode, p)
}

// actions are the forms an item page shows: exactly what the domain lets the
// viewer's role and unit do in the item's status.
type actions struct {
	Dispatch, Accept, Return, Reply, Final, Extension, Visit, Reopen, Publish bool
	ApproveReplyID                                                            int64
	// DecideExtensionID is the pending extension request a manager may
	// approve or reject.
	DecideExtensionID int64
}

// Any reports whether any action is offered.
func (a actions) Any() bool {
	return a.Dispatch || a.Accept || a.Return || a.Reply || a.Extension || a.Visit || a.Reopen || a.Publish ||
		a.ApproveReplyID != 0 || a.DecideExtensionID != 0
}

func availableActions(v domain.Viewer, d core.ItemDetail, now time.Time) actions {
	primary := deref(d.PrimaryUnitCode)
	status := domain.Status(d.Status)
	may := func(a domain.Action) bool {
		_, err := domain.Next(status, a)
		return err == nil && domain.Allowed(v.Role, a) && domain.UnitMayAct(v, a, primary, d.CoUnitCodes)
	}
	var mine *core.AssignmentView
	for i := len(d.Assignments) - 1; i >= 0; i-- {
		as := d.Assignments[i]
		if v.Role.IsUnitRole() && as.UnitCode == v.UnitCode && domain.AssignmentStatus(as.Status).Active() {
			mine = &d.Assignments[i]
			break
		}
	}
	// a co-handling unit signs for and declines its own part (as core decides)
	acceptAct, returnAct := domain.ActAccept, domain.ActReturn
	if v.Role.IsUnitRole() && v.UnitCode != primary && slices.Contains(d.CoUnitCodes, v.UnitCode) {
		acceptAct, returnAct = domain.ActAcceptCo, domain.ActReturnCo
	}
	var a actions
	a.Dispatch = may(domain.ActDispatch)
	if mine != nil {
		a.Accept = may(acceptAct) && mine.Status == string(domain.AssignAssigned)
		a.Return = may(returnAct)
		pendingFinal := slices.ContainsFunc(d.Replies, func(r core.ReplyView) bool { return r.Final && r.Status == "pending" })
		a.Final = may(domain.ActReply) && mine.Status == string(domain.AssignAccepted) && !pendingFinal
		a.Reply = a.Final || may(domain.ActOpinion)
		pendingExt := slices.ContainsFunc(d.Extensions, func(e core.ExtensionView) bool { return e.Status == "pending" })
		a.Extension = may(domain.ActRequestExt) && !pendingExt && !d.Overdue && (d.DueAt == nil || now.Before(*d.DueAt))
		if may(domain.ActApproveReply) {
			for _, r := range d.Replies {
				if r.Final && r.Status == "pending" && r.UnitCode == v.UnitCode {
					a.ApproveReplyID = r.ID
				}
			}
		}
	}
	if may(domain.ActApproveExt) {
		for _, e := range d.Extensions {
			if e.Status == "pending" && e.UnitCode == primary {
				a.DecideExtensionID = e.ID
			}
		}
	}
	if d.MergedIntoID == nil {
		a.Visit = may(domain.ActVisit)
		reopenAct := domain.ActReopen
		if d.PrimaryUnitCode == nil {
			reopenAct = domain.ActReopenAnswered
		}
		a.Reopen = may(reopenAct)
	}
	// a consenting writer's letter, not yet published (core checks the rest
	// and the page then shows exactly what would be public)
	a.Publish = may(domain.ActPublish) && d.Channel == string(domain.Mailbox) && d.PublishConsent &&
		d.PublishedAt == nil && d.MergedIntoID == nil
	return a
}

// afterAction finishes a form post: back to the item on success (so that a
// reload does not post again), or to the console page the form names in
// "back" (a queue the form was on); on failure the item page again with the
// messages beside the fields.
func (w *Web) afterAction(c *fiber.Ctx, r *request, id int64, f form, fields map[string]string, err error) error {
	var ve domain.ValidationError
	switch {
	case err == nil && f.ok():
		if back := safeNext(c.FormValue("back")); back != "" && !strings.Contains(back, "?") {
			return c.Redirect(back+"?done="+f.Name, fiber.StatusSeeOther)
		}
		return c.Redirect(fmt.Sprintf("/console/items/%d?done=%s", id, f.Name), fiber.StatusSeeOther)
	case err == nil:
		return w.showItem(c, r, id, fiber.StatusUnprocessableEntity, f, "")
	case errors.As(err, &ve):
		f.fromCore(ve, fields)
		return w.showItem(c, r, id, fiber.StatusUnprocessableEntity, f, "")
	case errors.Is(err, domain.ErrInvalidTransition), errors.Is(err, domain.ErrConflict):
		f.fail("", "事项当前状态不允许此操作,可能已被他人处理:"+conflictReason(err))
		return w.showItem(c, r, id, fiber.StatusConflict, f, "")
	}
	return err
}

// conflictReason says in Chinese why core refused a transition.
func conflictReason(err error) string {
	m := err.Error()
	switch {
	case strings.Contains(m, "signed for this item already"):
		return "本单位已签收。"
	case strings.Contains(m, "sign for the item before replying"):
		return "请先签收再答复。"
	case strings.Contains(m, "extension request is already waiting"):
		return "已有延期申请在等待审核。"
	case strings.Contains(m, "due time has passed"):
		return "已超过办理时限,不能再申请延期。"
	case strings.Contains(m, "not waiting for approval"):
		return "该答复不在待审核状态。"
	}
	return "请刷新页面查看最新状态。"
}

// postForm reads the named fields of a posted form.
func postForm(c *fiber.Ctx, name string, fields ...string) form {
	f := form{Name: name, Values: map[string]string{}}
	for _, k := range fields {
		f.Values[k] = c.FormValue(k)
	}
	return f
}

func checked(s string) bool { return s == "on" || s == "true" || s == "1" }

func (w *Web) dispatch(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	f := postForm(c, "dispatch", "primary_unit_code", "note")
	in := core.DispatchInput{PrimaryUnitCode: strings.TrimSpace(f.Values["primary_unit_code"]), Note: f.Values["note"]}
	for _, v := range c.Request().PostArgs().PeekMulti("co_unit_codes") {
		if s := strings.TrimSpace(string(v)); s != "" {
			in.CoUnitCodes = append(in.CoUnitCodes, s)
		}
	}
	if in.PrimaryUnitCode == "" {
		f.fail("primary_unit_code", "请选择主办单位")
		return w.afterAction(c, r, id, f, nil, nil)
	}
	_, err = w.Core.Dispatch(c.UserContext(), r.viewer, id, in)
	return w.afterAction(c, r, id, f, map[string]string{"primary_unit_code": "primary_unit_code",
		"co_unit_codes": "co_unit_codes", "note": "note"}, err)
}

func (w *Web) accept(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	_, err = w.Core.Accept(c.UserContext(), r.viewer, id)
	return w.afterAction(c, r, id, form{Name: "accept"}, nil, err)
}

func (w *Web) returnItem(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	f := postForm(c, "return", "reason")
	_, err = w.Core.Return(c.UserContext(), r.viewer, id, core.ReturnInput{Reason: f.Values["reason"]})
	return w.afterAction(c, r, id, f, map[string]string{"reason": "reason"}, err)
}

func (w *Web) reply(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	f := postForm(c, "reply", "body", "final")
	_, err = w.Core.Reply(c.UserContext(), r.viewer, id, core.ReplyInput{Body: f.Values["body"], Final: checked(f.Values["final"])})
	return w.afterAction(c, r, id, f, map[string]string{"body": "body"}, err)
}

func (w *Web) approveReply(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	rid, perr := strconv.ParseInt(c.Params("rid"), 10, 64)
	if perr != nil || rid <= 0 {
		return fmt.Errorf("reply %q: %w", c.Params("rid"), domain.ErrNotFound)
	}
	_, err = w.Core.ApproveReply(c.UserContext(), r.viewer, id, rid)
	return w.afterAction(c, r, id, form{Name: "approve"}, nil, err)
}

func (w *Web) requestExtension(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	f := postForm(c, "extension", "workdays", "reason")
	days, ok := f.intField("workdays", f.Values["workdays"], 1, 60)
	if !ok {
		return w.afterAction(c, r, id, f, nil, nil)
	}
	_, err = w.Core.RequestExtension(c.UserContext(), r.viewer, id, core.ExtensionInput{Workdays: days, Reason: f.Values["reason"]})
	return w.afterAction(c, r, id, f, map[string]string{"workdays": "workdays", "reason": "reason"}, err)
}

func (w *Web) visit(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	f := postForm(c, "visit", "method", "satisfaction", "stars", "resolved", "comment")
	in := core.VisitInput{Method: f.Values["method"], Satisfaction: f.Values["satisfaction"], Comment: f.Values["comment"]}
	if in.Method == "" {
		in.Method = "call"
	}
	if in.Satisfaction == "" {
		f.fail("satisfaction", "请选择满意度")
	}
	if s := f.Values["stars"]; s != "" {
		if n, ok := f.intField("stars", s, 1, 5); ok {
			in.Stars = &n
		}
	}
	resolved := checked(f.Values["resolved"])
	in.Resolved = &resolved
	if !f.ok() {
		return w.afterAction(c, r, id, f, nil, nil)
	}
	_, err = w.Core.RecordVisit(c.UserContext(), r.viewer, id, in)
	return w.afterAction(c, r, id, f, map[string]string{"method": "method", "satisfaction": "satisfaction",
		"stars": "stars", "comment": "comment"}, err)
}

func (w *Web) publish(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	f := postForm(c, "publish")
	_, err = w.Core.Publish(c.UserContext(), r.viewer, id)
	return w.afterAction(c, r, id, f, map[string]string{}, err)
}

func (w *Web) reopen(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	f := postForm(c, "reopen", "reason")
	_, err = w.Core.Reopen(c.UserContext(), r.viewer, id, core.ReasonInput{Reason: f.Values["reason"]})
	return w.afterAction(c, r, id, f, map[string]string{"reason": "reason"}, err)
}
