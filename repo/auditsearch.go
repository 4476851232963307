package repo

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// AuditFilter narrows the audit log.
type AuditFilter struct {
	Username string // exact, any case
	Action   string
	ItemID   int64 // entries naming the item, alone or in a list
	From, To *time.Time
	BeforeID int64 // cursor: entries with a smaller id
	Limit    int
}

// SearchAudit returns audit entries matching the filter, newest first.
func (q *Q) SearchAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Username != "" {
		where = append(where, "lower(username) = lower("+arg(f.Username)+")")
	}
	if f.Action != "" {
		where = append(where, "action = "+arg(f.Action))
	}
	if f.ItemID > 0 {
		where = append(where, "item_ids @> ARRAY["+arg(f.ItemID)+"]::bigint[]")
	}
	if f.From != nil {
		where = append(where, "at >= "+arg(*f.From))
	}
	if f.To != nil {
		where = append(where, "at < "+arg(*f.To))
	}
	if f.BeforeID > 0 {
		where = append(where, "id < "+arg(f.BeforeID))
	}
	query := `SELECT id, at, user_id, username, action, item_id, item_ids, detail FROM audit_log`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id DESC LIMIT " + arg(f.Limit)
	var out []AuditEntry
	err := sqlxSelect(ctx, q, "search audit", &out, query, args...)
	return out, err
}
