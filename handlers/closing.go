package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) reopen(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, true, func(c *fiber.Ctx, id int64, in core.ReasonInput) (core.ItemView, error) {
		return a.Core.Reopen(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) closeItem(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, in core.DecisionInput) (core.ItemView, error) {
		return a.Core.Close(c.UserContext(), viewer(c), id, in)
	})(c)
}
