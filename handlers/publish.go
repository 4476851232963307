package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) publish(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, _ none) (core.ItemView, error) {
		return a.Core.Publish(c.UserContext(), viewer(c), id)
	})(c)
}

func (a *api) publishPreview(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := a.Core.PreviewPublish(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (a *api) publicLetters(c *fiber.Ctx) error {
	p, err := a.page(c)
	if err != nil {
		return err
	}
	ls, next, err := a.Core.PublicLetters(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.PublicLetter]{Items: ls, NextCursor: next})
}
