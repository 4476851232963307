package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"hotline/testenv"
)

func letter(t *testing.T, base string) *testenv.Resp {
	t.Helper()
	s := &testenv.Server{URL: base}
	r, err := s.TryDo(testenv.Req{Method: "POST", Path: "/api/v1/public/letters",
		Body: map[string]any{"kind": "help", "title": "求助", "content": "公交卡丢了"}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestPublicRateLimit: the limit on the public endpoints is shared by every
// API process through Redis, and each process keeps counting on its own
// while Redis is down.
func TestPublicRateLimit(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true, Env: map[string]string{"HOTLINE_PUBLIC_RATE_LIMIT": "4"}})
	second := s.SecondAPI()
	admin := s.Admin(t)
	inOneWindow(t, func() (problems []string) {
		for i, base := range []string{s.URL, second, s.URL, second} {
			if r := letter(t, base); r.Status != 201 {
				problems = append(problems, fmt.Sprintf("letter %d: %s", i+1, r))
			}
		}
		for _, base := range []string{s.URL, second} {
			if r := letter(t, base); r.Status != 429 || r.Header.Get("Retry-After") == "" {
				problems = append(problems, fmt.Sprintf("over the shared limit: %s (Retry-After %q)", r, r.Header.Get("Retry-After")))
			}
		}
		// tracking is limited too; staff endpoints are not
		if tr := s.Do(t, testenv.Req{Method: "GET", Path: "/api/v1/public/track/X?secret=Y"}); tr.Status != 429 {
			problems = append(problems, fmt.Sprintf("tracking over the limit: %s", tr))
		}
		if r := s.Do(t, testenv.Req{Method: "GET", Path: "/api/v1/items", Token: admin}); r.Status != 200 {
			problems = append(problems, fmt.Sprintf("a staff endpoint over the public limit: %s", r))
		}
		return problems
	})
	// without Redis each process counts alone: four more, then 429
	s.Redis.Stop()
	inOneWindow(t, func() []string {
		ok := 0
		var problems []string
		for range 6 {
			switch r := letter(t, s.URL); r.Status {
			case 201:
				ok++
			case 429:
			default:
				problems = append(problems, fmt.Sprintf("without Redis: %s", r))
			}
		}
		if ok != 4 {
			problems = append(problems, fmt.Sprintf("without Redis the process let %d of 6 through, want 4", ok))
		}
		return problems
	})
}

// inOneWindow runs round, which counts requests against the per-minute
// limit, until one run falls inside a single minute's window, and reports
// that run's problems. A run that straddled two windows left counts in the
// second one, so the next run waits for a fresh window.
func inOneWindow(t *testing.T, round func() []string) {
	t.Helper()
	slot := func() int64 { return time.Now().UnixNano() / int64(time.Minute) }
	for {
		began := slot()
		problems := round()
		if slot() == began {
			for _, p := range problems {
				t.Error(p)
			}
			return
		}
		t.Logf("the round straddled two rate-limit windows; running it again in a fresh one")
		next := slot() + 1
		testenv.Eventually(t, 2*time.Minute, "a fresh rate-limit window", func() bool { return slot() >= next })
	}
}

func TestCORSOnlyForThePortal(t *testing.T) {
	t.Parallel()
	const portal = "https://portal.example.gov.cn"
	s := testenv.NewServer(t, testenv.Options{NoWorker: true, Env: map[string]string{"HOTLINE_CORS_ORIGINS": portal}})
	preflight := func(path, origin string) http.Header {
		req, _ := http.NewRequest("OPTIONS", s.URL+path, nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "Content-Type")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header
	}
	if h := preflight("/api/v1/public/letters", portal); h.Get("Access-Control-Allow-Origin") != portal {
		t.Errorf("the portal may not post letters: %v", h)
	}
	if h := preflight("/api/v1/public/letters", "https://evil.example.com"); h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("another origin was allowed: %v", h)
	}
	if h := preflight("/api/v1/items", portal); h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS on a staff endpoint: %v", h)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestNoPersonalDataInLogs drives intake, routing, a reply delivered by the
// logging adapter and some failures with every log line captured at debug
// level, and finds no phone number, e-mail, ID number or name in them.
func TestNoPersonalDataInLogs(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	s, op := setup(t, testenv.Options{Log: logs})
	staff := s.User(t, "unit_staff", "TAXI")
	it := call(t, s, op, map[string]any{"caller_name": "张三丰", "caller_phone": "13812345678", "kind": "complaint",
		"content": "出租车拒载,我叫张三丰,身份证330102199001011234,邮箱zsf@example.com"})
	waitStatus(t, s, op, it.ID, "dispatched")
	answer(t, s, staff, it.ID, "已回电13812345678告知张三丰处理结果")
	testenv.Eventually(t, 15*time.Second, "the reply to be delivered to the log", func() bool {
		d := getItem(t, s, op, it.ID).Deliveries
		return len(d) == 1 && d[0].Status == "sent"
	})
	post(t, s, 201, "", "/api/v1/public/letters", map[string]any{"name": "李四光", "phone": "13987654321", "email": "lsg@example.com",
		"kind": "help", "title": "求助", "content": "电话13987654321"})
	post(t, s, 422, op, "/api/v1/calls", map[string]any{"caller_phone": "13700001111x", "kind": "help", "content": "x"})
	out := logs.String()
	if !strings.Contains(out, `"route":"/api/v1/calls"`) || !strings.Contains(out, "delivery") {
		t.Fatalf("the logs were not captured:\n%s", out)
	}
	for _, personal := range []string{"13812345678", "13987654321", "13700001111", "330102199001011234", "zsf@example.com",
		"lsg@example.com", "张三丰", "李四光"} {
		if strings.Contains(out, personal) {
			t.Errorf("a log line contains %q", personal)
		}
	}
}

func TestRetentionAnonymisesOldItems(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{Env: map[string]string{"HOTLINE_RETENTION_YEARS": "2"}})
	old := call(t, s, op, map[string]any{"caller_name": "王五", "caller_phone": "13811112222", "kind": "consultation",
		"content": "咨询", "answered_on_call": true, "answer": "已答复"})
	recent := call(t, s, op, map[string]any{"caller_name": "赵六", "caller_phone": "13833334444", "kind": "consultation",
		"content": "咨询", "answered_on_call": true, "answer": "已答复"})
	for _, id := range []int64{old.ID, recent.ID} {
		post(t, s, 201, op, itemPath(id, "/visits"), map[string]any{"method": "call", "satisfaction": "satisfied", "resolved": true})
	}
	if _, err := s.DB(t).Exec(`UPDATE items SET closed_at = now() - interval '3 years' WHERE id = $1`, old.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Core.Housekeeping(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := getItem(t, s, op, old.ID)
	if c := *got.Citizen; c["name"] != "" || c["phone"] != "" {
		t.Errorf("an item closed 3 years ago keeps its citizen: %v", c)
	}
	if got.count("anonymised") != 1 {
		t.Errorf("events %v", got.actions())
	}
	if c := *getItem(t, s, op, recent.ID).Citizen; c["name"] != "赵六" {
		t.Errorf("a recent item lost its citizen: %v", c)
	}
}

func TestAnsweredItemClosesWhenItsRatingWindowEnds(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{Env: map[string]string{"HOTLINE_RATING_WINDOW": "1s"}})
	it := call(t, s, op, map[string]any{"caller_phone": "13800000001", "kind": "consultation", "content": "咨询",
		"answered_on_call": true, "answer": "已答复"})
	got := waitStatus(t, s, op, it.ID, "closed")
	if got.count("closed") != 1 || got.Events[len(got.Events)-1].Actor != "system" {
		t.Errorf("events %v", got.actions())
	}
	if got.ClosedAt == nil {
		t.Error("no closed_at")
	}
}
