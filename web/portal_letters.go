package web

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

// portalLettersPageSize is how many published letters a page shows.
const portalLettersPageSize = 10

type portalLetter struct {
	Code, Kind, Title, Content, ReceivedAt, PublishedAt string
	Replies                                             []portalReply
}

type portalLettersPage struct {
	Q        string
	Letters  []portalLetter
	Next     string // the next page's address ("" on the last page)
	First    string // the first page's address, when this is not it
	Searched bool
	Form     form
}

// portalLetters lists the published letters with their answers (personal
// data removed when they were published), newest first, searchable with q
// and paged with the cursor of the previous page.
func (w *Web) portalLetters(c *fiber.Ctx, r *request) error {
	p := portalLettersPage{Q: c.Query("q"), Form: form{Name: "letters"}}
	p.Searched = p.Q != ""
	page, err := core.ParsePage("", c.Query("cursor"))
	if err != nil {
		page = core.Page{}
	}
	page.Limit = portalLettersPageSize
	letters, next, err := w.Core.SearchPublicLetters(c.UserContext(), p.Q, page)
	var ve domain.ValidationError
	if errors.As(err, &ve) {
		p.Form.fail("q", "搜索词太长,请不要超过 100 个字")
		return w.renderPortal(c, r, fiber.StatusUnprocessableEntity, "portal_letters", "公开信件", p)
	}
	if err != nil {
		return err
	}
	for _, l := range letters {
		pl := portalLetter{Code: l.TrackingCode, Kind: domain.Kind(l.Kind).Label(), Title: l.Title, Content: l.Content,
			ReceivedAt: w.portalDate(l.ReceivedAt), PublishedAt: w.portalDate(l.PublishedAt)}
		for _, rp := range l.Replies {
			pl.Replies = append(pl.Replies, portalReply{Body: rp.Body, At: w.portalDate(rp.At)})
		}
		p.Letters = append(p.Letters, pl)
	}
	q := url.Values{}
	if p.Q != "" {
		q.Set("q", p.Q)
	}
	if next != nil {
		nq := url.Values{"cursor": {*next}}
		if p.Q != "" {
			nq.Set("q", p.Q)
		}
		p.Next = "/portal/letters?" + nq.Encode()
	}
	if page.After != 0 {
		p.First = "/portal/letters"
		if len(q) > 0 {
			p.First += "?" + q.Encode()
		}
	}
	return w.renderPortal(c, r, fiber.StatusOK, "portal_letters", "公开信件", p)
}
