package core_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"hotline/core"
	"hotline/delivery"
	"hotline/domain"
)

// failing is a sender whose every attempt fails with err.
type failing struct {
	err   error
	calls int
}

func (s *failing) Send(context.Context, delivery.Message) error { s.calls++; return s.err }
func (s *failing) Name() string                                 { return "failing" }

// onlyDelivery returns the single delivery of an item.
func onlyDelivery(t *testing.T, f *fixture, id int64) core.DeliveryView {
	t.Helper()
	ds := f.item(t, id).Deliveries
	if len(ds) != 1 {
		t.Fatalf("item %d has %d deliveries, want 1", id, len(ds))
	}
	return ds[0]
}

// A message is tried once and DeliveryMaxRetry more times, then turns
// failed; an operator's retry grants as many attempts again; a permanent
// error fails it at once.
func TestDeliveryRetryAccounting(t *testing.T) {
	f := newFixture(t, func(s *core.Settings) {
		s.DeliveryMaxRetry, s.RetryBase, s.RetryMax = 2, time.Millisecond, time.Millisecond
	})
	id := f.answered(t)
	d := onlyDelivery(t, f, id)
	sender := &failing{err: errors.New("gateway down")}
	send := func(n int) {
		for range n {
			if err := f.core.SendDelivery(f.ctx, d.ID, sender); err != nil {
				t.Fatalf("send: %v", err)
			}
		}
	}
	send(2)
	if got := onlyDelivery(t, f, id); got.Status != domain.DeliveryPending || got.Attempts != 2 {
		t.Fatalf("after 2 failures: %s with %d attempts; want pending with 2", got.Status, got.Attempts)
	}
	send(2) // the third attempt is the last; the fourth finds it failed
	if got := onlyDelivery(t, f, id); got.Status != domain.DeliveryFailed || got.Attempts != 3 || sender.calls != 3 {
		t.Fatalf("after the ceiling: %s with %d attempts, %d sends; want failed with 3 and 3", got.Status, got.Attempts, sender.calls)
	}
	if _, err := f.core.RetryDelivery(f.ctx, f.operator, id, d.ID); err != nil {
		t.Fatalf("retry: %v", err)
	}
	send(4)
	if got := onlyDelivery(t, f, id); got.Status != domain.DeliveryFailed || got.Attempts != 6 || got.ManualRetries != 1 {
		t.Fatalf("after a manual retry: %s with %d attempts, %d manual retries; want failed with 6 and 1",
			got.Status, got.Attempts, got.ManualRetries)
	}

	id2 := f.answered(t)
	d2 := onlyDelivery(t, f, id2)
	if err := f.core.SendDelivery(f.ctx, d2.ID, &failing{err: delivery.Permanent(errors.New("no such number"))}); err != nil {
		t.Fatalf("send: %v", err)
	}
	if got := onlyDelivery(t, f, id2); got.Status != domain.DeliveryFailed || got.Attempts != 1 {
		t.Fatalf("after a permanent error: %s with %d attempts; want failed with 1", got.Status, got.Attempts)
	}
}

// The failed-delivery list masks every recipient, for every role, and shows
// none for a confidential citizen.
func TestFailedDeliveriesMaskRecipients(t *testing.T) {
	f := newFixture(t)
	answered := func(confidential bool, phone string) int64 {
		it, err := f.core.CreateCall(f.ctx, f.operator, core.CallInput{CallerName: "张三", CallerPhone: phone,
			Kind: "complaint", Title: "路灯不亮", Content: "小区门口路灯坏了一周", Confidential: confidential})
		if err != nil {
			t.Fatalf("create call: %v", err)
		}
		if _, err := f.core.Dispatch(f.ctx, f.operator, it.ID, core.DispatchInput{PrimaryUnitCode: "U1"}); err != nil {
			t.Fatalf("dispatch: %v", err)
		}
		f.accept(t, it.ID)
		if _, err := f.core.Reply(f.ctx, f.staff, it.ID, core.ReplyInput{Body: "已修复", Final: true}); err != nil {
			t.Fatalf("reply: %v", err)
		}
		d := onlyDelivery(t, f, it.ID)
		if err := f.core.SendDelivery(f.ctx, d.ID, &failing{err: delivery.Permanent(errors.New("no such number"))}); err != nil {
			t.Fatalf("send: %v", err)
		}
		return it.ID
	}
	secret, open := answered(true, "13811112222"), answered(false, "13833334444")
	for _, v := range []domain.Viewer{f.operator, f.manager} {
		list, err := f.core.FailedDeliveries(f.ctx, v, 50)
		if err != nil {
			t.Fatalf("failed deliveries as %s: %v", v.Role, err)
		}
		seen := 0
		for _, d := range list {
			switch d.ItemID {
			case secret:
				seen++
				if d.To != "" {
					t.Errorf("%s sees the confidential recipient %q", v.Role, d.To)
				}
			case open:
				seen++
				if d.To == "" || d.To == "13833334444" || d.To != delivery.MaskRecipient("13833334444") {
					t.Errorf("%s sees the recipient as %q, want it masked", v.Role, d.To)
				}
			}
		}
		if seen != 2 {
			t.Errorf("%s sees %d of the 2 failed deliveries", v.Role, seen)
		}
	}
}
