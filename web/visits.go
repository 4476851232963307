package web

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

// Return visits (/console/visits): the answered items waiting for their
// visit, the earliest due first, each with the visit form (回访) and, once the
// citizen said they were not satisfied, 重办; and the messages that could not
// be delivered, with 重新发送. The forms post to the item's actions and come
// back here.

// visitsLimit bounds the visit queue shown.
const visitsLimit = 100

type visitsPage struct {
	Rows   []core.VisitEntry
	Failed []core.FailedDelivery
	Units  unitNames
	Done   string
	Stars  []int
}

// UnitName is a unit's name for the template.
func (p visitsPage) UnitName(code string) string { return p.Units.name(code) }

func (w *Web) visits(c *fiber.Ctx, r *request) error {
	ctx := c.UserContext()
	rows, err := w.Core.VisitQueue(ctx, r.viewer, visitsLimit)
	if err != nil {
		return err
	}
	failed, err := w.Core.FailedDeliveries(ctx, r.viewer, visitsLimit)
	if err != nil {
		return err
	}
	units, err := w.unitNames(c)
	if err != nil {
		return err
	}
	p := visitsPage{Rows: rows, Failed: failed, Units: units, Done: doneMessages[c.Query("done")], Stars: []int{5, 4, 3, 2, 1}}
	return w.render(c, r, fiber.StatusOK, "visits", "待回访", p)
}

// retryDelivery sends a failed message again (重新发送).
func (w *Web) retryDelivery(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	did, perr := strconv.ParseInt(c.Params("did"), 10, 64)
	if perr != nil || did <= 0 {
		return fmt.Errorf("delivery %q: %w", c.Params("did"), domain.ErrNotFound)
	}
	_, err = w.Core.RetryDelivery(c.UserContext(), r.viewer, id, did)
	return w.afterAction(c, r, id, form{Name: "retry"}, nil, err)
}
