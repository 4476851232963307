package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) reply(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.ReplyInput) (core.ReplyView, error) {
		return a.Core.Reply(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) approveReply(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, _ none) (core.ItemView, error) {
		rid, err := pathID(c, "rid")
		if err != nil {
			return core.ItemView{}, err
		}
		return a.Core.ApproveReply(c.UserContext(), viewer(c), id, rid)
	})(c)
}
