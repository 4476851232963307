package core_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"hotline/core"
	"hotline/demodata"
	"hotline/domain"
)

// TestFigureListCountsEqualTheirLists: the count over a figure's list (the
// dashboard's drill-down) is the number of items the list holds, for every
// role, whether it is read from the roll-ups (a unit's own items, plus those
// it co-handles) or counted from the items. The expected number is counted
// here straight from items and item_facts, sharing no code with the list.
func TestFigureListCountsEqualTheirLists(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, store := demoCore(t, demodata.Options{Items: 2000, Years: 1, Seed: 11, Units: 4})
	db := store.DB()
	var coHandled int
	if err := db.Get(&coHandled, `SELECT count(*) FROM items WHERE cardinality(co_unit_codes) > 0`); err != nil || coHandled == 0 {
		t.Fatalf("the demo data co-handles no item (%d, %v): the test would prove nothing", coHandled, err)
	}

	loc := c.Location()
	now := c.Now().In(loc)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	ranges := [][2]time.Time{{month.AddDate(0, -6, 0), month.AddDate(0, 1, 0)}, {month.AddDate(0, -3, 9), month.AddDate(0, -1, 20)}}
	viewers := []domain.Viewer{
		{Role: domain.RoleManager},
		{Role: domain.RoleOperator},
		{Role: domain.RoleUnitStaff, UnitCode: "U0002"},
		{Role: domain.RoleUnitHead, UnitCode: "U0003"},
	}
	figures := map[string]string{"received": "f.received > 0", "completed": "f.completed > 0", "overdue": "f.overdue > 0",
		"satisfied_any": "f.satisfied + f.basically_satisfied > 0", "accepted_on_time": "f.accepted_on_time > 0"}
	nonZero := 0
	for _, v := range viewers {
		for _, primary := range []string{"", "U0002", "U0004"} {
			for _, r := range ranges {
				for figure, cond := range figures {
					from, to := r[0], r[1]
					q := core.ItemQuery{Figure: figure, From: &from, To: &to, PrimaryUnitCode: primary}
					got, err := c.CountItems(ctx, v, q)
					if err != nil {
						t.Fatal(err)
					}
					scope := "true"
					if !v.SeesEveryUnit() {
						scope = fmt.Sprintf("(i.primary_unit_code = '%[1]s' OR '%[1]s' = ANY(i.co_unit_codes))", v.UnitCode)
					}
					if primary != "" {
						scope += fmt.Sprintf(" AND i.primary_unit_code = '%s'", primary)
					}
					var want int64
					if err := db.Get(&want, `SELECT count(*) FROM items i JOIN item_facts f ON f.item_id = i.id
						WHERE `+scope+` AND `+cond+` AND i.received_at >= $1 AND i.received_at < $2`, from, to); err != nil {
						t.Fatal(err)
					}
					if got != want {
						t.Errorf("%s %s, primary %q, %s–%s: counted %d, the list holds %d", v.Role, v.UnitCode, primary,
							from.Format("2006-01-02"), to.Format("2006-01-02"), got, want)
					}
					if want > 0 {
						nonZero++
					}
				}
			}
		}
	}
	if nonZero < 50 {
		t.Errorf("only %d of the counts were above zero: the data does not exercise the lists", nonZero)
	}
}
