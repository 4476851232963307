package domain

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a civil date without a zone, as the statute counts days.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads a strict YYYY-MM-DD date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil || t.Format("2006-01-02") != s {
		return Date{}, fmt.Errorf("invalid date %q (want YYYY-MM-DD)", s)
	}
	return DateOf(t), nil
}

// DateOf is the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String is YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// IsZero reports whether d is the zero date.
func (d Date) IsZero() bool { return d == Date{} }

// In is local midnight of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays is d moved by n calendar days.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Compare is -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	a, b := d.In(time.UTC), e.In(time.UTC)
	return a.Compare(b)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Value stores a date as YYYY-MM-DD, so no zone can shift it.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a Postgres date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = DateOf(v)
		return nil
	case string:
		x, err := ParseDate(v)
		*d = x
		return err
	case []byte:
		x, err := ParseDate(string(v))
		*d = x
		return err
	}
	return fmt.Errorf("scan date from %T", src)
}

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// DayCalendar tells working days apart; calendar.Calendar implements it.
type DayCalendar interface {
	Location() *time.Location
	IsWorkday(t time.Time) bool
}

func isWorkday(cal DayCalendar, d Date) bool {
	return cal.IsWorkday(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, cal.Location()))
}

// WorkdayAfter is the n-th working day after d (d itself never counts); for
// n <= 0 it is d.
func WorkdayAfter(cal DayCalendar, d Date, n int) Date {
	for ; n > 0; n-- {
		d = d.AddDays(1)
		for !isWorkday(cal, d) {
			d = d.AddDays(1)
		}
	}
	return d
}

// WorkdaysBetween counts the working days after a up to and including b
// (0 when b is not after a).
func WorkdaysBetween(cal DayCalendar, a, b Date) int {
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if isWorkday(cal, d) {
			n++
		}
	}
	return n
}

// DisclosurePause is a span that does not count on the clock: a
// consultation of a third party or another agency, or a fee notice waiting
// for payment. The working days after From up to and including To are
// paused, at most Max of them (0: no cap). An open pause (To nil) runs to its
// cap, so it must have one; one without is ignored.
type DisclosurePause struct {
	From Date
	To   *Date
	Max  int
}

// DisclosureClock is what due_on is computed from: the day the clock
// started (the receipt day, or the day a supplement arrived), the pauses and
// an approved extension.
type DisclosureClock struct {
	Start         Date
	Pauses        []DisclosurePause
	ExtensionDays int
}

// Due returns the statutory due date without the extension (original) and
// with it (due): the 20th (20 + extension) working day after Start that is
// not paused. The start day itself never counts.
func (c DisclosureClock) Due(cal DayCalendar) (original, due Date) {
	paused := c.pausedDays(cal)
	d, counted := c.Start, 0
	step := func(until int) {
		for counted < until {
			d = d.AddDays(1)
			if isWorkday(cal, d) && !paused[d] {
				counted++
			}
		}
	}
	step(DisclosureReplyWorkdays)
	original = d
	step(DisclosureReplyWorkdays + max(c.ExtensionDays, 0))
	return original, d
}

// pausedDays are the working days any pause covers.
func (c DisclosureClock) pausedDays(cal DayCalendar) map[Date]bool {
	out := map[Date]bool{}
	for _, p := range c.Pauses {
		if p.To == nil && p.Max <= 0 {
			continue
		}
		n := 0
		for d := p.From.AddDays(1); (p.To == nil || !d.After(*p.To)) && (p.Max <= 0 || n < p.Max); d = d.AddDays(1) {
			if isWorkday(cal, d) {
				out[d] = true
				n++
			}
		}
	}
	return out
}

// CorrectionAskBy is the last day a 补正 may be asked for an application
// received on `received`: the 7th working day after it.
func CorrectionAskBy(cal DayCalendar, received Date) Date {
	return WorkdayAfter(cal, received, DisclosureCorrectionWorkdays)
}

// FeePayBy is the last day to pay a fee notified on `notified`.
func FeePayBy(cal DayCalendar, notified Date) Date {
	return WorkdayAfter(cal, notified, DisclosureFeeWorkdays)
}

// ConsultationPause is the pause of a consultation sent on `sent` and
// answered on `answered` (nil while open): at most 15 working days.
func ConsultationPause(sent Date, answered *Date) DisclosurePause {
	return DisclosurePause{From: sent, To: answered, Max: DisclosureConsultWorkdays}
}

// FeePause is the pause of a fee notice sent on `notified` and paid on
// `paid` (nil while unpaid: it runs to the payment deadline).
func FeePause(notified Date, paid *Date) DisclosurePause {
	if paid == nil {
		return DisclosurePause{From: notified, Max: DisclosureFeeWorkdays}
	}
	return DisclosurePause{From: notified, To: paid}
}
