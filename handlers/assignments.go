package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) accept(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, _ none) (core.ItemView, error) {
		return a.Core.Accept(c.UserContext(), viewer(c), id)
	})(c)
}

func (a *api) returnItem(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, true, func(c *fiber.Ctx, id int64, in core.ReturnInput) (core.ItemView, error) {
		return a.Core.Return(c.UserContext(), viewer(c), id, in)
	})(c)
}
