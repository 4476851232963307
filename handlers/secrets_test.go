package handlers_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"hotline/testenv"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestTrackingSecretAndCaching: the tracking secret is accepted in a
// header (the query form of API.md still works) and never reaches the log;
// every API answer is Cache-Control: no-store.
func TestTrackingSecretAndCaching(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	s := testenv.NewServer(t, testenv.Options{NoWorker: true, Log: &logs})
	var rc struct {
		TrackingCode string `json:"tracking_code"`
		Secret       string `json:"secret"`
	}
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/public/letters",
		Body: map[string]any{"kind": "help", "title": "求助", "content": "公交卡丢了"}}).Decode(t, &rc)
	path := "/api/v1/public/track/" + rc.TrackingCode
	for _, r := range []testenv.Req{
		{Method: "GET", Path: path, Header: map[string]string{"X-Tracking-Secret": rc.Secret}},
		{Method: "GET", Path: path + "?secret=" + rc.Secret},
	} {
		res := s.Expect(t, 200, r)
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("tracking answer Cache-Control %q", cc)
		}
	}
	s.Expect(t, 404, testenv.Req{Method: "GET", Path: path, Header: map[string]string{"X-Tracking-Secret": "wrong" + rc.Secret}})
	s.Expect(t, 404, testenv.Req{Method: "GET", Path: path})

	admin := s.Admin(t)
	for _, r := range []testenv.Req{
		{Method: "GET", Path: "/api/v1/items", Token: admin},
		{Method: "GET", Path: "/api/v1/items/999999", Token: admin},
		{Method: "GET", Path: "/api/v1/auth/me", Token: admin},
		{Method: "GET", Path: "/api/v1/users", Token: admin},
	} {
		if cc := s.Do(t, r).Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s %s: Cache-Control %q, want no-store", r.Method, r.Path, cc)
		}
	}
	if !strings.Contains(logs.String(), `"msg":"http"`) {
		t.Fatalf("the access log was not captured: %.300s", logs.String())
	}
	if strings.Contains(logs.String(), rc.Secret) {
		t.Error("the tracking secret reached the log")
	}
}
