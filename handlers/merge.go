package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) similar(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	items, err := a.Core.Similar(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.SimilarItem]{Items: items})
}

func (a *api) merge(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, true, func(c *fiber.Ctx, id int64, in core.MergeInput) (core.ItemView, error) {
		return a.Core.Merge(c.UserContext(), viewer(c), id, in)
	})(c)
}
