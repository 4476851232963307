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
