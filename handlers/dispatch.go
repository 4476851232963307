package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) dispatch(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, true, func(c *fiber.Ctx, id int64, in core.DispatchInput) (core.ItemView, error) {
		return a.Core.Dispatch(c.UserContext(), viewer(c), id, in)
	})(c)
}
