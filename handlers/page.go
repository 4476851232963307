package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) page(c *fiber.Ctx) (core.Page, error) {
	return core.ParsePage(c.Query("limit"), c.Query("cursor"))
}
