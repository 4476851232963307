package faults_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"hotline/testenv"
)

// slowReceiver holds the first request until the test lets it go, and
// records the Idempotency-Key of every request it answers.
type slowReceiver struct {
	mu      sync.Mutex
	arrived chan struct{}
	release chan struct{}
	first   sync.Once
	keys    []string
}

func (r *slowReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	held := false
	r.first.Do(func() {
		held = true
		close(r.arrived)
	})
	if held {
		<-r.release
	}
	r.mu.Lock()
	r.keys = append(r.keys, req.Header.Get("Idempotency-Key"))
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// TestWorkerKilledMidDelivery: the worker dies with SIGKILL while the
// receiver holds its request; another worker sends the message again under
// the same Idempotency-Key once the dead sender's lease lapses, and the
// delivery ends sent, recorded once.
func TestWorkerKilledMidDelivery(t *testing.T) {
	t.Parallel()
	rec := &slowReceiver{arrived: make(chan struct{}), release: make(chan struct{})}
	target := httptest.NewServer(rec)
	t.Cleanup(target.Close)
	bin := testenv.Binary(t)
	s, op := newDept(t, testenv.Options{NoWorker: true})
	staff := s.User(t, "unit_staff", "TAXI")
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "worker")
		cmd.Env = append(s.Environ(), "HOTLINE_DELIVERY_URL="+target.URL, "HOTLINE_DELIVERY_TIMEOUT=2s")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	first := start()
	id := postCalls(t, s, op, 1, "deliver")[0]
	testenv.Eventually(t, 15*time.Second, "routing", func() bool {
		var it struct {
			Status string `json:"status"`
		}
		s.Expect(t, 200, testenv.Req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", id), Token: op}).Decode(t, &it)
		return it.Status == "dispatched"
	})
	s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/accept", id), Token: staff})
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/replies", id), Token: staff,
		Body: map[string]any{"body": "已处理", "final": true}})
	select {
	case <-rec.arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("the reply never reached the receiver")
	}
	_ = first.Process.Signal(syscall.SIGKILL)
	_ = first.Wait()
	close(rec.release)
	second := start()
	t.Cleanup(func() {
		_ = second.Process.Signal(syscall.SIGTERM)
		_ = second.Wait()
	})
	var d struct {
		ID       int64  `db:"id"`
		Status   string `db:"status"`
		Attempts int    `db:"attempts"`
	}
	db := s.DB(t)
	testenv.Eventually(t, 40*time.Second, "the delivery to be sent by the second worker", func() bool {
		_ = db.Get(&d, `SELECT id, status, attempts FROM deliveries`)
		return d.Status == "sent"
	})
	rec.mu.Lock()
	keys := append([]string(nil), rec.keys...)
	rec.mu.Unlock()
	for _, k := range keys {
		if k != fmt.Sprintf("delivery-%d", d.ID) {
			t.Errorf("a repeat carried the key %q", k)
		}
	}
	var delivered int
	_ = db.Get(&delivered, `SELECT count(*) FROM events WHERE action = 'delivered'`)
	if delivered != 1 || d.Attempts != 1 {
		t.Errorf("%d delivered events, %d recorded attempts; want 1 and 1", delivered, d.Attempts)
	}
	t.Logf("the receiver saw %d requests, all under %q", len(keys), keys[0])
}
