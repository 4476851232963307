package demodata

import (
	"encoding/hex"
	"strconv"
	"time"
)

// copyBuf builds rows in PostgreSQL's COPY text format: columns separated by
// tabs, rows ended by a newline, NULL as \N, and backslash, tab, newline and
// carriage return escaped.
type copyBuf struct {
	b       []byte
	rows    int64
	col     bool     // a column was written on the current row
	day     int64    // the day dayText holds, in days since 1970
	dayText [10]byte // YYYY-MM-DD of day
}

func (c *copyBuf) reset() {
	c.b, c.rows, c.col = c.b[:0], 0, false
}

func (c *copyBuf) sep() {
	if c.col {
		c.b = append(c.b, '\t')
	}
	c.col = true
}

// end finishes a row.
func (c *copyBuf) end() {
	c.b = append(c.b, '\n')
	c.rows++
	c.col = false
}

func (c *copyBuf) null() {
	c.sep()
	c.b = append(c.b, '\\', 'N')
}

func (c *copyBuf) text(s string) {
	c.sep()
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch == '\\' || ch < ' ' {
			c.escape(s)
			return
		}
	}
	c.b = append(c.b, s...)
}

// escape appends s with COPY's escapes.
func (c *copyBuf) escape(s string) {
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '\\':
			c.b = append(c.b, '\\', '\\')
		case '\t':
			c.b = append(c.b, '\\', 't')
		case '\n':
			c.b = append(c.b, '\\', 'n')
		case '\r':
			c.b = append(c.b, '\\', 'r')
		default:
			c.b = append(c.b, ch)
		}
	}
}

// textOrNull writes s, or NULL when s is empty.
func (c *copyBuf) textOrNull(s string) {
	if s == "" {
		c.null()
		return
	}
	c.text(s)
}

func (c *copyBuf) int(n int64) {
	c.sep()
	c.b = strconv.AppendInt(c.b, n, 10)
}

// intOrNull writes n, or NULL when n is 0.
func (c *copyBuf) intOrNull(n int64) {
	if n == 0 {
		c.null()
		return
	}
	c.int(n)
}

func (c *copyBuf) bool(v bool) {
	c.sep()
	if v {
		c.b = append(c.b, 't')
	} else {
		c.b = append(c.b, 'f')
	}
}

func (c *copyBuf) bytea(v []byte) {
	if v == nil {
		c.null()
		return
	}
	c.sep()
	c.b = append(c.b, '\\', '\\', 'x')
	c.b = hex.AppendEncode(c.b, v)
}

func appendDigits(b []byte, v, width int) []byte {
	var tmp [8]byte
	for i := width - 1; i >= 0; i-- {
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, tmp[:width]...)
}

// time writes a timestamptz in UTC with microseconds, or NULL for the zero
// time.
func (c *copyBuf) time(t time.Time) {
	if t.IsZero() {
		c.null()
		return
	}
	c.sep()
	unix := t.Unix()
	day := unix / 86400
	sec := unix - day*86400
	if sec < 0 {
		day, sec = day-1, sec+86400
	}
	if day != c.day || c.dayText[0] == 0 {
		y, m, d := civil(day)
		b := appendDigits(c.dayText[:0], y, 4)
		b = append(b, '-')
		b = appendDigits(b, m, 2)
		b = append(b, '-')
		b = appendDigits(b, d, 2)
		c.day = day
	}
	c.b = append(c.b, c.dayText[:]...)
	c.b = append(c.b, ' ',
		byte('0'+sec/36000), byte('0'+sec/3600%10), ':',
		byte('0'+sec%3600/600), byte('0'+sec%600/60), ':',
		byte('0'+sec%60/10), byte('0'+sec%10))
	if us := t.Nanosecond() / 1000; us != 0 {
		c.b = append(c.b, '.')
		c.b = appendDigits(c.b, us, 6)
	}
	c.b = append(c.b, '+', '0', '0')
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's civil_from_days).
func civil(days int64) (y, m, d int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}

// date writes the calendar date of t (a date at midnight UTC).
func (c *copyBuf) date(t time.Time) {
	c.sep()
	y, mo, d := t.Date()
	c.b = appendDigits(c.b, y, 4)
	c.b = append(c.b, '-')
	c.b = appendDigits(c.b, int(mo), 2)
	c.b = append(c.b, '-')
	c.b = appendDigits(c.b, d, 2)
}
