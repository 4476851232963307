package report

import (
	"encoding/csv"
	"io"
)

// utf8BOM makes Excel open the CSV file as UTF-8 instead of GBK.
const utf8BOM = "\xEF\xBB\xBF"

// WriteCSV writes t to w as CSV for Excel users: a UTF-8 byte order mark,
// the header row, the data rows and the totals row when t.Total is not nil,
// with CRLF line ends.
//
// Int values are written as plain integers, Rate values as percentages with
// two decimals (0.98812 → "98.81%"), Hours values with two decimals, and
// missing values (nil, nil *float64, NaN) as empty cells. Every text cell
// that starts with = + - @, a tab or a carriage return is prefixed with a
// single quote so that spreadsheets do not evaluate it as a formula.
func WriteCSV(w io.Writer, t Table) error {
	if err := t.validate(); err != nil {
		return err
	}
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true

	record := make([]string, len(t.Columns))
	for j, c := range t.Columns {
		record[j] = escapeFormula(c.Header)
	}
	if err := cw.Write(record); err != nil {
		return err
	}
	writeRow := func(row []any) error {
		for j, c := range t.Columns {
			record[j] = ""
			if j < len(row) {
				s := formatText(c.Kind, row[j])
				if _, isText := row[j].(string); isText {
					s = escapeFormula(s)
				}
				record[j] = s
			}
		}
		return cw.Write(record)
	}
	for _, row := range t.Rows {
		if err := writeRow(row); err != nil {
			return err
		}
	}
	if t.Total != nil {
		if err := writeRow(t.Total); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
