package handlers_test

import (
	"fmt"
	"testing"

	"hotline/testenv"
)

// TestTrustedProxyClientAddress: behind a trusted proxy the client is the
// right-most address the proxy added, so rotating the left part of
// X-Forwarded-For neither escapes the public rate limit nor the login
// throttle, and the throttle stores one address, not the header.
func TestTrustedProxyClientAddress(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true, Env: map[string]string{
		"HOTLINE_TRUSTED_PROXIES":   "127.0.0.1,10.200.0.0/16",
		"HOTLINE_PUBLIC_RATE_LIMIT": "20",
	}})
	limited := 0
	for i := range 60 {
		r := s.Do(t, testenv.Req{Method: "GET", Path: "/api/v1/public/track/NOPE" + fmt.Sprint(i),
			Header: map[string]string{"X-Forwarded-For": fmt.Sprintf("10.9.%d.1, 203.0.113.5", i), "X-Tracking-Secret": "guess"}})
		if r.Status == 429 {
			limited++
		}
	}
	// 60 guesses span at most two one-minute windows, so one of them saw 30 > 20
	if limited < 10 {
		t.Errorf("60 guesses through the proxy with rotating spoofed parts: %d answered 429", limited)
	}
	// another client behind the same proxy (and a trusted inner hop) is not limited
	r := s.Do(t, testenv.Req{Method: "GET", Path: "/api/v1/public/track/NOPE",
		Header: map[string]string{"X-Forwarded-For": "203.0.113.5, 203.0.113.6, 10.200.1.1", "X-Tracking-Secret": "guess"}})
	if r.Status == 429 {
		t.Errorf("a different client behind the proxy was limited: %s", r)
	}

	throttled := 0
	for i := range 15 {
		r := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/auth/login",
			Body:   map[string]string{"username": "admin", "password": "wrong-password"},
			Header: map[string]string{"X-Forwarded-For": fmt.Sprintf("10.9.%d.1, 203.0.113.5", i)}})
		switch r.Status {
		case 401:
		case 429:
			throttled++
		default:
			t.Fatalf("login %d: %s", i, r)
		}
	}
	if throttled == 0 {
		t.Errorf("15 failed logins through the proxy with rotating spoofed parts were never throttled")
	}
	var ips []string
	if err := s.DB(t).Select(&ips, `SELECT DISTINCT client_ip FROM login_failures`); err != nil {
		t.Fatal(err)
	}
	if len(ips) != 1 || ips[0] != "203.0.113.5" {
		t.Errorf("login_failures.client_ip = %q, want only the client's address", ips)
	}
}
