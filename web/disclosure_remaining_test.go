package web

import (
	"testing"
	"time"

	"hotline/calendar"
	"hotline/core"
	"hotline/domain"
)

func TestDisclosureRemaining(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	// 2026-10-01 and 02 are holidays; 2026-09-28 is a Monday
	cal, err := calendar.New(loc, []calendar.Day{{Date: "2026-10-01", Kind: calendar.Holiday, Name: "国庆节"},
		{Date: "2026-10-02", Kind: calendar.Holiday, Name: "国庆节"}}, calendar.DefaultWindows())
	if err != nil {
		t.Fatal(err)
	}
	date := func(s string) *domain.Date {
		d, err := domain.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	tests := []struct {
		name, status, today string
		due                 *domain.Date
		overdue             bool
		text, class         string
		rank                int
	}{
		{"working days left, holidays skipped", "processing", "2026-09-28", date("2026-10-06"), false, "剩余 4 个工作日", "due-ok", 0},
		{"three left is soon", "processing", "2026-09-28", date("2026-10-01"), false, "剩余 2 个工作日", "due-soon", 0},
		{"due today", "processing", "2026-09-29", date("2026-09-29"), false, "今日到期", "due-soon", 0},
		{"past due over a weekend", "processing", "2026-10-05", date("2026-09-30"), true, "已超期 1 个工作日", "overdue", 0},
		{"past due the same evening", "processing", "2026-09-30", date("2026-09-30"), true, "已超期", "overdue", 0},
		{"paused for the supplement", "awaiting_correction", "2026-09-28", date("2026-10-20"), false, "暂停计时(待补正)", "due-none", 1},
		{"paused for the fee", "awaiting_fee", "2026-09-28", date("2026-10-20"), false, "暂停计时(待缴费)", "due-none", 1},
		{"not yet confirmed", "unconfirmed", "2026-09-28", nil, false, "待确认收到,未起算", "due-none", 2},
		{"decided", "decided", "2026-09-28", date("2026-09-20"), false, "已答复", "due-none", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := core.DisclosureView{Status: tc.status, DueOn: tc.due, Overdue: tc.overdue}
			got, rank, _ := disclosureRemaining(cal, *date(tc.today), v)
			if got.Text != tc.text || got.Class != tc.class || rank != tc.rank {
				t.Errorf("got %q %s rank %d, want %q %s rank %d", got.Text, got.Class, rank, tc.text, tc.class, tc.rank)
			}
		})
	}
	// the list: overdue first, then the least time left, then paused, unconfirmed, decided
	rows := []disclosureRow{}
	for _, tc := range []struct{ status, due string }{{"decided", "2026-09-20"}, {"processing", "2026-10-09"},
		{"awaiting_fee", "2026-10-20"}, {"processing", "2026-09-25"}, {"processing", "2026-09-30"}} {
		rows = append(rows, disclosureRowOf(cal, *date("2026-09-28"), core.DisclosureView{Status: tc.status, DueOn: date(tc.due)}))
	}
	sortDisclosureRows(rows)
	var order []string
	for _, r := range rows {
		order = append(order, r.DueOn.String())
	}
	if got := order; got[0] != "2026-09-25" || got[1] != "2026-09-30" || got[2] != "2026-10-09" || got[3] != "2026-10-20" || got[4] != "2026-09-20" {
		t.Errorf("list order %v", got)
	}
}
