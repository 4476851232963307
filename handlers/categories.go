package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) listCategories(c *fiber.Ctx) error {
	cats, err := a.Core.ListCategories(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": cats, "next_cursor": nil})
}

func (a *api) createCategory(c *fiber.Ctx) error {
	var in core.CategoryInput
	if err := body(c, &in); err != nil {
		return err
	}
	cat, err := a.Core.CreateCategory(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(cat)
}
