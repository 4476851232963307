package core_test

import (
	"testing"

	"hotline/core"
	"hotline/domain"
)

// A reply that committed is answered from what committed, even when the
// database goes away right after the commit (a restart): the client gets its
// 201, not a 503 whose retry then finds the key taken.
func TestReplyAnswersFromWhatCommitted(t *testing.T) {
	f := newFixture(t)
	id := f.dispatchedItem(t)
	f.accept(t, id)
	// completing the item schedules its deadlines after the commit; the
	// database disappears at that moment
	f.tasks.onSchedule = func() { _ = f.store.Close() }
	r, err := f.core.Reply(f.ctx, f.staff, id, core.ReplyInput{Body: "已修复", Final: true})
	if err != nil {
		t.Fatalf("reply after commit answered %v; want the stored reply", err)
	}
	if r.ID == 0 || r.Body != "已修复" || r.Status != domain.ReplyEffective || r.Author != "staff1" {
		t.Fatalf("reply = %+v; want the stored, effective reply by staff1", r)
	}
}
