package demodata

import (
	"math"
	"sort"
	"time"

	"hotline/calendar"
)

// timeline spreads items over the loaded period: one weight per hour, the
// product of a yearly growth, the month, the day (working day, weekend,
// public holiday) and the hour of the day. Item k of n is received at the
// (k + jitter)/n quantile of the weights, so ids grow with received_at.
type timeline struct {
	start int64     // unix second of the first slot
	end   int64     // unix second of now: nothing is received after it
	cum   []float64 // cumulative weight at the end of each hour slot
}

// hourWeights is the share of calls by hour of the day: mostly 8:00-20:00.
func hourWeights() [24]float64 {
	return [24]float64{0.03, 0.02, 0.015, 0.015, 0.02, 0.04, 0.1, 0.3, 0.9, 1.4, 1.5, 1.35, 0.8, 0.9, 1.3, 1.35,
		1.3, 1.0, 0.65, 0.5, 0.35, 0.18, 0.09, 0.05}
}

// monthWeights are the seasons: busier in the summer travel months.
func monthWeights() [12]float64 {
	return [12]float64{1.05, 0.95, 1.0, 1.0, 1.05, 1.0, 1.1, 1.12, 1.0, 1.02, 0.96, 0.95}
}

// weekdayWeights from Sunday: Mondays are the busiest working days.
func weekdayWeights() [7]float64 {
	return [7]float64{0.42, 1.15, 1.05, 1.0, 1.0, 0.95, 0.48}
}

// newTimeline builds the weights from start to end. holidays names the
// public holidays (YYYY-MM-DD → name).
func newTimeline(cal *calendar.Calendar, holidays map[string]string, start, end time.Time) *timeline {
	loc := cal.Location()
	first := start.Truncate(time.Hour)
	tl := &timeline{start: first.Unix(), end: end.Unix()}
	growth := math.Log(1.3) / (365.25 * 24 * 3600) // +30% a year
	hw, mw, ww := hourWeights(), monthWeights(), weekdayWeights()
	sum := 0.0
	var dayFactor float64
	lastDay := -1
	for t := first; t.Before(end); t = t.Add(time.Hour) {
		l := t.In(loc)
		if yd := l.YearDay() + 1000*l.Year(); yd != lastDay {
			lastDay = yd
			switch name, holiday := holidays[l.Format("2006-01-02")]; {
			case holiday && name == "春节":
				dayFactor = 0.22
			case holiday:
				dayFactor = 0.35
			case cal.IsWorkday(l):
				dayFactor = ww[l.Weekday()]
				if l.Weekday() == time.Saturday || l.Weekday() == time.Sunday {
					dayFactor = 0.9 // a make-up working day
				}
			default:
				dayFactor = ww[l.Weekday()]
			}
			dayFactor *= mw[l.Month()-1]
		}
		w := dayFactor * hw[l.Hour()] * math.Exp(growth*float64(t.Unix()-tl.start))
		if next := t.Add(time.Hour); next.After(end) {
			w *= float64(end.Sub(t)) / float64(time.Hour) // the hour now is in
		}
		sum += w
		tl.cum = append(tl.cum, sum)
	}
	return tl
}

// at returns the time at quantile u in [0, 1), to the second.
func (tl *timeline) at(u float64) time.Time {
	total := tl.cum[len(tl.cum)-1]
	x := u * total
	i := sort.SearchFloat64s(tl.cum, x)
	if i >= len(tl.cum) {
		i = len(tl.cum) - 1
	}
	prev := 0.0
	if i > 0 {
		prev = tl.cum[i-1]
	}
	frac := 0.0
	if w := tl.cum[i] - prev; w > 0 {
		frac = (x - prev) / w
	}
	slot := tl.start + int64(i)*3600
	length := int64(3600)
	if slot+length > tl.end {
		length = tl.end - slot
	}
	sec := slot + int64(frac*float64(length))
	if sec >= tl.end {
		sec = tl.end - 1
	}
	return time.Unix(sec, 0)
}
