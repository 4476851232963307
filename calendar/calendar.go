// Package calendar does working-day and working-hour arithmetic on the
// department's working calendar.
//
// A day is a working day when it is Monday to Friday and not a public holiday,
// or when it is a make-up working day (调休: a weekend day that is worked).
// Holidays and make-up days are data ([Day]), never code. Inside a working day
// only the working windows count ([Window], by default 09:00–12:00 and
// 13:30–17:30, seven hours).
//
// All dates are local dates in the calendar's location, and every local time is
// computed with [time.Date] in that location, so zones with daylight saving
// time are handled: a window is a span of wall-clock time, and its length is the
// real time elapsed between its start and its end on that date.
//
// A [Calendar] is immutable and safe for concurrent use. The package does no
// I/O apart from [ParseCSV], which reads an [io.Reader].
package calendar

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// DayKind says what a listed [Day] is.
type DayKind string

const (
	// Holiday is a day off, whatever day of the week it falls on.
	Holiday DayKind = "holiday"
	// Workday is a working day, normally a weekend day that is worked (调休).
	Workday DayKind = "workday"
)

// Valid reports whether k is [Holiday] or [Workday].
func (k DayKind) Valid() bool { return k == Holiday || k == Workday }

// Day is one exception to the Monday-to-Friday rule.
type Day struct {
	// Date is the local date, YYYY-MM-DD.
	Date string `json:"date"`
	// Kind is Holiday for a day off or Workday for a day worked.
	Kind DayKind `json:"kind"`
	// Name is the holiday's name, e.g. 春节; informative only.
	Name string `json:"name"`
	// Source is where the day comes from, e.g. the State Council notice's URL.
	Source string `json:"source"`
}

// dateLayout is the layout of Day.Date.
const dateLayout = "2006-01-02"

// dayNum is a civil date counted in days since 1970-01-01 (proleptic
// Gregorian); it carries no zone.
type dayNum int64

func toDayNum(y int, m time.Month, d int) dayNum {
	// Midnight UTC is a whole number of days since the epoch, so the division
	// is exact, negative years included.
	return dayNum(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (n dayNum) date() (int, time.Month, int) {
	return time.Unix(int64(n)*86400, 0).UTC().Date()
}

func (n dayNum) weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday(((int64(n) % 7) + 7 + int64(time.Thursday)) % 7)
}

// parseDate parses a strict YYYY-MM-DD date.
func parseDate(s string) (dayNum, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil || t.Format(dateLayout) != s {
		return 0, fmt.Errorf("invalid date %q (want YYYY-MM-DD)", s)
	}
	return toDayNum(t.Date()), nil
}

// Calendar is a working calendar: a location, the listed holidays and make-up
// working days, and the working windows of a working day. Build it with [New].
// It is immutable and safe for concurrent use.
type Calendar struct {
	loc     *time.Location
	kinds   map[dayNum]DayKind
	days    []Day // sorted by date
	windows []Window
	years   []int
}

// New builds a calendar in loc from the listed days and the working windows of
// a working day.
//
// Every Day must have a valid YYYY-MM-DD date and a Kind of [Holiday] or
// [Workday]; a date may be listed only once. A holiday on a weekend and a
// workday on a weekday are accepted (neither changes anything). Nil windows
// mean [DefaultWindows]; otherwise the windows must be non-empty, each
// non-empty and inside the day (0 to 24h), sorted and non-overlapping.
func New(loc *time.Location, days []Day, windows []Window) (*Calendar, error) {
	if loc == nil {
		return nil, errors.New("calendar: nil location")
	}
	if windows == nil {
		windows = DefaultWindows()
	}
	if err := validateWindows(windows); err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	c := &Calendar{
		loc:     loc,
		kinds:   make(map[dayNum]DayKind, len(days)),
		days:    make([]Day, 0, len(days)),
		windows: slices.Clone(windows),
	}
	for i, d := range days {
		n, err := parseDate(d.Date)
		if err != nil {
			return nil, fmt.Errorf("calendar: day %d: %w", i+1, err)
		}
		if !d.Kind.Valid() {
			return nil, fmt.Errorf("calendar: day %d (%s): invalid kind %q (want %q or %q)", i+1, d.Date, d.Kind, Holiday, Workday)
		}
		if _, dup := c.kinds[n]; dup {
			return nil, fmt.Errorf("calendar: day %d: duplicate date %s", i+1, d.Date)
		}
		c.kinds[n] = d.Kind
		c.days = append(c.days, d)
		if y, _, _ := n.date(); !slices.Contains(c.years, y) {
			c.years = append(c.years, y)
		}
	}
	slices.SortFunc(c.days, func(a, b Day) int {
		if a.Date < b.Date {
			return -1
		}
		if a.Date > b.Date {
			return 1
		}
		return 0
	})
	slices.Sort(c.years)
	return c, nil
}

// Location returns the calendar's location: local dates and local times are
// taken there.
func (c *Calendar) Location() *time.Location { return c.loc }

// Windows returns a copy of the working windows of a working day.
func (c *Calendar) Windows() []Window { return slices.Clone(c.windows) }

// Days returns a copy of the listed days, sorted by date.
func (c *Calendar) Days() []Day { return slices.Clone(c.days) }

// Years returns the years that have at least one listed Day, sorted.
func (c *Calendar) Years() []int { return slices.Clone(c.years) }

// localDay is the local date of t.
func (c *Calendar) localDay(t time.Time) dayNum {
	return toDayNum(t.In(c.loc).Date())
}

// isWorkday reports whether the local date n is a working day.
func (c *Calendar) isWorkday(n dayNum) bool {
	if k, ok := c.kinds[n]; ok {
		return k == Workday
	}
	wd := n.weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// clock is the instant of the wall-clock offset off on the local date y-m-d.
func (c *Calendar) clock(y int, m time.Month, d int, off time.Duration) time.Time {
	// Split the offset so that it fits a 32-bit int.
	return time.Date(y, m, d, 0, 0, int(off/time.Second), int(off%time.Second), c.loc)
}

// endOf is the end of the last window on the local date n.
func (c *Calendar) endOf(n dayNum) time.Time {
	y, m, d := n.date()
	return c.clock(y, m, d, c.windows[len(c.windows)-1].End)
}

// nextWorkday is the first working day on or after n.
func (c *Calendar) nextWorkday(n dayNum) dayNum {
	for !c.isWorkday(n) {
		n++
	}
	return n
}

// IsWorkday reports whether t's local date is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	return c.isWorkday(c.localDay(t))
}

// IsWorkingTime reports whether t falls inside a working window of a working
// day: at or after a window's start and before its end.
func (c *Calendar) IsWorkingTime(t time.Time) bool {
	n := c.localDay(t)
	if !c.isWorkday(n) {
		return false
	}
	y, m, d := n.date()
	for _, w := range c.windows {
		if !t.Before(c.clock(y, m, d, w.Start)) && t.Before(c.clock(y, m, d, w.End)) {
			return true
		}
	}
	return false
}

// NextWorkday returns local midnight of the first working day strictly after
// t's local date.
func (c *Calendar) NextWorkday(t time.Time) time.Time {
	y, m, d := c.nextWorkday(c.localDay(t) + 1).date()
	return time.Date(y, m, d, 0, 0, 0, 0, c.loc)
}

// EndOfWorkday returns t's local date at the end of its last working window
// (17:30 with the default windows). It does not check that the date is a
// working day; the result is only meaningful when it is.
func (c *Calendar) EndOfWorkday(t time.Time) time.Time {
	return c.endOf(c.localDay(t))
}

// DueAfterWorkdays returns the due time for "within n working days of t": the
// end of working hours (the end of the last window) of the n-th working day
// after t's local date. The date of t itself never counts, whatever the hour
// and whether or not it is a working day: an item received on Friday at 08:00
// with n = 1 is due on the next working day (normally Monday) at the end of its
// working hours.
//
// For n <= 0 it returns the end of working hours of t's date if that is a
// working day (even when t is later that evening), else of the next working
// day.
func (c *Calendar) DueAfterWorkdays(t time.Time, n int) time.Time {
	day := c.localDay(t)
	if n <= 0 {
		return c.endOf(c.nextWorkday(day))
	}
	for ; n > 0; n-- {
		day = c.nextWorkday(day + 1)
	}
	return c.endOf(day)
}

// AddWorkingDuration moves forward from t by d of working time, counting only
// time inside the windows of working days. Starting outside working hours
// (at night, at lunch, on a weekend or a holiday) means starting at the next
// window's start. When the result falls exactly on a window's end, that end is
// returned, not the next window's start. For d <= 0 it returns t.
//
// The result is in the calendar's location. It walks day by day, so the cost
// grows with the number of calendar days covered, never with d's precision.
func (c *Calendar) AddWorkingDuration(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t.In(c.loc)
	}
	for day := c.localDay(t); ; day++ {
		if !c.isWorkday(day) {
			continue
		}
		y, m, dd := day.date()
		for _, w := range c.windows {
			end := c.clock(y, m, dd, w.End)
			if !end.After(t) {
				continue
			}
			start := c.clock(y, m, dd, w.Start)
			if t.After(start) {
				start = t
			}
			avail := end.Sub(start)
			if d <= avail {
				return start.Add(d).In(c.loc)
			}
			d -= avail
		}
	}
}

// WorkingDuration returns the working time between a and b: the time inside the
// windows of working days that lies in [a, b). It returns 0 if b is not after
// a. It is the inverse of [Calendar.AddWorkingDuration]:
// WorkingDuration(t, AddWorkingDuration(t, d)) == d for every d >= 0.
func (c *Calendar) WorkingDuration(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	var total time.Duration
	last := c.localDay(b)
	for day := c.localDay(a); day <= last; day++ {
		if !c.isWorkday(day) {
			continue
		}
		y, m, dd := day.date()
		for _, w := range c.windows {
			lo, hi := c.clock(y, m, dd, w.Start), c.clock(y, m, dd, w.End)
			if a.After(lo) {
				lo = a
			}
			if b.Before(hi) {
				hi = b
			}
			if hi.After(lo) {
				total += hi.Sub(lo)
			}
		}
	}
	return total
}
