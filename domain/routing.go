package domain

import (
	"slices"
	"strings"
)

// Rule is a routing rule: when every condition it sets holds, the item goes to
// PrimaryUnitCode with CoUnitCodes helping. Empty conditions match anything.
type Rule struct {
	ID              int64
	Priority        int
	Channel         Channel
	Kind            Kind
	CategoryCode    string
	Keywords        []string
	Region          string
	PrimaryUnitCode string
	CoUnitCodes     []string
}

// RouteInput is what routing looks at in an item.
type RouteInput struct {
	Channel Channel
	Kind    Kind
	// CategoryPath is the item's category followed by its ancestors, so that a
	// rule on a parent category matches items filed under a child.
	CategoryPath []string
	Region       string
	Text         string // title and content
}

// Matches reports whether the rule applies to the item:
//   - channel, kind: equal;
//   - category: the item's category or one of its ancestors;
//   - region: the item's region equals the rule's or lies inside it
//     ("杭州市" matches "杭州市西湖区");
//   - keywords: at least one appears in the text, ignoring case.
func (r Rule) Matches(in RouteInput) bool {
	if r.Channel != "" && r.Channel != in.Channel {
		return false
	}
	if r.Kind != "" && r.Kind != in.Kind {
		return false
	}
	if r.CategoryCode != "" && !slices.Contains(in.CategoryPath, r.CategoryCode) {
		return false
	}
	if r.Region != "" && !strings.HasPrefix(in.Region, r.Region) {
		return false
	}
	if len(r.Keywords) > 0 {
		text := strings.ToLower(in.Text)
		found := false
		for _, k := range r.Keywords {
			if k != "" && strings.Contains(text, strings.ToLower(k)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// SortRules orders rules the way routing tries them: ascending priority, then
// ascending id (the older rule first).
func SortRules(rules []Rule) {
	slices.SortStableFunc(rules, func(a, b Rule) int {
		if a.Priority != b.Priority {
			return a.Priority - b.Priority
		}
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
}

// MatchRule returns the first rule, in routing order, that matches the item.
// rules must already be sorted with SortRules.
func MatchRule(rules []Rule, in RouteInput) (Rule, bool) {
	for _, r := range rules {
		if r.Matches(in) {
			return r, true
		}
	}
	return Rule{}, false
}

// CoUnits removes the primary unit and duplicates from a list of co-handling
// units, keeping the order given.
func CoUnits(primary string, co []string) []string {
	out := make([]string, 0, len(co))
	for _, c := range co {
		if c != "" && c != primary && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
