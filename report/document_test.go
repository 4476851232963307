package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// sampleDocument has a table with spans across rows and columns, like the
// head of table 三.
func sampleDocument() Document {
	h := func(s string, cs, rs int) GridCell { return GridCell{Text: s, ColSpan: cs, RowSpan: rs, Header: true} }
	n := func(s string) GridCell { return GridCell{Text: s, Number: true} }
	return Document{Title: "2025年政府信息公开工作年度报告", Blocks: []Block{
		Heading("一、总体情况"),
		Paragraph("第一段<有尖括号> & 符号。\n第二段。"),
		Heading("三、收到和处理政府信息公开申请情况"),
		TableBlock(Grid{Widths: []int{3, 2, 1, 1, 1}, Rows: [][]GridCell{
			{h("(本列数据的勾稽关系)", 2, 2), h("申请人情况", 3, 1)},
			{h("自然人", 1, 1), h("法人", 1, 1), h("总计", 1, 1)},
			{{Text: "三、本年度办理结果", RowSpan: 2}, {Text: "(一)予以公开"}, n("5"), n("0"), n("5")},
			{{Text: "(二)部分公开"}, n("0"), n("1"), n("1")},
			{{Text: "四、结转下年度继续办理", ColSpan: 2}, n("1"), n("2"), n("3")},
		}}),
		Heading("五、存在的主要问题及改进情况"),
		Paragraph("无。"),
	}}
}

// docxParagraphs reads the text of every paragraph of word/document.xml, in
// order, leaving out empty ones.
func docxParagraphs(t *testing.T, b []byte) ([]string, string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	names := map[string]bool{}
	var doc []byte
	for _, f := range zr.File {
		names[f.Name] = true
		if f.Name == "word/document.xml" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			doc, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	for _, want := range []string{"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/styles.xml", "word/document.xml"} {
		if !names[want] {
			t.Errorf("the package lacks %s", want)
		}
	}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var paras []string
	var cur strings.Builder
	inT := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("document.xml is not well-formed: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Local == "p" {
				cur.Reset()
			}
			inT = e.Name.Local == "t"
		case xml.EndElement:
			if e.Name.Local == "p" && cur.Len() > 0 {
				paras = append(paras, cur.String())
			}
			inT = false
		case xml.CharData:
			if inT {
				cur.Write(e)
			}
		}
	}
	return paras, string(doc)
}

func expectedTexts(d Document) []string {
	var out []string
	for _, s := range d.Texts() {
		for _, l := range strings.Split(s, "\n") {
			if l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

func TestWriteDOCX(t *testing.T) {
	d := sampleDocument()
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, d); err != nil {
		t.Fatal(err)
	}
	paras, doc := docxParagraphs(t, buf.Bytes())
	if want := expectedTexts(d); !slices.Equal(paras, want) {
		t.Errorf("read back\n%q\nwant\n%q", paras, want)
	}
	for _, want := range []string{`<w:tbl>`, `<w:gridSpan w:val="2"/>`, `<w:gridSpan w:val="3"/>`, `<w:vMerge w:val="restart"/>`,
		`<w:vMerge/>`, `w:insideH w:val="single"`, `<w:gridCol w:w="`} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	// each row spans the five grid columns: 2+3; 2(merged)+1+1+1; 1+1+1+1+1; 1(merged)+1+1+1+1; 2+1+1+1
	rows := regexp.MustCompile(`<w:tr>.*?</w:tr>`).FindAllString(doc, -1)
	if len(rows) != 5 {
		t.Fatalf("%d rows, want 5", len(rows))
	}
	cells := []int{2, 4, 5, 5, 4}
	for i, r := range rows {
		if n := strings.Count(r, "<w:tc>"); n != cells[i] {
			t.Errorf("row %d has %d cells, want %d", i+1, n, cells[i])
		}
	}
	var again bytes.Buffer
	if err := WriteDOCX(&again, d); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Error("the same document gave a different file")
	}
	convertWithLibreOffice(t, buf.Bytes(), d)
}

// convertWithLibreOffice opens the file in LibreOffice, headless, when it is
// installed, and checks the text it reads.
func convertWithLibreOffice(t *testing.T, docx []byte, d Document) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Log("soffice (LibreOffice) is not installed: the conversion check is skipped")
		return
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "report.docx")
	if err := os.WriteFile(in, docx, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "txt:Text (encoded):UTF8", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	txt, err := os.ReadFile(filepath.Join(dir, "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range expectedTexts(d) {
		if !strings.Contains(string(txt), s) {
			t.Errorf("LibreOffice did not read %q", s)
		}
	}
}

func TestWriteHTML(t *testing.T) {
	d := sampleDocument()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, d); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{`<html lang="zh-CN">`, `<th colspan="2" rowspan="2">(本列数据的勾稽关系)</th>`,
		`<td rowspan="2">三、本年度办理结果</td>`, `<td class="n">5</td>`, `第一段&lt;有尖括号&gt; &amp; 符号。`} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %s", want)
		}
	}
	// the texts appear in reading order
	plain := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(strings.ReplaceAll(html, "&amp;", "&"), "\x00")
	plain = strings.NewReplacer("&lt;", "<", "&gt;", ">").Replace(plain)
	at := strings.Index(plain, "<body>")
	for _, s := range expectedTexts(d) {
		i := strings.Index(plain[max(at, 0):], s)
		if i < 0 {
			t.Fatalf("html lacks %q after position %d", s, at)
		}
		at += i + len(s)
	}
}

func TestWriteDocumentXLSX(t *testing.T) {
	d := sampleDocument()
	var buf bytes.Buffer
	if err := WriteDocumentXLSX(&buf, d); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var ranges []string
	for _, m := range merged {
		ranges = append(ranges, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	// title, heading, two lines, heading: the table starts in row 6
	for _, want := range []string{"A6:B7", "C6:E6", "A8:A9", "A10:B10"} {
		if !slices.Contains(ranges, want) {
			t.Errorf("merged %v lack %s", ranges, want)
		}
	}
	for cell, want := range map[string]string{"A1": d.Title, "A6": "(本列数据的勾稽关系)", "C8": "5", "E10": "3", "A12": "五、存在的主要问题及改进情况"} {
		if got, _ := f.GetCellValue(sheet, cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	if typ, _ := f.GetCellType(sheet, "E10"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Error("a figure was stored as text")
	}
}

func TestGridLayoutErrors(t *testing.T) {
	bad := []Grid{
		{},
		{Rows: [][]GridCell{{{Text: "a", ColSpan: 2}}, {{Text: "b"}}}},              // a hole
		{Rows: [][]GridCell{{{Text: "a", RowSpan: 3}, {Text: "b"}}, {{Text: "c"}}}}, // past the last row
		{Rows: [][]GridCell{{{Text: "a"}, {Text: "b"}}, {{Text: "c"}, {Text: "d"}, {Text: "e"}}}},
	}
	for i, g := range bad {
		if err := WriteDOCX(io.Discard, Document{Title: "x", Blocks: []Block{TableBlock(g)}}); err == nil {
			t.Errorf("grid %d was accepted", i)
		}
	}
}
