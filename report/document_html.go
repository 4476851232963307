package report

import (
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

var documentHTML = template.Must(template.New("doc").Funcs(template.FuncMap{
	"lines": func(s string) []string { return strings.Split(s, "\n") },
	"span":  func(n int) int { return span(n) },
}).Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
@page { size: A4; margin: 37mm 23mm 35mm 23mm; }
body { font-family: "仿宋_GB2312", "FangSong", "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 28pt; color: #000; max-width: 170mm; margin: 0 auto; }
h1 { font-family: "方正小标宋简体", "Noto Serif CJK SC", serif; font-size: 22pt; font-weight: normal; text-align: center; line-height: 1.4; margin: 0 0 24pt; }
h2 { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal; text-indent: 2em; margin: 0; }
p { text-indent: 2em; margin: 0; text-align: justify; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0 12pt; font-family: "宋体", "SimSun", "Noto Serif CJK SC", serif; font-size: 10pt; line-height: 1.3; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: middle; }
th { font-weight: bold; text-align: center; }
td.n { text-align: right; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{range .Blocks}}{{if eq .Kind 0}}<h2>{{.Text}}</h2>
{{else if eq .Kind 1}}{{range lines .Text}}<p>{{.}}</p>
{{end}}{{else}}<table>
{{range .Table.Rows}}<tr>{{range .}}{{if .Header}}<th{{template "spans" .}}>{{.Text}}</th>{{else}}<td{{template "spans" .}}{{if .Number}} class="n"{{end}}>{{.Text}}</td>{{end}}{{end}}</tr>
{{end}}</table>
{{end}}{{end}}</body>
</html>
{{define "spans"}}{{if gt (span .ColSpan) 1}} colspan="{{.ColSpan}}"{{end}}{{if gt (span .RowSpan) 1}} rowspan="{{.RowSpan}}"{{end}}{{end}}`))

// WriteHTML writes d as a printable HTML page in Chinese, the tables laid
// out with their merged cells.
func WriteHTML(w io.Writer, d Document) error {
	if err := d.validate(); err != nil {
		return err
	}
	return documentHTML.Execute(w, d)
}

// WriteDocumentXLSX writes d as one sheet: the title, headings and
// paragraphs in column A, and each table with its merged cells, borders and
// figures stored as numbers.
func WriteDocumentXLSX(w io.Writer, d Document) error {
	if err := d.validate(); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := SheetName(d.Title)
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "top", Color: "000000", Style: 1},
		{Type: "right", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Alignment: center})
	if err != nil {
		return err
	}
	cellText, err := f.NewStyle(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	cellNum, err := f.NewStyle(&excelize.Style{Border: border, NumFmt: numFmtInteger, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	name := func(col, row int) string {
		s, _ := excelize.CoordinatesToCellName(col, row) // col and row are positive
		return s
	}
	r := 1
	line := func(s string, style int) error {
		if err := f.SetCellStr(sheet, name(1, r), s); err != nil {
			return err
		}
		r++
		return f.SetCellStyle(sheet, name(1, r-1), name(1, r-1), style)
	}
	if err := line(d.Title, title); err != nil {
		return err
	}
	maxCols := 1
	for _, blk := range d.Blocks {
		switch blk.Kind {
		case BlockHeading:
			if err := line(blk.Text, bold); err != nil {
				return err
			}
		case BlockParagraph:
			for _, l := range strings.Split(blk.Text, "\n") {
				if err := line(l, 0); err != nil {
					return err
				}
			}
		case BlockTable:
			slots, cols, _ := blk.Table.layout() // validated above
			maxCols = max(maxCols, cols)
			for i, row := range slots {
				for j, s := range row {
					if !s.origin {
						continue
					}
					c := s.cell
					top, bottom := name(j+1, r+i), name(j+span(c.ColSpan), r+i+span(c.RowSpan)-1)
					style := cellText
					switch {
					case c.Header:
						style = head
					case c.Number:
						style = cellNum
					}
					if n, err := strconv.ParseFloat(c.Text, 64); c.Number && err == nil {
						if err := f.SetCellFloat(sheet, top, n, -1, 64); err != nil {
							return err
						}
					} else if err := f.SetCellStr(sheet, top, c.Text); err != nil {
						return err
					}
					if top != bottom {
						if err := f.MergeCell(sheet, top, bottom); err != nil {
							return err
						}
					}
					if err := f.SetCellStyle(sheet, top, bottom, style); err != nil {
						return err
					}
				}
			}
			r += len(slots) + 1
		}
	}
	last, _ := excelize.ColumnNumberToName(maxCols)
	if err := f.SetColWidth(sheet, "A", last, 12); err != nil {
		return err
	}
	return f.Write(w)
}
