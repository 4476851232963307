package web

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

// Approvals (/console/approvals): a unit head's final replies to approve
// (审核通过) and the unit's extension requests waiting for a manager; a
// manager's extension requests to approve or reject (批准延期 / 驳回延期).

type approvalsPage struct {
	core.Approvals
	Units unitNames
	Done  string
}

// UnitName is a unit's name for the template.
func (p approvalsPage) UnitName(code string) string { return p.Units.name(code) }

func (w *Web) approvals(c *fiber.Ctx, r *request) error {
	a, err := w.Core.Approvals(c.UserContext(), r.viewer)
	if err != nil {
		return err
	}
	units, err := w.unitNames(c)
	if err != nil {
		return err
	}
	p := approvalsPage{Approvals: a, Units: units, Done: doneMessages[c.Query("done")]}
	return w.render(c, r, fiber.StatusOK, "approvals", "待审核", p)
}

// decideExtension approves or rejects an extension request: the button
// pressed names the decision.
func (w *Web) decideExtension(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	eid, perr := strconv.ParseInt(c.Params("eid"), 10, 64)
	if perr != nil || eid <= 0 {
		return fmt.Errorf("extension %q: %w", c.Params("eid"), domain.ErrNotFound)
	}
	f := postForm(c, "decision", "decision", "note")
	approve := f.Values["decision"] == "approve"
	if !approve && f.Values["decision"] != "reject" {
		f.fail("decision", "请选择批准延期或驳回延期")
		return w.afterAction(c, r, id, f, nil, nil)
	}
	_, err = w.Core.DecideExtension(c.UserContext(), r.viewer, id, eid, approve, core.DecisionInput{Note: f.Values["note"]})
	return w.afterAction(c, r, id, f, map[string]string{"note": "note"}, err)
}
