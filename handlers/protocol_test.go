package handlers_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"hotline/handlers"
	"hotline/testenv"
)

// TestUnknownMethodIsProblem405: a method outside HTTP's standard set gets a
// 405 problem naming the methods served, like every other error.
func TestUnknownMethodIsProblem405(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	for _, method := range []string{"BREW", "PROPFIND", "get"} {
		req, err := http.NewRequest(method, s.URL+"/api/v1/items", nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var p struct {
			Status int    `json:"status"`
			Code   string `json:"code"`
			Title  string `json:"title"`
		}
		if res.StatusCode != 405 || res.Header.Get("Content-Type") != "application/problem+json" ||
			json.Unmarshal(body, &p) != nil || p.Status != 405 || p.Code != "method_not_allowed" || p.Title == "" ||
			!strings.Contains(res.Header.Get("Allow"), "GET") {
			t.Errorf("%s: %d %s %q (Allow %q)", method, res.StatusCode, res.Header.Get("Content-Type"), body, res.Header.Get("Allow"))
		}
	}
}

// TestRequestIDIsOurs: a client's X-Request-Id is not taken as ours; the
// access log carries our id and, apart, the client's.
func TestRequestIDIsOurs(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	s := testenv.NewServer(t, testenv.Options{NoWorker: true, Log: &logs})
	r := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/units", Token: s.Admin(t),
		Header: map[string]string{"X-Request-Id": "chosen-by-the-client"}})
	ours := r.Header.Get("X-Request-Id")
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(ours) {
		t.Fatalf("X-Request-Id %q is not an id of ours", ours)
	}
	found := false
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) != nil || line["msg"] != "http" || line["route"] != "/api/v1/units" {
			continue
		}
		found = true
		if line["request_id"] != ours || line["client_request_id"] != "chosen-by-the-client" {
			t.Errorf("access log: %s", sc.Bytes())
		}
	}
	if !found {
		t.Fatalf("no access log line for the request:\n%s", logs.String())
	}
}

// TestEmptyListsAreArrays: every list endpoint, on a fresh server, answers
// "items": [] when there is nothing to list, never null.
func TestEmptyListsAreArrays(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	admin := s.Admin(t)
	lists := 0
	for _, r := range handlers.Routes() {
		if r.Method != "GET" || strings.Contains(r.Path, ":") || (r.Access != "staff" && r.Access != "public") {
			continue
		}
		res := s.Do(t, testenv.Req{Method: "GET", Path: r.Path, Token: admin})
		var body map[string]json.RawMessage
		if res.Status != 200 || json.Unmarshal(res.Body, &body) != nil {
			continue
		}
		items, ok := body["items"]
		if !ok {
			continue
		}
		lists++
		if !bytes.HasPrefix(bytes.TrimSpace(items), []byte("[")) {
			t.Errorf("GET %s: items is %s, want an array", r.Path, items)
		}
	}
	// units, users, categories, routing rules, the audit log, items,
	// notifications, published letters
	if lists < 8 {
		t.Errorf("only %d list endpoints answered", lists)
	}
}

// TestBodyMustBeDeclaredJSON: a body is read only when its Content-Type is
// application/json or application/<x>+json, with at most charset=utf-8.
func TestBodyMustBeDeclaredJSON(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	admin := s.Admin(t)
	// an empty unit: 422 when the body is read, 415 when it is refused
	const body = `{"code":"","name":""}`
	for ct, want := range map[string]int{
		"application/json":                  422,
		"application/json; charset=utf-8":   422,
		"Application/JSON; Charset=UTF-8":   422,
		"application/merge-patch+json":      422,
		"":                                  415,
		"text/plain":                        415,
		"text/json":                         415,
		"application/jsonp":                 415,
		"application/x-www-form-urlencoded": 415,
		"application/+json":                 415,
		"text/plain; note=json":             415,
		"application/json; charset=latin1":  415,
		"application/json; version=2":       415,
		"application/json;":                 422,
		"application/json; charset":         415,
	} {
		req, err := http.NewRequest("POST", s.URL+"/api/v1/units", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+admin)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("Content-Type %q: %d %s, want %d", ct, res.StatusCode, b, want)
		}
	}
	// a body-less action needs no Content-Type
	s.Expect(t, 204, testenv.Req{Method: "POST", Path: "/api/v1/auth/logout", Token: s.Login(t, "admin", testenv.AdminPassword)})
}

// TestMetricsToken: with HOTLINE_METRICS_TOKEN set, /metrics wants it as a
// bearer token.
func TestMetricsToken(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true, Env: map[string]string{"HOTLINE_METRICS_TOKEN": "scrape-token-1"}})
	for _, tok := range []string{"", "wrong", "scrape-token-10", s.Admin(t)} {
		r := s.Expect(t, 401, testenv.Req{Method: "GET", Path: "/metrics", Token: tok})
		if !strings.Contains(r.Header.Get("Content-Type"), "problem+json") || r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("token %q: %s %v", tok, r, r.Header)
		}
	}
	r := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/metrics", Token: "scrape-token-1"})
	if !strings.Contains(string(r.Body), "hotline_http_requests_total") {
		t.Errorf("metrics: %.300s", r.Body)
	}
}
