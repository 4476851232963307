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
	fragment     bool          // a piece of a page that htmx swaps in, not a page
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
	pages := []page{
		{method: "GET", path: "/console/login", public: true, h: w.loginForm},
		{method: "POST", path: "/console/login", public: true, h: w.login},
		{method: "POST", path: "/console/logout", h: w.logout},
		{method: "GET", path: "/console/", h: w.home},

		{method: "GET", path: "/console/desk", nav: "来电受理", roles: roles(op), h: w.desk},
		{method: "POST", path: "/console/desk", roles: roles(op), h: w.deskSubmit},
		{method: "GET", path: "/console/desk/history", roles: roles(op), fragment: true, h: w.deskHistory},
		{method: "POST", path: "/console/desk/similar", roles: roles(op), fragment: true, h: w.deskSimilar},
		{method: "GET", path: "/console/desk/calls/:id", roles: roles(op), fragment: true, h: w.deskRouting},
		{method: "GET", path: "/console/dispatch", nav: "待派单", roles: actionRoles(domain.ActDispatch), h: w.dispatchQueue},
		{method: "POST", path: "/console/dispatch", roles: actionRoles(domain.ActDispatch), h: w.dispatchMany},
		{method: "GET", path: "/console/dispatch/:id/suggestions", roles: actionRoles(domain.ActDispatch), fragment: true, h: w.dispatchSuggestions},
		{method: "GET", path: "/console/visits", nav: "待回访", roles: actionRoles(domain.ActVisit), h: w.visits},
		{method: "GET", path: "/console/inbox", nav: "待办件", roles: roles(head, staff), h: w.inbox},
		{method: "GET", path: "/console/inbox/counts", roles: roles(head, staff), fragment: true, h: w.inboxCounts},
		{method: "GET", path: "/console/items", nav: "事项查询", h: w.itemList},
		{method: "GET", path: "/console/approvals", nav: "待审核", roles: roles(head, mgr), h: w.approvals},
		{method: "GET", path: "/console/proposals", nav: "建议提案", roles: proposalReaders(), h: w.proposalList},
		{method: "GET", path: "/console/kb", nav: "知识库", h: w.kbList},
		{method: "GET", path: "/console/kb/stats", nav: "知识库统计", roles: roles(mgr, admin), h: w.kbStatsPage},
		{method: "GET", path: "/console/notifications", h: w.notifications},
		{method: "GET", path: "/console/notifications/badge", fragment: true, h: w.notificationBadge},
		{method: "POST", path: "/console/notifications/:nid/read", h: w.readNotification},
		{method: "GET", path: "/console/dashboard", nav: "统计分析", roles: roles(mgr, admin), h: w.dashboard},
		{method: "GET", path: "/console/dashboard/export", roles: roles(mgr, admin), fragment: true, h: w.dashboardExport},
		{method: "GET", path: "/console/reports", nav: "年度报告", roles: roles(mgr, admin), h: w.reports},
		{method: "GET", path: "/console/reports/export", roles: roles(mgr, admin), fragment: true, h: w.reportsExport},
		{method: "GET", path: "/console/admin/", nav: "系统管理", roles: roles(admin), h: w.adminIndex},
		{method: "GET", path: "/console/admin/units", roles: roles(admin), h: w.adminUnits},
		{method: "POST", path: "/console/admin/units", roles: roles(admin), h: w.adminCreateUnit},
		{method: "GET", path: "/console/admin/units/:code", roles: roles(admin), h: w.adminUnit},
		{method: "POST", path: "/console/admin/units/:code", roles: roles(admin), h: w.adminSaveUnit},
		{method: "GET", path: "/console/admin/users", roles: roles(admin), h: w.adminUsers},
		{method: "POST", path: "/console/admin/users", roles: roles(admin), h: w.adminCreateUser},
		{method: "GET", path: "/console/admin/users/:uid", roles: roles(admin), h: w.adminUser},
		{method: "POST", path: "/console/admin/users/:uid", roles: roles(admin), h: w.adminSaveUser},
		{method: "POST", path: "/console/admin/users/:uid/active", roles: roles(admin), h: w.adminUserActive},
		{method: "POST", path: "/console/admin/users/:uid/password", roles: roles(admin), h: w.adminUserPassword},
		{method: "GET", path: "/console/admin/categories", roles: roles(admin), h: w.adminCategories},
		{method: "POST", path: "/console/admin/categories", roles: roles(admin), h: w.adminCreateCategory},
		{method: "GET", path: "/console/admin/rules", roles: roles(admin), h: w.adminRules},
		{method: "POST", path: "/console/admin/rules", roles: roles(admin), h: w.adminCreateRule},
		{method: "GET", path: "/console/admin/rules/:rule", roles: roles(admin), h: w.adminRule},
		{method: "POST", path: "/console/admin/rules/:rule", roles: roles(admin), h: w.adminSaveRule},
		{method: "POST", path: "/console/admin/rules/:rule/delete", roles: roles(admin), h: w.adminDeleteRule},
		{method: "GET", path: "/console/admin/sla", roles: roles(admin), h: w.adminSLA},
		{method: "POST", path: "/console/admin/sla", roles: roles(admin), h: w.adminSaveSLA},
		{method: "GET", path: "/console/admin/calendar", roles: roles(admin), h: w.adminCalendar},
		{method: "POST", path: "/console/admin/calendar", roles: roles(admin), h: w.adminSaveCalendar},
		{method: "GET", path: "/console/admin/audit", roles: roles(admin), h: w.adminAudit},
		{method: "GET", path: "/console/disclosure", nav: "依申请公开", roles: roles(op, mgr), h: w.disclosureList},
		{method: "GET", path: "/console/disclosure/report", nav: "信息公开年报", roles: roles(mgr, admin), h: w.disclosureReport},

		{method: "POST", path: "/console/disclosure", roles: roles(op, mgr), h: w.createDisclosure},
		{method: "POST", path: "/console/disclosure/report/text", roles: roles(mgr), h: w.putReportText},
		{method: "POST", path: "/console/disclosure/report/active", roles: roles(mgr), h: w.putActive},
		{method: "GET", path: "/console/disclosure/:app", roles: roles(op, mgr), h: w.disclosureApp},
		{method: "POST", path: "/console/disclosure/:app/confirm", roles: roles(op, mgr), h: w.confirmDisclosure},
		{method: "POST", path: "/console/disclosure/:app/consultations", roles: roles(op, mgr), h: w.addConsultation},
		{method: "POST", path: "/console/disclosure/:app/consultations/:cid/answer", roles: roles(op, mgr), h: w.answerConsultation},
		{method: "POST", path: "/console/disclosure/:app/corrections", roles: roles(op, mgr), h: w.askCorrection},
		{method: "POST", path: "/console/disclosure/:app/corrections/:cid/received", roles: roles(op, mgr), h: w.receiveCorrection},
		{method: "POST", path: "/console/disclosure/:app/fees", roles: roles(op, mgr), h: w.notifyFee},
		{method: "POST", path: "/console/disclosure/:app/fees/:fid/paid", roles: roles(op, mgr), h: w.payFee},
		{method: "POST", path: "/console/disclosure/:app/extensions", roles: roles(op), h: w.requestDisclosureExtension},
		{method: "POST", path: "/console/disclosure/:app/extensions/:eid/decision", roles: roles(mgr), h: w.decideDisclosureExtension},
		{method: "POST", path: "/console/disclosure/:app/decision", roles: roles(op, mgr), h: w.decideDisclosure},
		{method: "POST", path: "/console/disclosure/:app/cases", roles: roles(op, mgr), h: w.createDisclosureCase},
		{method: "POST", path: "/console/disclosure/:app/cases/:cid", roles: roles(op, mgr), h: w.updateDisclosureCase},

		{method: "GET", path: "/console/items/:id", h: w.itemPage},
		{method: "POST", path: "/console/items/:id/dispatch", roles: actionRoles(domain.ActDispatch), h: w.dispatch},
		{method: "POST", path: "/console/items/:id/accept", roles: actionRoles(domain.ActAccept, domain.ActAcceptCo), h: w.accept},
		{method: "POST", path: "/console/items/:id/return", roles: actionRoles(domain.ActReturn, domain.ActReturnCo), h: w.returnItem},
		{method: "POST", path: "/console/items/:id/replies", roles: actionRoles(domain.ActReply, domain.ActOpinion), h: w.reply},
		{method: "POST", path: "/console/items/:id/replies/:rid/approve", roles: actionRoles(domain.ActApproveReply), h: w.approveReply},
		{method: "POST", path: "/console/items/:id/extensions", roles: actionRoles(domain.ActRequestExt), h: w.requestExtension},
		{method: "POST", path: "/console/items/:id/extensions/:eid/decision", roles: actionRoles(domain.ActApproveExt, domain.ActRejectExt), h: w.decideExtension},
		{method: "POST", path: "/console/items/:id/deliveries/:did/retry", roles: actionRoles(domain.ActRetryDelivery), h: w.retryDelivery},
		{method: "POST", path: "/console/items/:id/visits", roles: actionRoles(domain.ActVisit), h: w.visit},
		{method: "POST", path: "/console/items/:id/publish", roles: actionRoles(domain.ActPublish), h: w.publish},
		{method: "POST", path: "/console/items/:id/reopen", roles: actionRoles(domain.ActReopen, domain.ActReopenAnswered), h: w.reopen},
	}
	pages = append(pages, w.proposalPages()...)
	return append(pages, w.kbPages()...)
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
	// Fragment is a piece of a page for htmx, not a whole page.
	Fragment bool
	// Portal pages are the citizens' (public, rate-limited, no session).
	Portal bool
}

// Pages lists every address of the route tables: the console's, then the
// portal's.
func Pages() []PageInfo {
	var w *Web
	var out []PageInfo
	for _, p := range w.table() {
		out = append(out, PageInfo{Method: p.method, Path: p.path, Roles: p.roles, Public: p.public, Nav: p.nav, Fragment: p.fragment})
	}
	for _, p := range w.portalTable() {
		out = append(out, PageInfo{Method: p.method, Path: p.path, Public: true, Nav: p.nav, Portal: true})
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
