package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
	"hotline/report"
)

// The annual report 《政府信息公开工作年度报告》 in the console
// (/console/disclosure/report?year=): the six sections as the published
// document lays them out, table 二 and sections 五 and 六 editable by a
// manager, and the downloads (.docx, .xlsx, printable HTML).

type reportSection struct {
	Heading string
	Text    []string
	Table   *report.Grid
	Edit    *actionForm
}

type disclosureReportPage struct {
	Year      int
	Title     string
	Sections  []reportSection
	Downloads []option
	YearField fieldView
	Form      form
	Done      string
	CanEdit   bool
}

// disclosureYear reads ?year= (or the posted year), last year by default.
func (w *Web) disclosureYear(s string) (int, bool) {
	if strings.TrimSpace(s) == "" {
		return w.Core.Now().Year() - 1, true
	}
	y, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || y < 2000 || y > 2200 {
		return 0, false
	}
	return y, true
}

// disclosureReport is the report page, or with ?format= the document
// itself (as the API's GET /reports/disclosure).
func (w *Web) disclosureReport(c *fiber.Ctx, r *request) error {
	if c.Query("format") != "" {
		return w.downloadReport(c, r)
	}
	y, ok := w.disclosureYear(c.Query("year"))
	f := form{Name: "year", Values: map[string]string{"year": c.Query("year")}}
	if !ok {
		f.fail("year", "请填写 2000 到 2200 之间的年份")
		y = w.Core.Now().Year() - 1
	}
	done := map[string]string{"text": "第五、六部分已保存。", "active": "表二数据已保存。"}[c.Query("done")]
	status := fiber.StatusOK
	if !ok {
		status = fiber.StatusUnprocessableEntity
	}
	return w.showReport(c, r, y, status, f, done)
}

func (w *Web) showReport(c *fiber.Ctx, r *request, year, status int, f form, done string) error {
	ctx := c.UserContext()
	rep, err := w.Core.DisclosureAnnual(ctx, r.viewer, year)
	if err != nil {
		return err
	}
	doc := rep.Document()
	p := disclosureReportPage{Year: year, Title: doc.Title, Form: f, Done: done, CanEdit: r.viewer.Role == domain.RoleManager}
	p.YearField = field(f, "year", "year", "年度", "number").orValue(strconv.Itoa(year)).req()
	for _, b := range doc.Blocks {
		switch b.Kind {
		case report.BlockHeading:
			p.Sections = append(p.Sections, reportSection{Heading: b.Text})
		case report.BlockParagraph:
			s := &p.Sections[len(p.Sections)-1]
			s.Text = append(s.Text, strings.Split(b.Text, "\n")...)
		case report.BlockTable:
			p.Sections[len(p.Sections)-1].Table = b.Table
		}
	}
	if p.CanEdit && len(p.Sections) == 6 {
		active := activeForm(rep.Sections.Active, f, year)
		p.Sections[1].Edit = &active
		texts := map[string]string{"problems_text": rep.Sections.ProblemsText, "other_text": rep.Sections.OtherText}
		p.Sections[4].Edit = textForm(f, year, "problems_text", "存在的主要问题及改进情况", texts)
		p.Sections[5].Edit = textForm(f, year, "other_text", "其他需要报告的事项", texts)
	}
	for _, d := range []option{{"docx", "下载Word"}, {"xlsx", "下载Excel"}, {"html", "打印版"}} {
		p.Downloads = append(p.Downloads, option{Value: "/console/disclosure/report?" +
			url.Values{"year": {strconv.Itoa(year)}, "format": {d.Value}}.Encode(), Label: d.Label})
	}
	return w.render(c, r, status, "disclosure", doc.Title, disclosurePage{Report: &p})
}

// activeFields are table 二's figures: the form field, core's field and the
// label.
var activeFields = [][3]string{
	{"regulations_issued", "regulations.issued", "规章 本年制发件数"},
	{"regulations_repealed", "regulations.repealed", "规章 本年废止件数"},
	{"regulations_in_force", "regulations.in_force", "规章 现行有效件数"},
	{"normative_issued", "normative_documents.issued", "行政规范性文件 本年制发件数"},
	{"normative_repealed", "normative_documents.repealed", "行政规范性文件 本年废止件数"},
	{"normative_in_force", "normative_documents.in_force", "行政规范性文件 现行有效件数"},
	{"licensing_decisions", "licensing_decisions", "行政许可 本年处理决定数量"},
	{"penalty_decisions", "penalty_decisions", "行政处罚 本年处理决定数量"},
	{"enforcement_decisions", "enforcement_decisions", "行政强制 本年处理决定数量"},
	{"fees_10k_yuan", "fees_10k_yuan", "行政事业性收费 本年收费金额(万元)"},
}

// activePointers are where each of table 二's figures lives in core's input.
func activePointers(a *core.ActiveFigures) map[string]**int64 {
	return map[string]**int64{
		"regulations_issued": &a.Regulations.Issued, "regulations_repealed": &a.Regulations.Repealed,
		"regulations_in_force": &a.Regulations.InForce, "normative_issued": &a.NormativeDocuments.Issued,
		"normative_repealed": &a.NormativeDocuments.Repealed, "normative_in_force": &a.NormativeDocuments.InForce,
		"licensing_decisions": &a.LicensingDecisions, "penalty_decisions": &a.PenaltyDecisions,
		"enforcement_decisions": &a.EnforcementDecisions,
	}
}

func activeForm(a core.ActiveFigures, f form, year int) actionForm {
	out := actionForm{Name: "active", Title: "填写表二数据", Action: "/console/disclosure/report/active",
		Hint: "主动公开数据来自其他系统,按年度填写。", Buttons: []button{{Text: "保存表二"}}}
	ptrs := activePointers(&a)
	for _, x := range activeFields {
		v := field(f, "active", x[0], x[2], "number").req()
		if f.Name != "active" {
			if p, ok := ptrs[x[0]]; ok {
				v.Value = strconv.FormatInt(derefInt(*p), 10)
			} else if a.Fees10kYuan != nil {
				v.Value = strconv.FormatFloat(*a.Fees10kYuan, 'f', -1, 64)
			}
		}
		if x[0] == "fees_10k_yuan" {
			v.Step = "0.0001"
		}
		out.Fields = append(out.Fields, v)
	}
	out.Fields = append(out.Fields, fieldView{Type: "hidden", Name: "year", Value: strconv.Itoa(year)})
	return out
}

func derefInt(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func textForm(f form, year int, name, label string, stored map[string]string) *actionForm {
	v := field(f, "text", name, label, "textarea")
	if f.Name != "text" {
		v.Value = stored[name]
	}
	other := "other_text"
	if name == "other_text" {
		other = "problems_text"
	}
	keep := stored[other]
	if f.Name == "text" {
		keep = f.Values[other]
	}
	return &actionForm{Name: "text", Title: "编辑" + label, Action: "/console/disclosure/report/text",
		Fields:  []fieldView{v, {Type: "hidden", Name: other, Value: keep}, {Type: "hidden", Name: "year", Value: strconv.Itoa(year)}},
		Buttons: []button{{Text: "保存"}}}
}

func (w *Web) putReportText(c *fiber.Ctx, r *request) error {
	y, ok := w.disclosureYear(c.FormValue("year"))
	if !ok {
		return w.fail(c, r, fiber.StatusUnprocessableEntity, "年份无效", "请从年度报告页面提交。")
	}
	f := postForm(c, "text", "problems_text", "other_text")
	_, err := w.Core.PutReportTexts(c.UserContext(), r.viewer, y, core.ReportTextInput{ProblemsText: f.Values["problems_text"],
		OtherText: f.Values["other_text"]})
	return w.reportAction(c, r, y, f, err)
}

func (w *Web) putActive(c *fiber.Ctx, r *request) error {
	y, ok := w.disclosureYear(c.FormValue("year"))
	if !ok {
		return w.fail(c, r, fiber.StatusUnprocessableEntity, "年份无效", "请从年度报告页面提交。")
	}
	names := make([]string, len(activeFields))
	for i, x := range activeFields {
		names[i] = x[0]
	}
	f := postForm(c, "active", names...)
	var in core.ActiveFigures
	for name, p := range activePointers(&in) {
		s := strings.TrimSpace(f.Values[name])
		if s == "" {
			continue // core says it is required
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			f.fail(name, "请填写 0 或更大的整数")
			continue
		}
		*p = &n
	}
	if s := strings.TrimSpace(f.Values["fees_10k_yuan"]); s != "" {
		if x, err := strconv.ParseFloat(s, 64); err != nil {
			f.fail("fees_10k_yuan", "请填写 0 或更大的数(万元)")
		} else {
			in.Fees10kYuan = &x
		}
	}
	if !f.ok() {
		return w.reportAction(c, r, y, f, nil)
	}
	_, err := w.Core.PutActiveFigures(c.UserContext(), r.viewer, y, in)
	return w.reportAction(c, r, y, f, err)
}

func (w *Web) reportAction(c *fiber.Ctx, r *request, year int, f form, err error) error {
	var ve domain.ValidationError
	switch {
	case err == nil && f.ok():
		return c.Redirect(fmt.Sprintf("/console/disclosure/report?year=%d&done=%s", year, f.Name), fiber.StatusSeeOther)
	case err == nil:
	case errors.As(err, &ve):
		fields := map[string]string{}
		for _, x := range activeFields {
			fields[x[1]] = x[0]
		}
		f.fromCoreDisclosure(ve, fields)
	default:
		return err
	}
	return w.showReport(c, r, year, fiber.StatusUnprocessableEntity, f, "")
}

// reportDocumentCSP lets the printable report use its own print styles; it
// runs no script and loads nothing.
const reportDocumentCSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// downloadReport writes the year's report as .docx, .xlsx or printable HTML,
// for the console's session (the API's own endpoint takes a bearer token).
func (w *Web) downloadReport(c *fiber.Ctx, r *request) error {
	y, ok := w.disclosureYear(c.Query("year"))
	format := c.Query("format")
	var contentType string
	var write func(io.Writer, report.Document) error
	switch format {
	case "docx":
		contentType, write = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", report.WriteDOCX
	case "xlsx":
		contentType, write = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", report.WriteDocumentXLSX
	case "html":
		contentType, write = fiber.MIMETextHTMLCharsetUTF8, report.WriteHTML
	default:
		ok = false
	}
	if !ok {
		return w.fail(c, r, fiber.StatusBadRequest, "无法下载", "年份或格式无效,请从年度报告页面下载。")
	}
	rep, err := w.Core.DisclosureAnnual(c.UserContext(), r.viewer, y)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := write(&buf, rep.Document()); err != nil {
		return fmt.Errorf("write the disclosure report as %s: %w", format, err)
	}
	c.Set(fiber.HeaderContentType, contentType)
	if format == "html" {
		c.Set("Content-Security-Policy", reportDocumentCSP)
	} else {
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="disclosure-report-%d.%s"; filename*=UTF-8''%s`,
			y, format, url.PathEscape(fmt.Sprintf("%d年政府信息公开工作年度报告.%s", y, format))))
	}
	return c.Send(buf.Bytes())
}
