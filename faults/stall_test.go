package faults_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"hotline/testenv"
)

// patientClient gives up after a minute: a request that has not answered by
// then hung for the stall (whose requests end after 20 s, a bound loose
// enough for a race-instrumented suite on a busy machine).
var patientClient = &http.Client{Timeout: time.Minute}

type answer struct {
	status     int
	retryAfter string
	body       []byte
}

func send(s *testenv.Server, method, path, token, key string, body any) (answer, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := patientClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), body: b}, err
}

// TestDatabaseStalled: Postgres stops answering without closing anything, as
// under SIGSTOP or a hung host. Requests answer 503 with Retry-After instead
// of hanging until the stall ends; /readyz reports Postgres down and Redis
// up; when the stall ends, every call retried under its Idempotency-Key is
// stored and routed once.
func TestDatabaseStalled(t *testing.T) {
	t.Parallel()
	s, op := newDept(t, testenv.Options{DBProxy: true, Env: map[string]string{"HOTLINE_REQUEST_TIMEOUT": "20s"}})
	before := postCalls(t, s, op, 5, "before")
	routedOnce(t, s, len(before))

	s.Proxy.Stall()
	const clients = 8
	body := func(i int) map[string]any {
		return map[string]any{"caller_phone": fmt.Sprintf("1390000%04d", i), "kind": "complaint", "content": fmt.Sprintf("出租车拒载 stall %d", i)}
	}
	var wg sync.WaitGroup
	answers := make([]answer, clients)
	errs := make([]error, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i], errs[i] = send(s, "POST", "/api/v1/calls", op, fmt.Sprintf("stall-%d", i), body(i))
		}()
	}
	list, listErr := send(s, "GET", "/api/v1/items", op, "", nil)
	ready, readyErr := send(s, "GET", "/readyz", "", "", nil)
	wg.Wait()
	for i := range clients {
		if errs[i] != nil {
			t.Errorf("call %d during the stall got no answer: %v", i, errs[i])
		} else if answers[i].status != 503 || answers[i].retryAfter == "" {
			t.Errorf("call %d during the stall: %d %s (Retry-After %q)", i, answers[i].status, answers[i].body, answers[i].retryAfter)
		}
	}
	if listErr != nil || list.status != 503 {
		t.Errorf("item list during the stall: %d %s %v", list.status, list.body, listErr)
	}
	var probes map[string]string
	if readyErr != nil {
		t.Errorf("/readyz during the stall got no answer: %v", readyErr)
	} else if err := json.Unmarshal(ready.body, &probes); err != nil || ready.status != 503 ||
		probes["postgres"] != "down" || probes["redis"] != "up" {
		t.Errorf("/readyz during the stall: %d %s", ready.status, ready.body)
	}

	s.Proxy.Resume()
	testenv.Eventually(t, 20*time.Second, "/readyz to recover", func() bool {
		r, err := send(s, "GET", "/readyz", "", "", nil)
		return err == nil && r.status == 200
	})
	for i := range clients {
		testenv.Eventually(t, 20*time.Second, fmt.Sprintf("call %d to be stored on retry", i), func() bool {
			r, err := send(s, "POST", "/api/v1/calls", op, fmt.Sprintf("stall-%d", i), body(i))
			if err != nil || (r.status != 201 && r.status != 503) {
				t.Fatalf("retrying call %d after the stall: %v %d %s", i, err, r.status, r.body)
			}
			return r.status == 201
		})
	}
	routedOnce(t, s, len(before)+clients)
}
