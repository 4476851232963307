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
