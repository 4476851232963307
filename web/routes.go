package web

import (
	"github.com/gofiber/fiber/v2"

	"hotline/domain"
)

// handler serves a page with what the chain learnt about the request.
type handler func(c *fiber.Ctx, r *request) error

// page is one address of the console. The table below is the single source
// of the console's routes, its navigation and its authorization tests.
type page struct {
	method, path string
	nav          string        // label in the navigation ("" = not listed)
	roles        []domain.Role // the roles allowed; nil = every staff role
	public       bool          // no session needed (the sign-in form)
	h            handler
}

func roles(rs ...domain.Role) []domain.Role { return rs }

// actionRoles are the roles the domain lets perform an item action, so that
// the table and the state machine cannot disagree.
func actionRoles(acts ...domain.Action) []domain.Role {
	var out []domain.Role
	for _, r := range domain.Roles() {
		for _, a := range acts {
			if domain.Allowed(r, a) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// table is the console. Pages that other parts of the console will fill in
// show their title and what they will hold until then.
func (w *Web) table() []page {
	op, mgr, admin := domain.RoleOperator, domain.RoleManager, domain.RoleAdmin
	head, staff := domain.RoleUnitHead, domain.RoleUnitStaff
	return []page{
		{method: "GET", path: "/console/login", public: true, h: w.loginForm},
		{method: "POST", path: "/console/login", public: true, h: w.login},
		{method: "POST", path: "/console/logout", h: w.logout},
		{method: "GET", path: "/console/", h: w.home},

		{method: "GET", path: "/console/desk", nav: "来电受理", roles: roles(op),
			h: w.upcoming("来电受理", "通话中登记来电、查看来电人历史诉求并当场答复的工作台。", "", "")},
		{method: "GET", path: "/console/dispatch", nav: "待派单", roles: roles(op, mgr),
			h: w.upcoming("待派单", "规则未能分派、等待指定承办单位的事项。", "/console/items?status=pending_dispatch", "查看待派单事项")},
		{method: "GET", path: "/console/visits", nav: "待回访", roles: roles(op),
			h: w.upcoming("待回访", "已答复、到期需要回访群众的事项。", "/console/items?visit_due=true", "查看待回访事项")},
		{method: "GET", path: "/console/inbox", nav: "待办件", roles: roles(head, staff),
			h: w.upcoming("待办件", "本单位承办的事项,按剩余办理时间排列。", "/console/items", "查看本单位事项")},
		{method: "GET", path: "/console/items", nav: "事项查询", h: w.itemList},
		{method: "GET", path: "/console/approvals", nav: "待审核", roles: roles(head, mgr),
			h: w.upcoming("待审核", "等待审核的答复和延期申请。", "", "")},
		{method: "GET", path: "/console/dashboard", nav: "统计分析", roles: roles(mgr, admin),
			h: w.upcoming("统计分析", "受理量、办结率、满意率等指标,趋势图与单位排名。", "", "")},
		{method: "GET", path: "/console/reports", nav: "年度报告", roles: roles(mgr, admin),
			h: w.upcoming("年度报告", "政府信息公开工作年度报告中的政民互动数据。", "", "")},
		{method: "GET", path: "/console/admin/", nav: "系统管理", roles: roles(admin),
			h: w.upcoming("系统管理", "单位、用户、诉求分类、分派规则、办理时限、工作日历和审计日志。", "", "")},

		{method: "GET", path: "/console/items/:id", h: w.itemPage},
		{method: "POST", path: "/console/items/:id/dispatch", roles: actionRoles(domain.ActDispatch), h: w.dispatch},
		{method: "POST", path: "/console/items/:id/accept", roles: actionRoles(domain.ActAccept, domain.ActAcceptCo), h: w.accept},
		{method: "POST", path: "/console/items/:id/return", roles: actionRoles(domain.ActReturn, domain.ActReturnCo), h: w.returnItem},
		{method: "POST", path: "/console/items/:id/replies", roles: actionRoles(domain.ActReply, domain.ActOpinion), h: w.reply},
		{method: "POST", path: "/console/items/:id/replies/:rid/approve", roles: actionRoles(domain.ActApproveReply), h: w.approveReply},
		{method: "POST", path: "/console/items/:id/extensions", roles: actionRoles(domain.ActRequestExt), h: w.requestExtension},
		{method: "POST", path: "/console/items/:id/visits", roles: actionRoles(domain.ActVisit), h: w.visit},
		{method: "POST", path: "/console/items/:id/reopen", roles: actionRoles(domain.ActReopen, domain.ActReopenAnswered), h: w.reopen},
	}
}

// PageInfo describes a console address for tests and tools.
type PageInfo struct {
	Method, Path string
	// Roles are the roles allowed; nil means every staff role.
	Roles []domain.Role
	// Public pages need no session.
	Public bool
	// Nav is the label in the navigation, "" when not listed.
	Nav string
}

// Pages lists every address of the route table.
func Pages() []PageInfo {
	var w *Web
	var out []PageInfo
	for _, p := range w.table() {
		out = append(out, PageInfo{Method: p.method, Path: p.path, Roles: p.roles, Public: p.public, Nav: p.nav})
	}
	return out
}

type upcomingPage struct {
	About, Link, LinkLabel string
}

// upcoming is a page whose work is not built yet: its title, what it is for,
// and where the same items can be found meanwhile. It shows no data.
func (w *Web) upcoming(title, about, link, linkLabel string) handler {
	return func(c *fiber.Ctx, r *request) error {
		return w.render(c, r, fiber.StatusOK, "upcoming", title, upcomingPage{About: about, Link: link, LinkLabel: linkLabel})
	}
}
