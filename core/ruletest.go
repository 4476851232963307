package core

import (
	"context"
	"fmt"
	"strings"

	"hotline/domain"
)

// RuleTestInput is an item as routing would see it, typed by an admin to
// find out which routing rule would take it.
type RuleTestInput struct {
	Channel, Kind, CategoryCode, Region, Text string
}

// RuleTestResult says which rule routing would apply, and which rules
// matched before it but were passed over because one of their units is
// inactive (routing skips those too).
type RuleTestResult struct {
	Matched *RuleView  `json:"matched"`
	Skipped []RuleView `json:"skipped"`
}

// TestRules runs the routing rules on an item that is not stored, the way
// RouteItem would: domain.MatchRule in priority order, skipping rules that
// name an inactive unit.
func (c *Core) TestRules(ctx context.Context, in RuleTestInput) (RuleTestResult, error) {
	var ve domain.ValidationError
	if in.Channel != "" && !domain.Channel(in.Channel).Valid() {
		ve.Add("channel", "unknown channel %q", in.Channel)
	}
	if in.Kind != "" && !domain.Kind(in.Kind).Valid() {
		ve.Add("kind", "unknown kind %q", in.Kind)
	}
	if len(in.Text) > 20000 {
		ve.Add("text", "at most 20000 bytes")
	}
	if err := ve.Err(); err != nil {
		return RuleTestResult{}, err
	}
	q := c.store.Q()
	route := domain.RouteInput{Channel: domain.Channel(in.Channel), Kind: domain.Kind(in.Kind),
		Region: strings.TrimSpace(in.Region), Text: in.Text}
	if in.CategoryCode != "" {
		path, err := q.CategoryPath(ctx, in.CategoryCode)
		if err != nil {
			return RuleTestResult{}, fmt.Errorf("read category: %w", err)
		}
		route.CategoryPath = path
	}
	rows, err := q.ListRules(ctx)
	if err != nil {
		return RuleTestResult{}, fmt.Errorf("read routing rules: %w", err)
	}
	views := map[int64]RuleView{}
	rules := make([]domain.Rule, len(rows))
	for i, r := range rows {
		rules[i], views[r.ID] = ruleFromRow(r), ruleView(r)
	}
	domain.SortRules(rules)
	out := RuleTestResult{Skipped: []RuleView{}}
	for {
		rule, ok := domain.MatchRule(rules, route)
		if !ok {
			return out, nil
		}
		units := append([]string{rule.PrimaryUnitCode}, rule.CoUnitCodes...)
		n, err := q.CountUnits(ctx, units)
		if err != nil {
			return RuleTestResult{}, err
		}
		if n == len(units) {
			v := views[rule.ID]
			out.Matched = &v
			return out, nil
		}
		out.Skipped = append(out.Skipped, views[rule.ID])
		rules = removeRule(rules, rule.ID)
	}
}

// GetUser returns one staff account.
func (c *Core) GetUser(ctx context.Context, id int64) (UserView, error) {
	u, err := c.store.Q().GetUser(ctx, id)
	if err != nil {
		return UserView{}, notFoundAs(err, "user")
	}
	return userView(u), nil
}

// GetRule returns one routing rule.
func (c *Core) GetRule(ctx context.Context, id int64) (RuleView, error) {
	r, err := c.store.Q().GetRule(ctx, id)
	if err != nil {
		return RuleView{}, notFoundAs(err, "rule")
	}
	return ruleView(r), nil
}
