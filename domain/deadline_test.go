package domain

import (
	"testing"
	"time"

	"hotline/calendar"
)

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// testCalendar has the 2025 National Day and 2026 New Year schedules.
func testCalendar(t *testing.T) *calendar.Calendar {
	t.Helper()
	var days []calendar.Day
	for _, d := range []string{"2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06", "2025-10-07", "2025-10-08", "2026-01-01", "2026-01-02"} {
		days = append(days, calendar.Day{Date: d, Kind: calendar.Holiday})
	}
	for _, d := range []string{"2025-09-28", "2025-10-11", "2026-01-04"} {
		days = append(days, calendar.Day{Date: d, Kind: calendar.Workday})
	}
	cal, err := calendar.New(shanghai(t), days, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func TestComputeDeadlines(t *testing.T) {
	loc := shanghai(t)
	cal := testCalendar(t)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	upstream := at("2025-10-20 12:00")
	cases := []struct {
		name        string
		kind        Kind
		urgent      bool
		at          string
		upstream    *time.Time
		accept, due string
	}{
		// Tuesday 16:30: 1 working hour left today, 1 tomorrow from 09:00; the
		// 5 working days are 24, 25, 26, 28 (a make-up Sunday) and 29 September
		{"complaint on a Tuesday afternoon", Complaint, false, "2025-09-23 16:30", nil, "2025-09-24 10:00", "2025-09-29 17:30"},
		// the day before National Day: sign-for crosses the holiday to 9 October
		{"consultation before National Day", Consultation, false, "2025-09-30 17:00", nil, "2025-10-09 10:30", "2025-10-09 17:30"},
		// a holiday night: the working days start on 9 October; 11 October is a make-up Saturday
		{"complaint during the holiday", Complaint, false, "2025-10-05 22:00", nil, "2025-10-09 11:00", "2025-10-14 17:30"},
		// crossing lunch: 11:00 + 2 working hours = 14:30; 15 working days:
		// 25, 26, 28, 29, 30 September, 9, 10, 11 (Saturday), 13–17, 20, 21 October
		{"suggestion before lunch", Suggestion, false, "2025-09-24 11:00", nil, "2025-09-24 14:30", "2025-10-21 17:30"},
		// urgent: 30 clock minutes to sign for, even at night; 1 working day to answer
		{"urgent at night", Help, true, "2025-12-31 23:00", nil, "2025-12-31 23:30", "2026-01-04 17:30"},
		// an upstream due time wins over the policy
		{"upstream due time", Complaint, false, "2025-10-09 09:00", &upstream, "2025-10-09 11:00", "2025-10-20 12:00"},
	}
	for _, c := range cases {
		d := ComputeDeadlines(cal, DefaultPolicy(c.kind), at(c.at), c.urgent, c.upstream)
		if !d.AcceptDue.Equal(at(c.accept)) {
			t.Errorf("%s: accept by %s, want %s", c.name, d.AcceptDue.In(loc).Format("2006-01-02 15:04"), c.accept)
		}
		if !d.Due.Equal(at(c.due)) {
			t.Errorf("%s: due %s, want %s", c.name, d.Due.In(loc).Format("2006-01-02 15:04"), c.due)
		}
		if !d.RemindAt.After(at(c.at)) || !d.RemindAt.Before(d.Due) {
			t.Errorf("%s: reminder %s not between receipt and due", c.name, d.RemindAt.In(loc))
		}
		if !cal.IsWorkday(d.Due) && c.upstream == nil {
			t.Errorf("%s: due on a day off", c.name)
		}
	}
}

func TestReminderTimeAndExtension(t *testing.T) {
	loc := shanghai(t)
	cal := testCalendar(t)
	from := time.Date(2025, 9, 22, 9, 0, 0, 0, loc) // Monday
	due := time.Date(2025, 9, 26, 17, 30, 0, 0, loc)
	// Monday 09:00 to Friday 17:30 is 5 × 7 = 35 working hours; four fifths, 28
	// hours, end on Thursday at 17:30
	if got, want := ReminderTime(cal, from, due), time.Date(2025, 9, 25, 17, 30, 0, 0, loc); !got.Equal(want) {
		t.Errorf("reminder %s, want %s", got, want)
	}
	if got := ReminderTime(cal, due, from); !got.Equal(due) {
		t.Errorf("a past due time reminds at once, got %s", got)
	}
	// 3 working days after Friday 26 September: 28 (a make-up Sunday), 29, 30
	if got, want := ExtendedDue(cal, due, 3), time.Date(2025, 9, 30, 17, 30, 0, 0, loc); !got.Equal(want) {
		t.Errorf("extended due %s, want %s", got, want)
	}
	// and 4 reach past National Day to 9 October
	if got, want := ExtendedDue(cal, due, 4), time.Date(2025, 10, 9, 17, 30, 0, 0, loc); !got.Equal(want) {
		t.Errorf("extended due %s, want %s", got, want)
	}
}

func TestPolicyValidation(t *testing.T) {
	if err := DefaultPolicy(Complaint).Validate(""); err != nil {
		t.Errorf("default policy invalid: %v", err)
	}
	bad := SLAPolicy{Kind: "x", AcceptHours: 0, ReplyWorkdays: 0, UrgentAcceptMinutes: 0, UrgentReplyWorkdays: 0}
	err := bad.Validate("[0].")
	ve, ok := err.(ValidationError)
	if !ok || len(ve) != 5 || ve[0].Field != "[0].kind" {
		t.Errorf("validation %v", err)
	}
	for k, days := range map[Kind]int{Consultation: 1, Complaint: 5, Help: 5, Suggestion: 15, Report: 15, Praise: 15} {
		if p := DefaultPolicy(k); p.ReplyWorkdays != days || p.AcceptHours != 2 || p.UrgentAcceptMinutes != 30 {
			t.Errorf("default policy of %s: %+v", k, p)
		}
	}
}
