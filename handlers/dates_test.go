package handlers_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"hotline/testenv"
)

// TestDatesOutOfRange: every date or time a client sends lies between
// 2000-01-01 and 2100-01-01, else 422 naming the field; a platform item due
// in the year 9999 made every read of it answer 500.
func TestDatesOutOfRange(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	admin := s.Admin(t)
	key := map[string]string{"X-Api-Key": "platform-key"}
	names := func(r *testenv.Resp, field string) bool {
		return r.Status == 422 && strings.Contains(string(r.Body), `"field":"`+field+`"`)
	}
	for _, due := range []string{"9999-12-31T23:59:59Z", "2100-06-01T00:00:00+08:00", "1999-12-31T00:00:00Z"} {
		r := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/platform/items", Header: key,
			Body: map[string]any{"external_id": "E-" + due, "kind": "help", "content": "路灯坏了", "due_at": due}})
		if !names(r, "due_at") {
			t.Errorf("platform due_at %s: %s", due, r)
		}
	}
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/platform/items", Header: key,
		Body: map[string]any{"external_id": "E-ok", "kind": "help", "content": "路灯坏了", "due_at": "2099-12-31T00:00:00Z"}})

	post, _ := json.Marshal(map[string]any{"post_id": "M1", "author_id": "u1", "text": "问一下", "posted_at": "1900-01-01T00:00:00Z"})
	if r := signed(t, s, testenv.WebhookSecret, time.Now().Unix(), post); !names(r, "posted_at") {
		t.Errorf("microblog posted_at 1900: %s", r)
	}
	for _, c := range []struct{ path, field string }{
		{"/api/v1/stats?from=9999-01-01&to=9999-02-01", "from"},
		{"/api/v1/stats?from=2026-01-01&to=2200-01-01", "to"},
		{"/api/v1/items?from=9999-12-31", "from"},
		{"/api/v1/items?to=0001-01-01T00:00:00Z", "to"},
		{"/api/v1/calendar/9999", "year"},
		{"/api/v1/calendar/1999", "year"},
	} {
		if r := s.Do(t, testenv.Req{Method: "GET", Path: c.path, Token: admin}); !names(r, c.field) {
			t.Errorf("GET %s: %s, want 422 naming %s", c.path, r, c.field)
		}
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?from=2026-01-01", Token: admin})
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/calendar/2026", Token: admin})
}
