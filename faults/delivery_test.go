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

	"github.com/lib/pq"

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
		startProcess(t, cmd)
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

// holdingReceiver holds every request until released, and records the
// Idempotency-Key of each.
type holdingReceiver struct {
	mu      sync.Mutex
	keys    []string
	release chan struct{}
}

func (r *holdingReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.keys = append(r.keys, req.Header.Get("Idempotency-Key"))
	r.mu.Unlock()
	select {
	case <-r.release:
	case <-req.Context().Done():
	}
	w.WriteHeader(http.StatusNoContent)
}

func (r *holdingReceiver) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.keys...)
}

// answerAll signs for and finally answers each item as the unit, which
// queues a reply message to each caller.
func answerAll(t *testing.T, s *testenv.Server, staff string, ids []int64) {
	t.Helper()
	for _, id := range ids {
		s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/accept", id), Token: staff})
		s.Expect(t, 201, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/replies", id), Token: staff,
			Body: map[string]any{"body": "已处理", "final": true}})
	}
}

// TestSlowReceiverDoesNotDelayRouting: the receiver of outbound messages
// holds every request, so every slot that sends is busy; new calls are still
// routed while those sends are in flight, and every message goes out once
// the receiver answers.
func TestSlowReceiverDoesNotDelayRouting(t *testing.T) {
	t.Parallel()
	rec := &holdingReceiver{release: make(chan struct{})}
	target := httptest.NewServer(rec)
	t.Cleanup(target.Close)
	released := false
	t.Cleanup(func() {
		if !released {
			close(rec.release)
		}
	})
	const slots = 4
	s, op := newDept(t, testenv.Options{Env: map[string]string{
		"HOTLINE_DELIVERY_URL": target.URL, "HOTLINE_DELIVERY_TIMEOUT": "60s",
		"HOTLINE_WORKER_CONCURRENCY": fmt.Sprint(slots), "HOTLINE_DELIVERY_CONCURRENCY": fmt.Sprint(slots),
	}})
	staff := s.User(t, "unit_staff", "TAXI")
	answered := postCalls(t, s, op, 2*slots, "answered")
	routedOnce(t, s, len(answered))
	answerAll(t, s, staff, answered)
	testenv.Eventually(t, 20*time.Second, "every sending slot to be held by the receiver", func() bool {
		return len(rec.received()) >= slots
	})

	fresh := postCalls(t, s, op, 5, "fresh")
	db := s.DB(t)
	testenv.Eventually(t, 20*time.Second, "the new calls to be routed while the receiver holds the sends", func() bool {
		var n int
		_ = db.Get(&n, `SELECT count(*) FROM items WHERE id = ANY($1) AND status = 'dispatched'`, pq.Array(fresh))
		return n == len(fresh)
	})
	var sent int
	if err := db.Get(&sent, `SELECT count(*) FROM deliveries WHERE status = 'sent'`); err != nil || sent != 0 {
		t.Fatalf("%d deliveries sent before the receiver answered (%v): the test did not hold the slots", sent, err)
	}

	close(rec.release)
	released = true
	testenv.Eventually(t, 60*time.Second, "every reply to be sent", func() bool {
		var n int
		_ = db.Get(&n, `SELECT count(*) FROM deliveries WHERE status = 'sent'`)
		return n == len(answered)
	})
}

// TestDeliveryRecordLost: the receiver takes a message, but recording the
// send fails (the database refuses the write). The message is sent again
// once its lease lapses — delivery is at least once — and every repeat
// carries the same Idempotency-Key, by which the receiver drops it. When the
// database takes writes again, the delivery is recorded sent, once.
func TestDeliveryRecordLost(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		keys []string
	)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(target.Close)
	received := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), keys...)
	}
	s, op := newDept(t, testenv.Options{Env: map[string]string{"HOTLINE_DELIVERY_URL": target.URL, "HOTLINE_DELIVERY_TIMEOUT": "1s"}})
	staff := s.User(t, "unit_staff", "TAXI")
	id := postCalls(t, s, op, 1, "lost")[0]
	routedOnce(t, s, 1)
	db := s.DB(t)
	db.MustExec(`CREATE FUNCTION fault_refuse_sent() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100'; END $$`)
	db.MustExec(`CREATE TRIGGER fault_refuse_sent BEFORE UPDATE ON deliveries FOR EACH ROW
		WHEN (NEW.status = 'sent') EXECUTE FUNCTION fault_refuse_sent()`)
	answerAll(t, s, staff, []int64{id})
	testenv.Eventually(t, 60*time.Second, "the message to be sent twice", func() bool {
		return len(received()) >= 2
	})
	db.MustExec(`DROP TRIGGER fault_refuse_sent ON deliveries`)
	var d struct {
		ID       int64  `db:"id"`
		Status   string `db:"status"`
		Attempts int    `db:"attempts"`
	}
	testenv.Eventually(t, 60*time.Second, "the delivery to be recorded sent", func() bool {
		_ = db.Get(&d, `SELECT id, status, attempts FROM deliveries`)
		return d.Status == "sent"
	})
	got := received()
	for _, k := range got {
		if k != fmt.Sprintf("delivery-%d", d.ID) {
			t.Errorf("a repeat carried the key %q, want delivery-%d", k, d.ID)
		}
	}
	var delivered int
	_ = db.Get(&delivered, `SELECT count(*) FROM events WHERE action = 'delivered'`)
	if delivered != 1 || d.Attempts != 1 {
		t.Errorf("%d delivered events, %d recorded attempts; want 1 and 1", delivered, d.Attempts)
	}
	t.Logf("the receiver got the message %d times, all under %q", len(got), got[0])
}
