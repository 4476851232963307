package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"
)

// A minimal WordprocessingML (.docx) package: [Content_Types].xml, the
// package and document relationships, word/document.xml with the title,
// headings, paragraphs and real w:tbl tables (borders, merged cells through
// w:gridSpan and w:vMerge), word/styles.xml and docProps/core.xml. It opens
// in Word, WPS and LibreOffice; A4 portrait with the margins of 党政机关公文.

const wordNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// text width of an A4 page with 2.3 cm left and right margins, in twips
const docxTextWidth = 11906 - 2*1304

var docxParts = []struct{ name, body string }{
	{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
		`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`</Types>`},
	{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
		`</Relationships>`},
	{"word/_rels/document.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`</Relationships>`},
	{"word/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="` + wordNS + `">` +
		`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/>` +
		`<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:jc w:val="center"/><w:spacing w:before="240" w:after="480" w:line="240" w:lineRule="auto"/></w:pPr>` +
		`<w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="0"/></w:pPr>` +
		`<w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/>` +
		`<w:pPr><w:spacing w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:rFonts w:eastAsia="宋体"/><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>` +
		`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>` +
		`<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="60" w:type="dxa"/>` +
		`<w:bottom w:w="0" w:type="dxa"/><w:right w:w="60" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
		`</w:styles>`},
}

// WriteDOCX writes d as a .docx package.
func WriteDOCX(w io.Writer, d Document) error {
	if err := d.validate(); err != nil {
		return err
	}
	var doc bytes.Buffer
	if err := writeDocumentXML(&doc, d); err != nil {
		return err
	}
	z := zip.NewWriter(w)
	put := func(name string, body []byte) error {
		// a fixed time keeps the file the same for the same report
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return err
		}
		_, err = f.Write(body)
		return err
	}
	for _, p := range docxParts {
		if err := put(p.name, []byte(p.body)); err != nil {
			return err
		}
	}
	core := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
		`<dc:title>` + escape(d.Title) + `</dc:title></cp:coreProperties>`
	if err := put("docProps/core.xml", []byte(core)); err != nil {
		return err
	}
	if err := put("word/document.xml", doc.Bytes()); err != nil {
		return err
	}
	return z.Close()
}

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // writes to a strings.Builder never fail
	return b.String()
}

// paragraph writes one w:p per line of s with the style; runs are bold when
// asked; jc aligns ("" keeps the style's).
func paragraph(b *strings.Builder, style, jc string, bold bool, s string) {
	for _, line := range strings.Split(s, "\n") {
		b.WriteString(`<w:p><w:pPr><w:pStyle w:val="` + style + `"/>`)
		if jc != "" {
			b.WriteString(`<w:jc w:val="` + jc + `"/>`)
		}
		b.WriteString(`</w:pPr>`)
		if line != "" {
			b.WriteString(`<w:r>`)
			if bold {
				b.WriteString(`<w:rPr><w:b/></w:rPr>`)
			}
			b.WriteString(`<w:t xml:space="preserve">` + escape(line) + `</w:t></w:r>`)
		}
		b.WriteString(`</w:p>`)
	}
}

func writeDocumentXML(w io.Writer, d Document) error {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<w:document xmlns:w="` + wordNS + `"><w:body>`)
	paragraph(&b, "Title", "", false, d.Title)
	for _, blk := range d.Blocks {
		switch blk.Kind {
		case BlockHeading:
			paragraph(&b, "Heading1", "", false, blk.Text)
		case BlockParagraph:
			paragraph(&b, "BodyText", "", false, blk.Text)
		case BlockTable:
			if err := docxTable(&b, *blk.Table); err != nil {
				return err
			}
			paragraph(&b, "TableText", "", false, "")
		}
	}
	b.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>` +
		`<w:pgMar w:top="2098" w:right="1304" w:bottom="1984" w:left="1304" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>`)
	b.WriteString(`</w:body></w:document>`)
	_, err := io.WriteString(w, b.String())
	return err
}

// columnTwips shares the text width among the columns by their weights.
func columnTwips(g Grid, cols int) []int {
	weights := make([]int, cols)
	total := 0
	for j := range weights {
		weights[j] = 1
		if j < len(g.Widths) && g.Widths[j] > 0 {
			weights[j] = g.Widths[j]
		}
		total += weights[j]
	}
	out := make([]int, cols)
	for j, wt := range weights {
		out[j] = docxTextWidth * wt / total
	}
	return out
}

func docxTable(b *strings.Builder, g Grid) error {
	slots, cols, err := g.layout()
	if err != nil {
		return err
	}
	tw := columnTwips(g, cols)
	border := func(side string) string {
		return `<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="000000"/>`
	}
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="` + strconv.Itoa(docxTextWidth) + `" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>` +
		border("top") + border("left") + border("bottom") + border("right") + border("insideH") + border("insideV") +
		`</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, x := range tw {
		b.WriteString(`<w:gridCol w:w="` + strconv.Itoa(x) + `"/>`)
	}
	b.WriteString(`</w:tblGrid>`)
	for i, row := range slots {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		for j := 0; j < cols; {
			s := row[j]
			c := s.cell
			if s.col != j {
				j++ // inside a horizontal span, written with its first column
				continue
			}
			width := 0
			for k := range span(c.ColSpan) {
				width += tw[j+k]
			}
			b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="` + strconv.Itoa(width) + `" w:type="dxa"/>`)
			if span(c.ColSpan) > 1 {
				b.WriteString(`<w:gridSpan w:val="` + strconv.Itoa(span(c.ColSpan)) + `"/>`)
			}
			if span(c.RowSpan) > 1 {
				if s.row == i {
					b.WriteString(`<w:vMerge w:val="restart"/>`)
				} else {
					b.WriteString(`<w:vMerge/>`)
				}
			}
			b.WriteString(`<w:vAlign w:val="center"/></w:tcPr>`)
			if s.row == i {
				jc := "left"
				switch {
				case c.Header:
					jc = "center"
				case c.Number:
					jc = "right"
				}
				paragraph(b, "TableText", jc, c.Header, c.Text)
			} else {
				paragraph(b, "TableText", "", false, "")
			}
			b.WriteString(`</w:tc>`)
			j += span(c.ColSpan)
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
	return nil
}
