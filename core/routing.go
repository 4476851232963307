package core

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// routeBatchSize is the most items one routing transaction claims.
const routeBatchSize = 200

// RouteItems routes those of the items named that are still in status
// received, in transactions of up to routeBatchSize items, and returns how
// many it routed. It is the handler of the item:route task, which names the
// items a burst of intake stored, so a burst is routed by a few transactions.
// With andLater, a batch with room left also takes the items stored after
// its last one: their own tasks are still on their way, and routing them now
// spares them the wait (their tasks then find them routed). An item another
// router holds is skipped and an item no longer received is left alone, so
// each item is routed once; the reconciler queues a task for any item left
// waiting.
func (c *Core) RouteItems(ctx context.Context, ids []int64, andLater bool) (int, error) {
	routed, err := c.routeItems(ctx, ids, andLater)
	return len(routed), err
}

// RouteItem routes one item in status received, and only that one; an item
// no longer received (routed already, dispatched by hand, answered) or held
// by another router is left alone and routed reports false.
func (c *Core) RouteItem(ctx context.Context, id int64) (routed bool, err error) {
	done, err := c.routeItems(ctx, []int64{id}, false)
	return len(done) == 1 && done[0].ID == id, err
}

// routeItems is RouteItems, returning the items it routed.
func (c *Core) routeItems(ctx context.Context, ids []int64, andLater bool) ([]repo.Item, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var all []repo.Item
	for batch := range slices.Chunk(ids, routeBatchSize) {
		last := andLater && batch[len(batch)-1] == ids[len(ids)-1]
		routed, scheduled, err := c.routeBatch(ctx, batch, last)
		if err != nil {
			return all, fmt.Errorf("route %d items: %w", len(batch), err)
		}
		all = append(all, routed...)
		c.scheduleDeadlines(scheduled)
		if ctx.Err() != nil {
			return all, ctx.Err()
		}
	}
	return all, nil
}

// routeBatch routes, in one transaction, the items of ids still received
// and, with andLater and room left, the items stored after the last of them.
func (c *Core) routeBatch(ctx context.Context, ids []int64, andLater bool) (routed, scheduled []repo.Item, err error) {
	err = c.store.Tx(ctx, func(q *repo.Q) error {
		items, err := q.ClaimReceived(ctx, ids)
		if err != nil {
			return err
		}
		if room := routeBatchSize - len(items); andLater && room > 0 {
			later, err := q.ClaimReceivedAfter(ctx, ids[len(ids)-1], room)
			if err != nil {
				return err
			}
			items = append(items, later...)
		}
		routed, scheduled, err = c.route(ctx, q, items)
		return err
	})
	return routed, scheduled, err
}

// scheduleDeadlines asks for the deadline checks of items just given to
// units, after their commit.
func (c *Core) scheduleDeadlines(items []repo.Item) {
	for _, it := range items {
		c.tasks.ScheduleDeadlines(it.ID, it.RemindAt, it.AcceptDueAt, it.DueAt)
	}
}

// route routes locked items in status received by the rules — to the
// first usable rule's units, or to pending_dispatch when none matches — and
// writes the result with one statement per table. It returns the items
// routed, and those of them given to units, whose deadlines are to be
// scheduled after commit.
func (c *Core) route(ctx context.Context, q *repo.Q, items []repo.Item) (routed, assigned []repo.Item, err error) {
	now := c.now()
	var events []repo.Event
	var plan assignPlan
	for _, it := range items {
		e, p, ok, err := c.routeOne(ctx, q, &it, now)
		if err != nil {
			if ctx.Err() != nil || repo.IsUnavailable(err) {
				return nil, nil, err
			}
			// one item that cannot be routed must not hold up the others:
			// it stays received, and the reconciler tries it again
			c.log.Warn("item not routed; left waiting", "item_id", it.ID, "err", err)
			continue
		}
		routed = append(routed, it)
		events = append(events, e)
		plan.add(p)
		if ok {
			assigned = append(assigned, it)
		}
	}
	if err := q.SaveItems(ctx, routed); err != nil {
		return nil, nil, err
	}
	if err := q.AppendEvents(ctx, events); err != nil {
		return nil, nil, err
	}
	if err := q.InsertAssignments(ctx, plan.assignments); err != nil {
		return nil, nil, err
	}
	if err := q.NotifyUnits(ctx, plan.notices); err != nil {
		return nil, nil, err
	}
	return routed, assigned, nil
}

// routeOne decides where one received item goes, changing it accordingly,
// and returns its event and, when a rule matched (assigned), its assignments
// and notices. It writes nothing.
func (c *Core) routeOne(ctx context.Context, q *repo.Q, it *repo.Item, now time.Time) (repo.Event, assignPlan, bool, error) {
	in, err := c.routeInput(ctx, q, *it)
	if err != nil {
		return repo.Event{}, assignPlan{}, false, err
	}
	rules, err := c.sortedRules(ctx, q)
	if err != nil {
		return repo.Event{}, assignPlan{}, false, err
	}
	rule, ok, err := c.firstUsableRule(ctx, q, rules, in, it.ID)
	if err != nil {
		return repo.Event{}, assignPlan{}, false, err
	}
	if !ok {
		e, err := transitionEvent(now, it, systemActor(), domain.ActRouteUnmatched, "无匹配的分派规则,待人工分派")
		return e, assignPlan{}, false, err
	}
	e, err := transitionEvent(now, it, systemActor(), domain.ActRoute, routeNote(rule))
	if err != nil {
		return repo.Event{}, assignPlan{}, false, err
	}
	p, err := c.planAssign(ctx, q, it, rule.PrimaryUnitCode, rule.CoUnitCodes, now)
	return e, p, true, err
}

// routeInput is what the rules match an item on.
func (c *Core) routeInput(ctx context.Context, q *repo.Q, it repo.Item) (domain.RouteInput, error) {
	in := domain.RouteInput{Channel: domain.Channel(it.Channel), Kind: domain.Kind(it.Kind), Region: it.Region,
		Text: it.Title + "\n" + it.Content}
	if it.CategoryCode != nil {
		path, err := c.categoryPath(ctx, q, *it.CategoryCode)
		if err != nil {
			return in, err
		}
		in.CategoryPath = path
	}
	return in, nil
}

// sortedRules is the routing rules in the order they are tried (kept in
// memory, see cache.go). The slice is shared: callers must not change it.
func (c *Core) sortedRules(ctx context.Context, q *repo.Q) ([]domain.Rule, error) {
	return c.caches.rules.get(c.caches.on.Load(), func() ([]domain.Rule, error) {
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
	})
}

// firstUsableRule is the first rule matching in whose units are all active; a
// rule naming an inactive unit is skipped (and logged) and the next one tried.
func (c *Core) firstUsableRule(ctx context.Context, q *repo.Q, rules []domain.Rule, in domain.RouteInput, itemID int64) (domain.Rule, bool, error) {
	for {
		rule, ok := domain.MatchRule(rules, in)
		if !ok {
			return domain.Rule{}, false, nil
		}
		ok, err := c.unitsActive(ctx, q, append([]string{rule.PrimaryUnitCode}, rule.CoUnitCodes...))
		if err != nil {
			return domain.Rule{}, false, err
		}
		if ok {
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
