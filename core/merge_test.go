package core_test

import (
	"errors"
	"strings"
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

// A call logged at the desk with a similar item chosen is stored and merged
// in one transaction: merged, it is closed into the survivor with both
// timelines written; when the merge is refused, nothing at all is stored.
func TestLogCallMergesInOneTransaction(t *testing.T) {
	f := newFixture(t)
	survivor := f.answered(t)
	in := core.CallInput{CallerName: "李四", CallerPhone: "13900003333", Kind: "complaint", Content: "出租车拒载,再次反映"}
	calls := func() int64 {
		h, err := f.core.CallerHistory(f.ctx, f.manager, in.CallerPhone)
		if err != nil {
			t.Fatal(err)
		}
		return h.Total
	}

	merged, created, err := f.core.LogCall(f.ctx, f.operator, in, survivor)
	if err != nil || !created {
		t.Fatalf("log call merged into %d: created %v, %v", survivor, created, err)
	}
	if merged.Status != string(domain.Closed) || merged.MergedIntoID == nil || *merged.MergedIntoID != survivor {
		t.Fatalf("the call: status %s, merged into %v; want closed into %d", merged.Status, merged.MergedIntoID, survivor)
	}
	var actions []string
	for _, e := range f.item(t, merged.ID).Events {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, ",") != "created,merged" {
		t.Errorf("timeline of the call: %v; want created, merged", actions)
	}
	if ds := f.item(t, merged.ID).Deliveries; len(ds) != 1 || ds[0].To != in.CallerPhone {
		t.Errorf("deliveries of the call = %+v; want the survivor's answer", ds)
	}

	// an item merged away takes no merges: the refusal undoes the insert
	var ve domain.ValidationError
	_, _, err = f.core.LogCall(f.ctx, f.operator, in, merged.ID)
	if !errors.As(err, &ve) || ve[0].Field != "into_id" {
		t.Fatalf("log call merged into a merged item: %v; want a 422 on into_id", err)
	}
	if n := calls(); n != 1 {
		t.Errorf("%d items of the caller after a refused merge; want the first one only", n)
	}
	_, _, err = f.core.LogCall(f.ctx, f.operator, in, 999999)
	if !errors.As(err, &ve) || ve[0].Field != "into_id" {
		t.Fatalf("log call merged into no item: %v; want a 422 on into_id", err)
	}
	if n := calls(); n != 1 {
		t.Errorf("%d items of the caller after a merge into no item; want 1", n)
	}
}
