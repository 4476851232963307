package domain

import (
	"math"
	"time"
)

// The statistics formulas, in one place. The fields are those of
// domain.Figures; the choices below are the ones a report must be able to explain:
//
//   - Cohort: an item counts in the period its received_at falls in (in the
//     department's zone), and its outcome is read as it stands now.
//   - Unit: figures are attributed to the item's current primary unit only;
//     co-handling units are not credited with items, so every item counts in
//     exactly one unit row and the unit rows add up to the total. Items never
//     dispatched (answered on the call, waiting for dispatch) carry no unit.
//   - Merged duplicates count nowhere: the surviving item stands for them, so
//     "received" counts a citizen's matter once.
//   - dispatched (交办): the item has been given to a unit at least once; an
//     item returned and waiting to be dispatched again still counts, and is
//     not completed.
//   - completed (办结): dispatched and the primary unit's final reply counts
//     (after head approval where required). A reopened item is not completed
//     until its new final reply; its earlier reply is history.
//   - on time: completed at or before the current due time, which an approved
//     extension moves and a reopen sets afresh.
//   - accepted on time (及时签收): the primary unit of the latest dispatch signed
//     for it at or before the sign-for deadline.
//   - replied (回复): an answer reached the citizen, on the call or by a unit's
//     final reply, and still stands (a reopened item is not replied).
//   - ratings: only the latest rating of an item counts.
//   - overdue (超期): dispatched and either not completed by its due time or
//     completed after it — the item's overdue flag, which the deadline checks
//     set and an extension or reopen clears.
//   - handle time: working hours from the last dispatch to completion.

// Outcome is what the statistics read of one item.
type Outcome struct {
	Merged        bool
	HasAnswer     bool // answered on the call
	DispatchedAt  *time.Time
	RepliedAt     *time.Time
	CompletedAt   *time.Time
	DueAt         *time.Time
	Overdue       bool
	AcceptDueAt   *time.Time
	AcceptedAt    *time.Time
	HandleSeconds *int64
	// The latest rating, if any.
	Satisfaction string // satisfied | basically_satisfied | dissatisfied | ""
	Stars        *int
	Resolved     bool
}

// Counts are the additive figures of one item or of a group of items.
type Counts struct {
	Received           int64 `json:"received" db:"received"`
	Answered           int64 `json:"answered" db:"answered"`
	Dispatched         int64 `json:"dispatched" db:"dispatched"`
	Completed          int64 `json:"completed" db:"completed"`
	CompletedOnTime    int64 `json:"completed_on_time" db:"completed_on_time"`
	AcceptedOnTime     int64 `json:"accepted_on_time" db:"accepted_on_time"`
	Replied            int64 `json:"replied" db:"replied"`
	Rated              int64 `json:"rated" db:"rated"`
	Satisfied          int64 `json:"satisfied" db:"satisfied"`
	BasicallySatisfied int64 `json:"basically_satisfied" db:"basically_satisfied"`
	Dissatisfied       int64 `json:"dissatisfied" db:"dissatisfied"`
	FiveStar           int64 `json:"five_star" db:"five_star"`
	Resolved           int64 `json:"resolved" db:"resolved"`
	Overdue            int64 `json:"overdue" db:"overdue"`
	HandleSeconds      int64 `json:"-" db:"handle_seconds"`
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Count turns one item's outcome into its contribution to every figure.
func Count(o Outcome) Counts {
	if o.Merged {
		return Counts{}
	}
	dispatched := o.DispatchedAt != nil
	completed := dispatched && o.CompletedAt != nil
	c := Counts{
		Received:        1,
		Answered:        b2i(o.HasAnswer && !dispatched),
		Dispatched:      b2i(dispatched),
		Completed:       b2i(completed),
		CompletedOnTime: b2i(completed && (o.DueAt == nil || !o.CompletedAt.After(*o.DueAt))),
		AcceptedOnTime: b2i(dispatched && o.AcceptedAt != nil &&
			(o.AcceptDueAt == nil || !o.AcceptedAt.After(*o.AcceptDueAt))),
		Replied: b2i(o.RepliedAt != nil),
		Overdue: b2i(dispatched && o.Overdue),
	}
	if completed && o.HandleSeconds != nil {
		c.HandleSeconds = *o.HandleSeconds
	}
	if o.Satisfaction != "" {
		c.Rated = 1
		c.Satisfied = b2i(o.Satisfaction == "satisfied")
		c.BasicallySatisfied = b2i(o.Satisfaction == "basically_satisfied")
		c.Dissatisfied = b2i(o.Satisfaction == "dissatisfied")
		c.FiveStar = b2i(o.Stars != nil && *o.Stars == 5)
		c.Resolved = b2i(o.Resolved)
	}
	return c
}

// Fields lists pointers to every count, in declaration order (the column
// order of the roll-up tables), for adding and scanning.
func (c *Counts) Fields() []*int64 {
	return []*int64{&c.Received, &c.Answered, &c.Dispatched, &c.Completed, &c.CompletedOnTime, &c.AcceptedOnTime,
		&c.Replied, &c.Rated, &c.Satisfied, &c.BasicallySatisfied, &c.Dissatisfied, &c.FiveStar, &c.Resolved,
		&c.Overdue, &c.HandleSeconds}
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	dst, src := c.Fields(), o.Fields()
	for i := range dst {
		*dst[i] += *src[i]
	}
}

// Sub returns c - o.
func (c Counts) Sub(o Counts) Counts {
	dst, src := c.Fields(), o.Fields()
	for i := range dst {
		*dst[i] -= *src[i]
	}
	return c
}

// Values returns every count in declaration order (the column order of the
// roll-up tables).
func (c Counts) Values() []int64 {
	f := c.Fields()
	out := make([]int64, len(f))
	for i, p := range f {
		out[i] = *p
	}
	return out
}

// IsZero reports whether every count is zero.
func (c Counts) IsZero() bool { return c == Counts{} }

// Figures are the counts with the rates derived from them, as the statistics
// endpoints return them. A rate is a ratio in [0,1] rounded to 4 decimals,
// and null when its denominator is 0.
type Figures struct {
	Counts
	CompletionRate   *float64 `json:"completion_rate"`   // 办结率 = completed / dispatched
	OnTimeRate       *float64 `json:"on_time_rate"`      // 按时办结率 = completed_on_time / dispatched
	ResponseRate     *float64 `json:"response_rate"`     // 响应率 = accepted_on_time / dispatched
	ReplyRate        *float64 `json:"reply_rate"`        // 回复率 = replied / received
	SatisfactionRate *float64 `json:"satisfaction_rate"` // 满意率 = (satisfied + basically_satisfied) / rated
	GoodRate         *float64 `json:"good_rate"`         // 好评率 = five_star / rated
	ResolutionRate   *float64 `json:"resolution_rate"`   // 解决率 = resolved / rated
	AvgHandleHours   *float64 `json:"avg_handle_hours"`  // 平均办理时长 = working hours dispatch→completion / completed
}

// Rate is num/den rounded to 4 decimals, or nil when den is 0.
func Rate(num, den int64) *float64 {
	if den == 0 {
		return nil
	}
	r := math.Round(float64(num)/float64(den)*10000) / 10000
	return &r
}

// Figures derives the rates.
func (c Counts) Figures() Figures {
	f := Figures{
		Counts:           c,
		CompletionRate:   Rate(c.Completed, c.Dispatched),
		OnTimeRate:       Rate(c.CompletedOnTime, c.Dispatched),
		ResponseRate:     Rate(c.AcceptedOnTime, c.Dispatched),
		ReplyRate:        Rate(c.Replied, c.Received),
		SatisfactionRate: Rate(c.Satisfied+c.BasicallySatisfied, c.Rated),
		GoodRate:         Rate(c.FiveStar, c.Rated),
		ResolutionRate:   Rate(c.Resolved, c.Rated),
	}
	if c.Completed > 0 {
		h := math.Round(float64(c.HandleSeconds)/float64(c.Completed)/3600*100) / 100
		f.AvgHandleHours = &h
	}
	return f
}

// RateOf returns the named rate of the figures, for rankings; ok is false for
// an unknown name. Higher is better for every rate; for avg_handle_hours
// lower is better, which lowerIsBetter reports.
func (f Figures) RateOf(name string) (value *float64, lowerIsBetter, ok bool) {
	switch name {
	case "completion_rate":
		return f.CompletionRate, false, true
	case "on_time_rate":
		return f.OnTimeRate, false, true
	case "response_rate":
		return f.ResponseRate, false, true
	case "reply_rate":
		return f.ReplyRate, false, true
	case "satisfaction_rate":
		return f.SatisfactionRate, false, true
	case "good_rate":
		return f.GoodRate, false, true
	case "resolution_rate":
		return f.ResolutionRate, false, true
	case "avg_handle_hours":
		return f.AvgHandleHours, true, true
	}
	return nil, false, false
}

// RankingMetrics lists the names RateOf knows.
func RankingMetrics() []string {
	return []string{"completion_rate", "on_time_rate", "response_rate", "reply_rate", "satisfaction_rate",
		"good_rate", "resolution_rate", "avg_handle_hours"}
}
