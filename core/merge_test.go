package core_test

import (
	"errors"
	"testing"

	"hotline/core"
	"hotline/domain"
)

// A duplicate merged into an answered item closes pointing at it and its
// citizen is sent the survivor's answer; an item merged away cannot take
// merges, and an item cannot be merged into itself.
func TestMerge(t *testing.T) {
	f := newFixture(t)
	survivor := f.answered(t)
	dup := f.call(t, "13900001111")
	out, err := f.core.Merge(f.ctx, f.operator, dup, core.MergeInput{IntoID: survivor})
	if err != nil {
		t.Fatalf("merge: %v", err)
	}
	if out.Status != string(domain.Closed) || out.MergedIntoID == nil || *out.MergedIntoID != survivor {
		t.Fatalf("merged item: status %s, merged into %v; want closed into %d", out.Status, out.MergedIntoID, survivor)
	}
	ds := f.item(t, dup).Deliveries
	if len(ds) != 1 || ds[0].Status != domain.DeliveryPending || ds[0].To != "13900001111" {
		t.Fatalf("deliveries of the merged item = %+v; want the survivor's answer to its caller", ds)
	}

	other := f.call(t, "13900002222")
	var ve domain.ValidationError
	if _, err := f.core.Merge(f.ctx, f.operator, other, core.MergeInput{IntoID: dup}); !errors.As(err, &ve) || ve[0].Field != "into_id" {
		t.Fatalf("merge into a merged item: %v; want a 422 on into_id", err)
	}
	if _, err := f.core.Merge(f.ctx, f.operator, other, core.MergeInput{IntoID: other}); !errors.As(err, &ve) {
		t.Fatalf("merge into itself: %v; want a 422", err)
	}
	if _, err := f.core.Merge(f.ctx, f.staff, other, core.MergeInput{IntoID: survivor}); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("merge by unit staff: %v; want forbidden", err)
	}
}
