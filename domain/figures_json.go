package domain

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends the figures as the members of a JSON object, without
// the braces, exactly as encoding/json writes them: a statistics answer has
// thousands of rows, and reflection was most of its encoding time.
func (f Figures) AppendJSON(b []byte) []byte {
	c := f.Counts
	for i, v := range [...]struct {
		name string
		n    int64
	}{{"received", c.Received}, {"answered", c.Answered}, {"dispatched", c.Dispatched}, {"completed", c.Completed},
		{"completed_on_time", c.CompletedOnTime}, {"accepted_on_time", c.AcceptedOnTime}, {"replied", c.Replied},
		{"rated", c.Rated}, {"satisfied", c.Satisfied}, {"basically_satisfied", c.BasicallySatisfied},
		{"dissatisfied", c.Dissatisfied}, {"five_star", c.FiveStar}, {"resolved", c.Resolved}, {"overdue", c.Overdue}} {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(append(append(b, '"'), v.name...), '"', ':')
		b = strconv.AppendInt(b, v.n, 10)
	}
	for _, v := range [...]struct {
		name string
		r    *float64
	}{{"completion_rate", f.CompletionRate}, {"on_time_rate", f.OnTimeRate}, {"response_rate", f.ResponseRate},
		{"reply_rate", f.ReplyRate}, {"satisfaction_rate", f.SatisfactionRate}, {"good_rate", f.GoodRate},
		{"resolution_rate", f.ResolutionRate}, {"avg_handle_hours", f.AvgHandleHours}} {
		b = append(append(append(b, ',', '"'), v.name...), '"', ':')
		if v.r == nil {
			b = append(b, "null"...)
		} else {
			b = AppendJSONFloat(b, *v.r)
		}
	}
	return b
}

// AppendJSONFloat appends a finite float as encoding/json writes it.
func AppendJSONFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// AppendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it (HTML-safe, invalid UTF-8 replaced).
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(append(b, s[start:i]...), `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(append(b, s[start:]...), '"')
}
