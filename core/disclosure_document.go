package core

import (
	"strconv"

	"hotline/domain"
	"hotline/report"
)

// Document lays the annual report out as published in the format of
// 国办公开办函〔2021〕30号: the six sections, tables 二, 三 and 四 with their
// merged headings.
func (r DisclosureReport) Document() report.Document {
	s := r.Sections
	text := func(t string) string {
		if t == "" {
			return "无。"
		}
		return t
	}
	return report.Document{Title: strconv.Itoa(r.Year) + "年政府信息公开工作年度报告", Blocks: []report.Block{
		report.Heading("一、总体情况"),
		report.Paragraph(s.OverviewText),
		report.Heading("二、主动公开政府信息情况"),
		report.TableBlock(activeGrid(s.Active)),
		report.Heading("三、收到和处理政府信息公开申请情况"),
		report.TableBlock(requestsGrid(s.Requests.Rows)),
		report.Heading("四、政府信息公开行政复议、行政诉讼情况"),
		report.TableBlock(casesGrid(s.Cases)),
		report.Heading("五、存在的主要问题及改进情况"),
		report.Paragraph(text(s.ProblemsText)),
		report.Heading("六、其他需要报告的事项"),
		report.Paragraph(text(s.OtherText)),
	}}
}

func hd(s string, colspan, rowspan int) report.GridCell {
	return report.GridCell{Text: s, ColSpan: colspan, RowSpan: rowspan, Header: true}
}

func num(n int64) report.GridCell {
	return report.GridCell{Text: strconv.FormatInt(n, 10), Number: true}
}

func label(s string, colspan, rowspan int) report.GridCell {
	return report.GridCell{Text: s, ColSpan: colspan, RowSpan: rowspan}
}

// activeGrid is table 二.
func activeGrid(a ActiveFigures) report.Grid {
	wide := func(c report.GridCell) report.GridCell { c.ColSpan = 3; return c }
	return report.Grid{Widths: []int{1, 1, 1, 1}, Rows: [][]report.GridCell{
		{hd("第二十条第(一)项", 4, 1)},
		{hd("信息内容", 1, 1), hd("本年制发件数", 1, 1), hd("本年废止件数", 1, 1), hd("现行有效件数", 1, 1)},
		{label("规章", 1, 1), num(deref(a.Regulations.Issued)), num(deref(a.Regulations.Repealed)), num(deref(a.Regulations.InForce))},
		{label("行政规范性文件", 1, 1), num(deref(a.NormativeDocuments.Issued)), num(deref(a.NormativeDocuments.Repealed)), num(deref(a.NormativeDocuments.InForce))},
		{hd("第二十条第(五)项", 4, 1)},
		{hd("信息内容", 1, 1), hd("本年处理决定数量", 3, 1)},
		{label("行政许可", 1, 1), wide(num(deref(a.LicensingDecisions)))},
		{hd("第二十条第(六)项", 4, 1)},
		{hd("信息内容", 1, 1), hd("本年处理决定数量", 3, 1)},
		{label("行政处罚", 1, 1), wide(num(deref(a.PenaltyDecisions)))},
		{label("行政强制", 1, 1), wide(num(deref(a.EnforcementDecisions)))},
		{hd("第二十条第(八)项", 4, 1)},
		{hd("信息内容", 1, 1), hd("本年收费金额(单位:万元)", 3, 1)},
		{label("行政事业性收费", 1, 1), wide(report.GridCell{Text: strconv.FormatFloat(derefF(a.Fees10kYuan), 'f', -1, 64), Number: true})},
	}}
}

// requestsGrid is table 三: three label columns (part, group, item), the six
// applicant types and the total.
func requestsGrid(rows []domain.DisclosureRow) report.Grid {
	byRow := map[string]domain.DisclosureRow{}
	for _, r := range rows {
		byRow[r.Row] = r
	}
	figures := func(code string) []report.GridCell {
		var out []report.GridCell
		for _, n := range byRow[code].Cells() {
			out = append(out, num(n))
		}
		return out
	}
	g := report.Grid{Widths: []int{3, 4, 9, 2, 2, 2, 2, 2, 2, 2}, Rows: [][]report.GridCell{
		{hd("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", 3, 3), hd("申请人情况", 7, 1)},
		{hd("自然人", 1, 2), hd("法人或其他组织", 5, 1), hd("总计", 1, 2)},
		{hd("商业企业", 1, 1), hd("科研机构", 1, 1), hd("社会公益组织", 1, 1), hd("法律服务机构", 1, 1), hd("其他", 1, 1)},
		append([]report.GridCell{label(domain.DisclosureRowLabel(domain.RowNew), 3, 1)}, figures(domain.RowNew)...),
		append([]report.GridCell{label(domain.DisclosureRowLabel(domain.RowCarriedIn), 3, 1)}, figures(domain.RowCarriedIn)...),
	}}
	outcomes := domain.DisclosureOutcomeRows()
	groupSize := map[domain.OutcomeGroup]int{}
	for _, o := range outcomes {
		groupSize[o.Group]++
	}
	for i, o := range outcomes {
		var lead []report.GridCell
		if i == 0 {
			lead = append(lead, label("三、本年度办理结果", 1, len(outcomes)+1))
		}
		switch {
		case o.Label == "":
			lead = append(lead, label(string(o.Group), 2, 1))
		case i == 0 || outcomes[i-1].Group != o.Group:
			lead = append(lead, label(string(o.Group), 1, groupSize[o.Group]), label(o.Label, 1, 1))
		default:
			lead = append(lead, label(o.Label, 1, 1))
		}
		g.Rows = append(g.Rows, append(lead, figures(string(o.Code))...))
	}
	g.Rows = append(g.Rows,
		append([]report.GridCell{label(domain.DisclosureRowLabel(domain.RowTotalHandled), 2, 1)}, figures(domain.RowTotalHandled)...),
		append([]report.GridCell{label(domain.DisclosureRowLabel(domain.RowCarriedOut), 3, 1)}, figures(domain.RowCarriedOut)...))
	return g
}

// casesGrid is table 四: reconsideration, and litigation without and after
// reconsideration, each by result.
func casesGrid(c domain.DisclosureCases) report.Grid {
	results := func() []report.GridCell {
		return []report.GridCell{hd("结果维持", 1, 1), hd("结果纠正", 1, 1), hd("其他结果", 1, 1), hd("尚未审结", 1, 1), hd("总计", 1, 1)}
	}
	first := []report.GridCell{hd("结果维持", 1, 2), hd("结果纠正", 1, 2), hd("其他结果", 1, 2), hd("尚未审结", 1, 2), hd("总计", 1, 2),
		hd("未经复议直接起诉", 5, 1), hd("复议后起诉", 5, 1)}
	var figures []report.GridCell
	for _, k := range []domain.CaseCells{c.Reconsideration, c.LitigationDirect, c.LitigationAfterReconsideration} {
		for _, n := range k.Cells() {
			figures = append(figures, num(n))
		}
	}
	return report.Grid{Rows: [][]report.GridCell{
		{hd("行政复议", 5, 1), hd("行政诉讼", 10, 1)},
		first,
		append(results(), results()...),
		figures,
	}}
}
