package calendar

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvHeader is the header ParseCSV expects, and csvFields its number of fields.
const (
	csvHeader = "date,kind,name,source"
	csvFields = 4
)

// ParseCSV reads days from CSV with the header "date,kind,name,source", one day
// per record: date is YYYY-MM-DD, kind is "holiday" or "workday", name and
// source may be empty. A UTF-8 byte order mark and spaces around the date and
// the kind are ignored; blank lines are skipped. A date listed twice is an
// error. Every error names the line it comes from.
func ParseCSV(r io.Reader) ([]Day, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked below, with the line in the message
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("calendar: csv line 1: missing header date,kind,name,source")
	}
	if err != nil {
		return nil, fmt.Errorf("calendar: csv: %w", err)
	}
	headerLine, _ := cr.FieldPos(0)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	}
	trimmed := make([]string, len(header))
	for i, h := range header {
		trimmed[i] = strings.ToLower(strings.TrimSpace(h))
	}
	if strings.Join(trimmed, ",") != csvHeader {
		return nil, fmt.Errorf("calendar: csv line %d: header %q, want %q", headerLine, strings.Join(header, ","), csvHeader)
	}
	var days []Day
	seen := make(map[dayNum]int) // date → line
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return days, nil
		}
		if err != nil {
			// A *csv.ParseError names its line.
			return nil, fmt.Errorf("calendar: csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != csvFields {
			return nil, fmt.Errorf("calendar: csv line %d: %d fields, want %d", line, len(rec), csvFields)
		}
		d := Day{
			Date:   strings.TrimSpace(rec[0]),
			Kind:   DayKind(strings.TrimSpace(rec[1])),
			Name:   rec[2],
			Source: rec[3],
		}
		n, err := parseDate(d.Date)
		if err != nil {
			return nil, fmt.Errorf("calendar: csv line %d: %w", line, err)
		}
		if !d.Kind.Valid() {
			return nil, fmt.Errorf("calendar: csv line %d: invalid kind %q (want %q or %q)", line, d.Kind, Holiday, Workday)
		}
		if prev, dup := seen[n]; dup {
			return nil, fmt.Errorf("calendar: csv line %d: date %s already listed on line %d", line, d.Date, prev)
		}
		seen[n] = line
		days = append(days, d)
	}
}
