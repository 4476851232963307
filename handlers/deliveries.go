package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) retryDelivery(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, _ none) (core.DeliveryView, error) {
		did, err := pathID(c, "did")
		if err != nil {
			return core.DeliveryView{}, err
		}
		return a.Core.RetryDelivery(c.UserContext(), viewer(c), id, did)
	})(c)
}
