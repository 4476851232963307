package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hotline/domain"
)

// TestProposalExtensionBadMonths: months that are not a number are refused
// beside the field; nothing is extended.
func TestProposalExtensionBadMonths(t *testing.T) {
	w := newWorld(t)
	mgr := w.signIn(t, domain.RoleManager)
	rec := fmt.Sprintf("/console/proposals/%d", w.proposal(t, "UA"))
	p := mgr.Post(rec+"/extensions", url.Values{"months": {"abc"}, "reason": {"需要跨部门协调"}})
	if p.Status != http.StatusUnprocessableEntity || fieldError(p, "extend-months") == "" || strings.Contains(p.Text(), "已延期") {
		t.Fatalf("months=abc: %d %q", p.Status, fieldError(p, "extend-months"))
	}
	if tl := mgr.Get(rec).Section("办理记录"); strings.Contains(tl, "延期") {
		t.Errorf("timeline after the refused extension: %s", tl)
	}
}

// TestProposalDecisionNeedsChoice: the answer is approved or sent back only
// when the form says which; anything else is refused beside the buttons.
func TestProposalDecisionNeedsChoice(t *testing.T) {
	w := newWorld(t)
	mgr, staff := w.signIn(t, domain.RoleManager), w.signIn(t, domain.RoleUnitStaff)
	rec := fmt.Sprintf("/console/proposals/%d", w.proposal(t, "UA"))
	if a := staff.Post(rec+"/answer", url.Values{"category": {"A"}, "body": {"已增开。"}, "answered_on": {today()}}); a.Status != 200 {
		t.Fatalf("answer: %d %s", a.Status, a.Text())
	}
	for _, d := range []url.Values{{}, {"decision": {"aprove"}}} {
		p := mgr.Post(rec+"/answer/decision", d)
		if p.Status != http.StatusUnprocessableEntity || fieldError(p, "decide-decision") == "" {
			t.Errorf("decision %v: %d %q", d, p.Status, fieldError(p, "decide-decision"))
		}
	}
	if tl := mgr.Get(rec).Section("办理记录"); strings.Contains(tl, "审核通过") {
		t.Errorf("approved without a decision: %s", tl)
	}
}
