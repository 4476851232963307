package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

func year(c *fiber.Ctx) (int, error) {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil {
		return 0, fieldProblem(fiber.StatusBadRequest, "year", "a year like 2026")
	}
	if !domain.YearInRange(y) {
		return 0, fieldProblem(fiber.StatusUnprocessableEntity, "year", "a year "+domain.TimeRangeMessage)
	}
	return y, nil
}

func (a *api) getCalendar(c *fiber.Ctx) error {
	y, err := year(c)
	if err != nil {
		return err
	}
	cal, err := a.Core.GetCalendarYear(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(cal)
}

func (a *api) putCalendar(c *fiber.Ctx) error {
	y, err := year(c)
	if err != nil {
		return err
	}
	var in core.CalendarYear
	if err := body(c, &in); err != nil {
		return err
	}
	cal, err := a.Core.PutCalendarYear(c.UserContext(), y, in)
	if err != nil {
		return err
	}
	return c.JSON(cal)
}
