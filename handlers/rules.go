package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) listRules(c *fiber.Ctx) error {
	rules, err := a.Core.ListRules(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.RuleView]{Items: rules})
}

func (a *api) createRule(c *fiber.Ctx) error {
	var in core.RuleInput
	if err := body(c, &in); err != nil {
		return err
	}
	r, err := a.Core.CreateRule(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (a *api) updateRule(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in core.RuleInput
	if err := body(c, &in); err != nil {
		return err
	}
	r, err := a.Core.UpdateRule(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (a *api) deleteRule(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := a.Core.DeleteRule(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
