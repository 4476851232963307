// Package report renders hotline statistics tables as CSV or XLSX files and
// writes the Chinese sentences used in the public-interaction section of a
// 政府信息公开工作年度报告 (annual government information disclosure report).
//
// The package holds no mutable package-level state; every function is safe
// for concurrent use.
package report

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// ColumnKind tells the writers how the values of a column are formatted.
type ColumnKind int

const (
	// Text columns hold strings (names, dates, categories).
	Text ColumnKind = iota
	// Int columns hold counts such as 受理量 or 办结量.
	Int
	// Rate columns hold ratios in [0, 1] such as 办结率; they are shown as
	// percentages with two decimals.
	Rate
	// Hours columns hold durations in hours, shown with two decimals.
	Hours
)

// String returns the name of the kind.
func (k ColumnKind) String() string {
	switch k {
	case Text:
		return "Text"
	case Int:
		return "Int"
	case Rate:
		return "Rate"
	case Hours:
		return "Hours"
	}
	return "ColumnKind(" + strconv.Itoa(int(k)) + ")"
}

// Column describes one column of a Table.
type Column struct {
	// Key is a stable machine name for the column (not rendered).
	Key string
	// Header is the Chinese header shown to staff.
	Header string
	// Kind selects the formatting of the column's values.
	Kind ColumnKind
}

// Table is a statistics table ready to be rendered.
//
// A cell value is one of: string, int64, int, float64, *float64 or nil.
// A nil value, a nil *float64 (for example a rate whose denominator is 0) and
// a NaN or infinite float are rendered as an empty cell. Rows (and Total)
// may be shorter than Columns; missing cells are empty. Longer rows and
// values of other types are reported as errors.
type Table struct {
	// Title names the XLSX sheet; empty means "统计".
	Title   string
	Columns []Column
	Rows    [][]any
	// Total is the optional totals row, rendered after Rows exactly as given
	// (its first Text cell is normally "合计").
	Total []any
}

// ErrNoColumns is returned when a Table has no columns.
var ErrNoColumns = errors.New("report: table has no columns")

// validate checks the shape of t and the types of all its values.
func (t Table) validate() error {
	if len(t.Columns) == 0 {
		return ErrNoColumns
	}
	check := func(what string, row []any) error {
		if len(row) > len(t.Columns) {
			return fmt.Errorf("report: %s has %d cells but the table has %d columns", what, len(row), len(t.Columns))
		}
		for j, v := range row {
			switch v.(type) {
			case nil, string, int64, int, float64, *float64:
			default:
				return fmt.Errorf("report: %s, column %q: unsupported value type %T", what, t.Columns[j].Key, v)
			}
		}
		return nil
	}
	for i, row := range t.Rows {
		if err := check("row "+strconv.Itoa(i+1), row); err != nil {
			return err
		}
	}
	if t.Total != nil {
		if err := check("total row", t.Total); err != nil {
			return err
		}
	}
	return nil
}

// numeric reports the float value of a numeric cell and whether it holds a
// usable (non-nil, finite) number.
func numeric(v any) (float64, bool) {
	var f float64
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		f = x
	case *float64:
		if x == nil {
			return 0, false
		}
		f = *x
	default:
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// Percent formats a ratio the way Chinese reports do: 0.98812 → "98.81%".
// The percentage is rounded half away from zero at two decimals, using the
// shortest decimal representation of r so that 0.98815 → "98.82%" despite
// binary floating point. A nil, NaN or infinite ratio yields "—".
func Percent(r *float64) string {
	if r == nil || math.IsNaN(*r) || math.IsInf(*r, 0) {
		return "—"
	}
	return fixed2(*r, 2) + "%"
}

// fixed2 returns v·10^shift rounded half away from zero to two decimals,
// formatted with exactly two decimals. The rounding is done on the shortest
// decimal representation of v, so no binary error is introduced by scaling.
// v must be finite.
func fixed2(v float64, shift int) string {
	neg := v < 0
	// Shortest repr, e.g. "9.8815e-01": digits 98815, decimal exponent -1.
	s := strconv.FormatFloat(math.Abs(v), 'e', -1, 64)
	mant, expStr, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	// v = 0.d1d2d3… × 10^(exp+1); keep q digits as the integer part of
	// v·10^(shift+2).
	q := exp + 1 + shift + 2
	var intPart string
	var roundUp bool
	switch {
	case q <= 0:
		intPart = "0"
	case q >= len(digits):
		intPart = digits + strings.Repeat("0", q-len(digits))
	default:
		intPart = digits[:q]
		roundUp = digits[q] >= '5'
	}
	if q == 0 {
		roundUp = digits[0] >= '5'
	}
	n, _ := new(big.Int).SetString(intPart, 10)
	if roundUp {
		n.Add(n, big.NewInt(1))
	}
	str := n.String()
	if len(str) < 3 {
		str = strings.Repeat("0", 3-len(str)) + str
	}
	out := str[:len(str)-2] + "." + str[len(str)-2:]
	if neg && n.Sign() != 0 {
		out = "-" + out
	}
	return out
}

// formatText renders a cell value as text for the given column kind.
// Strings are returned unchanged (escaping is the caller's business).
func formatText(kind ColumnKind, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		if kind == Rate || kind == Hours {
			break
		}
		return strconv.FormatInt(x, 10)
	case int:
		if kind == Rate || kind == Hours {
			break
		}
		return strconv.Itoa(x)
	}
	f, ok := numeric(v)
	if !ok {
		return ""
	}
	switch kind {
	case Rate:
		return fixed2(f, 2) + "%"
	case Hours:
		return fixed2(f, 0)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// escapeFormula neutralises spreadsheet formula injection: a text starting
// with = + - @, a tab or a carriage return gets a leading single quote.
func escapeFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }
