package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) requestExtension(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.ExtensionInput) (core.ExtensionView, error) {
		return a.Core.RequestExtension(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) decideExtension(approve bool) fiber.Handler {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, in core.DecisionInput) (core.ItemView, error) {
		eid, err := pathID(c, "eid")
		if err != nil {
			return core.ItemView{}, err
		}
		return a.Core.DecideExtension(c.UserContext(), viewer(c), id, eid, approve, in)
	})
}
