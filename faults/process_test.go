package faults_test

import (
	"bytes"
	"fmt"
	"net"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"hotline/testenv"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestGracefulShutdown: `hotline all` gets SIGTERM while clients post calls.
// It stops taking connections, finishes what is in flight, and exits 0; every
// call that got a 201 is stored, and a restarted process routes each once.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	bin := testenv.Binary(t)
	s, op := newDept(t, testenv.Options{NoWorker: true})
	addr := freeAddr(t)
	start := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(bin, "all")
		cmd.Env = append(s.Environ(), "HOTLINE_HTTP_ADDR="+addr, "HOTLINE_ADMIN_PASSWORD="+testenv.AdminPassword)
		var out bytes.Buffer
		cmd.Stderr = &out
		startProcess(t, cmd)
		testenv.Eventually(t, 20*time.Second, "hotline all to listen", func() bool {
			c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
			if err == nil {
				c.Close()
			}
			return err == nil
		})
		return cmd, &out
	}
	proc, out := start()
	node := &testenv.Server{URL: "http://" + addr}
	var (
		accepted atomic.Int64
		wg       sync.WaitGroup
		stop     atomic.Bool
	)
	for c := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				r, err := node.TryDo(testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op,
					Body: map[string]any{"caller_phone": fmt.Sprintf("139%04d%04d", c, i), "kind": "complaint", "content": "出租车拒载"}})
				if err != nil {
					return // the listener is gone
				}
				if r.Status == 201 {
					accepted.Add(1)
				} else if r.Status >= 500 {
					t.Errorf("during shutdown: %s", r)
				}
			}
		}()
	}
	testenv.Eventually(t, 30*time.Second, "calls to be accepted before the shutdown", func() bool { return accepted.Load() >= 20 })
	sent := time.Now()
	_ = proc.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- proc.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, out)
		}
	case <-time.After(40 * time.Second):
		_ = proc.Process.Kill()
		t.Fatalf("still running 40 s after SIGTERM\n%s", out)
	}
	t.Logf("stopped %s after SIGTERM with %d calls accepted", time.Since(sent).Round(time.Millisecond), accepted.Load())
	stop.Store(true)
	wg.Wait()
	if accepted.Load() == 0 {
		t.Fatal("no call was accepted before the shutdown")
	}
	again, _ := start()
	t.Cleanup(func() {
		_ = again.Process.Signal(syscall.SIGTERM)
		_ = again.Wait()
	})
	routedOnce(t, s, int(accepted.Load()))
}

// TestOneFiringPerSlotWithSeveralWorkers: three worker processes share the
// queue; an item falls due, and it is escalated once, each manager told once.
func TestOneFiringPerSlotWithSeveralWorkers(t *testing.T) {
	t.Parallel()
	bin := testenv.Binary(t)
	s, op := newDept(t, testenv.Options{NoWorker: true})
	s.User(t, "manager", "") // a manager to be told
	for range 3 {
		cmd := exec.Command(bin, "worker")
		cmd.Env = s.Environ()
		startProcess(t, cmd)
		t.Cleanup(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
		})
	}
	due := time.Now().Add(3 * time.Second)
	var it struct {
		ID int64 `json:"id"`
	}
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/platform/items", Header: map[string]string{"X-Api-Key": "platform-key"},
		Body: map[string]any{"external_id": "SLOT-1", "kind": "complaint", "content": "出租车拒载", "due_at": due.Format(time.RFC3339)}}).Decode(t, &it)
	db := s.DB(t)
	testenv.Eventually(t, 20*time.Second, "the item to turn overdue", func() bool {
		var overdue bool
		_ = db.Get(&overdue, `SELECT overdue FROM items WHERE id = $1`, it.ID)
		return overdue
	})
	// Evidence that the sweep ran again after the escalation: items whose
	// due time is moved into the past in the database, where no scheduled
	// task waits for it, turn overdue only through a later sweep. Two in
	// turn are two more sweeps that found the first item already escalated.
	for _, ext := range []string{"SLOT-2", "SLOT-3"} {
		var later struct {
			ID int64 `json:"id"`
		}
		s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/platform/items", Header: map[string]string{"X-Api-Key": "platform-key"},
			Body: map[string]any{"external_id": ext, "kind": "complaint", "content": "出租车拒载", "due_at": time.Now().Add(time.Hour).Format(time.RFC3339)}}).Decode(t, &later)
		testenv.Eventually(t, 20*time.Second, ext+" to be dispatched", func() bool {
			var status string
			_ = db.Get(&status, `SELECT status FROM items WHERE id = $1`, later.ID)
			return status == "dispatched"
		})
		if _, err := db.Exec(`UPDATE items SET due_at = now() WHERE id = $1`, later.ID); err != nil {
			t.Fatal(err)
		}
		testenv.Eventually(t, 20*time.Second, "a later sweep to find "+ext+" overdue", func() bool {
			var overdue bool
			_ = db.Get(&overdue, `SELECT overdue FROM items WHERE id = $1`, later.ID)
			return overdue
		})
	}
	var events, notices int
	_ = db.Get(&events, `SELECT count(*) FROM events WHERE item_id = $1 AND action = 'overdue'`, it.ID)
	_ = db.Get(&notices, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.item_id = $1 AND n.type = 'overdue' AND u.role = 'manager'`, it.ID)
	if events != 1 || notices != 1 {
		t.Errorf("%d overdue events and %d manager notices, want 1 and 1", events, notices)
	}
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?overdue=true", Token: op}).Decode(t, &list)
	if len(list.Items) != 3 || !slices.ContainsFunc(list.Items, func(i struct {
		ID int64 `json:"id"`
	}) bool {
		return i.ID == it.ID
	}) {
		t.Errorf("overdue list %v, want the three items once each", list.Items)
	}
}
