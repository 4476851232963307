package loadgen

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// Percentile returns the p-th percentile (0 < p <= 100) of samples sorted in
// ascending order, by the nearest-rank method: the smallest sample that at
// least p percent of the samples are less than or equal to. It returns 0 for
// no samples; p <= 0 gives the minimum and p >= 100 the maximum.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	// the small epsilon keeps p*n/100 that is an integer in exact arithmetic
	// (95*20/100 = 19) from rounding up to the next rank
	rank := int(math.Ceil(p*float64(n)/100 - 1e-9))
	rank = max(1, min(rank, n))
	return sorted[rank-1]
}

// Latency summarises a set of durations, in milliseconds.
type Latency struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean_ms"`
	P50  float64 `json:"p50_ms"`
	P95  float64 `json:"p95_ms"`
	P99  float64 `json:"p99_ms"`
	Max  float64 `json:"max_ms"`
}

// Summarize computes exact percentiles of the samples (which it does not
// modify).
func Summarize(samples []time.Duration) Latency {
	if len(samples) == 0 {
		return Latency{}
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return Latency{
		N:    len(s),
		Mean: ms(sum / time.Duration(len(s))),
		P50:  ms(Percentile(s, 50)),
		P95:  ms(Percentile(s, 95)),
		P99:  ms(Percentile(s, 99)),
		Max:  ms(s[len(s)-1]),
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// OpReport is what one kind of request did.
type OpReport struct {
	// Name is the request, e.g. "call", "accept:list" or "read:stats".
	Name string `json:"name"`
	// Requests counts the answers received, whatever their status.
	Requests int64 `json:"requests"`
	// OK counts 2xx answers.
	OK int64 `json:"ok"`
	// Errors counts the other answers by status, 429 excepted.
	Errors map[int]int64 `json:"errors,omitempty"`
	// Throttled counts 429 answers (the worker then waited Retry-After).
	Throttled int64 `json:"throttled"`
	// NetworkErrors counts requests that got no answer.
	NetworkErrors int64 `json:"network_errors"`
	// Latency is over every answer except 429s.
	Latency Latency `json:"latency"`
}

// MixReport is how often an operation of the mix was chosen.
type MixReport struct {
	Op     Op  `json:"op"`
	Weight int `json:"weight"`
	// Picked counts the times a worker chose the operation and sent its
	// first request.
	Picked int64 `json:"picked"`
	// Done counts the times its main request was answered 2xx.
	Done int64 `json:"done"`
	// Idle counts the times there was nothing to act on (no dispatched,
	// accepted or replied item of the load units at that moment).
	Idle int64 `json:"idle"`
}

// RoutingReport is the time from a call's 201 to the first poll that finds
// it no longer received.
type RoutingReport struct {
	// Every is the sampling interval: every n-th call created as received.
	Every int `json:"every"`
	// PollIntervalMS is the time between two polls of one call.
	PollIntervalMS float64 `json:"poll_interval_ms"`
	// Sampled counts the calls handed to a poller.
	Sampled int64 `json:"sampled"`
	// Dropped counts sampled calls skipped because every poller was busy.
	Dropped int64 `json:"dropped"`
	// TimedOut counts calls still received after the routing timeout.
	TimedOut int64 `json:"timed_out"`
	// Unfinished counts calls whose polling the end of the run cut short.
	Unfinished int64 `json:"unfinished"`
	// Polls counts the GET requests the pollers sent (not in Requests).
	Polls int64 `json:"polls"`
	// PollErrors counts polls that failed (they are retried).
	PollErrors int64 `json:"poll_errors"`
	// FirstStatus counts the status each measured call was found in.
	FirstStatus map[string]int64 `json:"first_status,omitempty"`
	Latency     Latency          `json:"latency"`
}

// Report is the outcome of a run.
type Report struct {
	URL        string    `json:"url"`
	Started    time.Time `json:"started"`
	Elapsed    float64   `json:"elapsed_seconds"`
	Workers    int       `json:"workers"`
	TargetRate float64   `json:"target_rate"` // 0: unlimited
	Seed       uint64    `json:"seed"`
	// Interrupted is true when the run was stopped before its duration.
	Interrupted bool `json:"interrupted"`

	// Requests counts every answered request of the mix.
	Requests          int64   `json:"requests"`
	RequestsPerSecond float64 `json:"requests_per_second"`
	// IntakeCreated counts items created by calls, letters, microblog posts
	// and platform items.
	IntakeCreated   int64   `json:"intake_created"`
	IntakePerSecond float64 `json:"intake_per_second"`
	CallsCreated    int64   `json:"calls_created"`
	ServerErrors    int64   `json:"server_errors"` // 5xx
	ClientErrors    int64   `json:"client_errors"` // 4xx other than 429
	Throttled       int64   `json:"throttled"`     // 429
	NetworkErrors   int64   `json:"network_errors"`

	Operations []OpReport     `json:"operations"`
	Mix        []MixReport    `json:"mix"`
	Routing    *RoutingReport `json:"routing,omitempty"`
	Notes      []string       `json:"notes,omitempty"`

	// CallIDs are the ids of the calls the run created.
	CallIDs []int64 `json:"-"`
}

// Op returns the report of the named request, or a zero one.
func (r *Report) Op(name string) OpReport {
	for _, o := range r.Operations {
		if o.Name == name {
			return o
		}
	}
	return OpReport{Name: name}
}

// MixOf returns the mix report of an operation, or a zero one.
func (r *Report) MixOf(op Op) MixReport {
	for _, m := range r.Mix {
		if m.Op == op {
			return m
		}
	}
	return MixReport{Op: op}
}

// requestOrder is the order of the report's rows.
func requestOrder() []string {
	return []string{"call", "letter", "microblog", "platform", "accept:list", "accept", "reply:list", "reply",
		"visit:list", "visit", "read:items", "read:stats"}
}

// opStats gathers one request kind's answers.
type opStats struct {
	samples   []time.Duration
	ok        int64
	errors    map[int]int64
	throttled int64
	netErrs   int64
}

// recorder collects everything a run measures; it is safe for concurrent use.
type recorder struct {
	mu      sync.Mutex
	ops     map[string]*opStats
	picked  map[Op]int64
	done    map[Op]int64
	idle    map[Op]int64
	intake  int64
	callIDs []int64

	routing        RoutingReport
	routingSamples []time.Duration
}

func newRecorder() *recorder {
	return &recorder{ops: map[string]*opStats{}, picked: map[Op]int64{}, done: map[Op]int64{}, idle: map[Op]int64{},
		routing: RoutingReport{FirstStatus: map[string]int64{}}}
}

func (r *recorder) op(name string) *opStats {
	s := r.ops[name]
	if s == nil {
		s = &opStats{errors: map[int]int64{}}
		r.ops[name] = s
	}
	return s
}

// answer records a request that got an answer with the status.
func (r *recorder) answer(name string, status int, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.op(name)
	switch {
	case status == 429:
		s.throttled++
		return
	case status >= 200 && status < 300:
		s.ok++
	default:
		s.errors[status]++
	}
	s.samples = append(s.samples, d)
}

// failure records a request that got no answer.
func (r *recorder) failure(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.op(name).netErrs++
}

func (r *recorder) count(m map[Op]int64, op Op) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m[op]++
}

func (r *recorder) created(call bool, id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.intake++
	if call {
		r.callIDs = append(r.callIDs, id)
	}
}

func (r *recorder) routingUpdate(f func(rr *RoutingReport)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(&r.routing)
}

func (r *recorder) routed(d time.Duration, status string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.routingSamples = append(r.routingSamples, d)
	r.routing.FirstStatus[status]++
}

// report builds the report; elapsed is the traffic phase's length.
func (r *recorder) report(cfg Config, mix Mix, started time.Time, elapsed time.Duration, routing bool) *Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := &Report{URL: cfg.URL, Started: started, Elapsed: elapsed.Seconds(), Workers: cfg.Workers,
		TargetRate: cfg.Rate, Seed: cfg.Seed, IntakeCreated: r.intake, CallsCreated: int64(len(r.callIDs)),
		CallIDs: slices.Clone(r.callIDs)}
	names := requestOrder()
	for name := range r.ops {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	for _, name := range names {
		s, ok := r.ops[name]
		if !ok {
			continue
		}
		o := OpReport{Name: name, OK: s.ok, Throttled: s.throttled, NetworkErrors: s.netErrs,
			Latency: Summarize(s.samples)}
		o.Requests = s.ok + s.throttled
		if len(s.errors) > 0 {
			o.Errors = map[int]int64{}
			for st, n := range s.errors {
				o.Errors[st] = n
				o.Requests += n
				if st >= 500 {
					rep.ServerErrors += n
				} else {
					rep.ClientErrors += n
				}
			}
		}
		rep.Requests += o.Requests
		rep.Throttled += o.Throttled
		rep.NetworkErrors += o.NetworkErrors
		rep.Operations = append(rep.Operations, o)
	}
	for _, op := range Ops() {
		w, ok := mix[op]
		if !ok && r.picked[op] == 0 {
			continue
		}
		rep.Mix = append(rep.Mix, MixReport{Op: op, Weight: w, Picked: r.picked[op], Done: r.done[op], Idle: r.idle[op]})
	}
	if elapsed > 0 {
		rep.RequestsPerSecond = float64(rep.Requests) / elapsed.Seconds()
		rep.IntakePerSecond = float64(rep.IntakeCreated) / elapsed.Seconds()
	}
	if routing {
		rr := r.routing
		rr.FirstStatus = map[string]int64{}
		for k, v := range r.routing.FirstStatus {
			rr.FirstStatus[k] = v
		}
		rr.Latency = Summarize(r.routingSamples)
		rep.Routing = &rr
	}
	return rep
}

// WriteText prints the report as readable tables.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	rate := "unlimited"
	if r.TargetRate > 0 {
		rate = fmt.Sprintf("%g/s", r.TargetRate)
	}
	fmt.Fprintf(&b, "Hotline load run against %s\n", r.URL)
	fmt.Fprintf(&b, "  %.1fs of traffic, %d workers, target rate %s, seed %d", r.Elapsed, r.Workers, rate, r.Seed)
	if r.Interrupted {
		b.WriteString(" (interrupted)")
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "  requests %d (%.1f/s)   intake items created %d (%.1f/s), of which calls %d\n",
		r.Requests, r.RequestsPerSecond, r.IntakeCreated, r.IntakePerSecond, r.CallsCreated)
	fmt.Fprintf(&b, "  5xx %d   other errors (4xx) %d   throttled (429) %d   network errors %d\n\n",
		r.ServerErrors, r.ClientErrors, r.Throttled, r.NetworkErrors)

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "request\trequests\tok\terrors\t429\tnet\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
	for _, o := range r.Operations {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t\n", o.Name, o.Requests, o.OK,
			errorList(o.Errors), o.Throttled, o.NetworkErrors, o.Latency.P50, o.Latency.P95, o.Latency.P99, o.Latency.Max)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	b.WriteString("\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "mix\tweight\tpicked\tdone\tidle (nothing to act on)\t")
	for _, m := range r.Mix {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", m.Op, m.Weight, m.Picked, m.Done, m.Idle)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	if rr := r.Routing; rr != nil {
		fmt.Fprintf(&b, "\nrouting latency (1 in %d calls created as received; 201 → first poll not 'received', polled every %g ms)\n",
			rr.Every, rr.PollIntervalMS)
		fmt.Fprintf(&b, "  measured %d   p50 %.1f ms   p95 %.1f ms   p99 %.1f ms   max %.1f ms\n",
			rr.Latency.N, rr.Latency.P50, rr.Latency.P95, rr.Latency.P99, rr.Latency.Max)
		fmt.Fprintf(&b, "  sampled %d   dropped (pollers busy) %d   timed out %d   cut short by the end %d\n",
			rr.Sampled, rr.Dropped, rr.TimedOut, rr.Unfinished)
		fmt.Fprintf(&b, "  polls sent %d (%.1f/s, on top of the requests above)   poll errors %d\n",
			rr.Polls, float64(rr.Polls)/max(r.Elapsed, 1e-9), rr.PollErrors)
		if len(rr.FirstStatus) > 0 {
			var parts []string
			for _, k := range sortedKeys(rr.FirstStatus) {
				parts = append(parts, fmt.Sprintf("%s %d", k, rr.FirstStatus[k]))
			}
			fmt.Fprintf(&b, "  status found: %s\n", strings.Join(parts, ", "))
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\nnotes\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "  - %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func errorList(m map[int]int64) string {
	if len(m) == 0 {
		return "-"
	}
	codes := make([]int, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", c, m[c]))
	}
	return strings.Join(parts, " ")
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
