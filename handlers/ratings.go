package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) visit(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.VisitInput) (core.RatingView, error) {
		return a.Core.RecordVisit(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) ratingLink(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return itemAction(fiber.StatusCreated, false, func(c *fiber.Ctx, id int64, _ none) (core.RatingLinkView, error) {
		return a.Core.CreateRatingLink(c.UserContext(), viewer(c), id)
	})(c)
}

func (a *api) rate(c *fiber.Ctx) error {
	var in core.RatingInput
	if err := body(c, &in); err != nil {
		return err
	}
	r, err := a.Core.RateByLink(c.UserContext(), c.Params("token"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}
