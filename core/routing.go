package core

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
		routed, scheduled, err = c.routeInTx(ctx, q, id)
		return err
	})
	if err != nil {
		return false, err
	}
	if scheduled != nil {
		c.tasks.ScheduleDeadlines(scheduled.ID, scheduled.RemindAt, scheduled.AcceptDueAt, scheduled.DueAt)
	}
	return routed, nil
}

// routeInTx locks the item and routes it if it is still received. scheduled is
// the item assigned to units (whose deadlines are to be scheduled after commit),
// nil when it went to pending_dispatch or was left alone.
func (c *Core) routeInTx(ctx context.Context, q *repo.Q, id int64) (routed bool, scheduled *repo.Item, err error) {
	it, err := q.LockItem(ctx, id)
	if errors.Is(err, repo.ErrNotFound) {
		return false, nil, nil
	}
	if err != nil {
		return false, nil, fmt.Errorf("lock item %d: %w", id, err)
	}
	if it.Status != string(domain.Received) {
		return false, nil, nil
	}
	in, err := routeInput(ctx, q, it)
	if err != nil {
		return false, nil, err
	}
	rules, err := sortedRules(ctx, q)
	if err != nil {
		return false, nil, err
	}
	rule, ok, err := c.firstUsableRule(ctx, q, rules, in, it.ID)
	if err != nil {
		return false, nil, err
	}
	now := c.now()
	if !ok {
		if err := transition(ctx, q, now, &it, systemActor(), domain.ActRouteUnmatched, "无匹配的分派规则,待人工分派"); err != nil {
			return false, nil, err
		}
		return true, nil, q.SaveItem(ctx, it)
	}
	if err := c.assign(ctx, q, &it, rule.PrimaryUnitCode, rule.CoUnitCodes, systemActor(), domain.ActRoute, routeNote(rule), now); err != nil {
		return false, nil, err
	}
	return true, &it, nil
}

// routeInput is what the rules match an item on.
func routeInput(ctx context.Context, q *repo.Q, it repo.Item) (domain.RouteInput, error) {
	in := domain.RouteInput{Channel: domain.Channel(it.Channel), Kind: domain.Kind(it.Kind), Region: it.Region,
		Text: it.Title + "\n" + it.Content}
	if it.CategoryCode != nil {
		path, err := q.CategoryPath(ctx, *it.CategoryCode)
		if err != nil {
			return in, fmt.Errorf("read category: %w", err)
		}
		in.CategoryPath = path
	}
	return in, nil
}

// sortedRules reads the routing rules in the order they are tried.
func sortedRules(ctx context.Context, q *repo.Q) ([]domain.Rule, error) {
	rows, err := q.ListRules(ctx)
	if err != nil {
		return nil, fmt.Errorf("read routing rules: %w", err)
	}
	rules := make([]domain.Rule, len(rows))
	for i, r := range rows {
		rules[i] = ruleFromRow(r)
	}
	domain.SortRules(rules)
	return rules, nil
}

// firstUsableRule is the first rule matching in whose units are all active; a
// rule naming an inactive unit is skipped (and logged) and the next one tried.
func (c *Core) firstUsableRule(ctx context.Context, q *repo.Q, rules []domain.Rule, in domain.RouteInput, itemID int64) (domain.Rule, bool, error) {
	for {
		rule, ok := domain.MatchRule(rules, in)
		if !ok {
			return domain.Rule{}, false, nil
		}
		units := append([]string{rule.PrimaryUnitCode}, rule.CoUnitCodes...)
		n, err := q.CountUnits(ctx, units)
		if err != nil {
			return domain.Rule{}, false, err
		}
		if n == len(units) {
			return rule, true, nil
		}
		c.log.Warn("routing rule names an inactive unit; skipped", "rule_id", rule.ID, "item_id", itemID)
		rules = removeRule(rules, rule.ID)
	}
}

// routeNote is the event note of an item routed by rule.
func routeNote(rule domain.Rule) string {
	note := fmt.Sprintf("按分派规则#%d分派:主办 %s", rule.ID, rule.PrimaryUnitCode)
	if len(rule.CoUnitCodes) > 0 {
		note += ",协办 " + strings.Join(rule.CoUnitCodes, "、")
	}
	return note
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
