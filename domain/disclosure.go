package domain

import (
	"fmt"
)

// Applications for government information (依申请公开) under the 2019
// 《政府信息公开条例》 (国务院令第711号): statuses and their machine, applicant
// types, outcome codes (the rows of table 三 of the annual report format,
// 国办公开办函〔2021〕30号) and the statutory clock on the working calendar.

// The statutory periods, in working days.
const (
	DisclosureReplyWorkdays      = 20 // 第三十三条: answer within 20 working days of receipt
	DisclosureMaxExtension       = 20 // 第三十三条: extended once by at most 20
	DisclosureConsultWorkdays    = 15 // 第三十二、三十四条: a consultation pauses at most 15
	DisclosureCorrectionWorkdays = 7  // 第三十条: 补正 asked within 7 working days of receipt
	DisclosureFeeWorkdays        = 20 // 国办函〔2020〕109号: a fee paid within 20 working days
)

// DisclosureStatus is where an application stands.
type DisclosureStatus string

// The statuses of an application.
const (
	// DisUnconfirmed: sent through the portal, its receipt not yet confirmed
	// by an operator (第三十一条): no clock yet.
	DisUnconfirmed DisclosureStatus = "unconfirmed"
	// DisProcessing: the clock runs (paused while a consultation is open).
	DisProcessing DisclosureStatus = "processing"
	// DisAwaitingCorrection: a 补正 was asked; the clock restarts when the
	// supplement arrives.
	DisAwaitingCorrection DisclosureStatus = "awaiting_correction"
	// DisAwaitingFee: a fee notice was sent; the days until payment do not
	// count.
	DisAwaitingFee DisclosureStatus = "awaiting_fee"
	// DisDecided: answered with an outcome; final.
	DisDecided DisclosureStatus = "decided"
)

// DisclosureStatuses lists every status.
func DisclosureStatuses() []DisclosureStatus {
	return []DisclosureStatus{DisUnconfirmed, DisProcessing, DisAwaitingCorrection, DisAwaitingFee, DisDecided}
}

// Valid reports whether s is a known status.
func (s DisclosureStatus) Valid() bool {
	for _, x := range DisclosureStatuses() {
		if s == x {
			return true
		}
	}
	return false
}

// Label is the status in Chinese.
func (s DisclosureStatus) Label() string {
	switch s {
	case DisUnconfirmed:
		return "待确认收到"
	case DisProcessing:
		return "办理中"
	case DisAwaitingCorrection:
		return "待补正"
	case DisAwaitingFee:
		return "待缴费"
	case DisDecided:
		return "已答复"
	}
	return string(s)
}

// DisclosureAction is something done to an application.
type DisclosureAction string

// The actions on an application.
const (
	DisActCreate            DisclosureAction = "create"             // intake by staff (received_on known)
	DisActSubmit            DisclosureAction = "submit"             // the portal form (received_on unknown)
	DisActConfirm           DisclosureAction = "confirm"            // an operator fixes the receipt day
	DisActConsult           DisclosureAction = "consult"            // a third party or agency is asked
	DisActConsultAnswer     DisclosureAction = "consult_answer"     // its answer is recorded
	DisActAskCorrection     DisclosureAction = "ask_correction"     // 补正 asked
	DisActCorrectionArrived DisclosureAction = "correction_arrived" // the supplement arrived: clock restarts
	DisActFeeNotice         DisclosureAction = "fee_notice"         // a fee notice was sent
	DisActFeePaid           DisclosureAction = "fee_paid"           // the fee was paid
	DisActRequestExt        DisclosureAction = "request_extension"  // 延期 asked
	DisActApproveExt        DisclosureAction = "approve_extension"  // approved by a manager: due_on moves
	DisActRejectExt         DisclosureAction = "reject_extension"   // refused by a manager
	DisActDecide            DisclosureAction = "decide"             // answered with an outcome
	DisActAbandon           DisclosureAction = "abandon"            // no supplement or fee in time (system)
	DisActRemind            DisclosureAction = "remind"             // 催办 before due_on (system)
	DisActOverdue           DisclosureAction = "overdue"            // past due_on, escalated (system)
)

// The actions on an application's reconsideration and litigation cases
// (table 四 of the annual report). They go on the application's timeline but
// do not move the application, so they are not among DisclosureActions.
const (
	DisActCaseFiled   DisclosureAction = "case_filed"   // a case about the application was recorded
	DisActCaseChanged DisclosureAction = "case_changed" // a case's kind, date, result, note or application changed
)

// DisclosureActions lists every action of the application's machine.
func DisclosureActions() []DisclosureAction {
	return []DisclosureAction{DisActCreate, DisActSubmit, DisActConfirm, DisActConsult, DisActConsultAnswer,
		DisActAskCorrection, DisActCorrectionArrived, DisActFeeNotice, DisActFeePaid, DisActRequestExt,
		DisActApproveExt, DisActRejectExt, DisActDecide, DisActAbandon, DisActRemind, DisActOverdue}
}

// disclosureTransition is the statuses an action may start from and where it
// leads; an empty `to` keeps the status.
func disclosureTransition(a DisclosureAction) (from []DisclosureStatus, to DisclosureStatus, ok bool) {
	open := []DisclosureStatus{DisProcessing, DisAwaitingCorrection, DisAwaitingFee}
	switch a {
	case DisActCreate:
		return []DisclosureStatus{""}, DisProcessing, true
	case DisActSubmit:
		return []DisclosureStatus{""}, DisUnconfirmed, true
	case DisActConfirm:
		return []DisclosureStatus{DisUnconfirmed}, DisProcessing, true
	case DisActConsult, DisActRequestExt, DisActApproveExt, DisActRejectExt, DisActRemind, DisActOverdue:
		return []DisclosureStatus{DisProcessing}, "", true
	case DisActConsultAnswer:
		return open, "", true
	case DisActAskCorrection, DisActFeeNotice:
		from = []DisclosureStatus{DisProcessing}
		if a == DisActAskCorrection {
			return from, DisAwaitingCorrection, true
		}
		return from, DisAwaitingFee, true
	case DisActCorrectionArrived:
		return []DisclosureStatus{DisAwaitingCorrection}, DisProcessing, true
	case DisActFeePaid:
		return []DisclosureStatus{DisAwaitingFee}, DisProcessing, true
	case DisActDecide:
		return open, DisDecided, true
	case DisActAbandon:
		return []DisclosureStatus{DisAwaitingCorrection, DisAwaitingFee}, DisDecided, true
	}
	return nil, "", false
}

// NextDisclosure is the status after action a from status s ("" for a new
// application), or ErrInvalidTransition.
func NextDisclosure(s DisclosureStatus, a DisclosureAction) (DisclosureStatus, error) {
	from, to, ok := disclosureTransition(a)
	if !ok {
		return "", fmt.Errorf("%w: unknown action %q", ErrInvalidTransition, a)
	}
	for _, f := range from {
		if f == s {
			if to == "" {
				return s, nil
			}
			return to, nil
		}
	}
	return "", fmt.Errorf("%w: %s is not possible while the application is %s", ErrInvalidTransition, a, s.Label())
}

// ApplicantType is a column of table 三.
type ApplicantType string

// The applicant types, in the order of the report's columns.
const (
	ApplicantNatural        ApplicantType = "natural"         // 自然人
	ApplicantCommercial     ApplicantType = "commercial"      // 商业企业
	ApplicantResearch       ApplicantType = "research"        // 科研机构
	ApplicantPublicInterest ApplicantType = "public_interest" // 社会公益组织
	ApplicantLegalService   ApplicantType = "legal_service"   // 法律服务机构
	ApplicantOtherOrg       ApplicantType = "other_org"       // 其他
)

// ApplicantTypes lists the types in column order.
func ApplicantTypes() []ApplicantType {
	return []ApplicantType{ApplicantNatural, ApplicantCommercial, ApplicantResearch, ApplicantPublicInterest,
		ApplicantLegalService, ApplicantOtherOrg}
}

// Valid reports whether t is a known type.
func (t ApplicantType) Valid() bool {
	for _, x := range ApplicantTypes() {
		if t == x {
			return true
		}
	}
	return false
}

// Label is the column header of the report.
func (t ApplicantType) Label() string {
	switch t {
	case ApplicantNatural:
		return "自然人"
	case ApplicantCommercial:
		return "商业企业"
	case ApplicantResearch:
		return "科研机构"
	case ApplicantPublicInterest:
		return "社会公益组织"
	case ApplicantLegalService:
		return "法律服务机构"
	case ApplicantOtherOrg:
		return "其他"
	}
	return string(t)
}

// IsOrg reports whether the applicant is a legal person or other
// organisation (法人或其他组织), which must give its name.
func (t ApplicantType) IsOrg() bool { return t.Valid() && t != ApplicantNatural }

// DisclosureOutcome is how an application ended: exactly one row of table 三.
type DisclosureOutcome string

// The outcome codes of API.md, in the order of table 三.
const (
	OutDisclose            DisclosureOutcome = "disclose"
	OutPartial             DisclosureOutcome = "partial"
	OutWithholdSecret      DisclosureOutcome = "withhold_secret"
	OutWithholdLaw         DisclosureOutcome = "withhold_law"
	OutWithholdSafety      DisclosureOutcome = "withhold_safety"
	OutWithholdThirdParty  DisclosureOutcome = "withhold_third_party"
	OutWithholdInternal    DisclosureOutcome = "withhold_internal"
	OutWithholdProcess     DisclosureOutcome = "withhold_process"
	OutWithholdEnforcement DisclosureOutcome = "withhold_enforcement"
	OutWithholdInquiry     DisclosureOutcome = "withhold_inquiry"
	OutUnableNotHeld       DisclosureOutcome = "unable_not_held"
	OutUnableNeedsCreation DisclosureOutcome = "unable_needs_creation"
	OutUnableUnclear       DisclosureOutcome = "unable_unclear"
	OutRejectPetition      DisclosureOutcome = "reject_petition"
	OutRejectRepeat        DisclosureOutcome = "reject_repeat"
	OutRejectPublication   DisclosureOutcome = "reject_publication"
	OutRejectExcessive     DisclosureOutcome = "reject_excessive"
	OutRejectConfirm       DisclosureOutcome = "reject_confirm"
	OutOtherNoCorrection   DisclosureOutcome = "other_no_correction"
	OutOtherNoFee          DisclosureOutcome = "other_no_fee"
	OutOther               DisclosureOutcome = "other"
)

// OutcomeGroup is a numbered group of table 三's 本年度办理结果.
type OutcomeGroup string

// The groups, as the report prints them.
const (
	GroupDisclose OutcomeGroup = "(一)予以公开"
	GroupPartial  OutcomeGroup = "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"
	GroupWithhold OutcomeGroup = "(三)不予公开"
	GroupUnable   OutcomeGroup = "(四)无法提供"
	GroupReject   OutcomeGroup = "(五)不予处理"
	GroupOther    OutcomeGroup = "(六)其他处理"
)

// DisclosureOutcomeRow is one outcome's row of table 三: its group and the numbered
// label of the 2021 format ("" for the two groups that are a row each).
type DisclosureOutcomeRow struct {
	Code  DisclosureOutcome
	Group OutcomeGroup
	Label string
}

// DisclosureOutcomeRows is table 三's outcome rows in order; each code is one row.
func DisclosureOutcomeRows() []DisclosureOutcomeRow {
	return []DisclosureOutcomeRow{
		{OutDisclose, GroupDisclose, ""},
		{OutPartial, GroupPartial, ""},
		{OutWithholdSecret, GroupWithhold, "1.属于国家秘密"},
		{OutWithholdLaw, GroupWithhold, "2.其他法律行政法规禁止公开"},
		{OutWithholdSafety, GroupWithhold, "3.危及“三安全一稳定”"},
		{OutWithholdThirdParty, GroupWithhold, "4.保护第三方合法权益"},
		{OutWithholdInternal, GroupWithhold, "5.属于三类内部事务信息"},
		{OutWithholdProcess, GroupWithhold, "6.属于四类过程性信息"},
		{OutWithholdEnforcement, GroupWithhold, "7.属于行政执法案卷"},
		{OutWithholdInquiry, GroupWithhold, "8.属于行政查询事项"},
		{OutUnableNotHeld, GroupUnable, "1.本机关不掌握相关政府信息"},
		{OutUnableNeedsCreation, GroupUnable, "2.没有现成信息需要另行制作"},
		{OutUnableUnclear, GroupUnable, "3.补正后申请内容仍不明确"},
		{OutRejectPetition, GroupReject, "1.信访举报投诉类申请"},
		{OutRejectRepeat, GroupReject, "2.重复申请"},
		{OutRejectPublication, GroupReject, "3.要求提供公开出版物"},
		{OutRejectExcessive, GroupReject, "4.无正当理由大量反复申请"},
		{OutRejectConfirm, GroupReject, "5.要求行政机关确认或重新出具已获取信息"},
		{OutOtherNoCorrection, GroupOther, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"},
		{OutOtherNoFee, GroupOther, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"},
		{OutOther, GroupOther, "3.其他"},
	}
}

// DisclosureOutcomes lists the codes in table order.
func DisclosureOutcomes() []DisclosureOutcome {
	rows := DisclosureOutcomeRows()
	out := make([]DisclosureOutcome, len(rows))
	for i, r := range rows {
		out[i] = r.Code
	}
	return out
}

// Row returns the table row of o; ok is false for an unknown code.
func (o DisclosureOutcome) Row() (DisclosureOutcomeRow, bool) {
	for _, r := range DisclosureOutcomeRows() {
		if r.Code == o {
			return r, true
		}
	}
	return DisclosureOutcomeRow{}, false
}

// Valid reports whether o is a known code.
func (o DisclosureOutcome) Valid() bool { _, ok := o.Row(); return ok }

// Label is the row's full name, e.g. "(三)不予公开 1.属于国家秘密".
func (o DisclosureOutcome) Label() string {
	r, ok := o.Row()
	if !ok {
		return string(o)
	}
	if r.Label == "" {
		return string(r.Group)
	}
	return string(r.Group) + " " + r.Label
}

// DecidableFrom reports whether staff may record outcome o while the
// application is in status s: while processing, anything but the two
// abandonments; while waiting for a supplement or a fee, only the matching
// abandonment or 其他 (for example a withdrawal).
func (o DisclosureOutcome) DecidableFrom(s DisclosureStatus) bool {
	switch s {
	case DisProcessing:
		return o.Valid() && o != OutOtherNoCorrection && o != OutOtherNoFee
	case DisAwaitingCorrection:
		return o == OutOtherNoCorrection || o == OutOther
	case DisAwaitingFee:
		return o == OutOtherNoFee || o == OutOther
	}
	return false
}

// SubmittedVia is how an application reached the office (第三十一条 fixes the
// receipt day by it).
type SubmittedVia string

// The ways of submission.
const (
	ViaInPerson SubmittedVia = "in_person"
	ViaPost     SubmittedVia = "post"
	ViaOnline   SubmittedVia = "online"
	ViaFax      SubmittedVia = "fax"
	ViaEmail    SubmittedVia = "email"
)

// SubmittedVias lists the ways.
func SubmittedVias() []SubmittedVia {
	return []SubmittedVia{ViaInPerson, ViaPost, ViaOnline, ViaFax, ViaEmail}
}

// Valid reports whether v is a known way.
func (v SubmittedVia) Valid() bool {
	for _, x := range SubmittedVias() {
		if v == x {
			return true
		}
	}
	return false
}

// DeliveryForms are the forms an applicant may ask the information in.
func DeliveryForms() []string { return []string{"paper", "email", "online", "pickup"} }

// CaseKind is a column group of table 四.
type CaseKind string

// The kinds of case.
const (
	CaseReconsideration      CaseKind = "reconsideration"                  // 行政复议
	CaseLitigationDirect     CaseKind = "litigation_direct"                // 未经复议直接起诉
	CaseLitigationAfterRecon CaseKind = "litigation_after_reconsideration" // 复议后起诉
)

// CaseKinds lists the kinds in column order.
func CaseKinds() []CaseKind {
	return []CaseKind{CaseReconsideration, CaseLitigationDirect, CaseLitigationAfterRecon}
}

// Valid reports whether k is a known kind.
func (k CaseKind) Valid() bool {
	for _, x := range CaseKinds() {
		if k == x {
			return true
		}
	}
	return false
}

// Label is the kind's Chinese name.
func (k CaseKind) Label() string {
	switch k {
	case CaseReconsideration:
		return "行政复议"
	case CaseLitigationDirect:
		return "行政诉讼(未经复议直接起诉)"
	case CaseLitigationAfterRecon:
		return "行政诉讼(复议后起诉)"
	}
	return string(k)
}

// CaseResult is how a case ended; "" while it is pending (尚未审结).
type CaseResult string

// The results.
const (
	ResultUpheld    CaseResult = "upheld"    // 结果维持
	ResultCorrected CaseResult = "corrected" // 结果纠正
	ResultOther     CaseResult = "other"     // 其他结果
)

// Label is the result's Chinese name (尚未审结 while pending).
func (r CaseResult) Label() string {
	switch r {
	case "":
		return "尚未审结"
	case ResultUpheld:
		return "结果维持"
	case ResultCorrected:
		return "结果纠正"
	case ResultOther:
		return "其他结果"
	}
	return string(r)
}

// Valid reports whether r is a known result ("" is pending and valid).
func (r CaseResult) Valid() bool {
	return r == "" || r == ResultUpheld || r == ResultCorrected || r == ResultOther
}
