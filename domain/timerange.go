package domain

import "time"

// Every date or time a client sends must lie in [EarliestTime, LatestTime):
// later ones cannot be encoded in every zone (Time.MarshalJSON stops at year
// 9999) and make calendar walks run for seconds. TimeRangeMessage is the
// validation message for one outside.
const TimeRangeMessage = "between 2000-01-01 and 2100-01-01"

// EarliestTime is the first instant a client may send.
func EarliestTime() time.Time { return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) }

// LatestTime is the end (exclusive) of the instants a client may send.
func LatestTime() time.Time { return time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) }

// TimeInRange reports whether a client's date or time is in the range.
func TimeInRange(t time.Time) bool {
	return !t.Before(EarliestTime()) && t.Before(LatestTime())
}

// YearInRange reports whether a year a client names lies in the range.
func YearInRange(y int) bool { return y >= EarliestTime().Year() && y < LatestTime().Year() }
