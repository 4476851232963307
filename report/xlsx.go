package report

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// DefaultSheetName is the sheet name used when Table.Title is empty.
const DefaultSheetName = "统计"

// Built-in Excel number formats.
const (
	numFmtInteger = 1  // 0
	numFmtFixed2  = 2  // 0.00
	numFmtPercent = 10 // 0.00%
)

// Column width limits, in Excel character units.
const (
	minColWidth = 8
	maxColWidth = 60
)

// SheetName returns the XLSX sheet name used for a table title: the title
// without the characters Excel forbids ([ ] : * ? / \), apostrophes and
// control characters, trimmed and truncated to Excel's 31-character limit;
// DefaultSheetName when nothing is left.
func SheetName(title string) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\'`, r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, title)
	name = strings.TrimSpace(name)
	// Excel counts the limit in UTF-16 code units; never split a rune.
	var b strings.Builder
	units := 0
	for _, r := range name {
		n := utf16.RuneLen(r)
		if n < 0 {
			n = 1
		}
		if units+n > excelize.MaxSheetNameLength {
			break
		}
		units += n
		b.WriteRune(r)
	}
	name = strings.TrimSpace(b.String())
	if name == "" {
		return DefaultSheetName
	}
	return name
}

// WriteXLSX writes t to w as an XLSX workbook with a single sheet named
// SheetName(t.Title).
//
// Row 1 holds the headers in bold on a coloured fill; it is frozen and
// carries an autofilter over the data rows. Int values are stored as numbers,
// Rate values as numbers with the "0.00%" format (0.98812 displays as
// 98.81%), Hours values as numbers with the "0.00" format, and missing values
// (nil, nil *float64, NaN) as empty cells. When t.Total is not nil a bold
// totals row follows the data. Column widths follow the widest rendered
// value, counting Chinese characters as two.
func WriteXLSX(w io.Writer, t Table) error {
	if err := t.validate(); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()

	sheet := SheetName(t.Title)
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}

	nCols := len(t.Columns)
	lastCol, err := excelize.ColumnNumberToName(nCols)
	if err != nil {
		return err
	}
	widths := make([]int, nCols)

	// Header row.
	for j, c := range t.Columns {
		cell, err := excelize.CoordinatesToCellName(j+1, 1)
		if err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, cell, c.Header); err != nil {
			return err
		}
		widths[j] = displayWidth(c.Header)
	}
	if err := f.SetCellStyle(sheet, "A1", lastCol+"1", st.header); err != nil {
		return err
	}

	writeRow := func(rowNum int, row []any, bold bool) error {
		for j, c := range t.Columns {
			cell, err := excelize.CoordinatesToCellName(j+1, rowNum)
			if err != nil {
				return err
			}
			var v any
			if j < len(row) {
				v = row[j]
			}
			if err := setCell(f, sheet, cell, c.Kind, v); err != nil {
				return err
			}
			if err := f.SetCellStyle(sheet, cell, cell, st.forKind(c.Kind, bold)); err != nil {
				return err
			}
			if dw := displayWidth(formatText(c.Kind, v)); dw > widths[j] {
				widths[j] = dw
			}
		}
		return nil
	}
	rowNum := 1
	for _, row := range t.Rows {
		rowNum++
		if err := writeRow(rowNum, row, false); err != nil {
			return err
		}
	}
	lastDataRow := rowNum
	if t.Total != nil {
		rowNum++
		if err := writeRow(rowNum, t.Total, true); err != nil {
			return err
		}
	}

	for j, dw := range widths {
		col, err := excelize.ColumnNumberToName(j + 1)
		if err != nil {
			return err
		}
		width := float64(dw) + 2
		width = max(width, minColWidth)
		width = min(width, maxColWidth)
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
	}

	if err := f.SetPanes(sheet, &excelize.Panes{
		Freeze:      true,
		YSplit:      1,
		TopLeftCell: "A2",
		ActivePane:  "bottomLeft",
		Selection:   []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	// The filter covers the header and the data rows but not the totals row,
	// so that sorting keeps 合计 at the bottom.
	filterRef := "A1:" + lastCol + itoa(lastDataRow)
	if err := f.AutoFilter(sheet, filterRef, nil); err != nil {
		return err
	}
	return f.Write(w)
}

// setCell stores one value with the type appropriate to its column kind.
func setCell(f *excelize.File, sheet, cell string, kind ColumnKind, v any) error {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return f.SetCellStr(sheet, cell, x)
	case int64:
		if kind != Rate && kind != Hours {
			return f.SetCellInt(sheet, cell, x)
		}
	case int:
		if kind != Rate && kind != Hours {
			return f.SetCellInt(sheet, cell, int64(x))
		}
	}
	num, ok := numeric(v)
	if !ok {
		return nil // nil *float64, NaN or ±Inf: leave the cell empty
	}
	return f.SetCellFloat(sheet, cell, num, -1, 64)
}

// styles holds the style IDs used by WriteXLSX for one workbook.
type styles struct {
	header      int
	plain, bold [4]int // indexed by ColumnKind
}

func (s *styles) forKind(k ColumnKind, bold bool) int {
	if k < Text || k > Hours {
		k = Text
	}
	if bold {
		return s.bold[k]
	}
	return s.plain[k]
}

func newStyles(f *excelize.File) (*styles, error) {
	var s styles
	var err error
	s.header, err = f.NewStyle(&excelize.Style{
		Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{
			Horizontal: "center",
			Vertical:   "center",
			WrapText:   true,
		},
		Border: []excelize.Border{
			{Type: "bottom", Color: "808080", Style: 1},
		},
	})
	if err != nil {
		return nil, err
	}
	numFmts := [4]int{Text: 0, Int: numFmtInteger, Rate: numFmtPercent, Hours: numFmtFixed2}
	for k, nf := range numFmts {
		if s.plain[k], err = f.NewStyle(&excelize.Style{NumFmt: nf}); err != nil {
			return nil, err
		}
		if s.bold[k], err = f.NewStyle(&excelize.Style{
			NumFmt: nf,
			Font:   &excelize.Font{Bold: true},
			Border: []excelize.Border{{Type: "top", Color: "808080", Style: 1}},
		}); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// displayWidth approximates the width of s in Excel character units:
// East Asian wide and full-width characters count as two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if isWide(r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func isWide(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115F, // Hangul Jamo
		r >= 0x2E80 && r <= 0xA4CF, // CJK radicals … Yi
		r >= 0xAC00 && r <= 0xD7A3, // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF, // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, // full-width forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x20000 && r <= 0x3FFFD: // CJK extensions
		return true
	}
	return false
}
