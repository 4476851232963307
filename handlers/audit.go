package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline/repo"
)

func (a *api) auditLog(c *fiber.Ctx) error {
	p, err := a.page(c)
	if err != nil {
		return err
	}
	var itemID int64
	if v := c.Query("item_id"); v != "" {
		if itemID, err = strconv.ParseInt(v, 10, 64); err != nil || itemID <= 0 {
			return fieldProblem(fiber.StatusBadRequest, "item_id", "a positive whole number")
		}
	}
	rows, next, err := a.Core.AuditLog(c.UserContext(), itemID, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf[repo.AuditEntry]{Items: rows, NextCursor: next})
}
