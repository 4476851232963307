package web

import (
	"testing"
	"time"

	"hotline/calendar"
	"hotline/core"
)

func TestRemainingFor(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	windows, err := calendar.ParseWindows("09:00-12:00,13:30-17:30")
	if err != nil {
		t.Fatal(err)
	}
	// 2026-10-01..07 is the National Day holiday; 2026-09-29 is a Tuesday
	cal, err := calendar.New(loc, []calendar.Day{{Date: "2026-10-01", Kind: calendar.Holiday, Name: "国庆节"},
		{Date: "2026-10-02", Kind: calendar.Holiday, Name: "国庆节"}}, windows)
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	due := func(s string) *time.Time { d := at(s); return &d }
	tests := []struct {
		name, status, now string
		due               *time.Time
		text, class       string
	}{
		{"a day and hours left", "accepted", "2026-09-29 14:30", due("2026-09-30 17:30"), "剩余 1 个工作日 3 小时", "due-ok"},
		{"whole working days", "dispatched", "2026-09-28 09:00", due("2026-09-29 17:30"), "剩余 2 个工作日", "due-ok"},
		{"minutes, soon", "accepted", "2026-09-29 09:35", due("2026-09-29 10:00"), "剩余 25 分钟", "due-soon"},
		{"lunch does not count", "accepted", "2026-09-29 11:00", due("2026-09-29 14:30"), "剩余 2 小时", "due-soon"},
		{"holidays do not count", "accepted", "2026-09-30 17:00", due("2026-10-05 10:00"), "剩余 1 小时", "due-soon"},
		{"overdue in working hours", "accepted", "2026-09-29 15:30", due("2026-09-29 12:00"), "已超时 2 小时", "overdue"},
		{"overdue by days", "dispatched", "2026-09-30 16:30", due("2026-09-28 17:30"), "已超时 1 个工作日 6 小时", "overdue"},
		{"overdue after hours", "accepted", "2026-09-29 18:00", due("2026-09-29 17:30"), "已超时", "overdue"},
		{"no due time", "pending_dispatch", "2026-09-29 10:00", nil, "—", "due-none"},
		{"answered items have none", "replied", "2026-09-29 10:00", due("2026-09-30 17:30"), "—", "due-none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := remainingFor(cal, at(tc.now), core.ItemView{Status: tc.status, DueAt: tc.due})
			if got.Text != tc.text || got.Class != tc.class {
				t.Fatalf("got %q (%s), want %q (%s)", got.Text, got.Class, tc.text, tc.class)
			}
		})
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/console/items/3":        "/console/items/3",
		"/console/items?status=x": "/console/items?status=x",
		"//evil.example/console/": "",
		"https://evil.example/":   "",
		"/console//evil.example":  "",
		"/console/login":          "",
		"/api/v1/items":           "",
		"/console/\\evil":         "",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestChineseMessage(t *testing.T) {
	for in, want := range map[string]string{
		"required":                "此项必填",
		"required: a unit code":   "此项必填",
		"at most 2000 characters": "不能超过 2000 个字",
		"a whole number of working days from 1 to 60": "请填写 1 到 60 之间的整数",
		"every unit must exist and be active":         "单位不存在或已停用",
		"something new":                               "填写有误",
	} {
		if got := chineseMessage(in); got != want {
			t.Errorf("chineseMessage(%q) = %q, want %q", in, got, want)
		}
	}
}
