package repo

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Notification is a row of notifications.
type Notification struct {
	ID        int64      `db:"id"`
	UserID    int64      `db:"user_id"`
	ItemID    *int64     `db:"item_id"`
	Type      string     `db:"type"`
	Message   string     `db:"message"`
	CreatedAt time.Time  `db:"created_at"`
	ReadAt    *time.Time `db:"read_at"`
}

// Notify stores one notice for each user; a notice already given (same user,
// item, type and text) is not repeated.
func (q *Q) Notify(ctx context.Context, userIDs []int64, itemID *int64, typ, message string) error {
	if len(userIDs) == 0 {
		return nil
	}
	_, err := q.x.ExecContext(ctx, `INSERT INTO notifications (user_id, item_id, type, message)
		SELECT unnest($1::bigint[]), $2, $3, $4 ON CONFLICT DO NOTHING`, pq.Array(userIDs), itemID, typ, message)
	if err != nil {
		return fmt.Errorf("store notifications: %w", err)
	}
	return nil
}

// ListNotifications returns a user's notices, newest first, before the cursor.
func (q *Q) ListNotifications(ctx context.Context, userID int64, unreadOnly bool, beforeID int64, limit int) ([]Notification, error) {
	var out []Notification
	err := sqlxSelect(ctx, q, "list notifications", &out, `SELECT id, user_id, item_id, type, message, created_at, read_at FROM notifications
		WHERE user_id = $1 AND (NOT $2 OR read_at IS NULL) AND ($3 = 0 OR id < $3) ORDER BY id DESC LIMIT $4`,
		userID, unreadOnly, beforeID, limit)
	return out, err
}

// CountUnread counts a user's unread notices.
func (q *Q) CountUnread(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := sqlxGet(ctx, q, "count unread", &n, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, userID)
	return n, err
}

// MarkNotificationRead marks one of a user's notices read.
func (q *Q) MarkNotificationRead(ctx context.Context, userID, id int64) (Notification, error) {
	var n Notification
	err := sqlxGet(ctx, q, "mark notification read", &n, `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2
		RETURNING id, user_id, item_id, type, message, created_at, read_at`, id, userID)
	return n, err
}
