package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
)

// queryInt reads an optional whole-number query parameter (0 when absent).
func queryInt(c *fiber.Ctx, name string) (int, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fieldProblem(fiber.StatusBadRequest, name, "a whole number")
	}
	return n, nil
}

func (a *api) listKBArticles(c *fiber.Ctx) error {
	p, err := a.page(c)
	if err != nil {
		return err
	}
	f := core.KBListQuery{Status: c.Query("status"), CategoryCode: c.Query("category_code"), OwnerUnitCode: c.Query("owner_unit_code")}
	items, next, err := a.Core.ListKBArticles(c.UserContext(), viewer(c), f, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.KBArticleView]{Items: items, NextCursor: next})
}

func (a *api) createKBArticle(c *fiber.Ctx) error {
	var in core.KBArticleInput
	if err := body(c, &in); err != nil {
		return err
	}
	art, err := a.Core.CreateKBArticle(c.UserContext(), viewer(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(art)
}

func (a *api) getKBArticle(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	art, err := a.Core.KBArticle(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(art)
}

func (a *api) updateKBArticle(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in core.KBArticleInput
	if err := body(c, &in); err != nil {
		return err
	}
	art, err := a.Core.UpdateKBArticle(c.UserContext(), viewer(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(art)
}

func (a *api) kbRevisions(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	revs, err := a.Core.KBRevisions(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.KBRevisionView]{Items: revs})
}

func (a *api) searchKB(c *fiber.Ctx) error {
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	res, err := a.Core.SearchKB(c.UserContext(), viewer(c), c.Query("q"), limit)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (a *api) listKBSynonyms(c *fiber.Ctx) error {
	syn, err := a.Core.ListKBSynonyms(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.KBSynonymView]{Items: syn})
}

func (a *api) createKBSynonym(c *fiber.Ctx) error {
	var in core.KBSynonymInput
	if err := body(c, &in); err != nil {
		return err
	}
	s, err := a.Core.CreateKBSynonym(c.UserContext(), viewer(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s)
}

func (a *api) deleteKBSynonym(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := a.Core.DeleteKBSynonym(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *api) kbStats(c *fiber.Ctx) error {
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	s, err := a.Core.KBStatistics(c.UserContext(), core.KBStatsQuery{From: c.Query("from"), To: c.Query("to"), Limit: limit})
	if err != nil {
		return err
	}
	return c.JSON(s)
}
