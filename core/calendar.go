package core

import (
	"context"
	"fmt"
	"slices"
	"time"

	"hotline/calendar"
	"hotline/domain"
	"hotline/repo"
)

// CalendarYear is one year of the working calendar.
type CalendarYear struct {
	Year     int      `json:"year"`
	Holidays []string `json:"holidays"`
	Workdays []string `json:"workdays"`
}

// GetCalendarYear returns the holidays and make-up working days of a year.
func (c *Core) GetCalendarYear(ctx context.Context, year int) (CalendarYear, error) {
	if !domain.YearInRange(year) {
		return CalendarYear{}, domain.ValidationError{{Field: "year", Message: "a year " + domain.TimeRangeMessage}}
	}
	rows, err := c.store.Q().ListCalendarDays(ctx)
	if err != nil {
		return CalendarYear{}, err
	}
	out := CalendarYear{Year: year, Holidays: []string{}, Workdays: []string{}}
	for _, r := range rows {
		if r.Day.Year() != year {
			continue
		}
		if r.Kind == string(calendar.Holiday) {
			out.Holidays = append(out.Holidays, r.Day.Format("2006-01-02"))
		} else {
			out.Workdays = append(out.Workdays, r.Day.Format("2006-01-02"))
		}
	}
	return out, nil
}

// PutCalendarYear replaces a year's holidays and make-up working days.
func (c *Core) PutCalendarYear(ctx context.Context, year int, in CalendarYear) (CalendarYear, error) {
	var v domain.ValidationError
	if !domain.YearInRange(year) {
		v.Add("year", "a year %s", domain.TimeRangeMessage)
	}
	var days []repo.CalendarDay
	seen := map[string]bool{}
	check := func(field string, list []string, kind calendar.DayKind) {
		if len(list) > 366 {
			v.Add(field, "at most 366 dates")
			return
		}
		for i, s := range list {
			d, err := time.ParseInLocation("2006-01-02", s, time.UTC)
			switch {
			case err != nil:
				v.Add(fmt.Sprintf("%s[%d]", field, i), "not a date YYYY-MM-DD: %q", s)
			case d.Year() != year:
				v.Add(fmt.Sprintf("%s[%d]", field, i), "%s is not in %d", s, year)
			case seen[s]:
				v.Add(fmt.Sprintf("%s[%d]", field, i), "%s is listed twice", s)
			case kind == calendar.Workday && d.Weekday() != time.Saturday && d.Weekday() != time.Sunday:
				v.Add(fmt.Sprintf("%s[%d]", field, i), "%s is a weekday; list only weekend days that are worked", s)
			default:
				seen[s] = true
				days = append(days, repo.CalendarDay{Day: d, Kind: string(kind)})
			}
		}
	}
	check("holidays", in.Holidays, calendar.Holiday)
	check("workdays", in.Workdays, calendar.Workday)
	if err := v.Err(); err != nil {
		return CalendarYear{}, err
	}
	slices.SortFunc(days, func(a, b repo.CalendarDay) int { return a.Day.Compare(b.Day) })
	if err := c.store.Tx(ctx, func(q *repo.Q) error { return q.ReplaceCalendarYear(ctx, year, days) }); err != nil {
		return CalendarYear{}, err
	}
	c.invalidateCalendar()
	c.changed(repo.ChangeCalendar)
	return c.GetCalendarYear(ctx, year)
}

// Calendar returns the working calendar, reloading it from the database when
// it changed: at once when the change is announced (see cache.go), and
// otherwise when a check of its version, at most every 30 seconds, finds it
// changed.
func (c *Core) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	c.calMu.Lock()
	defer c.calMu.Unlock()
	age, gen := time.Since(c.calChecked), c.caches.calendar.Load()
	fresh := age < 30*time.Second
	if c.caches.on.Load() {
		fresh = gen == c.calGen && age < cacheMaxAge
	}
	if c.cal != nil && fresh {
		return c.cal, nil
	}
	version, err := c.store.Q().CalendarVersion(ctx)
	if err != nil {
		if c.cal != nil {
			return c.cal, nil
		}
		return nil, fmt.Errorf("read calendar version: %w", err)
	}
	c.calChecked, c.calGen = time.Now(), gen
	if c.cal != nil && version == c.calVersion {
		return c.cal, nil
	}
	rows, err := c.store.Q().ListCalendarDays(ctx)
	if err != nil {
		return nil, fmt.Errorf("read calendar: %w", err)
	}
	days := make([]calendar.Day, len(rows))
	for i, r := range rows {
		days[i] = calendar.Day{Date: r.Day.Format("2006-01-02"), Kind: calendar.DayKind(r.Kind), Name: r.Name, Source: r.Source}
	}
	cal, err := calendar.New(c.set.Location, days, c.set.Windows)
	if err != nil {
		return nil, fmt.Errorf("build calendar: %w", err)
	}
	c.cal, c.calVersion = cal, version
	return cal, nil
}

func (c *Core) invalidateCalendar() {
	c.calMu.Lock()
	c.calChecked = time.Time{}
	c.calMu.Unlock()
}
