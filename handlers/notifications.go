package handlers

import (
	"github.com/gofiber/fiber/v2"
)

func (a *api) notifications(c *fiber.Ctx) error {
	p, err := a.page(c)
	if err != nil {
		return err
	}
	unread, err := queryBool(c, "unread")
	if err != nil {
		return err
	}
	ns, next, count, err := a.Core.Notifications(c.UserContext(), viewer(c), unread != nil && *unread, p)
	if err != nil {
		return err
	}
	return c.JSON(notificationList{Items: ns, NextCursor: next, Unread: count})
}

func (a *api) readNotification(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	n, err := a.Core.MarkNotificationRead(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(n)
}
