package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Reply is a row of replies.
type Reply struct {
	ID         int64      `db:"id"`
	ItemID     int64      `db:"item_id"`
	UnitCode   string     `db:"unit_code"`
	AuthorID   int64      `db:"author_id"`
	AuthorName string     `db:"author_name"`
	Body       string     `db:"body"`
	Final      bool       `db:"final"`
	Public     bool       `db:"public"`
	Status     string     `db:"status"`
	ApprovedBy *int64     `db:"approved_by"`
	ApprovedAt *time.Time `db:"approved_at"`
	CreatedAt  time.Time  `db:"created_at"`
	// PublishedBody is the scrubbed text shown in the public letters list.
	PublishedBody *string `db:"published_body"`
}

// Counted reports whether a final reply counted as the item's answer (now or
// before a reopen): it is what the citizen was told.
func (r Reply) Counted() bool {
	return r.Final && (r.Status == "effective" || r.Status == "approved" || r.Status == "superseded")
}

const replyCols = `r.id, r.item_id, r.unit_code, r.author_id, coalesce(u.username, '') AS author_name, r.body, r.final,
	r.public, r.status, r.approved_by, r.approved_at, r.created_at, r.published_body`

// InsertReply stores a reply.
func (q *Q) InsertReply(ctx context.Context, r Reply) (Reply, error) {
	var id int64
	err := sqlxGet(ctx, q, &id, `INSERT INTO replies (item_id, unit_code, author_id, body, final, public, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		r.ItemID, r.UnitCode, r.AuthorID, r.Body, r.Final, r.Public, r.Status, r.CreatedAt)
	if err != nil {
		return Reply{}, fmt.Errorf("store reply: %w", err)
	}
	return q.GetReply(ctx, r.ItemID, id)
}

// GetReply reads one reply of an item.
func (q *Q) GetReply(ctx context.Context, itemID, id int64) (Reply, error) {
	var r Reply
	err := sqlxGet(ctx, q, &r, `SELECT `+replyCols+` FROM replies r LEFT JOIN users u ON u.id = r.author_id
		WHERE r.item_id = $1 AND r.id = $2`, itemID, id)
	return r, err
}

// SetReplyStatus changes a reply's status, recording who approved it.
func (q *Q) SetReplyStatus(ctx context.Context, id int64, status string, approvedBy *int64, at *time.Time) error {
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

// SetPublishedText stores the scrubbed text a published letter shows.
func (q *Q) SetPublishedText(ctx context.Context, itemID int64, title, content string) error {
	_, err := q.x.ExecContext(ctx, `UPDATE items SET published_title = $2, published_content = $3 WHERE id = $1`, itemID, title, content)
	if err != nil {
		return fmt.Errorf("store published letter: %w", err)
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
	err := sqlxSelect(ctx, q, &out, `SELECT `+replyCols+` FROM replies r LEFT JOIN users u ON u.id = r.author_id
		WHERE r.item_id = $1 ORDER BY r.id`, itemID)
	return out, err
}

// Extension is a row of extensions.
type Extension struct {
	ID           int64      `db:"id"`
	ItemID       int64      `db:"item_id"`
	UnitCode     string     `db:"unit_code"`
	RequestedBy  int64      `db:"requested_by"`
	Workdays     int        `db:"workdays"`
	Reason       string     `db:"reason"`
	Status       string     `db:"status"`
	DecidedBy    *int64     `db:"decided_by"`
	DecidedAt    *time.Time `db:"decided_at"`
	DecisionNote string     `db:"decision_note"`
	OldDueAt     *time.Time `db:"old_due_at"`
	NewDueAt     *time.Time `db:"new_due_at"`
	CreatedAt    time.Time  `db:"created_at"`
}

const extensionCols = `id, item_id, unit_code, requested_by, workdays, reason, status, decided_by, decided_at,
	decision_note, old_due_at, new_due_at, created_at`

// InsertExtension stores an extension request.
func (q *Q) InsertExtension(ctx context.Context, e Extension) (Extension, error) {
	var out Extension
	err := sqlxGet(ctx, q, &out, `INSERT INTO extensions (item_id, unit_code, requested_by, workdays, reason, status,
		old_due_at, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7) RETURNING `+extensionCols,
		e.ItemID, e.UnitCode, e.RequestedBy, e.Workdays, e.Reason, e.OldDueAt, e.CreatedAt)
	return out, err
}

// GetExtension reads one extension of an item.
func (q *Q) GetExtension(ctx context.Context, itemID, id int64) (Extension, error) {
	var e Extension
	err := sqlxGet(ctx, q, &e, `SELECT `+extensionCols+` FROM extensions WHERE item_id = $1 AND id = $2`, itemID, id)
	return e, err
}

// WithdrawPendingExtensions withdraws an item's waiting extension request
// (its unit no longer holds the item).
func (q *Q) WithdrawPendingExtensions(ctx context.Context, itemID int64) error {
	_, err := q.x.ExecContext(ctx, `UPDATE extensions SET status = 'withdrawn', decided_at = now()
		WHERE item_id = $1 AND status = 'pending'`, itemID)
	if err != nil {
		return fmt.Errorf("withdraw extension requests: %w", err)
	}
	return nil
}

// SaveExtensionDecision records a manager's decision.
func (q *Q) SaveExtensionDecision(ctx context.Context, e Extension) error {
	_, err := q.x.ExecContext(ctx, `UPDATE extensions SET status = $2, decided_by = $3, decided_at = $4,
		decision_note = $5, new_due_at = $6 WHERE id = $1`, e.ID, e.Status, e.DecidedBy, e.DecidedAt, e.DecisionNote, e.NewDueAt)
	if err != nil {
		return fmt.Errorf("save extension %d: %w", e.ID, err)
	}
	return nil
}

// ItemExtensions lists an item's extension requests, oldest first.
func (q *Q) ItemExtensions(ctx context.Context, itemID int64) ([]Extension, error) {
	var out []Extension
	err := sqlxSelect(ctx, q, &out, `SELECT `+extensionCols+` FROM extensions WHERE item_id = $1 ORDER BY id`, itemID)
	return out, err
}

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
	err := sqlxSelect(ctx, q, &out, `SELECT id, user_id, item_id, type, message, created_at, read_at FROM notifications
		WHERE user_id = $1 AND (NOT $2 OR read_at IS NULL) AND ($3 = 0 OR id < $3) ORDER BY id DESC LIMIT $4`,
		userID, unreadOnly, beforeID, limit)
	return out, err
}

// CountUnread counts a user's unread notices.
func (q *Q) CountUnread(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := sqlxGet(ctx, q, &n, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, userID)
	return n, err
}

// MarkNotificationRead marks one of a user's notices read.
func (q *Q) MarkNotificationRead(ctx context.Context, userID, id int64) (Notification, error) {
	var n Notification
	err := sqlxGet(ctx, q, &n, `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2
		RETURNING id, user_id, item_id, type, message, created_at, read_at`, id, userID)
	return n, err
}

// Delivery is a row of deliveries.
type Delivery struct {
	ID            int64      `db:"id"`
	ItemID        int64      `db:"item_id"`
	ReplyID       *int64     `db:"reply_id"`
	Channel       string     `db:"channel"`
	Type          string     `db:"type"`
	Recipient     string     `db:"recipient"`
	Subject       string     `db:"subject"`
	Body          string     `db:"body"`
	Extra         JSONMap    `db:"extra"`
	Status        string     `db:"status"`
	Adapter       string     `db:"adapter"`
	Attempts      int        `db:"attempts"`
	ManualRetries int        `db:"manual_retries"`
	LastError     string     `db:"last_error"`
	LeaseUntil    *time.Time `db:"lease_until"`
	NextAttemptAt time.Time  `db:"next_attempt_at"`
	CreatedAt     time.Time  `db:"created_at"`
	UpdatedAt     time.Time  `db:"updated_at"`
	SentAt        *time.Time `db:"sent_at"`
}

// JSONMap is a jsonb column of string values.
type JSONMap map[string]string

// Scan reads jsonb.
func (m *JSONMap) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case []byte:
		b = v
	case string:
		b = []byte(v)
	case nil:
		*m = nil
		return nil
	default:
		return fmt.Errorf("jsonb: unexpected %T", src)
	}
	return json.Unmarshal(b, m)
}

const deliveryCols = `id, item_id, reply_id, channel, type, recipient, subject, body, extra, status, adapter, attempts,
	manual_retries, last_error, lease_until, next_attempt_at, created_at, updated_at, sent_at`

// LeaseDelivery takes a pending delivery whose attempt is due for one sender
// until `until`; ok is false when it is no longer pending, not yet due, or
// another sender holds it.
func (q *Q) LeaseDelivery(ctx context.Context, id int64, until time.Time) (d Delivery, ok bool, err error) {
	err = sqlxGet(ctx, q, &d, `UPDATE deliveries SET lease_until = $2 WHERE id = $1 AND status = 'pending'
		AND (lease_until IS NULL OR lease_until < now()) AND next_attempt_at <= now() + interval '1 second'
		RETURNING `+deliveryCols, id, until)
	if errors.Is(err, ErrNotFound) {
		return d, false, nil
	}
	return d, err == nil, err
}

// InsertDelivery queues an outbound message.
func (q *Q) InsertDelivery(ctx context.Context, d Delivery) (Delivery, error) {
	extra, err := json.Marshal(d.Extra)
	if err != nil {
		return Delivery{}, fmt.Errorf("encode delivery extra: %w", err)
	}
	if d.Extra == nil {
		extra = []byte("{}")
	}
	var out Delivery
	err = sqlxGet(ctx, q, &out, `INSERT INTO deliveries (item_id, reply_id, channel, type, recipient, subject, body, extra, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending') RETURNING `+deliveryCols,
		d.ItemID, d.ReplyID, d.Channel, d.Type, d.Recipient, d.Subject, d.Body, extra)
	return out, err
}

// LockDelivery reads a delivery and locks its row.
func (q *Q) LockDelivery(ctx context.Context, id int64) (Delivery, error) {
	var d Delivery
	err := sqlxGet(ctx, q, &d, `SELECT `+deliveryCols+` FROM deliveries WHERE id = $1 FOR UPDATE`, id)
	return d, err
}

// GetDelivery reads a delivery of an item.
func (q *Q) GetDelivery(ctx context.Context, itemID, id int64) (Delivery, error) {
	var d Delivery
	err := sqlxGet(ctx, q, &d, `SELECT `+deliveryCols+` FROM deliveries WHERE item_id = $1 AND id = $2`, itemID, id)
	return d, err
}

// SaveDelivery writes a delivery's outcome.
func (q *Q) SaveDelivery(ctx context.Context, d Delivery) error {
	_, err := q.x.ExecContext(ctx, `UPDATE deliveries SET status = $2, adapter = $3, attempts = $4, manual_retries = $5,
		last_error = $6, sent_at = $7, next_attempt_at = $8, lease_until = NULL, updated_at = now() WHERE id = $1`,
		d.ID, d.Status, d.Adapter, d.Attempts, d.ManualRetries, d.LastError, d.SentAt, d.NextAttemptAt)
	if err != nil {
		return fmt.Errorf("save delivery %d: %w", d.ID, err)
	}
	return nil
}

// ItemDeliveries lists an item's outbound messages, oldest first.
func (q *Q) ItemDeliveries(ctx context.Context, itemID int64) ([]Delivery, error) {
	var out []Delivery
	err := sqlxSelect(ctx, q, &out, `SELECT `+deliveryCols+` FROM deliveries WHERE item_id = $1 ORDER BY id`, itemID)
	return out, err
}

// PendingDeliveries lists deliveries whose next attempt was due before
// `before` and that no sender holds.
func (q *Q) PendingDeliveries(ctx context.Context, before time.Time, limit int) ([]Delivery, error) {
	var out []Delivery
	err := sqlxSelect(ctx, q, &out, `SELECT `+deliveryCols+` FROM deliveries WHERE status = 'pending'
		AND next_attempt_at < $1 AND (lease_until IS NULL OR lease_until < now()) ORDER BY next_attempt_at LIMIT $2`, before, limit)
	return out, err
}

// Rating is a row of ratings.
type Rating struct {
	ID           int64     `db:"id"`
	ItemID       int64     `db:"item_id"`
	Source       string    `db:"source"`
	Method       string    `db:"method"`
	Satisfaction string    `db:"satisfaction"`
	Stars        *int      `db:"stars"`
	Resolved     bool      `db:"resolved"`
	Comment      string    `db:"comment"`
	OperatorID   *int64    `db:"operator_id"`
	CreatedAt    time.Time `db:"created_at"`
}

const ratingCols = `id, item_id, source, method, satisfaction, stars, resolved, comment, operator_id, created_at`

// InsertRating stores a rating.
func (q *Q) InsertRating(ctx context.Context, r Rating) (Rating, error) {
	var out Rating
	err := sqlxGet(ctx, q, &out, `INSERT INTO ratings (item_id, source, method, satisfaction, stars, resolved, comment,
		operator_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+ratingCols,
		r.ItemID, r.Source, r.Method, r.Satisfaction, r.Stars, r.Resolved, r.Comment, r.OperatorID, r.CreatedAt)
	return out, err
}

// ItemRatings lists an item's ratings, oldest first; the last one counts.
func (q *Q) ItemRatings(ctx context.Context, itemID int64) ([]Rating, error) {
	var out []Rating
	err := sqlxSelect(ctx, q, &out, `SELECT `+ratingCols+` FROM ratings WHERE item_id = $1 ORDER BY created_at, id`, itemID)
	return out, err
}

// RatingLink is a row of rating_links.
type RatingLink struct {
	TokenHash []byte     `db:"token_hash"`
	ItemID    int64      `db:"item_id"`
	CreatedAt time.Time  `db:"created_at"`
	ExpiresAt time.Time  `db:"expires_at"`
	UsedAt    *time.Time `db:"used_at"`
}

// InsertRatingLink stores a rating link under the hash of its token.
func (q *Q) InsertRatingLink(ctx context.Context, l RatingLink) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO rating_links (token_hash, item_id, expires_at) VALUES ($1, $2, $3)`,
		l.TokenHash, l.ItemID, l.ExpiresAt)
	if err != nil {
		return fmt.Errorf("store rating link: %w", err)
	}
	return nil
}

// LockRatingLink reads a rating link and locks it.
func (q *Q) LockRatingLink(ctx context.Context, hash []byte) (RatingLink, error) {
	var l RatingLink
	err := sqlxGet(ctx, q, &l, `SELECT token_hash, item_id, created_at, expires_at, used_at FROM rating_links
		WHERE token_hash = $1 FOR UPDATE`, hash)
	return l, err
}

// UseRatingLink marks a link used.
func (q *Q) UseRatingLink(ctx context.Context, hash []byte, at time.Time) error {
	_, err := q.x.ExecContext(ctx, `UPDATE rating_links SET used_at = $2 WHERE token_hash = $1`, hash, at)
	if err != nil {
		return fmt.Errorf("use rating link: %w", err)
	}
	return nil
}

// Audit records a read of personal data of some items.
func (q *Q) Audit(ctx context.Context, userID int64, username, action string, itemIDs []int64, detail string) error {
	var itemID *int64
	if len(itemIDs) == 1 {
		itemID = &itemIDs[0]
	}
	_, err := q.x.ExecContext(ctx, `INSERT INTO audit_log (user_id, username, action, item_id, item_ids, detail)
		VALUES ($1, $2, $3, $4, $5, $6)`, userID, username, action, itemID, pq.Array(itemIDs), detail)
	if err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

// SetItemSecret replaces the hash of an item's tracking secret.
func (q *Q) SetItemSecret(ctx context.Context, itemID int64, hash []byte) error {
	_, err := q.x.ExecContext(ctx, `UPDATE items SET secret_hash = $2 WHERE id = $1`, itemID, hash)
	if err != nil {
		return fmt.Errorf("set item secret: %w", err)
	}
	return nil
}

// DueDeadline is an item whose deadline check has come due.
type DueDeadline struct {
	ItemID int64  `db:"item_id"`
	Check  string `db:"check_name"`
}

// DueDeadlines finds deadline checks that have come due and were not done:
// reminders, overdue items, late sign-fors, and answered items whose rating
// window ended before closeBefore.
func (q *Q) DueDeadlines(ctx context.Context, now, closeBefore time.Time, limit int) ([]DueDeadline, error) {
	var out []DueDeadline
	err := sqlxSelect(ctx, q, &out, `
		(SELECT id AS item_id, 'overdue' AS check_name FROM items
			WHERE status IN ('dispatched', 'accepted') AND NOT overdue AND due_at <= $1 ORDER BY due_at LIMIT $3)
		UNION ALL
		(SELECT id, 'remind' FROM items
			WHERE status IN ('dispatched', 'accepted') AND reminded_at IS NULL AND NOT overdue AND remind_at <= $1
			ORDER BY remind_at LIMIT $3)
		UNION ALL
		(SELECT a.item_id, 'accept_late' FROM assignments a JOIN items i ON i.id = a.item_id
			WHERE a.role = 'primary' AND a.status = 'assigned' AND NOT a.accept_late AND a.accept_due_at <= $1
				AND i.status = 'dispatched' ORDER BY a.accept_due_at LIMIT $3)
		UNION ALL
		(SELECT id, 'close' FROM items WHERE status IN ('replied', 'answered') AND replied_at <= $2
			ORDER BY replied_at LIMIT $3)`, now, closeBefore, limit)
	return out, err
}

// AuditEntry is a row of audit_log.
type AuditEntry struct {
	ID       int64         `db:"id" json:"id"`
	At       time.Time     `db:"at" json:"at"`
	UserID   *int64        `db:"user_id" json:"user_id"`
	Username string        `db:"username" json:"username"`
	Action   string        `db:"action" json:"action"`
	ItemID   *int64        `db:"item_id" json:"item_id"`
	ItemIDs  pq.Int64Array `db:"item_ids" json:"item_ids"`
	Detail   string        `db:"detail" json:"detail"`
}

// ListAudit returns audit entries, newest first, before the cursor id,
// optionally those naming one item (alone or in a list).
func (q *Q) ListAudit(ctx context.Context, itemID, beforeID int64, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := sqlxSelect(ctx, q, &out, `SELECT id, at, user_id, username, action, item_id, item_ids, detail FROM audit_log
		WHERE ($1 = 0 OR item_ids @> ARRAY[$1]::bigint[])
			AND ($2 = 0 OR id < $2)
		ORDER BY id DESC LIMIT $3`, itemID, beforeID, limit)
	return out, err
}
