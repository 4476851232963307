package domain

import (
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := func(n int) *time.Time { v := t0.Add(time.Duration(n) * time.Hour); return &v }
	stars := func(n int) *int { return &n }
	secs := func(n int64) *int64 { return &n }
	cases := []struct {
		name string
		o    Outcome
		want Counts
	}{
		{"waiting for dispatch", Outcome{}, Counts{Received: 1}},
		{"answered on the call", Outcome{HasAnswer: true, RepliedAt: h(0)}, Counts{Received: 1, Answered: 1, Replied: 1}},
		{"answered on the call, later dispatched after a reopen",
			Outcome{HasAnswer: true, DispatchedAt: h(1), DueAt: h(50)},
			Counts{Received: 1, Dispatched: 1}},
		{"dispatched, not signed for",
			Outcome{DispatchedAt: h(0), AcceptDueAt: h(2), DueAt: h(40)},
			Counts{Received: 1, Dispatched: 1}},
		{"signed in time, completed in time",
			Outcome{DispatchedAt: h(0), AcceptDueAt: h(2), AcceptedAt: h(1), DueAt: h(40), RepliedAt: h(30), CompletedAt: h(30), HandleSeconds: secs(7200)},
			Counts{Received: 1, Dispatched: 1, AcceptedOnTime: 1, Completed: 1, CompletedOnTime: 1, Replied: 1, HandleSeconds: 7200}},
		{"signed late, completed exactly at the due time",
			Outcome{DispatchedAt: h(0), AcceptDueAt: h(2), AcceptedAt: h(3), DueAt: h(40), RepliedAt: h(40), CompletedAt: h(40), HandleSeconds: secs(100)},
			Counts{Received: 1, Dispatched: 1, Completed: 1, CompletedOnTime: 1, Replied: 1, HandleSeconds: 100}},
		{"completed after the due time",
			Outcome{DispatchedAt: h(0), AcceptedAt: h(1), AcceptDueAt: h(2), DueAt: h(40), RepliedAt: h(41), CompletedAt: h(41), Overdue: true, HandleSeconds: secs(50)},
			Counts{Received: 1, Dispatched: 1, AcceptedOnTime: 1, Completed: 1, Replied: 1, Overdue: 1, HandleSeconds: 50}},
		{"overdue, not completed",
			Outcome{DispatchedAt: h(0), DueAt: h(40), Overdue: true},
			Counts{Received: 1, Dispatched: 1, Overdue: 1}},
		{"extension kept it on time: completed before the new due time",
			Outcome{DispatchedAt: h(0), DueAt: h(80), CompletedAt: h(60), RepliedAt: h(60), HandleSeconds: secs(1)},
			Counts{Received: 1, Dispatched: 1, Completed: 1, CompletedOnTime: 1, Replied: 1, HandleSeconds: 1}},
		{"reopened: the earlier answer no longer counts",
			Outcome{DispatchedAt: h(0), AcceptedAt: h(1), AcceptDueAt: h(2), DueAt: h(90), Satisfaction: "dissatisfied", Stars: stars(1)},
			Counts{Received: 1, Dispatched: 1, AcceptedOnTime: 1, Rated: 1, Dissatisfied: 1}},
		{"five stars, solved",
			Outcome{DispatchedAt: h(0), CompletedAt: h(5), RepliedAt: h(5), DueAt: h(9), Satisfaction: "satisfied", Stars: stars(5), Resolved: true},
			Counts{Received: 1, Dispatched: 1, Completed: 1, CompletedOnTime: 1, Replied: 1, Rated: 1, Satisfied: 1, FiveStar: 1, Resolved: 1}},
		{"basically satisfied without stars",
			Outcome{HasAnswer: true, RepliedAt: h(0), Satisfaction: "basically_satisfied"},
			Counts{Received: 1, Answered: 1, Replied: 1, Rated: 1, BasicallySatisfied: 1}},
		{"merged duplicate counts nowhere",
			Outcome{Merged: true, DispatchedAt: h(0), Satisfaction: "satisfied"},
			Counts{}},
		{"handling time only when completed",
			Outcome{DispatchedAt: h(0), HandleSeconds: secs(999)},
			Counts{Received: 1, Dispatched: 1}},
	}
	for _, c := range cases {
		if got := Count(c.o); got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

func TestFigures(t *testing.T) {
	// the example of an annual report: 交办量 11719, 办结量 11580 → 反馈率 98.81%
	c := Counts{Received: 13000, Answered: 1281, Dispatched: 11719, Completed: 11580, CompletedOnTime: 11000,
		AcceptedOnTime: 11719, Replied: 12861, Rated: 5012, Satisfied: 4800, BasicallySatisfied: 150,
		Dissatisfied: 62, FiveStar: 4815, Resolved: 4900, HandleSeconds: 11580 * 3600 * 26}
	f := c.Figures()
	check := func(name string, got *float64, want float64) {
		t.Helper()
		if got == nil || *got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("completion_rate", f.CompletionRate, 0.9881)
	check("on_time_rate", f.OnTimeRate, 0.9386)
	check("response_rate", f.ResponseRate, 1)
	check("reply_rate", f.ReplyRate, 0.9893)
	check("satisfaction_rate", f.SatisfactionRate, 0.9876)
	check("good_rate", f.GoodRate, 0.9607) // 五星件数占评星件总数的 96.07%
	check("resolution_rate", f.ResolutionRate, 0.9777)
	check("avg_handle_hours", f.AvgHandleHours, 26)

	empty := Counts{Received: 3}.Figures()
	for name, r := range map[string]*float64{"completion": empty.CompletionRate, "on_time": empty.OnTimeRate,
		"response": empty.ResponseRate, "satisfaction": empty.SatisfactionRate, "good": empty.GoodRate,
		"resolution": empty.ResolutionRate, "avg_handle_hours": empty.AvgHandleHours} {
		if r != nil {
			t.Errorf("%s with a zero denominator = %v, want null", name, *r)
		}
	}
	check("reply_rate with nothing replied", empty.ReplyRate, 0)
}

func TestCountsArithmetic(t *testing.T) {
	a := Counts{Received: 3, Completed: 2, HandleSeconds: 10}
	b := Counts{Received: 1, Completed: 1, Overdue: 1, HandleSeconds: 4}
	sum := a
	sum.Add(b)
	if sum != (Counts{Received: 4, Completed: 3, Overdue: 1, HandleSeconds: 14}) {
		t.Errorf("Add: %+v", sum)
	}
	if got := sum.Sub(b); got != a {
		t.Errorf("Sub: %+v", got)
	}
	if len(a.Values()) != 15 || a.Values()[0] != 3 || a.Values()[14] != 10 {
		t.Errorf("Values: %v", a.Values())
	}
	if !(Counts{}).IsZero() || a.IsZero() {
		t.Error("IsZero")
	}
	if v, lower, ok := a.Figures().RateOf("avg_handle_hours"); !ok || !lower || v == nil {
		t.Errorf("RateOf avg_handle_hours: %v %v %v", v, lower, ok)
	}
	if _, _, ok := a.Figures().RateOf("nonsense"); ok {
		t.Error("RateOf accepted an unknown name")
	}
}
