package core

import (
	"context"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// AuditQuery filters the audit log for an admin.
type AuditQuery struct {
	Username, Action string
	ItemID           int64
	From, To         *time.Time // To exclusive
}

// SearchAudit lists audit entries, newest first, a page at a time.
func (c *Core) SearchAudit(ctx context.Context, in AuditQuery, page Page) ([]repo.AuditEntry, *string, error) {
	var ve domain.ValidationError
	if len(in.Username) > 64 {
		ve.Add("username", "at most 64 characters")
	}
	if len(in.Action) > 64 {
		ve.Add("action", "at most 64 characters")
	}
	if in.ItemID < 0 {
		ve.Add("item_id", "a positive number")
	}
	if err := ve.Err(); err != nil {
		return nil, nil, err
	}
	rows, err := c.store.Q().SearchAudit(ctx, repo.AuditFilter{Username: in.Username, Action: in.Action,
		ItemID: in.ItemID, From: in.From, To: in.To, BeforeID: page.After, Limit: page.Limit + 1})
	if err != nil {
		return nil, nil, err
	}
	for i := range rows {
		rows[i].At = rows[i].At.In(c.set.Location)
	}
	next := page.next(len(rows), func() int64 { return rows[page.Limit-1].ID })
	if len(rows) > page.Limit {
		rows = rows[:page.Limit]
	}
	return rows, next, nil
}
