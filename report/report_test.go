package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func fp(v float64) *float64 { return &v }

func sampleTable() Table {
	return Table{
		Title: "2025年渠道统计",
		Columns: []Column{
			{Key: "channel", Header: "渠道", Kind: Text},
			{Key: "received", Header: "受理量", Kind: Int},
			{Key: "dispatched", Header: "交办量", Kind: Int},
			{Key: "completed", Header: "办结量", Kind: Int},
			{Key: "completion_rate", Header: "办结率", Kind: Rate},
			{Key: "avg_hours", Header: "平均办理时长(小时)", Kind: Hours},
		},
		Rows: [][]any{
			{"12328交通运输服务监督电话", int64(11719), int64(9685), int64(9580), fp(0.98812), 26.456},
			{"厅长信箱", int64(0), int64(0), int64(0), (*float64)(nil), 0.0},
			{"政务微博", int64(12), int64(3), int64(3), 1.0, fp(4.005)},
		},
		Total: []any{"合计", int64(11731), int64(9688), int64(9583), fp(0.98916), nil},
	}
}

func TestWriteCSV(t *testing.T) {
	tests := []struct {
		name  string
		table Table
		want  [][]string
	}{
		{
			name:  "statistics with totals",
			table: sampleTable(),
			want: [][]string{
				{"渠道", "受理量", "交办量", "办结量", "办结率", "平均办理时长(小时)"},
				{"12328交通运输服务监督电话", "11719", "9685", "9580", "98.81%", "26.46"},
				{"厅长信箱", "0", "0", "0", "", "0.00"},
				{"政务微博", "12", "3", "3", "100.00%", "4.01"},
				{"合计", "11731", "9688", "9583", "98.92%", ""},
			},
		},
		{
			name: "formula injection and short rows",
			table: Table{
				Columns: []Column{{Key: "a", Header: "内容", Kind: Text}, {Key: "n", Header: "数量", Kind: Int}},
				Rows: [][]any{
					{"=HYPERLINK(\"http://x\",\"点我\")", int64(-5)},
					{"+86 12328", nil},
					{"-1+1", int64(1)},
					{"@SUM(A1)", int64(2)},
					{"\tcmd", int64(3)},
					{"\r=1", int64(4)},
					{"普通, \"带引号\"\n多行", int64(5)},
					{"a=1"},
				},
			},
			want: [][]string{
				{"内容", "数量"},
				{"'=HYPERLINK(\"http://x\",\"点我\")", "-5"},
				{"'+86 12328", ""},
				{"'-1+1", "1"},
				{"'@SUM(A1)", "2"},
				{"'\tcmd", "3"},
				{"'=1", "4"}, // csv.Writer with UseCRLF drops a lone CR; the quote stays first
				{"普通, \"带引号\"\n多行", "5"},
				{"a=1", ""},
			},
		},
		{
			name: "no rows, no total",
			table: Table{
				Columns: []Column{{Key: "r", Header: "回复率", Kind: Rate}},
			},
			want: [][]string{{"回复率"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteCSV(&buf, tc.table); err != nil {
				t.Fatalf("WriteCSV: %v", err)
			}
			data := buf.Bytes()
			if !bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
				t.Fatalf("missing UTF-8 BOM: % x", data[:min(len(data), 8)])
			}
			body := data[3:]
			if !bytes.HasSuffix(body, []byte("\r\n")) {
				t.Errorf("output does not end with CRLF: %q", body)
			}
			if n, m := bytes.Count(body, []byte("\n")), bytes.Count(body, []byte("\r\n")); n != m {
				t.Errorf("found %d LF but only %d CRLF line ends", n, m)
			}
			got, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatalf("parse back: %v\n%s", err, body)
			}
			// encoding/csv writes \n inside a quoted field as \r\n and turns
			// it back into \n on read.
			if !reflect.DeepEqual(got, normalise(tc.want)) {
				t.Errorf("records mismatch\n got: %q\nwant: %q", got, normalise(tc.want))
			}
		})
	}
}

// normalise mirrors the csv round trip of line breaks inside quoted fields.
func normalise(recs [][]string) [][]string {
	out := make([][]string, len(recs))
	for i, r := range recs {
		out[i] = make([]string, len(r))
		for j, s := range r {
			out[i][j] = strings.ReplaceAll(s, "\r\n", "\n")
		}
	}
	return out
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name  string
		table Table
		want  string
	}{
		{"no columns", Table{}, "no columns"},
		{"row too long", Table{Columns: []Column{{Key: "a", Header: "甲"}}, Rows: [][]any{{"x", "y"}}}, "row 1 has 2 cells"},
		{"bad type", Table{Columns: []Column{{Key: "a", Header: "甲"}}, Rows: [][]any{{true}}}, "unsupported value type bool"},
		{"bad total", Table{Columns: []Column{{Key: "a", Header: "甲"}}, Total: []any{float32(1)}}, "total row"},
	}
	for _, tc := range tests {
		for name, write := range map[string]func(*bytes.Buffer, Table) error{
			"csv":  func(b *bytes.Buffer, t Table) error { return WriteCSV(b, t) },
			"xlsx": func(b *bytes.Buffer, t Table) error { return WriteXLSX(b, t) },
		} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				var buf bytes.Buffer
				err := write(&buf, tc.table)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.want)
				}
				if buf.Len() != 0 {
					t.Errorf("wrote %d bytes despite the error", buf.Len())
				}
			})
		}
	}
	if err := WriteCSV(&bytes.Buffer{}, Table{}); !errors.Is(err, ErrNoColumns) {
		t.Errorf("err = %v, want ErrNoColumns", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteFailingWriter(t *testing.T) {
	if err := WriteCSV(failWriter{}, sampleTable()); err == nil {
		t.Error("WriteCSV: expected an error from the writer")
	}
	if err := WriteXLSX(failWriter{}, sampleTable()); err == nil {
		t.Error("WriteXLSX: expected an error from the writer")
	}
}

func TestWriteXLSX(t *testing.T) {
	var buf bytes.Buffer
	tbl := sampleTable()
	if err := WriteXLSX(&buf, tbl); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("OpenReader: %v", err)
	}
	defer f.Close()

	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"2025年渠道统计"}) {
		t.Fatalf("sheets = %q", got)
	}
	sheet := "2025年渠道统计"

	bold := func(cell string) bool {
		t.Helper()
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st.Font != nil && st.Font.Bold
	}

	// Header row.
	headers, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"渠道", "受理量", "交办量", "办结量", "办结率", "平均办理时长(小时)"}; !reflect.DeepEqual(headers[0], want) {
		t.Errorf("headers = %q, want %q", headers[0], want)
	}
	id, _ := f.GetCellStyle(sheet, "B1")
	hs, _ := f.GetStyle(id)
	if hs.Font == nil || !hs.Font.Bold || hs.Fill.Pattern != 1 || len(hs.Fill.Color) == 0 {
		t.Errorf("header style = %+v, want bold with a solid fill", hs)
	}

	cells := []struct {
		cell, display, raw string
		typ                excelize.CellType
		numFmt             int
		bold               bool
	}{
		{"A2", "12328交通运输服务监督电话", "12328交通运输服务监督电话", excelize.CellTypeSharedString, 0, false},
		{"B2", "11719", "11719", excelize.CellTypeUnset, 1, false},
		{"E2", "98.81%", "0.98812", excelize.CellTypeUnset, 10, false},
		{"F2", "26.46", "26.456", excelize.CellTypeUnset, 2, false},
		{"E3", "", "", excelize.CellTypeUnset, 10, false},
		{"E4", "100.00%", "1", excelize.CellTypeUnset, 10, false},
		{"A5", "合计", "合计", excelize.CellTypeSharedString, 0, true},
		{"B5", "11731", "11731", excelize.CellTypeUnset, 1, true},
		{"E5", "98.92%", "0.98916", excelize.CellTypeUnset, 10, true},
		{"F5", "", "", excelize.CellTypeUnset, 2, true},
	}
	for _, c := range cells {
		display, err := f.GetCellValue(sheet, c.cell)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := f.GetCellValue(sheet, c.cell, excelize.Options{RawCellValue: true})
		if display != c.display || raw != c.raw {
			t.Errorf("%s: display %q raw %q, want %q / %q", c.cell, display, raw, c.display, c.raw)
		}
		typ, _ := f.GetCellType(sheet, c.cell)
		if typ != c.typ {
			t.Errorf("%s: cell type %v, want %v", c.cell, typ, c.typ)
		}
		id, _ := f.GetCellStyle(sheet, c.cell)
		st, _ := f.GetStyle(id)
		if st.NumFmt != c.numFmt {
			t.Errorf("%s: NumFmt %d, want %d", c.cell, st.NumFmt, c.numFmt)
		}
		if got := bold(c.cell); got != c.bold {
			t.Errorf("%s: bold = %v, want %v", c.cell, got, c.bold)
		}
	}

	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, want header row frozen", panes)
	}

	dn := f.GetDefinedName()
	var filter string
	for _, d := range dn {
		if d.Name == "_xlnm._FilterDatabase" {
			filter = d.RefersTo
		}
	}
	if !strings.HasSuffix(filter, "!$A$1:$F$4") {
		t.Errorf("autofilter defined name = %q, want header and data rows A1:F4", filter)
	}

	wa, _ := f.GetColWidth(sheet, "A")
	wb, _ := f.GetColWidth(sheet, "B")
	if !(wa > wb && wa >= float64(displayWidth("12328交通运输服务监督电话"))) {
		t.Errorf("column widths A=%v B=%v: the Chinese text column should be wider", wa, wb)
	}
	if wb < minColWidth {
		t.Errorf("column B width %v below minimum", wb)
	}
}

func TestWriteXLSXNoTotal(t *testing.T) {
	tbl := sampleTable()
	tbl.Title = ""
	tbl.Total = nil
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, tbl); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"统计"}) {
		t.Fatalf("sheets = %q, want [统计]", got)
	}
	rows, _ := f.GetRows("统计")
	if len(rows) != 4 {
		t.Errorf("got %d rows, want header + 3", len(rows))
	}
}

func TestSheetName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "统计"},
		{"  ", "统计"},
		{"[]:*?/\\", "统计"},
		{"2025/01 受理:交办 [汇总]?", "202501 受理交办 汇总"},
		{"'引号'", "引号"},
		{strings.Repeat("统计", 20), strings.Repeat("统计", 15) + "统"},
		{"交通运输服务监督电话受理交办办结情况统计表二〇二五年度全年汇总", "交通运输服务监督电话受理交办办结情况统计表二〇二五年度全年汇总"}, // exactly 30
		{strings.Repeat("a", 40), strings.Repeat("a", 31)},
		{strings.Repeat("𠀀", 16), strings.Repeat("𠀀", 15)}, // surrogate pairs: 2 UTF-16 units each
	}
	for _, tc := range tests {
		got := SheetName(tc.in)
		if got != tc.want {
			t.Errorf("SheetName(%q) = %q, want %q", tc.in, got, tc.want)
		}
		f := excelize.NewFile()
		if err := f.SetSheetName("Sheet1", got); err != nil {
			t.Errorf("excelize rejects %q: %v", got, err)
		}
		f.Close()
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		in   *float64
		want string
	}{
		{nil, "—"},
		{fp(math.NaN()), "—"},
		{fp(math.Inf(1)), "—"},
		{fp(0.98812), "98.81%"},
		{fp(0.98815), "98.82%"},
		{fp(0.9881), "98.81%"},
		{fp(0.98814999), "98.81%"},
		{fp(1), "100.00%"},
		{fp(0), "0.00%"},
		{fp(math.Copysign(0, -1)), "0.00%"},
		{fp(0.00015), "0.02%"}, // math.Round(r*10000) gives 0.01% here
		{fp(0.00005), "0.01%"},
		{fp(0.000049), "0.00%"},
		{fp(0.12345), "12.35%"},
		{fp(0.58665), "58.67%"},
		{fp(0.9), "90.00%"},
		{fp(0.99999), "100.00%"},
		{fp(1.5), "150.00%"},
		{fp(12.3456), "1234.56%"},
		{fp(-0.00015), "-0.02%"},
		{fp(-0.000001), "0.00%"},
		{fp(1e-300), "0.00%"},
		{fp(2.0 / 3.0), "66.67%"},
		{fp(1.0 / 3.0), "33.33%"},
	}
	for _, tc := range tests {
		name := "nil"
		if tc.in != nil {
			name = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(
				fmtFloat(*tc.in), "+", "p"), "-", "m"))
		}
		t.Run(name, func(t *testing.T) {
			if got := Percent(tc.in); got != tc.want {
				t.Errorf("Percent(%v) = %q, want %q", name, got, tc.want)
			}
		})
	}
}

func fmtFloat(f float64) string { return formatText(Text, f) }

func TestFixed2Hours(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0.00"},
		{1.005, "1.01"},
		{2.675, "2.68"},
		{26.456, "26.46"},
		{72, "72.00"},
		{0.004, "0.00"},
		{0.005, "0.01"},
		{-1.005, "-1.01"},
		{123456789.125, "123456789.13"},
		{1e20, "100000000000000000000.00"},
	}
	for _, tc := range tests {
		if got := fixed2(tc.in, 0); got != tc.want {
			t.Errorf("fixed2(%v, 0) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAnnualText(t *testing.T) {
	example := AnnualFigures{
		Label:            "12328交通运输服务监督电话",
		Received:         11719,
		Answered:         2034,
		Dispatched:       9685,
		Completed:        9580,
		Rated:            5012,
		CompletionRate:   fp(0.98916),
		ReplyRate:        fp(0.991),
		SatisfactionRate: fp(0.985),
		GoodRate:         fp(0.9607),
	}
	const exampleText = "2025年,12328交通运输服务监督电话共受理群众诉求11719件,其中直接答复2034件,交办9685件,办结9580件,办结率98.92%,回复率99.10%。共评价5012件,五星件数占评星件总数的96.07%,满意率98.50%。"

	computedGood := example
	computedGood.GoodRate = nil
	computedGood.FiveStar = 4815 // 4815/5012 = 0.960694…

	tests := []struct {
		name string
		year int
		figs []AnnualFigures
		want string
	}{
		{"example", 2025, []AnnualFigures{example}, exampleText},
		{"five-star share computed from counts", 2025, []AnnualFigures{computedGood}, exampleText},
		{"nothing", 2025, nil, ""},
		{
			"nil rates and zero counts skipped",
			2024,
			[]AnnualFigures{{
				Label:      "厅长信箱",
				Received:   35,
				Dispatched: 35,
				Completed:  34,
				// CompletionRate nil, ReplyRate nil, no evaluations
			}},
			"2024年,厅长信箱共受理群众诉求35件,交办35件,办结34件。",
		},
		{
			"all figures",
			2025,
			[]AnnualFigures{{
				Label:              "全部渠道",
				Received:           100,
				Answered:           40,
				Dispatched:         60,
				Completed:          58,
				Replied:            59,
				Rated:              50,
				FiveStar:           45,
				Satisfied:          44,
				BasicallySatisfied: 5,
				CompletionRate:     fp(58.0 / 60.0),
				OnTimeRate:         fp(0.95),
				ReplyRate:          fp(59.0 / 60.0),
				SatisfactionRate:   fp(0.98),
			}},
			"2025年,全部渠道共受理群众诉求100件,其中直接答复40件,交办60件,办结58件,回复59件,办结率96.67%,按时办结率95.00%,回复率98.33%。共评价50件,五星件数占评星件总数的90.00%,满意44件,基本满意5件,满意率98.00%。",
		},
		{
			"zero rate is a real figure",
			2025,
			[]AnnualFigures{{Label: "政务微博", Received: 3, Dispatched: 3, CompletionRate: fp(0)}},
			"2025年,政务微博共受理群众诉求3件,交办3件,办结率0.00%。",
		},
		{
			"NaN rate skipped",
			2025,
			[]AnnualFigures{{Label: "政务微博", Received: 3, ReplyRate: fp(math.NaN())}},
			"2025年,政务微博共受理群众诉求3件。",
		},
		{
			"no figures at all",
			2025,
			[]AnnualFigures{{Label: "政务微博"}},
			"2025年,政务微博共受理群众诉求0件。",
		},
		{
			"only evaluation figures",
			2025,
			[]AnnualFigures{{Label: "政务微博", Rated: 7, SatisfactionRate: fp(1)}},
			"2025年,政务微博共评价7件,满意率100.00%。",
		},
		{
			"answered without received",
			2025,
			[]AnnualFigures{{Label: "厅长信箱", Answered: 2}},
			"2025年,厅长信箱直接答复2件。",
		},
		{
			"several paragraphs",
			2025,
			[]AnnualFigures{
				example,
				{Label: "厅长信箱", Received: 35, Dispatched: 35, Completed: 35, CompletionRate: fp(1)},
			},
			exampleText + "\n" + "2025年,厅长信箱共受理群众诉求35件,交办35件,办结35件,办结率100.00%。",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := AnnualText(tc.year, tc.figs); got != tc.want {
				t.Errorf("AnnualText\n got: %s\nwant: %s", got, tc.want)
			}
			if strings.Contains(AnnualText(tc.year, tc.figs), "—") {
				t.Error("text contains a missing-value dash")
			}
		})
	}
}

func TestConcurrentWriters(t *testing.T) {
	tbl := sampleTable()
	done := make(chan error, 8)
	for i := range 8 {
		go func() {
			var buf bytes.Buffer
			if i%2 == 0 {
				done <- WriteXLSX(&buf, tbl)
			} else {
				done <- WriteCSV(&buf, tbl)
			}
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
