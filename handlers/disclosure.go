package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
	"hotline/repo"
	"hotline/report"
)

// Applications for government information (依申请公开) and the annual report
// 《政府信息公开工作年度报告》.

// disclosureRoutes are the endpoints of applications, cases and the report.
func (a *api) disclosureRoutes() []route {
	office := roles(domain.RoleOperator, domain.RoleManager)
	readers := roles(domain.RoleAdmin, domain.RoleManager, domain.RoleOperator)
	managers := roles(domain.RoleManager)
	operators := roles(domain.RoleOperator)
	reportReaders := roles(domain.RoleAdmin, domain.RoleManager)
	const base = "/api/v1/disclosure-requests"
	year := []param{{name: "year", typ: "integer", desc: "the year (default: last year)"}}
	return []route{
		{method: "POST", path: base, tag: "disclosure", summary: "Take in an application (in person, post, fax, e-mail); its clock starts from received_on; the secret is shown once",
			access: accessStaff, roles: office, creates: true, secret: true, in: core.DisclosureInput{}, out: core.DisclosureReceipt{}, status: 201, h: a.createDisclosure},
		{method: "POST", path: "/api/v1/public/disclosure-requests", tag: "citizens", summary: "Apply for government information from the portal; returns the code and secret; an operator confirms the receipt day",
			access: accessPublic, limited: true, creates: true, secret: true, in: core.DisclosureInput{}, out: core.DisclosurePortalReceipt{}, status: 201, h: a.submitDisclosure},
		{method: "GET", path: "/api/v1/public/disclosure-requests/:code", tag: "citizens", summary: "Follow an application with its code and secret; a wrong secret is 404",
			access: accessPublic, limited: true, out: core.DisclosureTrackView{}, status: 200, h: a.trackDisclosure,
			query: []param{{name: "secret", typ: "string", desc: "the secret given with the code"}}},
		{method: "GET", path: base, tag: "disclosure", summary: "List applications, newest first",
			access: accessStaff, roles: readers, out: listOf[core.DisclosureView]{}, status: 200, h: a.listDisclosure,
			query: pageParams(
				param{name: "status", typ: "string", desc: "status", enum: enumStrings(domain.DisclosureStatuses())},
				param{name: "overdue", typ: "boolean", desc: "only overdue (true) or not overdue (false) applications"},
				param{name: "from", typ: "string", desc: "received on or after (YYYY-MM-DD)"},
				param{name: "to", typ: "string", desc: "received before (YYYY-MM-DD)"},
				param{name: "applicant_type", typ: "string", desc: "applicant type", enum: enumStrings(domain.ApplicantTypes())},
				param{name: "outcome", typ: "string", desc: "outcome", enum: enumStrings(domain.DisclosureOutcomes())},
			)},
		{method: "GET", path: base + "/:id", tag: "disclosure", summary: "An application with its consultations, 补正, fees, extensions and timeline",
			access: accessStaff, roles: readers, out: core.DisclosureDetail{}, status: 200, h: a.getDisclosure},
		{method: "POST", path: base + "/:id/confirm", tag: "disclosure", summary: "Fix a portal application's receipt day (第三十一条); its clock starts",
			access: accessStaff, roles: office, in: core.ConfirmInput{}, out: core.DisclosureView{}, status: 200, h: a.confirmDisclosure},
		{method: "POST", path: base + "/:id/consultations", tag: "disclosure", summary: "Consult a third party or another agency; up to 15 working days do not count",
			access: accessStaff, roles: office, creates: true, in: core.ConsultationInput{}, out: repo.Consultation{}, status: 201, h: a.addConsultation},
		{method: "POST", path: base + "/:id/consultations/:cid/answer", tag: "disclosure", summary: "Record a consultation's answer; due_on counts the days it really took",
			access: accessStaff, roles: office, in: core.ConsultationAnswerInput{}, out: core.DisclosureView{}, status: 200, h: a.answerConsultation},
		{method: "POST", path: base + "/:id/corrections", tag: "disclosure", summary: "Ask the applicant to supplement (补正), once, within 7 working days of receipt",
			access: accessStaff, roles: office, creates: true, in: core.CorrectionInput{}, out: repo.Correction{}, status: 201, h: a.askCorrection},
		{method: "POST", path: base + "/:id/corrections/:cid/received", tag: "disclosure", summary: "The supplement arrived: the 20 working days start again",
			access: accessStaff, roles: office, in: core.CorrectionReceivedInput{}, out: core.DisclosureView{}, status: 200, h: a.receiveCorrection},
		{method: "POST", path: base + "/:id/fees", tag: "disclosure", summary: "Send a fee notice; payment within 20 working days, which do not count",
			access: accessStaff, roles: office, creates: true, in: core.FeeInput{}, out: repo.Fee{}, status: 201, h: a.notifyFee},
		{method: "POST", path: base + "/:id/fees/:fid/paid", tag: "disclosure", summary: "Record a fee payment; the clock runs again",
			access: accessStaff, roles: office, in: core.FeePaidInput{}, out: core.DisclosureView{}, status: 200, h: a.payFee},
		{method: "POST", path: base + "/:id/extensions", tag: "disclosure", summary: "Ask for the one extension of at most 20 working days",
			access: accessStaff, roles: operators, creates: true, in: core.DisclosureExtensionInput{}, out: repo.DisclosureExtension{}, status: 201, h: a.requestDisclosureExtension},
		{method: "POST", path: base + "/:id/extensions/:eid/approve", tag: "disclosure", summary: "Approve an extension: due_on moves, original_due_on stays",
			access: accessStaff, roles: managers, in: core.DecisionInput{}, out: core.DisclosureView{}, status: 200, h: a.decideDisclosureExtension(true)},
		{method: "POST", path: base + "/:id/extensions/:eid/reject", tag: "disclosure", summary: "Reject an extension",
			access: accessStaff, roles: managers, in: core.DecisionInput{}, out: core.DisclosureView{}, status: 200, h: a.decideDisclosureExtension(false)},
		{method: "POST", path: base + "/:id/decision", tag: "disclosure", summary: "Answer an application with an outcome code (a row of table 三) and the reply",
			access: accessStaff, roles: office, in: core.DisclosureDecisionInput{}, out: core.DisclosureView{}, status: 200, h: a.decideDisclosure},
		{method: "POST", path: "/api/v1/disclosure-cases", tag: "disclosure", summary: "Record an administrative reconsideration or litigation case",
			access: accessStaff, roles: office, creates: true, in: core.DisclosureCaseInput{}, out: repo.DisclosureCase{}, status: 201, h: a.createDisclosureCase},
		{method: "GET", path: "/api/v1/disclosure-cases", tag: "disclosure", summary: "List reconsideration and litigation cases, newest first",
			access: accessStaff, roles: readers, out: listOf[repo.DisclosureCase]{}, status: 200, h: a.listDisclosureCases,
			query: pageParams(param{name: "year", typ: "integer", desc: "only cases filed in this year"})},
		{method: "PATCH", path: "/api/v1/disclosure-cases/:id", tag: "disclosure", summary: "Change a case, typically its result; result null is pending",
			access: accessStaff, roles: office, in: core.DisclosureCaseInput{}, out: repo.DisclosureCase{}, status: 200, h: a.updateDisclosureCase},
		{method: "PUT", path: "/api/v1/reports/disclosure/:year/active", tag: "disclosure", summary: "Enter a year's table 二 (主动公开) figures",
			access: accessStaff, roles: managers, in: core.ActiveFigures{}, out: core.ActiveFigures{}, status: 200, h: a.putActive},
		{method: "GET", path: "/api/v1/reports/disclosure/:year/active", tag: "disclosure", summary: "A year's table 二 figures (zeros until entered)",
			access: accessStaff, roles: reportReaders, out: core.ActiveFigures{}, status: 200, h: a.getActive},
		{method: "PUT", path: "/api/v1/reports/disclosure/:year/text", tag: "disclosure", summary: "Write a year's sections 五 (problems and improvements) and 六 (other matters)",
			access: accessStaff, roles: managers, in: core.ReportTextInput{}, out: core.ReportTextInput{}, status: 200, h: a.putReportText},
		{method: "GET", path: "/api/v1/reports/disclosure/:year/text", tag: "disclosure", summary: "A year's sections 五 and 六",
			access: accessStaff, roles: reportReaders, out: core.ReportTextInput{}, status: 200, h: a.getReportText},
		{method: "GET", path: "/api/v1/reports/disclosure", tag: "disclosure", summary: "The annual report 《政府信息公开工作年度报告》 (国办公开办函〔2021〕30号), as JSON or as a .docx, .xlsx or printable HTML document",
			access: accessStaff, roles: reportReaders, out: core.DisclosureReport{}, status: 200, h: a.disclosureReport,
			query: append(year, param{name: "format", typ: "string", desc: "json (default), or the document itself", enum: []string{"json", "docx", "xlsx", "html"}})},
	}
}

func enumStrings[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// disclosureEnum lists the values of the disclosure enumerations for OpenAPI.
func disclosureEnum(t reflect.Type) []string {
	switch t {
	case reflect.TypeFor[domain.CaseKind]():
		return enumStrings(domain.CaseKinds())
	case reflect.TypeFor[domain.ApplicantType]():
		return enumStrings(domain.ApplicantTypes())
	case reflect.TypeFor[domain.SubmittedVia]():
		return enumStrings(domain.SubmittedVias())
	case reflect.TypeFor[domain.DisclosureOutcome]():
		return enumStrings(domain.DisclosureOutcomes())
	}
	return nil
}

func (a *api) createDisclosure(c *fiber.Ctx) error {
	var in core.DisclosureInput
	if err := body(c, &in); err != nil {
		return err
	}
	r, err := a.Core.CreateDisclosure(c.UserContext(), viewer(c), in)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (a *api) submitDisclosure(c *fiber.Ctx) error {
	var in core.DisclosureInput
	if err := body(c, &in); err != nil {
		return err
	}
	r, err := a.Core.SubmitDisclosure(c.UserContext(), in)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (a *api) trackDisclosure(c *fiber.Ctx) error {
	t, err := a.Core.TrackDisclosure(c.UserContext(), c.Params("code"), c.Query("secret"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(t)
}

func (a *api) listDisclosure(c *fiber.Ctx) error {
	p, err := a.page(c)
	if err != nil {
		return err
	}
	f := core.DisclosureQuery{Status: c.Query("status"), ApplicantType: c.Query("applicant_type"), Outcome: c.Query("outcome"),
		From: c.Query("from"), To: c.Query("to")}
	if f.Overdue, err = queryBool(c, "overdue"); err != nil {
		return err
	}
	rows, next, err := a.Core.ListDisclosure(c.UserContext(), viewer(c), f, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.DisclosureView]{Items: rows, NextCursor: next})
}

func (a *api) getDisclosure(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := a.Core.GetDisclosure(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (a *api) confirmDisclosure(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, true, func(c *fiber.Ctx, id int64, in core.ConfirmInput) (core.DisclosureView, error) {
		return a.Core.ConfirmDisclosure(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) addConsultation(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.ConsultationInput) (repo.Consultation, error) {
		return a.Core.AddConsultation(c.UserContext(), viewer(c), id, in)
	})(c)
}

// subAction is an action on a record of an application, named by a second
// path parameter.
func subAction[T, R any](name string, fn func(c *fiber.Ctx, id, sub int64, in T) (R, error)) fiber.Handler {
	return itemAction(fiber.StatusOK, true, func(c *fiber.Ctx, id int64, in T) (R, error) {
		sub, err := pathID(c, name)
		if err != nil {
			var zero R
			return zero, err
		}
		return fn(c, id, sub, in)
	})
}

func (a *api) answerConsultation(c *fiber.Ctx) error {
	return subAction("cid", func(c *fiber.Ctx, id, cid int64, in core.ConsultationAnswerInput) (core.DisclosureView, error) {
		return a.Core.AnswerConsultation(c.UserContext(), viewer(c), id, cid, in)
	})(c)
}

func (a *api) askCorrection(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.CorrectionInput) (repo.Correction, error) {
		return a.Core.AskCorrection(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) receiveCorrection(c *fiber.Ctx) error {
	return subAction("cid", func(c *fiber.Ctx, id, cid int64, in core.CorrectionReceivedInput) (core.DisclosureView, error) {
		return a.Core.ReceiveCorrection(c.UserContext(), viewer(c), id, cid, in)
	})(c)
}

func (a *api) notifyFee(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.FeeInput) (repo.Fee, error) {
		return a.Core.NotifyFee(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) payFee(c *fiber.Ctx) error {
	return subAction("fid", func(c *fiber.Ctx, id, fid int64, in core.FeePaidInput) (core.DisclosureView, error) {
		return a.Core.PayFee(c.UserContext(), viewer(c), id, fid, in)
	})(c)
}

func (a *api) requestDisclosureExtension(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.DisclosureExtensionInput) (repo.DisclosureExtension, error) {
		return a.Core.RequestDisclosureExtension(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) decideDisclosureExtension(approve bool) fiber.Handler {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, in core.DecisionInput) (core.DisclosureView, error) {
		eid, err := pathID(c, "eid")
		if err != nil {
			return core.DisclosureView{}, err
		}
		return a.Core.DecideDisclosureExtension(c.UserContext(), viewer(c), id, eid, approve, in)
	})
}

func (a *api) decideDisclosure(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, true, func(c *fiber.Ctx, id int64, in core.DisclosureDecisionInput) (core.DisclosureView, error) {
		return a.Core.DecideDisclosure(c.UserContext(), viewer(c), id, in)
	})(c)
}

// caseInput decodes a case and notes whether the body names a result.
func caseInput(c *fiber.Ctx) (core.DisclosureCaseInput, error) {
	var in core.DisclosureCaseInput
	if err := body(c, &in); err != nil {
		return in, err
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(c.Body(), &keys) == nil {
		_, in.ResultGiven = keys["result"]
	}
	return in, nil
}

func (a *api) createDisclosureCase(c *fiber.Ctx) error {
	in, err := caseInput(c)
	if err != nil {
		return err
	}
	out, err := a.Core.CreateDisclosureCase(c.UserContext(), viewer(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (a *api) updateDisclosureCase(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in, err := caseInput(c)
	if err != nil {
		return err
	}
	out, err := a.Core.UpdateDisclosureCase(c.UserContext(), viewer(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (a *api) listDisclosureCases(c *fiber.Ctx) error {
	p, err := a.page(c)
	if err != nil {
		return err
	}
	y := 0
	if v := c.Query("year"); v != "" {
		if y, err = strconv.Atoi(v); err != nil {
			return fieldProblem(fiber.StatusBadRequest, "year", "a year like 2025")
		}
	}
	rows, next, err := a.Core.ListDisclosureCases(c.UserContext(), y, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf[repo.DisclosureCase]{Items: rows, NextCursor: next})
}

// pathYear reads the :year path parameter.
func pathYear(c *fiber.Ctx) (int, error) {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil || y < 2000 || y > 2200 {
		return 0, newProblem(fiber.StatusNotFound, "not_found", "year must be a year from 2000 to 2200")
	}
	return y, nil
}

// queryYear reads ?year=, last year by default.
func (a *api) queryYear(c *fiber.Ctx) (int, error) {
	v := c.Query("year")
	if v == "" {
		return a.Core.Now().Year() - 1, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil {
		return 0, fieldProblem(fiber.StatusBadRequest, "year", "a year like 2025")
	}
	return y, nil
}

func (a *api) putActive(c *fiber.Ctx) error {
	y, err := pathYear(c)
	if err != nil {
		return err
	}
	var in core.ActiveFigures
	if err := body(c, &in); err != nil {
		return err
	}
	out, err := a.Core.PutActiveFigures(c.UserContext(), viewer(c), y, in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (a *api) getActive(c *fiber.Ctx) error {
	y, err := pathYear(c)
	if err != nil {
		return err
	}
	out, err := a.Core.GetActiveFigures(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (a *api) putReportText(c *fiber.Ctx) error {
	y, err := pathYear(c)
	if err != nil {
		return err
	}
	var in core.ReportTextInput
	if err := body(c, &in); err != nil {
		return err
	}
	out, err := a.Core.PutReportTexts(c.UserContext(), viewer(c), y, in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (a *api) getReportText(c *fiber.Ctx) error {
	y, err := pathYear(c)
	if err != nil {
		return err
	}
	out, err := a.Core.GetReportTexts(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (a *api) disclosureReport(c *fiber.Ctx) error {
	y, err := a.queryYear(c)
	if err != nil {
		return err
	}
	format := strings.ToLower(c.Query("format", "json"))
	contentType, write, ok := documentWriter(format)
	if !ok && format != "json" {
		return fieldProblem(fiber.StatusBadRequest, "format", "one of json, docx, xlsx, html")
	}
	r, err := a.Core.DisclosureAnnual(c.UserContext(), viewer(c), y)
	if err != nil {
		return err
	}
	if format == "json" {
		return c.JSON(r)
	}
	var buf bytes.Buffer
	if err := write(&buf, r.Document()); err != nil {
		return fmt.Errorf("render the disclosure report as %s: %w", format, err)
	}
	c.Set(fiber.HeaderContentType, contentType)
	if format != "html" {
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="disclosure-report-%d.%s"; filename*=UTF-8''%s`,
			y, format, url.PathEscape(fmt.Sprintf("%d年政府信息公开工作年度报告.%s", y, format))))
	}
	return c.Send(buf.Bytes())
}

// documentWriter is how the annual report's document is written in a
// format; ok is false for an unknown format.
func documentWriter(format string) (contentType string, fn func(io.Writer, report.Document) error, ok bool) {
	switch format {
	case "docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", report.WriteDOCX, true
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", report.WriteDocumentXLSX, true
	case "html":
		return "text/html; charset=utf-8", report.WriteHTML, true
	}
	return "", nil, false
}
