package handlers_test

import (
	"fmt"
	"sync"
	"testing"

	"hotline/testenv"
)

type userRow struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Role     string `json:"role"`
	Active   bool   `json:"active"`
}

func listUsers(t *testing.T, s *testenv.Server, token string) map[string]userRow {
	t.Helper()
	var list struct {
		Items []userRow `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/users?limit=100", Token: token}).Decode(t, &list)
	out := map[string]userRow{}
	for _, u := range list.Items {
		out[u.Username] = u
	}
	return out
}

func patchUser(s *testenv.Server, t *testing.T, token string, id int64, body map[string]any) *testenv.Resp {
	t.Helper()
	return s.Do(t, testenv.Req{Method: "PATCH", Path: fmt.Sprintf("/api/v1/users/%d", id), Token: token, Body: body})
}

// TestLastAdminStays: the last active admin can be neither demoted nor
// deactivated (422 naming the field), so that someone can always manage the
// accounts and the next start finds its admin; with two admins, one may go,
// and two admins removing each other at once leave one.
func TestLastAdminStays(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	admin := s.Admin(t)
	first := listUsers(t, s, admin)["admin"]
	for field, body := range map[string]map[string]any{
		"role":   {"role": "manager"},
		"active": {"active": false},
	} {
		r := patchUser(s, t, admin, first.ID, body)
		if r.Status != 422 {
			t.Fatalf("removing the last admin by %s: %s", field, r)
		}
		expectProblemField(t, r, field)
	}
	if u := listUsers(t, s, admin)["admin"]; u.Role != "admin" || !u.Active {
		t.Fatalf("the last admin changed after a refusal: %+v", u)
	}
	// another change of the last admin is fine
	if r := patchUser(s, t, admin, first.ID, map[string]any{"role": "admin", "active": true}); r.Status != 200 {
		t.Errorf("a change that keeps the admin: %s", r)
	}

	// with a second admin, either may go, but not both
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/users", Token: admin,
		Body: map[string]any{"username": "admin2", "password": "admin2-password", "role": "admin"}})
	second := listUsers(t, s, admin)["admin2"]
	admin2 := s.Login(t, "admin2", "admin2-password")
	var (
		wg       sync.WaitGroup
		statuses [2]int
	)
	for i, target := range []struct {
		token string
		id    int64
	}{{admin2, first.ID}, {admin, second.ID}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.TryDo(testenv.Req{Method: "PATCH", Path: fmt.Sprintf("/api/v1/users/%d", target.id), Token: target.token,
				Body: map[string]any{"active": false}})
			if err != nil {
				t.Error(err)
				return
			}
			statuses[i] = r.Status
		}()
	}
	wg.Wait()
	// the loser either was refused (422) or lost its session to the winner (401)
	ok := 0
	for _, st := range statuses {
		switch st {
		case 200:
			ok++
		case 422, 401:
		default:
			t.Errorf("deactivating each other: %v", statuses)
		}
	}
	if ok != 1 {
		t.Errorf("deactivating each other at once: %v, want exactly one 200", statuses)
	}
	var left *userRow
	for _, tok := range []string{admin, admin2} {
		if r := s.Do(t, testenv.Req{Method: "GET", Path: "/api/v1/users?limit=100", Token: tok}); r.Status == 200 {
			users := listUsers(t, s, tok)
			n := 0
			for _, u := range users {
				if u.Role == "admin" && u.Active {
					n++
					left = &u
				}
			}
			if n != 1 {
				t.Errorf("%d active admins left, want 1: %v", n, users)
			}
			break
		}
	}
	if left == nil {
		t.Fatal("no admin can log in any more")
	}
}
