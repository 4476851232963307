package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/repo"
)

func (a *api) listUnits(c *fiber.Ctx) error {
	units, err := a.Core.ListUnits(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(listOf[repo.Unit]{Items: units})
}

func (a *api) createUnit(c *fiber.Ctx) error {
	var in core.UnitInput
	if err := body(c, &in); err != nil {
		return err
	}
	u, err := a.Core.CreateUnit(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

func (a *api) updateUnit(c *fiber.Ctx) error {
	var in core.UnitInput
	if err := body(c, &in); err != nil {
		return err
	}
	u, err := a.Core.UpdateUnit(c.UserContext(), c.Params("code"), in)
	if err != nil {
		return err
	}
	return c.JSON(u)
}
