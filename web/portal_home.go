package web

import (
	"github.com/gofiber/fiber/v2"

	"hotline/domain"
)

// portalTimeLimit is how long answers to one kind of letter take.
type portalTimeLimit struct {
	Kind     string
	Workdays int
}

type portalHomePage struct {
	Limits []portalTimeLimit
}

// portalHome says what the mailbox is for and how long answers take (from
// the SLA policies the department set), with links to everything else.
func (w *Web) portalHome(c *fiber.Ctx, r *request) error {
	policies, err := w.Core.SLAPolicies(c.UserContext())
	if err != nil {
		return err
	}
	var p portalHomePage
	for _, pol := range policies {
		p.Limits = append(p.Limits, portalTimeLimit{Kind: domain.Kind(pol.Kind).Label(), Workdays: pol.ReplyWorkdays})
	}
	return w.renderPortal(c, r, fiber.StatusOK, "portal_home", "领导信箱", p)
}
