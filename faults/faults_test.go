package faults_test

import (
	"fmt"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"hotline/testenv"
)

func newDept(t *testing.T, opts testenv.Options) (*testenv.Server, string) {
	t.Helper()
	s := testenv.NewServer(t, opts)
	s.Unit(t, "TAXI", "出租车管理处")
	s.Unit(t, "ROAD", "公路管理局")
	s.Rule(t, map[string]any{"priority": 10, "keywords": []string{"出租车"}, "primary_unit_code": "TAXI", "co_unit_codes": []string{"ROAD"}})
	return s, s.User(t, "operator", "")
}

func postCalls(t *testing.T, s *testenv.Server, op string, n int, tag string) []int64 {
	t.Helper()
	ids := make([]int64, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.TryDo(testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op,
				Header: map[string]string{"Idempotency-Key": fmt.Sprintf("%s-%d", tag, i)},
				Body:   map[string]any{"caller_phone": fmt.Sprintf("139%08d", i), "kind": "complaint", "content": fmt.Sprintf("出租车拒载 %s %d", tag, i)}})
			if err != nil || r.Status != 201 {
				errs <- fmt.Errorf("call %d: %v %v", i, err, r)
				return
			}
			var it struct {
				ID int64 `json:"id"`
			}
			r.Decode(t, &it)
			ids[i] = it.ID
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return ids
}

// routedOnce checks that the n accepted items are all stored and
// dispatched, each with exactly one routed event and one live primary
// assignment.
func routedOnce(t *testing.T, s *testenv.Server, n int) {
	t.Helper()
	db := s.DB(t)
	want := n
	testenv.Eventually(t, 30*time.Second, "every item dispatched", func() bool {
		var n int
		_ = db.Get(&n, `SELECT count(*) FROM items WHERE status = 'dispatched'`)
		return n == want
	})
	var bad []struct {
		ID      int64 `db:"id"`
		Routed  int   `db:"routed"`
		Primary int   `db:"primary_count"`
	}
	err := db.Select(&bad, `SELECT i.id,
			(SELECT count(*) FROM events e WHERE e.item_id = i.id AND e.action = 'routed') AS routed,
			(SELECT count(*) FROM assignments a WHERE a.item_id = i.id AND a.role = 'primary' AND a.status = 'assigned') AS primary_count
		FROM items i`)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != want {
		t.Fatalf("%d items stored, %d accepted", len(bad), want)
	}
	for _, b := range bad {
		if b.Routed != 1 || b.Primary != 1 {
			t.Errorf("item %d: %d routed events, %d primary assignments", b.ID, b.Routed, b.Primary)
		}
	}
}

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Logf("worker: %s", p)
	return len(p), nil
}

// TestRedisDownDuringIntake: with Redis gone, calls, logins and readiness
// still work; when Redis comes back empty, the reconciler routes the backlog.
func TestRedisDownDuringIntake(t *testing.T) {
	t.Parallel()
	s, op := newDept(t, testenv.Options{})
	before := postCalls(t, s, op, 20, "up")
	s.Redis.Stop()
	var ready map[string]any
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/readyz"}).Decode(t, &ready)
	if ready["redis"] != "down" || ready["postgres"] != "up" {
		t.Errorf("readyz with Redis down: %v", ready)
	}
	op2 := s.User(t, "operator", "") // login works without Redis
	during := postCalls(t, s, op2, 50, "down")
	letter := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/public/letters",
		Body: map[string]any{"kind": "complaint", "title": "出租车", "content": "出租车拒载"}})
	if letter.Status != 201 {
		t.Fatalf("letter with Redis down: %s", letter)
	}
	time.Sleep(time.Second)
	s.Redis.Start() // empty: every queued task is gone
	routedOnce(t, s, len(before)+len(during)+1)
}

// TestWorkerKilledMidRouting: a worker process is killed with SIGKILL while
// it routes; another worker finishes, and no item is routed twice.
func TestWorkerKilledMidRouting(t *testing.T) {
	t.Parallel()
	bin := testenv.Binary(t)
	s, op := newDept(t, testenv.Options{NoWorker: true})
	ids := postCalls(t, s, op, 400, "kill")
	db := s.DB(t)
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "worker")
		cmd.Env = s.Environ()
		cmd.Stderr = logWriter{t}
		startProcess(t, cmd)
		return cmd
	}
	first := start()
	testenv.Eventually(t, 30*time.Second, "the first worker to route some items", func() bool {
		var n int
		_ = db.Get(&n, `SELECT count(*) FROM events WHERE action = 'routed'`)
		return n >= 20
	})
	_ = first.Process.Signal(syscall.SIGKILL)
	_ = first.Wait()
	var routedByFirst int
	_ = db.Get(&routedByFirst, `SELECT count(*) FROM events WHERE action = 'routed'`)
	t.Logf("the killed worker routed %d of %d items", routedByFirst, len(ids))
	second := start()
	t.Cleanup(func() {
		_ = second.Process.Signal(syscall.SIGTERM)
		_ = second.Wait()
	})
	routedOnce(t, s, len(ids))
}

// startProcess starts a hotline process that does not outlive its test,
// whatever way the test ends.
func startProcess(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
}
