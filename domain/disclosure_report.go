package domain

// Tables 三 and 四 of the annual report 《政府信息公开工作年度报告》 are counts
// of the records, never hand-made.

// DisclosureRecord is what table 三 needs of an application.
type DisclosureRecord struct {
	ApplicantType ApplicantType
	ReceivedOn    Date
	DecidedOn     *Date // nil while undecided
	Outcome       DisclosureOutcome
}

// The rows of table 三 that are not outcomes.
const (
	RowNew          = "new"           // 一、本年新收
	RowCarriedIn    = "carried_in"    // 二、上年结转
	RowTotalHandled = "total_handled" // 三、(七)总计
	RowCarriedOut   = "carried_out"   // 四、结转下年度继续办理
)

// DisclosureRow is one row of table 三: a count per applicant type and in
// all.
type DisclosureRow struct {
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

// Add counts one application of type t.
func (r *DisclosureRow) Add(t ApplicantType) {
	switch t {
	case ApplicantNatural:
		r.Natural++
	case ApplicantCommercial:
		r.Commercial++
	case ApplicantResearch:
		r.Research++
	case ApplicantPublicInterest:
		r.PublicInterest++
	case ApplicantLegalService:
		r.LegalService++
	case ApplicantOtherOrg:
		r.OtherOrg++
	default:
		return
	}
	r.Total++
}

// Cells are the counts in column order: the six types, then the total.
func (r DisclosureRow) Cells() []int64 {
	return []int64{r.Natural, r.Commercial, r.Research, r.PublicInterest, r.LegalService, r.OtherOrg, r.Total}
}

// DisclosureRowLabel is the printed label of a row code.
func DisclosureRowLabel(row string) string {
	switch row {
	case RowNew:
		return "一、本年新收政府信息公开申请数量"
	case RowCarriedIn:
		return "二、上年结转政府信息公开申请数量"
	case RowTotalHandled:
		return "(七)总计"
	case RowCarriedOut:
		return "四、结转下年度继续办理"
	}
	return DisclosureOutcome(row).Label()
}

// DisclosureRowCodes are table 三's rows in order.
func DisclosureRowCodes() []string {
	out := []string{RowNew, RowCarriedIn}
	for _, o := range DisclosureOutcomes() {
		out = append(out, string(o))
	}
	return append(out, RowTotalHandled, RowCarriedOut)
}

// CountDisclosure computes table 三 of a year from the records. With Y the
// year, an application
//   - is new when received in Y;
//   - is carried in when received before Y and not decided before 1 January;
//   - is handled, in its outcome's row, when decided in Y;
//   - is carried out when received by 31 December and not decided by then.
//
// Since an application is never decided before it is received, every new or
// carried-in application is either handled or carried out, so 新收 + 上年结转
// = 办理结果总计 + 结转下年度 holds in every column, and a year's carried_out
// is the next year's carried_in. Records without a receipt day (unconfirmed
// portal applications) count nowhere.
func CountDisclosure(year int, recs []DisclosureRecord) []DisclosureRow {
	first, last := Date{year, 1, 1}, Date{year, 12, 31}
	rows := map[string]*DisclosureRow{}
	codes := DisclosureRowCodes()
	for _, c := range codes {
		rows[c] = &DisclosureRow{Row: c, Label: DisclosureRowLabel(c)}
	}
	for _, r := range recs {
		if r.ReceivedOn.IsZero() || r.ReceivedOn.After(last) {
			continue
		}
		if r.DecidedOn != nil && r.DecidedOn.Before(first) {
			continue // finished before the year
		}
		if r.ReceivedOn.Before(first) {
			rows[RowCarriedIn].Add(r.ApplicantType)
		} else {
			rows[RowNew].Add(r.ApplicantType)
		}
		if r.DecidedOn == nil || r.DecidedOn.After(last) {
			rows[RowCarriedOut].Add(r.ApplicantType)
			continue
		}
		if row, ok := rows[string(r.Outcome)]; ok && r.Outcome.Valid() {
			row.Add(r.ApplicantType)
			rows[RowTotalHandled].Add(r.ApplicantType)
		}
	}
	out := make([]DisclosureRow, len(codes))
	for i, c := range codes {
		out[i] = *rows[c]
	}
	return out
}

// DisclosureCaseRecord is what table 四 needs of a case.
type DisclosureCaseRecord struct {
	Kind    CaseKind
	FiledOn Date
	Result  CaseResult
}

// CaseCells are the five cells of one kind of case in table 四.
type CaseCells struct {
	Upheld    int64 `json:"upheld"`
	Corrected int64 `json:"corrected"`
	Other     int64 `json:"other"`
	Pending   int64 `json:"pending"`
	Total     int64 `json:"total"`
}

// Cells are the counts in column order.
func (c CaseCells) Cells() []int64 {
	return []int64{c.Upheld, c.Corrected, c.Other, c.Pending, c.Total}
}

// DisclosureCases is table 四: 15 cells.
type DisclosureCases struct {
	Reconsideration                CaseCells `json:"reconsideration"`
	LitigationDirect               CaseCells `json:"litigation_direct"`
	LitigationAfterReconsideration CaseCells `json:"litigation_after_reconsideration"`
}

// CountCases computes table 四 of a year: the cases filed in the year, by
// their result as recorded (pending while none is).
func CountCases(year int, recs []DisclosureCaseRecord) DisclosureCases {
	var out DisclosureCases
	for _, r := range recs {
		if r.FiledOn.Year != year {
			continue
		}
		var c *CaseCells
		switch r.Kind {
		case CaseReconsideration:
			c = &out.Reconsideration
		case CaseLitigationDirect:
			c = &out.LitigationDirect
		case CaseLitigationAfterRecon:
			c = &out.LitigationAfterReconsideration
		default:
			continue
		}
		switch r.Result {
		case ResultUpheld:
			c.Upheld++
		case ResultCorrected:
			c.Corrected++
		case ResultOther:
			c.Other++
		default:
			c.Pending++
		}
		c.Total++
	}
	return out
}
