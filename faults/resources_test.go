package faults_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"hotline/queue"
	"hotline/testenv"
)

// logLines keeps the server's JSON log lines for a test to read.
type logLines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// dumpOnFailure logs every line above debug level when the test failed.
func (l *logLines) dumpOnFailure(t *testing.T) {
	if !t.Failed() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range strings.Split(l.buf.String(), "\n") {
		if line != "" && !strings.Contains(line, `"level":"DEBUG"`) {
			t.Log(line)
		}
	}
}

// matching returns the decoded lines whose message is msg and for which keep
// reports true.
func (l *logLines) matching(msg string, keep func(map[string]any) bool) []map[string]any {
	l.mu.Lock()
	data := append([]byte(nil), l.buf.Bytes()...)
	l.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) != nil || m["msg"] != msg {
			continue
		}
		if keep(m) {
			out = append(out, m)
		}
	}
	return out
}

// fillDisk makes every insert into the tables answer as Postgres does when its
// volume is full (SQLSTATE 53100), until the returned function is called.
func fillDisk(t *testing.T, db *sqlx.DB, tables ...string) (free func()) {
	t.Helper()
	db.MustExec(`CREATE OR REPLACE FUNCTION fault_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100'; END $$`)
	for _, tb := range tables {
		db.MustExec(fmt.Sprintf(`CREATE TRIGGER fault_disk_full BEFORE INSERT ON %s FOR EACH ROW EXECUTE FUNCTION fault_disk_full()`, tb))
	}
	return func() {
		for _, tb := range tables {
			db.MustExec(fmt.Sprintf(`DROP TRIGGER IF EXISTS fault_disk_full ON %s`, tb))
		}
	}
}

// TestDiskFull: while Postgres cannot write (disk full, SQLSTATE 53100),
// intake and unit actions answer 503 with Retry-After, reads keep working,
// and the worker retries routing without using up the task's retries. When
// the disk has room again, the client's retry under its Idempotency-Key
// stores the call and everything is routed once.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	logs := &logLines{}
	t.Cleanup(func() { logs.dumpOnFailure(t) })
	s, op := newDept(t, testenv.Options{NoWorker: true, Log: logs})
	staff := s.User(t, "unit_staff", "TAXI")
	s.StartWorker()
	first := postCalls(t, s, op, 1, "before")[0]
	routedOnce(t, s, 1)
	s.StopWorker()
	waiting := postCalls(t, s, op, 1, "waiting")[0] // stored; its routing will meet the full disk
	db := s.DB(t)
	free := fillDisk(t, db, "items", "events")
	defer free()

	call := testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Header: map[string]string{"Idempotency-Key": "during"},
		Body: map[string]any{"caller_phone": "13900000009", "kind": "complaint", "content": "出租车拒载 during"}}
	accept := testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/accept", first), Token: staff}
	for _, r := range []testenv.Req{call, accept} {
		res := s.Do(t, r)
		if res.Status != 503 || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s with the disk full: %s (Retry-After %q)", r.Method, r.Path, res, res.Header.Get("Retry-After"))
		}
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items", Token: op})

	// the worker meets the fault again and again; none of it counts as a
	// failure of the routing task
	s.StartWorker()
	routeFailures := func() []map[string]any {
		return logs.matching("task failed", func(m map[string]any) bool {
			err, _ := m["err"].(string)
			return m["type"] == queue.TypeRoute && strings.Contains(err, "53100")
		})
	}
	testenv.Eventually(t, 30*time.Second, "the worker to try routing three times on the full disk", func() bool {
		return len(routeFailures()) >= 3
	})
	for _, m := range routeFailures() {
		if m["retried"] != float64(0) {
			t.Errorf("a routing attempt on the full disk was counted as a failure: %v", m)
		}
	}
	var status string
	if err := db.Get(&status, `SELECT status FROM items WHERE id = $1`, waiting); err != nil || status != "received" {
		t.Fatalf("item %d routed on a full disk: %q %v", waiting, status, err)
	}

	free()
	testenv.Eventually(t, 10*time.Second, "intake to work again", func() bool {
		r := s.Do(t, call)
		if r.Status != 201 && r.Status != 503 {
			t.Fatalf("while recovering: %s", r)
		}
		return r.Status == 201
	})
	routedOnce(t, s, 3)
	s.Expect(t, 200, accept)
}
