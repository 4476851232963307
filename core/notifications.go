package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// notifyUnit tells a unit's staff (or only its heads) about an item.
func (c *Core) notifyUnit(ctx context.Context, q *repo.Q, unit string, headsOnly bool, itemID int64, typ, msg string) error {
	ids, err := q.UnitUserIDs(ctx, unit, headsOnly)
	if err != nil {
		return err
	}
	return q.Notify(ctx, ids, &itemID, typ, msg)
}

// NotificationView is a notice to a user.
type NotificationView struct {
	ID        int64      `json:"id"`
	ItemID    *int64     `json:"item_id"`
	Type      string     `json:"type"`
	Message   string     `json:"message"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

func (c *Core) notificationView(n repo.Notification) NotificationView {
	return NotificationView{ID: n.ID, ItemID: n.ItemID, Type: n.Type, Message: n.Message,
		CreatedAt: n.CreatedAt.In(c.set.Location), ReadAt: c.tm(n.ReadAt)}
}

// Notifications lists the viewer's notices, newest first.
func (c *Core) Notifications(ctx context.Context, v domain.Viewer, unreadOnly bool, page Page) ([]NotificationView, *string, int64, error) {
	q := c.store.Q()
	rows, err := q.ListNotifications(ctx, v.ID, unreadOnly, page.After, page.Limit+1)
	if err != nil {
		return nil, nil, 0, err
	}
	unread, err := q.CountUnread(ctx, v.ID)
	if err != nil {
		return nil, nil, 0, err
	}
	out := make([]NotificationView, 0, len(rows))
	for _, n := range rows {
		out = append(out, c.notificationView(n))
	}
	next := page.next(len(out), func() int64 { return out[page.Limit-1].ID })
	if len(out) > page.Limit {
		out = out[:page.Limit]
	}
	return out, next, unread, nil
}

// MarkNotificationRead marks one of the viewer's notices read.
func (c *Core) MarkNotificationRead(ctx context.Context, v domain.Viewer, id int64) (NotificationView, error) {
	n, err := c.store.Q().MarkNotificationRead(ctx, v.ID, id)
	if errors.Is(err, repo.ErrNotFound) {
		return NotificationView{}, fmt.Errorf("notification %d: %w", id, domain.ErrNotFound)
	}
	return c.notificationView(n), err
}
