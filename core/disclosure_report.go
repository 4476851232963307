package core

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"hotline/domain"
	"hotline/repo"
	"hotline/report"
)

// The annual report 《政府信息公开工作年度报告》 (国办公开办函〔2021〕30号):
// the reconsideration and litigation cases, the hand-entered table 二, the
// office's sections 五 and 六, and the report itself.

// DisclosureCaseInput is a reconsideration or litigation case. On PATCH only
// the fields given change, and "result": null marks the case pending again.
type DisclosureCaseInput struct {
	RequestID *int64          `json:"request_id,omitempty"`
	Kind      domain.CaseKind `json:"kind,omitempty"`
	FiledOn   string          `json:"filed_on,omitempty"`
	Result    *string         `json:"result"`
	Note      *string         `json:"note,omitempty"`
	// ResultGiven says the body has a result key (null included); the
	// handler sets it.
	ResultGiven bool `json:"-"`
}

// caseFields checks a case's fields into c; create requires kind and filed_on.
func (c *Core) caseFields(in DisclosureCaseInput, dc *repo.DisclosureCase, create bool) error {
	var ve domain.ValidationError
	if in.Kind != "" || create {
		oneOf(&ve, "kind", string(in.Kind), true, in.Kind.Valid(), choicesOf(domain.CaseKinds()))
		dc.Kind = in.Kind
	}
	if in.FiledOn != "" || create {
		if d := c.dateField(&ve, "filed_on", in.FiledOn, true); d != nil {
			dc.FiledOn = *d
		}
	}
	if in.ResultGiven || create {
		dc.Result = nil
		if in.Result != nil && *in.Result != "" {
			r := domain.CaseResult(*in.Result)
			oneOf(&ve, "result", string(r), false, r.Valid(), "upheld, corrected, other, or null while pending")
			dc.Result = in.Result
		}
	}
	if in.RequestID != nil {
		if *in.RequestID <= 0 {
			ve.Add("request_id", "a positive application id")
		}
		dc.RequestID = in.RequestID
	}
	if in.Note != nil {
		dc.Note = text(&ve, "note", *in.Note, false, maxDisclosureText)
	}
	return ve.Err()
}

func caseErr(err error) error {
	if errors.Is(err, repo.ErrNoSuchRequest) {
		return domain.ValidationError{{Field: "request_id", Message: "no such application"}}
	}
	return err
}

// CreateDisclosureCase records a reconsideration or litigation case; a case
// about an application goes on the application's timeline.
func (c *Core) CreateDisclosureCase(ctx context.Context, v domain.Viewer, in DisclosureCaseInput) (repo.DisclosureCase, error) {
	dc := repo.DisclosureCase{CreatedBy: &v.ID}
	if err := c.caseFields(in, &dc, true); err != nil {
		return dc, err
	}
	var out repo.DisclosureCase
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		var err error
		if out, err = q.InsertDisclosureCase(ctx, dc); err != nil {
			return caseErr(err)
		}
		note := fmt.Sprintf("%s(立案日期 %s,%s)", caseName(out), out.FiledOn, caseResultOf(out).Label())
		return c.caseEvent(ctx, q, v, out.RequestID, domain.DisActCaseFiled, withCaseNote(note, out.Note))
	})
	return out, err
}

// UpdateDisclosureCase changes the fields given, typically the result; what
// changed goes on the timeline of the case's application (of both, when the
// case moves from one application to another).
func (c *Core) UpdateDisclosureCase(ctx context.Context, v domain.Viewer, id int64, in DisclosureCaseInput) (repo.DisclosureCase, error) {
	var out repo.DisclosureCase
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		dc, err := q.LockDisclosureCase(ctx, id)
		if err != nil {
			return notFoundAs(err, "disclosure case")
		}
		before := dc
		if err := c.caseFields(in, &dc, false); err != nil {
			return err
		}
		if out, err = q.SaveDisclosureCase(ctx, dc); err != nil {
			return caseErr(err)
		}
		return c.caseChanged(ctx, q, v, before, out)
	})
	return out, err
}

// caseChanged appends the events of a changed case: one on its application
// saying what changed from what to what; when the case moved to another
// application, one on each.
func (c *Core) caseChanged(ctx context.Context, q *repo.Q, v domain.Viewer, before, after repo.DisclosureCase) error {
	var changes []string
	if before.Kind != after.Kind {
		changes = append(changes, fmt.Sprintf("类别:%s → %s", before.Kind.Label(), after.Kind.Label()))
	}
	if before.FiledOn != after.FiledOn {
		changes = append(changes, fmt.Sprintf("立案日期:%s → %s", before.FiledOn, after.FiledOn))
	}
	if caseResultOf(before) != caseResultOf(after) {
		changes = append(changes, fmt.Sprintf("审理结果:%s → %s", caseResultOf(before).Label(), caseResultOf(after).Label()))
	}
	if before.Note != after.Note {
		changes = append(changes, "备注:"+orNone(after.Note))
	}
	moved := !sameRequest(before.RequestID, after.RequestID)
	if moved && before.RequestID != nil {
		note := fmt.Sprintf("%s改为关联其他申请", caseName(after))
		if err := c.caseEvent(ctx, q, v, before.RequestID, domain.DisActCaseChanged, note); err != nil {
			return err
		}
	}
	switch {
	case moved:
		note := fmt.Sprintf("%s改为关联本申请(立案日期 %s,%s)", caseName(after), after.FiledOn, caseResultOf(after).Label())
		return c.caseEvent(ctx, q, v, after.RequestID, domain.DisActCaseFiled, withCaseNote(note, after.Note))
	case len(changes) > 0:
		note := caseName(after) + ":" + strings.Join(changes, ";")
		return c.caseEvent(ctx, q, v, after.RequestID, domain.DisActCaseChanged, note)
	}
	return nil
}

// caseEvent appends a case's event to its application's timeline (none for
// a case recorded without an application). The application's status does not
// change: it is the event's from and to.
func (c *Core) caseEvent(ctx context.Context, q *repo.Q, v domain.Viewer, requestID *int64, a domain.DisclosureAction, note string) error {
	if requestID == nil {
		return nil
	}
	r, err := q.GetDisclosureRequest(ctx, *requestID)
	if err != nil {
		return caseErr(err)
	}
	st := domain.DisclosureStatus(r.Status)
	return disclosureEvent(ctx, q, c.now(), r.ID, actorOf(v), a, st, st, note)
}

func caseName(dc repo.DisclosureCase) string {
	return fmt.Sprintf("%s案件 #%d", dc.Kind.Label(), dc.ID)
}

func caseResultOf(dc repo.DisclosureCase) domain.CaseResult {
	if dc.Result == nil {
		return ""
	}
	return domain.CaseResult(*dc.Result)
}

func withCaseNote(note, caseNote string) string {
	if caseNote == "" {
		return note
	}
	return note + ";备注:" + caseNote
}

func orNone(s string) string {
	if s == "" {
		return "(清空)"
	}
	return s
}

func sameRequest(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// ListDisclosureCases lists cases newest first, of one year when year > 0.
func (c *Core) ListDisclosureCases(ctx context.Context, year int, p Page) ([]repo.DisclosureCase, *string, error) {
	var from, to *domain.Date
	if year != 0 {
		if err := checkYear(year); err != nil {
			return nil, nil, err
		}
		from, to = &domain.Date{Year: year, Month: 1, Day: 1}, &domain.Date{Year: year + 1, Month: 1, Day: 1}
	}
	rows, err := c.store.Q().ListDisclosureCases(ctx, from, to, p.After, p.Limit+1)
	if err != nil {
		return nil, nil, err
	}
	next := p.next(len(rows), func() int64 { return rows[p.Limit-1].ID })
	if len(rows) > p.Limit {
		rows = rows[:p.Limit]
	}
	if rows == nil {
		rows = []repo.DisclosureCase{}
	}
	return rows, next, nil
}

func checkYear(year int) error {
	if year < 2000 || year > 2200 {
		return domain.ValidationError{{Field: "year", Message: "a year from 2000 to 2200"}}
	}
	return nil
}

// DocumentFigures are the issued, repealed and in-force counts of a kind of
// document in table 二.
type DocumentFigures struct {
	Issued   *int64 `json:"issued"`
	Repealed *int64 `json:"repealed"`
	InForce  *int64 `json:"in_force"`
}

// ActiveFigures is table 二 (主动公开), as PUT and GET carry it.
type ActiveFigures struct {
	Regulations          DocumentFigures `json:"regulations"`
	NormativeDocuments   DocumentFigures `json:"normative_documents"`
	LicensingDecisions   *int64          `json:"licensing_decisions"`
	PenaltyDecisions     *int64          `json:"penalty_decisions"`
	EnforcementDecisions *int64          `json:"enforcement_decisions"`
	Fees10kYuan          *float64        `json:"fees_10k_yuan"`
}

func count(ve *domain.ValidationError, field string, p *int64) int64 {
	switch {
	case p == nil:
		ve.Add(field, "required: a whole number, 0 or more")
	case *p < 0 || *p > 1e9:
		ve.Add(field, "a whole number from 0 to 1000000000")
	default:
		return *p
	}
	return 0
}

// PutActiveFigures stores a year's table 二.
func (c *Core) PutActiveFigures(ctx context.Context, v domain.Viewer, year int, in ActiveFigures) (ActiveFigures, error) {
	var ve domain.ValidationError
	if err := checkYear(year); err != nil {
		return ActiveFigures{}, err
	}
	a := repo.ActiveFigures{Year: year, UpdatedBy: &v.ID,
		RegulationsIssued:    count(&ve, "regulations.issued", in.Regulations.Issued),
		RegulationsRepealed:  count(&ve, "regulations.repealed", in.Regulations.Repealed),
		RegulationsInForce:   count(&ve, "regulations.in_force", in.Regulations.InForce),
		NormativeIssued:      count(&ve, "normative_documents.issued", in.NormativeDocuments.Issued),
		NormativeRepealed:    count(&ve, "normative_documents.repealed", in.NormativeDocuments.Repealed),
		NormativeInForce:     count(&ve, "normative_documents.in_force", in.NormativeDocuments.InForce),
		LicensingDecisions:   count(&ve, "licensing_decisions", in.LicensingDecisions),
		PenaltyDecisions:     count(&ve, "penalty_decisions", in.PenaltyDecisions),
		EnforcementDecisions: count(&ve, "enforcement_decisions", in.EnforcementDecisions)}
	switch {
	case in.Fees10kYuan == nil:
		ve.Add("fees_10k_yuan", "required: an amount in 10,000 yuan, 0 or more")
	case !(*in.Fees10kYuan >= 0 && *in.Fees10kYuan <= 1e9): // also refuses NaN and ±Inf
		ve.Add("fees_10k_yuan", "an amount from 0 in 10,000 yuan")
	default:
		a.Fees10kYuan = *in.Fees10kYuan
	}
	if err := ve.Err(); err != nil {
		return ActiveFigures{}, err
	}
	if err := c.store.Q().PutActiveFigures(ctx, a); err != nil {
		return ActiveFigures{}, err
	}
	return activeView(a), nil
}

func activeView(a repo.ActiveFigures) ActiveFigures {
	return ActiveFigures{
		Regulations:        DocumentFigures{ptr(a.RegulationsIssued), ptr(a.RegulationsRepealed), ptr(a.RegulationsInForce)},
		NormativeDocuments: DocumentFigures{ptr(a.NormativeIssued), ptr(a.NormativeRepealed), ptr(a.NormativeInForce)},
		LicensingDecisions: ptr(a.LicensingDecisions), PenaltyDecisions: ptr(a.PenaltyDecisions),
		EnforcementDecisions: ptr(a.EnforcementDecisions), Fees10kYuan: ptr(a.Fees10kYuan)}
}

// GetActiveFigures reads a year's table 二; zeros when not entered yet.
func (c *Core) GetActiveFigures(ctx context.Context, year int) (ActiveFigures, error) {
	if err := checkYear(year); err != nil {
		return ActiveFigures{}, err
	}
	a, err := c.store.Q().GetActiveFigures(ctx, year)
	if errors.Is(err, repo.ErrNotFound) {
		return activeView(repo.ActiveFigures{Year: year}), nil
	}
	if err != nil {
		return ActiveFigures{}, err
	}
	return activeView(a), nil
}

// ReportTextInput is sections 五 and 六, written by the office.
type ReportTextInput struct {
	ProblemsText string `json:"problems_text"`
	OtherText    string `json:"other_text"`
}

// PutReportTexts stores a year's sections 五 and 六.
func (c *Core) PutReportTexts(ctx context.Context, v domain.Viewer, year int, in ReportTextInput) (ReportTextInput, error) {
	if err := checkYear(year); err != nil {
		return ReportTextInput{}, err
	}
	var ve domain.ValidationError
	t := repo.ReportTexts{Year: year, ProblemsText: text(&ve, "problems_text", in.ProblemsText, false, maxDisclosureText),
		OtherText: text(&ve, "other_text", in.OtherText, false, maxDisclosureText)}
	if err := ve.Err(); err != nil {
		return ReportTextInput{}, err
	}
	if err := c.store.Q().PutReportTexts(ctx, t, v.ID); err != nil {
		return ReportTextInput{}, err
	}
	return ReportTextInput{ProblemsText: t.ProblemsText, OtherText: t.OtherText}, nil
}

// GetReportTexts reads a year's sections 五 and 六.
func (c *Core) GetReportTexts(ctx context.Context, year int) (ReportTextInput, error) {
	if err := checkYear(year); err != nil {
		return ReportTextInput{}, err
	}
	t, err := c.store.Q().GetReportTexts(ctx, year)
	return ReportTextInput{ProblemsText: t.ProblemsText, OtherText: t.OtherText}, err
}

// DisclosureRequests is section 三: table 三's rows.
type DisclosureRequests struct {
	Rows []domain.DisclosureRow `json:"rows"`
}

// DisclosureSections are the six sections of the report.
type DisclosureSections struct {
	OverviewText string                 `json:"overview_text"`
	Active       ActiveFigures          `json:"active"`
	Requests     DisclosureRequests     `json:"requests"`
	Cases        domain.DisclosureCases `json:"cases"`
	ProblemsText string                 `json:"problems_text"`
	OtherText    string                 `json:"other_text"`
}

// DisclosureReport is the annual report 《政府信息公开工作年度报告》.
type DisclosureReport struct {
	Year     int                `json:"year"`
	Sections DisclosureSections `json:"sections"`
}

// Interaction are the year's 政民互动 figures from the statistics.
type Interaction struct {
	MailboxReceived, MailboxCompleted     int64
	PlatformDispatched, PlatformCompleted int64
	PlatformFeedbackRate                  *float64
	MicroblogReceived, MicroblogReplied   int64
	MicroblogReplyRate                    *float64
}

// interaction reads the year's 政民互动 figures from the statistics.
func (c *Core) interaction(ctx context.Context, v domain.Viewer, year int) (Interaction, error) {
	a, err := c.Annual(ctx, v, year)
	if err != nil {
		return Interaction{}, fmt.Errorf("read the year's statistics: %w", err)
	}
	var out Interaction
	for _, ch := range a.Channels {
		if ch.Channel == nil {
			continue
		}
		switch domain.Channel(*ch.Channel) {
		case domain.Mailbox:
			out.MailboxReceived, out.MailboxCompleted = ch.Received, ch.Completed
		case domain.Platform:
			out.PlatformDispatched, out.PlatformCompleted, out.PlatformFeedbackRate = ch.Dispatched, ch.Completed, ch.ReplyRate
		case domain.Microblog:
			out.MicroblogReceived, out.MicroblogReplied, out.MicroblogReplyRate = ch.Received, ch.Replied, ch.ReplyRate
		}
	}
	return out, nil
}

// DisclosureAnnual computes the annual report of a year: tables 三 and 四
// counted from the records, table 二 and sections 五 and 六 as entered, and
// section 一 drafted from all the figures.
func (c *Core) DisclosureAnnual(ctx context.Context, v domain.Viewer, year int) (DisclosureReport, error) {
	if err := checkYear(year); err != nil {
		return DisclosureReport{}, err
	}
	q := c.store.Q()
	recs, err := q.DisclosureRecords(ctx, year)
	if err != nil {
		return DisclosureReport{}, err
	}
	cases, err := q.DisclosureCaseRecords(ctx, year)
	if err != nil {
		return DisclosureReport{}, err
	}
	active, err := c.GetActiveFigures(ctx, year)
	if err != nil {
		return DisclosureReport{}, err
	}
	texts, err := c.GetReportTexts(ctx, year)
	if err != nil {
		return DisclosureReport{}, err
	}
	inter, err := c.interaction(ctx, v, year)
	if err != nil {
		return DisclosureReport{}, err
	}
	out := DisclosureReport{Year: year, Sections: DisclosureSections{Active: active,
		Requests: DisclosureRequests{Rows: domain.CountDisclosure(year, recs)}, Cases: domain.CountCases(year, cases),
		ProblemsText: texts.ProblemsText, OtherText: texts.OtherText}}
	out.Sections.OverviewText = overviewText(year, out.Sections, inter)
	return out, nil
}

// overviewText drafts section 一 from the figures; the office may rewrite
// it in the published document.
func overviewText(year int, s DisclosureSections, in Interaction) string {
	row := map[string]domain.DisclosureRow{}
	for _, r := range s.Requests.Rows {
		row[r.Row] = r
	}
	group := map[domain.OutcomeGroup]int64{}
	for _, o := range domain.DisclosureOutcomeRows() {
		group[o.Group] += row[string(o.Code)].Total
	}
	n := func(x int64) string { return strconv.FormatInt(x, 10) }
	y := strconv.Itoa(year)
	var paras []string
	a := s.Active
	paras = append(paras, fmt.Sprintf("%s年,本机关认真贯彻落实《中华人民共和国政府信息公开条例》,坚持以公开为常态、不公开为例外。"+
		"主动公开方面,本年制发规章%s件、行政规范性文件%s件,废止规章%s件、行政规范性文件%s件;作出行政许可决定%s件、行政处罚决定%s件、行政强制决定%s件;收取行政事业性收费%s万元。",
		y, n(deref(a.Regulations.Issued)), n(deref(a.NormativeDocuments.Issued)), n(deref(a.Regulations.Repealed)),
		n(deref(a.NormativeDocuments.Repealed)), n(deref(a.LicensingDecisions)), n(deref(a.PenaltyDecisions)),
		n(deref(a.EnforcementDecisions)), strconv.FormatFloat(derefF(a.Fees10kYuan), 'f', -1, 64)))
	newRow, in0 := row[domain.RowNew], row[domain.RowCarriedIn]
	var types []string
	for _, t := range domain.ApplicantTypes() {
		if k := cellOf(newRow, t); k > 0 {
			types = append(types, t.Label()+n(k)+"件")
		}
	}
	p := fmt.Sprintf("依申请公开方面,本年新收政府信息公开申请%s件", n(newRow.Total))
	if len(types) > 0 {
		p += "(其中" + strings.Join(types, "、") + ")"
	}
	p += fmt.Sprintf(",上年结转%s件;办理完结%s件,其中予以公开%s件,部分公开%s件,不予公开%s件,无法提供%s件,不予处理%s件,其他处理%s件;结转下年度继续办理%s件。",
		n(in0.Total), n(row[domain.RowTotalHandled].Total), n(group[domain.GroupDisclose]), n(group[domain.GroupPartial]),
		n(group[domain.GroupWithhold]), n(group[domain.GroupUnable]), n(group[domain.GroupReject]), n(group[domain.GroupOther]),
		n(row[domain.RowCarriedOut].Total))
	paras = append(paras, p)
	cs := s.Cases
	recon := cs.Reconsideration
	lit := cs.LitigationDirect.Total + cs.LitigationAfterReconsideration.Total
	paras = append(paras, fmt.Sprintf("本年因政府信息公开被申请行政复议%s件(结果维持%s件、结果纠正%s件、其他结果%s件、尚未审结%s件),被提起行政诉讼%s件(其中未经复议直接起诉%s件、复议后起诉%s件)。",
		n(recon.Total), n(recon.Upheld), n(recon.Corrected), n(recon.Other), n(recon.Pending), n(lit),
		n(cs.LitigationDirect.Total), n(cs.LitigationAfterReconsideration.Total)))
	paras = append(paras, fmt.Sprintf("政民互动方面,厅长信箱全年收到群众来信%s件,办结%s件;承接上级平台交办件%s件,办结%s件,反馈率%s;政务微博受理网民诉求%s件,回复%s件,回复率%s。",
		n(in.MailboxReceived), n(in.MailboxCompleted), n(in.PlatformDispatched), n(in.PlatformCompleted),
		rateText(in.PlatformFeedbackRate), n(in.MicroblogReceived), n(in.MicroblogReplied), rateText(in.MicroblogReplyRate)))
	return strings.Join(paras, "\n")
}

func rateText(r *float64) string {
	if r == nil {
		return "—"
	}
	return report.Percent(r)
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func derefF(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

func cellOf(r domain.DisclosureRow, t domain.ApplicantType) int64 {
	for i, x := range domain.ApplicantTypes() {
		if x == t {
			return r.Cells()[i]
		}
	}
	return 0
}
