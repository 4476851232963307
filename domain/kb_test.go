package domain

import (
	"errors"
	"testing"
	"time"
)

func TestKBMove(t *testing.T) {
	admin := Viewer{Role: RoleAdmin}
	mgr := Viewer{Role: RoleManager}
	op := Viewer{Role: RoleOperator}
	owner := Viewer{Role: RoleUnitStaff, UnitCode: "TAXI"}
	head := Viewer{Role: RoleUnitHead, UnitCode: "TAXI"}
	other := Viewer{Role: RoleUnitHead, UnitCode: "ROAD"}
	for _, c := range []struct {
		v        Viewer
		from, to KBStatus
		want     error
	}{
		{admin, KBDraft, KBPublished, nil},
		{mgr, KBDraft, KBPublished, nil},
		{mgr, KBExpired, KBPublished, nil},
		{owner, KBDraft, KBPublished, ErrForbidden}, // publishing is a reviewer's act
		{head, KBExpired, KBPublished, ErrForbidden},
		{owner, KBPublished, KBDraft, nil},
		{owner, KBPublished, KBExpired, nil},
		{head, KBExpired, KBDraft, nil},
		{other, KBPublished, KBExpired, ErrForbidden}, // not their unit's article
		{op, KBPublished, KBExpired, ErrForbidden},    // operators read, never write
		{admin, KBDraft, KBExpired, ErrInvalidTransition},
		{owner, KBDraft, KBDraft, nil},
	} {
		err := KBMove(c.v, "TAXI", c.from, c.to)
		if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("KBMove(%s/%s, %s → %s) = %v, want %v", c.v.Role, c.v.UnitCode, c.from, c.to, err, c.want)
		}
	}
}

func TestKBSeeAndEdit(t *testing.T) {
	for _, c := range []struct {
		v          Viewer
		owner      string
		edit       bool
		seeDraft   bool
		seePublish bool
	}{
		{Viewer{Role: RoleAdmin}, "TAXI", true, true, true},
		{Viewer{Role: RoleManager}, "", true, true, true},
		{Viewer{Role: RoleOperator}, "TAXI", false, false, true},
		{Viewer{Role: RoleUnitStaff, UnitCode: "TAXI"}, "TAXI", true, true, true},
		{Viewer{Role: RoleUnitStaff, UnitCode: "TAXI"}, "ROAD", false, false, true},
		{Viewer{Role: RoleUnitHead, UnitCode: "TAXI"}, "", false, false, true}, // an article without owner is the reviewers'
	} {
		if got := c.v.MayEditKB(c.owner); got != c.edit {
			t.Errorf("%v MayEditKB(%q) = %v", c.v, c.owner, got)
		}
		if got := c.v.MaySeeKB(KBDraft, c.owner); got != c.seeDraft {
			t.Errorf("%v MaySeeKB(draft, %q) = %v", c.v, c.owner, got)
		}
		if got := c.v.MaySeeKB(KBPublished, c.owner); got != c.seePublish {
			t.Errorf("%v MaySeeKB(published, %q) = %v", c.v, c.owner, got)
		}
	}
}

func TestKBOffered(t *testing.T) {
	day := func(s string) *time.Time {
		d, _ := time.Parse(time.DateOnly, s)
		return &d
	}
	today := *day("2026-11-26")
	for _, c := range []struct {
		s           KBStatus
		from, until *time.Time
		want        bool
	}{
		{KBPublished, nil, nil, true},
		{KBPublished, day("2026-11-26"), day("2026-11-26"), true}, // both ends count
		{KBPublished, nil, day("2026-11-25"), false},              // past valid_until
		{KBPublished, day("2026-11-27"), nil, false},              // not yet valid
		{KBDraft, nil, nil, false},
		{KBExpired, nil, day("2027-01-01"), false},
	} {
		if got := KBOffered(c.s, c.from, c.until, today); got != c.want {
			t.Errorf("KBOffered(%s, %v, %v) = %v", c.s, c.from, c.until, got)
		}
	}
}

func TestKBAction(t *testing.T) {
	for _, c := range []struct {
		from, to KBStatus
		want     string
	}{
		{"", KBDraft, "created"}, {KBDraft, KBDraft, "updated"}, {KBDraft, KBPublished, "published"},
		{KBPublished, KBExpired, "expired"}, {KBPublished, KBDraft, "returned_to_draft"},
	} {
		if got := KBAction(c.from, c.to); got != c.want {
			t.Errorf("KBAction(%s, %s) = %s, want %s", c.from, c.to, got, c.want)
		}
	}
}
