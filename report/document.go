package report

import (
	"errors"
	"fmt"
)

// Document is a report laid out for print, such as the annual report
// 《政府信息公开工作年度报告》: a title, then headings, paragraphs and tables
// with merged cells, in order. WriteDOCX, WriteDocumentXLSX and WriteHTML
// render it.
type Document struct {
	Title  string
	Blocks []Block
}

// BlockKind says what a Block is.
type BlockKind int

// The kinds of block.
const (
	BlockHeading BlockKind = iota
	BlockParagraph
	BlockTable
)

// Block is a heading, a paragraph or a table.
type Block struct {
	Kind  BlockKind
	Text  string
	Table *Grid
}

// Heading is a heading block.
func Heading(s string) Block { return Block{Kind: BlockHeading, Text: s} }

// Paragraph is a paragraph block.
func Paragraph(s string) Block { return Block{Kind: BlockParagraph, Text: s} }

// TableBlock is a table block.
func TableBlock(g Grid) Block { return Block{Kind: BlockTable, Table: &g} }

// GridCell is one cell of a Grid; it covers ColSpan columns and RowSpan rows
// (0 means 1).
type GridCell struct {
	Text    string
	ColSpan int
	RowSpan int
	Header  bool // a heading cell: bold and centred
	Number  bool // a figure: right-aligned, stored as a number in XLSX
}

// Grid is a table as HTML writes it: each row lists only the cells that
// start in it; positions covered by a span from a cell above or to the left
// are left out. Widths are relative column widths (optional).
type Grid struct {
	Rows   [][]GridCell
	Widths []int
}

// slot is one position of a laid-out grid.
type slot struct {
	cell   *GridCell // the cell covering it
	origin bool      // the cell's top-left position
	row    int       // the row the cell starts in
	col    int       // the column the cell starts in
}

func span(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// layout places every cell on a rectangle of rows × columns and checks that
// the spans neither overlap nor leave holes.
func (g Grid) layout() ([][]slot, int, error) {
	if len(g.Rows) == 0 {
		return nil, 0, errors.New("report: empty table")
	}
	var cols int
	for _, c := range g.Rows[0] {
		cols += span(c.ColSpan)
	}
	out := make([][]slot, len(g.Rows))
	for i := range out {
		out[i] = make([]slot, cols)
	}
	for i, row := range g.Rows {
		j := 0
		for k := range row {
			c := &g.Rows[i][k]
			for j < cols && out[i][j].cell != nil {
				j++
			}
			if j+span(c.ColSpan) > cols || i+span(c.RowSpan) > len(g.Rows) {
				return nil, 0, fmt.Errorf("report: table row %d, cell %q overflows the table", i+1, c.Text)
			}
			for di := range span(c.RowSpan) {
				for dj := range span(c.ColSpan) {
					if out[i+di][j+dj].cell != nil {
						return nil, 0, fmt.Errorf("report: table row %d, cell %q overlaps another", i+1, c.Text)
					}
					out[i+di][j+dj] = slot{cell: c, origin: di == 0 && dj == 0, row: i, col: j}
				}
			}
			j += span(c.ColSpan)
		}
	}
	for i := range out {
		for j := range out[i] {
			if out[i][j].cell == nil {
				return nil, 0, fmt.Errorf("report: table row %d, column %d is empty", i+1, j+1)
			}
		}
	}
	return out, cols, nil
}

// Texts are the texts of a document in reading order: the title, each
// heading and paragraph, and each table's cells row by row. The writers keep
// this order, so a test can read a file back and compare.
func (d Document) Texts() []string {
	out := []string{d.Title}
	for _, b := range d.Blocks {
		if b.Kind != BlockTable {
			out = append(out, b.Text)
			continue
		}
		for _, row := range b.Table.Rows {
			for _, c := range row {
				out = append(out, c.Text)
			}
		}
	}
	return out
}

func (d Document) validate() error {
	for i, b := range d.Blocks {
		if b.Kind == BlockTable {
			if b.Table == nil {
				return fmt.Errorf("report: block %d is a table without a table", i+1)
			}
			if _, _, err := b.Table.layout(); err != nil {
				return err
			}
		}
	}
	return nil
}
