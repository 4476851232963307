package web

import (
	"errors"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
	"hotline/repo"
)

// The administration pages (admins only): units, users, categories, routing
// rules, SLA policies, the working calendar and the audit log. Every form
// posts to its page and, on success, redirects back with a notice (PRG); on
// bad input the page is shown again with the messages beside the fields.

// adminSections are the pages of the administration, in the order of its
// own navigation.
var adminSections = []struct{ Path, Label, About string }{
	{"/console/admin/units", "单位", "承办单位的上下级结构,以及答复是否需要单位负责人审核。"},
	{"/console/admin/users", "用户", "工作人员账号:新建、角色与单位、停用与启用、重置密码。"},
	{"/console/admin/categories", "诉求分类", "诉求分类的层级结构。"},
	{"/console/admin/rules", "分派规则", "按优先级自动分派的规则,以及“哪条规则会匹配”的测试。"},
	{"/console/admin/sla", "办理时限", "各诉求类型的签收与办理时限。"},
	{"/console/admin/calendar", "工作日历", "法定节假日与调休上班日,按年份编辑。"},
	{"/console/admin/audit", "审计日志", "查看完整电话号码等个人信息的记录。"},
}

type adminNav struct {
	Path, Label, About string
	Current            bool
}

// adminBase is what every administration page has: its own navigation and
// the notice after a change.
type adminBase struct {
	Sections []adminNav
	Done     string
	Form     form
}

func newAdminBase(c *fiber.Ctx, f form) adminBase {
	b := adminBase{Form: f, Done: adminDone[c.Query("done")]}
	for _, s := range adminSections {
		b.Sections = append(b.Sections, adminNav{Path: s.Path, Label: s.Label, About: s.About,
			Current: strings.HasPrefix(c.Path(), s.Path)})
	}
	return b
}

// adminDone confirms a change after its redirect (?done=…).
var adminDone = map[string]string{
	"unit-created": "单位已新建。", "unit-saved": "单位已保存。", "user-created": "用户已新建。", "user-saved": "用户已保存。",
	"user-deactivated": "用户已停用,其登录已失效。", "user-activated": "用户已启用。", "password": "密码已重置,该用户需用新密码登录。",
	"category-created": "分类已新建。", "rule-created": "分派规则已新建。", "rule-saved": "分派规则已保存。",
	"rule-deleted": "分派规则已删除。", "sla-saved": "办理时限已保存。", "calendar-saved": "工作日历已保存。",
}

// adminIndex is /console/admin/, the admins' home page.
func (w *Web) adminIndex(c *fiber.Ctx, r *request) error {
	return w.render(c, r, fiber.StatusOK, "admin", "系统管理", newAdminBase(c, form{}))
}

// adminMessage says in Chinese what core found wrong with a field.
func adminMessage(m string) string {
	switch {
	case strings.Contains(m, "last active admin"):
		return "这是最后一个启用的系统管理员,请先把另一个用户设为系统管理员"
	case strings.Contains(m, "letters, digits, '_'"):
		return "请填写 1 到 64 个英文字母、数字或 _ . -"
	case strings.Contains(m, "letters, digits or _ . @ -"):
		return "请填写 3 到 64 个英文字母、数字或 _ . @ -"
	case strings.Contains(m, "at least 8 characters"):
		return "密码至少 8 个字符"
	case strings.Contains(m, "at most 128 characters"):
		return "密码不能超过 128 个字符"
	case strings.Contains(m, "only spaces"):
		return "密码不能全是空格"
	case strings.Contains(m, "must not be the username"):
		return "密码不能与用户名相同"
	case strings.Contains(m, "too common"):
		return "这个密码过于常见,容易被猜中,请换一个"
	case strings.Contains(m, "1 to 100 characters"):
		return "请填写 1 到 100 个字"
	case strings.Contains(m, "own ancestor"):
		return "不能设为自己或自己下级的下级"
	case strings.Contains(m, "no such active unit"), strings.Contains(m, "no such unit"):
		return "单位不存在或已停用"
	case strings.Contains(m, "no such category"), strings.Contains(m, "not a category code"):
		return "分类不存在"
	case strings.Contains(m, "required for unit roles"):
		return "承办人和单位负责人必须属于一个单位"
	case strings.Contains(m, "only unit roles belong"):
		return "只有承办人和单位负责人属于单位,请选择“无”"
	case strings.HasPrefix(m, "one of admin"):
		return "请选择角色"
	case strings.Contains(m, "between 0 and 1000000"):
		return "请填写 0 到 1000000 之间的整数"
	case strings.Contains(m, "between 0 and 240"):
		return "请填写大于 0、不超过 240 的工作小时数"
	case strings.Contains(m, "between 1 and 1440"):
		return "请填写 1 到 1440 之间的整数"
	case strings.Contains(m, "between 1 and 120"):
		return "请填写 1 到 120 之间的整数"
	case strings.Contains(m, "at most 100 keywords"):
		return "关键词不能超过 100 个"
	case strings.Contains(m, "at most 20 units"):
		return "协办单位不能超过 20 个"
	}
	return chineseMessage(m)
}

// failFromCore puts core's refusal beside the fields (fields maps core's
// field names to the form's; unknown fields go to the top); ok is false for
// an error that is not about the input.
func failFromCore(f *form, err error, fields map[string]string) bool {
	var ve domain.ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	for _, e := range ve {
		name, ok := fields[e.Field]
		if !ok {
			name = fields[strings.SplitN(e.Field, "[", 2)[0]]
		}
		f.fail(name, adminMessage(e.Message))
	}
	return true
}

// treeNode is one unit or category with the ones below it.
type treeNode struct {
	Code, Name string
	Active     bool
	Approval   bool
	Children   []*treeNode
}

// buildTree arranges entries by their parents; entries whose parent is
// unknown are roots.
func buildTree(codes, names []string, parents []*string, extra func(i int, n *treeNode)) []*treeNode {
	nodes := map[string]*treeNode{}
	for i, code := range codes {
		n := &treeNode{Code: code, Name: names[i]}
		if extra != nil {
			extra(i, n)
		}
		nodes[code] = n
	}
	var roots []*treeNode
	for i, code := range codes {
		if p := parents[i]; p != nil && nodes[*p] != nil && *p != code {
			nodes[*p].Children = append(nodes[*p].Children, nodes[code])
		} else {
			roots = append(roots, nodes[code])
		}
	}
	var sortAll func([]*treeNode)
	sortAll = func(ns []*treeNode) {
		sort.Slice(ns, func(i, j int) bool { return ns[i].Code < ns[j].Code })
		for _, n := range ns {
			sortAll(n.Children)
		}
	}
	sortAll(roots)
	return roots
}

// flatten lists a tree depth first, for selects that show the hierarchy.
func flatten(ns []*treeNode, depth int, out []option) []option {
	for _, n := range ns {
		out = append(out, option{n.Code, strings.Repeat("— ", depth) + n.Name + "(" + n.Code + ")"})
		out = flatten(n.Children, depth+1, out)
	}
	return out
}

func unitTree(units []repo.Unit) []*treeNode {
	codes, names, parents := make([]string, len(units)), make([]string, len(units)), make([]*string, len(units))
	for i, u := range units {
		codes[i], names[i], parents[i] = u.Code, u.Name, u.ParentCode
	}
	return buildTree(codes, names, parents, func(i int, n *treeNode) {
		n.Active, n.Approval = units[i].Active, units[i].ReplyApproval
	})
}

func categoryTree(cats []repo.Category) []*treeNode {
	codes, names, parents := make([]string, len(cats)), make([]string, len(cats)), make([]*string, len(cats))
	for i, c := range cats {
		codes[i], names[i], parents[i] = c.Code, c.Name, c.ParentCode
	}
	return buildTree(codes, names, parents, func(_ int, n *treeNode) { n.Active = true })
}

type unitsPage struct {
	adminBase
	Tree    []*treeNode
	Parents []option
	// Unit is the unit being edited (edit page only).
	Unit repo.Unit
}

// adminUnits is /console/admin/units: the tree and the form for a new unit.
func (w *Web) adminUnits(c *fiber.Ctx, r *request) error {
	return w.showUnits(c, r, fiber.StatusOK, form{Name: "unit"})
}

func (w *Web) showUnits(c *fiber.Ctx, r *request, status int, f form) error {
	units, err := w.Core.ListUnits(c.UserContext())
	if err != nil {
		return err
	}
	p := unitsPage{adminBase: newAdminBase(c, f), Tree: unitTree(units)}
	p.Parents = flatten(p.Tree, 0, nil)
	return w.render(c, r, status, "admin_units", "单位管理", p)
}

// adminCreateUnit posts the new-unit form.
func (w *Web) adminCreateUnit(c *fiber.Ctx, r *request) error {
	f := postForm(c, "unit", "code", "name", "parent_code", "reply_approval")
	name := strings.TrimSpace(f.Values["name"])
	parent := f.Values["parent_code"]
	approval := checked(f.Values["reply_approval"])
	_, err := w.Core.CreateUnit(c.UserContext(), coreUnitInput(strings.TrimSpace(f.Values["code"]), &name, &parent, &approval, nil))
	switch {
	case err == nil:
		return c.Redirect("/console/admin/units?done=unit-created", fiber.StatusSeeOther)
	case errors.Is(err, domain.ErrConflict):
		f.fail("code", "该单位代码已存在")
	case !failFromCore(&f, err, map[string]string{"code": "code", "name": "name", "parent_code": "parent_code"}):
		return err
	}
	return w.showUnits(c, r, fiber.StatusUnprocessableEntity, f)
}

// adminUnit is /console/admin/units/{code}: the form to change a unit.
func (w *Web) adminUnit(c *fiber.Ctx, r *request) error {
	return w.showUnit(c, r, fiber.StatusOK, form{Name: "unit-edit"})
}

func (w *Web) showUnit(c *fiber.Ctx, r *request, status int, f form) error {
	units, err := w.Core.ListUnits(c.UserContext())
	if err != nil {
		return err
	}
	p := unitsPage{adminBase: newAdminBase(c, f), Tree: unitTree(units)}
	found := false
	for _, u := range units {
		if u.Code == c.Params("code") {
			p.Unit, found = u, true
		}
	}
	if !found {
		return w.fail(c, r, fiber.StatusNotFound, "找不到该单位", "单位不存在,请从单位列表进入。")
	}
	// a unit cannot move under itself or its own subtree
	for _, o := range flatten(p.Tree, 0, nil) {
		if o.Value != p.Unit.Code && !underUnit(units, o.Value, p.Unit.Code) {
			p.Parents = append(p.Parents, o)
		}
	}
	return w.render(c, r, status, "admin_unit", "编辑单位 "+p.Unit.Name, p)
}

// underUnit reports whether code lies below ancestor.
func underUnit(units []repo.Unit, code, ancestor string) bool {
	parent := map[string]string{}
	for _, u := range units {
		if u.ParentCode != nil {
			parent[u.Code] = *u.ParentCode
		}
	}
	for seen := 0; code != "" && seen <= len(units); seen++ {
		p, ok := parent[code]
		if !ok {
			return false
		}
		if p == ancestor {
			return true
		}
		code = p
	}
	return false
}

// adminSaveUnit posts the unit's form.
func (w *Web) adminSaveUnit(c *fiber.Ctx, r *request) error {
	f := postForm(c, "unit-edit", "name", "parent_code", "reply_approval", "active")
	name := strings.TrimSpace(f.Values["name"])
	parent := f.Values["parent_code"]
	approval, active := checked(f.Values["reply_approval"]), checked(f.Values["active"])
	_, err := w.Core.UpdateUnit(c.UserContext(), c.Params("code"), coreUnitInput("", &name, &parent, &approval, &active))
	switch {
	case err == nil:
		return c.Redirect("/console/admin/units?done=unit-saved", fiber.StatusSeeOther)
	case !failFromCore(&f, err, map[string]string{"name": "name", "parent_code": "parent_code", "code": ""}):
		return err
	}
	return w.showUnit(c, r, fiber.StatusUnprocessableEntity, f)
}

type categoriesPage struct {
	adminBase
	Tree    []*treeNode
	Parents []option
}

// adminCategories is /console/admin/categories.
func (w *Web) adminCategories(c *fiber.Ctx, r *request) error {
	return w.showCategories(c, r, fiber.StatusOK, form{Name: "category"})
}

func (w *Web) showCategories(c *fiber.Ctx, r *request, status int, f form) error {
	cats, err := w.Core.ListCategories(c.UserContext())
	if err != nil {
		return err
	}
	p := categoriesPage{adminBase: newAdminBase(c, f), Tree: categoryTree(cats)}
	p.Parents = flatten(p.Tree, 0, nil)
	return w.render(c, r, status, "admin_categories", "诉求分类", p)
}

// adminCreateCategory posts the new-category form.
func (w *Web) adminCreateCategory(c *fiber.Ctx, r *request) error {
	f := postForm(c, "category", "code", "name", "parent_code")
	parent := f.Values["parent_code"]
	_, err := w.Core.CreateCategory(c.UserContext(), coreCategoryInput(strings.TrimSpace(f.Values["code"]), f.Values["name"], &parent))
	switch {
	case err == nil:
		return c.Redirect("/console/admin/categories?done=category-created", fiber.StatusSeeOther)
	case errors.Is(err, domain.ErrConflict):
		f.fail("code", "该分类代码已存在")
	case !failFromCore(&f, err, map[string]string{"code": "code", "name": "name", "parent_code": "parent_code"}):
		return err
	}
	return w.showCategories(c, r, fiber.StatusUnprocessableEntity, f)
}

func coreUnitInput(code string, name, parent *string, approval, active *bool) core.UnitInput {
	return core.UnitInput{Code: code, Name: name, ParentCode: parent, ReplyApproval: approval, Active: active}
}

func coreCategoryInput(code, name string, parent *string) core.CategoryInput {
	return core.CategoryInput{Code: code, Name: name, ParentCode: parent}
}
