package web

import (
	"strings"
	"testing"
	"time"
)

// TestAdminMessage: core's English field messages read in Chinese, among
// them core's refusal to remove the last active admin.
func TestAdminMessage(t *testing.T) {
	for in, want := range map[string]string{
		"this is the last active admin: make another user admin first": "最后一个启用的系统管理员",
		"required: 1 to 64 letters, digits, '_', '.' or '-'":           "英文字母、数字或 _ . -",
		"at least 8 characters":                                        "至少 8 个字符",
		"too common: it is on the list of the most used passwords":     "过于常见",
		"would make the unit its own ancestor":                         "不能设为自己",
		"required for unit roles":                                      "必须属于一个单位",
		"no such active unit":                                          "单位不存在或已停用",
		"required":                                                     "此项必填",
	} {
		if got := adminMessage(in); !strings.Contains(got, want) {
			t.Errorf("adminMessage(%q) = %q, want %q in it", in, got, want)
		}
	}
	for in, want := range map[string]string{
		`not a date YYYY-MM-DD: "2030-02-30"`:                             "“2030-02-30”不是 年-月-日 格式的日期",
		"2030-10-08 is a weekday; list only weekend days that are worked": "2030-10-08 是工作日",
		"2031-01-01 is not in 2030":                                       "2031-01-01 不在该年度内",
	} {
		if got := calendarMessage(in); !strings.HasPrefix(got, want) {
			t.Errorf("calendarMessage(%q) = %q", in, got)
		}
	}
}

// TestMonthGrid: weeks start on Monday; holidays and make-up days carry
// their mark in text.
func TestMonthGrid(t *testing.T) {
	m := monthGrid(2026, time.February, map[string]string{"2026-02-16": "holiday", "2026-02-14": "workday"})
	// 1 February 2026 is a Sunday: six empty cells before it
	if first := m.Weeks[0]; first[5].Date != "" || first[6].Date != "2026-02-01" || first[6].Class != "weekend" {
		t.Errorf("first week %+v", first)
	}
	var marks []string
	for _, w := range m.Weeks {
		if len(w) != 7 {
			t.Fatalf("a week of %d days", len(w))
		}
		for _, d := range w {
			if d.Mark != "" {
				marks = append(marks, d.Day+d.Mark)
			}
		}
	}
	if strings.Join(marks, ",") != "14班,16休" {
		t.Errorf("marks %v", marks)
	}
}
