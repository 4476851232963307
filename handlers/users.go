package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) listUsers(c *fiber.Ctx) error {
	p, err := a.page(c)
	if err != nil {
		return err
	}
	users, next, err := a.Core.ListUsers(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.UserView]{Items: users, NextCursor: next})
}

func (a *api) createUser(c *fiber.Ctx) error {
	var in core.UserInput
	if err := body(c, &in); err != nil {
		return err
	}
	u, err := a.Core.CreateUser(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

func (a *api) updateUser(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in core.UserInput
	if err := body(c, &in); err != nil {
		return err
	}
	u, err := a.Core.UpdateUser(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(u)
}
