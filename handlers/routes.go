package handlers

import (
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
	"hotline/repo"
)

// access says how a route authenticates its caller.
type access int

const (
	accessPublic   access = iota // citizens, no account
	accessStaff                  // Authorization: Bearer <token>
	accessWebhook                // the microblog bridge's HMAC signature
	accessPlatform               // the upstream platform's X-Api-Key
)

// param is a documented query parameter.
type param struct {
	name, typ, desc string
	enum            []string
}

// route is one endpoint. The table below is the single source of the
// server's routes, the OpenAPI document and the authorization tests.
type route struct {
	method, path string
	summary, tag string
	access       access
	roles        []domain.Role // staff routes: the roles allowed (nil: every role)
	limited      bool          // public rate limit
	creates      bool          // honours Idempotency-Key
	// secret marks an answer that carries a secret: it is not stored with the
	// key, and a replay issues a new secret for the same item
	secret bool
	in     any // request body
	out    any // success body
	status int // success status
	query  []param
	h      fiber.Handler
}

// anyRole allows every role of a staff route.
func anyRole() []domain.Role { return nil }

func roles(rs ...domain.Role) []domain.Role { return rs }

// actionRoles are the roles the domain lets perform an item action, so the
// route table and the state machine cannot disagree.
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

func pageParams(extra ...param) []param {
	return append([]param{
		{name: "limit", typ: "integer", desc: fmt.Sprintf("page size, 1 to %d (default %d)", core.MaxPageSize, core.DefaultPageSize)},
		{name: "cursor", typ: "string", desc: "next_cursor of the previous page"},
	}, extra...)
}

func statsParams(extra ...param) []param {
	return append([]param{
		{name: "from", typ: "string", desc: "first day (YYYY-MM-DD, Asia/Shanghai), default 1 January of this year"},
		{name: "to", typ: "string", desc: "day after the last (exclusive), default tomorrow"},
		{name: "unit_code", typ: "string", desc: "only this primary unit"},
		{name: "channel", typ: "string", desc: "only this channel", enum: names(domain.Channels())},
		{name: "kind", typ: "string", desc: "only this kind", enum: names(domain.Kinds())},
		{name: "category_code", typ: "string", desc: "only this category"},
	}, extra...)
}

// routes is the API.
func (a *api) routes() []route {
	admin := roles(domain.RoleAdmin)
	statsRoles := roles(domain.RoleAdmin, domain.RoleManager, domain.RoleUnitHead)
	kbEditors := roles(domain.RoleAdmin, domain.RoleManager, domain.RoleUnitHead, domain.RoleUnitStaff)
	all := []route{
		// auth
		{method: "POST", path: "/api/v1/auth/login", tag: "auth", summary: "Log in; returns a bearer token",
			access: accessPublic, in: loginInput{}, out: core.LoginResult{}, status: 200, h: a.login},
		{method: "POST", path: "/api/v1/auth/logout", tag: "auth", summary: "End the session; the token stops working at once",
			access: accessStaff, roles: anyRole(), status: 204, h: a.logout},
		{method: "GET", path: "/api/v1/auth/me", tag: "auth", summary: "The logged-in account",
			access: accessStaff, roles: anyRole(), out: core.UserView{}, status: 200, h: a.me},
		{method: "POST", path: "/api/v1/auth/password", tag: "auth", summary: "Change your own password with the old one; ends your other sessions",
			access: accessStaff, roles: anyRole(), in: core.PasswordChange{}, status: 204, h: a.changePassword},
		{method: "POST", path: "/api/v1/auth/totp", tag: "auth", summary: "Enrol a TOTP second factor: returns the secret and otpauth URI once; off until confirmed",
			access: accessStaff, roles: anyRole(), out: core.TOTPEnrolment{}, status: 200, h: a.enrolTOTP},
		{method: "POST", path: "/api/v1/auth/totp/confirm", tag: "auth", summary: "Turn the enrolled second factor on with a current code; logins then need otp",
			access: accessStaff, roles: anyRole(), in: core.TOTPCode{}, status: 204, h: a.confirmTOTP},

		// administration
		{method: "GET", path: "/api/v1/units", tag: "admin", summary: "List units",
			access: accessStaff, roles: anyRole(), out: listOf[any]{}, status: 200, h: a.listUnits},
		{method: "POST", path: "/api/v1/units", tag: "admin", summary: "Create a unit",
			access: accessStaff, roles: admin, creates: true, in: core.UnitInput{}, status: 201, h: a.createUnit},
		{method: "PATCH", path: "/api/v1/units/:code", tag: "admin", summary: "Change a unit",
			access: accessStaff, roles: admin, in: core.UnitInput{}, status: 200, h: a.updateUnit},
		{method: "GET", path: "/api/v1/users", tag: "admin", summary: "List users",
			access: accessStaff, roles: admin, out: listOf[core.UserView]{}, status: 200, query: pageParams(), h: a.listUsers},
		{method: "POST", path: "/api/v1/users", tag: "admin", summary: "Create a user",
			access: accessStaff, roles: admin, creates: true, in: core.UserInput{}, out: core.UserView{}, status: 201, h: a.createUser},
		{method: "PATCH", path: "/api/v1/users/:id", tag: "admin", summary: "Change a user; a new password, role or unit ends their sessions",
			access: accessStaff, roles: admin, in: core.UserInput{}, out: core.UserView{}, status: 200, h: a.updateUser},
		{method: "DELETE", path: "/api/v1/users/:id/totp", tag: "admin", summary: "Remove a user's second factor (a lost phone)",
			access: accessStaff, roles: admin, status: 204, h: a.resetTOTP},
		{method: "GET", path: "/api/v1/categories", tag: "admin", summary: "List categories",
			access: accessStaff, roles: anyRole(), status: 200, h: a.listCategories},
		{method: "POST", path: "/api/v1/categories", tag: "admin", summary: "Create a category",
			access: accessStaff, roles: admin, creates: true, in: core.CategoryInput{}, status: 201, h: a.createCategory},
		{method: "GET", path: "/api/v1/routing-rules", tag: "admin", summary: "List routing rules in the order they are tried (ascending priority, then id)",
			access: accessStaff, roles: roles(domain.RoleAdmin, domain.RoleManager, domain.RoleOperator), out: listOf[core.RuleView]{}, status: 200, h: a.listRules},
		{method: "POST", path: "/api/v1/routing-rules", tag: "admin", summary: "Create a routing rule",
			access: accessStaff, roles: admin, creates: true, in: core.RuleInput{}, out: core.RuleView{}, status: 201, h: a.createRule},
		{method: "PATCH", path: "/api/v1/routing-rules/:id", tag: "admin", summary: "Change a routing rule",
			access: accessStaff, roles: admin, in: core.RuleInput{}, out: core.RuleView{}, status: 200, h: a.updateRule},
		{method: "DELETE", path: "/api/v1/routing-rules/:id", tag: "admin", summary: "Delete a routing rule",
			access: accessStaff, roles: admin, status: 204, h: a.deleteRule},
		{method: "GET", path: "/api/v1/audit-log", tag: "admin", summary: "The audit log, newest first: who was shown full phone numbers, and security events (logins, failures, logouts, password and TOTP changes, 401/403/429 sampled to one per address, event and minute, administrative changes)",
			access: accessStaff, roles: admin, out: listOf[repo.AuditEntry]{}, status: 200, h: a.auditLog,
			query: pageParams(param{name: "item_id", typ: "integer", desc: "only reads of this item"},
				param{name: "kind", typ: "string", desc: "only this kind of event", enum: core.AuditKinds()},
				param{name: "action", typ: "string", desc: "only this event (phone_viewed, login, login_failed, logout, password_changed, totp_enrolled, totp_confirmed, totp_removed, unauthorized, forbidden, rate_limited, or an administrative change such as PATCH /api/v1/users/:id)"},
				param{name: "actor", typ: "string", desc: "only events of this username (for a failed login, the name tried)"},
				param{name: "from", typ: "string", desc: "from this time (RFC 3339) or day (YYYY-MM-DD, Asia/Shanghai), inclusive"},
				param{name: "to", typ: "string", desc: "before this time or day, exclusive"})},
		{method: "GET", path: "/api/v1/sla-policies", tag: "admin", summary: "Deadlines per kind",
			access: accessStaff, roles: anyRole(), out: []domain.SLAPolicy{}, status: 200, h: a.listSLA},
		{method: "PUT", path: "/api/v1/sla-policies", tag: "admin", summary: "Replace the deadlines of the kinds given",
			access: accessStaff, roles: admin, in: []domain.SLAPolicy{}, out: []domain.SLAPolicy{}, status: 200, h: a.putSLA},
		{method: "GET", path: "/api/v1/calendar/:year", tag: "admin", summary: "Holidays and make-up working days of a year",
			access: accessStaff, roles: anyRole(), out: core.CalendarYear{}, status: 200, h: a.getCalendar},
		{method: "PUT", path: "/api/v1/calendar/:year", tag: "admin", summary: "Replace a year's holidays and make-up working days",
			access: accessStaff, roles: admin, in: core.CalendarYear{}, out: core.CalendarYear{}, status: 200, h: a.putCalendar},

		// intake
		{method: "POST", path: "/api/v1/calls", tag: "intake", summary: "Log a hotline call; answered_on_call with an answer closes it at first contact",
			access: accessStaff, roles: roles(domain.RoleOperator), creates: true, in: core.CallInput{}, out: core.ItemView{}, status: 201, h: a.createCall},
		{method: "POST", path: "/api/v1/public/letters", tag: "citizens", summary: "Write to the leader's mailbox; returns the tracking code and secret",
			access: accessPublic, limited: true, creates: true, secret: true, in: core.LetterInput{}, out: core.LetterReceipt{}, status: 201, h: a.createLetter},
		{method: "POST", path: "/api/v1/webhooks/microblog", tag: "intake", summary: "A microblog post from the bridge (HMAC-signed); the same post_id again returns the same item",
			access: accessWebhook, creates: true, in: core.MicroblogInput{}, out: core.MicroblogReceipt{}, status: 202, h: a.microblog},
		{method: "POST", path: "/api/v1/platform/items", tag: "intake", summary: "An item handed down by the upstream platform; 200 with the stored item when external_id was seen",
			access: accessPlatform, creates: true, in: core.PlatformInput{}, out: core.ItemView{}, status: 201, h: a.platformItem},

		// knowledge base (知识库, 一号答)
		{method: "GET", path: "/api/v1/kb/articles", tag: "knowledge base", summary: "List articles, newest first: published ones for everyone, drafts and expired ones for their unit, admins and managers",
			access: accessStaff, roles: anyRole(), out: listOf[core.KBArticleView]{}, status: 200, h: a.listKBArticles,
			query: pageParams(
				param{name: "status", typ: "string", desc: "status", enum: []string{"draft", "published", "expired"}},
				param{name: "category_code", typ: "string", desc: "category"},
				param{name: "owner_unit_code", typ: "string", desc: "owner unit"},
			)},
		{method: "POST", path: "/api/v1/kb/articles", tag: "knowledge base", summary: "Write an article (a draft; admins and managers may publish at once); unit staff write for their unit",
			access: accessStaff, roles: kbEditors, creates: true, in: core.KBArticleInput{}, out: core.KBArticleView{}, status: 201, h: a.createKBArticle},
		{method: "GET", path: "/api/v1/kb/articles/:id", tag: "knowledge base", summary: "An article",
			access: accessStaff, roles: anyRole(), out: core.KBArticleView{}, status: 200, h: a.getKBArticle},
		{method: "PATCH", path: "/api/v1/kb/articles/:id", tag: "knowledge base", summary: "Change an article or its status (publishing: admins and managers); an owner's change of a published article's text returns it to draft for review",
			access: accessStaff, roles: kbEditors, in: core.KBArticleInput{}, out: core.KBArticleView{}, status: 200, h: a.updateKBArticle},
		{method: "GET", path: "/api/v1/kb/articles/:id/revisions", tag: "knowledge base", summary: "Every change of an article, newest first: who, when, status, and the changed fields as {field: [old, new]}",
			access: accessStaff, roles: anyRole(), out: listOf[core.KBRevisionView]{}, status: 200, h: a.kbRevisions},
		{method: "GET", path: "/api/v1/kb/search", tag: "knowledge base", summary: "Suggest published articles valid today for what the operator types (Chinese word segmentation, synonyms), best first. " +
			"title and snippet are plain text, never HTML; title_highlights and highlights are [start, end) ranges in Unicode code points to mark after escaping",
			access: accessStaff, roles: anyRole(), out: core.KBSearchResult{}, status: 200, h: a.searchKB,
			query: []param{
				{name: "q", typ: "string", desc: "what the caller asks, as typed (at most 500 characters)"},
				{name: "limit", typ: "integer", desc: "suggestions, 1 to 50 (default 10)"},
			}},
		{method: "GET", path: "/api/v1/kb/synonyms", tag: "knowledge base", summary: "Synonym groups searches use (网约车 = 网络预约出租汽车)",
			access: accessStaff, roles: roles(domain.RoleAdmin, domain.RoleManager), out: listOf[core.KBSynonymView]{}, status: 200, h: a.listKBSynonyms},
		{method: "POST", path: "/api/v1/kb/synonyms", tag: "knowledge base", summary: "Add a synonym group: a search holding one term also finds articles holding the others",
			access: accessStaff, roles: admin, creates: true, in: core.KBSynonymInput{}, out: core.KBSynonymView{}, status: 201, h: a.createKBSynonym},
		{method: "DELETE", path: "/api/v1/kb/synonyms/:id", tag: "knowledge base", summary: "Remove a synonym group",
			access: accessStaff, roles: admin, status: 204, h: a.deleteKBSynonym},
		{method: "GET", path: "/api/v1/kb/stats", tag: "knowledge base", summary: "Calls answered from each article and category in [from, to), searches that found nothing, published articles no call used",
			access: accessStaff, roles: roles(domain.RoleAdmin, domain.RoleManager), out: core.KBStats{}, status: 200, h: a.kbStats,
			query: []param{
				{name: "from", typ: "string", desc: "first day (YYYY-MM-DD, Asia/Shanghai), default 1 January of this year"},
				{name: "to", typ: "string", desc: "day after the last (exclusive), default tomorrow"},
				{name: "limit", typ: "integer", desc: "longest list of searches without results and of unused articles, 1 to 500 (default 100)"},
			}},

		// items
		{method: "GET", path: "/api/v1/items", tag: "items", summary: "List items the caller may see, newest first",
			access: accessStaff, roles: anyRole(), out: listOf[core.ItemView]{}, status: 200, h: a.listItems,
			query: pageParams(
				param{name: "status", typ: "string", desc: "status", enum: statusNames()},
				param{name: "unit_code", typ: "string", desc: "primary or co-handling unit"},
				param{name: "channel", typ: "string", desc: "channel", enum: names(domain.Channels())},
				param{name: "kind", typ: "string", desc: "kind", enum: names(domain.Kinds())},
				param{name: "category_code", typ: "string", desc: "category"},
				param{name: "overdue", typ: "boolean", desc: "only overdue (true) or not overdue (false) items"},
				param{name: "visit_due", typ: "boolean", desc: "answered items whose return visit is due and not yet made"},
				param{name: "q", typ: "string", desc: "text in the title or content"},
				param{name: "from", typ: "string", desc: "received at or after (date or RFC 3339)"},
				param{name: "to", typ: "string", desc: "received before (date or RFC 3339)"},
			)},
		{method: "GET", path: "/api/v1/items/:id", tag: "items", summary: "An item with its assignments, replies, extensions, ratings, deliveries and events",
			access: accessStaff, roles: anyRole(), out: core.ItemDetail{}, status: 200, h: a.getItem},
		{method: "GET", path: "/api/v1/items/:id/similar", tag: "items", summary: "Possible duplicates: same phone or author within 30 days, or similar text",
			// not for unit roles: matching on a hidden phone number would tie a
			// confidential item to its citizen's other items
			access: accessStaff, roles: roles(domain.RoleAdmin, domain.RoleManager, domain.RoleOperator), out: listOf[core.SimilarItem]{}, status: 200, h: a.similar},
		{method: "POST", path: "/api/v1/items/:id/dispatch", tag: "items", summary: "Give an item to a primary unit and co-handling units",
			access: accessStaff, roles: actionRoles(domain.ActDispatch), in: core.DispatchInput{}, out: core.ItemView{}, status: 200, h: a.dispatch},
		{method: "POST", path: "/api/v1/items/:id/accept", tag: "items", summary: "Sign for an item (签收)",
			access: accessStaff, roles: actionRoles(domain.ActAccept, domain.ActAcceptCo), out: core.ItemView{}, status: 200, h: a.accept},
		{method: "POST", path: "/api/v1/items/:id/return", tag: "items", summary: "Send an item back with a reason (退单)",
			access: accessStaff, roles: actionRoles(domain.ActReturn, domain.ActReturnCo), in: core.ReturnInput{}, out: core.ItemView{}, status: 200, h: a.returnItem},
		{method: "POST", path: "/api/v1/items/:id/extensions", tag: "items", summary: "Ask for more working days (延期)",
			access: accessStaff, roles: actionRoles(domain.ActRequestExt), creates: true, in: core.ExtensionInput{}, out: core.ExtensionView{}, status: 201, h: a.requestExtension},
		{method: "POST", path: "/api/v1/items/:id/extensions/:eid/approve", tag: "items", summary: "Approve an extension; the due time moves by the working days asked",
			access: accessStaff, roles: actionRoles(domain.ActApproveExt), in: core.DecisionInput{}, out: core.ItemView{}, status: 200, h: a.decideExtension(true)},
		{method: "POST", path: "/api/v1/items/:id/extensions/:eid/reject", tag: "items", summary: "Reject an extension",
			access: accessStaff, roles: actionRoles(domain.ActRejectExt), in: core.DecisionInput{}, out: core.ItemView{}, status: 200, h: a.decideExtension(false)},
		{method: "POST", path: "/api/v1/items/:id/replies", tag: "items", summary: "Reply: final from the primary unit completes the item (after head approval where required); co-handling units send opinions",
			access: accessStaff, roles: actionRoles(domain.ActReply, domain.ActOpinion), creates: true, in: core.ReplyInput{}, out: core.ReplyView{}, status: 201, h: a.reply},
		{method: "POST", path: "/api/v1/items/:id/replies/:rid/approve", tag: "items", summary: "Approve a final reply waiting for the unit head (审核)",
			access: accessStaff, roles: actionRoles(domain.ActApproveReply), out: core.ItemView{}, status: 200, h: a.approveReply},
		{method: "POST", path: "/api/v1/items/:id/visits", tag: "items", summary: "Record a return visit (回访); a satisfied answer closes the item",
			access: accessStaff, roles: actionRoles(domain.ActVisit), creates: true, in: core.VisitInput{}, out: core.RatingView{}, status: 201, h: a.visit},
		{method: "POST", path: "/api/v1/items/:id/rating-links", tag: "items", summary: "Make a one-time rating link for the citizen",
			access: accessStaff, roles: actionRoles(domain.ActCreateRatingLnk), creates: true, secret: true, out: core.RatingLinkView{}, status: 201, h: a.ratingLink},
		{method: "POST", path: "/api/v1/items/:id/reopen", tag: "items", summary: "Handle an answered item again (重办) with a reason",
			access: accessStaff, roles: actionRoles(domain.ActReopen), in: core.ReasonInput{}, out: core.ItemView{}, status: 200, h: a.reopen},
		{method: "POST", path: "/api/v1/items/:id/close", tag: "items", summary: "Close an answered item",
			access: accessStaff, roles: actionRoles(domain.ActClose), in: core.DecisionInput{}, out: core.ItemView{}, status: 200, h: a.closeItem},
		{method: "POST", path: "/api/v1/items/:id/merge", tag: "items", summary: "Merge a duplicate into another item",
			access: accessStaff, roles: actionRoles(domain.ActMerge), in: core.MergeInput{}, out: core.ItemView{}, status: 200, h: a.merge},
		{method: "GET", path: "/api/v1/items/:id/publish-preview", tag: "items", summary: "Exactly what publishing the letter would make public: title, content and public answers with personal data scrubbed",
			access: accessStaff, roles: actionRoles(domain.ActPublish), out: core.PublishPreview{}, status: 200, h: a.publishPreview},
		{method: "POST", path: "/api/v1/items/:id/publish", tag: "items", summary: "Publish a consenting writer's letter with its public answer (公开选登)",
			access: accessStaff, roles: actionRoles(domain.ActPublish), out: core.ItemView{}, status: 200, h: a.publish},
		{method: "POST", path: "/api/v1/items/:id/deliveries/:did/retry", tag: "items", summary: "Send a failed delivery again",
			access: accessStaff, roles: actionRoles(domain.ActRetryDelivery), out: core.DeliveryView{}, status: 200, h: a.retryDelivery},
		{method: "GET", path: "/api/v1/notifications", tag: "items", summary: "The caller's notices, newest first",
			access: accessStaff, roles: anyRole(), out: notificationList{}, status: 200, h: a.notifications,
			query: pageParams(param{name: "unread", typ: "boolean", desc: "only unread notices"})},
		{method: "POST", path: "/api/v1/notifications/:id/read", tag: "items", summary: "Mark a notice read",
			access: accessStaff, roles: anyRole(), out: core.NotificationView{}, status: 200, h: a.readNotification},

		// citizens
		{method: "GET", path: "/api/v1/public/track/:code", tag: "citizens", summary: "Follow a letter with its tracking code and secret; a wrong secret is 404",
			access: accessPublic, limited: true, out: core.TrackView{}, status: 200, h: a.track,
			query: []param{{name: "secret", typ: "string", desc: "the secret given with the tracking code; prefer sending it in the X-Tracking-Secret header, which stays out of URLs and logs"}}},
		{method: "POST", path: "/api/v1/public/ratings/:token", tag: "citizens", summary: "Rate an answer through a one-time link; a used or expired link is 410",
			access: accessPublic, limited: true, in: core.RatingInput{}, out: core.RatingView{}, status: 201, h: a.rate},
		{method: "GET", path: "/api/v1/public/letters", tag: "citizens", summary: "Published letters with their answers, personal data removed",
			access: accessPublic, limited: true, out: listOf[core.PublicLetter]{}, status: 200, query: pageParams(), h: a.publicLetters},

		// statistics
		{method: "GET", path: "/api/v1/stats", tag: "statistics", summary: "Figures of the items received in [from, to), grouped",
			access: accessStaff, roles: statsRoles, out: core.StatsResult{}, status: 200, h: a.stats,
			query: statsParams(
				param{name: "group_by", typ: "string", desc: "comma-separated: unit, channel, kind, category, and one of day, week, month, quarter, year"},
				param{name: "compare", typ: "boolean", desc: "add the previous period's and the same period a year before's totals"},
			)},
		{method: "GET", path: "/api/v1/stats/export", tag: "statistics", summary: "The figures as a CSV (UTF-8 with BOM) or XLSX file with Chinese headers",
			access: accessStaff, roles: statsRoles, status: 200, h: a.export,
			query: statsParams(
				param{name: "format", typ: "string", desc: "file format", enum: []string{"csv", "xlsx"}},
				param{name: "group_by", typ: "string", desc: "as for /stats"},
			)},
		{method: "GET", path: "/api/v1/stats/ranking", tag: "statistics", summary: "Units ranked by a rate; units below min_items dispatched are listed apart",
			access: accessStaff, roles: statsRoles, out: core.Ranking{}, status: 200, h: a.ranking,
			query: statsParams(
				param{name: "by", typ: "string", desc: "the rate to rank by", enum: domain.RankingMetrics()},
				param{name: "min_items", typ: "integer", desc: "fewest dispatched items to be ranked (default 10)"},
			)},
		{method: "GET", path: "/api/v1/stats/trend", tag: "statistics", summary: "The figures per period, every period present",
			access: accessStaff, roles: statsRoles, out: core.Trend{}, status: 200, h: a.trend,
			query: statsParams(param{name: "interval", typ: "string", desc: "period", enum: []string{"day", "week", "month", "quarter", "year"}})},
		{method: "GET", path: "/api/v1/reports/annual", tag: "statistics", summary: "A year's figures per channel for the annual report, with its sentences",
			access: accessStaff, roles: statsRoles, out: core.AnnualReport{}, status: 200, h: a.annual,
			query: []param{{name: "year", typ: "integer", desc: "the year (default: last year)"}}},

		{method: "GET", path: "/api/v1/openapi.json", tag: "operations", summary: "This document",
			access: accessPublic, status: 200, h: a.openapi},
	}
	all = append(all, a.disclosureRoutes()...) // disclosure applications (disclosure.go)
	all = append(all, a.proposalRoutes()...)   // deputies' suggestions and members' proposals (proposal.go)
	return all
}

func statusNames() []string { return names(domain.Statuses()) }

// names are the values of one of domain's enums, for the OpenAPI document.
func names[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// listOf is a page of a list, as every list endpoint answers.
type listOf[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// MarshalJSON writes an empty page as "items": [], never null.
func (l listOf[T]) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Items      []T     `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}{nonNil(l.Items), l.NextCursor})
}

type notificationList struct {
	Items      []core.NotificationView `json:"items"`
	NextCursor *string                 `json:"next_cursor"`
	Unread     int64                   `json:"unread"`
}

// MarshalJSON writes no notices as "items": [], never null.
func (l notificationList) MarshalJSON() ([]byte, error) {
	type plain notificationList
	l.Items = nonNil(l.Items)
	return json.Marshal(plain(l))
}

// nonNil is s, or an empty slice for nil, which JSON writes as [] (not null).
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// RouteInfo describes an endpoint for tests and tools.
type RouteInfo struct {
	Method, Path string
	// Access is "public", "staff", "webhook" or "platform".
	Access string
	// Roles are the staff roles allowed; nil means every role.
	Roles   []domain.Role
	Creates bool
}

// Routes lists every endpoint of the route table.
func Routes() []RouteInfo {
	var a *api
	names := map[access]string{accessPublic: "public", accessStaff: "staff", accessWebhook: "webhook", accessPlatform: "platform"}
	var out []RouteInfo
	for _, r := range a.routes() {
		out = append(out, RouteInfo{Method: r.method, Path: r.path, Access: names[r.access], Roles: r.roles, Creates: r.creates})
	}
	return out
}
