package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"hotline/domain"
	"hotline/privacy"
	"hotline/repo"
)

// Deputies' suggestions and members' proposals (建议提案): records, their
// timeline, the workflow's actions (as the README's section on them
// describes) and the year's figures. Every action is one transaction that
// locks the record, checks who may act and what the status allows, writes,
// and appends one event.

const dateLayout = "2006-01-02"

func dateStr(t time.Time) string { return t.Format(dateLayout) }

func datePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := dateStr(*t)
	return &s
}

// civilToday is the current date in the department's zone, as a date at
// UTC midnight (the form the proposal and knowledge-base columns use).
func (c *Core) civilToday() time.Time { return domain.CivilDate(c.now(), c.set.Location) }

// date checks a required YYYY-MM-DD field.
func date(v *domain.ValidationError, field, s string) time.Time {
	if strings.TrimSpace(s) == "" {
		v.Add(field, "required (YYYY-MM-DD)")
		return time.Time{}
	}
	d, err := domain.ParseCivilDate(strings.TrimSpace(s))
	if err != nil || d.Year() < 2000 || d.Year() > 2999 {
		v.Add(field, "a date YYYY-MM-DD")
		return time.Time{}
	}
	return d
}

// ProposalInput creates a proposal.
type ProposalInput struct {
	Type         string   `json:"type"`
	Session      string   `json:"session"`
	Number       string   `json:"number"`
	Title        string   `json:"title"`
	Content      string   `json:"content"`
	LeadAuthor   string   `json:"lead_author"`
	CoAuthors    []string `json:"co_authors,omitempty"`
	RaisedDuring string   `json:"raised_during,omitempty"`
	AssignedOn   string   `json:"assigned_on"`
	OurRole      string   `json:"our_role"`
	LeadUnitCode string   `json:"lead_unit_code"`
	CoUnitCodes  []string `json:"co_unit_codes,omitempty"`
	Key          bool     `json:"key,omitempty"`
}

// ProposalView is a proposal as the API shows it.
type ProposalView struct {
	ID              int64      `json:"id"`
	Type            string     `json:"type"`
	Session         string     `json:"session"`
	Number          string     `json:"number"`
	Title           string     `json:"title"`
	Content         string     `json:"content"`
	LeadAuthor      string     `json:"lead_author"`
	CoAuthors       []string   `json:"co_authors"`
	RaisedDuring    *string    `json:"raised_during"`
	AssignedOn      string     `json:"assigned_on"`
	OurRole         string     `json:"our_role"`
	LeadUnitCode    string     `json:"lead_unit_code"`
	CoUnitCodes     []string   `json:"co_unit_codes"`
	Key             bool       `json:"key"`
	Status          string     `json:"status"`
	DueOn           string     `json:"due_on"`
	OriginalDueOn   string     `json:"original_due_on"`
	OpinionDueOn    *string    `json:"opinion_due_on"`
	ExtensionMonths int        `json:"extension_months"`
	Rehandled       int        `json:"rehandled"`
	Overdue         bool       `json:"overdue"`
	PublishedAt     *time.Time `json:"published_at"`
	CreatedAt       time.Time  `json:"created_at"`
}

func (c *Core) proposalView(p repo.Proposal) ProposalView {
	return ProposalView{ID: p.ID, Type: p.Type, Session: p.Session, Number: p.Number, Title: p.Title, Content: p.Content,
		LeadAuthor: p.LeadAuthor, CoAuthors: nonNil(p.CoAuthors), RaisedDuring: p.RaisedDuring,
		AssignedOn: dateStr(p.AssignedOn), OurRole: p.OurRole, LeadUnitCode: p.LeadUnitCode,
		CoUnitCodes: nonNil(p.CoUnitCodes), Key: p.Key, Status: p.Status, DueOn: dateStr(p.DueOn),
		OriginalDueOn: dateStr(p.OriginalDueOn), OpinionDueOn: datePtr(p.OpinionDueOn),
		ExtensionMonths: p.ExtensionMonths, Rehandled: p.Rehandled,
		Overdue:     domain.PastDue(domain.ProposalStatus(p.Status), p.DueOn, c.civilToday()),
		PublishedAt: c.tm(p.PublishedAt), CreatedAt: p.CreatedAt.In(c.set.Location)}
}

// ProposalContactView is a contact with the deputy.
type ProposalContactView struct {
	ID     int64  `json:"id"`
	Method string `json:"method"`
	On     string `json:"on"`
	Note   string `json:"note"`
}

// ProposalOpinionView is a joint unit's opinion to the lead unit.
type ProposalOpinionView struct {
	ID        int64     `json:"id"`
	UnitCode  string    `json:"unit_code"`
	Body      string    `json:"body"`
	OnTime    bool      `json:"on_time"`
	CreatedAt time.Time `json:"created_at"`
}

// ProposalAnswerView is an answer: pending until a manager approves it.
type ProposalAnswerView struct {
	ID         int64      `json:"id"`
	Round      int        `json:"round"`
	Category   *string    `json:"category"`
	Body       string     `json:"body"`
	Public     bool       `json:"public"`
	AnsweredOn string     `json:"answered_on"`
	DueOn      string     `json:"due_on"`
	OnTime     bool       `json:"on_time"`
	Status     string     `json:"status"`
	DecidedAt  *time.Time `json:"decided_at"`
	Note       string     `json:"decision_note"`
}

// ProposalFeedbackView is the deputy's feedback.
type ProposalFeedbackView struct {
	ID           int64  `json:"id"`
	AnswerID     int64  `json:"answer_id"`
	Satisfaction string `json:"satisfaction"`
	Comment      string `json:"comment"`
	On           string `json:"on"`
	// NewDueOn is the due date of the new answer a dissatisfied feedback
	// asks for.
	NewDueOn *string `json:"new_due_on,omitempty"`
}

// ProposalExtensionView is an extension of the answer period.
type ProposalExtensionView struct {
	ID       int64  `json:"id"`
	Months   int    `json:"months"`
	Reason   string `json:"reason"`
	OldDueOn string `json:"old_due_on"`
	NewDueOn string `json:"new_due_on"`
}

// ProposalCommitmentView is a commitment made in an answer.
type ProposalCommitmentView struct {
	ID       int64   `json:"id"`
	Text     string  `json:"text"`
	DueOn    string  `json:"due_on"`
	Done     bool    `json:"done"`
	DoneOn   *string `json:"done_on"`
	DoneNote string  `json:"done_note"`
	Overdue  bool    `json:"overdue"`
}

// ProposalDetail is a proposal with its parts and timeline.
type ProposalDetail struct {
	ProposalView
	PublishedBody *string                  `json:"published_body"`
	Contacts      []ProposalContactView    `json:"contacts"`
	Opinions      []ProposalOpinionView    `json:"opinions"`
	Answers       []ProposalAnswerView     `json:"answers"`
	Feedback      []ProposalFeedbackView   `json:"feedback"`
	Extensions    []ProposalExtensionView  `json:"extensions"`
	Commitments   []ProposalCommitmentView `json:"commitments"`
	Events        []EventView              `json:"events"`
}

func answerView(a repo.ProposalAnswer, loc *time.Location) ProposalAnswerView {
	v := ProposalAnswerView{ID: a.ID, Round: a.Round, Category: a.Category, Body: a.Body, Public: a.Public,
		AnsweredOn: dateStr(a.AnsweredOn), DueOn: dateStr(a.DueOn), OnTime: a.OnTime, Status: a.Status, Note: a.DecisionNote}
	if a.DecidedAt != nil {
		t := a.DecidedAt.In(loc)
		v.DecidedAt = &t
	}
	return v
}

func (c *Core) commitmentView(m repo.ProposalCommitment) ProposalCommitmentView {
	return ProposalCommitmentView{ID: m.ID, Text: m.Text, DueOn: dateStr(m.DueOn), Done: m.DoneOn != nil,
		DoneOn: datePtr(m.DoneOn), DoneNote: m.DoneNote, Overdue: m.DoneOn == nil && c.civilToday().After(m.DueOn)}
}

// ---- settings ----

// ProposalSettings are the deadlines and answer categories in force.
func (c *Core) ProposalSettings(ctx context.Context) (domain.ProposalSettings, error) {
	return c.proposalSettings(ctx, c.store.Q())
}

func (c *Core) proposalSettings(ctx context.Context, q *repo.Q) (domain.ProposalSettings, error) {
	s := domain.DefaultProposalSettings()
	var stored domain.ProposalSettings
	ok, err := q.GetProposalSettings(ctx, &stored)
	if err != nil || !ok {
		return s, err
	}
	return stored, nil
}

// PutProposalSettings replaces the settings. Deadlines already fixed on
// records stay; the new ones apply to what comes next.
func (c *Core) PutProposalSettings(ctx context.Context, v domain.Viewer, in domain.ProposalSettings) (domain.ProposalSettings, error) {
	for i := range in.Categories {
		in.Categories[i].Code = strings.TrimSpace(in.Categories[i].Code)
		in.Categories[i].Label = strings.TrimSpace(in.Categories[i].Label)
	}
	if err := in.Validate(); err != nil {
		return in, err
	}
	if err := c.store.Q().PutProposalSettings(ctx, in, v.ID); err != nil {
		return in, err
	}
	c.log.Info("proposal settings changed", "by", v.Username)
	return in, nil
}

// ---- create, read, list ----

func (in ProposalInput) check(today time.Time) (repo.Proposal, error) {
	var v domain.ValidationError
	p := repo.Proposal{Type: in.Type, OurRole: in.OurRole, Key: in.Key}
	if !domain.ProposalType(in.Type).Valid() {
		v.Add("type", `must be "suggestion" or "proposal"`)
	}
	p.Session = text(&v, "session", in.Session, true, 200)
	p.Number = text(&v, "number", in.Number, true, 50)
	p.Title = text(&v, "title", in.Title, true, 500)
	p.Content = text(&v, "content", in.Content, true, 50000)
	p.LeadAuthor = text(&v, "lead_author", in.LeadAuthor, true, 100)
	if len(in.CoAuthors) > 100 {
		v.Add("co_authors", "at most 100 names")
	}
	p.CoAuthors = []string{}
	for i, a := range in.CoAuthors {
		p.CoAuthors = append(p.CoAuthors, text(&v, fmt.Sprintf("co_authors[%d]", i), a, true, 100))
	}
	if in.RaisedDuring != "" {
		if !domain.RaisedDuring(in.RaisedDuring).Valid() {
			v.Add("raised_during", `must be "session" or "recess"`)
		}
		p.RaisedDuring = &in.RaisedDuring
	}
	p.AssignedOn = date(&v, "assigned_on", in.AssignedOn)
	if !p.AssignedOn.IsZero() && p.AssignedOn.After(today) {
		v.Add("assigned_on", "must not be in the future")
	}
	if !domain.OurRole(in.OurRole).Valid() {
		v.Add("our_role", `must be "lead", "joint" or "separate"`)
	}
	p.LeadUnitCode = strings.TrimSpace(in.LeadUnitCode)
	if p.LeadUnitCode == "" {
		v.Add("lead_unit_code", "required")
	}
	p.CoUnitCodes = []string{}
	for i, u := range in.CoUnitCodes {
		u = strings.TrimSpace(u)
		switch {
		case u == "":
			v.Add(fmt.Sprintf("co_unit_codes[%d]", i), "required")
		case u == p.LeadUnitCode:
			v.Add(fmt.Sprintf("co_unit_codes[%d]", i), "the lead unit cannot also be a joint unit")
		case slices.Contains(p.CoUnitCodes, u):
			v.Add(fmt.Sprintf("co_unit_codes[%d]", i), "appears twice")
		}
		p.CoUnitCodes = append(p.CoUnitCodes, u)
	}
	return p, v.Err()
}

// CreateProposal stores a proposal assigned to the department and fixes its
// deadlines.
func (c *Core) CreateProposal(ctx context.Context, v domain.Viewer, in ProposalInput) (ProposalView, error) {
	p, err := in.check(c.civilToday())
	if err != nil {
		return ProposalView{}, err
	}
	cal, err := c.Calendar(ctx)
	if err != nil {
		return ProposalView{}, err
	}
	var out repo.Proposal
	err = c.store.Tx(ctx, func(q *repo.Q) error {
		if err := checkProposalUnits(ctx, q, p); err != nil {
			return err
		}
		set, err := c.proposalSettings(ctx, q)
		if err != nil {
			return err
		}
		d := set.NewProposalDeadlines(cal, p.AssignedOn, domain.OurRole(p.OurRole), len(p.CoUnitCodes) > 0)
		now := c.now()
		p.Status, p.DueOn, p.OpinionDueOn, p.BaseMonths = string(domain.PropHandling), d.Due, d.OpinionDue, d.BaseMonths
		p.CreatedBy, p.CreatedAt = &v.ID, now
		out, err = q.InsertProposal(ctx, p)
		switch {
		case errors.Is(err, repo.ErrProposalDuplicate):
			return domain.ValidationError{{Field: "number", Message: "this session already has a " + domain.ProposalType(p.Type).Label() + " with this number"}}
		case errors.Is(err, repo.ErrProposalUnit):
			return domain.ValidationError{{Field: "lead_unit_code", Message: "no such active unit"}}
		case err != nil:
			return err
		}
		note := "答复时限 " + dateStr(out.DueOn)
		if out.OpinionDueOn != nil {
			note += ",会办意见时限 " + dateStr(*out.OpinionDueOn)
		}
		if err := proposalEvent(ctx, q, now, out.ID, actorOf(v), domain.PActCreate, "", domain.PropHandling, note); err != nil {
			return err
		}
		msg := fmt.Sprintf("交办:%s%s《%s》,%s", out.Number, domain.ProposalType(out.Type).Label(), out.Title, note)
		for _, u := range append([]string{out.LeadUnitCode}, out.CoUnitCodes...) {
			if err := notifyProposalUnit(ctx, q, u, false, out.ID, "proposal_assigned", msg); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ProposalView{}, err
	}
	return c.proposalView(out), nil
}

func checkProposalUnits(ctx context.Context, q *repo.Q, p repo.Proposal) error {
	var v domain.ValidationError
	if n, err := q.CountUnits(ctx, []string{p.LeadUnitCode}); err != nil {
		return err
	} else if n != 1 {
		v.Add("lead_unit_code", "no such active unit")
	}
	if len(p.CoUnitCodes) > 0 {
		if n, err := q.CountUnits(ctx, p.CoUnitCodes); err != nil {
			return err
		} else if n != len(p.CoUnitCodes) {
			v.Add("co_unit_codes", "every unit must exist and be active")
		}
	}
	return v.Err()
}

// visibleProposal reads a proposal the viewer may see; another unit's is
// reported as not found, so that its existence does not leak.
func (c *Core) visibleProposal(ctx context.Context, q *repo.Q, v domain.Viewer, id int64, lock bool) (repo.Proposal, error) {
	var (
		p   repo.Proposal
		err error
	)
	if lock {
		p, err = q.LockProposal(ctx, id)
	} else {
		p, err = q.GetProposal(ctx, id)
	}
	if err != nil {
		return p, notFoundAs(err, fmt.Sprintf("proposal %d", id))
	}
	if !domain.ProposalMaySee(v, p.LeadUnitCode, p.CoUnitCodes) {
		return repo.Proposal{}, fmt.Errorf("proposal %d: %w", id, domain.ErrNotFound)
	}
	return p, nil
}

// GetProposal returns a proposal with its contacts, opinions, answers,
// feedback, extensions, commitments and timeline. A joint unit sees its own
// opinions only.
func (c *Core) GetProposal(ctx context.Context, v domain.Viewer, id int64) (ProposalDetail, error) {
	var d ProposalDetail
	err := c.store.ReadTx(ctx, func(q *repo.Q) error {
		p, err := c.visibleProposal(ctx, q, v, id, false)
		if err != nil {
			return err
		}
		d, err = c.proposalDetail(ctx, q, v, p)
		return err
	})
	return d, err
}

func (c *Core) proposalDetail(ctx context.Context, q *repo.Q, v domain.Viewer, p repo.Proposal) (ProposalDetail, error) {
	loc := c.set.Location
	d := ProposalDetail{ProposalView: c.proposalView(p), PublishedBody: p.PublishedBody}
	contacts, err := q.ProposalContacts(ctx, p.ID)
	if err != nil {
		return d, err
	}
	d.Contacts = make([]ProposalContactView, len(contacts))
	for i, x := range contacts {
		d.Contacts[i] = ProposalContactView{ID: x.ID, Method: x.Method, On: dateStr(x.ContactedOn), Note: x.Note}
	}
	unit := ""
	if v.Role.IsUnitRole() && v.UnitCode != p.LeadUnitCode {
		unit = v.UnitCode
	}
	ops, err := q.ProposalOpinions(ctx, p.ID, unit)
	if err != nil {
		return d, err
	}
	d.Opinions = make([]ProposalOpinionView, len(ops))
	for i, o := range ops {
		d.Opinions[i] = ProposalOpinionView{ID: o.ID, UnitCode: o.UnitCode, Body: o.Body, OnTime: o.OnTime, CreatedAt: o.CreatedAt.In(loc)}
	}
	answers, err := q.ProposalAnswers(ctx, p.ID)
	if err != nil {
		return d, err
	}
	d.Answers = make([]ProposalAnswerView, len(answers))
	for i, a := range answers {
		d.Answers[i] = answerView(a, loc)
	}
	fbs, err := q.ProposalFeedbacks(ctx, p.ID)
	if err != nil {
		return d, err
	}
	d.Feedback = make([]ProposalFeedbackView, len(fbs))
	for i, f := range fbs {
		d.Feedback[i] = ProposalFeedbackView{ID: f.ID, AnswerID: f.AnswerID, Satisfaction: f.Satisfaction, Comment: f.Comment, On: dateStr(f.GivenOn)}
	}
	exts, err := q.ProposalExtensions(ctx, p.ID)
	if err != nil {
		return d, err
	}
	d.Extensions = make([]ProposalExtensionView, len(exts))
	for i, e := range exts {
		d.Extensions[i] = ProposalExtensionView{ID: e.ID, Months: e.Months, Reason: e.Reason, OldDueOn: dateStr(e.OldDueOn), NewDueOn: dateStr(e.NewDueOn)}
	}
	cms, err := q.ProposalCommitments(ctx, p.ID)
	if err != nil {
		return d, err
	}
	d.Commitments = make([]ProposalCommitmentView, len(cms))
	for i, m := range cms {
		d.Commitments[i] = c.commitmentView(m)
	}
	evs, err := q.ProposalEvents(ctx, p.ID)
	if err != nil {
		return d, err
	}
	d.Events = make([]EventView, len(evs))
	for i, e := range evs {
		d.Events[i] = EventView{At: e.At.In(loc), Actor: e.Actor, UnitCode: e.UnitCode, Action: e.Action,
			FromStatus: e.FromStatus, ToStatus: e.ToStatus, Note: e.Note}
	}
	return d, nil
}

// ProposalQuery is the filter of GET /proposals.
type ProposalQuery struct {
	Type, OurRole, Status, Q string
	Overdue                  *bool
	Year                     int
}

// ListProposals returns the proposals the viewer may see, newest first.
func (c *Core) ListProposals(ctx context.Context, v domain.Viewer, f ProposalQuery, page Page) ([]ProposalView, *string, error) {
	var ve domain.ValidationError
	if f.Type != "" && !domain.ProposalType(f.Type).Valid() {
		ve.Add("type", "unknown type %q", f.Type)
	}
	if f.OurRole != "" && !domain.OurRole(f.OurRole).Valid() {
		ve.Add("our_role", "unknown role %q", f.OurRole)
	}
	if f.Status != "" && !domain.ProposalStatus(f.Status).Valid() {
		ve.Add("status", "unknown status %q", f.Status)
	}
	if f.Year != 0 && (f.Year < 2000 || f.Year > 2999) {
		ve.Add("year", "a year like 2026")
	}
	if len(f.Q) > 200 {
		ve.Add("q", "at most 200 bytes")
	}
	if err := ve.Err(); err != nil {
		return nil, nil, err
	}
	rf := repo.ProposalFilter{Type: f.Type, OurRole: f.OurRole, Status: f.Status, Overdue: f.Overdue, Today: c.civilToday(),
		Year: f.Year, Q: f.Q, BeforeID: page.After, Limit: page.Limit + 1}
	if !v.SeesEveryUnit() {
		if rf.ScopeUnit = v.UnitCode; rf.ScopeUnit == "" {
			return []ProposalView{}, nil, nil
		}
	}
	rows, err := c.store.Q().ListProposals(ctx, rf)
	if err != nil {
		return nil, nil, fmt.Errorf("list proposals: %w", err)
	}
	out := make([]ProposalView, 0, len(rows))
	for _, p := range rows {
		out = append(out, c.proposalView(p))
	}
	next := page.next(len(out), func() int64 { return out[page.Limit-1].ID })
	if len(out) > page.Limit {
		out = out[:page.Limit]
	}
	return out, next, nil
}

// ---- actions ----

// proposalEvent appends one event to a proposal's timeline.
func proposalEvent(ctx context.Context, q *repo.Q, at time.Time, id int64, who actor, a domain.ProposalAction, from, to domain.ProposalStatus, note string) error {
	e := repo.ProposalEvent{ProposalID: id, At: at, ActorID: who.id, Actor: who.name, UnitCode: who.unit, Action: string(a), Note: note}
	if from != "" {
		s := string(from)
		e.FromStatus = &s
	}
	if to != "" {
		s := string(to)
		e.ToStatus = &s
	}
	return q.AppendProposalEvent(ctx, e)
}

// notifyProposalUnit notifies a unit's users (or its heads only).
func notifyProposalUnit(ctx context.Context, q *repo.Q, unit string, headsOnly bool, id int64, typ, msg string) error {
	ids, err := q.UnitUserIDs(ctx, unit, headsOnly)
	if err != nil {
		return err
	}
	return q.NotifyProposal(ctx, ids, id, typ, msg)
}

// notifyManagers notifies every manager.
func notifyManagers(ctx context.Context, q *repo.Q, id int64, typ, msg string) error {
	ids, err := q.RoleUserIDs(ctx, string(domain.RoleManager))
	if err != nil {
		return err
	}
	return q.NotifyProposal(ctx, ids, id, typ, msg)
}

// proposalStep is the work of one action on a locked proposal: it may change
// p (not its status) and returns the event's note.
type proposalStep func(q *repo.Q, p *repo.Proposal, now time.Time) (note string, err error)

// actOnProposal runs one action in one transaction: lock, visibility (404),
// permission (403), status (409), the step, save, event.
func (c *Core) actOnProposal(ctx context.Context, v domain.Viewer, id int64, a domain.ProposalAction, step proposalStep) (repo.Proposal, error) {
	var p repo.Proposal
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		var err error
		if p, err = c.visibleProposal(ctx, q, v, id, true); err != nil {
			return err
		}
		if !domain.ProposalMayAct(domain.ProposalActor{Role: v.Role, Unit: v.UnitCode}, a, p.LeadUnitCode, p.CoUnitCodes) {
			return fmt.Errorf("%s on proposal %d: %w", a, id, domain.ErrForbidden)
		}
		from := domain.ProposalStatus(p.Status)
		to, err := domain.NextProposal(from, a)
		if err != nil {
			return err
		}
		now := c.now()
		note, err := step(q, &p, now)
		if err != nil {
			return err
		}
		p.Status = string(to)
		if err := q.SaveProposal(ctx, p); err != nil {
			return err
		}
		return proposalEvent(ctx, q, now, p.ID, actorOf(v), a, from, to, note)
	})
	return p, err
}

func proposalName(p repo.Proposal) string {
	return fmt.Sprintf("%s%s《%s》", p.Number, domain.ProposalType(p.Type).Label(), p.Title)
}

// ContactInput records a contact with the deputy.
type ContactInput struct {
	Method string `json:"method"`
	On     string `json:"on"`
	Note   string `json:"note,omitempty"`
}

// AddProposalContact records a contact with the deputy (沟通/面商).
func (c *Core) AddProposalContact(ctx context.Context, v domain.Viewer, id int64, in ContactInput) (ProposalContactView, error) {
	var ve domain.ValidationError
	if !domain.ContactMethod(in.Method).Valid() {
		ve.Add("method", `must be "meeting", "phone", "forum" or "letter"`)
	}
	on := date(&ve, "on", in.On)
	note := text(&ve, "note", in.Note, false, 2000)
	if err := ve.Err(); err != nil {
		return ProposalContactView{}, err
	}
	var out repo.ProposalContact
	_, err := c.actOnProposal(ctx, v, id, domain.PActContact, func(q *repo.Q, p *repo.Proposal, _ time.Time) (string, error) {
		if err := c.checkDay("on", on, p.AssignedOn); err != nil {
			return "", err
		}
		var err error
		if out, err = q.InsertProposalContact(ctx, repo.ProposalContact{ProposalID: p.ID, Method: in.Method, ContactedOn: on, Note: note, AuthorID: v.ID}); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s %s %s", contactLabel(in.Method), dateStr(on), note), nil
	})
	if err != nil {
		return ProposalContactView{}, err
	}
	return ProposalContactView{ID: out.ID, Method: out.Method, On: dateStr(out.ContactedOn), Note: out.Note}, nil
}

func contactLabel(m string) string {
	switch domain.ContactMethod(m) {
	case domain.ContactMeeting:
		return "见面沟通"
	case domain.ContactPhone:
		return "电话沟通"
	case domain.ContactForum:
		return "座谈"
	case domain.ContactLetter:
		return "书面沟通"
	}
	return m
}

// checkDay refuses a date before assignment or after today.
func (c *Core) checkDay(field string, d, assigned time.Time) error {
	switch {
	case d.Before(assigned):
		return domain.ValidationError{{Field: field, Message: "must not be before the assignment date " + dateStr(assigned)}}
	case d.After(c.civilToday()):
		return domain.ValidationError{{Field: field, Message: "must not be in the future"}}
	}
	return nil
}

// OpinionInput is a joint unit's opinion.
type OpinionInput struct {
	Body string `json:"body"`
}

// AddProposalOpinion records a joint unit's opinion to the lead unit (会办意见).
func (c *Core) AddProposalOpinion(ctx context.Context, v domain.Viewer, id int64, in OpinionInput) (ProposalOpinionView, error) {
	var ve domain.ValidationError
	body := text(&ve, "body", in.Body, true, 20000)
	if err := ve.Err(); err != nil {
		return ProposalOpinionView{}, err
	}
	var out repo.ProposalOpinion
	_, err := c.actOnProposal(ctx, v, id, domain.PActOpinion, func(q *repo.Q, p *repo.Proposal, _ time.Time) (string, error) {
		onTime := p.OpinionDueOn == nil || !c.civilToday().After(*p.OpinionDueOn)
		var err error
		out, err = q.InsertProposalOpinion(ctx, repo.ProposalOpinion{ProposalID: p.ID, UnitCode: v.UnitCode, Body: body, OnTime: onTime, AuthorID: v.ID})
		if err != nil {
			return "", err
		}
		msg := fmt.Sprintf("会办意见:%s 已就%s提出会办意见", v.UnitCode, proposalName(*p))
		if err := notifyProposalUnit(ctx, q, p.LeadUnitCode, false, p.ID, "proposal_opinion", msg); err != nil {
			return "", err
		}
		if !onTime {
			return v.UnitCode + " 会办意见(超过时限 " + dateStr(*p.OpinionDueOn) + ")", nil
		}
		return v.UnitCode + " 会办意见", nil
	})
	if err != nil {
		return ProposalOpinionView{}, err
	}
	return ProposalOpinionView{ID: out.ID, UnitCode: out.UnitCode, Body: out.Body, OnTime: out.OnTime, CreatedAt: out.CreatedAt.In(c.set.Location)}, nil
}

// AnswerInput is the answer to the deputy.
type AnswerInput struct {
	Category   string `json:"category"`
	Body       string `json:"body"`
	Public     *bool  `json:"public"`
	AnsweredOn string `json:"answered_on"`
}

// AnswerProposal records an answer; it counts once a manager approves it.
// Whether it was on time is judged now, against the due date in force.
func (c *Core) AnswerProposal(ctx context.Context, v domain.Viewer, id int64, in AnswerInput) (ProposalAnswerView, error) {
	var ve domain.ValidationError
	body := text(&ve, "body", in.Body, true, 50000)
	on := date(&ve, "answered_on", in.AnsweredOn)
	if in.Public == nil {
		ve.Add("public", "required: true when the answer may be published")
	}
	in.Category = strings.TrimSpace(in.Category)
	if err := ve.Err(); err != nil {
		return ProposalAnswerView{}, err
	}
	var out repo.ProposalAnswer
	_, err := c.actOnProposal(ctx, v, id, domain.PActAnswer, func(q *repo.Q, p *repo.Proposal, _ time.Time) (string, error) {
		cat, err := c.answerCategory(ctx, q, *p, in.Category)
		if err != nil {
			return "", err
		}
		if err := c.checkDay("answered_on", on, p.AssignedOn); err != nil {
			return "", err
		}
		a := repo.ProposalAnswer{ProposalID: p.ID, Round: p.Rehandled, Category: cat, Body: body, Public: *in.Public,
			AnsweredOn: on, DueOn: p.DueOn, OnTime: domain.AnsweredOnTime(on, p.DueOn), AuthorID: v.ID, UnitCode: nilIfEmpty(v.UnitCode)}
		out, err = q.InsertProposalAnswer(ctx, a)
		if errors.Is(err, repo.ErrAnswerPending) {
			return "", fmt.Errorf("%w: an answer is already waiting for approval", domain.ErrConflict)
		}
		if err != nil {
			return "", err
		}
		if err := notifyManagers(ctx, q, p.ID, "proposal_answer", "答复待审核:"+proposalName(*p)); err != nil {
			return "", err
		}
		note := "答复日期 " + dateStr(on) + ",待审核"
		if cat != nil {
			note = "类别 " + *cat + "," + note
		}
		if !out.OnTime {
			note += ",超过答复时限 " + dateStr(p.DueOn)
		}
		return note, nil
	})
	if err != nil {
		return ProposalAnswerView{}, err
	}
	return answerView(out, c.set.Location), nil
}

// answerCategory checks the category against the configured set: required
// for a lead or separate handler's answer; a joint handler's opinion to the
// lead agency may go without.
func (c *Core) answerCategory(ctx context.Context, q *repo.Q, p repo.Proposal, code string) (*string, error) {
	if code == "" {
		if domain.OurRole(p.OurRole) == domain.RoleJoint {
			return nil, nil
		}
		return nil, domain.ValidationError{{Field: "category", Message: "required"}}
	}
	set, err := c.proposalSettings(ctx, q)
	if err != nil {
		return nil, err
	}
	if _, ok := set.Category(code); !ok {
		codes := make([]string, len(set.Categories))
		for i, x := range set.Categories {
			codes[i] = x.Code
		}
		return nil, domain.ValidationError{{Field: "category", Message: "one of " + strings.Join(codes, ", ")}}
	}
	return &code, nil
}

// DecisionNoteInput carries an optional note with a decision.
type DecisionNoteInput struct {
	Note string `json:"note,omitempty"`
}

// ApproveProposalAnswer makes the waiting answer count.
func (c *Core) ApproveProposalAnswer(ctx context.Context, v domain.Viewer, id int64, in DecisionNoteInput) (ProposalView, error) {
	return c.decideAnswer(ctx, v, id, true, in.Note)
}

// RejectProposalAnswer sends the waiting answer back with a reason.
func (c *Core) RejectProposalAnswer(ctx context.Context, v domain.Viewer, id int64, in DecisionNoteInput) (ProposalView, error) {
	return c.decideAnswer(ctx, v, id, false, in.Note)
}

func (c *Core) decideAnswer(ctx context.Context, v domain.Viewer, id int64, approve bool, note string) (ProposalView, error) {
	var ve domain.ValidationError
	note = text(&ve, "note", note, !approve, 2000)
	if err := ve.Err(); err != nil {
		return ProposalView{}, err
	}
	act, status, label := domain.PActApproveAnswer, "approved", "答复已审核通过"
	if !approve {
		act, status, label = domain.PActRejectAnswer, "rejected", "答复退回修改"
	}
	p, err := c.actOnProposal(ctx, v, id, act, func(q *repo.Q, p *repo.Proposal, now time.Time) (string, error) {
		a, err := q.PendingProposalAnswer(ctx, p.ID)
		if errors.Is(err, repo.ErrNotFound) {
			return "", fmt.Errorf("%w: no answer is waiting for approval", domain.ErrConflict)
		}
		if err != nil {
			return "", err
		}
		a.Status, a.DecidedBy, a.DecidedAt, a.DecisionNote = status, &v.ID, &now, note
		if err := q.DecideProposalAnswer(ctx, a); err != nil {
			return "", err
		}
		if err := notifyProposalUnit(ctx, q, p.LeadUnitCode, false, p.ID, "proposal_answer_"+status, label+":"+proposalName(*p)); err != nil {
			return "", err
		}
		out := strings.TrimRight(label+","+note, ",")
		if approve {
			timing := "按时答复"
			if !a.OnTime {
				timing = "超期答复(时限 " + dateStr(a.DueOn) + ")"
			}
			out = label + ",答复日期 " + dateStr(a.AnsweredOn) + "," + timing
			if note != "" {
				out += "," + note
			}
		}
		return out, nil
	})
	if err != nil {
		return ProposalView{}, err
	}
	return c.proposalView(p), nil
}

// FeedbackInput is the deputy's feedback on the answer.
type FeedbackInput struct {
	Satisfaction string `json:"satisfaction"`
	Comment      string `json:"comment,omitempty"`
	On           string `json:"on"`
}

// RecordProposalFeedback records the deputy's feedback on the answer that
// counts. A dissatisfied deputy sends the proposal back for a new answer,
// due a month (a setting) after the feedback.
func (c *Core) RecordProposalFeedback(ctx context.Context, v domain.Viewer, id int64, in FeedbackInput) (ProposalFeedbackView, error) {
	var ve domain.ValidationError
	s := domain.Satisfaction(in.Satisfaction)
	if !s.Valid() {
		ve.Add("satisfaction", `must be "satisfied", "basically_satisfied" or "dissatisfied"`)
	}
	comment := text(&ve, "comment", in.Comment, false, 2000)
	on := date(&ve, "on", in.On)
	if err := ve.Err(); err != nil {
		return ProposalFeedbackView{}, err
	}
	var out ProposalFeedbackView
	_, err := c.actOnProposal(ctx, v, id, domain.FeedbackAction(s), func(q *repo.Q, p *repo.Proposal, _ time.Time) (string, error) {
		a, err := q.LatestApprovedAnswer(ctx, p.ID)
		if err != nil {
			return "", err // an answered proposal has one
		}
		if err := c.checkDay("on", on, a.AnsweredOn); err != nil {
			return "", err
		}
		f, err := q.InsertProposalFeedback(ctx, repo.ProposalFeedback{ProposalID: p.ID, AnswerID: a.ID, Satisfaction: string(s),
			Comment: comment, GivenOn: on, RecordedBy: v.ID})
		if err != nil {
			return "", err
		}
		out = ProposalFeedbackView{ID: f.ID, AnswerID: f.AnswerID, Satisfaction: f.Satisfaction, Comment: f.Comment, On: dateStr(f.GivenOn)}
		note := satisfactionLabel(s) + " " + dateStr(on)
		if comment != "" {
			note += "," + comment
		}
		if s != domain.Dissatisfied {
			return note, nil
		}
		set, err := c.proposalSettings(ctx, q)
		if err != nil {
			return "", err
		}
		p.Rehandled++
		p.DueOn = set.RehandleDue(on)
		out.NewDueOn = ptr(dateStr(p.DueOn))
		msg := fmt.Sprintf("重新办理:%s 代表委员不满意,请于 %s 前重新答复", proposalName(*p), dateStr(p.DueOn))
		if err := notifyProposalUnit(ctx, q, p.LeadUnitCode, false, p.ID, "proposal_rehandle", msg); err != nil {
			return "", err
		}
		return note + ",重新办理,答复时限 " + dateStr(p.DueOn), nil
	})
	if err != nil {
		return ProposalFeedbackView{}, err
	}
	return out, nil
}

func satisfactionLabel(s domain.Satisfaction) string {
	switch s {
	case domain.Satisfied:
		return "满意"
	case domain.BasicallySatisfied:
		return "基本满意"
	case domain.Dissatisfied:
		return "不满意"
	}
	return string(s)
}

// ProposalExtensionInput extends the answer period.
type ProposalExtensionInput struct {
	Months int    `json:"months"`
	Reason string `json:"reason"`
}

// ExtendProposal moves the answer's due date by whole months, at most to
// the maximum after assignment (6 months), with a recorded reason. Only the
// first answer period of a lead or separate handler can be extended, and only
// before it has passed.
func (c *Core) ExtendProposal(ctx context.Context, v domain.Viewer, id int64, in ProposalExtensionInput) (ProposalExtensionView, error) {
	var ve domain.ValidationError
	reason := text(&ve, "reason", in.Reason, true, 2000)
	if in.Months < 1 || in.Months > 12 {
		ve.Add("months", "a whole number of months from 1")
	}
	if err := ve.Err(); err != nil {
		return ProposalExtensionView{}, err
	}
	var out repo.ProposalExtension
	_, err := c.actOnProposal(ctx, v, id, domain.PActExtend, func(q *repo.Q, p *repo.Proposal, _ time.Time) (string, error) {
		if domain.OurRole(p.OurRole) == domain.RoleJoint {
			return "", fmt.Errorf("%w: a joint handler's opinion period is not extended here", domain.ErrConflict)
		}
		if c.civilToday().After(p.DueOn) {
			return "", fmt.Errorf("%w: the due date %s has passed", domain.ErrConflict, dateStr(p.DueOn))
		}
		set, err := c.proposalSettings(ctx, q)
		if err != nil {
			return "", err
		}
		due, err := domain.ProposalExtendedDue(p.AssignedOn, p.BaseMonths, p.ExtensionMonths, in.Months, set.MaxAnswerMonths)
		if err != nil {
			return "", err
		}
		out, err = q.InsertProposalExtension(ctx, repo.ProposalExtension{ProposalID: p.ID, Months: in.Months, Reason: reason,
			OldDueOn: p.DueOn, NewDueOn: due, GrantedBy: v.ID})
		if err != nil {
			return "", err
		}
		note := fmt.Sprintf("延期%d个月:%s → %s,理由:%s", in.Months, dateStr(p.DueOn), dateStr(due), reason)
		p.DueOn, p.ExtensionMonths = due, p.ExtensionMonths+in.Months
		return note, notifyProposalUnit(ctx, q, p.LeadUnitCode, false, p.ID, "proposal_extended", "延期:"+proposalName(*p)+","+note)
	})
	if err != nil {
		return ProposalExtensionView{}, err
	}
	return ProposalExtensionView{ID: out.ID, Months: out.Months, Reason: out.Reason, OldDueOn: dateStr(out.OldDueOn), NewDueOn: dateStr(out.NewDueOn)}, nil
}

// PublishProposal publishes the answer that counts, without the contact
// lines and with phone numbers, e-mail addresses and ID numbers scrubbed. An
// answer marked not public cannot be published.
func (c *Core) PublishProposal(ctx context.Context, v domain.Viewer, id int64) (ProposalDetail, error) {
	_, err := c.actOnProposal(ctx, v, id, domain.PActPublish, func(q *repo.Q, p *repo.Proposal, now time.Time) (string, error) {
		a, err := q.LatestApprovedAnswer(ctx, p.ID)
		if err != nil {
			return "", err
		}
		if !a.Public {
			return "", fmt.Errorf("%w: the answer was marked not for publication", domain.ErrConflict)
		}
		body := privacy.Scrub(domain.StripContactLines(a.Body))
		p.PublishedAt, p.PublishedAnswerID, p.PublishedBody = &now, &a.ID, &body
		return "公开答复", nil
	})
	if err != nil {
		return ProposalDetail{}, err
	}
	return c.GetProposal(ctx, v, id)
}

// PublicProposal is a published answer as anyone may read it.
type PublicProposal struct {
	ID          int64     `json:"id"`
	Type        string    `json:"type"`
	Session     string    `json:"session"`
	Number      string    `json:"number"`
	Title       string    `json:"title"`
	LeadAuthor  string    `json:"lead_author"`
	Answer      string    `json:"answer"`
	PublishedAt time.Time `json:"published_at"`
}

// PublicProposals lists published answers, newest first.
func (c *Core) PublicProposals(ctx context.Context, page Page) ([]PublicProposal, *string, error) {
	rows, err := c.store.Q().PublishedProposals(ctx, page.After, page.Limit+1)
	if err != nil {
		return nil, nil, fmt.Errorf("list published proposals: %w", err)
	}
	out := make([]PublicProposal, 0, len(rows))
	for _, p := range rows {
		out = append(out, PublicProposal{ID: p.ID, Type: p.Type, Session: p.Session, Number: p.Number, Title: p.Title,
			LeadAuthor: p.LeadAuthor, Answer: strOr(p.PublishedBody), PublishedAt: p.PublishedAt.In(c.set.Location)})
	}
	next := page.next(len(out), func() int64 { return out[page.Limit-1].ID })
	if len(out) > page.Limit {
		out = out[:page.Limit]
	}
	return out, next, nil
}

// CommitmentInput is a commitment made in an answer.
type CommitmentInput struct {
	Text  string `json:"text"`
	DueOn string `json:"due_on"`
}

// AddProposalCommitment records a commitment made in an answer, tracked
// until done.
func (c *Core) AddProposalCommitment(ctx context.Context, v domain.Viewer, id int64, in CommitmentInput) (ProposalCommitmentView, error) {
	var ve domain.ValidationError
	txt := text(&ve, "text", in.Text, true, 2000)
	due := date(&ve, "due_on", in.DueOn)
	if err := ve.Err(); err != nil {
		return ProposalCommitmentView{}, err
	}
	var out repo.ProposalCommitment
	_, err := c.actOnProposal(ctx, v, id, domain.PActCommit, func(q *repo.Q, p *repo.Proposal, _ time.Time) (string, error) {
		if due.Before(p.AssignedOn) {
			return "", domain.ValidationError{{Field: "due_on", Message: "must not be before the assignment date"}}
		}
		var err error
		if out, err = q.InsertProposalCommitment(ctx, repo.ProposalCommitment{ProposalID: p.ID, Text: txt, DueOn: due, CreatedBy: v.ID}); err != nil {
			return "", err
		}
		return fmt.Sprintf("承诺事项(%s 前):%s", dateStr(due), txt), nil
	})
	if err != nil {
		return ProposalCommitmentView{}, err
	}
	return c.commitmentView(out), nil
}

// CommitmentDoneInput marks a commitment done.
type CommitmentDoneInput struct {
	DoneOn string `json:"done_on,omitempty"`
	Note   string `json:"note,omitempty"`
}

// CompleteProposalCommitment marks a commitment done (today unless done_on
// says otherwise).
func (c *Core) CompleteProposalCommitment(ctx context.Context, v domain.Viewer, id, cid int64, in CommitmentDoneInput) (ProposalCommitmentView, error) {
	var ve domain.ValidationError
	note := text(&ve, "note", in.Note, false, 2000)
	done := c.civilToday()
	if strings.TrimSpace(in.DoneOn) != "" {
		done = date(&ve, "done_on", in.DoneOn)
	}
	if err := ve.Err(); err != nil {
		return ProposalCommitmentView{}, err
	}
	var m repo.ProposalCommitment
	_, err := c.actOnProposal(ctx, v, id, domain.PActCommitDone, func(q *repo.Q, p *repo.Proposal, _ time.Time) (string, error) {
		var err error
		if m, err = q.LockProposalCommitment(ctx, p.ID, cid); err != nil {
			return "", notFoundAs(err, fmt.Sprintf("commitment %d", cid))
		}
		if m.DoneOn != nil {
			return "", fmt.Errorf("%w: the commitment was done on %s", domain.ErrConflict, dateStr(*m.DoneOn))
		}
		if err := c.checkDay("done_on", done, p.AssignedOn); err != nil {
			return "", err
		}
		m.DoneOn, m.DoneNote, m.DoneBy = &done, note, &v.ID
		if err := q.SaveProposalCommitment(ctx, m); err != nil {
			return "", err
		}
		return strings.TrimRight(fmt.Sprintf("承诺事项已落实 %s:%s,%s", dateStr(done), m.Text, note), ","), nil
	})
	if err != nil {
		return ProposalCommitmentView{}, err
	}
	return c.commitmentView(m), nil
}

// ---- reminders and escalation ----

// SweepProposalDeadlines does every proposal deadline check that has come
// due and was not done: reminders before the due date, escalation (督办) to
// the lead unit's heads and the managers once it has passed, late joint
// opinions and commitments past their date. Each is done once per due date,
// under the record's lock, so several workers may sweep at once.
func (c *Core) SweepProposalDeadlines(ctx context.Context) (int, error) {
	set, err := c.ProposalSettings(ctx)
	if err != nil {
		return 0, err
	}
	due, err := c.store.Q().DueProposalChecks(ctx, c.civilToday(), set.RemindDays, 500)
	if err != nil {
		return 0, fmt.Errorf("find due proposal checks: %w", err)
	}
	n := 0
	for _, d := range due {
		changed, err := c.runProposalCheck(ctx, d, set)
		if err != nil {
			return n, err
		}
		if changed {
			n++
		}
	}
	return n, nil
}

func (c *Core) runProposalCheck(ctx context.Context, d repo.DueProposal, set domain.ProposalSettings) (bool, error) {
	changed := false
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		p, err := q.LockProposal(ctx, d.ProposalID)
		if err != nil {
			return notFoundAs(err, "proposal")
		}
		today, st := c.civilToday(), domain.ProposalStatus(p.Status)
		var (
			act  domain.ProposalAction
			note string
		)
		switch d.Check {
		case "overdue":
			if !domain.PastDue(st, p.DueOn, today) || sameDay(p.EscalatedFor, p.DueOn) {
				return nil
			}
			act, p.EscalatedFor = domain.PActOverdue, ptr(p.DueOn)
			note = fmt.Sprintf("督办:%s 答复时限 %s 已过,尚未答复(主办单位 %s)", proposalName(p), dateStr(p.DueOn), p.LeadUnitCode)
			if err := notifyProposalUnit(ctx, q, p.LeadUnitCode, true, p.ID, "proposal_overdue", note); err != nil {
				return err
			}
			if err := notifyManagers(ctx, q, p.ID, "proposal_overdue", note); err != nil {
				return err
			}
		case "remind":
			if !st.Open() || today.After(p.DueOn) || today.Before(set.RemindOn(p.DueOn)) || sameDay(p.RemindedFor, p.DueOn) {
				return nil
			}
			act, p.RemindedFor = domain.PActRemind, ptr(p.DueOn)
			note = fmt.Sprintf("催办:%s 将于 %s 到期,请按时答复", proposalName(p), dateStr(p.DueOn))
			if err := notifyProposalUnit(ctx, q, p.LeadUnitCode, false, p.ID, "proposal_reminded", note); err != nil {
				return err
			}
		case "opinions":
			missing, err := missingOpinions(ctx, q, p)
			if err != nil || !st.Open() || p.OpinionsEscalated || p.OpinionDueOn == nil || !today.After(*p.OpinionDueOn) || len(missing) == 0 {
				return err
			}
			act, p.OpinionsEscalated = domain.PActOpinionOverdue, true
			note = fmt.Sprintf("会办意见超期:%s 会办意见时限 %s 已过,%s 尚未提出", proposalName(p), dateStr(*p.OpinionDueOn), strings.Join(missing, "、"))
			for _, u := range append(missing, p.LeadUnitCode) {
				if err := notifyProposalUnit(ctx, q, u, true, p.ID, "proposal_opinion_overdue", note); err != nil {
					return err
				}
			}
		case "commitment":
			m, err := q.LockProposalCommitment(ctx, p.ID, d.CommitmentID)
			if err != nil || m.DoneOn != nil || m.Escalated || !today.After(m.DueOn) {
				return notFoundAs(err, "commitment")
			}
			m.Escalated = true
			if err := q.SaveProposalCommitment(ctx, m); err != nil {
				return err
			}
			act = domain.PActCommitOverdue
			note = fmt.Sprintf("承诺事项超期:%s 承诺 %s 前落实的“%s”尚未落实", proposalName(p), dateStr(m.DueOn), m.Text)
			if err := notifyProposalUnit(ctx, q, p.LeadUnitCode, true, p.ID, "proposal_commitment_overdue", note); err != nil {
				return err
			}
			if err := notifyManagers(ctx, q, p.ID, "proposal_commitment_overdue", note); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown proposal check %q", d.Check)
		}
		if _, err := domain.NextProposal(st, act); err != nil {
			return err
		}
		if err := q.SaveProposal(ctx, p); err != nil {
			return err
		}
		changed = true
		return proposalEvent(ctx, q, c.now(), p.ID, systemActor(), act, st, st, note)
	})
	return changed, err
}

func sameDay(a *time.Time, b time.Time) bool { return a != nil && a.Equal(b) }

// missingOpinions lists the joint units that have not given their opinion.
func missingOpinions(ctx context.Context, q *repo.Q, p repo.Proposal) ([]string, error) {
	ops, err := q.ProposalOpinions(ctx, p.ID, "")
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, u := range p.CoUnitCodes {
		if !slices.ContainsFunc(ops, func(o repo.ProposalOpinion) bool { return o.UnitCode == u }) {
			missing = append(missing, u)
		}
	}
	return missing, nil
}

// ---- the year's figures ----

// ProposalStats are the figures of the proposals assigned in a year, their
// outcomes as of now, with the sentence an annual report quotes (its section
// 六 among them).
func (c *Core) ProposalStats(ctx context.Context, year int) (domain.ProposalFigures, error) {
	if year < 2000 || year > 2999 {
		return domain.ProposalFigures{}, domain.ValidationError{{Field: "year", Message: "a year like 2026"}}
	}
	set, err := c.ProposalSettings(ctx)
	if err != nil {
		return domain.ProposalFigures{}, err
	}
	rows, err := c.store.Q().ProposalOutcomes(ctx, year)
	if err != nil {
		return domain.ProposalFigures{}, fmt.Errorf("read proposal outcomes: %w", err)
	}
	today := c.civilToday()
	outs := make([]domain.ProposalOutcome, len(rows))
	for i, r := range rows {
		outs[i] = domain.ProposalOutcome{Type: domain.ProposalType(r.Type), Role: domain.OurRole(r.OurRole),
			Answered: r.Approved > 0, OnTime: r.Approved > 0 && r.Late == 0, Category: strOr(r.Category),
			Satisfaction: domain.Satisfaction(strOr(r.Satisfaction)),
			Overdue:      r.Approved == 0 && domain.PastDue(domain.ProposalStatus(r.Status), r.DueOn, today)}
	}
	return domain.TallyProposals(year, set.Categories, outs), nil
}
