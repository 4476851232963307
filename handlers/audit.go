package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/repo"
)

func (a *api) auditLog(c *fiber.Ctx) error {
	p, err := a.page(c)
	if err != nil {
		return err
	}
	f := core.AuditQuery{Kind: c.Query("kind"), Action: c.Query("action"), Actor: c.Query("actor")}
	if v := c.Query("item_id"); v != "" {
		if f.ItemID, err = strconv.ParseInt(v, 10, 64); err != nil || f.ItemID <= 0 {
			return fieldProblem(fiber.StatusBadRequest, "item_id", "a positive whole number")
		}
	}
	loc := a.Core.Location()
	if f.From, err = queryTime(c, "from", loc); err != nil {
		return err
	}
	if f.To, err = queryTime(c, "to", loc); err != nil {
		return err
	}
	rows, next, err := a.Core.AuditLog(c.UserContext(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf[repo.AuditEntry]{Items: rows, NextCursor: next})
}
