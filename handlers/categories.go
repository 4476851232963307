package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/repo"
)

func (a *api) listCategories(c *fiber.Ctx) error {
	cats, err := a.Core.ListCategories(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(listOf[repo.Category]{Items: cats})
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
