package web

import (
	"fmt"
	"html/template"
	"regexp"
	"strconv"
	"strings"

	"hotline/domain"
)

// form is what a submitted form needs to be shown again: which form it was,
// what was typed, and a Chinese message beside each bad field ("" names the
// form as a whole).
type form struct {
	Name   string
	Values map[string]string
	Errs   map[string]string
	order  []string
}

func (f *form) fail(field, msg string) {
	if f.Errs == nil {
		f.Errs = map[string]string{}
	}
	if _, dup := f.Errs[field]; !dup {
		f.order = append(f.order, field)
	}
	f.Errs[field] = msg
}

func (f *form) ok() bool { return len(f.Errs) == 0 }

// Err is the message beside a field of the named form.
func (f form) Err(name, field string) string {
	if f.Name != name && name != "" {
		return ""
	}
	return f.Errs[field]
}

// Val is what was typed into a field of the named form.
func (f form) Val(name, field string) string {
	if f.Name != name {
		return ""
	}
	return f.Values[field]
}

// Summary lists the messages in the order they were found, for the error
// list at the top of the page.
func (f form) Summary() []fieldMsg {
	out := make([]fieldMsg, 0, len(f.order))
	for _, k := range f.order {
		out = append(out, fieldMsg{Field: k, Message: f.Errs[k]})
	}
	return out
}

type fieldMsg struct{ Field, Message string }

// fromCore puts core's field errors beside the page's fields; fields maps
// core's field names to the form's.
func (f *form) fromCore(ve domain.ValidationError, fields map[string]string) {
	for _, e := range ve {
		name := fields[e.Field]
		if name == "" {
			name = fields[strings.SplitN(e.Field, "[", 2)[0]]
		}
		f.fail(name, chineseMessage(e.Message))
	}
}

var (
	atMostChars = regexp.MustCompile(`^at most (\d+) (characters|bytes)`)
	fromTo      = regexp.MustCompile(`(\d+) to (\d+)`)
)

// chineseMessage translates core's English field messages for staff.
func chineseMessage(m string) string {
	switch {
	case strings.HasPrefix(m, "required"):
		return "此项必填"
	case atMostChars.MatchString(m):
		return fmt.Sprintf("不能超过 %s 个字", atMostChars.FindStringSubmatch(m)[1])
	case strings.Contains(m, "must exist and be active") || strings.HasPrefix(m, "not a unit code"):
		return "单位不存在或已停用"
	case fromTo.MatchString(m):
		s := fromTo.FindStringSubmatch(m)
		return fmt.Sprintf("请填写 %s 到 %s 之间的整数", s[1], s[2])
	case strings.HasPrefix(m, "unknown"):
		return "不是可选的值"
	case strings.Contains(m, "UTF-8") || strings.Contains(m, "NUL"):
		return "含有无法识别的字符"
	}
	return "填写有误"
}

// intField parses a whole number typed into a field; ok is false (and the
// form has a message) when it is not one.
func (f *form) intField(field, s string, min, max int) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < min || n > max {
		f.fail(field, fmt.Sprintf("请填写 %d 到 %d 之间的整数", min, max))
		return 0, false
	}
	return n, true
}

// fieldRef is one field of a named form as the templates' shared partials
// see it (partials.html: fielderror, textarea, filterselect): its control's
// id, what was typed into it and the message beside it.
type fieldRef struct {
	f           form
	Form, Field string
}

func fld(f form, name, field string) fieldRef { return fieldRef{f: f, Form: name, Field: field} }

// ID is the control's id, and ID + "-err" its message's.
func (r fieldRef) ID() string { return r.Form + "-" + r.Field }

// Err is the message beside the field ("" when none).
func (r fieldRef) Err() string { return r.f.Err(r.Form, r.Field) }

// Val is what was typed into the field.
func (r fieldRef) Val() string { return r.f.Val(r.Form, r.Field) }

// Invalid marks a control whose field has a message: aria-invalid, and the
// message as its description.
func (r fieldRef) Invalid() template.HTMLAttr {
	if r.Err() == "" {
		return ""
	}
	return template.HTMLAttr(` aria-invalid="true" aria-describedby="` + template.HTMLEscapeString(r.ID()) + `-err"`)
}

// textArea is a labelled <textarea> with its message (partial "textarea").
type textArea struct {
	fieldRef
	Label    string
	Required bool
}

func area(f form, name, field, label string, required bool) textArea {
	return textArea{fieldRef: fld(f, name, field), Label: label, Required: required}
}

// filterSelect is a labelled <select> of a list's filters, 全部 first
// (partial "filterselect").
type filterSelect struct {
	fieldRef
	Label   string
	Options []option
	Value   string
}

func choice(f form, name, field, label string, opts []option, value string) filterSelect {
	return filterSelect{fieldRef: fld(f, name, field), Label: label, Options: opts, Value: value}
}
