package faults_test

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"hotline/testenv"
)

// TestDatabaseUnreachable: while Postgres cannot be reached the API answers
// 503 with Retry-After, never 500, and recovers by itself.
func TestDatabaseUnreachable(t *testing.T) {
	t.Parallel()
	s, op := newDept(t, testenv.Options{DBProxy: true})
	s.Proxy.Cut()
	for _, r := range []testenv.Req{
		{Method: "POST", Path: "/api/v1/calls", Token: op, Body: map[string]any{"caller_phone": "13900000000", "kind": "help", "content": "x"}},
		{Method: "GET", Path: "/api/v1/items", Token: op},
		{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"username": "admin", "password": testenv.AdminPassword}},
		{Method: "POST", Path: "/api/v1/public/letters", Body: map[string]any{"kind": "help", "title": "t", "content": "c"}},
		{Method: "GET", Path: "/readyz"},
	} {
		res := s.Do(t, r)
		if res.Status != 503 || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s with the database down: %s (Retry-After %q)", r.Method, r.Path, res, res.Header.Get("Retry-After"))
		}
	}
	s.Proxy.Restore()
	var it struct {
		ID int64 `json:"id"`
	}
	testenv.Eventually(t, 10*time.Second, "intake to work again", func() bool {
		r := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Header: map[string]string{"Idempotency-Key": "after"},
			Body: map[string]any{"caller_phone": "13900000000", "kind": "complaint", "content": "出租车拒载"}})
		if r.Status == 201 {
			r.Decode(t, &it)
			return true
		}
		if r.Status != 503 {
			t.Fatalf("while recovering: %s", r)
		}
		return false
	})
	routedOnce(t, s, 1)
}

// TestConnectionsTerminatedUnderLoad: clients post calls with an
// Idempotency-Key and retry what fails, while every second every database
// connection of the server is terminated. Every key ends with one stored,
// routed item, and nothing answers 500.
func TestConnectionsTerminatedUnderLoad(t *testing.T) {
	t.Parallel()
	s, op := newDept(t, testenv.Options{})
	u, err := url.Parse(s.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	admin, err := sqlx.Connect("postgres", testenv.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	stop := make(chan struct{})
	var killed atomic.Int64
	var killer sync.WaitGroup
	killer.Add(1)
	go func() {
		defer killer.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				var n int64
				_ = admin.Get(&n, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1`, dbName)
				killed.Add(n)
			}
		}
	}()
	// clients post for five seconds: five rounds of terminations
	const clients = 8
	deadline := time.Now().Add(5 * time.Second)
	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		ids      = map[string]int64{}
		wg       sync.WaitGroup
	)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				key := fmt.Sprintf("c%d-%d", c, i)
				body := map[string]any{"caller_phone": fmt.Sprintf("139%04d%04d", c, i%10000), "kind": "complaint", "content": "出租车拒载 " + key}
				for attempt := 0; ; attempt++ {
					r, err := s.TryDo(testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Body: body,
						Header: map[string]string{"Idempotency-Key": key}})
					if err != nil {
						time.Sleep(50 * time.Millisecond)
						continue
					}
					mu.Lock()
					statuses[r.Status]++
					mu.Unlock()
					if r.Status == 201 {
						var it struct {
							ID int64 `json:"id"`
						}
						r.Decode(t, &it)
						mu.Lock()
						ids[key] = it.ID
						mu.Unlock()
						break
					}
					if attempt > 200 {
						t.Errorf("%s never succeeded: last %s", key, r)
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	killer.Wait()
	t.Logf("answers %v; %d backends terminated", statuses, killed.Load())
	if killed.Load() == 0 {
		t.Fatal("no connection was terminated: the fault was not injected")
	}
	if statuses[500] > 0 {
		t.Errorf("%d answers were 500", statuses[500])
	}
	for code := range statuses {
		if code != 201 && code != 503 && code != 409 {
			t.Errorf("unexpected status %d (%d times)", code, statuses[code])
		}
	}
	distinct := map[int64]bool{}
	for _, id := range ids {
		distinct[id] = true
	}
	if len(ids) < clients || len(distinct) != len(ids) {
		t.Fatalf("%d keys succeeded with %d distinct items", len(ids), len(distinct))
	}
	routedOnce(t, s, len(ids))
}
