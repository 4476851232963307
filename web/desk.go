package web

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
	"hotline/repo"
)

// The operator's desk (/console/desk): a call in progress. The number comes
// first and the caller's history appears as it is typed; similar items show
// before submitting, and one may be chosen to merge the call into; after 提交
// the page shows the 受理编号 and, once routed, where the item went. A plain
// form post does all of it without JavaScript except the live panels.
//
// Each rendering of the call form carries a one-time token (form_token) that
// is the Idempotency-Key of the item it creates, through the same store
// mechanism the API uses: a double click or a resubmitted form finds the item
// the first post stored instead of storing a second one.

// deskFields are the call form's fields, by the names core's errors use.
var deskFields = map[string]string{"caller_phone": "caller_phone", "caller_name": "caller_name", "kind": "kind",
	"category_code": "category_code", "title": "content", "content": "content", "region": "region",
	"answer": "answer", "into_id": "merge_into", "kb_article_id": "answer"}

type deskPage struct {
	Form       form
	Kinds      []option
	Categories []option
	// Token is the call form's one-time token (form_token).
	Token string
	// Similar is the panel of similar items shown again with a form that
	// came back, with the merge that was chosen; nil on a fresh form.
	Similar *similarPanel
	// Created is the call just logged (?created=…), with where it went;
	// Again says the form had been submitted before and nothing new was
	// stored.
	Created *callStatus
	Again   bool
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
	// a form that comes back keeps its token: nothing was stored under it
	p := deskPage{Form: f, Token: f.Values["form_token"]}
	if p.Token == "" {
		tok, err := randomString(18)
		if err != nil {
			return p, err
		}
		p.Token = tok
	}
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
		p.Again = c.Query("again") == "1"
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
		"urgent", "confidential", "answered_on_call", "answer", "merge_into", "kb_article_id", "form_token")
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
// merged into it in the same transaction. Then back to the desk, which shows
// the 受理编号 (of the first item stored with this form's token, when the
// form was submitted before).
func (w *Web) deskSubmit(c *fiber.Ctx, r *request) error {
	f, in := callInput(c)
	into := deskMergeInto(&f)
	if in.AnsweredOnCall && strings.TrimSpace(in.Answer) == "" {
		f.fail("answer", "勾选“当场答复”时请填写答复内容")
	}
	if !in.AnsweredOnCall && strings.TrimSpace(in.Answer) != "" {
		f.fail("answered_on_call", "填写了答复内容,请勾选“当场答复”,或清空答复内容")
	}
	tok := f.Values["form_token"]
	if len(tok) < 16 || len(tok) > 64 || !printableASCII(tok) {
		// no field to correct: the form as a whole, shown with a new token
		f.fail("", "表单已失效,请核对内容后再次提交")
		f.Values["form_token"] = ""
	}
	if f.ok() {
		ctx := repo.WithIdemClaim(c.UserContext(), &repo.IdemClaim{Scope: deskIdemScope(r.viewer), Key: tok, Hash: deskFormHash(f)})
		it, created, err := w.Core.LogCall(ctx, r.viewer, in, into)
		if errors.Is(err, repo.ErrIdempotencyTaken) {
			// a concurrent post of the same form recorded the token after this
			// one began: this time its item is found
			it, created, err = w.Core.LogCall(ctx, r.viewer, in, into)
		}
		var ve domain.ValidationError
		switch {
		case errors.As(err, &ve):
			f.fromCore(ve, deskFields)
			if into != 0 && slices.ContainsFunc(ve, func(e domain.FieldError) bool { return e.Field == "into_id" }) {
				f.fail("merge_into", "所选事项已合并至其他事项或已不存在,不能并入;请另选,或选择“不合并”。本来电尚未登记。")
			}
		case err != nil:
			return err
		default:
			target := fmt.Sprintf("/console/desk?created=%d", it.ID)
			if !created {
				target += "&again=1"
			}
			return c.Redirect(target, fiber.StatusSeeOther)
		}
	}
	return w.deskAgain(c, r, f, in)
}

// deskMergeInto reads the similar item chosen to merge the call into (0:
// none).
func deskMergeInto(f *form) int64 {
	s := strings.TrimSpace(f.Values["merge_into"])
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		f.fail("merge_into", "请选择要合并的事项")
		return 0
	}
	return n
}

// deskAgain shows the call form again with its messages, the similar items
// and the merge that was chosen: 422.
func (w *Web) deskAgain(c *fiber.Ctx, r *request, f form, in core.CallInput) error {
	p, err := w.deskPage(c, f)
	if err != nil {
		return err
	}
	if strings.TrimSpace(in.Content) != "" || strings.TrimSpace(in.CallerPhone) != "" {
		items, err := w.Core.SimilarToCall(c.UserContext(), r.viewer, in)
		var ve domain.ValidationError
		if err != nil && !errors.As(err, &ve) {
			return err
		}
		p.Similar = &similarPanel{Items: items, Chosen: f.Values["merge_into"], Asked: true}
	}
	return w.render(c, r, fiber.StatusUnprocessableEntity, "desk", "来电受理", p)
}

// deskIdemScope keeps the desk's form tokens apart from the API's keys and
// from other operators'.
func deskIdemScope(v domain.Viewer) string { return "console-desk:user:" + strconv.FormatInt(v.ID, 10) }

// deskFormHash is the request hash stored with the form token: the fields
// of the call, in a fixed order.
func deskFormHash(f form) []byte {
	keys := make([]string, 0, len(f.Values))
	for k := range f.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	h.Write([]byte("POST /console/desk\n"))
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%q\n", k, f.Values[k])
	}
	return h.Sum(nil)
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
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
