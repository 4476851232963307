package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

// proposalRoutes are the endpoints of deputies' suggestions and members'
// proposals (建议提案); routes() lists them with the others.
func (a *api) proposalRoutes() []route {
	managers := roles(domain.RoleAdmin, domain.RoleManager)
	staff := roles(domain.RoleAdmin, domain.RoleManager, domain.RoleUnitHead, domain.RoleUnitStaff)
	leadOrManager := proposalRoles(domain.PActAnswer)
	return []route{
		{method: "POST", path: "/api/v1/proposals", tag: "proposals", summary: "Record a suggestion or proposal assigned to the department; its deadlines are fixed now",
			access: accessStaff, roles: managers, creates: true, in: core.ProposalInput{}, out: core.ProposalView{}, status: 201, h: a.createProposal},
		{method: "GET", path: "/api/v1/proposals", tag: "proposals", summary: "List the suggestions and proposals the caller may see, newest first",
			access: accessStaff, roles: staff, out: listOf[core.ProposalView]{}, status: 200, h: a.listProposals,
			query: pageParams(
				param{name: "type", typ: "string", desc: "suggestion (人大代表建议) or proposal (政协委员提案)", enum: []string{"suggestion", "proposal"}},
				param{name: "our_role", typ: "string", desc: "the department's role", enum: []string{"lead", "joint", "separate"}},
				param{name: "status", typ: "string", desc: "status", enum: []string{"handling", "answered", "rehandling", "closed"}},
				param{name: "overdue", typ: "boolean", desc: "open and past the due date (true), or not (false)"},
				param{name: "year", typ: "integer", desc: "assigned in this year"},
				param{name: "q", typ: "string", desc: "text in the title, content, number or an author's name"},
			)},
		{method: "GET", path: "/api/v1/proposals/stats", tag: "proposals", summary: "The figures of the proposals assigned in a year, with the report sentence",
			access: accessStaff, roles: roles(domain.RoleAdmin, domain.RoleManager, domain.RoleUnitHead), out: domain.ProposalFigures{}, status: 200, h: a.proposalStats,
			query: []param{{name: "year", typ: "integer", desc: "the year of assignment (default: this year)"}}},
		{method: "GET", path: "/api/v1/proposal-settings", tag: "proposals", summary: "Deadlines and answer categories of suggestions and proposals",
			access: accessStaff, roles: staff, out: domain.ProposalSettings{}, status: 200, h: a.getProposalSettings},
		{method: "PUT", path: "/api/v1/proposal-settings", tag: "proposals", summary: "Replace the deadlines and answer categories; records keep the deadlines fixed on them",
			access: accessStaff, roles: roles(domain.RoleAdmin), in: domain.ProposalSettings{}, out: domain.ProposalSettings{}, status: 200, h: a.putProposalSettings},
		{method: "GET", path: "/api/v1/proposals/:id", tag: "proposals", summary: "A proposal with its contacts, opinions, answers, feedback, extensions, commitments and timeline",
			access: accessStaff, roles: staff, out: core.ProposalDetail{}, status: 200, h: a.getProposal},
		{method: "POST", path: "/api/v1/proposals/:id/contacts", tag: "proposals", summary: "Record a contact with the deputy or member (沟通/面商)",
			access: accessStaff, roles: proposalRoles(domain.PActContact), creates: true, in: core.ContactInput{}, out: core.ProposalContactView{}, status: 201, h: a.proposalContact},
		{method: "POST", path: "/api/v1/proposals/:id/opinions", tag: "proposals", summary: "A joint unit's opinion to the lead unit (会办意见)",
			access: accessStaff, roles: proposalRoles(domain.PActOpinion), creates: true, in: core.OpinionInput{}, out: core.ProposalOpinionView{}, status: 201, h: a.proposalOpinion},
		{method: "POST", path: "/api/v1/proposals/:id/answer", tag: "proposals", summary: "Answer with a category; it counts once a manager approves it",
			access: accessStaff, roles: leadOrManager, creates: true, in: core.AnswerInput{}, out: core.ProposalAnswerView{}, status: 201, h: a.proposalAnswer},
		{method: "POST", path: "/api/v1/proposals/:id/answer/approve", tag: "proposals", summary: "Approve the waiting answer: it counts from now",
			access: accessStaff, roles: proposalRoles(domain.PActApproveAnswer), in: core.DecisionNoteInput{}, out: core.ProposalView{}, status: 200, h: a.decideProposalAnswer(true)},
		{method: "POST", path: "/api/v1/proposals/:id/answer/reject", tag: "proposals", summary: "Send the waiting answer back with a reason",
			access: accessStaff, roles: proposalRoles(domain.PActRejectAnswer), in: core.DecisionNoteInput{}, out: core.ProposalView{}, status: 200, h: a.decideProposalAnswer(false)},
		{method: "POST", path: "/api/v1/proposals/:id/feedback", tag: "proposals", summary: "The deputy's feedback; dissatisfied sends it back for a new answer within a month",
			access: accessStaff, roles: proposalRoles(domain.PActFeedbackOK), creates: true, in: core.FeedbackInput{}, out: core.ProposalFeedbackView{}, status: 201, h: a.proposalFeedback},
		{method: "POST", path: "/api/v1/proposals/:id/extensions", tag: "proposals", summary: "Extend the answer period by months with a reason, at most to 6 months after assignment",
			access: accessStaff, roles: proposalRoles(domain.PActExtend), creates: true, in: core.ProposalExtensionInput{}, out: core.ProposalExtensionView{}, status: 201, h: a.proposalExtension},
		{method: "POST", path: "/api/v1/proposals/:id/publish", tag: "proposals", summary: "Publish the answer without its contact details",
			access: accessStaff, roles: proposalRoles(domain.PActPublish), out: core.ProposalDetail{}, status: 200, h: a.publishProposal},
		{method: "POST", path: "/api/v1/proposals/:id/commitments", tag: "proposals", summary: "Record a commitment made in the answer, tracked until done",
			access: accessStaff, roles: proposalRoles(domain.PActCommit), creates: true, in: core.CommitmentInput{}, out: core.ProposalCommitmentView{}, status: 201, h: a.proposalCommitment},
		{method: "POST", path: "/api/v1/proposals/:id/commitments/:cid/done", tag: "proposals", summary: "Mark a commitment done",
			access: accessStaff, roles: proposalRoles(domain.PActCommitDone), in: core.CommitmentDoneInput{}, out: core.ProposalCommitmentView{}, status: 200, h: a.proposalCommitmentDone},
		{method: "GET", path: "/api/v1/public/proposals", tag: "citizens", summary: "Published answers to suggestions and proposals, contact details removed",
			access: accessPublic, limited: true, out: listOf[core.PublicProposal]{}, status: 200, query: pageParams(), h: a.publicProposals},
	}
}

// proposalRoles are the staff roles the domain lets do a proposal action on
// some record, so the route table and the rules cannot disagree.
func proposalRoles(act domain.ProposalAction) []domain.Role {
	var out []domain.Role
	for _, r := range domain.Roles() {
		p := domain.ProposalActor{Role: r}
		if r.IsUnitRole() {
			p.Unit = "U"
		}
		if domain.ProposalMayAct(p, act, "U", nil) || domain.ProposalMayAct(p, act, "", []string{"U"}) {
			out = append(out, r)
		}
	}
	return out
}

func (a *api) createProposal(c *fiber.Ctx) error {
	var in core.ProposalInput
	if err := body(c, &in); err != nil {
		return err
	}
	p, err := a.Core.CreateProposal(c.UserContext(), viewer(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

// queryYear reads an optional ?year=.
func queryYear(c *fiber.Ctx) (int, error) {
	v := c.Query("year")
	if v == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil {
		return 0, fieldProblem(fiber.StatusBadRequest, "year", "a year like 2026")
	}
	return y, nil
}

func (a *api) listProposals(c *fiber.Ctx) error {
	p, err := a.page(c)
	if err != nil {
		return err
	}
	f := core.ProposalQuery{Type: c.Query("type"), OurRole: c.Query("our_role"), Status: c.Query("status"), Q: strings.TrimSpace(c.Query("q"))}
	if f.Overdue, err = queryBool(c, "overdue"); err != nil {
		return err
	}
	if f.Year, err = queryYear(c); err != nil {
		return err
	}
	ps, next, err := a.Core.ListProposals(c.UserContext(), viewer(c), f, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.ProposalView]{Items: ps, NextCursor: next})
}

func (a *api) proposalStats(c *fiber.Ctx) error {
	y, err := queryYear(c)
	if err != nil {
		return err
	}
	if y == 0 {
		y = a.Core.Now().Year()
	}
	f, err := a.Core.ProposalStats(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(f)
}

func (a *api) getProposalSettings(c *fiber.Ctx) error {
	s, err := a.Core.ProposalSettings(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(s)
}

func (a *api) putProposalSettings(c *fiber.Ctx) error {
	var in domain.ProposalSettings
	if err := body(c, &in); err != nil {
		return err
	}
	s, err := a.Core.PutProposalSettings(c.UserContext(), viewer(c), in)
	if err != nil {
		return err
	}
	return c.JSON(s)
}

func (a *api) getProposal(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := a.Core.GetProposal(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (a *api) proposalContact(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.ContactInput) (core.ProposalContactView, error) {
		return a.Core.AddProposalContact(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) proposalOpinion(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.OpinionInput) (core.ProposalOpinionView, error) {
		return a.Core.AddProposalOpinion(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) proposalAnswer(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.AnswerInput) (core.ProposalAnswerView, error) {
		return a.Core.AnswerProposal(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) decideProposalAnswer(approve bool) fiber.Handler {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, in core.DecisionNoteInput) (core.ProposalView, error) {
		if approve {
			return a.Core.ApproveProposalAnswer(c.UserContext(), viewer(c), id, in)
		}
		return a.Core.RejectProposalAnswer(c.UserContext(), viewer(c), id, in)
	})
}

func (a *api) proposalFeedback(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.FeedbackInput) (core.ProposalFeedbackView, error) {
		return a.Core.RecordProposalFeedback(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) proposalExtension(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.ProposalExtensionInput) (core.ProposalExtensionView, error) {
		return a.Core.ExtendProposal(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) publishProposal(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, _ none) (core.ProposalDetail, error) {
		return a.Core.PublishProposal(c.UserContext(), viewer(c), id)
	})(c)
}

func (a *api) proposalCommitment(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.CommitmentInput) (core.ProposalCommitmentView, error) {
		return a.Core.AddProposalCommitment(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) proposalCommitmentDone(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, in core.CommitmentDoneInput) (core.ProposalCommitmentView, error) {
		cid, err := pathID(c, "cid")
		if err != nil {
			return core.ProposalCommitmentView{}, err
		}
		return a.Core.CompleteProposalCommitment(c.UserContext(), viewer(c), id, cid, in)
	})(c)
}

func (a *api) publicProposals(c *fiber.Ctx) error {
	p, err := a.page(c)
	if err != nil {
		return err
	}
	ps, next, err := a.Core.PublicProposals(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.PublicProposal]{Items: ps, NextCursor: next})
}
