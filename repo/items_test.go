package repo_test

import (
	"slices"
	"testing"
	"time"

	"hotline/repo"
)

// TestListItemsFilters runs each filter of ListItems, alone and combined,
// over six items that differ in every field a filter reads. The last two
// were stored after the others but received earlier ("e" at the same moment
// as "b"), so that a dated list, ordered by received_at and id, differs from
// the id order and its pages must break the tie.
func TestListItemsFilters(t *testing.T) {
	s := newStore(t)
	s.units(t, "U1", "U2", "U3")
	s.categories(t, "C1", "C2")
	cst := time.FixedZone("CST", 8*3600)
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, cst) }
	past := time.Now().Add(-time.Hour)
	items := map[string]repo.Item{
		"a": s.item(t, func(it *repo.Item) {
			it.Kind, it.CategoryCode, it.ReceivedAt = "complaint", ptr("C1"), day(1, 10)
			it.Title, it.Content = "路灯不亮", "小区门口路灯坏了"
			it.Status, it.PrimaryUnitCode, it.CoUnitCodes, it.Overdue = "dispatched", ptr("U1"), []string{"U2"}, true
		}),
		"b": s.item(t, func(it *repo.Item) {
			it.Channel, it.Kind, it.CategoryCode, it.ReceivedAt = "mailbox", "suggestion", ptr("C2"), day(2, 10)
			it.Title, it.Content = "噪音", "夜间施工噪音 100% 扰民"
			it.Status, it.PrimaryUnitCode = "accepted", ptr("U2")
		}),
		"c": s.item(t, func(it *repo.Item) {
			it.Channel, it.Kind, it.ReceivedAt = "microblog", "consultation", day(3, 10)
			it.Title, it.Content = "咨询", "公积金提取_流程"
		}),
		"d": s.item(t, func(it *repo.Item) {
			it.Channel, it.Kind, it.ReceivedAt = "platform", "complaint", day(3, 20)
			it.Title, it.Content = "道路", "路面塌陷,路灯也坏了"
			it.Status, it.PrimaryUnitCode, it.CoUnitCodes = "replied", ptr("U3"), []string{"U1"}
			it.RepliedAt, it.VisitDueAt = &past, &past
		}),
		"e": s.item(t, func(it *repo.Item) {
			it.Kind, it.ReceivedAt = "consultation", day(2, 10)
			it.Title, it.Content = "其他", "无关内容"
		}),
		"f": s.item(t, func(it *repo.Item) {
			it.Kind, it.ReceivedAt = "suggestion", day(1, 5)
			it.Title, it.Content = "旧事", "早先的来信"
		}),
	}
	id := func(name string) int64 { return items[name].ID }

	for _, c := range []struct {
		name string
		f    repo.ItemFilter
		want []string // newest first
	}{
		{"no filter", repo.ItemFilter{}, []string{"f", "e", "d", "c", "b", "a"}},
		{"status", repo.ItemFilter{Status: "dispatched"}, []string{"a"}},
		{"status without items", repo.ItemFilter{Status: "closed"}, nil},
		{"unit_code as primary or co-handling unit", repo.ItemFilter{UnitCode: "U1"}, []string{"d", "a"}},
		{"unit_code of another unit", repo.ItemFilter{UnitCode: "U2"}, []string{"b", "a"}},
		{"channel", repo.ItemFilter{Channel: "mailbox"}, []string{"b"}},
		{"kind", repo.ItemFilter{Kind: "complaint"}, []string{"d", "a"}},
		{"category_code", repo.ItemFilter{CategoryCode: "C1"}, []string{"a"}},
		{"overdue", repo.ItemFilter{Overdue: ptr(true)}, []string{"a"}},
		{"not overdue", repo.ItemFilter{Overdue: ptr(false)}, []string{"f", "e", "d", "c", "b"}},
		{"visit due", repo.ItemFilter{VisitDue: ptr(true)}, []string{"d"}},
		{"visit not due", repo.ItemFilter{VisitDue: ptr(false)}, []string{"f", "e", "c", "b", "a"}},
		{"q in title or content", repo.ItemFilter{Q: "路灯"}, []string{"d", "a"}},
		{"q with % taken literally", repo.ItemFilter{Q: "100%"}, []string{"b"}},
		{"q of a lone %", repo.ItemFilter{Q: "%"}, []string{"b"}},
		{"q of a lone _", repo.ItemFilter{Q: "_"}, []string{"c"}},
		{"from, inclusive, by received time", repo.ItemFilter{From: ptr(day(2, 10))}, []string{"d", "c", "e", "b"}},
		{"to, exclusive, by received time", repo.ItemFilter{To: ptr(day(3, 10))}, []string{"e", "b", "a", "f"}},
		{"from and to", repo.ItemFilter{From: ptr(day(2, 1)), To: ptr(day(3, 1))}, []string{"e", "b"}},
		{"scope", repo.ItemFilter{ScopeUnit: "U1"}, []string{"d", "a"}},
		{"scope and unit_code", repo.ItemFilter{ScopeUnit: "U1", UnitCode: "U2"}, []string{"a"}},
		{"scope and status outside it", repo.ItemFilter{ScopeUnit: "U3", Status: "dispatched"}, nil},
		{"channel and kind", repo.ItemFilter{Channel: "hotline", Kind: "complaint"}, []string{"a"}},
		{"first page", repo.ItemFilter{Limit: 2}, []string{"f", "e"}},
		{"next page", repo.ItemFilter{BeforeID: id("c"), Limit: 2}, []string{"b", "a"}},
		{"after the last page", repo.ItemFilter{BeforeID: id("a"), Limit: 2}, nil},
		{"filtered pages", repo.ItemFilter{Kind: "complaint", Limit: 1}, []string{"d"}},
		{"filtered next page", repo.ItemFilter{Kind: "complaint", BeforeID: id("d"), Limit: 1}, []string{"a"}},
		{"dated first page", repo.ItemFilter{From: ptr(day(1, 1)), Limit: 2}, []string{"d", "c"}},
		{"dated next page", repo.ItemFilter{From: ptr(day(1, 1)), BeforeID: id("c"), Limit: 2}, []string{"e", "b"}},
		{"dated page inside a tie", repo.ItemFilter{From: ptr(day(1, 1)), BeforeID: id("e"), Limit: 2}, []string{"b", "a"}},
		{"dated last page", repo.ItemFilter{From: ptr(day(1, 1)), BeforeID: id("a"), Limit: 2}, []string{"f"}},
		{"dated after the last page", repo.ItemFilter{From: ptr(day(1, 1)), BeforeID: id("f"), Limit: 2}, nil},
		{"to, next page", repo.ItemFilter{To: ptr(day(3, 10)), BeforeID: id("e"), Limit: 2}, []string{"b", "a"}},
		{"dated and filtered next page", repo.ItemFilter{To: ptr(day(3, 1)), Kind: "consultation", BeforeID: id("e"), Limit: 2}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := c.f
			if f.Limit == 0 {
				f.Limit = 100
			}
			got, err := s.Q().ListItems(s.ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, it := range got {
				for name, want := range items {
					if want.ID == it.ID {
						names = append(names, name)
					}
				}
			}
			if !slices.Equal(names, c.want) {
				t.Errorf("ListItems(%+v) = %v, want %v", c.f, names, c.want)
			}
		})
	}
}
