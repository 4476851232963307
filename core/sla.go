package core

import (
	"context"
	"errors"
	"fmt"

	"hotline/domain"
	"hotline/repo"
)

// SLAPolicies returns the policy of every kind, defaults filled in.
func (c *Core) SLAPolicies(ctx context.Context) ([]domain.SLAPolicy, error) {
	rows, err := c.store.Q().ListSLAPolicies(ctx)
	if err != nil {
		return nil, err
	}
	byKind := map[domain.Kind]domain.SLAPolicy{}
	for _, r := range rows {
		byKind[domain.Kind(r.Kind)] = policyFromRow(r)
	}
	out := make([]domain.SLAPolicy, 0, len(domain.Kinds()))
	for _, k := range domain.Kinds() {
		p, ok := byKind[k]
		if !ok {
			p = domain.DefaultPolicy(k)
		}
		out = append(out, p)
	}
	return out, nil
}

func policyFromRow(r repo.SLAPolicy) domain.SLAPolicy {
	return domain.SLAPolicy{Kind: domain.Kind(r.Kind), AcceptHours: r.AcceptHours, ReplyWorkdays: r.ReplyWorkdays,
		UrgentAcceptMinutes: r.UrgentAcceptMinutes, UrgentReplyWorkdays: r.UrgentReplyWorkdays}
}

// PutSLAPolicies replaces the policies of the kinds given.
func (c *Core) PutSLAPolicies(ctx context.Context, in []domain.SLAPolicy) ([]domain.SLAPolicy, error) {
	defer c.changed(repo.ChangeSLA)
	var v domain.ValidationError
	seen := map[domain.Kind]bool{}
	if len(in) == 0 {
		v.Add("", "give at least one policy")
	}
	for i, p := range in {
		if p.UrgentReplyWorkdays == 0 {
			p.UrgentReplyWorkdays = 1
			in[i] = p
		}
		if err := p.Validate(fmt.Sprintf("[%d].", i)); err != nil {
			var ve domain.ValidationError
			if errors.As(err, &ve) {
				v = append(v, ve...)
			}
		}
		if seen[p.Kind] {
			v.Add(fmt.Sprintf("[%d].kind", i), "kind %s given twice", p.Kind)
		}
		seen[p.Kind] = true
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		for _, p := range in {
			if err := q.PutSLAPolicy(ctx, repo.SLAPolicy{Kind: string(p.Kind), AcceptHours: p.AcceptHours,
				ReplyWorkdays: p.ReplyWorkdays, UrgentAcceptMinutes: p.UrgentAcceptMinutes,
				UrgentReplyWorkdays: p.UrgentReplyWorkdays}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c.SLAPolicies(ctx)
}

// policy returns the SLA policy of a kind.
func (c *Core) policy(ctx context.Context, q *repo.Q, kind string) (domain.SLAPolicy, error) {
	set, err := c.caches.sla.get(c.caches.on.Load(), func() (map[string]domain.SLAPolicy, error) {
		rows, err := q.ListSLAPolicies(ctx)
		if err != nil {
			return nil, fmt.Errorf("read SLA policies: %w", err)
		}
		set := make(map[string]domain.SLAPolicy, len(rows))
		for _, r := range rows {
			set[r.Kind] = policyFromRow(r)
		}
		return set, nil
	})
	if err != nil {
		return domain.SLAPolicy{}, err
	}
	if p, ok := set[kind]; ok {
		return p, nil
	}
	return domain.DefaultPolicy(domain.Kind(kind)), nil
}
