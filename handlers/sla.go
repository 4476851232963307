package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/domain"
)

func (a *api) listSLA(c *fiber.Ctx) error {
	ps, err := a.Core.SLAPolicies(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(ps)
}

func (a *api) putSLA(c *fiber.Ctx) error {
	var in []domain.SLAPolicy
	if err := body(c, &in); err != nil {
		return err
	}
	ps, err := a.Core.PutSLAPolicies(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.JSON(ps)
}
