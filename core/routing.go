package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// RouteItem routes an item in status received by the rules: to the matching
// rule's units, or to pending_dispatch when none matches. It is the handler of
// the item:route task and is idempotent: an item no longer in received (routed
// already, dispatched by hand, answered) is left alone and routed reports false.
func (c *Core) RouteItem(ctx context.Context, id int64) (routed bool, err error) {
	var scheduled *repo.Item
	err = c.store.Tx(ctx, func(q *repo.Q) error {
		it, err := q.LockItem(ctx, id)
		if errors.Is(err, repo.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("lock item %d: %w", id, err)
		}
		if it.Status != string(domain.Received) {
			return nil
		}
		rows, err := q.ListRules(ctx)
		if err != nil {
			return fmt.Errorf("read routing rules: %w", err)
		}
		in := domain.RouteInput{Channel: domain.Channel(it.Channel), Kind: domain.Kind(it.Kind), Region: it.Region,
			Text: it.Title + "\n" + it.Content}
		if it.CategoryCode != nil {
			if in.CategoryPath, err = q.CategoryPath(ctx, *it.CategoryCode); err != nil {
				return fmt.Errorf("read category: %w", err)
			}
		}
		rules := make([]domain.Rule, len(rows))
		for i, r := range rows {
			rules[i] = ruleFromRow(r)
		}
		domain.SortRules(rules)
		now := c.now()
		for {
			rule, ok := domain.MatchRule(rules, in)
			if !ok {
				routed = true
				if err := transition(ctx, q, now, &it, systemActor(), domain.ActRouteUnmatched, "无匹配的分派规则,待人工分派"); err != nil {
					return err
				}
				return q.SaveItem(ctx, it)
			}
			units := append([]string{rule.PrimaryUnitCode}, rule.CoUnitCodes...)
			n, err := q.CountUnits(ctx, units)
			if err != nil {
				return err
			}
			if n != len(units) {
				// a unit of the rule was deactivated: skip the rule, try the next
				c.log.Warn("routing rule names an inactive unit; skipped", "rule_id", rule.ID, "item_id", it.ID)
				rules = removeRule(rules, rule.ID)
				continue
			}
			note := fmt.Sprintf("按分派规则#%d分派:主办 %s", rule.ID, rule.PrimaryUnitCode)
			if len(rule.CoUnitCodes) > 0 {
				note += ",协办 " + strings.Join(rule.CoUnitCodes, "、")
			}
			if err := c.assign(ctx, q, &it, rule.PrimaryUnitCode, rule.CoUnitCodes, systemActor(), domain.ActRoute, note, now); err != nil {
				return err
			}
			routed, scheduled = true, &it
			return nil
		}
	})
	if err != nil {
		return false, err
	}
	if scheduled != nil {
		c.tasks.ScheduleDeadlines(scheduled.ID, scheduled.RemindAt, scheduled.AcceptDueAt, scheduled.DueAt)
	}
	return routed, nil
}

func removeRule(rules []domain.Rule, id int64) []domain.Rule {
	out := rules[:0:0]
	for _, r := range rules {
		if r.ID != id {
			out = append(out, r)
		}
	}
	return out
}

func ruleFromRow(r repo.Rule) domain.Rule {
	return domain.Rule{ID: r.ID, Priority: r.Priority, Channel: domain.Channel(strOr(r.Channel)),
		Kind: domain.Kind(strOr(r.Kind)), CategoryCode: strOr(r.CategoryCode), Keywords: r.Keywords,
		Region: strOr(r.Region), PrimaryUnitCode: r.PrimaryUnitCode, CoUnitCodes: r.CoUnitCodes}
}

// DispatchInput is an operator's or manager's choice of units.
type DispatchInput struct {
	PrimaryUnitCode string   `json:"primary_unit_code"`
	CoUnitCodes     []string `json:"co_unit_codes"`
	Note            string   `json:"note"`
}

// Dispatch gives an item in received or pending_dispatch to the units chosen.
func (c *Core) Dispatch(ctx context.Context, v domain.Viewer, id int64, in DispatchInput) (ItemView, error) {
	var ve domain.ValidationError
	if !codePattern.MatchString(in.PrimaryUnitCode) {
		ve.Add("primary_unit_code", "required: a unit code")
	}
	for i, u := range in.CoUnitCodes {
		if !codePattern.MatchString(u) {
			ve.Add(fmt.Sprintf("co_unit_codes[%d]", i), "not a unit code")
		}
	}
	if len(in.CoUnitCodes) > 20 {
		ve.Add("co_unit_codes", "at most 20 units")
	}
	note := text(&ve, "note", in.Note, false, 2000)
	co := domain.CoUnits(in.PrimaryUnitCode, in.CoUnitCodes)
	it, err := c.act(ctx, v, id, fixed(domain.ActDispatch), ve.Err(), func(q *repo.Q, it *repo.Item, now time.Time) error {
		units := append([]string{in.PrimaryUnitCode}, co...)
		n, err := q.CountUnits(ctx, units)
		if err != nil {
			return err
		}
		if n != len(units) {
			return domain.ValidationError{{Field: "primary_unit_code", Message: "every unit must exist and be active"}}
		}
		full := fmt.Sprintf("分派:主办 %s", in.PrimaryUnitCode)
		if len(co) > 0 {
			full += ",协办 " + strings.Join(co, "、")
		}
		if note != "" {
			full += "。" + note
		}
		return c.assign(ctx, q, it, in.PrimaryUnitCode, co, actorOf(v), domain.ActDispatch, full, now)
	})
	if err != nil {
		return ItemView{}, err
	}
	c.tasks.ScheduleDeadlines(it.ID, it.RemindAt, it.AcceptDueAt, it.DueAt)
	return c.itemView(v, it), nil
}

// assign gives a locked item to a primary unit and co-handling units, sets its
// deadlines from the SLA policy and the working calendar, records the event
// and tells the units' staff. The caller has checked the units.
func (c *Core) assign(ctx context.Context, q *repo.Q, it *repo.Item, primary string, co []string, who actor, a domain.Action, note string, now time.Time) error {
	cal, err := c.Calendar(ctx)
	if err != nil {
		return err
	}
	pol, err := c.policy(ctx, q, it.Kind)
	if err != nil {
		return err
	}
	d := domain.ComputeDeadlines(cal, pol, now, it.Urgent, it.UpstreamDueAt)
	if err := transition(ctx, q, now, it, who, a, note); err != nil {
		return err
	}
	// a re-dispatch replaces what is left of earlier assignments
	if err := q.WithdrawAssignments(ctx, it.ID); err != nil {
		return err
	}
	if err := q.WithdrawPendingExtensions(ctx, it.ID); err != nil {
		return err
	}
	for i, unit := range append([]string{primary}, co...) {
		role := domain.PrimaryUnit
		if i > 0 {
			role = domain.CoUnit
		}
		if _, err := q.InsertAssignment(ctx, repo.Assignment{ItemID: it.ID, UnitCode: unit, Role: string(role),
			Status: string(domain.AssignAssigned), AssignedAt: now, AcceptDueAt: &d.AcceptDue}); err != nil {
			return fmt.Errorf("assign item %d to %s: %w", it.ID, unit, err)
		}
	}
	it.PrimaryUnitCode = &primary
	it.CoUnitCodes = co
	it.DispatchedAt = &now
	it.AcceptDueAt, it.DueAt, it.RemindAt = &d.AcceptDue, &d.Due, &d.RemindAt
	it.OriginalDueAt, it.RemindedAt = nil, nil
	it.Overdue, it.OverdueAt = false, nil
	it.AcceptedAt, it.RepliedAt, it.CompletedAt, it.HandleSeconds = nil, nil, nil, nil
	if err := q.SaveItem(ctx, *it); err != nil {
		return err
	}
	msg := fmt.Sprintf("新交办件 %s:%s(%s前签收,%s前办结)", it.TrackingCode, it.Title,
		d.AcceptDue.In(c.set.Location).Format("01-02 15:04"), d.Due.In(c.set.Location).Format("01-02 15:04"))
	for _, unit := range append([]string{primary}, co...) {
		if err := c.notifyUnit(ctx, q, unit, false, it.ID, "assigned", msg); err != nil {
			return err
		}
	}
	return nil
}

// fixed chooses the same action whatever the item.
func fixed(a domain.Action) func(repo.Item) domain.Action {
	return func(repo.Item) domain.Action { return a }
}

// act runs one action on an item in a transaction: it locks the item, lets
// choose pick the action for it (a co-handling unit's accept differs from the
// primary unit's), checks that the viewer may see the item (404), may do the
// action (403) and that the item's status allows it (409), returns the
// caller's input error if any (422: only once the caller may act, so that
// another unit's item answers 404 whatever the body), then calls fn to do the
// work, and returns the item as fn saved it.
func (c *Core) act(ctx context.Context, v domain.Viewer, id int64, choose func(repo.Item) domain.Action, invalid error, fn func(q *repo.Q, it *repo.Item, now time.Time) error) (repo.Item, error) {
	var out repo.Item
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		it, err := c.visibleItem(ctx, q, v, id, true)
		if err != nil {
			return err
		}
		// a retry that waited on the row lock for its first attempt finds the
		// key taken and replays the first answer instead of a 409
		if claim := repo.IdemClaimFrom(ctx); claim != nil {
			if _, err := q.GetIdempotency(ctx, claim.Scope, claim.Key); err == nil {
				return repo.ErrIdempotencyTaken
			}
		}
		a := choose(it)
		if !domain.Allowed(v.Role, a) || !domain.UnitMayAct(v, a, strOr(it.PrimaryUnitCode), it.CoUnitCodes) {
			return fmt.Errorf("%s item %d: %w", a, id, domain.ErrForbidden)
		}
		if _, err := domain.Next(domain.Status(it.Status), a); err != nil {
			return err
		}
		if invalid != nil {
			return invalid
		}
		if err := fn(q, &it, c.now()); err != nil {
			return err
		}
		out = it
		return nil
	})
	if err != nil {
		return repo.Item{}, err
	}
	return out, nil
}
