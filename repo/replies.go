package repo

import (
	"context"
	"fmt"
	"time"

	"hotline/domain"
)

// Reply is a row of replies.
type Reply struct {
	ID         int64              `db:"id"`
	ItemID     int64              `db:"item_id"`
	UnitCode   string             `db:"unit_code"`
	AuthorID   int64              `db:"author_id"`
	AuthorName string             `db:"author_name"`
	Body       string             `db:"body"`
	Final      bool               `db:"final"`
	Public     bool               `db:"public"`
	Status     domain.ReplyStatus `db:"status"`
	ApprovedBy *int64             `db:"approved_by"`
	ApprovedAt *time.Time         `db:"approved_at"`
	CreatedAt  time.Time          `db:"created_at"`
	// PublishedBody is the scrubbed text shown in the public letters list.
	PublishedBody *string `db:"published_body"`
}

// Counted reports whether a final reply counted as the item's answer (now or
// before a reopen): it is what the citizen was told.
func (r Reply) Counted() bool {
	return r.Final && r.Status.Counted()
}

const replyCols = `r.id, r.item_id, r.unit_code, r.author_id, coalesce(u.username, '') AS author_name, r.body, r.final,
	r.public, r.status, r.approved_by, r.approved_at, r.created_at, r.published_body`

// InsertReply stores a reply.
func (q *Q) InsertReply(ctx context.Context, r Reply) (Reply, error) {
	var id int64
	err := sqlxGet(ctx, q, "insert reply", &id, `INSERT INTO replies (item_id, unit_code, author_id, body, final, public, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		r.ItemID, r.UnitCode, r.AuthorID, r.Body, r.Final, r.Public, r.Status, r.CreatedAt)
	if err != nil {
		return Reply{}, fmt.Errorf("store reply: %w", err)
	}
	q.created(ctx, "reply", id)
	return q.GetReply(ctx, r.ItemID, id)
}

// GetReply reads one reply of an item.
func (q *Q) GetReply(ctx context.Context, itemID, id int64) (Reply, error) {
	var r Reply
	err := sqlxGet(ctx, q, "get reply", &r, `SELECT `+replyCols+` FROM replies r LEFT JOIN users u ON u.id = r.author_id
		WHERE r.item_id = $1 AND r.id = $2`, itemID, id)
	return r, err
}

// SetReplyStatus changes a reply's status, recording who approved it.
func (q *Q) SetReplyStatus(ctx context.Context, id int64, status domain.ReplyStatus, approvedBy *int64, at *time.Time) error {
	_, err := q.x.ExecContext(ctx, `UPDATE replies SET status = $2, approved_by = coalesce($3, approved_by),
		approved_at = coalesce($4, approved_at) WHERE id = $1`, id, status, approvedBy, at)
	if err != nil {
		return fmt.Errorf("update reply %d: %w", id, err)
	}
	return nil
}

// ReplaceFinalReplies makes keepID the item's only final reply that counts:
// earlier ones that counted become superseded (history the citizen has
// seen), drafts that never counted become discarded.
func (q *Q) ReplaceFinalReplies(ctx context.Context, itemID, keepID int64) error {
	_, err := q.x.ExecContext(ctx, `UPDATE replies SET status = CASE WHEN status = 'pending' THEN 'discarded' ELSE 'superseded' END
		WHERE item_id = $1 AND final AND id <> $2 AND status IN ('pending', 'approved', 'effective')`, itemID, keepID)
	if err != nil {
		return fmt.Errorf("replace final replies: %w", err)
	}
	return nil
}

// DiscardPendingReplies discards the drafts waiting for approval (the unit
// gave the item back).
func (q *Q) DiscardPendingReplies(ctx context.Context, itemID int64) error {
	_, err := q.x.ExecContext(ctx, `UPDATE replies SET status = 'discarded' WHERE item_id = $1 AND status = 'pending'`, itemID)
	if err != nil {
		return fmt.Errorf("discard draft replies: %w", err)
	}
	return nil
}

// SetPublishedReply stores the scrubbed text of a published reply.
func (q *Q) SetPublishedReply(ctx context.Context, replyID int64, body string) error {
	_, err := q.x.ExecContext(ctx, `UPDATE replies SET published_body = $2 WHERE id = $1`, replyID, body)
	if err != nil {
		return fmt.Errorf("store published reply: %w", err)
	}
	return nil
}

// ItemReplies lists an item's replies, oldest first.
func (q *Q) ItemReplies(ctx context.Context, itemID int64) ([]Reply, error) {
	var out []Reply
	err := sqlxSelect(ctx, q, "read item replies", &out, `SELECT `+replyCols+` FROM replies r LEFT JOIN users u ON u.id = r.author_id
		WHERE r.item_id = $1 ORDER BY r.id`, itemID)
	return out, err
}
