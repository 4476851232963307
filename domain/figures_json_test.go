package domain

import (
	"encoding/json"
	"testing"
)

func TestFiguresAppendJSONMatchesEncodingJSON(t *testing.T) {
	for _, c := range []Counts{
		{},
		{Received: 7, Answered: 1, Dispatched: 5, Completed: 3, CompletedOnTime: 3, AcceptedOnTime: 3, Replied: 4,
			Rated: 3, Satisfied: 1, BasicallySatisfied: 1, Dissatisfied: 1, FiveStar: 1, Resolved: 2, Overdue: 1,
			HandleSeconds: 12345},
		{Received: 3, Dispatched: 3, Completed: 1, HandleSeconds: 1}, // avg_handle_hours rounds to 0
		{Received: 1 << 40, Dispatched: 1 << 40, Completed: 1, HandleSeconds: 1 << 62},
		{Received: -2, Dispatched: 3, Completed: 2, Rated: 7, Satisfied: 5},
	} {
		f := c.Figures()
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		got := append(f.AppendJSON([]byte{'{'}), '}')
		if string(got) != string(want) {
			t.Errorf("AppendJSON\n got %s\nwant %s", got, want)
		}
	}
}

func TestAppendJSONFloatAndStringMatchEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, 1, 0.5, 0.6667, 1e-7, 123456.25, 1e21, 3.5e-12, -0.25} {
		want, _ := json.Marshal(f)
		if got := AppendJSONFloat(nil, f); string(got) != string(want) {
			t.Errorf("float %v: got %s want %s", f, got, want)
		}
	}
	for _, s := range []string{"", "U0001", "2026-W47", "出租车管理处", "a\"b\\c", "<script>&", "tab\tnl\nx\x01",
		"bad \xff utf8", "line\u2028sep\u2029", "混合 mix \x7f"} {
		want, _ := json.Marshal(s)
		if got := AppendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("string %q: got %s want %s", s, got, want)
		}
	}
}
