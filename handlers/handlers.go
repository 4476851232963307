package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
	"hotline/repo"
)

func (a *api) listUnits(c *fiber.Ctx) error {
	units, err := a.Core.ListUnits(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(listOf[repo.Unit]{Items: units})
}

func (a *api) createUnit(c *fiber.Ctx) error {
	var in core.UnitInput
	if err := body(c, &in); err != nil {
		return err
	}
	u, err := a.Core.CreateUnit(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

func (a *api) updateUnit(c *fiber.Ctx) error {
	var in core.UnitInput
	if err := body(c, &in); err != nil {
		return err
	}
	u, err := a.Core.UpdateUnit(c.UserContext(), c.Params("code"), in)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (a *api) page(c *fiber.Ctx) (core.Page, error) {
	return core.ParsePage(c.Query("limit"), c.Query("cursor"))
}

func (a *api) listUsers(c *fiber.Ctx) error {
	p, err := a.page(c)
	if err != nil {
		return err
	}
	users, next, err := a.Core.ListUsers(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.UserView]{Items: users, NextCursor: next})
}

func (a *api) createUser(c *fiber.Ctx) error {
	var in core.UserInput
	if err := body(c, &in); err != nil {
		return err
	}
	u, err := a.Core.CreateUser(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

func (a *api) updateUser(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in core.UserInput
	if err := body(c, &in); err != nil {
		return err
	}
	u, err := a.Core.UpdateUser(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (a *api) listCategories(c *fiber.Ctx) error {
	cats, err := a.Core.ListCategories(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(listOf[repo.Category]{Items: cats})
}

func (a *api) createCategory(c *fiber.Ctx) error {
	var in core.CategoryInput
	if err := body(c, &in); err != nil {
		return err
	}
	cat, err := a.Core.CreateCategory(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(cat)
}

func (a *api) listRules(c *fiber.Ctx) error {
	rules, err := a.Core.ListRules(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.RuleView]{Items: rules})
}

func (a *api) createRule(c *fiber.Ctx) error {
	var in core.RuleInput
	if err := body(c, &in); err != nil {
		return err
	}
	r, err := a.Core.CreateRule(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (a *api) updateRule(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in core.RuleInput
	if err := body(c, &in); err != nil {
		return err
	}
	r, err := a.Core.UpdateRule(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (a *api) deleteRule(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := a.Core.DeleteRule(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *api) listSLA(c *fiber.Ctx) error {
	ps, err := a.Core.SLAPolicies(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(ps)
}

func (a *api) putSLA(c *fiber.Ctx) error {
	var in []domain.SLAPolicy
	if err := body(c, &in); err != nil {
		return err
	}
	ps, err := a.Core.PutSLAPolicies(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.JSON(ps)
}

func year(c *fiber.Ctx) (int, error) {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil {
		return 0, fieldProblem(fiber.StatusBadRequest, "year", "a year like 2026")
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

func (a *api) createCall(c *fiber.Ctx) error {
	var in core.CallInput
	if err := body(c, &in); err != nil {
		return err
	}
	it, err := a.Core.CreateCall(c.UserContext(), viewer(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(it)
}

func (a *api) createLetter(c *fiber.Ctx) error {
	var in core.LetterInput
	if err := body(c, &in); err != nil {
		return err
	}
	r, err := a.Core.CreateLetter(c.UserContext(), in)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (a *api) microblog(c *fiber.Ctx) error {
	var in core.MicroblogInput
	// the bridge may send more fields than we read: they are ignored
	if err := decodeJSON(c.Body(), &in, true); err != nil {
		return err
	}
	r, err := a.Core.MicroblogPost(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(r)
}

func (a *api) platformItem(c *fiber.Ctx) error {
	var in core.PlatformInput
	// the platform may send more fields than we read: they are ignored
	if err := decodeJSON(c.Body(), &in, true); err != nil {
		return err
	}
	it, created, err := a.Core.PlatformItem(c.UserContext(), in)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(it)
}

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

func (a *api) similar(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	items, err := a.Core.Similar(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(listOf[core.SimilarItem]{Items: items})
}

// itemAction decodes the body into in (an empty body is allowed unless
// needBody), runs fn on the item named by :id and answers with its result:
// 200 for an action, 201 for a sub-resource it created.
func itemAction[T, R any](status int, needBody bool, fn func(c *fiber.Ctx, id int64, in T) (R, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var in T
		if needBody || len(c.Body()) > 0 {
			if err := body(c, &in); err != nil {
				return err
			}
		}
		out, err := fn(c, id, in)
		if err != nil {
			return err
		}
		return c.Status(status).JSON(out)
	}
}

// none is the input of actions without a body.
type none struct{}

func (a *api) dispatch(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, true, func(c *fiber.Ctx, id int64, in core.DispatchInput) (core.ItemView, error) {
		return a.Core.Dispatch(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) accept(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, _ none) (core.ItemView, error) {
		return a.Core.Accept(c.UserContext(), viewer(c), id)
	})(c)
}

func (a *api) returnItem(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, true, func(c *fiber.Ctx, id int64, in core.ReturnInput) (core.ItemView, error) {
		return a.Core.Return(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) requestExtension(c *fiber.Ctx) error {
	return itemAction(fiber.StatusCreated, true, func(c *fiber.Ctx, id int64, in core.ExtensionInput) (core.ExtensionView, error) {
		return a.Core.RequestExtension(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) decideExtension(approve bool) fiber.Handler {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, in core.DecisionInput) (core.ItemView, error) {
		eid, err := pathID(c, "eid")
		if err != nil {
			return core.ItemView{}, err
		}
		return a.Core.DecideExtension(c.UserContext(), viewer(c), id, eid, approve, in)
	})
}

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

func (a *api) reopen(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, true, func(c *fiber.Ctx, id int64, in core.ReasonInput) (core.ItemView, error) {
		return a.Core.Reopen(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) closeItem(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, in core.DecisionInput) (core.ItemView, error) {
		return a.Core.Close(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) merge(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, true, func(c *fiber.Ctx, id int64, in core.MergeInput) (core.ItemView, error) {
		return a.Core.Merge(c.UserContext(), viewer(c), id, in)
	})(c)
}

func (a *api) publish(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, _ none) (core.ItemView, error) {
		return a.Core.Publish(c.UserContext(), viewer(c), id)
	})(c)
}

func (a *api) retryDelivery(c *fiber.Ctx) error {
	return itemAction(fiber.StatusOK, false, func(c *fiber.Ctx, id int64, _ none) (core.DeliveryView, error) {
		did, err := pathID(c, "did")
		if err != nil {
			return core.DeliveryView{}, err
		}
		return a.Core.RetryDelivery(c.UserContext(), viewer(c), id, did)
	})(c)
}

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

func (a *api) track(c *fiber.Ctx) error {
	t, err := a.Core.Track(c.UserContext(), c.Params("code"), c.Query("secret"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(t)
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
