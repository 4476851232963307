package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

// The operator's desk (/console/desk): a call in progress. The number comes
// first and the caller's history appears as it is typed; similar items show
// before submitting, and one may be chosen to merge the call into; after 提交
// the page shows the 受理编号 and, once routed, where the item went. A plain
// form post does all of it without JavaScript except the live panels.

// deskFields are the call form's fields, by the names core's errors use.
var deskFields = map[string]string{"caller_phone": "caller_phone", "caller_name": "caller_name", "kind": "kind",
	"category_code": "category_code", "title": "content", "content": "content", "region": "region",
	"answer": "answer", "into_id": "merge_into", "kb_article_id": "answer"}

type deskPage struct {
	Form       form
	Kinds      []option
	Categories []option
	// Created is the call just logged (?created=…), with where it went.
	Created *callStatus
	// MergeFailed says why the merge chosen with the call was not done.
	MergeFailed string
}

// callStatus is what the desk says about a logged call: its 受理编号 and
// where it is; Waiting while the router has not decided yet.
type callStatus struct {
	ID           int64
	TrackingCode string
	Status       string
	Unit         string
	CoUnits      []string
	Waiting      bool
	MergedInto   int64
}

func (w *Web) deskPage(c *fiber.Ctx, f form) (deskPage, error) {
	p := deskPage{Form: f}
	for _, k := range domain.Kinds() {
		p.Kinds = append(p.Kinds, option{string(k), k.Label()})
	}
	cats, err := w.Core.ListCategories(c.UserContext())
	if err != nil {
		return p, fmt.Errorf("list categories: %w", err)
	}
	for _, cat := range cats {
		p.Categories = append(p.Categories, option{cat.Code, cat.Name})
	}
	return p, nil
}

// desk shows the desk, with the call just logged when ?created= names one.
func (w *Web) desk(c *fiber.Ctx, r *request) error {
	p, err := w.deskPage(c, form{Name: "call"})
	if err != nil {
		return err
	}
	if id, err := strconv.ParseInt(c.Query("created"), 10, 64); err == nil && id > 0 {
		st, err := w.callStatus(c, r, id)
		if err != nil {
			return err
		}
		p.Created = &st
		if c.Query("merge") == "failed" {
			p.MergeFailed = "未能合并:所选事项已不能合并,本来电已作为新事项登记。"
		}
	}
	return w.render(c, r, fiber.StatusOK, "desk", "来电受理", p)
}

func (w *Web) callStatus(c *fiber.Ctx, r *request, id int64) (callStatus, error) {
	it, err := w.Core.ItemSummary(c.UserContext(), r.viewer, id)
	if err != nil {
		return callStatus{}, err
	}
	st := callStatus{ID: it.ID, TrackingCode: it.TrackingCode, Status: it.Status,
		Waiting: it.Status == string(domain.Received)}
	if it.MergedIntoID != nil {
		st.MergedInto = *it.MergedIntoID
	}
	if it.PrimaryUnitCode != nil {
		units, err := w.unitNames(c)
		if err != nil {
			return callStatus{}, err
		}
		st.Unit = units.name(*it.PrimaryUnitCode)
		for _, u := range it.CoUnitCodes {
			st.CoUnits = append(st.CoUnits, units.name(u))
		}
	}
	return st, nil
}

// deskRouting is the "where did it go" line, polled until the router has
// decided.
func (w *Web) deskRouting(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	st, err := w.callStatus(c, r, id)
	if err != nil {
		return err
	}
	return w.renderFragment(c, r, "desk", "routing", st)
}

// callInput reads the call form.
func callInput(c *fiber.Ctx) (form, core.CallInput) {
	f := postForm(c, "call", "caller_phone", "caller_name", "kind", "category_code", "content", "region",
		"urgent", "confidential", "answered_on_call", "answer", "merge_into", "kb_article_id")
	in := core.CallInput{CallerPhone: f.Values["caller_phone"], CallerName: f.Values["caller_name"],
		Kind: f.Values["kind"], CategoryCode: strings.TrimSpace(f.Values["category_code"]), Content: f.Values["content"],
		Region: f.Values["region"], Urgent: checked(f.Values["urgent"]), Confidential: checked(f.Values["confidential"]),
		AnsweredOnCall: checked(f.Values["answered_on_call"]), Answer: f.Values["answer"]}
	// the article chosen from 知识库参考 counts only for a call answered on
	// the call; one typed in by hand is no article
	if id, err := strconv.ParseInt(strings.TrimSpace(f.Values["kb_article_id"]), 10, 64); err == nil && id > 0 && in.AnsweredOnCall {
		in.KBArticleID = &id
	}
	return f, in
}

// deskSubmit logs the call (提交): answered on the call it closes at once;
// otherwise the router takes it. With a similar item chosen, the new item is
// merged into it. Then back to the desk, which shows the 受理编号.
func (w *Web) deskSubmit(c *fiber.Ctx, r *request) error {
	ctx := c.UserContext()
	f, in := callInput(c)
	var into int64
	if s := strings.TrimSpace(f.Values["merge_into"]); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			f.fail("merge_into", "请选择要合并的事项")
		}
		into = n
	}
	if in.AnsweredOnCall && strings.TrimSpace(in.Answer) == "" {
		f.fail("answer", "勾选“当场答复”时请填写答复内容")
	}
	if !in.AnsweredOnCall && strings.TrimSpace(in.Answer) != "" {
		f.fail("answered_on_call", "填写了答复内容,请勾选“当场答复”,或清空答复内容")
	}
	var ve domain.ValidationError
	if f.ok() {
		it, err := w.Core.CreateCall(ctx, r.viewer, in)
		switch {
		case errors.As(err, &ve):
			f.fromCore(ve, deskFields)
		case err != nil:
			return err
		default:
			target := fmt.Sprintf("/console/desk?created=%d", it.ID)
			if into > 0 {
				if _, err := w.Core.Merge(ctx, r.viewer, it.ID, core.MergeInput{IntoID: into}); err != nil {
					w.Log.Info("merge chosen at the desk not done", "item_id", it.ID, "into", into, "err", err)
					target += "&merge=failed"
				}
			}
			return c.Redirect(target, fiber.StatusSeeOther)
		}
	}
	p, err := w.deskPage(c, f)
	if err != nil {
		return err
	}
	return w.render(c, r, fiber.StatusUnprocessableEntity, "desk", "来电受理", p)
}

type historyPanel struct {
	Phone   string
	Invalid bool
	Total   int64
	Items   []core.ItemView
}

// deskHistory is the 历史诉求 panel for the number typed so far.
func (w *Web) deskHistory(c *fiber.Ctx, r *request) error {
	phone := strings.TrimSpace(c.Query("caller_phone"))
	p := historyPanel{Phone: phone}
	if phone != "" {
		h, err := w.Core.CallerHistory(c.UserContext(), r.viewer, phone)
		var ve domain.ValidationError
		switch {
		case errors.As(err, &ve):
			p.Invalid = true
		case err != nil:
			return err
		default:
			p.Phone, p.Total, p.Items = h.Phone, h.Total, h.Items
		}
	}
	return w.renderFragment(c, r, "desk", "history", p)
}

type similarPanel struct {
	Items  []core.SimilarItem
	Chosen string
	Asked  bool
}

// deskSimilar is the panel of items the call may duplicate, each with the
// choice to merge the call into it.
func (w *Web) deskSimilar(c *fiber.Ctx, r *request) error {
	f, in := callInput(c)
	p := similarPanel{Chosen: f.Values["merge_into"], Asked: strings.TrimSpace(in.Content) != "" || strings.TrimSpace(in.CallerPhone) != ""}
	items, err := w.Core.SimilarToCall(c.UserContext(), r.viewer, in)
	var ve domain.ValidationError
	if err != nil && !errors.As(err, &ve) {
		return err
	}
	p.Items = items
	return w.renderFragment(c, r, "desk", "similar", p)
}
