package core

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"hotline/domain"
	"hotline/repo"
)

// RuleInput creates or changes a routing rule. On PATCH, absent fields keep
// their value and "" clears a condition.
type RuleInput struct {
	Priority        *int      `json:"priority"`
	Channel         *string   `json:"channel"`
	Kind            *string   `json:"kind"`
	CategoryCode    *string   `json:"category_code"`
	Keywords        *[]string `json:"keywords"`
	Region          *string   `json:"region"`
	PrimaryUnitCode *string   `json:"primary_unit_code"`
	CoUnitCodes     *[]string `json:"co_unit_codes"`
}

// RuleView is a routing rule as the API shows it.
type RuleView struct {
	ID              int64     `json:"id"`
	Priority        int       `json:"priority"`
	Channel         *string   `json:"channel"`
	Kind            *string   `json:"kind"`
	CategoryCode    *string   `json:"category_code"`
	Keywords        []string  `json:"keywords"`
	Region          *string   `json:"region"`
	PrimaryUnitCode string    `json:"primary_unit_code"`
	CoUnitCodes     []string  `json:"co_unit_codes"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func ruleView(r repo.Rule) RuleView {
	return RuleView{ID: r.ID, Priority: r.Priority, Channel: r.Channel, Kind: r.Kind, CategoryCode: r.CategoryCode,
		Keywords: nonNil(r.Keywords), Region: r.Region, PrimaryUnitCode: r.PrimaryUnitCode,
		CoUnitCodes: nonNil(r.CoUnitCodes), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (in RuleInput) apply(r *repo.Rule, creating bool) error {
	var v domain.ValidationError
	if in.Priority != nil {
		if *in.Priority < 0 || *in.Priority > 1_000_000 {
			v.Add("priority", "between 0 and 1000000")
		}
		r.Priority = *in.Priority
	} else if creating {
		v.Add("priority", "required")
	}
	if in.Channel != nil {
		if *in.Channel != "" && !domain.Channel(*in.Channel).Valid() {
			v.Add("channel", "one of hotline, mailbox, microblog, platform")
		}
		r.Channel = nilIfEmpty(*in.Channel)
	}
	if in.Kind != nil {
		if *in.Kind != "" && !domain.Kind(*in.Kind).Valid() {
			v.Add("kind", "one of consultation, complaint, suggestion, help, report, praise")
		}
		r.Kind = nilIfEmpty(*in.Kind)
	}
	if in.CategoryCode != nil {
		r.CategoryCode = nilIfEmpty(*in.CategoryCode)
	}
	if in.Keywords != nil {
		kws := []string{}
		for i, k := range *in.Keywords {
			k = strings.TrimSpace(k)
			if k == "" || utf8.RuneCountInString(k) > 50 {
				v.Add(fmt.Sprintf("keywords[%d]", i), "1 to 50 characters")
				continue
			}
			kws = append(kws, k)
		}
		if len(kws) > 100 {
			v.Add("keywords", "at most 100 keywords")
		}
		r.Keywords = kws
	}
	if in.Region != nil {
		if utf8.RuneCountInString(*in.Region) > 100 {
			v.Add("region", "at most 100 characters")
		}
		r.Region = nilIfEmpty(strings.TrimSpace(*in.Region))
	}
	if in.PrimaryUnitCode != nil {
		r.PrimaryUnitCode = *in.PrimaryUnitCode
	}
	if !codePattern.MatchString(r.PrimaryUnitCode) {
		v.Add("primary_unit_code", "required: a unit code")
	}
	if r.CategoryCode != nil && !codePattern.MatchString(*r.CategoryCode) {
		v.Add("category_code", "not a category code")
	}
	if in.CoUnitCodes != nil {
		if len(*in.CoUnitCodes) > 20 {
			v.Add("co_unit_codes", "at most 20 units")
		}
		for i, u := range *in.CoUnitCodes {
			if !codePattern.MatchString(u) {
				v.Add(fmt.Sprintf("co_unit_codes[%d]", i), "not a unit code")
			}
		}
		r.CoUnitCodes = *in.CoUnitCodes
	}
	// also when only the primary unit changed: it may not help itself
	r.CoUnitCodes = domain.CoUnits(r.PrimaryUnitCode, r.CoUnitCodes)
	if r.Keywords == nil {
		r.Keywords = []string{}
	}
	if r.CoUnitCodes == nil {
		r.CoUnitCodes = []string{}
	}
	return v.Err()
}

func (c *Core) checkRuleRefs(ctx context.Context, q *repo.Q, r repo.Rule) error {
	var v domain.ValidationError
	if n, err := q.CountUnits(ctx, []string{r.PrimaryUnitCode}); err != nil {
		return err
	} else if n != 1 {
		v.Add("primary_unit_code", "no such active unit")
	}
	if len(r.CoUnitCodes) > 0 {
		if n, err := q.CountUnits(ctx, r.CoUnitCodes); err != nil {
			return err
		} else if n != len(r.CoUnitCodes) {
			v.Add("co_unit_codes", "every unit must exist and be active")
		}
	}
	if r.CategoryCode != nil {
		path, err := q.CategoryPath(ctx, *r.CategoryCode)
		if err != nil {
			return err
		}
		if len(path) == 0 {
			v.Add("category_code", "no such category")
		}
	}
	return v.Err()
}

// ListRules returns the routing rules in the order routing tries them.
func (c *Core) ListRules(ctx context.Context) ([]RuleView, error) {
	rows, err := c.store.Q().ListRules(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]RuleView, len(rows))
	for i, r := range rows {
		out[i] = ruleView(r)
	}
	return out, nil
}

// CreateRule adds a routing rule.
func (c *Core) CreateRule(ctx context.Context, in RuleInput) (RuleView, error) {
	defer c.changed(repo.ChangeRules)
	var r repo.Rule
	if err := in.apply(&r, true); err != nil {
		return RuleView{}, err
	}
	var out repo.Rule
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		if err := c.checkRuleRefs(ctx, q, r); err != nil {
			return err
		}
		var err error
		out, err = q.CreateRule(ctx, r)
		return err
	})
	return ruleView(out), err
}

// UpdateRule changes a routing rule.
func (c *Core) UpdateRule(ctx context.Context, id int64, in RuleInput) (RuleView, error) {
	defer c.changed(repo.ChangeRules)
	var out repo.Rule
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		r, err := q.GetRule(ctx, id)
		if err != nil {
			return notFoundAs(err, "rule")
		}
		if err := in.apply(&r, false); err != nil {
			return err
		}
		if err := c.checkRuleRefs(ctx, q, r); err != nil {
			return err
		}
		out, err = q.UpdateRule(ctx, r)
		return err
	})
	return ruleView(out), err
}

// DeleteRule removes a routing rule.
func (c *Core) DeleteRule(ctx context.Context, id int64) error {
	defer c.changed(repo.ChangeRules)
	return notFoundAs(c.store.Q().DeleteRule(ctx, id), "rule")
}
