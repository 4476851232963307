package handlers_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hotline/testenv"
)

type reportRow struct {
	Row            string `json:"row"`
	Label          string `json:"label"`
	Natural        int64  `json:"natural"`
	Commercial     int64  `json:"commercial"`
	Research       int64  `json:"research"`
	PublicInterest int64  `json:"public_interest"`
	LegalService   int64  `json:"legal_service"`
	OtherOrg       int64  `json:"other_org"`
	Total          int64  `json:"total"`
}

func (r reportRow) cells() [7]int64 {
	return [7]int64{r.Natural, r.Commercial, r.Research, r.PublicInterest, r.LegalService, r.OtherOrg, r.Total}
}

type caseCells struct {
	Upheld, Corrected, Other, Pending, Total int64
}

type disclosureReport struct {
	Year     int `json:"year"`
	Sections struct {
		OverviewText string         `json:"overview_text"`
		Active       map[string]any `json:"active"`
		Requests     struct {
			Rows []reportRow `json:"rows"`
		} `json:"requests"`
		Cases        map[string]caseCells `json:"cases"`
		ProblemsText string               `json:"problems_text"`
		OtherText    string               `json:"other_text"`
	} `json:"sections"`
}

var reportOutcomes = []string{"disclose", "partial", "withhold_secret", "withhold_law", "withhold_safety",
	"withhold_third_party", "withhold_internal", "withhold_process", "withhold_enforcement", "withhold_inquiry",
	"unable_not_held", "unable_needs_creation", "unable_unclear", "reject_petition", "reject_repeat",
	"reject_publication", "reject_excessive", "reject_confirm", "other_no_correction", "other_no_fee", "other"}

var reportTypes = []string{"natural", "commercial", "research", "public_interest", "legal_service", "other_org"}

// feedYear records a year of applications: every outcome once, across the
// applicant types in turn, a few more, three carried in from 2024 and four
// carried out into 2026; and reconsideration and litigation cases.
func feedYear(t *testing.T, s *testenv.Server, op string) {
	t.Helper()
	apply := func(typ, received string) int64 {
		extra := map[string]any{"applicant_type": typ}
		if typ != "natural" {
			extra["org_name"] = "某" + typ + "单位"
		}
		return createDisclosure(t, s, op, application(received, extra)).ID
	}
	decide := func(id int64, outcome, on string) {
		post(t, s, 200, op, disPath(id, "/decision"), map[string]any{"outcome": outcome, "reply": "答复:" + outcome, "decided_on": on})
	}
	// decided in 2024: counts nowhere in 2025
	decide(apply("natural", "2024-11-01"), "disclose", "2024-11-20")
	// carried in from 2024
	decide(apply("natural", "2024-12-20"), "disclose", "2025-01-08")
	decide(apply("commercial", "2024-12-25"), "withhold_third_party", "2025-01-15")
	research2024 := apply("research", "2024-12-30")
	// every outcome once, the types in turn
	start := time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC)
	for i, o := range reportOutcomes {
		recv := start.AddDate(0, 0, 7*i)
		id := apply(reportTypes[i%len(reportTypes)], recv.Format("2006-01-02"))
		switch o {
		case "other_no_correction":
			post(t, s, 201, op, disPath(id, "/corrections"), map[string]any{"asked_on": recv.AddDate(0, 0, 1).Format("2006-01-02"),
				"what": "请补充", "reply_by": recv.AddDate(0, 0, 11).Format("2006-01-02")})
		case "other_no_fee":
			post(t, s, 201, op, disPath(id, "/fees"), map[string]any{"notified_on": recv.AddDate(0, 0, 1).Format("2006-01-02"), "amount_yuan": 30})
		}
		decide(id, o, recv.AddDate(0, 0, 14).Format("2006-01-02"))
	}
	for _, recv := range []string{"2025-08-01", "2025-08-04", "2025-08-05"} {
		decide(apply("natural", recv), "disclose", "2025-08-20")
	}
	decide(apply("natural", "2025-09-01"), "unable_not_held", "2025-09-10")
	// carried out into 2026
	apply("public_interest", "2025-12-20")
	decide(apply("legal_service", "2025-12-29"), "partial", "2026-01-05")
	apply("other_org", "2025-12-31")
	decide(research2024, "disclose", "2026-01-06")
	// a portal application never confirmed counts nowhere
	body := application("")
	delete(body, "received_on")
	delete(body, "submitted_via")
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/public/disclosure-requests", Body: body})

	cases := []struct {
		kind, filed string
		result      any
	}{
		{"reconsideration", "2025-03-01", "upheld"}, {"reconsideration", "2025-04-01", "upheld"},
		{"reconsideration", "2025-05-01", "corrected"}, {"reconsideration", "2025-06-01", nil},
		{"litigation_direct", "2025-03-10", "upheld"}, {"litigation_direct", "2025-07-10", "other"},
		{"litigation_after_reconsideration", "2025-08-01", "corrected"},
		{"litigation_after_reconsideration", "2025-09-01", nil}, {"litigation_after_reconsideration", "2025-12-31", nil},
		{"reconsideration", "2024-12-31", "upheld"}, {"litigation_direct", "2026-01-02", "corrected"},
	}
	for _, c := range cases {
		post(t, s, 201, op, "/api/v1/disclosure-cases", map[string]any{"kind": c.kind, "filed_on": c.filed, "result": c.result})
	}
}

// TestDisclosureAnnualReport feeds a year and checks every cell of tables 三
// and 四 against numbers counted by hand, the identity, the carry-over into
// the next year, table 二, sections 五 and 六, and the overview's figures.
func TestDisclosureAnnualReport(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	op, mgr := s.User(t, "operator", ""), s.User(t, "manager", "")
	feedYear(t, s, op)
	s.Expect(t, 200, testenv.Req{Method: "PUT", Path: "/api/v1/reports/disclosure/2025/active", Token: mgr, Body: activeFigures(map[string]any{"fees_10k_yuan": 0.15})})
	s.Expect(t, 200, testenv.Req{Method: "PUT", Path: "/api/v1/reports/disclosure/2025/text", Token: mgr,
		Body: map[string]any{"problems_text": "答复文书规范性有待提高。", "other_text": "本年度未收取信息处理费。"}})

	var rep disclosureReport
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/reports/disclosure?year=2025", Token: mgr}).Decode(t, &rep)
	//                                  nat com res pub leg oth tot
	want := map[string][7]int64{
		"new":                   {8, 4, 4, 4, 4, 4, 28},
		"carried_in":            {1, 1, 1, 0, 0, 0, 3},
		"disclose":              {5, 0, 0, 0, 0, 0, 5},
		"partial":               {0, 1, 0, 0, 0, 0, 1},
		"withhold_secret":       {0, 0, 1, 0, 0, 0, 1},
		"withhold_law":          {0, 0, 0, 1, 0, 0, 1},
		"withhold_safety":       {0, 0, 0, 0, 1, 0, 1},
		"withhold_third_party":  {0, 1, 0, 0, 0, 1, 2},
		"withhold_internal":     {1, 0, 0, 0, 0, 0, 1},
		"withhold_process":      {0, 1, 0, 0, 0, 0, 1},
		"withhold_enforcement":  {0, 0, 1, 0, 0, 0, 1},
		"withhold_inquiry":      {0, 0, 0, 1, 0, 0, 1},
		"unable_not_held":       {1, 0, 0, 0, 1, 0, 2},
		"unable_needs_creation": {0, 0, 0, 0, 0, 1, 1},
		"unable_unclear":        {1, 0, 0, 0, 0, 0, 1},
		"reject_petition":       {0, 1, 0, 0, 0, 0, 1},
		"reject_repeat":         {0, 0, 1, 0, 0, 0, 1},
		"reject_publication":    {0, 0, 0, 1, 0, 0, 1},
		"reject_excessive":      {0, 0, 0, 0, 1, 0, 1},
		"reject_confirm":        {0, 0, 0, 0, 0, 1, 1},
		"other_no_correction":   {1, 0, 0, 0, 0, 0, 1},
		"other_no_fee":          {0, 1, 0, 0, 0, 0, 1},
		"other":                 {0, 0, 1, 0, 0, 0, 1},
		"total_handled":         {9, 5, 4, 3, 3, 3, 27},
		"carried_out":           {0, 0, 1, 1, 1, 1, 4},
	}
	rows := rep.Sections.Requests.Rows
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	order := append(append([]string{"new", "carried_in"}, reportOutcomes...), "total_handled", "carried_out")
	byRow := map[string]reportRow{}
	for i, r := range rows {
		if r.Row != order[i] {
			t.Errorf("row %d is %s, want %s", i, r.Row, order[i])
		}
		if r.Label == "" {
			t.Errorf("row %s has no label", r.Row)
		}
		byRow[r.Row] = r
		if r.cells() != want[r.Row] {
			t.Errorf("row %s = %v, want %v", r.Row, r.cells(), want[r.Row])
		}
	}
	if byRow["other_no_correction"].Label != "(六)其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" {
		t.Errorf("label %q", byRow["other_no_correction"].Label)
	}
	for i := range 7 {
		n, in, h, out := byRow["new"].cells()[i], byRow["carried_in"].cells()[i], byRow["total_handled"].cells()[i], byRow["carried_out"].cells()[i]
		if n+in != h+out {
			t.Errorf("column %d: 新收 %d + 上年结转 %d != 总计 %d + 结转下年度 %d", i, n, in, h, out)
		}
	}
	wantCases := map[string]caseCells{
		"reconsideration":                  {Upheld: 2, Corrected: 1, Pending: 1, Total: 4},
		"litigation_direct":                {Upheld: 1, Other: 1, Total: 2},
		"litigation_after_reconsideration": {Corrected: 1, Pending: 2, Total: 3},
	}
	for k, w := range wantCases {
		if got := rep.Sections.Cases[k]; got != w {
			t.Errorf("table 四 %s = %+v, want %+v", k, got, w)
		}
	}
	if reg := rep.Sections.Active["regulations"].(map[string]any); reg["in_force"] != 12.0 || rep.Sections.Active["fees_10k_yuan"] != 0.15 {
		t.Errorf("table 二 %v", rep.Sections.Active)
	}
	if rep.Sections.ProblemsText != "答复文书规范性有待提高。" || rep.Sections.OtherText != "本年度未收取信息处理费。" {
		t.Errorf("sections 五 and 六: %q %q", rep.Sections.ProblemsText, rep.Sections.OtherText)
	}
	for _, s := range []string{"本年新收政府信息公开申请28件", "自然人8件", "上年结转3件", "办理完结27件", "予以公开5件",
		"不予公开9件", "无法提供4件", "不予处理5件", "其他处理3件", "结转下年度继续办理4件", "被申请行政复议4件",
		"被提起行政诉讼5件", "行政许可决定1200件", "政民互动方面"} {
		if !strings.Contains(rep.Sections.OverviewText, s) {
			t.Errorf("overview lacks %q:\n%s", s, rep.Sections.OverviewText)
		}
	}

	// 2026: the carried-out applications come in
	var next disclosureReport
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/reports/disclosure?year=2026", Token: mgr}).Decode(t, &next)
	nextRows := map[string][7]int64{}
	for _, r := range next.Sections.Requests.Rows {
		nextRows[r.Row] = r.cells()
	}
	if nextRows["carried_in"] != want["carried_out"] {
		t.Errorf("2026 carried_in %v != 2025 carried_out %v", nextRows["carried_in"], want["carried_out"])
	}
	if nextRows["disclose"] != [7]int64{0, 0, 1, 0, 0, 0, 1} || nextRows["partial"] != [7]int64{0, 0, 0, 0, 1, 0, 1} ||
		nextRows["carried_out"] != [7]int64{0, 0, 0, 1, 0, 1, 2} {
		t.Errorf("2026 rows %v", nextRows)
	}
	if next.Sections.Cases["litigation_direct"] != (caseCells{Corrected: 1, Total: 1}) {
		t.Errorf("2026 cases %+v", next.Sections.Cases)
	}

	checkDocuments(t, s, mgr, order, want, wantCases)

	// 政民互动 comes from the statistics: a letter this year shows in this year's overview
	s.StartWorker()
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/public/letters",
		Body: map[string]any{"name": "李四", "phone": "13900001111", "kind": "suggestion", "title": "公交线路", "content": "建议增加公交线路"}})
	year := s.Core.Now().Year()
	testenv.Eventually(t, 20*time.Second, "the letter in the overview", func() bool {
		var r disclosureReport
		s.Expect(t, 200, testenv.Req{Method: "GET", Path: fmt.Sprintf("/api/v1/reports/disclosure?year=%d", year), Token: mgr}).Decode(t, &r)
		return strings.Contains(r.Sections.OverviewText, "厅长信箱全年收到群众来信1件")
	})
}

// checkDocuments downloads the report as .docx, .xlsx and HTML and finds
// every cell of tables 三 and 四 in it, in order.
func checkDocuments(t *testing.T, s *testenv.Server, token string, order []string, want map[string][7]int64, cases map[string]caseCells) {
	t.Helper()
	var seq []string // table 三 row by row, then table 四
	for _, row := range order {
		for _, n := range want[row] {
			seq = append(seq, strconv.FormatInt(n, 10))
		}
	}
	for _, k := range []string{"reconsideration", "litigation_direct", "litigation_after_reconsideration"} {
		c := cases[k]
		for _, n := range []int64{c.Upheld, c.Corrected, c.Other, c.Pending, c.Total} {
			seq = append(seq, strconv.FormatInt(n, 10))
		}
	}
	get := func(format, contentType string) []byte {
		r := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/reports/disclosure?year=2025&format=" + format, Token: token})
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, contentType) {
			t.Errorf("%s: Content-Type %s", format, ct)
		}
		return r.Body
	}

	paras := docxText(t, get("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
	at := paraIndex(paras, "三、收到和处理政府信息公开申请情况", 0)
	if at < 0 || paraIndex(paras, "2025年政府信息公开工作年度报告", 0) != 0 {
		t.Fatalf("docx paragraphs %q", paras)
	}
	for _, l := range []string{"一、本年新收政府信息公开申请数量", "(三)不予公开", "8.属于行政查询事项", "(七)总计", "四、结转下年度继续办理",
		"四、政府信息公开行政复议、行政诉讼情况", "未经复议直接起诉", "五、存在的主要问题及改进情况", "答复文书规范性有待提高。", "本年度未收取信息处理费。"} {
		if paraIndex(paras, l, at) < 0 {
			t.Errorf("docx lacks %q after table 三's heading", l)
		}
	}
	// every figure, in order: numbers are whole paragraphs of their cells
	from := at
	for i, n := range seq {
		j := paraIndex(paras, n, from)
		if j < 0 {
			t.Fatalf("docx: figure %d (%s) not found after paragraph %d", i, n, from)
		}
		from = j + 1
	}

	f, err := excelize.OpenReader(bytes.NewReader(get("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, r := range rows {
		for code, label := range map[string]string{"new": "一、本年新收政府信息公开申请数量", "carried_out": "四、结转下年度继续办理"} {
			if len(r) == 10 && r[0] == label {
				found++
				for k, n := range want[code] {
					if r[3+k] != strconv.FormatInt(n, 10) {
						t.Errorf("xlsx %s column %d = %s, want %d", code, k, r[3+k], n)
					}
				}
			}
		}
	}
	if found != 2 {
		t.Errorf("xlsx: found %d of the 2 rows looked for", found)
	}

	html := string(get("html", "text/html"))
	for _, s := range []string{"<title>2025年政府信息公开工作年度报告</title>", `colspan="3" rowspan="3"`, "(六)其他处理", "申请人逾期未按收费通知要求缴纳费用"} {
		if !strings.Contains(html, s) {
			t.Errorf("html lacks %s", s)
		}
	}
	s.Expect(t, 400, testenv.Req{Method: "GET", Path: "/api/v1/reports/disclosure?year=2025&format=pdf", Token: token})
}

func paraIndex(xs []string, s string, from int) int {
	for i := from; i < len(xs); i++ {
		if xs[i] == s {
			return i
		}
	}
	return -1
}

// docxText reads the paragraphs of a .docx, empty ones left out.
func docxText(t *testing.T, b []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the .docx is not a zip: %v", err)
	}
	var doc io.ReadCloser
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			if doc, err = f.Open(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if doc == nil {
		t.Fatal("no word/document.xml")
	}
	defer doc.Close()
	dec := xml.NewDecoder(doc)
	var out []string
	var cur strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("document.xml: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Local == "p" {
				cur.Reset()
			}
			inText = e.Name.Local == "t"
		case xml.EndElement:
			if e.Name.Local == "p" && cur.Len() > 0 {
				out = append(out, cur.String())
			}
			inText = false
		case xml.CharData:
			if inText {
				cur.Write(e)
			}
		}
	}
}
