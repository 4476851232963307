package domain

import "time"

// WorkCalendar is the working-time arithmetic deadlines need; calendar.Calendar
// implements it.
type WorkCalendar interface {
	// DueAfterWorkdays is the end of working hours of the n-th working day
	// after t's date.
	DueAfterWorkdays(t time.Time, n int) time.Time
	// AddWorkingDuration moves forward d of working time.
	AddWorkingDuration(t time.Time, d time.Duration) time.Time
	// WorkingDuration is the working time between a and b.
	WorkingDuration(a, b time.Time) time.Duration
}

// SLAPolicy is how fast a unit must sign for and answer an item of one kind.
type SLAPolicy struct {
	Kind                Kind    `json:"kind"`
	AcceptHours         float64 `json:"accept_hours"`          // working hours to sign for it
	ReplyWorkdays       int     `json:"reply_workdays"`        // working days to answer it
	UrgentAcceptMinutes int     `json:"urgent_accept_minutes"` // clock minutes to sign for an urgent item
	UrgentReplyWorkdays int     `json:"urgent_reply_workdays"` // working days to answer an urgent item
}

// DefaultPolicy is the built-in policy for a kind (the migrations seed the
// same values into sla_policies): sign for within 2
// working hours; reply within 1 working day for a consultation, 5 for a
// complaint or help request, 15 otherwise; urgent items within 30 minutes and 1
// working day.
func DefaultPolicy(k Kind) SLAPolicy {
	p := SLAPolicy{Kind: k, AcceptHours: 2, ReplyWorkdays: 15, UrgentAcceptMinutes: 30, UrgentReplyWorkdays: 1}
	switch k {
	case Consultation:
		p.ReplyWorkdays = 1
	case Complaint, Help:
		p.ReplyWorkdays = 5
	}
	return p
}

// Validate checks an admin's policy.
func (p SLAPolicy) Validate(prefix string) error {
	var v ValidationError
	if !p.Kind.Valid() {
		v.Add(prefix+"kind", "unknown kind %q", p.Kind)
	}
	if p.AcceptHours <= 0 || p.AcceptHours > 240 {
		v.Add(prefix+"accept_hours", "must be between 0 and 240 working hours")
	}
	if p.ReplyWorkdays < 1 || p.ReplyWorkdays > 120 {
		v.Add(prefix+"reply_workdays", "must be between 1 and 120")
	}
	if p.UrgentAcceptMinutes < 1 || p.UrgentAcceptMinutes > 1440 {
		v.Add(prefix+"urgent_accept_minutes", "must be between 1 and 1440")
	}
	if p.UrgentReplyWorkdays < 1 || p.UrgentReplyWorkdays > 120 {
		v.Add(prefix+"urgent_reply_workdays", "must be between 1 and 120")
	}
	return v.Err()
}

// Deadlines are the times set on an item when it is dispatched.
type Deadlines struct {
	AcceptDue time.Time // sign-for deadline (签收时限)
	Due       time.Time // reply deadline (办理时限)
	RemindAt  time.Time // when the reminder (催办) goes out
}

// ComputeDeadlines sets the deadlines of an item dispatched at `at`:
//   - sign for: AcceptHours of working time, or UrgentAcceptMinutes of clock
//     time for an urgent item;
//   - reply: the end of the ReplyWorkdays-th working day after the dispatch
//     date (UrgentReplyWorkdays when urgent); an upstream platform's own due
//     time wins when one was given;
//   - reminder: when four fifths of the working time to the due time have
//     passed.
func ComputeDeadlines(cal WorkCalendar, p SLAPolicy, at time.Time, urgent bool, upstreamDue *time.Time) Deadlines {
	var d Deadlines
	if urgent {
		d.AcceptDue = at.Add(time.Duration(p.UrgentAcceptMinutes) * time.Minute)
		d.Due = cal.DueAfterWorkdays(at, p.UrgentReplyWorkdays)
	} else {
		d.AcceptDue = cal.AddWorkingDuration(at, time.Duration(p.AcceptHours*float64(time.Hour)))
		d.Due = cal.DueAfterWorkdays(at, p.ReplyWorkdays)
	}
	if upstreamDue != nil && !upstreamDue.IsZero() {
		d.Due = *upstreamDue
	}
	if d.AcceptDue.After(d.Due) {
		d.AcceptDue = d.Due
	}
	d.RemindAt = ReminderTime(cal, at, d.Due)
	return d
}

// ReminderTime is when the reminder for a due time goes out: four fifths of the
// working time from `from` to `due`, or `from` itself when no working time is
// left.
func ReminderTime(cal WorkCalendar, from, due time.Time) time.Time {
	if !due.After(from) {
		return from
	}
	total := cal.WorkingDuration(from, due)
	if total <= 0 {
		// due before the next working window: remind at 4/5 of the clock time
		return from.Add(due.Sub(from) * 4 / 5)
	}
	return cal.AddWorkingDuration(from, total*4/5)
}

// ExtendedDue is the due time after an extension of n working days: the end of
// the n-th working day after the current due date.
func ExtendedDue(cal WorkCalendar, due time.Time, workdays int) time.Time {
	return cal.DueAfterWorkdays(due, workdays)
}
