package repo

import (
	"context"
	"fmt"
	"time"
)

// CalendarDay is a row of calendar_days.
type CalendarDay struct {
	Day    time.Time `db:"day"`
	Kind   string    `db:"kind"`
	Name   string    `db:"name"`
	Source string    `db:"source"`
}

// ListCalendarDays returns every special day.
func (q *Q) ListCalendarDays(ctx context.Context) ([]CalendarDay, error) {
	var out []CalendarDay
	err := sqlxSelect(ctx, q, "list calendar days", &out, `SELECT day, kind, name, source FROM calendar_days ORDER BY day`)
	return out, err
}

// ReplaceCalendarYear replaces the special days of one year.
func (q *Q) ReplaceCalendarYear(ctx context.Context, year int, days []CalendarDay) error {
	if _, err := q.x.ExecContext(ctx, `DELETE FROM calendar_days WHERE extract(year FROM day) = $1`, year); err != nil {
		return fmt.Errorf("clear calendar year: %w", err)
	}
	for _, d := range days {
		if _, err := q.x.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, name, source) VALUES ($1, $2, $3, $4)`,
			d.Day.Format("2006-01-02"), d.Kind, d.Name, d.Source); err != nil {
			return fmt.Errorf("save calendar day: %w", err)
		}
	}
	return nil
}

// CalendarVersion is a cheap fingerprint of the calendar table, so that each
// process notices another's edit.
func (q *Q) CalendarVersion(ctx context.Context) (string, error) {
	var v string
	err := sqlxGet(ctx, q, "read calendar version", &v, `SELECT count(*)::text || ':' || coalesce(md5(string_agg(day::text || kind, ',' ORDER BY day)), '')
		FROM calendar_days`)
	return v, err
}
