package web

import (
	"fmt"
	"regexp"
	"strings"

	"hotline/domain"
)

// What staff and applicants read for the codes of disclosure applications
// (依申请公开), and the form fields their pages are built from.

func submittedViaLabel(v string) string {
	switch domain.SubmittedVia(v) {
	case domain.ViaInPerson:
		return "当面提交"
	case domain.ViaPost:
		return "信函邮寄"
	case domain.ViaOnline:
		return "网上申请"
	case domain.ViaFax:
		return "传真"
	case domain.ViaEmail:
		return "电子邮件"
	}
	return v
}

func deliveryFormLabel(f string) string {
	switch f {
	case "paper":
		return "纸质文本"
	case "email":
		return "电子邮件"
	case "online":
		return "网上获取"
	case "pickup":
		return "当面领取"
	case "":
		return "未指定"
	}
	return f
}

func caseKindLabel(k domain.CaseKind) string { return k.Label() }

func caseResultLabel(r *string) string {
	if r == nil {
		return domain.CaseResult("").Label()
	}
	return domain.CaseResult(*r).Label()
}

// disclosureEventLabel names a timeline entry of an application.
func disclosureEventLabel(action string) string {
	if l, ok := map[domain.DisclosureAction]string{
		domain.DisActCreate: "登记申请", domain.DisActSubmit: "网上提交", domain.DisActConfirm: "确认收到",
		domain.DisActConsult: "征求意见", domain.DisActConsultAnswer: "意见已回复", domain.DisActAskCorrection: "告知补正",
		domain.DisActCorrectionArrived: "补正已收到", domain.DisActFeeNotice: "收费通知", domain.DisActFeePaid: "已缴费",
		domain.DisActRequestExt: "申请延期", domain.DisActApproveExt: "批准延期", domain.DisActRejectExt: "驳回延期",
		domain.DisActDecide: "作出答复", domain.DisActAbandon: "视为放弃", domain.DisActRemind: "催办",
		domain.DisActOverdue: "超期督办", domain.DisActCaseFiled: "复议诉讼登记", domain.DisActCaseChanged: "复议诉讼变更",
	}[domain.DisclosureAction(action)]; ok {
		return l
	}
	return action
}

func applicantTypeOptions() []option {
	var out []option
	for _, t := range domain.ApplicantTypes() {
		l := t.Label()
		if t.IsOrg() {
			l = "法人或其他组织 · " + l
		}
		out = append(out, option{string(t), l})
	}
	return out
}

func submittedViaOptions(portal bool) []option {
	var out []option
	for _, v := range domain.SubmittedVias() {
		if v == domain.ViaOnline && !portal {
			continue // online applications come through the portal
		}
		out = append(out, option{string(v), submittedViaLabel(string(v))})
	}
	return out
}

func deliveryFormOptions() []option {
	var out []option
	for _, f := range domain.DeliveryForms() {
		out = append(out, option{f, deliveryFormLabel(f)})
	}
	return out
}

func disclosureStatusOptions() []option {
	var out []option
	for _, s := range domain.DisclosureStatuses() {
		out = append(out, option{string(s), s.Label()})
	}
	return out
}

// outcomeOptions are the rows of table 三 that may be recorded while the
// application is in status s (all rows when s is "").
func outcomeOptions(s domain.DisclosureStatus) []option {
	var out []option
	for _, o := range domain.DisclosureOutcomes() {
		if s == "" || o.DecidableFrom(s) {
			out = append(out, option{string(o), o.Label()})
		}
	}
	return out
}

func caseKindOptions() []option {
	var out []option
	for _, k := range domain.CaseKinds() {
		out = append(out, option{string(k), caseKindLabel(k)})
	}
	return out
}

func caseResultOptions() []option {
	return []option{{"", "尚未审结"}, {string(domain.ResultUpheld), "结果维持"},
		{string(domain.ResultCorrected), "结果纠正"}, {string(domain.ResultOther), "其他结果"}}
}

var (
	dateAfterToday = regexp.MustCompile(`^must not be after today \((.+)\)`)
	dateNotBefore  = regexp.MustCompile(`^must not be before [^(]*\((.+)\)`)
	dateFromTo     = regexp.MustCompile(`must lie from (\S+) to (\S+)`)
	correctionBy   = regexp.MustCompile(`within 7 working days of receipt: from (\S+) to (\S+)`)
	notWhile       = regexp.MustCompile(`^not possible while the application is (.+)$`)
)

// disclosureMessage translates core's messages about an application's
// fields; what it does not know goes to chineseMessage.
func disclosureMessage(m string) string {
	switch {
	case strings.HasPrefix(m, "required: a date") || m == "a date YYYY-MM-DD":
		return "请按 年-月-日 填写日期,例如 2026-01-31"
	case dateAfterToday.MatchString(m):
		return fmt.Sprintf("不能晚于今天(%s)", dateAfterToday.FindStringSubmatch(m)[1])
	case dateNotBefore.MatchString(m):
		return fmt.Sprintf("不能早于 %s", dateNotBefore.FindStringSubmatch(m)[1])
	case correctionBy.MatchString(m):
		s := correctionBy.FindStringSubmatch(m)
		return fmt.Sprintf("补正须在收到申请之日起 7 个工作日内告知,即 %s 至 %s", s[1], s[2])
	case dateFromTo.MatchString(m):
		s := dateFromTo.FindStringSubmatch(m)
		return fmt.Sprintf("应在 %s 至 %s 之间", s[1], s[2])
	case strings.HasPrefix(m, "a date from 2000"):
		return "日期不能早于 2000 年"
	case strings.HasPrefix(m, "must be after asked_on"):
		return "应晚于告知补正的日期"
	case strings.HasPrefix(m, "give a way to reach the applicant"):
		return "请至少填写联系电话、电子邮箱或通信地址中的一项"
	case strings.HasPrefix(m, "a positive amount"):
		return "请填写大于 0 的金额(元)"
	case strings.HasPrefix(m, "required: a whole number"), strings.HasPrefix(m, "required: an amount"):
		return "此项必填,请填写 0 或更大的数"
	case strings.HasPrefix(m, "a whole number from 0"), strings.HasPrefix(m, "an amount from 0"):
		return "请填写 0 或更大的数"
	case strings.HasPrefix(m, "not a phone number"):
		return "电话号码格式不对:手机 11 位,固话请带区号"
	case strings.HasPrefix(m, "not an e-mail address"):
		return "电子邮箱格式不对"
	case strings.HasPrefix(m, "no such application"):
		return "没有这件申请"
	case notWhile.MatchString(m):
		return fmt.Sprintf("申请“%s”时不能作出此答复", notWhile.FindStringSubmatch(m)[1])
	case strings.HasPrefix(m, "required: one of"):
		return "请选择"
	}
	return chineseMessage(m)
}

// fromCoreDisclosure puts core's field errors beside the page's fields,
// translated; fields maps core's names to the form's ("" = the same name).
func (f *form) fromCoreDisclosure(ve domain.ValidationError, fields map[string]string) {
	for _, e := range ve {
		name, ok := fields[e.Field]
		if !ok {
			name = e.Field
		}
		f.fail(name, disclosureMessage(e.Message))
	}
}

// fieldView is one labelled control of a form: a text, date, number, e-mail
// or telephone input, a textarea or a select, with its message beside it.
type fieldView struct {
	ID, Name, Label, Type, Value, Err, Hint string
	Required                                bool
	Options                                 []option
	// Blank is the text of the empty first option of a select ("" = none).
	Blank string
	// Step is the step of a number input ("" = whole numbers).
	Step string
}

// field is a control of the named form, with what was typed and the
// message beside it when the form comes back.
func field(f form, formName, name, label, typ string) fieldView {
	return fieldView{ID: formName + "-" + name, Name: name, Label: label, Type: typ,
		Value: f.Val(formName, name), Err: f.Err(formName, name)}
}

func (v fieldView) req() fieldView { v.Required = true; return v }

func (v fieldView) hint(h string) fieldView { v.Hint = h; return v }

func (v fieldView) opts(blank string, o []option) fieldView { v.Blank, v.Options = blank, o; return v }

// orValue is v with a default shown when nothing was typed.
func (v fieldView) orValue(s string) fieldView {
	if v.Value == "" && v.Err == "" {
		v.Value = s
	}
	return v
}

// button is a submit button; Name and Value say which one was pressed.
type button struct {
	Text, Name, Value string
	Secondary         bool
}

// actionForm is one action offered on a page: a form posting to Action.
type actionForm struct {
	Name, Title, Action, Hint string
	Fields                    []fieldView
	Buttons                   []button
}

// withCSRF hands a block of a page its data and the form token.
func withCSRF(a any, csrf string) struct {
	A    any
	CSRF string
} {
	return struct {
		A    any
		CSRF string
	}{a, csrf}
}
