package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

const (
	// portalReceiptCookie carries a new letter's code and secret from the
	// form's POST to the receipt page (post/redirect/get): short-lived,
	// HttpOnly, SameSite=Strict and sent only to the receipt's address, so
	// the secret never appears in an address, the history or a log.
	portalReceiptCookie = "hotline_portal_receipt"
	portalReceiptPath   = "/portal/receipt"
	portalReceiptMaxAge = 10 * 60 // seconds
)

// writeFields are the letter form's fields in page order, with their
// Chinese names and whether they must be filled.
var writeFields = []struct {
	name, label string
	required    bool
}{
	{"name", "姓名", false},
	{"phone", "手机号码", false},
	{"email", "电子邮箱", false},
	{"kind", "诉求类型", true},
	{"title", "标题", true},
	{"content", "内容", true},
}

type kindOption struct{ Value, Label string }

type portalWritePage struct {
	Form    form
	Kinds   []kindOption
	Consent bool
}

func kindOptions() []kindOption {
	var out []kindOption
	for _, k := range domain.Kinds() {
		out = append(out, kindOption{Value: string(k), Label: k.Label()})
	}
	return out
}

// portalWriteForm shows the letter form.
func (w *Web) portalWriteForm(c *fiber.Ctx, r *request) error {
	return w.renderPortal(c, r, fiber.StatusOK, "portal_write", "我要写信",
		portalWritePage{Form: form{Name: "write"}, Kinds: kindOptions()})
}

// portalWrite stores the letter and sends the browser to its receipt; a
// letter with mistakes comes back with everything typed kept, the mistakes
// listed at the top and beside their fields.
func (w *Web) portalWrite(c *fiber.Ctx, r *request) error {
	p := portalWritePage{Form: form{Name: "write", Values: map[string]string{}}, Kinds: kindOptions(),
		Consent: c.FormValue("publish_consent") == "yes"}
	for _, f := range writeFields {
		p.Form.Values[f.name] = c.FormValue(f.name)
	}
	rec, err := w.Core.CreateLetter(c.UserContext(), core.LetterInput{Name: p.Form.Values["name"],
		Phone: p.Form.Values["phone"], Email: p.Form.Values["email"], Kind: p.Form.Values["kind"],
		Title: p.Form.Values["title"], Content: p.Form.Values["content"], PublishConsent: p.Consent})
	var ve domain.ValidationError
	if errors.As(err, &ve) {
		for _, f := range writeFields {
			for _, e := range ve {
				if e.Field == f.name {
					p.Form.fail(f.name, writeMessage(f.label, e.Message))
				}
			}
		}
		if p.Form.ok() {
			p.Form.fail("", "信件未能提交,请检查填写的内容。")
		}
		return w.renderPortal(c, r, fiber.StatusUnprocessableEntity, "portal_write", "我要写信", p)
	}
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: portalReceiptCookie, Value: encodeReceipt(rec), Path: portalReceiptPath,
		MaxAge: portalReceiptMaxAge, HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: secure(c)})
	return c.Redirect(portalReceiptPath, fiber.StatusSeeOther)
}

// writeMessage says what is wrong with a field in plain words.
func writeMessage(label, m string) string {
	switch {
	case strings.HasPrefix(m, "required") && label == "诉求类型":
		return "请选择诉求类型"
	case strings.HasPrefix(m, "required"):
		return "请填写" + label
	case atMostChars.MatchString(m):
		return fmt.Sprintf("%s不能超过 %s 个字", label, atMostChars.FindStringSubmatch(m)[1])
	case strings.HasPrefix(m, "not a phone number"):
		return "请填写正确的手机号码(11 位数字),或带区号的固定电话号码"
	case strings.HasPrefix(m, "not an e-mail"):
		return "请填写正确的电子邮箱,例如 zhang@example.com"
	case strings.HasPrefix(m, "unknown"):
		return "请从列表中选择诉求类型"
	}
	return label + "填写有误:" + chineseMessage(m)
}

type portalReceiptPage struct {
	Code, Secret, SecretGroups, ReceivedAt string
	Minutes                                int
}

func encodeReceipt(r core.LetterReceipt) string {
	return base64.RawURLEncoding.EncodeToString([]byte(r.TrackingCode + "\n" + r.Secret + "\n" + r.ReceivedAt))
}

func decodeReceipt(v string) (core.LetterReceipt, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return core.LetterReceipt{}, false
	}
	parts := strings.Split(string(b), "\n")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || len(parts[0]) > 40 || len(parts[1]) > 100 {
		return core.LetterReceipt{}, false
	}
	return core.LetterReceipt{TrackingCode: parts[0], Secret: parts[1], ReceivedAt: parts[2]}, true
}

// portalReceipt shows a new letter's code and secret, read from the
// receipt cookie; after it expired (or was cleared) the page says so.
func (w *Web) portalReceipt(c *fiber.Ctx, r *request) error {
	rec, ok := decodeReceipt(c.Cookies(portalReceiptCookie))
	if !ok {
		return w.portalFail(c, r, fiber.StatusNotFound, "回执已不再显示",
			fmt.Sprintf("为保护您的查询密码,回执只在提交后 %d 分钟内显示。如果您已记下查询码和查询密码,可以随时查询办理进度。", portalReceiptMaxAge/60))
	}
	p := portalReceiptPage{Code: rec.TrackingCode, Secret: rec.Secret, SecretGroups: groupsOf(rec.Secret, 4),
		Minutes: portalReceiptMaxAge / 60}
	if at, err := time.Parse(time.RFC3339, rec.ReceivedAt); err == nil {
		p.ReceivedAt = w.portalTime(at)
	}
	return w.renderPortal(c, r, fiber.StatusOK, "portal_receipt", "信件已提交", p)
}

// portalReceiptClear forgets the receipt (on a shared computer) and goes to
// the portal's home.
func (w *Web) portalReceiptClear(c *fiber.Ctx, r *request) error {
	w.clearCookie(c, portalReceiptCookie, portalReceiptPath)
	return c.Redirect(portalPath+"/", fiber.StatusSeeOther)
}

// groupsOf splits s into groups of n characters separated by spaces, so
// that a long secret is easy to read and copy by hand.
func groupsOf(s string, n int) string {
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && i%n == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(ch)
	}
	return b.String()
}
