package handlers_test

import (
	"fmt"
	"testing"
	"time"

	"hotline/testenv"
)

// propagation is how long a change made on one API process may take to
// reach another: the database's announcement, well under a second. A
// process that missed it would keep its copy for a minute (the caches' most).
const propagation = 3 * time.Second

// TestChangesReachEveryProcess: sessions, users and routing rules are kept in
// each process's memory, and a change made through one process takes effect
// on the others at once — a logout, a deactivation, a rule edited by an
// admin on another node.
func TestChangesReachEveryProcess(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	second := s.SecondAPI()
	me := func(base, token string) int {
		return s.Do(t, testenv.Req{Base: base, Method: "GET", Path: "/api/v1/auth/me", Token: token}).Status
	}

	t.Run("logout", func(t *testing.T) {
		token := s.User(t, "operator", "")
		for range 3 { // read, then served from the second process's memory
			if st := me(second, token); st != 200 {
				t.Fatalf("a live token on the second process: %d", st)
			}
		}
		s.Expect(t, 204, testenv.Req{Method: "POST", Path: "/api/v1/auth/logout", Token: token})
		if st := me(s.URL, token); st != 401 {
			t.Fatalf("the process that logged out still takes the token: %d", st)
		}
		testenv.Eventually(t, propagation, "the second process to refuse a logged-out token", func() bool {
			return me(second, token) == 401
		})
	})

	t.Run("deactivated user", func(t *testing.T) {
		token := s.User(t, "unit_staff", "TAXI")
		var who struct {
			ID int64 `json:"id"`
		}
		s.Expect(t, 200, testenv.Req{Base: second, Method: "GET", Path: "/api/v1/auth/me", Token: token}).Decode(t, &who)
		s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: fmt.Sprintf("/api/v1/users/%d", who.ID), Token: s.Admin(t),
			Body: map[string]any{"active": false}})
		testenv.Eventually(t, propagation, "the second process to refuse a deactivated user's token", func() bool {
			return me(second, token) == 401
		})
	})

	t.Run("routing rule", func(t *testing.T) {
		// routing (the worker, on the first process) has the rules in memory
		first := call(t, s, op, map[string]any{"caller_phone": "13800138000", "kind": "complaint", "content": "地铁站电梯停运"})
		if it := waitRouted(t, s, op, first.ID); it.PrimaryUnitCode != nil {
			t.Fatalf("no rule matches yet, but routed to %s", *it.PrimaryUnitCode)
		}
		// an admin adds a rule on the second process
		s.Expect(t, 201, testenv.Req{Base: second, Method: "POST", Path: "/api/v1/routing-rules", Token: s.Admin(t),
			Body: map[string]any{"priority": 1, "keywords": []string{"地铁"}, "primary_unit_code": "BUS"}})
		testenv.Eventually(t, propagation, "routing on the first process to use the rule added on the second", func() bool {
			it := call(t, s, op, map[string]any{"caller_phone": "13800138000", "kind": "complaint", "content": "地铁站电梯停运"})
			it = waitRouted(t, s, op, it.ID)
			return it.PrimaryUnitCode != nil && *it.PrimaryUnitCode == "BUS"
		})
	})
}

// waitRouted waits for an item to leave status received.
func waitRouted(t *testing.T, s *testenv.Server, token string, id int64) item {
	t.Helper()
	var it item
	testenv.Eventually(t, 30*time.Second, fmt.Sprintf("item %d to be routed", id), func() bool {
		it = getItem(t, s, token, id)
		return it.Status != "received"
	})
	return it
}
