package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"hotline/domain"
)

// Delivery is a row of deliveries.
type Delivery struct {
	ID            int64                 `db:"id"`
	ItemID        int64                 `db:"item_id"`
	ReplyID       *int64                `db:"reply_id"`
	Channel       string                `db:"channel"`
	Type          string                `db:"type"`
	Recipient     string                `db:"recipient"`
	Subject       string                `db:"subject"`
	Body          string                `db:"body"`
	Extra         JSONMap               `db:"extra"`
	Status        domain.DeliveryStatus `db:"status"`
	Adapter       string                `db:"adapter"`
	Attempts      int                   `db:"attempts"`
	ManualRetries int                   `db:"manual_retries"`
	LastError     string                `db:"last_error"`
	LeaseUntil    *time.Time            `db:"lease_until"`
	NextAttemptAt time.Time             `db:"next_attempt_at"`
	CreatedAt     time.Time             `db:"created_at"`
	UpdatedAt     time.Time             `db:"updated_at"`
	SentAt        *time.Time            `db:"sent_at"`
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
	err = sqlxGet(ctx, q, "lease delivery", &d, `UPDATE deliveries SET lease_until = $2 WHERE id = $1 AND status = 'pending'
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
	err = sqlxGet(ctx, q, "insert delivery", &out, `INSERT INTO deliveries (item_id, reply_id, channel, type, recipient, subject, body, extra, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending') RETURNING `+deliveryCols,
		d.ItemID, d.ReplyID, d.Channel, d.Type, d.Recipient, d.Subject, d.Body, string(extra)) // jsonb as text: see binary_parameters in conn.go
	return out, err
}

// LockDelivery reads a delivery and locks its row.
func (q *Q) LockDelivery(ctx context.Context, id int64) (Delivery, error) {
	var d Delivery
	err := sqlxGet(ctx, q, "lock delivery", &d, `SELECT `+deliveryCols+` FROM deliveries WHERE id = $1 FOR UPDATE`, id)
	return d, err
}

// GetDelivery reads a delivery of an item.
func (q *Q) GetDelivery(ctx context.Context, itemID, id int64) (Delivery, error) {
	var d Delivery
	err := sqlxGet(ctx, q, "get delivery", &d, `SELECT `+deliveryCols+` FROM deliveries WHERE item_id = $1 AND id = $2`, itemID, id)
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
	err := sqlxSelect(ctx, q, "read item deliveries", &out, `SELECT `+deliveryCols+` FROM deliveries WHERE item_id = $1 ORDER BY id`, itemID)
	return out, err
}

// PendingDeliveries lists deliveries whose next attempt was due before
// `before` and that no sender holds.
func (q *Q) PendingDeliveries(ctx context.Context, before time.Time, limit int) ([]Delivery, error) {
	var out []Delivery
	err := sqlxSelect(ctx, q, "read pending deliveries", &out, `SELECT `+deliveryCols+` FROM deliveries WHERE status = 'pending'
		AND next_attempt_at < $1 AND (lease_until IS NULL OR lease_until < now()) ORDER BY next_attempt_at LIMIT $2`, before, limit)
	return out, err
}
