package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
	"hotline/kbsearch"
)

// The knowledge base (知识库): every staff member searches and reads the
// published articles; their owner unit's staff, admins and managers write
// them, with the lifecycle 保存草稿 / 发布 / 停用 and every change kept as a
// revision. Admins keep the synonyms; managers see which articles answer how
// many calls. The operator's desk gets its suggestions from here too.

func kbStatusLabel(s string) string {
	switch domain.KBStatus(s) {
	case domain.KBDraft:
		return "草稿"
	case domain.KBPublished:
		return "已发布"
	case domain.KBExpired:
		return "已停用"
	}
	return s
}

// kbEditors are the roles that may write articles (unit roles their unit's).
func kbEditors() []domain.Role {
	return []domain.Role{domain.RoleAdmin, domain.RoleManager, domain.RoleUnitHead, domain.RoleUnitStaff}
}

func (w *Web) kbPages() []page {
	admin := roles(domain.RoleAdmin)
	return []page{
		{method: "POST", path: "/console/kb", roles: kbEditors(), h: w.kbCreate},
		{method: "GET", path: "/console/kb/synonyms", roles: admin, h: w.kbSynonyms},
		{method: "POST", path: "/console/kb/synonyms", roles: admin, h: w.kbAddSynonym},
		{method: "POST", path: "/console/kb/synonyms/:sid/delete", roles: admin, h: w.kbDeleteSynonym},
		{method: "GET", path: "/console/kb/:aid", h: w.kbArticlePage},
		{method: "POST", path: "/console/kb/:aid", roles: kbEditors(), h: w.kbUpdate},
		{method: "GET", path: "/console/desk/kb", roles: roles(domain.RoleOperator), fragment: true, h: w.deskKB},
	}
}

// kbHit is a suggestion cut into parts for the template, which wraps the
// matched parts in <mark> and escapes every part.
type kbHit struct {
	core.KBHitView
	TitleParts []kbsearch.Part
	Answer     string
}

func kbHits(items []core.KBHitView) []kbHit {
	out := make([]kbHit, len(items))
	for i, h := range items {
		out[i] = kbHit{KBHitView: h, TitleParts: kbsearch.Snippet{Text: h.Title, Highlights: h.TitleHighlights}.Parts()}
	}
	return out
}

type kbListPage struct {
	Q, Status, Category string
	Hits                []kbHit
	Articles            []core.KBArticleView
	Searched            bool
	NextURL             string
	Categories          []option
	Units               []option
	Statuses            []option
	MayEdit, MayPublish bool
	IsAdmin             bool
	Form                form // the search
	New                 form // the new article
	Today               string
}

// CategoryName names a category code.
func (p kbListPage) CategoryName(code *string) string { return optionLabel(p.Categories, deref(code)) }

func optionLabel(opts []option, v string) string {
	if v == "" {
		return "—"
	}
	for _, o := range opts {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// kbOptions fills the category and unit choices.
func (w *Web) kbOptions(c *fiber.Ctx, v domain.Viewer) (cats, units []option, err error) {
	list, err := w.Core.ListCategories(c.UserContext())
	if err != nil {
		return nil, nil, fmt.Errorf("list categories: %w", err)
	}
	for _, x := range list {
		cats = append(cats, option{x.Code, x.Name})
	}
	un, err := w.unitNames(c)
	if err != nil {
		return nil, nil, err
	}
	for _, u := range un.list {
		if v.MayEditKB(u.Code) {
			units = append(units, option{u.Code, u.Name})
		}
	}
	return cats, units, nil
}

// kbList is /console/kb: a search (q) or the list, newest first.
func (w *Web) kbList(c *fiber.Ctx, r *request) error {
	return w.showKBList(c, r, form{Name: "new"}, fiber.StatusOK)
}

func (w *Web) showKBList(c *fiber.Ctx, r *request, nf form, status int) error {
	ctx := c.UserContext()
	v := r.viewer
	p := kbListPage{Q: strings.TrimSpace(c.Query("q")), Status: c.Query("status"), Category: c.Query("category_code"),
		Form: form{Name: "search"}, New: nf, MayEdit: v.Role != domain.RoleOperator && hasRole(kbEditors(), v.Role),
		MayPublish: v.MayPublishKB(), IsAdmin: v.Role == domain.RoleAdmin, Today: w.civilToday().Format(time.DateOnly)}
	var err error
	if p.Categories, p.Units, err = w.kbOptions(c, v); err != nil {
		return err
	}
	for _, s := range domain.KBStatuses() {
		p.Statuses = append(p.Statuses, option{string(s), kbStatusLabel(string(s))})
	}
	var ve domain.ValidationError
	if p.Q != "" {
		p.Searched = true
		res, err := w.Core.SearchKB(ctx, v, p.Q, 20)
		switch {
		case errors.As(err, &ve):
			p.Form.fromCore(ve, map[string]string{"q": "q"})
		case err != nil:
			return err
		}
		p.Hits = kbHits(res.Items)
	} else {
		page, err := core.ParsePage("", c.Query("cursor"))
		if err != nil {
			p.Form.fail("", "翻页参数无效,请从第一页重新查询")
		} else {
			rows, next, err := w.Core.ListKBArticles(ctx, v, core.KBListQuery{Status: p.Status, CategoryCode: p.Category}, page)
			switch {
			case errors.As(err, &ve):
				p.Form.fromCore(ve, map[string]string{"status": "status"})
			case err != nil:
				return err
			}
			p.Articles = rows
			if next != nil {
				p.NextURL = fmt.Sprintf("/console/kb?status=%s&category_code=%s&cursor=%s", p.Status, p.Category, *next)
			}
		}
	}
	if !p.Form.ok() && status == fiber.StatusOK {
		status = fiber.StatusUnprocessableEntity
	}
	return w.render(c, r, status, "kb", "知识库", p)
}

// kbFields are the article form's fields by core's names.
var kbFields = map[string]string{"title": "title", "question": "question", "answer": "answer", "category_code": "category_code",
	"tags": "tags", "source": "source", "owner_unit_code": "owner_unit_code", "valid_from": "valid_from",
	"valid_until": "valid_until", "status": "status", "note": "note", "revision": ""}

// kbInput reads the article form; every field is sent, so a change sets
// them all.
func kbInput(c *fiber.Ctx, name string) (form, core.KBArticleInput) {
	f := postForm(c, name, "title", "question", "answer", "category_code", "tags", "source", "owner_unit_code",
		"valid_from", "valid_until", "status", "note", "revision")
	s := func(k string) *string { v := strings.TrimSpace(f.Values[k]); return &v }
	tags := []string{}
	for _, t := range strings.FieldsFunc(f.Values["tags"], func(r rune) bool { return r == ',' || r == '\uff0c' || r == '、' }) {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	in := core.KBArticleInput{Title: s("title"), Question: s("question"), Answer: s("answer"), CategoryCode: s("category_code"),
		Tags: &tags, Source: s("source"), OwnerUnitCode: s("owner_unit_code"), ValidFrom: s("valid_from"),
		ValidUntil: s("valid_until"), Note: f.Values["note"]}
	if st := f.Values["status"]; st != "" {
		in.Status = &st
	}
	if n, err := strconv.Atoi(f.Values["revision"]); err == nil {
		in.Revision = &n
	}
	return f, in
}

// kbCreate writes a new article (保存草稿, or 发布 for publishers).
func (w *Web) kbCreate(c *fiber.Ctx, r *request) error {
	f, in := kbInput(c, "new")
	in.Revision = nil
	a, err := w.Core.CreateKBArticle(c.UserContext(), r.viewer, in)
	var ve domain.ValidationError
	switch {
	case errors.As(err, &ve):
		f.fromCore(ve, kbFields)
		return w.showKBList(c, r, f, fiber.StatusUnprocessableEntity)
	case err != nil:
		return err
	}
	return c.Redirect(fmt.Sprintf("/console/kb/%d?done=%s", a.ID, a.Status), fiber.StatusSeeOther)
}

type kbArticlePage struct {
	A          core.KBArticleView
	Revisions  []core.KBRevisionView
	Categories []option
	Units      []option
	MayEdit    bool
	MayPublish bool
	Form       form
	Done       string
}

// CategoryName names a category code.
func (p kbArticlePage) CategoryName(code *string) string {
	return optionLabel(p.Categories, deref(code))
}

// Val is a field of the edit form: what was typed, or the article's value.
func (p kbArticlePage) Val(field string) string {
	if p.Form.Values != nil {
		return p.Form.Values[field]
	}
	a := p.A
	switch field {
	case "title":
		return a.Title
	case "question":
		return a.Question
	case "answer":
		return a.Answer
	case "category_code":
		return deref(a.CategoryCode)
	case "tags":
		return strings.Join(a.Tags, ",")
	case "source":
		return a.Source
	case "owner_unit_code":
		return deref(a.OwnerUnitCode)
	case "valid_from":
		return deref(a.ValidFrom)
	case "valid_until":
		return deref(a.ValidUntil)
	case "revision":
		return strconv.Itoa(a.Revision)
	}
	return ""
}

// ChangedFields names the fields a revision changed.
func (p kbArticlePage) ChangedFields(r core.KBRevisionView) string {
	names := map[string]string{"title": "标题", "question": "问题", "answer": "答案", "category_code": "分类", "tags": "标签",
		"source": "依据", "owner_unit_code": "责任单位", "valid_from": "生效日期", "valid_until": "失效日期", "status": "状态"}
	var out []string
	for _, k := range []string{"title", "question", "answer", "category_code", "tags", "source", "owner_unit_code", "valid_from", "valid_until"} {
		if _, ok := r.Changes[k]; ok {
			out = append(out, names[k])
		}
	}
	return strings.Join(out, "、")
}

var kbDone = map[string]string{"draft": "已保存为草稿。", "published": "已发布,话务员即可检索使用。", "expired": "已停用。"}

func articleID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("aid"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("article %q: %w", c.Params("aid"), domain.ErrNotFound)
	}
	return id, nil
}

// kbArticlePage is /console/kb/{id}: the article, its revisions and, for
// those who may edit it, the edit form.
func (w *Web) kbArticlePage(c *fiber.Ctx, r *request) error {
	id, err := articleID(c)
	if err != nil {
		return err
	}
	return w.showKBArticle(c, r, id, form{Name: "edit"}, kbDone[c.Query("done")], fiber.StatusOK)
}

func (w *Web) showKBArticle(c *fiber.Ctx, r *request, id int64, f form, done string, status int) error {
	ctx := c.UserContext()
	a, err := w.Core.KBArticle(ctx, r.viewer, id)
	if err != nil {
		return err
	}
	revs, err := w.Core.KBRevisions(ctx, r.viewer, id)
	if err != nil {
		return err
	}
	p := kbArticlePage{A: a, Revisions: revs, Form: f, Done: done, MayEdit: r.viewer.MayEditKB(deref(a.OwnerUnitCode)),
		MayPublish: r.viewer.MayPublishKB()}
	if p.Categories, p.Units, err = w.kbOptions(c, r.viewer); err != nil {
		return err
	}
	return w.render(c, r, status, "kbarticle", a.Title, p)
}

// kbUpdate saves the edit form with the status its button names.
func (w *Web) kbUpdate(c *fiber.Ctx, r *request) error {
	id, err := articleID(c)
	if err != nil {
		return err
	}
	f, in := kbInput(c, "edit")
	a, err := w.Core.UpdateKBArticle(c.UserContext(), r.viewer, id, in)
	var ve domain.ValidationError
	switch {
	case errors.As(err, &ve):
		f.fromCore(ve, kbFields)
		return w.showKBArticle(c, r, id, f, "", fiber.StatusUnprocessableEntity)
	case errors.Is(err, domain.ErrConflict):
		f.fail("", "文章已被他人修改,请查看最新内容后重新编辑。")
		f.Values = nil // show the article as it is now
		return w.showKBArticle(c, r, id, f, "", fiber.StatusConflict)
	case err != nil:
		return err
	}
	return c.Redirect(fmt.Sprintf("/console/kb/%d?done=%s", a.ID, a.Status), fiber.StatusSeeOther)
}

type kbSynonymsPage struct {
	Groups []core.KBSynonymView
	Form   form
	Done   string
}

// kbSynonyms is the admin's list of synonym groups.
func (w *Web) kbSynonyms(c *fiber.Ctx, r *request) error {
	done := map[string]string{"added": "同义词组已添加,检索立即生效。", "deleted": "同义词组已删除。"}[c.Query("done")]
	return w.showKBSynonyms(c, r, form{Name: "synonym"}, done, fiber.StatusOK)
}

func (w *Web) showKBSynonyms(c *fiber.Ctx, r *request, f form, done string, status int) error {
	groups, err := w.Core.ListKBSynonyms(c.UserContext())
	if err != nil {
		return err
	}
	return w.render(c, r, status, "kbsynonyms", "知识库同义词", kbSynonymsPage{Groups: groups, Form: f, Done: done})
}

// kbAddSynonym adds a group typed as terms separated by = or commas.
func (w *Web) kbAddSynonym(c *fiber.Ctx, r *request) error {
	f := postForm(c, "synonym", "terms")
	var terms []string
	for _, t := range strings.FieldsFunc(f.Values["terms"], func(r rune) bool { return strings.ContainsRune("=\uff1d,\uff0c、\n", r) }) {
		if t = strings.TrimSpace(t); t != "" {
			terms = append(terms, t)
		}
	}
	_, err := w.Core.CreateKBSynonym(c.UserContext(), r.viewer, core.KBSynonymInput{Terms: terms})
	var ve domain.ValidationError
	switch {
	case errors.As(err, &ve):
		f.fromCore(ve, map[string]string{"terms": "terms"})
		if strings.HasPrefix(ve[0].Message, "from 2") {
			f.Errs["terms"] = "请填写至少两个不同的词,以等号或逗号分隔"
		}
		return w.showKBSynonyms(c, r, f, "", fiber.StatusUnprocessableEntity)
	case err != nil:
		return err
	}
	return c.Redirect("/console/kb/synonyms?done=added", fiber.StatusSeeOther)
}

func (w *Web) kbDeleteSynonym(c *fiber.Ctx, r *request) error {
	id, err := strconv.ParseInt(c.Params("sid"), 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("synonym group %q: %w", c.Params("sid"), domain.ErrNotFound)
	}
	if err := w.Core.DeleteKBSynonym(c.UserContext(), id); err != nil {
		return err
	}
	return c.Redirect("/console/kb/synonyms?done=deleted", fiber.StatusSeeOther)
}

type kbStatsPage struct {
	S          core.KBStats
	From, To   string // the period as typed (to included)
	Categories []option
	Form       form
}

// CategoryName names a category code.
func (p kbStatsPage) CategoryName(code *string) string {
	if code == nil {
		return "未分类"
	}
	return optionLabel(p.Categories, *code)
}

// kbStatsPage is /console/kb/stats: calls answered directly from each
// article and category, searches that found nothing, articles never used.
// The period's end day is included on the page (core counts [from, to)).
func (w *Web) kbStatsPage(c *fiber.Ctx, r *request) error {
	ctx := c.UserContext()
	p := kbStatsPage{From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to")), Form: form{Name: "period"}}
	cats, _, err := w.kbOptions(c, r.viewer)
	if err != nil {
		return err
	}
	p.Categories = cats
	q := core.KBStatsQuery{From: p.From}
	if p.To != "" {
		d, err := time.Parse(time.DateOnly, p.To)
		if err != nil {
			p.Form.fail("to", "请按 年-月-日 填写日期")
		} else {
			q.To = d.AddDate(0, 0, 1).Format(time.DateOnly)
		}
	}
	status := fiber.StatusOK
	if p.Form.ok() {
		s, err := w.Core.KBStatistics(ctx, q)
		var ve domain.ValidationError
		switch {
		case errors.As(err, &ve):
			for _, e := range ve {
				p.Form.fail(e.Field, map[bool]string{true: "结束日期应不早于开始日期", false: "请按 年-月-日 填写日期"}[e.Field == "to" && p.To != ""])
			}
		case err != nil:
			return err
		}
		p.S = s
		if p.From == "" {
			p.From = s.From
		}
		if p.To == "" && s.To != "" {
			if d, err := time.Parse(time.DateOnly, s.To); err == nil {
				p.To = d.AddDate(0, 0, -1).Format(time.DateOnly)
			}
		}
	}
	if !p.Form.ok() {
		status = fiber.StatusUnprocessableEntity
	}
	return w.render(c, r, status, "kbstats", "知识库使用统计", p)
}

// kbSuggestPanel is the desk's 知识库参考 panel: the first three articles
// for what the operator typed as 诉求内容.
type kbSuggestPanel struct {
	Asked bool
	Hits  []kbHit
}

// deskKBLimit is how many suggestions the desk shows.
const deskKBLimit = 3

// deskKB searches the knowledge base for the call's content so far. The
// answer of each suggestion travels with it, for the button that fills it in.
func (w *Web) deskKB(c *fiber.Ctx, r *request) error {
	ctx := c.UserContext()
	q := strings.TrimSpace(c.Query("content"))
	if utf8.RuneCountInString(q) > 500 {
		q = string([]rune(q)[:500])
	}
	p := kbSuggestPanel{Asked: q != ""}
	if q != "" {
		res, err := w.Core.SearchKB(ctx, r.viewer, q, deskKBLimit)
		var ve domain.ValidationError
		if err != nil && !errors.As(err, &ve) {
			return err
		}
		p.Hits = kbHits(res.Items)
		for i := range p.Hits {
			a, err := w.Core.KBArticle(ctx, r.viewer, p.Hits[i].ID)
			if err != nil {
				return err
			}
			p.Hits[i].Answer = a.Answer
		}
	}
	return w.renderFragment(c, r, "desk", "kbsuggest", p)
}

// kbFormView is what the shared article fields (partials.html "kbfields")
// need: the form with its messages, its name, and the value of each field.
type kbFormView struct {
	F                 form
	Name              string
	Values            map[string]string
	Categories, Units []option
}

// V is the value of a field.
func (k kbFormView) V(field string) string { return k.Values[field] }

// NewForm is the new article's form.
func (p kbListPage) NewForm() kbFormView {
	return kbFormView{F: p.New, Name: "new", Values: p.New.Values, Categories: p.Categories, Units: p.Units}
}

// EditForm is the edit form, with the article's values until something was
// typed.
func (p kbArticlePage) EditForm() kbFormView {
	v := map[string]string{}
	for _, k := range []string{"title", "question", "answer", "category_code", "tags", "source", "owner_unit_code", "valid_from", "valid_until"} {
		v[k] = p.Val(k)
	}
	return kbFormView{F: p.Form, Name: "edit", Values: v, Categories: p.Categories, Units: p.Units}
}
