package handlers

import (
	"github.com/gofiber/fiber/v2"
)

func (a *api) track(c *fiber.Ctx) error {
	t, err := a.Core.Track(c.UserContext(), c.Params("code"), trackingSecret(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(t)
}
