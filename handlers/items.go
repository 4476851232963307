package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

func (a *api) listItems(c *fiber.Ctx) error {
	p, err := a.page(c)
	if err != nil {
		return err
	}
	f := core.ItemQuery{Status: c.Query("status"), UnitCode: c.Query("unit_code"), Channel: c.Query("channel"),
		Kind: c.Query("kind"), CategoryCode: c.Query("category_code"), Q: strings.TrimSpace(c.Query("q"))}
	if f.Overdue, err = queryBool(c, "overdue"); err != nil {
		return err
	}
	if f.VisitDue, err = queryBool(c, "visit_due"); err != nil {
		return err
	}
	loc := a.Core.Location()
	if f.From, err = queryTime(c, "from", loc); err != nil {
		return err
	}
	if f.To, err = queryTime(c, "to", loc); err != nil {
		return err
	}
	items, next, err := a.Core.ListItems(c.UserContext(), viewer(c), f, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.ItemView]{Items: items, NextCursor: next})
}

func (a *api) getItem(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := a.Core.GetItem(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}
