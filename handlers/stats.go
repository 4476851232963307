package handlers

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/report"
)

func statsQuery(c *fiber.Ctx) (core.StatsQuery, error) {
	q := core.StatsQuery{From: c.Query("from"), To: c.Query("to"), UnitCode: c.Query("unit_code"),
		Channel: c.Query("channel"), Kind: c.Query("kind"), Category: c.Query("category_code")}
	if g := c.Query("group_by"); g != "" {
		q.GroupBy = strings.Split(g, ",")
	}
	cmp, err := queryBool(c, "compare")
	if err != nil {
		return q, err
	}
	q.Compare = cmp != nil && *cmp
	return q, nil
}

func (a *api) stats(c *fiber.Ctx) error {
	q, err := statsQuery(c)
	if err != nil {
		return err
	}
	res, err := a.Core.Stats(c.UserContext(), viewer(c), q)
	if err != nil {
		return err
	}
	body, err := res.AppendJSON(make([]byte, 0, 512+480*len(res.Rows)))
	if err != nil {
		return fmt.Errorf("encode statistics: %w", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(body)
}

func (a *api) export(c *fiber.Ctx) error {
	q, err := statsQuery(c)
	if err != nil {
		return err
	}
	format := c.Query("format", "csv")
	if format != "csv" && format != "xlsx" {
		return fieldProblem(fiber.StatusBadRequest, "format", "csv or xlsx")
	}
	t, err := a.Core.ExportTable(c.UserContext(), viewer(c), q)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	name := fmt.Sprintf("hotline-stats-%s", strings.ReplaceAll(t.Title[len("统计 "):], " 至 ", "_"))
	if format == "csv" {
		err = report.WriteCSV(&buf, t)
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	} else {
		err = report.WriteXLSX(&buf, t)
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	if err != nil {
		return fmt.Errorf("render export: %w", err)
	}
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
	return c.Send(buf.Bytes())
}

func (a *api) ranking(c *fiber.Ctx) error {
	q, err := statsQuery(c)
	if err != nil {
		return err
	}
	minItems := int64(10)
	if v := c.Query("min_items"); v != "" {
		if minItems, err = strconv.ParseInt(v, 10, 64); err != nil {
			return fieldProblem(fiber.StatusBadRequest, "min_items", "a whole number")
		}
	}
	r, err := a.Core.Rank(c.UserContext(), viewer(c), q, c.Query("by"), minItems)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (a *api) trend(c *fiber.Ctx) error {
	q, err := statsQuery(c)
	if err != nil {
		return err
	}
	t, err := a.Core.Trend(c.UserContext(), viewer(c), q, c.Query("interval"))
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (a *api) annual(c *fiber.Ctx) error {
	y := a.Core.Now().Year() - 1
	if v := c.Query("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fieldProblem(fiber.StatusBadRequest, "year", "a year like 2025")
		}
		y = n
	}
	r, err := a.Core.Annual(c.UserContext(), viewer(c), y)
	if err != nil {
		return err
	}
	return c.JSON(r)
}
