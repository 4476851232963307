package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"hotline/testenv"
)

func TestPercentile(t *testing.T) {
	ms := func(xs ...int) []time.Duration {
		out := make([]time.Duration, len(xs))
		for i, x := range xs {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	one20 := make([]int, 20) // 1..20 ms
	for i := range one20 {
		one20[i] = i + 1
	}
	hundred := make([]int, 100) // 1..100 ms
	for i := range hundred {
		hundred[i] = i + 1
	}
	cases := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"single p50", ms(7), 50, 7 * time.Millisecond},
		{"single p99", ms(7), 99, 7 * time.Millisecond},
		// nearest rank: ceil(p/100 * n)
		{"five p50", ms(15, 20, 35, 40, 50), 50, 35 * time.Millisecond},           // ceil(2.5) = 3rd
		{"five p40", ms(15, 20, 35, 40, 50), 40, 20 * time.Millisecond},           // 2.0 = 2nd exactly
		{"five p30", ms(15, 20, 35, 40, 50), 30, 20 * time.Millisecond},           // ceil(1.5) = 2nd
		{"five p100", ms(15, 20, 35, 40, 50), 100, 50 * time.Millisecond},         // 5th
		{"five p0", ms(15, 20, 35, 40, 50), 0, 15 * time.Millisecond},             // minimum
		{"twenty p95", ms(one20...), 95, 19 * time.Millisecond},                   // 19.0 = 19th, not 20th
		{"twenty p99", ms(one20...), 99, 20 * time.Millisecond},                   // ceil(19.8) = 20th
		{"twenty p50", ms(one20...), 50, 10 * time.Millisecond},                   // 10th
		{"hundred p95", ms(hundred...), 95, 95 * time.Millisecond},                // 95th
		{"hundred p99", ms(hundred...), 99, 99 * time.Millisecond},                // 99th
		{"hundred p99.9", ms(hundred...), 99.9, 100 * time.Millisecond},           // ceil(99.9) = 100th
		{"ten p95", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 95, 10 * time.Millisecond}, // ceil(9.5) = 10th
		{"ten p90", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Millisecond},  // 9.0 = 9th
	}
	for _, c := range cases {
		if got := Percentile(c.sorted, c.p); got != c.want {
			t.Errorf("%s: Percentile(p=%g) = %v, want %v", c.name, c.p, got, c.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	// unsorted input, sorted copy: 2 4 4 6 8 10 12 14 16 100
	in := []time.Duration{16, 4, 100, 2, 10, 6, 12, 4, 8, 14}
	for i := range in {
		in[i] *= time.Millisecond
	}
	orig := append([]time.Duration(nil), in...)
	got := Summarize(in)
	want := Latency{N: 10, Mean: 17.6, P50: 8, P95: 100, P99: 100, Max: 100}
	if got != want {
		t.Errorf("Summarize = %+v, want %+v", got, want)
	}
	for i := range in {
		if in[i] != orig[i] {
			t.Fatal("Summarize changed its input")
		}
	}
	if got := Summarize(nil); got != (Latency{}) {
		t.Errorf("Summarize(nil) = %+v", got)
	}
}

func TestParseMix(t *testing.T) {
	m, err := ParseMix("calls=50, letters=10,read=0")
	if err != nil {
		t.Fatal(err)
	}
	if m[OpCalls] != 50 || m[OpLetters] != 10 || m[OpRead] != 0 || len(m) != 3 {
		t.Errorf("ParseMix = %v", m)
	}
	if got, err := ParseMix(DefaultMix().String()); err != nil || got.String() != DefaultMix().String() {
		t.Errorf("round trip: %v %v", got, err)
	}
	for _, bad := range []string{"calls", "calls=-1", "calls=x", "dance=3", "calls=0", "calls=1,calls=2", ""} {
		if _, err := ParseMix(bad); err == nil {
			t.Errorf("ParseMix(%q) accepted", bad)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                              time.Second,
		"7":                             7 * time.Second,
		"0":                             0,
		"junk":                          time.Second,
		"3600":                          maxRetryAfter,
		"Tue, 24 Nov 2026 08:00:05 GMT": 5 * time.Second,
	}
	for h, want := range cases {
		if got := retryAfter(h, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestContentIsValidAndRoutable(t *testing.T) {
	c := newCorpus()
	r := newTestRand()
	routable := 0
	for range 500 {
		f := c.story(r)
		if strings.Contains(f.title+f.text, "{") {
			t.Fatalf("unfilled blank: %q %q", f.title, f.text)
		}
		if strings.Contains(f.text, "出租车") || strings.Contains(f.text, "公交") {
			routable++
		}
		if p := mobile(r); len(p) != 11 || p[0] != '1' || p[1] < '3' {
			t.Fatalf("bad mobile %q", p)
		}
	}
	if routable < 300 || routable == 500 {
		t.Errorf("%d of 500 stories match a load routing rule; want most but not all", routable)
	}
}

// TestRun drives a real server for a few seconds and checks the report
// against what the server holds.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	s := testenv.NewServer(t, testenv.Options{})
	ctx := context.Background()
	var logs bytes.Buffer
	cfg := Config{
		URL:      s.URL,
		Duration: 3 * time.Second,
		Rate:     120,
		Workers:  8,
		// more of the later steps than the default mix, so that every
		// operation has work within three seconds
		Mix:                Mix{OpCalls: 40, OpLetters: 10, OpMicroblog: 5, OpPlatform: 5, OpAccept: 15, OpReply: 15, OpVisit: 10, OpRead: 10},
		AdminPassword:      testenv.AdminPassword,
		WebhookSecret:      testenv.WebhookSecret,
		PlatformKey:        "platform-key",
		Seed:               42,
		RoutingSampleEvery: 3,
		Log:                slog.New(slog.NewTextHandler(&logs, nil)),
	}
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, logs.String())
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	t.Logf("report:\n%s", text.String())

	for _, op := range Ops() {
		if m := rep.MixOf(op); m.Done == 0 {
			t.Errorf("mix operation %s was never done: %+v", op, m)
		}
	}
	for _, name := range []string{"call", "letter", "microblog", "platform", "accept", "reply", "visit", "read:items", "read:stats"} {
		if o := rep.Op(name); o.OK == 0 {
			t.Errorf("request %s: no 2xx answer: %+v", name, o)
		}
	}
	if rep.ServerErrors != 0 {
		t.Errorf("%d server errors", rep.ServerErrors)
	}
	if rep.NetworkErrors != 0 {
		t.Errorf("%d network errors", rep.NetworkErrors)
	}
	if rep.Throttled != 0 {
		t.Errorf("%d throttled requests with the public rate limit off", rep.Throttled)
	}
	if rep.Requests == 0 || rep.RequestsPerSecond <= 0 || rep.IntakePerSecond <= 0 {
		t.Errorf("no throughput: %+v", rep)
	}
	if rep.Routing == nil || rep.Routing.Latency.N == 0 || rep.Routing.Latency.P50 <= 0 {
		t.Errorf("no routing latency samples: %+v", rep.Routing)
	}
	for _, o := range rep.Operations {
		l := o.Latency
		if l.N > 0 && !(l.P50 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.Max) {
			t.Errorf("%s: percentiles out of order: %+v", o.Name, l)
		}
	}

	// every call the run created exists, and the server holds no other
	admin := s.Admin(t)
	if int64(len(rep.CallIDs)) != rep.CallsCreated || rep.CallsCreated == 0 {
		t.Fatalf("calls created %d, ids %d", rep.CallsCreated, len(rep.CallIDs))
	}
	seen := map[int64]bool{}
	cursor := ""
	for {
		q := url.Values{"channel": {"hotline"}, "limit": {"500"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?" + q.Encode(), Token: admin}).Decode(t, &page)
		for _, it := range page.Items {
			seen[it.ID] = true
		}
		if page.NextCursor == nil || *page.NextCursor == "" {
			break
		}
		cursor = *page.NextCursor
	}
	if int64(len(seen)) != rep.CallsCreated {
		t.Errorf("the server lists %d hotline items, the run created %d calls", len(seen), rep.CallsCreated)
	}
	for _, id := range rep.CallIDs {
		if !seen[id] {
			t.Errorf("call %d created by the run is not listed", id)
		}
	}

	// the JSON form carries the same figures
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if back.Requests != rep.Requests || len(back.Operations) != len(rep.Operations) || back.Routing.Latency != rep.Routing.Latency {
		t.Errorf("JSON round trip lost figures")
	}

	// a second run against the same server sets up again without errors and
	// creates no second copy of the routing rules
	cfg.Duration = 500 * time.Millisecond
	if _, err := Run(ctx, cfg); err != nil {
		t.Fatalf("second Run: %v", err)
	}
	var rules struct {
		Items []struct {
			PrimaryUnitCode string `json:"primary_unit_code"`
		} `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/routing-rules", Token: admin}).Decode(t, &rules)
	count := map[string]int{}
	for _, r := range rules.Items {
		count[r.PrimaryUnitCode]++
	}
	if count["LOAD_TAXI"] != 1 || count["LOAD_BUS"] != 1 {
		t.Errorf("routing rules after two runs: %v", count)
	}
}

// TestInterrupt stops a run early through its context: the report still
// comes back, marked interrupted.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	s := testenv.NewServer(t, testenv.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	cancel()
	if _, err := Run(ctx, Config{URL: s.URL, Duration: time.Minute, AdminPassword: testenv.AdminPassword}); err == nil {
		t.Error("a run cancelled before setup reported no error")
	}
	// cancel as soon as the first call has been answered 201: the run is
	// meant to last an hour, so only the cancellation can end it
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	client := &http.Client{Transport: &cancelAfterCall{next: http.DefaultTransport, cancel: cancel}}
	rep, err := Run(ctx, Config{URL: s.URL, Duration: time.Hour, Rate: 0, Workers: 4,
		AdminPassword: testenv.AdminPassword, Client: client})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Interrupted || rep.Elapsed >= time.Hour.Seconds() {
		t.Errorf("interrupted %v after %.1fs", rep.Interrupted, rep.Elapsed)
	}
	if rep.Op("call").OK == 0 || rep.ServerErrors != 0 {
		t.Errorf("interrupted report: %s", fmt.Sprint(rep.Operations))
	}
	if len(rep.Notes) < 2 {
		t.Errorf("no notes about the skipped microblog and platform traffic: %v", rep.Notes)
	}
}

func newTestRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// TestThrottled runs letters against a server whose public rate limit is
// on: the 429s are counted apart, the workers wait Retry-After instead of
// hammering, and the report tells the user how to turn the limit off.
func TestThrottled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	s := testenv.NewServer(t, testenv.Options{NoWorker: true, Env: map[string]string{"HOTLINE_PUBLIC_RATE_LIMIT": "5"}})
	rep, err := Run(context.Background(), Config{URL: s.URL, Duration: 2 * time.Second, Rate: 0, Workers: 4,
		AdminPassword: testenv.AdminPassword, Mix: Mix{OpLetters: 1}, RoutingSampleEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	l := rep.Op("letter")
	// the limit is per minute: a run of two seconds sees at most two windows
	if l.OK == 0 || l.OK > 10 || l.Throttled == 0 {
		t.Errorf("letters: %+v", l)
	}
	// every worker waits Retry-After (the rest of the minute) after its 429
	if l.Throttled > 8 {
		t.Errorf("%d throttled answers to 4 workers: Retry-After not honoured", l.Throttled)
	}
	if rep.ClientErrors != 0 || rep.ServerErrors != 0 || rep.Throttled != l.Throttled {
		t.Errorf("429s counted as errors: %+v", rep)
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), "HOTLINE_PUBLIC_RATE_LIMIT=0") {
		t.Errorf("notes do not say how to turn the limit off: %v", rep.Notes)
	}
	if rep.Routing != nil {
		t.Errorf("routing sampled although turned off: %+v", rep.Routing)
	}
}

// cancelAfterCall is a transport that cancels the run once a call has been
// answered 201. It reads that answer in full first, so that the call counts
// as answered although the run's context ends right after.
type cancelAfterCall struct {
	next   http.RoundTripper
	cancel context.CancelFunc
	once   sync.Once
}

func (c *cancelAfterCall) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err != nil || req.Method != http.MethodPost || req.URL.Path != "/api/v1/calls" || resp.StatusCode != http.StatusCreated {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	c.once.Do(c.cancel)
	return resp, nil
}
