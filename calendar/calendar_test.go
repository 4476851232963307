package calendar

import (
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the system's zone database
)

const tsLayout = "2006-01-02 15:04"

// loadCN builds the calendar of testdata/holidays-cn.csv in Asia/Shanghai with
// the default windows.
func loadCN(tb testing.TB) *Calendar {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open("testdata/holidays-cn.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	days, err := ParseCSV(f)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := New(loc, days, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// at parses "YYYY-MM-DD HH:MM" in c's location.
func at(tb testing.TB, c *Calendar, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation(tsLayout, s, c.Location())
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestTestdata(t *testing.T) {
	c := loadCN(t)
	if got, want := c.Years(), []int{2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026}; !slices.Equal(got, want) {
		t.Errorf("Years() = %v, want %v", got, want)
	}
	days := c.Days()
	if len(days) != 315 {
		t.Errorf("len(Days()) = %d, want 315", len(days))
	}
	if !slices.IsSortedFunc(days, func(a, b Day) int { return strings.Compare(a.Date, b.Date) }) {
		t.Error("Days() not sorted")
	}
	// Every make-up working day is on a weekend, except 2020-02-03 (Monday):
	// the data marks the end of the 2020 Spring Festival extension with it. A
	// workday entry on a weekday changes nothing.
	for _, d := range days {
		n, _ := parseDate(d.Date)
		if wd := n.weekday(); d.Kind == Workday && wd != time.Saturday && wd != time.Sunday && d.Date != "2020-02-03" {
			t.Errorf("%s: workday on a %s", d.Date, wd)
		}
		if d.Source == "" || d.Name == "" {
			t.Errorf("%s: empty name or source", d.Date)
		}
	}
}

// TestWorkdaysPerYear checks the totals of working days, worked out by hand
// from the State Council notices: weekdays, minus holidays on weekdays, plus
// make-up days. 2024: 262 - 19 + 8 = 251; 2025: 261 - 18 + 5 = 248;
// 2026: 261 - 19 + 6 = 248.
func TestWorkdaysPerYear(t *testing.T) {
	c := loadCN(t)
	for _, tc := range []struct{ year, want int }{{2024, 251}, {2025, 248}, {2026, 248}} {
		n := 0
		for d := time.Date(tc.year, 1, 1, 12, 0, 0, 0, c.Location()); d.Year() == tc.year; d = d.AddDate(0, 0, 1) {
			if c.IsWorkday(d) {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("%d: %d working days, want %d", tc.year, n, tc.want)
		}
		a := time.Date(tc.year, 1, 1, 0, 0, 0, 0, c.Location())
		b := time.Date(tc.year+1, 1, 1, 0, 0, 0, 0, c.Location())
		if got, want := c.WorkingDuration(a, b), time.Duration(tc.want)*7*time.Hour; got != want {
			t.Errorf("%d: WorkingDuration over the year = %v, want %v", tc.year, got, want)
		}
	}
}

func TestIsWorkday(t *testing.T) {
	c := loadCN(t)
	tests := []struct {
		date string
		want bool
		why  string
	}{
		{"2024-02-04 10:00", true, "Sunday, Spring Festival make-up day"},
		{"2024-02-09 10:00", true, "Friday, Spring Festival eve, worked in 2024"},
		{"2024-02-10 10:00", false, "Spring Festival"},
		{"2024-02-16 10:00", false, "Friday, Spring Festival"},
		{"2024-02-18 10:00", true, "Sunday, Spring Festival make-up day"},
		{"2024-02-24 10:00", false, "ordinary Saturday"},
		{"2024-02-26 10:00", true, "ordinary Monday"},
		{"2024-10-01 10:00", false, "National Day"},
		{"2024-10-12 10:00", true, "Saturday, National Day make-up day"},
		{"2025-01-28 10:00", false, "Spring Festival eve 2025"},
		{"2025-09-28 10:00", true, "Sunday, National Day make-up day"},
		{"2025-10-08 10:00", false, "Wednesday, National Day/Mid-Autumn"},
		{"2025-10-11 10:00", true, "Saturday, National Day make-up day"},
		{"2025-12-31 23:59", true, "Wednesday, year end"},
		{"2026-01-01 00:00", false, "New Year"},
		{"2026-01-02 10:00", false, "Friday, New Year"},
		{"2026-01-04 10:00", true, "Sunday, New Year make-up day"},
		{"2027-03-01 10:00", true, "Monday beyond the data"},
		{"2027-03-06 10:00", false, "Saturday beyond the data"},
	}
	for _, tc := range tests {
		if got := c.IsWorkday(at(t, c, tc.date)); got != tc.want {
			t.Errorf("IsWorkday(%s) = %v, want %v (%s)", tc.date, got, tc.want, tc.why)
		}
	}
	// The local date counts, not the UTC one: 2024-02-17 18:00 UTC is
	// 2024-02-18 02:00 in Shanghai, a make-up Sunday.
	if !c.IsWorkday(time.Date(2024, 2, 17, 18, 0, 0, 0, time.UTC)) {
		t.Error("IsWorkday must use the calendar's local date")
	}
}

func TestNextWorkdayAndEndOfWorkday(t *testing.T) {
	c := loadCN(t)
	tests := []struct{ from, next string }{
		{"2024-02-02 10:00", "2024-02-04 00:00"}, // Friday → make-up Sunday
		{"2024-02-09 17:00", "2024-02-18 00:00"}, // across Spring Festival
		{"2024-02-12 00:00", "2024-02-18 00:00"}, // from a holiday
		{"2025-09-30 23:59", "2025-10-09 00:00"}, // across National Day
		{"2025-12-31 20:00", "2026-01-04 00:00"}, // across New Year 2026
		{"2024-03-05 00:00", "2024-03-06 00:00"}, // ordinary day
		{"2024-03-08 09:00", "2024-03-11 00:00"}, // ordinary weekend
	}
	for _, tc := range tests {
		if got, want := c.NextWorkday(at(t, c, tc.from)), at(t, c, tc.next); !got.Equal(want) {
			t.Errorf("NextWorkday(%s) = %s, want %s", tc.from, got.Format(tsLayout), tc.next)
		}
	}
	if got, want := c.EndOfWorkday(at(t, c, "2024-02-04 08:00")), at(t, c, "2024-02-04 17:30"); !got.Equal(want) {
		t.Errorf("EndOfWorkday = %s, want %s", got, want)
	}
	if got := c.EndOfWorkday(at(t, c, "2024-02-04 08:00")); got.Location() != c.Location() {
		t.Errorf("EndOfWorkday location = %v, want %v", got.Location(), c.Location())
	}
}

func TestDueAfterWorkdays(t *testing.T) {
	c := loadCN(t)
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		// Spring Festival 2024: holidays 02-10..02-17, make-up Sundays 02-04 and 02-18.
		{"before Spring Festival n=1", "2024-02-08 10:00", 1, "2024-02-09 17:30"},
		{"before Spring Festival n=5", "2024-02-08 10:00", 5, "2024-02-21 17:30"},
		{"before Spring Festival n=15", "2024-02-08 10:00", 15, "2024-03-06 17:30"},
		{"Saturday night before make-up Sunday n=1", "2024-02-03 20:00", 1, "2024-02-04 17:30"},
		{"Saturday night before make-up Sunday n=5", "2024-02-03 20:00", 5, "2024-02-08 17:30"},
		{"Saturday night before make-up Sunday n=15", "2024-02-03 20:00", 15, "2024-02-28 17:30"},
		{"on a holiday n=1", "2024-02-12 10:00", 1, "2024-02-18 17:30"},
		{"on a holiday n=5", "2024-02-12 10:00", 5, "2024-02-22 17:30"},
		{"on a holiday n=15", "2024-02-12 10:00", 15, "2024-03-07 17:30"},
		{"on a make-up Sunday n=1", "2024-02-18 10:00", 1, "2024-02-19 17:30"},
		// Spring Festival 2025: holidays 01-28..02-04, make-up 01-26 (Sun) and 02-08 (Sat).
		{"Friday before 2025 Spring Festival n=1", "2025-01-24 16:00", 1, "2025-01-26 17:30"},
		{"Friday before 2025 Spring Festival n=5", "2025-01-24 16:00", 5, "2025-02-07 17:30"},
		{"Friday before 2025 Spring Festival n=15", "2025-01-24 16:00", 15, "2025-02-20 17:30"},
		// National Day 2025: holidays 10-01..10-08, make-up 09-28 (Sun) and 10-11 (Sat).
		{"Friday before National Day n=1", "2025-09-26 15:00", 1, "2025-09-28 17:30"},
		{"Friday before National Day n=5", "2025-09-26 15:00", 5, "2025-10-10 17:30"},
		{"Friday before National Day n=15", "2025-09-26 15:00", 15, "2025-10-23 17:30"},
		{"night before National Day n=1", "2025-09-30 23:00", 1, "2025-10-09 17:30"},
		{"night before National Day n=5", "2025-09-30 23:00", 5, "2025-10-14 17:30"},
		{"during National Day n=1", "2025-10-05 10:00", 1, "2025-10-09 17:30"},
		{"during National Day n=15", "2025-10-05 10:00", 15, "2025-10-28 17:30"},
		// Year end: 2026-01-01..01-03 holidays, 2026-01-04 (Sun) worked.
		{"year end evening n=1", "2025-12-31 20:00", 1, "2026-01-04 17:30"},
		{"year end evening n=5", "2025-12-31 20:00", 5, "2026-01-08 17:30"},
		{"year end evening n=15", "2025-12-31 20:00", 15, "2026-01-22 17:30"},
		{"year end morning n=1", "2025-12-31 08:00", 1, "2026-01-04 17:30"},
		// The hour of arrival never matters: the day of arrival never counts.
		{"at night n=1", "2024-03-05 23:30", 1, "2024-03-06 17:30"},
		{"after midnight n=1", "2024-03-05 00:10", 1, "2024-03-06 17:30"},
		{"at lunch n=1", "2024-06-07 12:30", 1, "2024-06-11 17:30"}, // Mon 06-10 is 端午节
		{"at lunch n=5", "2024-06-07 12:30", 5, "2024-06-17 17:30"},
		{"on a weekend n=1", "2024-03-09 11:00", 1, "2024-03-11 17:30"},
		{"on a weekend n=5", "2024-03-10 11:00", 5, "2024-03-15 17:30"},
		{"on a weekend n=15", "2024-03-10 11:00", 15, "2024-03-29 17:30"},
		// n <= 0: the end of the day itself, or of the next working day.
		{"n=0 on a workday", "2024-03-05 10:00", 0, "2024-03-05 17:30"},
		{"n=0 on a workday evening", "2024-03-05 20:00", 0, "2024-03-05 17:30"},
		{"n=0 on a holiday", "2024-02-12 10:00", 0, "2024-02-18 17:30"},
		{"n=-1 on a weekend", "2024-03-09 10:00", -1, "2024-03-11 17:30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := c.DueAfterWorkdays(at(t, c, tc.from), tc.n)
			if want := at(t, c, tc.want); !got.Equal(want) {
				t.Errorf("DueAfterWorkdays(%s, %d) = %s, want %s", tc.from, tc.n, got.In(c.Location()).Format(tsLayout), tc.want)
			}
			if got.Location() != c.Location() {
				t.Errorf("location = %v, want %v", got.Location(), c.Location())
			}
		})
	}
}

func TestAddWorkingDuration(t *testing.T) {
	c := loadCN(t)
	const h, m = time.Hour, time.Minute
	tests := []struct {
		name string
		from string
		d    time.Duration
		want string
	}{
		{"2h from 16:30 lands next working day", "2024-03-05 16:30", 2 * h, "2024-03-06 10:00"},
		{"2h from 11:00 crosses lunch", "2024-03-05 11:00", 2 * h, "2024-03-05 14:30"},
		{"2h from 16:30 on Friday lands Monday", "2024-03-08 16:30", 2 * h, "2024-03-11 10:00"},
		{"2h from 16:30 year end lands after New Year", "2025-12-31 16:30", 2 * h, "2026-01-04 10:00"},
		{"2h from 16:30 before Spring Festival", "2024-02-09 16:30", 2 * h, "2024-02-18 10:00"},
		{"morning window exactly", "2024-03-05 09:00", 3 * h, "2024-03-05 12:00"},
		{"afternoon window exactly", "2024-03-05 13:30", 4 * h, "2024-03-05 17:30"},
		{"whole day exactly", "2024-03-05 09:00", 7 * h, "2024-03-05 17:30"},
		{"whole day from midnight", "2024-03-05 00:00", 7 * h, "2024-03-05 17:30"},
		{"to lunch from 11:00", "2024-03-05 11:00", 1 * h, "2024-03-05 12:00"},
		{"from 12:00, a window end", "2024-03-05 12:00", 1 * h, "2024-03-05 14:30"},
		{"from 17:30, a window end", "2024-03-05 17:30", 1 * h, "2024-03-06 10:00"},
		{"from 13:30, a window start", "2024-03-05 13:30", 30 * m, "2024-03-05 14:00"},
		{"from 09:00, a window start", "2024-03-05 09:00", 1 * m, "2024-03-05 09:01"},
		{"early morning", "2024-03-05 08:00", 30 * m, "2024-03-05 09:30"},
		{"at night", "2024-03-05 22:00", 2 * h, "2024-03-06 11:00"},
		{"at lunch", "2024-03-05 12:45", 2 * h, "2024-03-05 15:30"},
		{"at lunch to the end of the day", "2024-03-05 12:45", 4 * h, "2024-03-05 17:30"},
		{"on a weekend", "2024-03-09 10:00", 30 * m, "2024-03-11 09:30"},
		{"on a holiday", "2024-10-01 10:00", 30 * m, "2024-10-08 09:30"},
		{"on a make-up Sunday", "2024-02-04 09:00", 1 * h, "2024-02-04 10:00"},
		{"15 working days", "2024-02-08 09:00", 15 * 7 * h, "2024-03-05 17:30"},
		{"zero", "2024-03-09 10:00", 0, "2024-03-09 10:00"},
		{"negative", "2024-03-05 10:00", -h, "2024-03-05 10:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from := at(t, c, tc.from)
			got := c.AddWorkingDuration(from, tc.d)
			if want := at(t, c, tc.want); !got.Equal(want) {
				t.Errorf("AddWorkingDuration(%s, %v) = %s, want %s", tc.from, tc.d, got.In(c.Location()).Format(tsLayout), tc.want)
			}
			if tc.d > 0 {
				if back := c.WorkingDuration(from, got); back != tc.d {
					t.Errorf("WorkingDuration back = %v, want %v", back, tc.d)
				}
			}
		})
	}
	// Seconds and nanoseconds are kept.
	from := at(t, c, "2024-03-05 11:59").Add(30*time.Second + 7)
	if got, want := c.AddWorkingDuration(from, time.Minute), at(t, c, "2024-03-05 13:30").Add(30*time.Second+7); !got.Equal(want) {
		t.Errorf("sub-minute: got %s, want %s", got, want)
	}
	// Another zone's instant is read in the calendar's location.
	utc := time.Date(2024, 3, 5, 8, 30, 0, 0, time.UTC) // 16:30 in Shanghai
	if got, want := c.AddWorkingDuration(utc, 2*time.Hour), at(t, c, "2024-03-06 10:00"); !got.Equal(want) || got.Location() != c.Location() {
		t.Errorf("from UTC: got %s, want %s", got, want)
	}
}

func TestWorkingDuration(t *testing.T) {
	c := loadCN(t)
	const h, m = time.Hour, time.Minute
	tests := []struct {
		name string
		a, b string
		want time.Duration
	}{
		{"overnight", "2024-03-05 16:30", "2024-03-06 10:00", 2 * h},
		{"whole day", "2024-03-05 00:00", "2024-03-06 00:00", 7 * h},
		{"lunch only", "2024-03-05 12:00", "2024-03-05 13:30", 0},
		{"across lunch", "2024-03-05 11:00", "2024-03-05 14:30", 2 * h},
		{"night only", "2024-03-05 17:30", "2024-03-06 09:00", 0},
		{"weekend", "2024-03-08 17:00", "2024-03-11 10:00", 90 * m},
		{"make-up Sunday", "2024-02-03 00:00", "2024-02-05 00:00", 7 * h},
		{"across National Day 2024", "2024-09-30 09:00", "2024-10-08 09:00", 7 * h},
		{"across New Year 2026", "2025-12-31 16:30", "2026-01-04 10:00", 2 * h},
		{"equal", "2024-03-05 10:00", "2024-03-05 10:00", 0},
		{"reversed", "2024-03-06 10:00", "2024-03-05 10:00", 0},
		{"two weeks", "2024-03-04 00:00", "2024-03-18 00:00", 10 * 7 * h},
	}
	for _, tc := range tests {
		if got := c.WorkingDuration(at(t, c, tc.a), at(t, c, tc.b)); got != tc.want {
			t.Errorf("%s: WorkingDuration(%s, %s) = %v, want %v", tc.name, tc.a, tc.b, got, tc.want)
		}
	}
}

func TestIsWorkingTime(t *testing.T) {
	c := loadCN(t)
	tests := []struct {
		at   string
		want bool
	}{
		{"2024-03-05 08:59", false},
		{"2024-03-05 09:00", true},
		{"2024-03-05 11:59", true},
		{"2024-03-05 12:00", false},
		{"2024-03-05 13:30", true},
		{"2024-03-05 17:29", true},
		{"2024-03-05 17:30", false},
		{"2024-03-09 10:00", false}, // Saturday
		{"2024-02-04 10:00", true},  // make-up Sunday
		{"2024-10-02 10:00", false}, // National Day
	}
	for _, tc := range tests {
		if got := c.IsWorkingTime(at(t, c, tc.at)); got != tc.want {
			t.Errorf("IsWorkingTime(%s) = %v, want %v", tc.at, got, tc.want)
		}
	}
}

// randomTime is a random instant in 2024–2026, at a random nanosecond.
func randomTime(r *rand.Rand, loc *time.Location) time.Time {
	lo := time.Date(2024, 1, 1, 0, 0, 0, 0, loc)
	hi := time.Date(2027, 1, 1, 0, 0, 0, 0, loc)
	switch r.IntN(4) {
	case 0: // on a minute, to hit window boundaries
		return lo.Add(time.Duration(r.Int64N(int64(hi.Sub(lo)/time.Minute))) * time.Minute)
	case 1: // exactly on a window boundary
		day := lo.AddDate(0, 0, r.IntN(3*365))
		w := DefaultWindows()[r.IntN(2)]
		off := w.Start
		if r.IntN(2) == 0 {
			off = w.End
		}
		return day.Add(off)
	default:
		return lo.Add(time.Duration(r.Int64N(int64(hi.Sub(lo)))))
	}
}

func TestPropertyInverse(t *testing.T) {
	c := loadCN(t)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		from := randomTime(r, c.Location())
		var d time.Duration
		switch r.IntN(3) {
		case 0: // whole minutes up to 15 working days
			d = time.Duration(r.Int64N(15*7*60+1)) * time.Minute
		case 1: // whole windows and days
			d = []time.Duration{3 * time.Hour, 4 * time.Hour, 7 * time.Hour, 14 * time.Hour, 35 * time.Hour}[r.IntN(5)]
		default: // any duration up to 60 working days
			d = time.Duration(r.Int64N(int64(60*7*time.Hour))) + 1
		}
		to := c.AddWorkingDuration(from, d)
		if got := c.WorkingDuration(from, to); got != d {
			t.Fatalf("#%d: WorkingDuration(%s, AddWorkingDuration(.., %v) = %s) = %v", i, from, d, to, got)
		}
		if to.Before(from) {
			t.Fatalf("#%d: AddWorkingDuration(%s, %v) = %s is before the start", i, from, d, to)
		}
		if d > 0 {
			// The result is inside a window of a working day, or exactly at
			// a window end.
			if !c.IsWorkday(to) {
				t.Fatalf("#%d: AddWorkingDuration(%s, %v) = %s is not on a working day", i, from, d, to)
			}
			if !c.IsWorkingTime(to) && !c.IsWorkingTime(to.Add(-1)) {
				t.Fatalf("#%d: AddWorkingDuration(%s, %v) = %s is outside working hours", i, from, d, to)
			}
			// A tiny bit less working time never lands later.
			if before := c.AddWorkingDuration(from, d-1); !before.Before(to) {
				t.Fatalf("#%d: AddWorkingDuration not increasing: %s then %s", i, before, to)
			}
		}
		// Additivity: two steps equal one.
		d1 := time.Duration(r.Int64N(int64(d) + 1))
		if two := c.AddWorkingDuration(c.AddWorkingDuration(from, d1), d-d1); d > d1 && d1 > 0 && !two.Equal(to) {
			t.Fatalf("#%d: %v + %v from %s = %s, want %s", i, d1, d-d1, from, two, to)
		}
	}
}

// slowWorkingDuration counts working minutes one by one, from the
// definition: a minute counts when it starts inside a default window of a
// working day.
func slowWorkingDuration(c *Calendar, a, b time.Time) time.Duration {
	var total time.Duration
	for t := a; t.Before(b); t = t.Add(time.Minute) {
		l := t.In(c.Location())
		off := time.Duration(l.Hour())*time.Hour + time.Duration(l.Minute())*time.Minute
		if !c.IsWorkday(l) {
			continue
		}
		for _, w := range DefaultWindows() {
			if off >= w.Start && off < w.End {
				total += time.Minute
			}
		}
	}
	return total
}

func TestPropertyWorkingDurationByMinutes(t *testing.T) {
	c := loadCN(t)
	r := rand.New(rand.NewPCG(3, 4))
	lo := time.Date(2024, 1, 1, 0, 0, 0, 0, c.Location())
	for i := range 300 {
		a := lo.Add(time.Duration(r.IntN(3*365*24*60)) * time.Minute)
		b := a.Add(time.Duration(r.IntN(10*24*60)) * time.Minute)
		if got, want := c.WorkingDuration(a, b), slowWorkingDuration(c, a, b); got != want {
			t.Fatalf("#%d: WorkingDuration(%s, %s) = %v, counted %v", i, a, b, got, want)
		}
	}
}

func TestPropertyDueOnWorkingDay(t *testing.T) {
	c := loadCN(t)
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 20000 {
		from := randomTime(r, c.Location())
		n := r.IntN(21) - 1
		due := c.DueAfterWorkdays(from, n)
		local := due.In(c.Location())
		if !c.IsWorkday(due) {
			t.Fatalf("#%d: DueAfterWorkdays(%s, %d) = %s is not a working day", i, from, n, due)
		}
		if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
			n, _ := parseDate(local.Format(dateLayout))
			if c.kinds[n] != Workday {
				t.Fatalf("#%d: due %s on a weekend that is not a make-up day", i, due)
			}
		}
		if local.Hour() != 17 || local.Minute() != 30 || local.Second() != 0 || local.Nanosecond() != 0 {
			t.Fatalf("#%d: due %s not at the end of working hours", i, due)
		}
		// Exactly n working days after the day of arrival, counting the due
		// date and never the day of arrival.
		if n >= 1 {
			fy, fm, fd := from.In(c.Location()).Date()
			count := 0
			for d := time.Date(fy, fm, fd+1, 12, 0, 0, 0, c.Location()); !d.After(due); d = d.AddDate(0, 0, 1) {
				if c.IsWorkday(d) {
					count++
				}
			}
			if count != n {
				t.Fatalf("#%d: DueAfterWorkdays(%s, %d) = %s spans %d working days", i, from, n, due, count)
			}
		}
		// NextWorkday never lands on a day off either.
		if next := c.NextWorkday(from); !c.IsWorkday(next) || !next.After(from) {
			t.Fatalf("#%d: NextWorkday(%s) = %s", i, from, next)
		}
	}
}

func TestCustomWindows(t *testing.T) {
	ws, err := ParseWindows("08:30-12:00, 14:00-18:00")
	if err != nil {
		t.Fatal(err)
	}
	cn := loadCN(t)
	c, err := New(cn.Location(), cn.Days(), ws)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.DueAfterWorkdays(at(t, c, "2025-12-31 20:00"), 1), at(t, c, "2026-01-04 18:00"); !got.Equal(want) {
		t.Errorf("due = %s, want %s", got, want)
	}
	if got, want := c.AddWorkingDuration(at(t, c, "2024-03-05 17:00"), 2*time.Hour), at(t, c, "2024-03-06 09:30"); !got.Equal(want) {
		t.Errorf("add = %s, want %s", got, want)
	}
	if got := c.WorkingDuration(at(t, c, "2024-03-05 00:00"), at(t, c, "2024-03-06 00:00")); got != 7*time.Hour+30*time.Minute {
		t.Errorf("day = %v", got)
	}
	if got := c.Windows(); !slices.Equal(got, ws) {
		t.Errorf("Windows() = %v, want %v", got, ws)
	}
}

// TestDST checks a zone with daylight saving time: New York moved from 02:00
// EST to 03:00 EDT on Sunday 2024-03-10 and back on Sunday 2024-11-03; both
// are make-up working days here.
func TestDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	days := []Day{{Date: "2024-03-10", Kind: Workday}, {Date: "2024-11-03", Kind: Workday}}
	ws, err := ParseWindows("00:00-24:00")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(ny, days, ws)
	if err != nil {
		t.Fatal(err)
	}
	spring := time.Date(2024, 3, 10, 0, 0, 0, 0, ny)
	if got := c.WorkingDuration(spring, spring.AddDate(0, 0, 1)); got != 23*time.Hour {
		t.Errorf("spring day = %v, want 23h", got)
	}
	if got, want := c.AddWorkingDuration(spring, 23*time.Hour), time.Date(2024, 3, 11, 0, 0, 0, 0, ny); !got.Equal(want) {
		t.Errorf("spring add = %s, want %s", got, want)
	}
	fall := time.Date(2024, 11, 3, 0, 0, 0, 0, ny)
	if got := c.WorkingDuration(fall, fall.AddDate(0, 0, 1)); got != 25*time.Hour {
		t.Errorf("fall day = %v, want 25h", got)
	}
	if got, want := c.EndOfWorkday(fall.Add(12*time.Hour)), time.Date(2024, 11, 4, 0, 0, 0, 0, ny); !got.Equal(want) {
		t.Errorf("fall end = %s, want %s", got, want)
	}

	// Default windows: 09:00 is a wall-clock time, on both sides of the change.
	c, err = New(ny, days, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.AddWorkingDuration(time.Date(2024, 3, 9, 12, 0, 0, 0, ny), time.Hour), time.Date(2024, 3, 10, 10, 0, 0, 0, ny); !got.Equal(want) {
		t.Errorf("add across the change = %s, want %s", got, want)
	}
	if got, want := c.DueAfterWorkdays(time.Date(2024, 3, 8, 12, 0, 0, 0, ny), 1), time.Date(2024, 3, 10, 17, 30, 0, 0, ny); !got.Equal(want) {
		t.Errorf("due across the change = %s, want %s", got, want)
	}
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 2000 {
		from := randomTime(r, ny)
		d := time.Duration(r.Int64N(int64(20 * 7 * time.Hour)))
		if got := c.WorkingDuration(from, c.AddWorkingDuration(from, d)); got != d {
			t.Fatalf("#%d: inverse from %s by %v: %v", i, from, d, got)
		}
	}
}

func TestParseWindows(t *testing.T) {
	const h, m = time.Hour, time.Minute
	good := []struct {
		in   string
		want []Window
	}{
		{"09:00-12:00,13:30-17:30", DefaultWindows()},
		{" 9:00 - 12:00 , 13:30-17:30 ", DefaultWindows()},
		{"00:00-24:00", []Window{{0, 24 * h}}},
		{"08:00-12:00,12:00-16:15", []Window{{8 * h, 12 * h}, {12 * h, 16*h + 15*m}}},
	}
	for _, tc := range good {
		got, err := ParseWindows(tc.in)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseWindows(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	bad := []string{
		"", " ", "09:00", "09:00-", "9-12", "09:00-12", "09:00-12:00,",
		"12:00-09:00", "09:00-09:00", "13:30-17:30,09:00-12:00",
		"09:00-12:00,11:00-13:00", "25:00-26:00", "09:60-10:00",
		"24:30-24:45", "-1:00-02:00", "+9:00-12:00", "09:00-12:00;13:30-17:30",
		"a:bc-12:00", "009:00-12:00",
	}
	for _, in := range bad {
		if got, err := ParseWindows(in); err == nil {
			t.Errorf("ParseWindows(%q) = %v, want an error", in, got)
		}
	}
	if got := DefaultWindows()[1].String(); got != "13:30-17:30" {
		t.Errorf("String() = %q", got)
	}
	var total time.Duration
	for _, w := range DefaultWindows() {
		total += w.End - w.Start
	}
	if total != 7*time.Hour {
		t.Errorf("default windows total %v, want 7h", total)
	}
}

func TestNewErrors(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name    string
		loc     *time.Location
		days    []Day
		windows []Window
		want    string // in the error
	}{
		{"duplicate", loc, []Day{{Date: "2024-02-04", Kind: Workday}, {Date: "2024-02-10", Kind: Holiday}, {Date: "2024-02-04", Kind: Holiday}}, nil, "duplicate date 2024-02-04"},
		{"bad date", loc, []Day{{Date: "2024-02-30", Kind: Holiday}}, nil, "2024-02-30"},
		{"unpadded date", loc, []Day{{Date: "2024-2-3", Kind: Holiday}}, nil, "2024-2-3"},
		{"bad kind", loc, []Day{{Date: "2024-02-10", Kind: "vacation"}}, nil, "vacation"},
		{"empty kind", loc, []Day{{Date: "2024-02-10"}}, nil, "kind"},
		{"nil location", nil, nil, nil, "location"},
		{"empty windows", loc, nil, []Window{}, "window"},
		{"overlapping windows", loc, nil, []Window{{9 * time.Hour, 12 * time.Hour}, {11 * time.Hour, 13 * time.Hour}}, "overlaps"},
		{"window past midnight", loc, nil, []Window{{22 * time.Hour, 25 * time.Hour}}, "outside"},
		{"negative window", loc, nil, []Window{{-time.Hour, time.Hour}}, "outside"},
	}
	for _, tc := range tests {
		c, err := New(tc.loc, tc.days, tc.windows)
		if err == nil {
			t.Errorf("%s: New succeeded: %v", tc.name, c)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not mention %q", tc.name, err, tc.want)
		}
	}
	// A holiday on a weekend is fine, and the input slices are not kept.
	days := []Day{{Date: "2024-02-10", Kind: Holiday, Name: "春节"}, {Date: "2023-12-30", Kind: Holiday}}
	ws := DefaultWindows()
	c, err := New(loc, days, ws)
	if err != nil {
		t.Fatal(err)
	}
	days[0].Kind = Workday
	ws[1].End = 23 * time.Hour
	if c.IsWorkday(time.Date(2024, 2, 10, 10, 0, 0, 0, loc)) {
		t.Error("New kept the caller's days slice")
	}
	if got := c.EndOfWorkday(time.Date(2024, 2, 9, 10, 0, 0, 0, loc)); got.Hour() != 17 {
		t.Error("New kept the caller's windows slice")
	}
	if got, want := c.Years(), []int{2023, 2024}; !slices.Equal(got, want) {
		t.Errorf("Years() = %v, want %v", got, want)
	}
	if got := c.Days(); got[0].Date != "2023-12-30" {
		t.Errorf("Days() not sorted: %v", got)
	}
	empty, err := New(loc, nil, nil)
	if err != nil || len(empty.Years()) != 0 {
		t.Errorf("New with no days: %v, %v", empty, err)
	}
}

func TestParseCSVErrors(t *testing.T) {
	const header = "date,kind,name,source\n"
	tests := []struct {
		name string
		in   string
		want []string // in the error
	}{
		{"bad date", header + "2024-01-01,holiday,元旦,x\n2024-13-01,holiday,元旦,x\n", []string{"line 3", "2024-13-01"}},
		{"bad kind", header + "2024-01-01,holiday,元旦,x\n2024-02-04,workday,春节,x\n2024-02-10,vacation,春节,x\n", []string{"line 4", "vacation"}},
		{"too few fields", header + "2024-01-01,holiday\n", []string{"line 2", "fields"}},
		{"too many fields", header + "2024-01-01,holiday,a,b,c\n", []string{"line 2", "fields"}},
		{"duplicate", header + "2024-01-01,holiday,,\n2024-02-04,workday,,\n2024-01-01,holiday,,\n", []string{"line 4", "line 2", "2024-01-01"}},
		{"bad quote", header + "2024-01-01,holiday,\"元旦,x\n", []string{"line 2"}},
		{"bad header", "day,kind,name,source\n2024-01-01,holiday,,\n", []string{"line 1", "header"}},
		{"empty", "", []string{"line 1", "header"}},
	}
	for _, tc := range tests {
		days, err := ParseCSV(strings.NewReader(tc.in))
		if err == nil {
			t.Errorf("%s: ParseCSV succeeded: %v", tc.name, days)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, w)
			}
		}
	}
}

func TestParseCSV(t *testing.T) {
	in := "\uFEFFDate, Kind ,name,source\r\n" +
		"2024-02-04, workday ,春节,\"http://example.org/a,b\"\r\n" +
		"\r\n" +
		"2024-02-10,holiday,,\r\n"
	days, err := ParseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Day{
		{Date: "2024-02-04", Kind: Workday, Name: "春节", Source: "http://example.org/a,b"},
		{Date: "2024-02-10", Kind: Holiday},
	}
	if !slices.Equal(days, want) {
		t.Errorf("ParseCSV = %+v, want %+v", days, want)
	}
	days, err = ParseCSV(strings.NewReader("date,kind,name,source\n"))
	if err != nil || len(days) != 0 {
		t.Errorf("header only: %v, %v", days, err)
	}
}

func BenchmarkAddWorkingDuration15Days(b *testing.B) {
	c := loadCN(b)
	from := at(b, c, "2025-09-26 15:00") // across National Day
	for b.Loop() {
		c.AddWorkingDuration(from, 15*7*time.Hour)
	}
}

func BenchmarkAddWorkingDuration3Years(b *testing.B) {
	c := loadCN(b)
	from := at(b, c, "2024-01-01 00:00")
	for b.Loop() {
		c.AddWorkingDuration(from, 3*250*7*time.Hour)
	}
}

func BenchmarkWorkingDuration3Years(b *testing.B) {
	c := loadCN(b)
	from, to := at(b, c, "2024-01-01 10:00"), at(b, c, "2026-12-31 16:00")
	for b.Loop() {
		c.WorkingDuration(from, to)
	}
}

func BenchmarkDueAfterWorkdays15(b *testing.B) {
	c := loadCN(b)
	from := at(b, c, "2025-09-26 15:00")
	for b.Loop() {
		c.DueAfterWorkdays(from, 15)
	}
}
