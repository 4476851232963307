package domain

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"hotline/calendar"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := ParseCivilDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func ymd(d time.Time) string { return d.Format("2006-01-02") }

func TestAddMonths(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-03-15", 3, "2026-06-15"},
		{"2025-11-30", 3, "2026-02-28"}, // month end into a short February
		{"2023-11-30", 3, "2024-02-29"}, // leap year
		{"2023-11-29", 3, "2024-02-29"},
		{"2024-11-29", 3, "2025-02-28"},
		{"2023-11-28", 3, "2024-02-28"},
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2026-05-31", 1, "2026-06-30"},
		{"2026-10-31", 3, "2027-01-31"}, // across the year end
		{"2026-12-31", 2, "2027-02-28"},
		{"2026-08-31", 6, "2027-02-28"},
		{"2023-08-31", 6, "2024-02-29"},
		{"2099-11-30", 3, "2100-02-28"}, // 2100 is not a leap year
		{"1999-11-30", 3, "2000-02-29"}, // 2000 is
		{"2026-02-28", 3, "2026-05-28"}, // the 28th stays the 28th
		{"2026-03-31", 0, "2026-03-31"},
	}
	for _, c := range cases {
		if got := ymd(AddMonths(day(t, c.from), c.n)); got != c.want {
			t.Errorf("%s + %d months = %s, want %s", c.from, c.n, got, c.want)
		}
	}
}

func loadCalendar(t *testing.T) *calendar.Calendar {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../calendar/testdata/holidays-cn.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	days, err := calendar.ParseCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	c, err := calendar.New(loc, days, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewProposalDeadlines(t *testing.T) {
	cal := loadCalendar(t)
	months := DefaultProposalSettings()
	twoMonths := months
	twoMonths.OpinionPeriod = Period{Unit: InMonths, Count: 2}
	workdays := months
	workdays.OpinionPeriod = Period{Unit: InWorkdays, Count: 30}
	cases := []struct {
		name       string
		set        ProposalSettings
		assigned   string
		role       OurRole
		co         bool
		due        string
		opinionDue string // "" = none
		base       int
	}{
		{"lead with joint units", months, "2026-03-15", RoleLead, true, "2026-06-15", "2026-04-15", 3},
		{"lead alone", months, "2026-03-15", RoleLead, false, "2026-06-15", "", 3},
		{"separate, month end", months, "2025-11-30", RoleSeparate, false, "2026-02-28", "", 3},
		{"lead, leap year", months, "2023-11-30", RoleLead, true, "2024-02-29", "2023-12-30", 3},
		{"joint: the opinion is what is owed", months, "2026-01-31", RoleJoint, false, "2026-02-28", "", 0},
		{"joint with own joint units", months, "2026-01-31", RoleJoint, true, "2026-02-28", "2026-02-28", 0},
		{"two-month opinions", twoMonths, "2025-12-31", RoleLead, true, "2026-03-31", "2026-02-28", 3},
		// 30 working days from Monday 2 February 2026: the Spring Festival
		// (15–23 February off, 14 and 28 February worked) lies between
		{"30 working days over the Spring Festival", workdays, "2026-02-02", RoleLead, true, "2026-05-02", "2026-03-20", 3},
		// over the Mid-Autumn and National Day holidays (20 September and
		// 10 October worked)
		{"30 working days over National Day", workdays, "2026-09-15", RoleJoint, false, "2026-11-02", "", 0},
	}
	for _, c := range cases {
		d := c.set.NewProposalDeadlines(cal, day(t, c.assigned), c.role, c.co)
		got := ""
		if d.OpinionDue != nil {
			got = ymd(*d.OpinionDue)
		}
		if ymd(d.Due) != c.due || got != c.opinionDue || d.BaseMonths != c.base {
			t.Errorf("%s: due %s opinion %q base %d, want %s %q %d", c.name, ymd(d.Due), got, d.BaseMonths, c.due, c.opinionDue, c.base)
		}
	}
}

func TestProposalExtendedDue(t *testing.T) {
	cases := []struct {
		assigned            string
		base, already, more int
		want                string // "" = refused
	}{
		{"2025-11-30", 3, 0, 1, "2026-03-30"}, // from assignment, not from 02-28
		{"2025-11-30", 3, 0, 3, "2026-05-30"},
		{"2025-11-30", 3, 2, 1, "2026-05-30"},
		{"2025-11-30", 3, 0, 4, ""},
		{"2025-11-30", 3, 2, 2, ""},
		{"2025-11-30", 3, 3, 1, ""},
		{"2025-11-30", 3, 0, 0, ""},
		{"2023-08-31", 3, 0, 3, "2024-02-29"},
		{"2022-08-31", 3, 1, 2, "2023-02-28"},
	}
	for _, c := range cases {
		got, err := ProposalExtendedDue(day(t, c.assigned), c.base, c.already, c.more, 6)
		switch {
		case c.want == "":
			var ve ValidationError
			if !errors.As(err, &ve) || ve[0].Field != "months" {
				t.Errorf("%s %d+%d+%d: want refused on months, got %v %v", c.assigned, c.base, c.already, c.more, got, err)
			}
		case err != nil || ymd(got) != c.want:
			t.Errorf("%s %d+%d+%d: got %v %v, want %s", c.assigned, c.base, c.already, c.more, got, err, c.want)
		}
	}
}

func TestRehandleAndReminder(t *testing.T) {
	s := DefaultProposalSettings()
	for _, c := range []struct{ feedback, want string }{
		{"2026-01-31", "2026-02-28"}, {"2028-01-31", "2028-02-29"}, {"2026-06-10", "2026-07-10"}, {"2026-12-31", "2027-01-31"},
	} {
		if got := ymd(s.RehandleDue(day(t, c.feedback))); got != c.want {
			t.Errorf("rehandling after feedback on %s due %s, want %s", c.feedback, got, c.want)
		}
	}
	if got := ymd(s.RemindOn(day(t, "2026-03-05"))); got != "2026-02-23" {
		t.Errorf("reminder for 03-05: %s", got)
	}
	if got := ymd(s.RemindOn(day(t, "2028-03-05"))); got != "2028-02-24" {
		t.Errorf("reminder for 03-05 of a leap year: %s", got)
	}
}

// TestOnTimeAgainstDeadlineInForce: an answer is judged against the due date
// in force when it was given, extensions included.
func TestOnTimeAgainstDeadlineInForce(t *testing.T) {
	assigned := day(t, "2025-11-30")
	due := AddMonths(assigned, 3) // 2026-02-28
	extended, err := ProposalExtendedDue(assigned, 3, 0, 1, 6)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		answered string
		due      time.Time
		want     bool
	}{
		{"2026-02-27", due, true},
		{"2026-02-28", due, true}, // the due date itself
		{"2026-03-01", due, false},
		{"2026-03-10", extended, true},
		{"2026-03-30", extended, true},
		{"2026-03-31", extended, false},
	}
	for _, c := range cases {
		if got := AnsweredOnTime(day(t, c.answered), c.due); got != c.want {
			t.Errorf("answered %s, due %s: on time %v, want %v", c.answered, ymd(c.due), got, c.want)
		}
	}
	if !PastDue(PropHandling, due, day(t, "2026-03-01")) || PastDue(PropHandling, due, due) || PastDue(PropAnswered, due, day(t, "2026-04-01")) {
		t.Error("PastDue: only open proposals after their due date")
	}
}

func TestProposalStateMachine(t *testing.T) {
	const (
		h  = PropHandling
		a  = PropAnswered
		r  = PropRehandling
		c  = PropClosed
		no = ProposalStatus("")
	)
	// columns: handling, answered, rehandling, closed
	want := map[ProposalAction][4]ProposalStatus{
		PActContact:        {h, a, r, c},
		PActOpinion:        {h, no, r, no},
		PActAnswer:         {h, no, r, no},
		PActApproveAnswer:  {a, no, a, no},
		PActRejectAnswer:   {h, no, r, no},
		PActFeedbackOK:     {no, c, no, no},
		PActFeedbackNotOK:  {no, r, no, no},
		PActExtend:         {h, no, no, no},
		PActPublish:        {no, a, no, c},
		PActCommit:         {no, a, r, c},
		PActCommitDone:     {h, a, r, c},
		PActRemind:         {h, no, r, no},
		PActOverdue:        {h, no, r, no},
		PActOpinionOverdue: {h, no, r, no},
		PActCommitOverdue:  {h, a, r, c},
	}
	if len(want) != len(ProposalActions()) {
		t.Fatalf("table covers %d actions, the machine knows %d", len(want), len(ProposalActions()))
	}
	for _, act := range ProposalActions() {
		row := want[act]
		for i, from := range ProposalStatuses() {
			got, err := NextProposal(from, act)
			switch {
			case row[i] == no && !errors.Is(err, ErrInvalidTransition):
				t.Errorf("%s from %s: want refused, got %s", act, from, got)
			case row[i] != no && (err != nil || got != row[i]):
				t.Errorf("%s from %s: want %s, got %s (%v)", act, from, row[i], got, err)
			}
		}
	}
	if FeedbackAction(Dissatisfied) != PActFeedbackNotOK || FeedbackAction(BasicallySatisfied) != PActFeedbackOK {
		t.Error("feedback actions")
	}
}

func TestProposalMayAct(t *testing.T) {
	lead, co := "ROAD", []string{"BUS"}
	mgr := ProposalActor{Role: RoleManager}
	leadStaff := ProposalActor{Role: RoleUnitStaff, Unit: "ROAD"}
	coHead := ProposalActor{Role: RoleUnitHead, Unit: "BUS"}
	other := ProposalActor{Role: RoleUnitHead, Unit: "TAXI"}
	op := ProposalActor{Role: RoleOperator}
	cases := []struct {
		a                              ProposalAction
		mgr, lead, co, other, operator bool
	}{
		{PActContact, true, true, false, false, false},
		{PActAnswer, true, true, false, false, false},
		{PActOpinion, false, false, true, false, false},
		{PActApproveAnswer, true, false, false, false, false},
		{PActRejectAnswer, true, false, false, false, false},
		{PActFeedbackOK, true, false, false, false, false},
		{PActExtend, true, false, false, false, false},
		{PActPublish, true, false, false, false, false},
		{PActCommit, true, true, false, false, false},
		{PActCommitDone, true, true, false, false, false},
		{PActRemind, false, false, false, false, false},
	}
	for _, c := range cases {
		for _, x := range []struct {
			who  ProposalActor
			want bool
		}{{mgr, c.mgr}, {leadStaff, c.lead}, {coHead, c.co}, {other, c.other}, {op, c.operator}} {
			if got := ProposalMayAct(x.who, c.a, lead, co); got != x.want {
				t.Errorf("%s by %+v: %v, want %v", c.a, x.who, got, x.want)
			}
		}
	}
}

func TestProposalSettingsValidate(t *testing.T) {
	ok := DefaultProposalSettings()
	if err := ok.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	cases := []struct {
		field string
		edit  func(s *ProposalSettings)
	}{
		{"answer_months", func(s *ProposalSettings) { s.AnswerMonths = 0 }},
		{"max_answer_months", func(s *ProposalSettings) { s.MaxAnswerMonths = 2 }},
		{"opinion_period.unit", func(s *ProposalSettings) { s.OpinionPeriod.Unit = "weeks" }},
		{"opinion_period.count", func(s *ProposalSettings) { s.OpinionPeriod = Period{Unit: InWorkdays, Count: 0} }},
		{"rehandle_months", func(s *ProposalSettings) { s.RehandleMonths = 7 }},
		{"remind_days", func(s *ProposalSettings) { s.RemindDays = -1 }},
		{"categories", func(s *ProposalSettings) { s.Categories = nil }},
		{"categories[1].code", func(s *ProposalSettings) { s.Categories[1].Code = "A" }},
		{"categories[0].code", func(s *ProposalSettings) { s.Categories[0].Code = "甲" }},
		{"categories[2].label", func(s *ProposalSettings) { s.Categories[2].Label = " " }},
	}
	for _, c := range cases {
		s := DefaultProposalSettings()
		c.edit(&s)
		var ve ValidationError
		if err := s.Validate(); !errors.As(err, &ve) || ve[0].Field != c.field {
			t.Errorf("%s: got %v", c.field, err)
		}
	}
	if c, ok := ok.Category("C"); !ok || c.Label != "因条件限制需以后解决" {
		t.Errorf("category C: %+v", c)
	}
	if _, ok := ok.Category("E"); ok {
		t.Error("category E exists")
	}
}

func TestStripContactLines(t *testing.T) {
	cases := []struct{ in, want string }{
		{"尊敬的王代表:\n您提出的建议收悉。\n联系人:李明\n联系电话:0571-87654321", "尊敬的王代表:\n您提出的建议收悉。"},
		{"答复正文\n 联系地址:杭州市某路1号\n邮编:310000\n感谢您的关心。", "答复正文\n感谢您的关心。"},
		{"我们将联系人民群众,听取意见。", "我们将联系人民群众,听取意见。"},
		{"电子邮箱：a@b.cn\n正文", "正文"},
	}
	for _, c := range cases {
		if got := StripContactLines(c.in); got != c.want {
			t.Errorf("%q → %q, want %q", c.in, got, c.want)
		}
	}
}

func outcomes(n int, o ProposalOutcome) []ProposalOutcome {
	out := make([]ProposalOutcome, n)
	for i := range out {
		out[i] = o
	}
	return out
}

func TestTallyAndSentence(t *testing.T) {
	cats := DefaultAnswerCategories()
	// the report's own year: 86 = 56 suggestions + 30 proposals, 39 lead +
	// 47 joint, all answered on time
	var year []ProposalOutcome
	year = append(year, outcomes(30, ProposalOutcome{Type: TypeSuggestion, Role: RoleLead, Answered: true, OnTime: true, Category: "A", Satisfaction: Satisfied})...)
	year = append(year, outcomes(9, ProposalOutcome{Type: TypeProposal, Role: RoleLead, Answered: true, OnTime: true, Category: "B", Satisfaction: BasicallySatisfied})...)
	year = append(year, outcomes(26, ProposalOutcome{Type: TypeSuggestion, Role: RoleJoint, Answered: true, OnTime: true})...)
	year = append(year, outcomes(21, ProposalOutcome{Type: TypeProposal, Role: RoleJoint, Answered: true, OnTime: true})...)
	f := TallyProposals(2025, cats, year)
	want := "共承担建议提案86件,其中建议56件、提案30件;主办件39件、协办件47件,全部按要求时限完成答复;代表委员反馈满意30件、基本满意9件"
	if f.Text != want {
		t.Errorf("text\n got %s\nwant %s", f.Text, want)
	}
	if f.Total != 86 || f.Suggestions != 56 || f.Proposals != 30 || f.Lead != 39 || f.Joint != 47 || f.Separate != 0 ||
		f.Answered != 86 || f.AnsweredOnTime != 86 || f.ByCategory["A"] != 30 || f.ByCategory["B"] != 9 ||
		f.ByCategory["C"] != 0 || len(f.ByCategory) != 4 || f.Satisfied != 30 || f.BasicallySatisfied != 9 {
		t.Errorf("figures %+v", f)
	}

	cases := []struct {
		name string
		rows []ProposalOutcome
		want string
	}{
		{"none", nil, "本年度未承担建议提案"},
		{"two late", append(outcomes(80, ProposalOutcome{Type: TypeSuggestion, Role: RoleLead, Answered: true, OnTime: true}),
			outcomes(2, ProposalOutcome{Type: TypeProposal, Role: RoleSeparate, Answered: true})...),
			"共承担建议提案82件,其中建议80件、提案2件;主办件80件、分办件2件,全部完成答复,其中按时答复80件,超期答复2件"},
		{"some unanswered, one overdue", append(outcomes(3, ProposalOutcome{Type: TypeSuggestion, Role: RoleLead, Answered: true, OnTime: true, Satisfaction: Dissatisfied}),
			ProposalOutcome{Type: TypeSuggestion, Role: RoleJoint}, ProposalOutcome{Type: TypeProposal, Role: RoleJoint, Overdue: true}),
			"共承担建议提案5件,其中建议4件、提案1件;主办件3件、协办件2件,已答复3件(均按时答复),尚未答复2件(其中已超期1件);代表委员反馈满意0件、基本满意0件、不满意3件"},
		{"late and unanswered", []ProposalOutcome{{Type: TypeProposal, Role: RoleLead, Answered: true}, {Type: TypeProposal, Role: RoleLead, Answered: true, OnTime: true}, {Type: TypeProposal, Role: RoleLead}},
			"共承担建议提案3件,其中建议0件、提案3件;主办件3件,已答复2件(按时答复1件,超期答复1件),尚未答复1件"},
		{"nothing answered yet", []ProposalOutcome{{Type: TypeSuggestion, Role: RoleLead}},
			"共承担建议提案1件,其中建议1件、提案0件;主办件1件,已答复0件,尚未答复1件"},
	}
	for _, c := range cases {
		if got := TallyProposals(2026, cats, c.rows).Text; got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.name, got, c.want)
		}
	}
	// a category no longer configured is still counted
	f = TallyProposals(2026, cats, []ProposalOutcome{{Type: TypeSuggestion, Role: RoleLead, Answered: true, OnTime: true, Category: "E"}})
	if f.ByCategory["E"] != 1 || !strings.Contains(f.Text, "全部按要求时限完成答复") {
		t.Errorf("old category: %+v", f)
	}
}
