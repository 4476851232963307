package core_test

import (
	"context"
	"testing"

	"hotline/core"
	"hotline/delivery"
	"hotline/domain"
)

// reveals counts the audit rows recording that v was shown full phone
// numbers in the answer to an action.
func reveals(t *testing.T, f *fixture, v domain.Viewer, a domain.Action) int {
	t.Helper()
	rows, _, err := f.core.AuditLog(f.ctx, core.AuditQuery{Action: "phone_viewed", Actor: v.Username}, core.Page{Limit: core.MaxPageSize})
	if err != nil {
		t.Fatalf("read audit log: %v", err)
	}
	n := 0
	for _, r := range rows {
		if r.Detail == "answer to "+string(a) {
			n++
		}
	}
	return n
}

// Every action answer that shows a full phone number writes one audit row;
// the same answers to unit roles carry the number masked and write none.
func TestActionAnswersAuditPhoneReveals(t *testing.T) {
	f := newFixture(t, func(s *core.Settings) { s.DeliveryMaxRetry = 0 })
	check := func(what string, v domain.Viewer, a domain.Action, phone string, want int) {
		t.Helper()
		if got := reveals(t, f, v, a); got != want {
			t.Errorf("%s: %d audit rows for %s, want %d", what, got, v.Username, want)
		}
		if want == 0 && phone != "" && phone != "138****5678" {
			t.Errorf("%s: unit role shown %q", what, phone)
		}
	}
	phoneOf := func(v core.ItemView) string {
		if v.Citizen == nil {
			return ""
		}
		return v.Citizen.Phone
	}

	id := f.call(t, "13812345678")
	out, err := f.core.Dispatch(f.ctx, f.operator, id, core.DispatchInput{PrimaryUnitCode: "U1"})
	if err != nil {
		t.Fatal(err)
	}
	check("dispatch", f.operator, domain.ActDispatch, phoneOf(out), 1)
	if out, err = f.core.Accept(f.ctx, f.staff, id); err != nil {
		t.Fatal(err)
	}
	check("accept by unit staff", f.staff, domain.ActAccept, phoneOf(out), 0)

	ext, err := f.core.RequestExtension(f.ctx, f.head, id, core.ExtensionInput{Workdays: 2, Reason: "需现场勘查"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.core.DecideExtension(f.ctx, f.manager, id, ext.ID, true, core.DecisionInput{}); err != nil {
		t.Fatal(err)
	}
	check("extension approved", f.manager, domain.ActApproveExt, "", 1)

	if _, err := f.core.Reply(f.ctx, f.staff, id, core.ReplyInput{Body: "已修复", Final: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.core.Close(f.ctx, f.operator, id, core.DecisionInput{}); err != nil {
		t.Fatal(err)
	}
	check("close", f.operator, domain.ActClose, "", 1)
	if _, err := f.core.Reopen(f.ctx, f.operator, id, core.ReasonInput{Reason: "群众反映未修好"}); err != nil {
		t.Fatal(err)
	}
	check("reopen", f.operator, domain.ActReopen, "", 1)

	dup := f.call(t, "13900001111")
	if _, err := f.core.Merge(f.ctx, f.operator, dup, core.MergeInput{IntoID: id}); err != nil {
		t.Fatal(err)
	}
	check("merge", f.operator, domain.ActMerge, "", 1)

	answered := f.answered(t)
	d := onlyDelivery(t, f, answered)
	if err := f.core.SendDelivery(f.ctx, d.ID, &failing{err: delivery.Permanent(context.DeadlineExceeded)}); err != nil {
		t.Fatal(err)
	}
	rd, err := f.core.RetryDelivery(f.ctx, f.operator, answered, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rd.To != "13812345678" {
		t.Fatalf("retried delivery to %q; want the full number", rd.To)
	}
	check("retry delivery", f.operator, domain.ActRetryDelivery, "", 1)

	letter, err := f.core.CreateLetter(f.ctx, core.LetterInput{Name: "李四", Phone: "13700001111", Kind: "suggestion",
		Title: "建议增设公交站", Content: "建议在文三路增设公交站", PublishConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	letters, _, err := f.core.ListItems(f.ctx, f.manager, core.ItemQuery{Channel: "mailbox"}, core.Page{Limit: 1})
	if err != nil || len(letters) != 1 || letters[0].TrackingCode != letter.TrackingCode {
		t.Fatalf("find the letter: %v %+v", err, letters)
	}
	lid := letters[0].ID
	if _, err := f.core.Dispatch(f.ctx, f.operator, lid, core.DispatchInput{PrimaryUnitCode: "U1"}); err != nil {
		t.Fatal(err)
	}
	f.accept(t, lid)
	if _, err := f.core.Reply(f.ctx, f.staff, lid, core.ReplyInput{Body: "已研究采纳", Final: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.core.Publish(f.ctx, f.manager, lid); err != nil {
		t.Fatal(err)
	}
	check("publish", f.manager, domain.ActPublish, "", 1)
}
