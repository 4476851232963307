package repo

import (
	"context"
	"fmt"
	"time"
)

// SLAPolicy is a row of sla_policies.
type SLAPolicy struct {
	Kind                string    `db:"kind"`
	AcceptHours         float64   `db:"accept_hours"`
	ReplyWorkdays       int       `db:"reply_workdays"`
	UrgentAcceptMinutes int       `db:"urgent_accept_minutes"`
	UrgentReplyWorkdays int       `db:"urgent_reply_workdays"`
	UpdatedAt           time.Time `db:"updated_at"`
}

// ListSLAPolicies returns every policy by kind.
func (q *Q) ListSLAPolicies(ctx context.Context) ([]SLAPolicy, error) {
	var out []SLAPolicy
	err := sqlxSelect(ctx, q, "list sla policies", &out, `SELECT kind, accept_hours, reply_workdays, urgent_accept_minutes,
		urgent_reply_workdays, updated_at FROM sla_policies ORDER BY kind`)
	return out, err
}

// GetSLAPolicy reads the policy of one kind.
func (q *Q) GetSLAPolicy(ctx context.Context, kind string) (SLAPolicy, error) {
	var p SLAPolicy
	err := sqlxGet(ctx, q, "get sla policy", &p, `SELECT kind, accept_hours, reply_workdays, urgent_accept_minutes,
		urgent_reply_workdays, updated_at FROM sla_policies WHERE kind = $1`, kind)
	return p, err
}

// PutSLAPolicy inserts or replaces the policy of a kind.
func (q *Q) PutSLAPolicy(ctx context.Context, p SLAPolicy) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO sla_policies (kind, accept_hours, reply_workdays, urgent_accept_minutes, urgent_reply_workdays)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (kind) DO UPDATE SET accept_hours = EXCLUDED.accept_hours, reply_workdays = EXCLUDED.reply_workdays,
			urgent_accept_minutes = EXCLUDED.urgent_accept_minutes, urgent_reply_workdays = EXCLUDED.urgent_reply_workdays,
			updated_at = now()`, p.Kind, p.AcceptHours, p.ReplyWorkdays, p.UrgentAcceptMinutes, p.UrgentReplyWorkdays)
	if err != nil {
		return fmt.Errorf("save SLA policy: %w", err)
	}
	return nil
}
