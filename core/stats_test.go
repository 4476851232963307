package core

import (
	"encoding/json"
	"testing"
	"time"

	"hotline/domain"
)

func TestStatsRowJSON(t *testing.T) {
	u := "TAXI"
	r := StatsRow{Keys: map[string]*string{"unit_code": &u, "period": nil},
		Figures: domain.Counts{Received: 3, Dispatched: 2, Completed: 1}.Figures()}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if m["unit_code"] != "TAXI" || m["period"] != nil || m["received"] != float64(3) || m["completion_rate"] != 0.5 {
		t.Errorf("row %s", b)
	}
	if _, ok := m["period"]; !ok {
		t.Errorf("a null group key is left out: %s", b)
	}
	empty, _ := json.Marshal(StatsRow{Figures: domain.Counts{}.Figures()})
	if err := json.Unmarshal(empty, &m); err != nil {
		t.Fatalf("%s: %v", empty, err)
	}
}

func TestPeriodLabels(t *testing.T) {
	for _, c := range []struct {
		from, to, interval string
		want               []string
	}{
		{"2026-12-30", "2027-01-02", "day", []string{"2026-12-30", "2026-12-31", "2027-01-01"}},
		{"2026-12-28", "2027-01-11", "week", []string{"2026-W53", "2027-W01"}},
		{"2026-11-15", "2027-02-01", "month", []string{"2026-11", "2026-12", "2027-01"}},
		{"2026-08-01", "2027-01-01", "quarter", []string{"2026-Q3", "2026-Q4"}},
		{"2025-06-01", "2027-01-01", "year", []string{"2025", "2026"}},
	} {
		from, _ := timeParse(c.from)
		to, _ := timeParse(c.to)
		got := PeriodLabels(from, to, c.interval)
		if len(got) != len(c.want) {
			t.Errorf("%s %s..%s: %v", c.interval, c.from, c.to, got)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s %s..%s: %v", c.interval, c.from, c.to, got)
			}
		}
	}
}

func timeParse(s string) (t time.Time, err error) { return time.Parse("2006-01-02", s) }
