package repo

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// AuditEvent is one row to append to audit_log: a read of personal data or a
// security event.
type AuditEvent struct {
	Kind     string // data_access, auth, access_denied or admin
	Action   string // what happened: phone_viewed, login, login_failed …
	UserID   *int64 // the acting account, when known
	Username string // the acting account's name, or the name tried
	ClientIP string
	Target   string // what the event concerned (an account, a unit, a route)
	Outcome  string // success or failure
	ItemIDs  []int64
	Detail   string
	// SampleKey, when set, makes the row one of a kind: a second event with
	// the same key is dropped (the middleware bounds floods with it).
	SampleKey string
}

// AppendAudit writes an audit row; an event whose SampleKey was written
// already is dropped.
func (q *Q) AppendAudit(ctx context.Context, e AuditEvent) error {
	var itemID *int64
	if len(e.ItemIDs) == 1 {
		itemID = &e.ItemIDs[0]
	}
	if e.ItemIDs == nil {
		e.ItemIDs = []int64{}
	}
	if e.Outcome == "" {
		e.Outcome = "success"
	}
	var sample *string
	if e.SampleKey != "" {
		sample = &e.SampleKey
	}
	_, err := q.x.ExecContext(ctx, `INSERT INTO audit_log (kind, action, user_id, username, client_ip, target, outcome,
			item_id, item_ids, detail, sample_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (sample_key) WHERE sample_key IS NOT NULL DO NOTHING`,
		e.Kind, e.Action, e.UserID, e.Username, e.ClientIP, e.Target, e.Outcome, itemID, pq.Array(e.ItemIDs), e.Detail, sample)
	if err != nil {
		return fmt.Errorf("write audit log (%s): %w", e.Action, err)
	}
	return nil
}

// Audit records a read of personal data of some items.
func (q *Q) Audit(ctx context.Context, userID int64, username, action string, itemIDs []int64, detail string) error {
	return q.AppendAudit(ctx, AuditEvent{Kind: "data_access", Action: action, UserID: &userID, Username: username,
		ItemIDs: itemIDs, Detail: detail})
}

// AuditEntry is a row of audit_log.
type AuditEntry struct {
	ID       int64         `db:"id" json:"id"`
	At       time.Time     `db:"at" json:"at"`
	Kind     string        `db:"kind" json:"kind"`
	Action   string        `db:"action" json:"action"`
	UserID   *int64        `db:"user_id" json:"user_id"`
	Username string        `db:"username" json:"username"`
	ClientIP string        `db:"client_ip" json:"client_ip"`
	Target   string        `db:"target" json:"target"`
	Outcome  string        `db:"outcome" json:"outcome"`
	ItemID   *int64        `db:"item_id" json:"item_id"`
	ItemIDs  pq.Int64Array `db:"item_ids" json:"item_ids"`
	Detail   string        `db:"detail" json:"detail"`
}

// AuditFilter selects audit rows; zero fields do not filter.
type AuditFilter struct {
	ItemID   int64
	Kind     string
	Action   string
	Username string
	From, To *time.Time
	BeforeID int64
	Limit    int
}

// ListAudit returns audit entries, newest first, before the cursor id,
// filtered by item (alone or in a list), kind, action, acting account and
// time (from inclusive, to exclusive).
func (q *Q) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	out := []AuditEntry{}
	err := sqlxSelect(ctx, q, "list audit", &out, `SELECT id, at, kind, action, user_id, username, client_ip, target, outcome,
			item_id, item_ids, detail
		FROM audit_log
		WHERE ($1 = 0 OR item_ids @> ARRAY[$1]::bigint[])
			AND ($2 = '' OR kind = $2)
			AND ($3 = '' OR action = $3)
			AND ($4 = '' OR lower(username) = lower($4))
			AND ($5::timestamptz IS NULL OR at >= $5)
			AND ($6::timestamptz IS NULL OR at < $6)
			AND ($7 = 0 OR id < $7)
		ORDER BY id DESC LIMIT $8`, f.ItemID, f.Kind, f.Action, f.Username, f.From, f.To, f.BeforeID, f.Limit)
	return out, err
}
