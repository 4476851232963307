package domain

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Deputies' suggestions and members' proposals (建议提案) follow their own
// rules, not the hotline's: calendar months from the day of assignment, the
// department as lead, joint or separate handler, a categorised answer that a
// manager approves, the deputy's feedback, publication of the answer.
//
// Dates here are civil dates: a time.Time at midnight UTC whose Y-M-D is the
// date in the department's zone (Asia/Shanghai). CivilDate turns a moment into
// one.

// ProposalType says who raised it.
type ProposalType string

// The types.
const (
	TypeSuggestion ProposalType = "suggestion" // 人大代表建议
	TypeProposal   ProposalType = "proposal"   // 政协委员提案
)

// Valid reports whether t is a known type.
func (t ProposalType) Valid() bool { return t == TypeSuggestion || t == TypeProposal }

// Label is the Chinese name.
func (t ProposalType) Label() string {
	switch t {
	case TypeSuggestion:
		return "建议"
	case TypeProposal:
		return "提案"
	}
	return string(t)
}

// OurRole is the department's part in a proposal.
type OurRole string

// The department's roles.
const (
	RoleLead     OurRole = "lead"     // 主办
	RoleJoint    OurRole = "joint"    // 会办(协办)
	RoleSeparate OurRole = "separate" // 分办
)

// OurRoles lists the roles in report order.
func OurRoles() []OurRole { return []OurRole{RoleLead, RoleJoint, RoleSeparate} }

// Valid reports whether r is a known role.
func (r OurRole) Valid() bool { return slices.Contains(OurRoles(), r) }

// Label is how reports count it (主办件, 协办件, 分办件).
func (r OurRole) Label() string {
	switch r {
	case RoleLead:
		return "主办件"
	case RoleJoint:
		return "协办件"
	case RoleSeparate:
		return "分办件"
	}
	return string(r)
}

// RaisedDuring says when the deputy raised it.
type RaisedDuring string

// When a proposal was raised.
const (
	RaisedSession RaisedDuring = "session" // 大会期间
	RaisedRecess  RaisedDuring = "recess"  // 闭会期间
)

// Valid reports whether r is known.
func (r RaisedDuring) Valid() bool { return r == RaisedSession || r == RaisedRecess }

// ContactMethod is how the handler got in touch with the deputy (沟通/面商).
type ContactMethod string

// The contact methods.
const (
	ContactMeeting ContactMethod = "meeting" // 见面
	ContactPhone   ContactMethod = "phone"   // 电话
	ContactForum   ContactMethod = "forum"   // 座谈
	ContactLetter  ContactMethod = "letter"  // 书面
)

// Valid reports whether m is known.
func (m ContactMethod) Valid() bool {
	return m == ContactMeeting || m == ContactPhone || m == ContactForum || m == ContactLetter
}

// Satisfaction is the deputy's feedback on an answer.
type Satisfaction string

// The feedback values (满意/基本满意/不满意).
const (
	Satisfied          Satisfaction = "satisfied"
	BasicallySatisfied Satisfaction = "basically_satisfied"
	Dissatisfied       Satisfaction = "dissatisfied"
)

// Valid reports whether s is known.
func (s Satisfaction) Valid() bool {
	return s == Satisfied || s == BasicallySatisfied || s == Dissatisfied
}

// ProposalStatus is where a proposal stands.
type ProposalStatus string

// The statuses. An answer waiting for a manager's approval does not change
// the status: it is shown as the record's pending answer.
const (
	PropHandling   ProposalStatus = "handling"   // 办理中
	PropAnswered   ProposalStatus = "answered"   // 已答复, waiting for feedback
	PropRehandling ProposalStatus = "rehandling" // 重新办理 after a dissatisfied feedback
	PropClosed     ProposalStatus = "closed"     // 已办结: the deputy was (basically) satisfied
)

// ProposalStatuses lists every status in lifecycle order.
func ProposalStatuses() []ProposalStatus {
	return []ProposalStatus{PropHandling, PropAnswered, PropRehandling, PropClosed}
}

// Valid reports whether s is a known status.
func (s ProposalStatus) Valid() bool { return slices.Contains(ProposalStatuses(), s) }

// Open reports whether an answer is still owed.
func (s ProposalStatus) Open() bool { return s == PropHandling || s == PropRehandling }

// ProposalAction is something done to a proposal; each appends one event
// named by the action.
type ProposalAction string

// The actions on a proposal.
const (
	PActCreate         ProposalAction = "created"
	PActContact        ProposalAction = "contacted"         // contact with the deputy
	PActOpinion        ProposalAction = "opinion_given"     // a joint unit's opinion to the lead unit
	PActAnswer         ProposalAction = "answer_submitted"  // an answer waiting for approval
	PActApproveAnswer  ProposalAction = "answer_approved"   // a manager approves it: it counts
	PActRejectAnswer   ProposalAction = "answer_rejected"   // a manager sends it back
	PActFeedbackOK     ProposalAction = "feedback_received" // satisfied or basically satisfied
	PActFeedbackNotOK  ProposalAction = "feedback_dissatisfied"
	PActExtend         ProposalAction = "extended"
	PActPublish        ProposalAction = "published"
	PActCommit         ProposalAction = "commitment_added"
	PActCommitDone     ProposalAction = "commitment_done"
	PActRemind         ProposalAction = "reminded"           // system
	PActOverdue        ProposalAction = "overdue"            // system: escalated (督办)
	PActOpinionOverdue ProposalAction = "opinion_overdue"    // system: joint units' opinions late
	PActCommitOverdue  ProposalAction = "commitment_overdue" // system: a commitment past its date
)

// ProposalActions lists every action but creation.
func ProposalActions() []ProposalAction {
	return []ProposalAction{PActContact, PActOpinion, PActAnswer, PActApproveAnswer, PActRejectAnswer,
		PActFeedbackOK, PActFeedbackNotOK, PActExtend, PActPublish, PActCommit, PActCommitDone,
		PActRemind, PActOverdue, PActOpinionOverdue, PActCommitOverdue}
}

// proposalTransition gives the statuses an action may start from and where
// it leads ("" = the status stays).
func proposalTransition(a ProposalAction) (from []ProposalStatus, to ProposalStatus, ok bool) {
	open := []ProposalStatus{PropHandling, PropRehandling}
	answered := []ProposalStatus{PropAnswered, PropClosed}
	switch a {
	case PActContact, PActCommitDone, PActCommitOverdue:
		return ProposalStatuses(), "", true
	case PActOpinion, PActAnswer, PActRejectAnswer, PActRemind, PActOverdue, PActOpinionOverdue:
		return open, "", true
	case PActApproveAnswer:
		return open, PropAnswered, true
	case PActFeedbackOK:
		return []ProposalStatus{PropAnswered}, PropClosed, true
	case PActFeedbackNotOK:
		return []ProposalStatus{PropAnswered}, PropRehandling, true
	case PActExtend:
		return []ProposalStatus{PropHandling}, "", true
	case PActPublish:
		return answered, "", true
	case PActCommit:
		return []ProposalStatus{PropAnswered, PropClosed, PropRehandling}, "", true
	}
	return nil, "", false
}

// NextProposal returns the status a proposal moves to when a is done in
// status from, or an error wrapping ErrInvalidTransition.
func NextProposal(from ProposalStatus, a ProposalAction) (ProposalStatus, error) {
	froms, to, ok := proposalTransition(a)
	if !ok {
		return "", fmt.Errorf("%w: unknown action %q", ErrInvalidTransition, a)
	}
	if !slices.Contains(froms, from) {
		return "", fmt.Errorf("%w: cannot do %s on a proposal that is %s", ErrInvalidTransition, a, from)
	}
	if to == "" {
		return from, nil
	}
	return to, nil
}

// FeedbackAction is the action a feedback value leads to: a dissatisfied
// deputy sends the proposal back for a new answer.
func FeedbackAction(s Satisfaction) ProposalAction {
	if s == Dissatisfied {
		return PActFeedbackNotOK
	}
	return PActFeedbackOK
}

// ProposalActor is who acts on a proposal, as far as the rules care.
type ProposalActor struct {
	Role Role
	Unit string // the unit of a unit role
}

// ProposalMayAct reports whether an actor may do an action on a proposal led
// inside the department by leadUnit with the joint units coUnits. Managers
// (and admins) do everything; unit roles act on their own unit's part only:
// the lead unit contacts the deputy, answers and tracks commitments; a joint
// unit gives its opinion. Approvals, feedback, extensions and publication are
// the managers'.
func ProposalMayAct(p ProposalActor, a ProposalAction, leadUnit string, coUnits []string) bool {
	manager := p.Role == RoleManager || p.Role == RoleAdmin
	lead := p.Role.IsUnitRole() && p.Unit != "" && p.Unit == leadUnit
	co := p.Role.IsUnitRole() && p.Unit != "" && slices.Contains(coUnits, p.Unit)
	switch a {
	case PActContact, PActAnswer, PActCommit, PActCommitDone:
		return manager || lead
	case PActOpinion:
		return co
	case PActApproveAnswer, PActRejectAnswer, PActFeedbackOK, PActFeedbackNotOK, PActExtend, PActPublish:
		return manager
	}
	return false
}

// ProposalMaySee reports whether a viewer may read a proposal: unit roles
// see those their unit leads or joins inside the department.
func ProposalMaySee(v Viewer, leadUnit string, coUnits []string) bool {
	return v.MaySee(leadUnit, coUnits)
}

// ---- deadlines ----

// CivilDate is the civil date of t in loc.
func CivilDate(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseCivilDate reads YYYY-MM-DD as a civil date.
func ParseCivilDate(s string) (time.Time, error) {
	return time.Parse("2006-01-02", s)
}

// AddMonths is the date n calendar months after d: the same day of the
// month, or the month's last day when it has no such day (11-30 plus three
// months is 02-28, or 02-29 in a leap year), as periods counted in months
// end under 民法典 第二百零二条.
func AddMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	if last := daysIn(first.Year(), first.Month()); day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// PeriodUnit is what a period is counted in.
type PeriodUnit string

// Period units.
const (
	InMonths   PeriodUnit = "months"   // calendar months
	InWorkdays PeriodUnit = "workdays" // working days of the department's calendar
)

// Period is a length of time in months or working days.
type Period struct {
	Unit  PeriodUnit `json:"unit"`
	Count int        `json:"count"`
}

// WorkdayCalendar is the working-day arithmetic a period in working days needs;
// calendar.Calendar implements it.
type WorkdayCalendar interface {
	DueAfterWorkdays(t time.Time, n int) time.Time
	Location() *time.Location
}

// After is the last day of the period starting the day after from (the day
// of assignment never counts): from plus Count months, or the Count-th
// working day after from.
func (p Period) After(cal WorkdayCalendar, from time.Time) time.Time {
	if p.Unit == InWorkdays {
		loc := cal.Location()
		y, m, d := from.Date()
		return CivilDate(cal.DueAfterWorkdays(time.Date(y, m, d, 12, 0, 0, 0, loc), p.Count), loc)
	}
	return AddMonths(from, p.Count)
}

// String is the period in Chinese (1个月, 30个工作日).
func (p Period) String() string {
	if p.Unit == InWorkdays {
		return fmt.Sprintf("%d个工作日", p.Count)
	}
	return fmt.Sprintf("%d个月", p.Count)
}

// AnswerCategory is one class of answer (答复类别).
type AnswerCategory struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// DefaultAnswerCategories are the national A–D.
func DefaultAnswerCategories() []AnswerCategory {
	return []AnswerCategory{
		{Code: "A", Label: "已经解决或基本解决"},
		{Code: "B", Label: "正在解决或列入计划"},
		{Code: "C", Label: "因条件限制需以后解决"},
		{Code: "D", Label: "留作参考"},
	}
}

// ProposalSettings are the deadlines and categories an admin may change.
// Deadlines are fixed on a record when it is created (and when feedback asks
// for a new answer), so a change applies to what comes after it.
type ProposalSettings struct {
	// AnswerMonths: the answer is due this many calendar months after
	// assignment (代表法 第五十一条: 3).
	AnswerMonths int `json:"answer_months"`
	// MaxAnswerMonths: extensions may bring the answer to at most this many
	// months after assignment (6).
	MaxAnswerMonths int `json:"max_answer_months"`
	// OpinionPeriod: a joint unit's opinion is due to the lead this long
	// after assignment (1 month; 2 months or 30 working days in some
	// provinces). It is also the department's own deadline when it is a
	// joint handler.
	OpinionPeriod Period `json:"opinion_period"`
	// RehandleMonths: a new answer is due this many months after a
	// dissatisfied feedback (1).
	RehandleMonths int `json:"rehandle_months"`
	// RemindDays: the reminder goes out this many days before the due date.
	RemindDays int              `json:"remind_days"`
	Categories []AnswerCategory `json:"categories"`
}

// DefaultProposalSettings are the national defaults.
func DefaultProposalSettings() ProposalSettings {
	return ProposalSettings{AnswerMonths: 3, MaxAnswerMonths: 6, OpinionPeriod: Period{Unit: InMonths, Count: 1},
		RehandleMonths: 1, RemindDays: 10, Categories: DefaultAnswerCategories()}
}

var categoryCode = regexp.MustCompile(`^[A-Za-z0-9_-]{1,16}$`)

// Validate checks settings an admin sends.
func (s ProposalSettings) Validate() error {
	var v ValidationError
	if s.AnswerMonths < 1 || s.AnswerMonths > 12 {
		v.Add("answer_months", "must be between 1 and 12")
	}
	if s.MaxAnswerMonths < s.AnswerMonths || s.MaxAnswerMonths > 24 {
		v.Add("max_answer_months", "must be at least answer_months and at most 24")
	}
	switch s.OpinionPeriod.Unit {
	case InMonths:
		if s.OpinionPeriod.Count < 1 || s.OpinionPeriod.Count > 6 {
			v.Add("opinion_period.count", "must be between 1 and 6 months")
		}
	case InWorkdays:
		if s.OpinionPeriod.Count < 1 || s.OpinionPeriod.Count > 120 {
			v.Add("opinion_period.count", "must be between 1 and 120 working days")
		}
	default:
		v.Add("opinion_period.unit", `must be "months" or "workdays"`)
	}
	if s.RehandleMonths < 1 || s.RehandleMonths > 6 {
		v.Add("rehandle_months", "must be between 1 and 6")
	}
	if s.RemindDays < 0 || s.RemindDays > 60 {
		v.Add("remind_days", "must be between 0 and 60")
	}
	if len(s.Categories) == 0 || len(s.Categories) > 20 {
		v.Add("categories", "between 1 and 20 categories")
	}
	seen := map[string]bool{}
	for i, c := range s.Categories {
		f := fmt.Sprintf("categories[%d]", i)
		if !categoryCode.MatchString(c.Code) {
			v.Add(f+".code", "1 to 16 letters, digits, _ or -")
		} else if seen[c.Code] {
			v.Add(f+".code", "%q appears twice", c.Code)
		}
		seen[c.Code] = true
		if strings.TrimSpace(c.Label) == "" || utf8.RuneCountInString(c.Label) > 50 {
			v.Add(f+".label", "required, at most 50 characters")
		}
	}
	return v.Err()
}

// Category returns the configured category with the code.
func (s ProposalSettings) Category(code string) (AnswerCategory, bool) {
	for _, c := range s.Categories {
		if c.Code == code {
			return c, true
		}
	}
	return AnswerCategory{}, false
}

// ProposalDeadlines are the dates fixed on a new record.
type ProposalDeadlines struct {
	// Due is what the department owes: the answer (lead, separate) or its
	// opinion to the lead agency (joint).
	Due time.Time
	// BaseMonths is the answer period in months Due was computed with (0 for
	// a joint handler, whose period is OpinionPeriod).
	BaseMonths int
	// OpinionDue is when the joint units inside the department owe the lead
	// unit their opinions; nil without joint units.
	OpinionDue *time.Time
}

// NewProposalDeadlines fixes the deadlines of a proposal assigned on
// assignedOn.
func (s ProposalSettings) NewProposalDeadlines(cal WorkdayCalendar, assignedOn time.Time, role OurRole, hasCoUnits bool) ProposalDeadlines {
	var d ProposalDeadlines
	opinion := s.OpinionPeriod.After(cal, assignedOn)
	if role == RoleJoint {
		d.Due = opinion
	} else {
		d.BaseMonths = s.AnswerMonths
		d.Due = AddMonths(assignedOn, s.AnswerMonths)
	}
	if hasCoUnits {
		if opinion.After(d.Due) {
			opinion = d.Due
		}
		d.OpinionDue = &opinion
	}
	return d
}

// ProposalExtendedDue is the due date after extending by more months a proposal whose
// answer period is base plus already extended months; it refuses to go past
// max months after assignment.
func ProposalExtendedDue(assignedOn time.Time, base, already, more, max int) (time.Time, error) {
	if more < 1 {
		return time.Time{}, ValidationError{{Field: "months", Message: "at least 1"}}
	}
	if base+already+more > max {
		return time.Time{}, ValidationError{{Field: "months", Message: fmt.Sprintf(
			"the answer may be due at most %d months after assignment; %d months are already used", max, base+already)}}
	}
	return AddMonths(assignedOn, base+already+more), nil
}

// RehandleDue is when the new answer is due after a dissatisfied feedback
// given on feedbackOn.
func (s ProposalSettings) RehandleDue(feedbackOn time.Time) time.Time {
	return AddMonths(feedbackOn, s.RehandleMonths)
}

// RemindOn is the day the reminder for a due date goes out.
func (s ProposalSettings) RemindOn(due time.Time) time.Time {
	return due.AddDate(0, 0, -s.RemindDays)
}

// AnsweredOnTime judges an answer given on answeredOn against the due date
// in force when it was given: on the due date itself is on time.
func AnsweredOnTime(answeredOn, dueInForce time.Time) bool {
	return !answeredOn.After(dueInForce)
}

// PastDue reports whether an open proposal due on due is overdue on today.
func PastDue(status ProposalStatus, due, today time.Time) bool {
	return status.Open() && today.After(due)
}

// ---- publication ----

// contactLine starts the lines of an answer that give the handler's contact
// details (联系人, 联系电话, …); publication leaves them out.
var contactLine = regexp.MustCompile(`^\s*(联系人|联系单位|联系电话|联系方式|联系地址|通讯地址|邮政编码|邮编|电子邮箱|电子信箱|传真|手机|电话)\s*[:：]`)

// StripContactLines removes the contact lines of an answer; the rest is
// scrubbed of numbers and addresses by package privacy before publication.
func StripContactLines(body string) string {
	lines := strings.Split(body, "\n")
	out := lines[:0]
	for _, l := range lines {
		if !contactLine.MatchString(l) {
			out = append(out, l)
		}
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n \t")
}

// ---- the year's figures ----

// ProposalOutcome is one proposal as the year's figures count it.
type ProposalOutcome struct {
	Type ProposalType
	Role OurRole
	// Answered: an approved answer counts. OnTime: every approved answer was
	// given by the due date in force then.
	Answered, OnTime bool
	// Category of the latest approved answer ("" for none).
	Category string
	// Satisfaction of the latest feedback ("" for none).
	Satisfaction Satisfaction
	// Overdue: no answer counts yet and the due date has passed.
	Overdue bool
}

// ProposalFigures are the year's counts, as GET /proposals/stats answers.
type ProposalFigures struct {
	Year               int            `json:"year"`
	Total              int            `json:"total"`
	Suggestions        int            `json:"suggestions"`
	Proposals          int            `json:"proposals"`
	Lead               int            `json:"lead"`
	Joint              int            `json:"joint"`
	Separate           int            `json:"separate"`
	Answered           int            `json:"answered"`
	AnsweredOnTime     int            `json:"answered_on_time"`
	AnsweredLate       int            `json:"answered_late"`
	Unanswered         int            `json:"unanswered"`
	OverdueUnanswered  int            `json:"overdue_unanswered"`
	ByCategory         map[string]int `json:"by_category"`
	Satisfied          int            `json:"satisfied"`
	BasicallySatisfied int            `json:"basically_satisfied"`
	Dissatisfied       int            `json:"dissatisfied"`
	Text               string         `json:"text"`
}

// TallyProposals counts a year's outcomes; every configured category is
// listed, with 0 when unused.
func TallyProposals(year int, categories []AnswerCategory, rows []ProposalOutcome) ProposalFigures {
	f := ProposalFigures{Year: year, ByCategory: map[string]int{}}
	for _, c := range categories {
		f.ByCategory[c.Code] = 0
	}
	for _, r := range rows {
		f.Total++
		switch r.Type {
		case TypeSuggestion:
			f.Suggestions++
		case TypeProposal:
			f.Proposals++
		}
		switch r.Role {
		case RoleLead:
			f.Lead++
		case RoleJoint:
			f.Joint++
		case RoleSeparate:
			f.Separate++
		}
		switch {
		case r.Answered && r.OnTime:
			f.Answered++
			f.AnsweredOnTime++
		case r.Answered:
			f.Answered++
			f.AnsweredLate++
		default:
			f.Unanswered++
			if r.Overdue {
				f.OverdueUnanswered++
			}
		}
		if r.Answered && r.Category != "" {
			f.ByCategory[r.Category]++
		}
		switch r.Satisfaction {
		case Satisfied:
			f.Satisfied++
		case BasicallySatisfied:
			f.BasicallySatisfied++
		case Dissatisfied:
			f.Dissatisfied++
		}
	}
	f.Text = f.Sentence()
	return f
}

// Sentence is the figures as an annual report writes them: "共承担建议提案86件,
// 其中建议56件、提案30件;主办件39件、协办件47件,全部按要求时限完成答复". Late and
// missing answers are said as they are.
func (f ProposalFigures) Sentence() string {
	if f.Total == 0 {
		return "本年度未承担建议提案"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "共承担建议提案%d件,其中建议%d件、提案%d件;", f.Total, f.Suggestions, f.Proposals)
	var roles []string
	for _, r := range []struct {
		role OurRole
		n    int
	}{{RoleLead, f.Lead}, {RoleJoint, f.Joint}, {RoleSeparate, f.Separate}} {
		if r.n > 0 {
			roles = append(roles, fmt.Sprintf("%s%d件", r.role.Label(), r.n))
		}
	}
	b.WriteString(strings.Join(roles, "、"))
	b.WriteString(",")
	switch {
	case f.Unanswered == 0 && f.AnsweredLate == 0:
		b.WriteString("全部按要求时限完成答复")
	case f.Unanswered == 0:
		fmt.Fprintf(&b, "全部完成答复,其中按时答复%d件,超期答复%d件", f.AnsweredOnTime, f.AnsweredLate)
	default:
		fmt.Fprintf(&b, "已答复%d件", f.Answered)
		if f.Answered > 0 {
			if f.AnsweredLate == 0 {
				b.WriteString("(均按时答复)")
			} else {
				fmt.Fprintf(&b, "(按时答复%d件,超期答复%d件)", f.AnsweredOnTime, f.AnsweredLate)
			}
		}
		fmt.Fprintf(&b, ",尚未答复%d件", f.Unanswered)
		if f.OverdueUnanswered > 0 {
			fmt.Fprintf(&b, "(其中已超期%d件)", f.OverdueUnanswered)
		}
	}
	if n := f.Satisfied + f.BasicallySatisfied + f.Dissatisfied; n > 0 {
		fmt.Fprintf(&b, ";代表委员反馈满意%d件、基本满意%d件", f.Satisfied, f.BasicallySatisfied)
		if f.Dissatisfied > 0 {
			fmt.Fprintf(&b, "、不满意%d件", f.Dissatisfied)
		}
	}
	return b.String()
}
