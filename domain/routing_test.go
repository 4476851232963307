package domain

import (
	"slices"
	"testing"
)

func TestRuleMatches(t *testing.T) {
	in := RouteInput{Channel: Hotline, Kind: Complaint, CategoryPath: []string{"taxi.refusal", "taxi"},
		Region: "杭州市西湖区", Text: "出租车司机拒载,车牌浙A12345 TAXI"}
	cases := []struct {
		name string
		rule Rule
		want bool
	}{
		{"empty rule matches all", Rule{}, true},
		{"channel", Rule{Channel: Hotline}, true},
		{"other channel", Rule{Channel: Mailbox}, false},
		{"kind", Rule{Kind: Complaint}, true},
		{"other kind", Rule{Kind: Consultation}, false},
		{"exact category", Rule{CategoryCode: "taxi.refusal"}, true},
		{"parent category", Rule{CategoryCode: "taxi"}, true},
		{"other category", Rule{CategoryCode: "bus"}, false},
		{"region prefix", Rule{Region: "杭州市"}, true},
		{"exact region", Rule{Region: "杭州市西湖区"}, true},
		{"other region", Rule{Region: "宁波市"}, false},
		{"one keyword of several", Rule{Keywords: []string{"公交", "拒载"}}, true},
		{"keyword ignores case", Rule{Keywords: []string{"taxi"}}, true},
		{"no keyword", Rule{Keywords: []string{"地铁", "公交"}}, false},
		{"all conditions", Rule{Channel: Hotline, Kind: Complaint, CategoryCode: "taxi", Region: "杭州", Keywords: []string{"拒载"}}, true},
		{"all but one", Rule{Channel: Hotline, Kind: Complaint, CategoryCode: "taxi", Region: "杭州", Keywords: []string{"地铁"}}, false},
	}
	for _, c := range cases {
		if got := c.rule.Matches(in); got != c.want {
			t.Errorf("%s: got %v", c.name, got)
		}
	}
	if (Rule{CategoryCode: "taxi"}).Matches(RouteInput{}) {
		t.Error("a category rule matched an item without a category")
	}
}

func TestMatchRuleOrder(t *testing.T) {
	rules := []Rule{
		{ID: 5, Priority: 20, Keywords: []string{"出租车"}, PrimaryUnitCode: "LATE"},
		{ID: 3, Priority: 10, Keywords: []string{"出租车"}, PrimaryUnitCode: "OLDER"},
		{ID: 4, Priority: 10, Keywords: []string{"出租车"}, PrimaryUnitCode: "NEWER"},
		{ID: 1, Priority: 1, Channel: Mailbox, PrimaryUnitCode: "MAIL"},
	}
	SortRules(rules)
	var order []int64
	for _, r := range rules {
		order = append(order, r.ID)
	}
	if !slices.Equal(order, []int64{1, 3, 4, 5}) {
		t.Fatalf("order %v", order)
	}
	r, ok := MatchRule(rules, RouteInput{Channel: Hotline, Text: "出租车"})
	if !ok || r.PrimaryUnitCode != "OLDER" {
		t.Errorf("matched %+v", r)
	}
	r, ok = MatchRule(rules, RouteInput{Channel: Mailbox, Text: "出租车"})
	if !ok || r.PrimaryUnitCode != "MAIL" {
		t.Errorf("matched %+v", r)
	}
	if _, ok := MatchRule(rules, RouteInput{Channel: Hotline, Text: "地铁"}); ok {
		t.Error("matched without a rule for it")
	}
}

func TestCoUnits(t *testing.T) {
	got := CoUnits("A", []string{"B", "A", "", "C", "B"})
	if !slices.Equal(got, []string{"B", "C"}) {
		t.Errorf("CoUnits = %v", got)
	}
}
