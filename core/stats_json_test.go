package core

import (
	"encoding/json"
	"testing"
	"time"

	"hotline/domain"
)

// reflectRow is a row as encoding/json writes its keys and figures by
// reflection: what StatsRow's hand-written encoding must equal.
func reflectRow(t *testing.T, r StatsRow) map[string]any {
	t.Helper()
	b, err := json.Marshal(r.Figures)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range r.Keys {
		if v == nil {
			m[k] = nil
		} else {
			m[k] = *v
		}
	}
	return m
}

func TestStatsResultJSONEqualsReflection(t *testing.T) {
	unit, month := "U<01>", "2026-11"
	rows := []StatsRow{
		{Keys: map[string]*string{"unit_code": &unit, "period": &month},
			Figures: domain.Counts{Received: 3, Dispatched: 2, Completed: 1, HandleSeconds: 7200, Rated: 1, Satisfied: 1}.Figures()},
		{Keys: map[string]*string{"unit_code": nil, "period": &month}, Figures: domain.Counts{Received: 1, Answered: 1}.Figures()},
	}
	type plain StatsResult // the same fields, encoded by reflection
	res := StatsResult{AsOf: time.Date(2026, 11, 26, 11, 30, 1, 123456789, time.UTC), From: "2026-01-01", To: "2026-12-01",
		GroupBy: []string{"unit", "month"}, Rows: rows, Total: sumRowsOf(rows).Figures(), FoldedChanges: 2,
		Compare: &Comparison{Previous: PeriodTotal{From: "2025-02-01", To: "2026-01-01"}}}
	got, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(plain(res))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("StatsResult\n got %s\nwant %s", got, want)
	}
	for _, r := range rows {
		var gotRow map[string]any
		if err := json.Unmarshal(r.appendJSON(nil), &gotRow); err != nil {
			t.Fatal(err)
		}
		wantRow := reflectRow(t, r)
		gb, _ := json.Marshal(gotRow)
		wb, _ := json.Marshal(wantRow)
		if string(gb) != string(wb) {
			t.Errorf("row\n got %s\nwant %s", gb, wb)
		}
	}
}

func sumRowsOf(rows []StatsRow) domain.Counts {
	var c domain.Counts
	for _, r := range rows {
		c.Add(r.Counts)
	}
	return c
}
