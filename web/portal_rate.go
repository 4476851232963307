package web

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

// satisfactionChoices are the three answers to 您对答复满意吗, in order.
var satisfactionChoices = []kindOption{
	{"satisfied", "满意"}, {"basically_satisfied", "基本满意"}, {"dissatisfied", "不满意"},
}

type portalRatePage struct {
	Token      string
	Letter     core.RatingLinkLetter
	ReceivedAt string
	Replies    []portalReply
	Choices    []kindOption
	Form       form
	Resolved   bool
	// State explains a link that can no longer be used ("" when it can).
	State   core.RatingLinkState
	Thanks  bool
	Expired string
}

// portalRateForm shows the letter and its answer above the rating form, or
// says in words why the link can no longer be used.
func (w *Web) portalRateForm(c *fiber.Ctx, r *request) error {
	p, err := w.ratePage(c)
	if err != nil {
		return w.rateLinkErr(c, r, err)
	}
	p.Thanks = c.Query("thanks") == "1" && p.State == core.LinkUsed
	return w.showRate(c, r, fiber.StatusOK, p)
}

// portalRate records the rating once; mistakes come back beside the fields.
func (w *Web) portalRate(c *fiber.Ctx, r *request) error {
	p, err := w.ratePage(c)
	if err != nil {
		return w.rateLinkErr(c, r, err)
	}
	if p.State != core.LinkOpen {
		return w.showRate(c, r, fiber.StatusOK, p)
	}
	p.Form.Values = map[string]string{"satisfaction": c.FormValue("satisfaction"), "stars": c.FormValue("stars"),
		"comment": c.FormValue("comment")}
	p.Resolved = c.FormValue("resolved") == "yes"
	in := core.RatingInput{Satisfaction: p.Form.Values["satisfaction"], Resolved: &p.Resolved, Comment: p.Form.Values["comment"]}
	if s := p.Form.Values["stars"]; s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			in.Stars = &n
		}
	}
	_, err = w.Core.RateByLink(c.UserContext(), c.Params("token"), in)
	var ve domain.ValidationError
	switch {
	case errors.As(err, &ve):
		for _, e := range ve {
			switch e.Field {
			case "satisfaction":
				p.Form.fail("satisfaction", "请选择您对答复是否满意")
			case "stars":
				p.Form.fail("stars", "请选择星级(1 到 5 星)")
			case "comment":
				p.Form.fail("comment", writeMessage("补充意见", e.Message))
			}
		}
		return w.showRate(c, r, fiber.StatusUnprocessableEntity, p)
	case errors.Is(err, domain.ErrGone):
		// used or expired meanwhile: say which
		p, err = w.ratePage(c)
		if err != nil {
			return w.rateLinkErr(c, r, err)
		}
		return w.showRate(c, r, fiber.StatusGone, p)
	case err != nil:
		return w.rateLinkErr(c, r, err)
	}
	return c.Redirect(portalPath+"/rate/"+c.Params("token")+"?thanks=1", fiber.StatusSeeOther)
}

func (w *Web) ratePage(c *fiber.Ctx) (portalRatePage, error) {
	l, err := w.Core.RatingLinkFor(c.UserContext(), c.Params("token"))
	if err != nil {
		return portalRatePage{}, err
	}
	p := portalRatePage{Token: c.Params("token"), Letter: l, ReceivedAt: w.portalTime(l.ReceivedAt),
		Choices: satisfactionChoices, Form: form{Name: "rate"}, State: l.State, Expired: w.portalTime(l.ExpiresAt)}
	for _, rp := range l.Replies {
		p.Replies = append(p.Replies, portalReply{Body: rp.Body, At: w.portalTime(rp.At)})
	}
	return p, nil
}

func (w *Web) showRate(c *fiber.Ctx, r *request, status int, p portalRatePage) error {
	title := "评价答复"
	switch {
	case p.Thanks:
		title = "感谢您的评价"
	case p.State == core.LinkUsed:
		title = "此评价链接已使用"
	case p.State == core.LinkExpired:
		title = "此评价链接已过期"
	case p.State == core.LinkReopened:
		title = "暂时不能评价"
	}
	if p.State != core.LinkOpen && status == fiber.StatusOK && !p.Thanks {
		status = fiber.StatusGone
	}
	return w.renderPortal(c, r, status, "portal_rate", title, p)
}

// rateLinkErr answers a link that does not exist in words.
func (w *Web) rateLinkErr(c *fiber.Ctx, r *request, err error) error {
	if errors.Is(err, domain.ErrNotFound) {
		return w.portalFail(c, r, fiber.StatusNotFound, "评价链接无效",
			"没有找到这个评价链接。请检查短信或邮件中的链接是否完整;如果链接被截断,请把完整的链接复制到浏览器地址栏。")
	}
	return err
}
