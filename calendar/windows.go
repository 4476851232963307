package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Window is a span of working hours inside a working day, as wall-clock
// offsets from local midnight: Window{9 * time.Hour, 12 * time.Hour} is
// 09:00–12:00. Start is included and End is not.
type Window struct {
	Start, End time.Duration
}

// String formats w as "HH:MM-HH:MM" (with seconds when it has any), the form
// ParseWindows reads.
func (w Window) String() string {
	return formatClock(w.Start) + "-" + formatClock(w.End)
}

func formatClock(d time.Duration) string {
	if d < 0 {
		return "-" + formatClock(-d)
	}
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), d%time.Minute
	if s != 0 {
		return fmt.Sprintf("%02d:%02d:%02d", h, m, int(s/time.Second))
	}
	return fmt.Sprintf("%02d:%02d", h, m)
}

// DefaultWindows returns the default working windows, 09:00–12:00 and
// 13:30–17:30: seven working hours a day.
func DefaultWindows() []Window {
	return []Window{
		{Start: 9 * time.Hour, End: 12 * time.Hour},
		{Start: 13*time.Hour + 30*time.Minute, End: 17*time.Hour + 30*time.Minute},
	}
}

// ParseWindows parses working windows written as comma-separated "HH:MM-HH:MM"
// spans, e.g. "09:00-12:00,13:30-17:30". Spaces around the parts are ignored,
// hours may have one digit, and 24:00 is allowed as an end. The windows must be
// non-empty, each non-empty, sorted and non-overlapping (one may start where
// the previous one ends), else ParseWindows returns an error.
func ParseWindows(s string) ([]Window, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("calendar: no working windows")
	}
	var ws []Window
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		from, to, ok := strings.Cut(part, "-")
		if !ok {
			return nil, fmt.Errorf("calendar: window %q: want HH:MM-HH:MM", part)
		}
		start, err := parseClock(strings.TrimSpace(from))
		if err != nil {
			return nil, fmt.Errorf("calendar: window %q: %w", part, err)
		}
		end, err := parseClock(strings.TrimSpace(to))
		if err != nil {
			return nil, fmt.Errorf("calendar: window %q: %w", part, err)
		}
		ws = append(ws, Window{Start: start, End: end})
	}
	if err := validateWindows(ws); err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return ws, nil
}

// parseClock parses H:MM or HH:MM, 00:00 to 24:00.
func parseClock(s string) (time.Duration, error) {
	hs, ms, ok := strings.Cut(s, ":")
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 {
		return 0, fmt.Errorf("invalid time %q (want HH:MM)", s)
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || hs[0] == '+' || hs[0] == '-' || ms[0] == '+' || ms[0] == '-' ||
		h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("invalid time %q (want HH:MM between 00:00 and 24:00)", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

// validateWindows checks that ws is non-empty and its windows are non-empty,
// inside the day, sorted and non-overlapping.
func validateWindows(ws []Window) error {
	if len(ws) == 0 {
		return errors.New("no working windows")
	}
	for i, w := range ws {
		if w.Start < 0 || w.End > 24*time.Hour {
			return fmt.Errorf("window %s is outside the day", w)
		}
		if w.End <= w.Start {
			return fmt.Errorf("window %s is empty or reversed", w)
		}
		if i > 0 && w.Start < ws[i-1].End {
			return fmt.Errorf("window %s overlaps or precedes window %s", w, ws[i-1])
		}
	}
	return nil
}
