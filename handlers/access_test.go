package handlers_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"hotline/domain"
	"hotline/handlers"
	"hotline/testenv"
)

// department is a server with items on two units and an account of every
// role: the TAXI item has ROAD co-handling; BUS has an item of its own.
type department struct {
	s                 *testenv.Server
	tokens            map[string]string // by account name
	taxiItem, busItem item
	confidential      item
}

func newDepartment(t *testing.T) *department {
	t.Helper()
	s, op := setup(t, testenv.Options{})
	d := &department{s: s, tokens: map[string]string{
		"admin":      s.Admin(t),
		"manager":    s.User(t, "manager", ""),
		"operator":   op,
		"taxi_head":  s.User(t, "unit_head", "TAXI"),
		"taxi_staff": s.User(t, "unit_staff", "TAXI"),
		"road_staff": s.User(t, "unit_staff", "ROAD"),
		"bus_head":   s.User(t, "unit_head", "BUS"),
		"bus_staff":  s.User(t, "unit_staff", "BUS"),
	}}
	taxi := call(t, s, op, map[string]any{"caller_name": "张三", "caller_phone": "13812345678", "kind": "complaint", "content": "出租车拒载"})
	bus := call(t, s, op, map[string]any{"caller_name": "赵六", "caller_phone": "13987654321", "kind": "consultation", "content": "公交线路"})
	conf := call(t, s, op, map[string]any{"caller_name": "钱七", "caller_phone": "13611112222", "kind": "report", "content": "举报出租车司机", "confidential": true})
	d.taxiItem = waitStatus(t, s, op, taxi.ID, "dispatched")
	d.busItem = waitStatus(t, s, op, bus.ID, "dispatched")
	d.confidential = waitStatus(t, s, op, conf.ID, "dispatched")
	return d
}

func TestUnitScopingAndMasking(t *testing.T) {
	t.Parallel()
	d := newDepartment(t)
	s := d.s
	path := func(it item) string { return fmt.Sprintf("/api/v1/items/%d", it.ID) }
	cases := []struct {
		account          string
		taxi, bus        int
		phone            string // as the account sees the TAXI item's caller
		seesConfidential bool
		listed           []int64
	}{
		{"admin", 200, 200, "13812345678", true, []int64{d.taxiItem.ID, d.busItem.ID, d.confidential.ID}},
		{"manager", 200, 200, "13812345678", true, []int64{d.taxiItem.ID, d.busItem.ID, d.confidential.ID}},
		{"operator", 200, 200, "13812345678", true, []int64{d.taxiItem.ID, d.busItem.ID, d.confidential.ID}},
		{"taxi_head", 200, 404, "138****5678", false, []int64{d.taxiItem.ID, d.confidential.ID}},
		{"taxi_staff", 200, 404, "138****5678", false, []int64{d.taxiItem.ID, d.confidential.ID}},
		{"road_staff", 200, 404, "138****5678", false, []int64{d.taxiItem.ID, d.confidential.ID}},
		{"bus_head", 404, 200, "", false, []int64{d.busItem.ID}},
		{"bus_staff", 404, 200, "", false, []int64{d.busItem.ID}},
	}
	for _, c := range cases {
		tok := d.tokens[c.account]
		r := s.Do(t, testenv.Req{Method: "GET", Path: path(d.taxiItem), Token: tok})
		if r.Status != c.taxi {
			t.Errorf("%s reads the TAXI item: %d", c.account, r.Status)
		}
		if r.Status == 200 {
			var it item
			r.Decode(t, &it)
			if it.Citizen == nil || (*it.Citizen)["phone"] != c.phone {
				t.Errorf("%s sees the caller as %v, want phone %s", c.account, it.Citizen, c.phone)
			}
		}
		if r := s.Do(t, testenv.Req{Method: "GET", Path: path(d.busItem), Token: tok}); r.Status != c.bus {
			t.Errorf("%s reads the BUS item: %d", c.account, r.Status)
		}
		if r := s.Do(t, testenv.Req{Method: "GET", Path: path(d.confidential), Token: tok}); r.Status == 200 {
			var it item
			r.Decode(t, &it)
			if (it.Citizen != nil) != c.seesConfidential {
				t.Errorf("%s sees the confidential citizen: %v", c.account, it.Citizen)
			}
		}
		var list struct {
			Items []item `json:"items"`
		}
		s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items", Token: tok}).Decode(t, &list)
		var got []int64
		for _, it := range list.Items {
			got = append(got, it.ID)
		}
		slices.Sort(got)
		want := slices.Clone(c.listed)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s lists %v, want %v", c.account, got, want)
		}
	}
	// every full phone number shown is in the audit log; masked ones are not
	var audit struct {
		Items []struct {
			Username string `json:"username"`
			Action   string `json:"action"`
		} `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: fmt.Sprintf("/api/v1/audit-log?item_id=%d", d.taxiItem.ID), Token: d.tokens["admin"]}).Decode(t, &audit)
	readers := map[string]int{}
	for _, e := range audit.Items {
		if e.Action == "phone_viewed" {
			readers[strings.SplitN(e.Username, "_", 2)[0]]++
		}
	}
	for _, who := range []string{"admin", "manager", "operator"} {
		if readers[who] == 0 {
			t.Errorf("no audit entry for the %s's reads: %v", who, readers)
		}
	}
	if readers["unit"] != 0 {
		t.Errorf("masked reads were audited: %v", readers)
	}
	// acting on another unit's item: 404, and nothing changes
	before := getItem(t, s, d.tokens["admin"], d.taxiItem.ID)
	for _, act := range []struct{ path, body string }{
		{"/accept", ""}, {"/return", `{"reason":"不是我们的"}`}, {"/replies", `{"body":"答复","final":true}`},
		{"/extensions", `{"workdays":3,"reason":"x"}`},
	} {
		r := s.Do(t, testenv.Req{Method: "POST", Path: path(d.taxiItem) + act.path, Token: d.tokens["bus_head"], Body: act.body})
		if r.Status != 404 {
			t.Errorf("BUS acting %s on the TAXI item: %s", act.path, r)
		}
	}
	after := getItem(t, s, d.tokens["admin"], d.taxiItem.ID)
	if after.Status != before.Status || len(after.Events) != len(before.Events) {
		t.Errorf("another unit's attempts changed the item: %v → %v", before.actions(), after.actions())
	}
}

// TestAuthorizationMatrix walks the route table: every staff endpoint with a
// token of every role. A role the route does not allow gets 403; an allowed
// role never does (another unit's item is 404 instead); no token is 401. A new
// endpoint is covered without writing a test for it.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	d := newDepartment(t)
	s := d.s
	byRole := map[domain.Role]string{
		domain.RoleAdmin: d.tokens["admin"], domain.RoleManager: d.tokens["manager"], domain.RoleOperator: d.tokens["operator"],
		domain.RoleUnitHead: d.tokens["bus_head"], domain.RoleUnitStaff: d.tokens["bus_staff"],
	}
	fill := strings.NewReplacer(":id", fmt.Sprint(d.taxiItem.ID), ":code", "TAXI", ":year", "2026", ":eid", "999999",
		":rid", "999999", ":did", "999999", ":token", "no-such-token")
	before := getItem(t, s, d.tokens["admin"], d.taxiItem.ID)
	checked := 0
	for _, r := range handlers.Routes() {
		path := fill.Replace(r.Path)
		if r.Access != "staff" {
			continue
		}
		if r.Path == "/api/v1/auth/logout" {
			continue // ends the session; tested on its own
		}
		if res := s.Do(t, testenv.Req{Method: r.Method, Path: path, Body: "{}"}); res.Status != 401 {
			t.Errorf("%s %s without a token: %d", r.Method, r.Path, res.Status)
		}
		for _, role := range domain.Roles() {
			res := s.Do(t, testenv.Req{Method: r.Method, Path: path, Token: byRole[role], Body: "{}"})
			allowed := r.Roles == nil || slices.Contains(r.Roles, role)
			switch {
			case !allowed && res.Status != 403:
				t.Errorf("%s %s as %s: want 403, got %s", r.Method, r.Path, role, res)
			case allowed && (res.Status == 403 || res.Status == 401):
				t.Errorf("%s %s as %s (allowed): got %s", r.Method, r.Path, role, res)
			case allowed && role.IsUnitRole() && strings.Contains(r.Path, "/items/:id") && res.Status != 404:
				t.Errorf("%s %s as BUS %s on a TAXI item: want 404, got %s", r.Method, r.Path, role, res)
			}
			checked++
		}
	}
	if checked < 150 {
		t.Fatalf("only %d checks: is the route table empty?", checked)
	}
	after := getItem(t, s, d.tokens["admin"], d.taxiItem.ID)
	if after.Status != before.Status || len(after.Events) != len(before.Events) {
		t.Errorf("the matrix changed the TAXI item: %v → %v", before.actions(), after.actions())
	}
}

func TestLoginLogoutAndThrottling(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	tok := s.Admin(t)
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/auth/me", Token: tok})
	s.Expect(t, 204, testenv.Req{Method: "POST", Path: "/api/v1/auth/logout", Token: tok})
	r := s.Expect(t, 401, testenv.Req{Method: "GET", Path: "/api/v1/auth/me", Token: tok})
	if p := r.Map(t); p["code"] != "unauthorized" {
		t.Errorf("after logout: %v", p)
	}
	s.Expect(t, 401, testenv.Req{Method: "GET", Path: "/api/v1/units", Token: "made-up"})
	// wrong passwords: 401 ten times, then 429 with Retry-After, even with the
	// right password
	for i := range 10 {
		r := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"username": "admin", "password": "wrong"}})
		if r.Status != 401 {
			t.Fatalf("failure %d: %s", i+1, r)
		}
	}
	r = s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"username": "admin", "password": testenv.AdminPassword}})
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("after 10 failures: %s (Retry-After %q)", r, r.Header.Get("Retry-After"))
	}
	// deactivating a user ends their sessions at once
	s2 := testenv.NewServer(t, testenv.Options{NoWorker: true})
	s2.Unit(t, "U1", "单位一")
	staff := s2.User(t, "unit_staff", "U1")
	var users struct {
		Items []struct {
			ID       int64  `json:"id"`
			Username string `json:"username"`
		} `json:"items"`
	}
	s2.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/users", Token: s2.Admin(t)}).Decode(t, &users)
	var id int64
	for _, u := range users.Items {
		if strings.HasPrefix(u.Username, "unit_staff_") {
			id = u.ID
		}
	}
	s2.Expect(t, 200, testenv.Req{Method: "PATCH", Path: fmt.Sprintf("/api/v1/users/%d", id), Token: s2.Admin(t), Body: map[string]any{"active": false}})
	s2.Expect(t, 401, testenv.Req{Method: "GET", Path: "/api/v1/items", Token: staff})
}
