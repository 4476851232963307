package web

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

// unread counts the viewer's unread notifications for the badge.
func (w *Web) unread(c *fiber.Ctx, r *request) (int64, error) {
	_, _, n, err := w.Core.Notifications(c.UserContext(), r.viewer, true, core.Page{Limit: 1})
	if err != nil {
		return 0, fmt.Errorf("count notifications: %w", err)
	}
	return n, nil
}

type notificationsPage struct {
	Rows    []core.NotificationView
	Unread  int64
	NextURL string
	Only    bool // unread only
	Done    bool
}

// notifications is /console/notifications: the viewer's notices, newest
// first (?unread=1 for the unread ones), each with its item and 标记已读.
func (w *Web) notifications(c *fiber.Ctx, r *request) error {
	page, err := core.ParsePage("", c.Query("cursor"))
	if err != nil {
		page = core.Page{Limit: 50}
	}
	p := notificationsPage{Only: c.Query("unread") == "1", Done: c.Query("done") == "read"}
	rows, next, unread, err := w.Core.Notifications(c.UserContext(), r.viewer, p.Only, page)
	if err != nil {
		return err
	}
	p.Rows, p.Unread = rows, unread
	if next != nil {
		p.NextURL = "/console/notifications?cursor=" + *next
		if p.Only {
			p.NextURL += "&unread=1"
		}
	}
	return w.render(c, r, fiber.StatusOK, "notifications", "通知", p)
}

// notificationBadge is the badge alone, which the layout refreshes.
func (w *Web) notificationBadge(c *fiber.Ctx, r *request) error {
	n, err := w.unread(c, r)
	if err != nil {
		return err
	}
	t := w.pages["notifications"]
	return w.execute(c, t, fiber.StatusOK, "badge", view{Viewer: r.viewer, SignedIn: true, Unread: n})
}

// readNotification marks one of the viewer's notices read and goes back to
// the list, or on to its item (?open=1).
func (w *Web) readNotification(c *fiber.Ctx, r *request) error {
	id, err := strconv.ParseInt(c.Params("nid"), 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("notification %q: %w", c.Params("nid"), domain.ErrNotFound)
	}
	n, err := w.Core.MarkNotificationRead(c.UserContext(), r.viewer, id)
	if err != nil {
		return err
	}
	if c.FormValue("open") == "1" && n.ItemID != nil {
		return c.Redirect(fmt.Sprintf("/console/items/%d", *n.ItemID), fiber.StatusSeeOther)
	}
	return c.Redirect("/console/notifications?done=read", fiber.StatusSeeOther)
}
