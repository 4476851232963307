package domain_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"hotline/calendar"
	"hotline/domain"
)

// cnCalendar is the State Council schedules 2018–2026 as shipped.
func cnCalendar(t *testing.T) *calendar.Calendar {
	t.Helper()
	f, err := os.Open("../calendar/testdata/holidays-cn.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	days, err := calendar.ParseCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := calendar.New(loc, days, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func d(s string) domain.Date {
	x, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func dp(s string) *domain.Date { x := d(s); return &x }

// TestDisclosureClock checks due dates counted by hand on the 2025–2026
// schedules (2025: 4–6 Apr 清明, 27 Apr a worked Sunday, 1–5 May, 31 May–2 Jun,
// 28 Sep a worked Sunday, 1–8 Oct, 11 Oct a worked Saturday; 2026: 1–3 Jan,
// 4 Jan worked, 14 Feb worked, 15–23 Feb 春节, 28 Feb worked).
func TestDisclosureClock(t *testing.T) {
	cal := cnCalendar(t)
	cases := []struct {
		name           string
		clock          domain.DisclosureClock
		original, due  string
		extensionAdded bool
	}{
		{name: "plain month, receipt day not counted", clock: domain.DisclosureClock{Start: d("2025-03-03")},
			original: "2025-03-31", due: "2025-03-31"},
		{name: "received on a Saturday", clock: domain.DisclosureClock{Start: d("2025-03-01")},
			original: "2025-03-28", due: "2025-03-28"},
		{name: "across National Day with worked Sunday and Saturday", clock: domain.DisclosureClock{Start: d("2025-09-26")},
			original: "2025-10-30", due: "2025-10-30"},
		{name: "year end into New Year 2026 and its worked Sunday", clock: domain.DisclosureClock{Start: d("2025-12-17")},
			original: "2026-01-15", due: "2026-01-15"},
		{name: "Spring Festival 2026 with two worked Saturdays", clock: domain.DisclosureClock{Start: d("2026-02-09")},
			original: "2026-03-13", due: "2026-03-13"},
		{name: "consultation of four working days", clock: domain.DisclosureClock{Start: d("2025-03-03"),
			Pauses: []domain.DisclosurePause{domain.ConsultationPause(d("2025-03-10"), dp("2025-03-14"))}},
			original: "2025-04-07", due: "2025-04-07"},
		{name: "open consultation runs to its 15-day cap", clock: domain.DisclosureClock{Start: d("2025-03-03"),
			Pauses: []domain.DisclosurePause{domain.ConsultationPause(d("2025-03-04"), nil)}},
			original: "2025-04-22", due: "2025-04-22"},
		{name: "late answer counts only 15 days", clock: domain.DisclosureClock{Start: d("2025-03-03"),
			Pauses: []domain.DisclosurePause{domain.ConsultationPause(d("2025-03-04"), dp("2025-04-30"))}},
			original: "2025-04-22", due: "2025-04-22"},
		{name: "overlapping consultations pause their union", clock: domain.DisclosureClock{Start: d("2025-03-03"),
			Pauses: []domain.DisclosurePause{
				domain.ConsultationPause(d("2025-03-10"), dp("2025-03-14")),
				domain.ConsultationPause(d("2025-03-12"), dp("2025-03-18"))}},
			original: "2025-04-09", due: "2025-04-09"},
		{name: "consultation answered the day it was sent pauses nothing", clock: domain.DisclosureClock{Start: d("2025-03-03"),
			Pauses: []domain.DisclosurePause{domain.ConsultationPause(d("2025-03-10"), dp("2025-03-10"))}},
			original: "2025-03-31", due: "2025-03-31"},
		{name: "extension of 20 over a worked Sunday", clock: domain.DisclosureClock{Start: d("2025-03-03"), ExtensionDays: 20},
			original: "2025-03-31", due: "2025-04-28"},
		{name: "consultation and extension", clock: domain.DisclosureClock{Start: d("2025-03-03"), ExtensionDays: 5,
			Pauses: []domain.DisclosurePause{domain.ConsultationPause(d("2025-03-10"), dp("2025-03-14"))}},
			original: "2025-04-07", due: "2025-04-14"},
		{name: "restart from a supplement received before May Day and Dragon Boat", clock: domain.DisclosureClock{Start: d("2025-04-30")},
			original: "2025-06-03", due: "2025-06-03"},
		{name: "consultation before the restart does not count", clock: domain.DisclosureClock{Start: d("2025-04-30"),
			Pauses: []domain.DisclosurePause{domain.ConsultationPause(d("2025-04-01"), dp("2025-04-10"))}},
			original: "2025-06-03", due: "2025-06-03"},
		{name: "fee notice paid after four working days", clock: domain.DisclosureClock{Start: d("2025-03-03"),
			Pauses: []domain.DisclosurePause{domain.FeePause(d("2025-03-03"), dp("2025-03-07"))}},
			original: "2025-04-07", due: "2025-04-07"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			orig, due := c.clock.Due(cal)
			if orig.String() != c.original || due.String() != c.due {
				t.Errorf("Due = %s, %s; want %s, %s", orig, due, c.original, c.due)
			}
		})
	}
}

func TestDisclosureDeadlines(t *testing.T) {
	cal := cnCalendar(t)
	cases := []struct {
		name string
		got  domain.Date
		want string
	}{
		{"补正 within 7 working days across National Day", domain.CorrectionAskBy(cal, d("2025-09-26")), "2025-10-13"},
		{"补正 from a Friday", domain.CorrectionAskBy(cal, d("2025-03-07")), "2025-03-18"},
		{"fee within 20 working days over the year end", domain.FeePayBy(cal, d("2025-12-17")), "2026-01-15"},
		{"zero working days is the day itself", domain.WorkdayAfter(cal, d("2025-10-04"), 0), "2025-10-04"},
		{"first working day after a holiday", domain.WorkdayAfter(cal, d("2025-10-01"), 1), "2025-10-09"},
	}
	for _, c := range cases {
		if c.got.String() != c.want {
			t.Errorf("%s: got %s, want %s", c.name, c.got, c.want)
		}
	}
	if n := domain.WorkdaysBetween(cal, d("2025-09-26"), d("2025-10-13")); n != 7 {
		t.Errorf("WorkdaysBetween = %d, want 7", n)
	}
	if n := domain.WorkdaysBetween(cal, d("2025-10-13"), d("2025-09-26")); n != 0 {
		t.Errorf("WorkdaysBetween backwards = %d, want 0", n)
	}
}

func TestDate(t *testing.T) {
	for _, bad := range []string{"", "2025-2-1", "2025-02-30", "25-02-01", "2025-02-01T00:00:00Z"} {
		if _, err := domain.ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	if got := d("2025-12-31").AddDays(1).String(); got != "2026-01-01" {
		t.Errorf("AddDays over the year end = %s", got)
	}
	if !d("2025-12-31").Before(d("2026-01-01")) || d("2026-01-01").Before(d("2025-12-31")) {
		t.Error("Before is wrong")
	}
}

// TestDisclosureMachine checks every action from every status, written out
// by hand: "" means refused; "=" keeps the status.
func TestDisclosureMachine(t *testing.T) {
	const (
		un = domain.DisUnconfirmed
		pr = domain.DisProcessing
		ac = domain.DisAwaitingCorrection
		af = domain.DisAwaitingFee
		de = domain.DisDecided
		no = domain.DisclosureStatus("")
	)
	from := []domain.DisclosureStatus{"", un, pr, ac, af, de}
	// columns: new, unconfirmed, processing, awaiting_correction, awaiting_fee, decided
	want := map[domain.DisclosureAction][6]domain.DisclosureStatus{
		domain.DisActCreate:            {pr, no, no, no, no, no},
		domain.DisActSubmit:            {un, no, no, no, no, no},
		domain.DisActConfirm:           {no, pr, no, no, no, no},
		domain.DisActConsult:           {no, no, pr, no, no, no},
		domain.DisActConsultAnswer:     {no, no, pr, ac, af, no},
		domain.DisActAskCorrection:     {no, no, ac, no, no, no},
		domain.DisActCorrectionArrived: {no, no, no, pr, no, no},
		domain.DisActFeeNotice:         {no, no, af, no, no, no},
		domain.DisActFeePaid:           {no, no, no, no, pr, no},
		domain.DisActRequestExt:        {no, no, pr, no, no, no},
		domain.DisActApproveExt:        {no, no, pr, no, no, no},
		domain.DisActRejectExt:         {no, no, pr, no, no, no},
		domain.DisActDecide:            {no, no, de, de, de, no},
		domain.DisActAbandon:           {no, no, no, de, de, no},
		domain.DisActRemind:            {no, no, pr, no, no, no},
		domain.DisActOverdue:           {no, no, pr, no, no, no},
	}
	if len(want) != len(domain.DisclosureActions()) {
		t.Fatalf("the table covers %d actions, the machine knows %d", len(want), len(domain.DisclosureActions()))
	}
	for _, a := range domain.DisclosureActions() {
		for i, s := range from {
			got, err := domain.NextDisclosure(s, a)
			w := want[a][i]
			if w == no {
				if !errors.Is(err, domain.ErrInvalidTransition) {
					t.Errorf("%s from %q: got %q, %v; want refused", a, s, got, err)
				}
				continue
			}
			if err != nil || got != w {
				t.Errorf("%s from %q: got %q, %v; want %q", a, s, got, err, w)
			}
		}
	}
	if _, err := domain.NextDisclosure(pr, "fly"); !errors.Is(err, domain.ErrInvalidTransition) {
		t.Error("an unknown action was accepted")
	}
}

func TestOutcomes(t *testing.T) {
	// 2 + 8 + 3 + 5 + 3 rows, one per code, each code unique
	if n := len(domain.DisclosureOutcomeRows()); n != 21 {
		t.Fatalf("%d outcome rows, want 21", n)
	}
	groups := map[domain.OutcomeGroup]int{}
	seen := map[domain.DisclosureOutcome]bool{}
	for _, r := range domain.DisclosureOutcomeRows() {
		if seen[r.Code] {
			t.Errorf("%s is two rows", r.Code)
		}
		seen[r.Code] = true
		groups[r.Group]++
	}
	wantGroups := map[domain.OutcomeGroup]int{domain.GroupDisclose: 1, domain.GroupPartial: 1, domain.GroupWithhold: 8,
		domain.GroupUnable: 3, domain.GroupReject: 5, domain.GroupOther: 3}
	for g, n := range wantGroups {
		if groups[g] != n {
			t.Errorf("group %s has %d rows, want %d", g, groups[g], n)
		}
	}
	labels := map[domain.DisclosureOutcome]string{
		domain.OutDisclose:          "(一)予以公开",
		domain.OutWithholdSecret:    "(三)不予公开 1.属于国家秘密",
		domain.OutUnableNotHeld:     "(四)无法提供 1.本机关不掌握相关政府信息",
		domain.OutRejectConfirm:     "(五)不予处理 5.要求行政机关确认或重新出具已获取信息",
		domain.OutOtherNoCorrection: "(六)其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
		domain.OutOther:             "(六)其他处理 3.其他",
	}
	for o, l := range labels {
		if o.Label() != l {
			t.Errorf("%s label %q, want %q", o, o.Label(), l)
		}
	}
	if domain.DisclosureOutcome("withhold").Valid() {
		t.Error("a group name is not an outcome")
	}
	decidable := []struct {
		o    domain.DisclosureOutcome
		s    domain.DisclosureStatus
		want bool
	}{
		{domain.OutDisclose, domain.DisProcessing, true},
		{domain.OutOther, domain.DisProcessing, true},
		{domain.OutOtherNoCorrection, domain.DisProcessing, false},
		{domain.OutOtherNoFee, domain.DisProcessing, false},
		{domain.OutDisclose, domain.DisAwaitingCorrection, false},
		{domain.OutOtherNoCorrection, domain.DisAwaitingCorrection, true},
		{domain.OutOtherNoFee, domain.DisAwaitingCorrection, false},
		{domain.OutOtherNoFee, domain.DisAwaitingFee, true},
		{domain.OutOther, domain.DisAwaitingFee, true},
		{domain.OutDisclose, domain.DisDecided, false},
		{domain.OutDisclose, domain.DisUnconfirmed, false},
	}
	for _, c := range decidable {
		if got := c.o.DecidableFrom(c.s); got != c.want {
			t.Errorf("%s from %s: %v, want %v", c.o, c.s, got, c.want)
		}
	}
}

func TestCountDisclosure(t *testing.T) {
	recs := []domain.DisclosureRecord{
		// finished in 2024: counts nowhere in 2025
		{domain.ApplicantNatural, d("2024-03-01"), dp("2024-03-20"), domain.OutDisclose},
		// received 2024, decided 2025: carried in, handled
		{domain.ApplicantCommercial, d("2024-12-20"), dp("2025-01-10"), domain.OutPartial},
		// received 2023, still open: carried in and out
		{domain.ApplicantResearch, d("2023-12-28"), nil, ""},
		// new and handled
		{domain.ApplicantNatural, d("2025-01-02"), dp("2025-01-20"), domain.OutDisclose},
		{domain.ApplicantNatural, d("2025-05-06"), dp("2025-06-01"), domain.OutUnableNotHeld},
		{domain.ApplicantLegalService, d("2025-07-01"), dp("2025-07-02"), domain.OutOtherNoFee},
		// new, decided on 31 December: handled
		{domain.ApplicantPublicInterest, d("2025-12-01"), dp("2025-12-31"), domain.OutWithholdProcess},
		// new, decided 2026: carried out
		{domain.ApplicantOtherOrg, d("2025-12-15"), dp("2026-01-05"), domain.OutDisclose},
		// received 2026, and a portal application never confirmed: nowhere
		{domain.ApplicantNatural, d("2026-01-02"), nil, ""},
		{domain.ApplicantNatural, domain.Date{}, nil, ""},
	}
	rows := domain.CountDisclosure(2025, recs)
	got := map[string][]int64{}
	for _, r := range rows {
		got[r.Row] = r.Cells()
	}
	//             nat com res pub leg oth tot
	want := map[string][]int64{
		"new":                 {2, 0, 0, 1, 1, 1, 5},
		"carried_in":          {0, 1, 1, 0, 0, 0, 2},
		"disclose":            {1, 0, 0, 0, 0, 0, 1},
		"partial":             {0, 1, 0, 0, 0, 0, 1},
		"unable_not_held":     {1, 0, 0, 0, 0, 0, 1},
		"other_no_fee":        {0, 0, 0, 0, 1, 0, 1},
		"withhold_process":    {0, 0, 0, 1, 0, 0, 1},
		"total_handled":       {2, 1, 0, 1, 1, 0, 5},
		"carried_out":         {0, 0, 1, 0, 0, 1, 2},
		"withhold_secret":     {0, 0, 0, 0, 0, 0, 0},
		"other_no_correction": {0, 0, 0, 0, 0, 0, 0},
	}
	for row, w := range want {
		if !equal(got[row], w) {
			t.Errorf("row %s = %v, want %v", row, got[row], w)
		}
	}
	if len(rows) != 25 || rows[0].Row != "new" || rows[24].Row != "carried_out" || rows[23].Row != "total_handled" {
		t.Errorf("row order wrong: %d rows", len(rows))
	}
	// the identity, per column, and the carry-over into the next year
	for i := range 7 {
		if got["new"][i]+got["carried_in"][i] != got["total_handled"][i]+got["carried_out"][i] {
			t.Errorf("column %d: 新收+上年结转 != 总计+结转下年度", i)
		}
	}
	next := domain.CountDisclosure(2026, recs)
	if !equal(next[1].Cells(), got["carried_out"]) {
		t.Errorf("2026 carried_in %v != 2025 carried_out %v", next[1].Cells(), got["carried_out"])
	}
}

func TestCountCases(t *testing.T) {
	recs := []domain.DisclosureCaseRecord{
		{domain.CaseReconsideration, d("2025-02-01"), domain.ResultUpheld},
		{domain.CaseReconsideration, d("2025-03-01"), domain.ResultUpheld},
		{domain.CaseReconsideration, d("2025-04-01"), ""},
		{domain.CaseLitigationDirect, d("2025-05-01"), domain.ResultCorrected},
		{domain.CaseLitigationAfterRecon, d("2025-06-01"), domain.ResultOther},
		{domain.CaseLitigationAfterRecon, d("2024-06-01"), domain.ResultOther}, // another year
	}
	c := domain.CountCases(2025, recs)
	want := domain.DisclosureCases{
		Reconsideration:                domain.CaseCells{Upheld: 2, Pending: 1, Total: 3},
		LitigationDirect:               domain.CaseCells{Corrected: 1, Total: 1},
		LitigationAfterReconsideration: domain.CaseCells{Other: 1, Total: 1},
	}
	if c != want {
		t.Errorf("CountCases = %+v, want %+v", c, want)
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
