package core_test

import (
	"errors"
	"testing"

	"hotline/core"
	"hotline/domain"
)

// One extension request waits at a time; approving it moves the due time
// later, rejecting it leaves the due time alone.
func TestExtensionDecisions(t *testing.T) {
	f := newFixture(t)
	id := f.dispatchedItem(t)
	f.accept(t, id)
	due := f.item(t, id).DueAt
	ext, err := f.core.RequestExtension(f.ctx, f.head, id, core.ExtensionInput{Workdays: 3, Reason: "需现场勘查"})
	if err != nil {
		t.Fatalf("request extension: %v", err)
	}
	if ext.Status != domain.ExtensionPending {
		t.Fatalf("new extension is %s, want pending", ext.Status)
	}
	if _, err := f.core.RequestExtension(f.ctx, f.head, id, core.ExtensionInput{Workdays: 2, Reason: "再延"}); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("second request while one waits: %v; want a conflict", err)
	}
	if _, err := f.core.DecideExtension(f.ctx, f.head, id, ext.ID, true, core.DecisionInput{}); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("unit head approving: %v; want forbidden", err)
	}
	it, err := f.core.DecideExtension(f.ctx, f.manager, id, ext.ID, true, core.DecisionInput{Note: "同意"})
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	if it.DueAt == nil || due == nil || !it.DueAt.After(*due) {
		t.Fatalf("due after approval %v; want later than %v", it.DueAt, due)
	}
	if got := f.item(t, id).Extensions[0].Status; got != domain.ExtensionApproved {
		t.Fatalf("extension is %s after approval", got)
	}

	ext2, err := f.core.RequestExtension(f.ctx, f.head, id, core.ExtensionInput{Workdays: 1, Reason: "材料未齐"})
	if err != nil {
		t.Fatalf("request after a decision: %v", err)
	}
	before := f.item(t, id).DueAt
	it, err = f.core.DecideExtension(f.ctx, f.manager, id, ext2.ID, false, core.DecisionInput{Note: "不同意"})
	if err != nil {
		t.Fatalf("reject: %v", err)
	}
	if !it.DueAt.Equal(*before) {
		t.Fatalf("due after rejection %v; want unchanged %v", it.DueAt, before)
	}
	if _, err := f.core.DecideExtension(f.ctx, f.manager, id, ext2.ID, true, core.DecisionInput{}); !errors.Is(err, domain.ErrInvalidTransition) && !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("deciding twice: %v; want a 409", err)
	}
}
