package core

import (
	"context"
	"fmt"
	"slices"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// Kinds of audit rows.
const (
	AuditDataAccess   = "data_access"   // a citizen's full phone number shown
	AuditAuth         = "auth"          // logins, failures, logouts, password and second-factor changes
	AuditAccessDenied = "access_denied" // 401, 403, 429 (sampled: see SecurityEvent.Sampled)
	AuditAdmin        = "admin"         // changes to users, roles, units, categories, rules, SLA, calendar
)

// AuditKinds lists the kinds, for validation and the OpenAPI document.
func AuditKinds() []string {
	return []string{AuditDataAccess, AuditAuth, AuditAccessDenied, AuditAdmin}
}

// SecurityEvent is an event to append to the audit log.
type SecurityEvent struct {
	Kind     string
	Action   string // login, login_failed, logout, password_changed, unauthorized …
	Viewer   domain.Viewer
	Username string // the name tried, for a failed login (else the viewer's)
	ClientIP string
	Target   string // the account, unit or route concerned
	Failed   bool
	Detail   string
	// Sampled keeps at most one row per address, action and minute, so
	// that a flood (of 401s, 403s, 429s) cannot fill the table.
	Sampled bool
}

// RecordSecurityEvent appends a security event to the audit log. A failure
// to write is logged, not returned: the request it describes has been
// answered already or is answered regardless.
func (c *Core) RecordSecurityEvent(ctx context.Context, e SecurityEvent) {
	row := repo.AuditEvent{Kind: e.Kind, Action: e.Action, Username: e.Username, ClientIP: e.ClientIP,
		Target: truncate(e.Target, 200), Outcome: "success", Detail: truncate(e.Detail, 500)}
	if e.Viewer.ID != 0 {
		id := e.Viewer.ID
		row.UserID = &id
		if row.Username == "" {
			row.Username = e.Viewer.Username
		}
	}
	row.Username = truncate(row.Username, 64)
	if e.Failed {
		row.Outcome = "failure"
	}
	if e.Sampled {
		row.SampleKey = fmt.Sprintf("%s|%s|%s", e.Action, e.ClientIP, c.now().UTC().Format("2006-01-02T15:04"))
	}
	if err := c.store.Q().AppendAudit(ctx, row); err != nil {
		c.log.Warn("record security event", "action", e.Action, "err", err)
	}
}

// AuditQuery filters the audit log; zero fields do not filter.
type AuditQuery struct {
	ItemID   int64
	Kind     string
	Action   string
	Actor    string // username
	From, To *time.Time
}

// AuditLog lists the audit log (reads of personal data and security
// events), newest first.
func (c *Core) AuditLog(ctx context.Context, f AuditQuery, page Page) ([]repo.AuditEntry, *string, error) {
	var ve domain.ValidationError
	if f.Kind != "" && !slices.Contains(AuditKinds(), f.Kind) {
		ve.Add("kind", "unknown kind %q", f.Kind)
	}
	if len(f.Action) > 64 {
		ve.Add("action", "at most 64 characters")
	}
	if len(f.Actor) > 64 {
		ve.Add("actor", "at most 64 characters")
	}
	if err := ve.Err(); err != nil {
		return nil, nil, err
	}
	rows, err := c.store.Q().ListAudit(ctx, repo.AuditFilter{ItemID: f.ItemID, Kind: f.Kind, Action: f.Action,
		Username: f.Actor, From: f.From, To: f.To, BeforeID: page.After, Limit: page.Limit + 1})
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
