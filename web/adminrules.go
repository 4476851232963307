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

type rulesPage struct {
	adminBase
	Rules      []ruleRow
	Units      []option
	Categories []option
	Channels   []option
	Kinds      []option
	// Rule is the rule being edited (edit page), or the values of the new
	// rule's form.
	Rule ruleRow
	// Test is the tester's form and what it found.
	Test     form
	Tested   bool
	Matched  *ruleRow
	Skipped  []ruleRow
	TestText string
}

// ruleRow is a rule as the pages show and edit it.
type ruleRow struct {
	ID, Order                              int64
	Priority                               string
	Channel, Kind, Category, Region        string
	Keywords                               string
	Primary                                string
	Co                                     []string
	Conditions, PrimaryName, CoNames       string
	ChannelLabel, KindLabel, CategoryLabel string
}

// keywordSeparators split the keywords an admin types: commas (either
// width), 、, semicolons or new lines.
var keywordSeparators = strings.NewReplacer("\uff0c", ",", "、", ",", ";", ",", "\uff1b", ",", "\n", ",")

func splitKeywords(s string) []string {
	var out []string
	for _, k := range strings.Split(keywordSeparators.Replace(s), ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

func (p *rulesPage) row(v core.RuleView, units unitNames, cats map[string]string) ruleRow {
	r := ruleRow{ID: v.ID, Priority: strconv.Itoa(v.Priority), Channel: deref(v.Channel), Kind: deref(v.Kind),
		Category: deref(v.CategoryCode), Region: deref(v.Region), Keywords: strings.Join(v.Keywords, "、"),
		Primary: v.PrimaryUnitCode, Co: v.CoUnitCodes, PrimaryName: units.name(v.PrimaryUnitCode)}
	var conds, co []string
	if r.Channel != "" {
		r.ChannelLabel = channelLabel(r.Channel)
		conds = append(conds, "渠道:"+r.ChannelLabel)
	}
	if r.Kind != "" {
		r.KindLabel = kindLabel(r.Kind)
		conds = append(conds, "类型:"+r.KindLabel)
	}
	if r.Category != "" {
		r.CategoryLabel = cats[r.Category]
		if r.CategoryLabel == "" {
			r.CategoryLabel = r.Category
		}
		conds = append(conds, "分类:"+r.CategoryLabel)
	}
	if r.Keywords != "" {
		conds = append(conds, "关键词(任一):"+r.Keywords)
	}
	if r.Region != "" {
		conds = append(conds, "区域:"+r.Region)
	}
	if len(conds) == 0 {
		conds = append(conds, "任何事项")
	}
	r.Conditions = strings.Join(conds, ";")
	for _, c := range v.CoUnitCodes {
		co = append(co, units.name(c))
	}
	r.CoNames = strings.Join(co, "、")
	return r
}

// loadRulesPage reads what every rules page shows.
func (w *Web) loadRulesPage(c *fiber.Ctx, f form) (rulesPage, unitNames, map[string]string, error) {
	ctx := c.UserContext()
	p := rulesPage{adminBase: newAdminBase(c, f), Test: form{Name: "test"}}
	units, err := w.unitNames(c)
	if err != nil {
		return p, units, nil, err
	}
	cats, err := w.Core.ListCategories(ctx)
	if err != nil {
		return p, units, nil, err
	}
	catNames := map[string]string{}
	for _, ct := range cats {
		catNames[ct.Code] = ct.Name
	}
	rules, err := w.Core.ListRules(ctx)
	if err != nil {
		return p, units, nil, err
	}
	for i, v := range rules {
		row := p.row(v, units, catNames)
		row.Order = int64(i + 1)
		p.Rules = append(p.Rules, row)
	}
	for _, u := range units.list {
		p.Units = append(p.Units, option{u.Code, u.Name + "(" + u.Code + ")"})
	}
	p.Categories = flatten(categoryTree(cats), 0, nil)
	for _, ch := range domain.Channels() {
		p.Channels = append(p.Channels, option{string(ch), ch.Label()})
	}
	for _, k := range domain.Kinds() {
		p.Kinds = append(p.Kinds, option{string(k), k.Label()})
	}
	return p, units, catNames, nil
}

// adminRules is /console/admin/rules: the rules in the order routing tries
// them, the form for a new one, and the tester (?test=1&…).
func (w *Web) adminRules(c *fiber.Ctx, r *request) error {
	return w.showRules(c, r, fiber.StatusOK, form{Name: "rule"})
}

func (w *Web) showRules(c *fiber.Ctx, r *request, status int, f form) error {
	p, units, cats, err := w.loadRulesPage(c, f)
	if err != nil {
		return err
	}
	if f.Values != nil {
		p.Rule = ruleFromForm(f)
	}
	if c.Query("test") != "" {
		if err := w.testRules(c, &p, units, cats); err != nil {
			return err
		}
		if !p.Test.ok() {
			status = fiber.StatusUnprocessableEntity
		}
	}
	return w.render(c, r, status, "admin_rules", "分派规则", p)
}

// testRules runs the tester with the query string's item.
func (w *Web) testRules(c *fiber.Ctx, p *rulesPage, units unitNames, cats map[string]string) error {
	p.Test.Values = map[string]string{}
	for _, k := range []string{"channel", "kind", "category_code", "region", "text"} {
		p.Test.Values[k] = c.Query(k)
	}
	v := p.Test.Values
	res, err := w.Core.TestRules(c.UserContext(), core.RuleTestInput{Channel: v["channel"], Kind: v["kind"],
		CategoryCode: v["category_code"], Region: v["region"], Text: v["text"]})
	if failFromCore(&p.Test, err, map[string]string{"channel": "channel", "kind": "kind", "text": "text"}) {
		return nil
	}
	if err != nil {
		return err
	}
	p.Tested = true
	if res.Matched != nil {
		m := p.row(*res.Matched, units, cats)
		p.Matched = &m
	}
	for _, s := range res.Skipped {
		p.Skipped = append(p.Skipped, p.row(s, units, cats))
	}
	return nil
}

func ruleFromForm(f form) ruleRow {
	v := f.Values
	return ruleRow{Priority: v["priority"], Channel: v["channel"], Kind: v["kind"], Category: v["category_code"],
		Region: v["region"], Keywords: v["keywords"], Primary: v["primary_unit_code"], Co: strings.Split(v["co_unit_codes"], ",")}
}

var ruleFields = map[string]string{"priority": "priority", "channel": "channel", "kind": "kind",
	"category_code": "category_code", "keywords": "keywords", "region": "region",
	"primary_unit_code": "primary_unit_code", "co_unit_codes": "co_unit_codes"}

// ruleInput reads the rule form; ok is false when the priority is not a
// number (the form then has a message).
func ruleInput(c *fiber.Ctx, name string) (form, core.RuleInput, bool) {
	f := postForm(c, name, "priority", "channel", "kind", "category_code", "keywords", "region", "primary_unit_code")
	var co []string
	for _, v := range c.Request().PostArgs().PeekMulti("co_unit_codes") {
		if s := strings.TrimSpace(string(v)); s != "" {
			co = append(co, s)
		}
	}
	f.Values["co_unit_codes"] = strings.Join(co, ",")
	prio, ok := f.intField("priority", f.Values["priority"], 0, 1000000)
	in := core.RuleInput{Priority: &prio, CoUnitCodes: &co}
	for k, p := range map[string]**string{"channel": &in.Channel, "kind": &in.Kind, "category_code": &in.CategoryCode,
		"region": &in.Region, "primary_unit_code": &in.PrimaryUnitCode} {
		v := strings.TrimSpace(f.Values[k])
		*p = &v
	}
	kws := splitKeywords(f.Values["keywords"])
	in.Keywords = &kws
	if *in.PrimaryUnitCode == "" {
		f.fail("primary_unit_code", "请选择主办单位")
		ok = false
	}
	return f, in, ok
}

// adminCreateRule posts the new rule.
func (w *Web) adminCreateRule(c *fiber.Ctx, r *request) error {
	f, in, ok := ruleInput(c, "rule")
	if !ok {
		return w.showRules(c, r, fiber.StatusUnprocessableEntity, f)
	}
	_, err := w.Core.CreateRule(c.UserContext(), in)
	switch {
	case err == nil:
		return c.Redirect("/console/admin/rules?done=rule-created", fiber.StatusSeeOther)
	case !failFromCore(&f, err, ruleFields):
		return err
	}
	return w.showRules(c, r, fiber.StatusUnprocessableEntity, f)
}

// ruleID reads :rule.
func ruleID(c *fiber.Ctx) (int64, bool) {
	id, err := strconv.ParseInt(c.Params("rule"), 10, 64)
	return id, err == nil && id > 0
}

func (w *Web) ruleMissing(c *fiber.Ctx, r *request) error {
	return w.fail(c, r, fiber.StatusNotFound, "找不到该规则", "分派规则不存在或已删除,请从规则列表进入。")
}

// adminRule is /console/admin/rules/{id}: the form to change a rule.
func (w *Web) adminRule(c *fiber.Ctx, r *request) error {
	return w.showRule(c, r, fiber.StatusOK, form{Name: "rule"})
}

func (w *Web) showRule(c *fiber.Ctx, r *request, status int, f form) error {
	id, ok := ruleID(c)
	if !ok {
		return w.ruleMissing(c, r)
	}
	v, err := w.Core.GetRule(c.UserContext(), id)
	if errors.Is(err, domain.ErrNotFound) {
		return w.ruleMissing(c, r)
	}
	if err != nil {
		return err
	}
	p, units, cats, err := w.loadRulesPage(c, f)
	if err != nil {
		return err
	}
	p.Rule = p.row(v, units, cats)
	if f.Values != nil {
		p.Rule = ruleFromForm(f)
		p.Rule.ID = id
	}
	return w.render(c, r, status, "admin_rule", fmt.Sprintf("编辑分派规则 #%d", id), p)
}

// adminSaveRule posts the rule's form.
func (w *Web) adminSaveRule(c *fiber.Ctx, r *request) error {
	id, ok := ruleID(c)
	if !ok {
		return w.ruleMissing(c, r)
	}
	f, in, ok := ruleInput(c, "rule")
	if !ok {
		return w.showRule(c, r, fiber.StatusUnprocessableEntity, f)
	}
	_, err := w.Core.UpdateRule(c.UserContext(), id, in)
	switch {
	case err == nil:
		return c.Redirect("/console/admin/rules?done=rule-saved", fiber.StatusSeeOther)
	case errors.Is(err, domain.ErrNotFound):
		return w.ruleMissing(c, r)
	case !failFromCore(&f, err, ruleFields):
		return err
	}
	return w.showRule(c, r, fiber.StatusUnprocessableEntity, f)
}

// adminDeleteRule removes a rule.
func (w *Web) adminDeleteRule(c *fiber.Ctx, r *request) error {
	id, ok := ruleID(c)
	if !ok {
		return w.ruleMissing(c, r)
	}
	err := w.Core.DeleteRule(c.UserContext(), id)
	if errors.Is(err, domain.ErrNotFound) {
		return w.ruleMissing(c, r)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/console/admin/rules?done=rule-deleted", fiber.StatusSeeOther)
}

// Selected reports whether a co-handling unit is chosen in the rule.
func (r ruleRow) Selected(code string) bool {
	for _, c := range r.Co {
		if c == code {
			return true
		}
	}
	return false
}
