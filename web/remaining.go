package web

import (
	"fmt"
	"time"

	"hotline/calendar"
	"hotline/core"
	"hotline/domain"
)

// remainingTime is what is left of an item's working time, as text (never
// colour alone) and a class that colours it.
type remainingTime struct {
	Text  string
	Class string // "due-none", "due-ok", "due-soon" or "overdue"
}

// soon is how little working time left turns the text amber.
const soon = 4 * time.Hour

// remainingFor says how much working time an item has left before its due
// time, counted on the working calendar: 剩余 1 个工作日 3 小时, or 已超时 2
// 小时 once past it. Items no unit is working on have no remaining time.
func remainingFor(cal *calendar.Calendar, now time.Time, it core.ItemView) remainingTime {
	st := domain.Status(it.Status)
	if it.DueAt == nil || (st != domain.Dispatched && st != domain.Accepted) {
		return remainingTime{Text: "—", Class: "due-none"}
	}
	day := workdayLength(cal)
	if now.Before(*it.DueAt) {
		left := cal.WorkingDuration(now, *it.DueAt)
		class := "due-ok"
		if left < soon {
			class = "due-soon"
		}
		return remainingTime{Text: "剩余 " + workingSpan(left, day), Class: class}
	}
	late := cal.WorkingDuration(*it.DueAt, now)
	if late < time.Minute {
		return remainingTime{Text: "已超时", Class: "overdue"}
	}
	return remainingTime{Text: "已超时 " + workingSpan(late, day), Class: "overdue"}
}

// workdayLength is the working time of one working day.
func workdayLength(cal *calendar.Calendar) time.Duration {
	var d time.Duration
	for _, w := range cal.Windows() {
		d += w.End - w.Start
	}
	if d <= 0 {
		return 24 * time.Hour
	}
	return d
}

// workingSpan writes a working duration in working days and hours, or in
// minutes under an hour: "1 个工作日 3 小时", "5 小时", "25 分钟".
func workingSpan(d, day time.Duration) string {
	days := int(d / day)
	rest := d - time.Duration(days)*day
	hours := int(rest / time.Hour)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d 个工作日 %d 小时", days, hours)
	case days > 0:
		return fmt.Sprintf("%d 个工作日", days)
	case hours > 0:
		return fmt.Sprintf("%d 小时", hours)
	}
	return fmt.Sprintf("%d 分钟", max(int(rest/time.Minute), 1))
}
