package handlers_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"hotline/testenv"
)

func loginReq(user, pw string, extra ...map[string]string) testenv.Req {
	body := map[string]string{"username": user, "password": pw}
	for _, e := range extra {
		for k, v := range e {
			body[k] = v
		}
	}
	return testenv.Req{Method: "POST", Path: "/api/v1/auth/login", Body: body}
}

// TestLoginFloodFromOneAddress: parallel failures with distinct usernames
// from one address stop at exactly the per-address limit.
func TestLoginFloodFromOneAddress(t *testing.T) {
	t.Parallel()
	// 50 password checks queue for two hashing slots: under the race
	// detector on a busy machine that outlasts the default request deadline,
	// which is not what this test is about
	s := testenv.NewServer(t, testenv.Options{NoWorker: true, Env: map[string]string{"HOTLINE_REQUEST_TIMEOUT": "10m"}})
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		counts = map[int]int{}
	)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.TryDo(loginReq(fmt.Sprintf("nobody%d", i), "wrong-password"))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				counts[0]++
				return
			}
			counts[r.Status]++
		}()
	}
	wg.Wait()
	if counts[401] != 50 || counts[429] != 150 {
		t.Errorf("200 parallel failures from one address: %v, want 50×401 and 150×429", counts)
	}
}

// TestAccountLimitAcrossAddresses: failures for one account from many
// addresses are throttled too.
func TestAccountLimitAcrossAddresses(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true, Env: map[string]string{"HOTLINE_TRUSTED_PROXIES": "127.0.0.1"}})
	from := func(i int) map[string]string {
		return map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i)}
	}
	for i := range 30 {
		r := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/auth/login", Header: from(i),
			Body: map[string]string{"username": "admin", "password": "wrong-password"}})
		if r.Status != 401 {
			t.Fatalf("failure %d from its own address: %s", i+1, r)
		}
	}
	r := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/auth/login", Header: from(99),
		Body: map[string]string{"username": "admin", "password": testenv.AdminPassword}})
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Errorf("after 30 failures from 30 addresses: %s", r)
	}
	// other accounts from those addresses are not affected
	s.Expect(t, 401, testenv.Req{Method: "POST", Path: "/api/v1/auth/login", Header: from(1),
		Body: map[string]string{"username": "someone", "password": "wrong-password"}})
}

// TestPasswordPolicy: short, blank and common passwords are refused
// wherever a password is set; length counts characters, not bytes.
func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	admin := s.Admin(t)
	for i, pw := range []string{"12345678", "        ", "password", "Qwertyuiop", "密码太短了", "staff_weak5"} {
		r := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/users", Token: admin,
			Body: map[string]any{"username": "staff_weak" + fmt.Sprint(i), "password": pw, "role": "operator"}})
		if r.Status != 422 || !strings.Contains(string(r.Body), `"field":"password"`) {
			t.Errorf("password %q: %s", pw, r)
		}
	}
	for i, pw := range []string{"八个汉字的密码啊", strings.Repeat("长", 64), "tram-lilac-97-oven"} {
		name := fmt.Sprintf("staff_ok%d", i)
		s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/users", Token: admin,
			Body: map[string]any{"username": name, "password": pw, "role": "operator"}})
		s.Login(t, name, pw)
	}
}

// TestSessionsAreCapped: the eleventh login ends the oldest session.
func TestSessionsAreCapped(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	var toks []string
	for range 12 {
		toks = append(toks, s.Login(t, "admin", testenv.AdminPassword))
	}
	for i, tok := range toks {
		want := 200
		if i < 2 {
			want = 401
		}
		if r := s.Do(t, testenv.Req{Method: "GET", Path: "/api/v1/auth/me", Token: tok}); r.Status != want {
			t.Errorf("session %d of 12: %s, want %d", i+1, r, want)
		}
	}
	var live int
	if err := s.DB(t).Get(&live, `SELECT count(*) FROM sessions WHERE revoked_at IS NULL`); err != nil || live != 10 {
		t.Errorf("%d live sessions (%v), want 10", live, err)
	}
}

// TestChangeOwnPassword: with the old password, to one the policy allows;
// the other sessions end, this one stays.
func TestChangeOwnPassword(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	admin := s.Admin(t)
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/users", Token: admin,
		Body: map[string]any{"username": "op1", "password": "first-pass-phrase", "role": "operator"}})
	here := s.Login(t, "op1", "first-pass-phrase")
	there := s.Login(t, "op1", "first-pass-phrase")
	change := func(old, new string) *testenv.Resp {
		return s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/auth/password", Token: here,
			Body: map[string]string{"old_password": old, "new_password": new}})
	}
	for _, c := range []struct{ old, new, field string }{
		{"wrong-old-phrase", "second-pass-phrase", "old_password"},
		{"first-pass-phrase", "12345678", "new_password"},
		{"first-pass-phrase", "        ", "new_password"},
		{"first-pass-phrase", "first-pass-phrase", "new_password"},
	} {
		if r := change(c.old, c.new); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+c.field+`"`) {
			t.Errorf("change %q → %q: %s, want 422 naming %s", c.old, c.new, r, c.field)
		}
	}
	if r := change("first-pass-phrase", "second-pass-phrase"); r.Status != 204 {
		t.Fatalf("change: %s", r)
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/auth/me", Token: here})
	s.Expect(t, 401, testenv.Req{Method: "GET", Path: "/api/v1/auth/me", Token: there})
	s.Expect(t, 401, loginReq("op1", "first-pass-phrase"))
	s.Login(t, "op1", "second-pass-phrase")
}

// TestIdleSessionsEnd: a session unused for HOTLINE_SESSION_IDLE ends; use
// refreshes it, but not with a write on every request.
func TestIdleSessionsEnd(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	db := s.DB(t)
	idle := s.Login(t, "admin", testenv.AdminPassword)
	used := s.Login(t, "admin", testenv.AdminPassword)
	set := func(tok, ago string) {
		t.Helper()
		if _, err := db.Exec(`UPDATE sessions SET last_seen = now() - $2::interval
			WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, tok, ago); err != nil {
			t.Fatal(err)
		}
	}
	lastSeen := func(tok string) time.Time {
		t.Helper()
		var at time.Time
		if err := db.Get(&at, `SELECT last_seen FROM sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, tok); err != nil {
			t.Fatal(err)
		}
		return at
	}
	set(idle, "31 minutes")
	s.Expect(t, 401, testenv.Req{Method: "GET", Path: "/api/v1/auth/me", Token: idle})

	set(used, "5 minutes")
	before := lastSeen(used)
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/auth/me", Token: used})
	refreshed := lastSeen(used)
	if !refreshed.After(before.Add(4 * time.Minute)) {
		t.Errorf("last_seen %s not refreshed from %s", refreshed, before)
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/auth/me", Token: used})
	if again := lastSeen(used); !again.Equal(refreshed) {
		t.Errorf("a second request within the minute wrote last_seen again: %s → %s", refreshed, again)
	}
}

// TestTOTPSecondFactor: enrol, confirm, log in with a code (never the same
// code twice), and an admin's reset.
func TestTOTPSecondFactor(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	admin := s.Admin(t)
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/users", Token: admin,
		Body: map[string]any{"username": "mgr1", "password": "manager-pass-phrase", "role": "manager"}})
	tok := s.Login(t, "mgr1", "manager-pass-phrase")
	var enrol struct {
		Secret string `json:"secret"`
		URI    string `json:"otpauth_uri"`
	}
	s.Expect(t, 200, testenv.Req{Method: "POST", Path: "/api/v1/auth/totp", Token: tok}).Decode(t, &enrol)
	if enrol.Secret == "" || !strings.HasPrefix(enrol.URI, "otpauth://totp/") || !strings.Contains(enrol.URI, "mgr1") {
		t.Fatalf("enrolment %+v", enrol)
	}
	// not on until confirmed
	s.Login(t, "mgr1", "manager-pass-phrase")
	s.Expect(t, 422, testenv.Req{Method: "POST", Path: "/api/v1/auth/totp/confirm", Token: tok, Body: map[string]string{"code": "000000"}})
	now := time.Now()
	code, err := totp.GenerateCode(enrol.Secret, now)
	if err != nil {
		t.Fatal(err)
	}
	s.Expect(t, 204, testenv.Req{Method: "POST", Path: "/api/v1/auth/totp/confirm", Token: tok, Body: map[string]string{"code": code}})
	s.Expect(t, 409, testenv.Req{Method: "POST", Path: "/api/v1/auth/totp", Token: tok})

	if r := s.Do(t, loginReq("mgr1", "manager-pass-phrase")); r.Status != 401 || r.Map(t)["code"] != "otp_required" {
		t.Errorf("login without otp: %s", r)
	}
	if r := s.Do(t, loginReq("mgr1", "manager-pass-phrase", map[string]string{"otp": code})); r.Status != 401 || r.Map(t)["code"] != "bad_otp" {
		t.Errorf("login replaying the confirmation's code: %s", r)
	}
	next, _ := totp.GenerateCode(enrol.Secret, now.Add(30*time.Second))
	if r := s.Do(t, loginReq("mgr1", "wrong-pass-phrase", map[string]string{"otp": next})); r.Status != 401 || r.Map(t)["code"] != "bad_credentials" {
		t.Errorf("wrong password with a good code: %s", r)
	}
	s.Expect(t, 200, loginReq("mgr1", "manager-pass-phrase", map[string]string{"otp": next}))
	s.Expect(t, 401, loginReq("mgr1", "manager-pass-phrase", map[string]string{"otp": next}))

	// the secret is never shown again
	users := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/users", Token: admin})
	me := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/auth/me", Token: tok})
	if strings.Contains(string(users.Body), enrol.Secret) || strings.Contains(string(me.Body), enrol.Secret) {
		t.Error("the TOTP secret is shown after enrolment")
	}

	// a lost phone: the admin resets it
	var list struct {
		Items []struct {
			ID       int64  `json:"id"`
			Username string `json:"username"`
		} `json:"items"`
	}
	users.Decode(t, &list)
	var id int64
	for _, u := range list.Items {
		if u.Username == "mgr1" {
			id = u.ID
		}
	}
	s.Expect(t, 403, testenv.Req{Method: "DELETE", Path: fmt.Sprintf("/api/v1/users/%d/totp", id), Token: tok})
	s.Expect(t, 204, testenv.Req{Method: "DELETE", Path: fmt.Sprintf("/api/v1/users/%d/totp", id), Token: admin})
	s.Login(t, "mgr1", "manager-pass-phrase")
}
