package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"hotline/core"
	"hotline/hmacsig"
)

// maxBody bounds how much of an answer is read.
const maxBody = 8 << 20

// maxRetryAfter caps how long a worker waits after a 429.
const maxRetryAfter = time.Minute

// generator is one run.
type generator struct {
	cfg    Config
	log    *slog.Logger
	rec    *recorder
	corpus *corpus
	runID  string
	acc    accounts

	mix      []weighted
	statsOK  bool
	seq      atomic.Int64 // unique numbers for ids and keys
	received atomic.Int64 // calls created in status received, for sampling
	claims   *claims

	samples chan routeSample // unbuffered: a sample is taken only when a poller waits
}

// weighted is an operation with its cumulative weight.
type weighted struct {
	op  Op
	cum int
}

// routeSample is a call whose routing is to be timed.
type routeSample struct {
	id      int64
	created time.Time // when its 201 arrived
}

// worker is one concurrent client.
type worker struct {
	rng *rand.Rand
	// tokens paces the worker's requests when the rate is limited (nil: not
	// limited); it is closed when the run ends.
	tokens <-chan struct{}
	// stopped is set when the worker saw the end of the run.
	stopped bool
	// sent counts the requests the worker sent.
	sent int64
}

// gate waits for the worker's turn to send a request; false means the run
// is over.
func (w *worker) gate(ctx context.Context) bool {
	if w.stopped {
		return false
	}
	if w.tokens == nil {
		return true
	}
	select {
	case _, ok := <-w.tokens:
		if ok {
			return true
		}
	case <-ctx.Done():
	}
	w.stopped = true
	return false
}

// Run sets up the load units, rules and accounts, drives the mix for
// cfg.Duration (or until ctx is done) and returns the report. When ctx is
// cancelled during the traffic, Run still returns the report of what was done,
// marked interrupted; an error is returned only when setup fails.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	runID, err := randomHex(4)
	if err != nil {
		return nil, err
	}
	g := &generator{cfg: cfg, log: cfg.Log, rec: newRecorder(), corpus: newCorpus(), runID: runID,
		claims: newClaims(), samples: make(chan routeSample)}

	var notes []string
	mix := Mix{}
	for op, w := range cfg.Mix {
		mix[op] = w
	}
	if cfg.WebhookSecret == "" && mix[OpMicroblog] > 0 {
		mix[OpMicroblog] = 0
		notes = append(notes, "microblog traffic skipped: no webhook secret (--webhook-secret or HOTLINE_WEBHOOK_SECRET)")
	}
	if cfg.PlatformKey == "" && mix[OpPlatform] > 0 {
		mix[OpPlatform] = 0
		notes = append(notes, "platform traffic skipped: no platform API key (--platform-key or HOTLINE_PLATFORM_API_KEY)")
	}
	cum := 0
	for _, op := range Ops() {
		if w := mix[op]; w > 0 {
			cum += w
			g.mix = append(g.mix, weighted{op: op, cum: cum})
		}
	}
	if cum == 0 {
		return nil, errors.New("nothing to run: every operation of the mix is weighted 0 or skipped")
	}

	g.acc, err = g.setup(ctx)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	if mix[OpRead] > 0 {
		st, err := g.api(ctx, "GET", "/api/v1/stats?group_by=unit,month", g.acc.admin, nil, nil, 200, 403)
		if err != nil {
			return nil, fmt.Errorf("setup: probe statistics: %w", err)
		}
		g.statsOK = st == 200
		if !g.statsOK {
			notes = append(notes, "statistics reads skipped: the admin account may not read /api/v1/stats")
		}
	}

	g.log.Info("load: traffic starts", "url", cfg.URL, "duration", cfg.Duration.String(), "rate", cfg.Rate,
		"workers", cfg.Workers, "mix", mix.String(), "seed", cfg.Seed)

	// routing pollers: they outlive the traffic by a short grace period
	sampling := cfg.RoutingSampleEvery > 0
	pctx, pcancel := context.WithCancel(ctx)
	defer pcancel()
	var pollers sync.WaitGroup
	if sampling {
		for range cfg.RoutingPollers {
			pollers.Go(func() {
				for s := range g.samples {
					g.pollRouting(pctx, s)
				}
			})
		}
	}

	started := time.Now()
	stop := make(chan struct{})
	timer := time.AfterFunc(cfg.Duration, func() { close(stop) })
	defer timer.Stop()
	var tokens chan struct{}
	if cfg.Rate > 0 {
		tokens = make(chan struct{})
		go g.pace(ctx, stop, tokens, started)
	}
	var workers sync.WaitGroup
	for i := range cfg.Workers {
		w := &worker{rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i)+1)), tokens: tokens}
		workers.Go(func() { g.work(ctx, w, stop) })
	}
	workers.Wait()
	elapsed := time.Since(started)
	interrupted := ctx.Err() != nil

	close(g.samples)
	grace := min(cfg.RoutingTimeout, 10*time.Second)
	graceTimer := time.AfterFunc(grace, pcancel)
	pollers.Wait()
	graceTimer.Stop()

	rep := g.rec.report(cfg, mix, started, elapsed, sampling)
	rep.Interrupted = interrupted
	if rep.Routing != nil {
		rep.Routing.Every = cfg.RoutingSampleEvery
		rep.Routing.PollIntervalMS = ms(cfg.RoutingPollInterval)
	}
	if n := rep.Op("letter").Throttled; n > 0 {
		notes = append(notes, fmt.Sprintf("the public letter endpoint answered 429 %d times: it is limited per client address; "+
			"start the server with HOTLINE_PUBLIC_RATE_LIMIT=0 for a load run", n))
	}
	if rep.Throttled > rep.Op("letter").Throttled {
		notes = append(notes, "other endpoints answered 429 too; each worker waited the Retry-After it was given")
	}
	rep.Notes = append(notes, rep.Notes...)
	g.log.Info("load: traffic done", "requests", rep.Requests, "elapsed", elapsed.Round(time.Millisecond).String(),
		"interrupted", interrupted)
	return rep, nil
}

// pace hands out one token per 1/rate seconds until stop. When the workers
// fall behind, at most a second's worth of tokens is made up for, so that a
// slow phase is not followed by a long burst.
func (g *generator) pace(ctx context.Context, stop <-chan struct{}, tokens chan<- struct{}, started time.Time) {
	defer close(tokens)
	interval := time.Duration(float64(time.Second) / g.cfg.Rate)
	next := started
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		if d := time.Until(next); d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-stop:
				return
			case <-ctx.Done():
				return
			}
		}
		select {
		case tokens <- struct{}{}:
		case <-stop:
			return
		case <-ctx.Done():
			return
		}
		next = next.Add(interval)
		if now := time.Now(); now.Sub(next) > time.Second {
			next = now // more than a second behind: the workers are the limit
		}
	}
}

// work runs operations until stop. When the rate is limited, every request
// waits for a token of the pacer (see worker.gate), so that the rate counts
// requests, not operations.
func (g *generator) work(ctx context.Context, w *worker, stop <-chan struct{}) {
	for !w.stopped {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		op := g.choose(w.rng)
		before := w.sent
		wait := g.do(ctx, w, op)
		if w.sent > before {
			g.rec.count(g.rec.picked, op)
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-stop:
				t.Stop()
				return
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
	}
}

func (g *generator) choose(r *rand.Rand) Op {
	n := r.IntN(g.mix[len(g.mix)-1].cum)
	for _, m := range g.mix {
		if n < m.cum {
			return m.op
		}
	}
	return g.mix[len(g.mix)-1].op
}

// do runs one operation and returns how long the worker must wait (after a 429).
func (g *generator) do(ctx context.Context, w *worker, op Op) time.Duration {
	switch op {
	case OpCalls:
		return g.call(ctx, w)
	case OpLetters:
		return g.letter(ctx, w)
	case OpMicroblog:
		return g.microblog(ctx, w)
	case OpPlatform:
		return g.platform(ctx, w)
	case OpAccept:
		return g.accept(ctx, w)
	case OpReply:
		return g.reply(ctx, w)
	case OpVisit:
		return g.visit(ctx, w)
	case OpRead:
		return g.read(ctx, w)
	}
	return 0
}

// request is one measured request.
type request struct {
	name, method, path, token string
	body                      any
	header                    map[string]string
}

// response is what a measured request got.
type response struct {
	status     int
	body       []byte
	retryAfter time.Duration // set on 429
}

// send sends a measured request once the worker's turn has come. ok is
// false when there was no answer (a network error, or the run being over,
// which is not counted).
func (g *generator) send(ctx context.Context, w *worker, r request) (response, bool) {
	if !w.gate(ctx) {
		return response{}, false
	}
	w.sent++
	var raw []byte
	if r.body != nil {
		var err error
		if b, isBytes := r.body.([]byte); isBytes {
			raw = b
		} else if raw, err = json.Marshal(r.body); err != nil {
			g.log.Error("load: encode request", "request", r.name, "err", err)
			return response{}, false
		}
	}
	rctx, cancel := context.WithTimeout(ctx, g.cfg.RequestTimeout)
	defer cancel()
	var body io.Reader
	if raw != nil {
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(rctx, r.method, g.cfg.URL+r.path, body)
	if err != nil {
		g.log.Error("load: build request", "request", r.name, "err", err)
		return response{}, false
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := g.cfg.Client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			g.rec.failure(r.name)
			g.log.Debug("load: request failed", "request", r.name, "err", err)
		}
		return response{}, false
	}
	out, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		if ctx.Err() == nil {
			g.rec.failure(r.name)
		}
		return response{}, false
	}
	g.rec.answer(r.name, resp.StatusCode, d)
	res := response{status: resp.StatusCode, body: out}
	if resp.StatusCode == http.StatusTooManyRequests {
		res.retryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	if resp.StatusCode >= 500 {
		g.log.Warn("load: server error", "request", r.name, "status", resp.StatusCode, "body", truncate(out, 300))
	}
	return res, true
}

// retryAfter reads a Retry-After header (seconds or an HTTP date); a missing
// or unreadable one means one second.
func retryAfter(h string, now time.Time) time.Duration {
	d := time.Second
	if s, err := strconv.Atoi(h); err == nil && s >= 0 {
		d = time.Duration(s) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	return max(0, min(d, maxRetryAfter))
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

func (g *generator) next() string {
	return g.runID + "-" + strconv.FormatInt(g.seq.Add(1), 10)
}

func (g *generator) call(ctx context.Context, w *worker) time.Duration {
	f := g.corpus.story(w.rng)
	in := core.CallInput{CallerName: g.corpus.caller(w.rng), CallerPhone: mobile(w.rng), Kind: f.kind,
		Title: f.title, Content: f.text, Region: pick(w.rng, g.corpus.regions), Urgent: w.rng.IntN(20) == 0}
	if f.kind == "consultation" && f.answer != "" && w.rng.IntN(10) < 3 {
		in.AnsweredOnCall, in.Answer = true, f.answer
	}
	res, ok := g.send(ctx, w, request{name: "call", method: "POST", path: "/api/v1/calls", token: g.acc.operator, body: in,
		header: map[string]string{"Idempotency-Key": "load-call-" + g.next()}})
	if !ok || res.status != http.StatusCreated {
		return res.retryAfter
	}
	g.rec.count(g.rec.done, OpCalls)
	var item struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal(res.body, &item); err != nil || item.ID == 0 {
		g.log.Warn("load: call answer without an id", "body", truncate(res.body, 300))
		return 0
	}
	g.rec.created(true, item.ID)
	if item.Status == "received" && g.cfg.RoutingSampleEvery > 0 && g.received.Add(1)%int64(g.cfg.RoutingSampleEvery) == 0 {
		s := routeSample{id: item.ID, created: time.Now()}
		select {
		case g.samples <- s:
			g.rec.routingUpdate(func(rr *RoutingReport) { rr.Sampled++ })
		default:
			g.rec.routingUpdate(func(rr *RoutingReport) { rr.Dropped++ })
		}
	}
	return 0
}

func (g *generator) letter(ctx context.Context, w *worker) time.Duration {
	f := g.corpus.story(w.rng)
	name := g.corpus.person(w.rng)
	in := core.LetterInput{Name: name, Phone: mobile(w.rng), Kind: f.kind, Title: f.title,
		Content: g.corpus.letter(f, name), Region: pick(w.rng, g.corpus.regions), PublishConsent: w.rng.IntN(3) == 0}
	if w.rng.IntN(3) == 0 {
		in.Email = fmt.Sprintf("citizen%d@example.cn", w.rng.IntN(100000))
	}
	res, ok := g.send(ctx, w, request{name: "letter", method: "POST", path: "/api/v1/public/letters", body: in})
	if ok && res.status == http.StatusCreated {
		g.rec.count(g.rec.done, OpLetters)
		g.rec.created(false, 0)
	}
	return res.retryAfter
}

func (g *generator) microblog(ctx context.Context, w *worker) time.Duration {
	f := g.corpus.story(w.rng)
	post := "load-" + g.next()
	author := fmt.Sprintf("wb%08d", w.rng.IntN(100_000_000))
	in := core.MicroblogInput{PostID: post, AuthorID: author, AuthorName: g.corpus.person(w.rng),
		Text: g.corpus.post(w.rng, f), URL: "https://weibo.example.cn/" + author + "/" + post,
		PostedAt: time.Now().Add(-time.Duration(w.rng.IntN(600)) * time.Second).Format(time.RFC3339)}
	if w.rng.IntN(2) == 0 {
		in.Kind = f.kind // otherwise the server assumes a consultation
	}
	raw, err := json.Marshal(in)
	if err != nil {
		g.log.Error("load: encode microblog post", "err", err)
		return 0
	}
	ts := time.Now().Unix()
	res, ok := g.send(ctx, w, request{name: "microblog", method: "POST", path: "/api/v1/webhooks/microblog", body: raw,
		header: map[string]string{
			hmacsig.HeaderTimestamp: strconv.FormatInt(ts, 10),
			hmacsig.HeaderSignature: hmacsig.Sign([]byte(g.cfg.WebhookSecret), ts, raw),
		}})
	if ok && res.status == http.StatusAccepted {
		g.rec.count(g.rec.done, OpMicroblog)
		g.rec.created(false, 0)
	}
	return res.retryAfter
}

func (g *generator) platform(ctx context.Context, w *worker) time.Duration {
	f := g.corpus.story(w.rng)
	in := core.PlatformInput{ExternalID: "load-" + g.next(), Kind: f.kind, Title: f.title,
		Content: g.corpus.platformText(w.rng, f), CitizenName: g.corpus.person(w.rng), CitizenPhone: mobile(w.rng),
		Region: pick(w.rng, g.corpus.regions)}
	if w.rng.IntN(2) == 0 {
		in.DueAt = time.Now().Add(time.Duration(3+w.rng.IntN(10)) * 24 * time.Hour).Format(time.RFC3339)
	}
	res, ok := g.send(ctx, w, request{name: "platform", method: "POST", path: "/api/v1/platform/items", body: in,
		header: map[string]string{"X-Api-Key": g.cfg.PlatformKey}})
	if ok && res.status/100 == 2 {
		g.rec.count(g.rec.done, OpPlatform)
		if res.status == http.StatusCreated {
			g.rec.created(false, 0)
		}
	}
	return res.retryAfter
}

// itemRef is the part of a listed item the generator looks at.
type itemRef struct {
	ID              int64    `json:"id"`
	Status          string   `json:"status"`
	PrimaryUnitCode *string  `json:"primary_unit_code"`
	CoUnitCodes     []string `json:"co_unit_codes"`
}

// list reads a page of items; ok is false when it failed (already recorded).
func (g *generator) list(ctx context.Context, w *worker, name, token string, q url.Values) ([]itemRef, time.Duration, bool) {
	res, ok := g.send(ctx, w, request{name: name, method: "GET", path: "/api/v1/items?" + q.Encode(), token: token})
	if !ok || res.status != http.StatusOK {
		return nil, res.retryAfter, false
	}
	var page struct {
		Items []itemRef `json:"items"`
	}
	if err := json.Unmarshal(res.body, &page); err != nil {
		g.log.Warn("load: undecodable item list", "request", name, "err", err)
		return nil, 0, false
	}
	return page.Items, 0, true
}

// claimOne picks at random an item that fits and that no worker has handled
// or is handling, and claims it.
func (g *generator) claimOne(r *rand.Rand, kind string, unit string, items []itemRef, fit func(itemRef) bool) (itemRef, string, bool) {
	var cands []itemRef
	for _, it := range items {
		if fit(it) {
			cands = append(cands, it)
		}
	}
	r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	for _, it := range cands {
		key := kind + "/" + unit + "/" + strconv.FormatInt(it.ID, 10)
		if g.claims.claim(key) {
			return it, key, true
		}
	}
	return itemRef{}, "", false
}

func isPrimary(it itemRef, unit string) bool {
	return it.PrimaryUnitCode != nil && *it.PrimaryUnitCode == unit
}

func isCo(it itemRef, unit string) bool {
	for _, c := range it.CoUnitCodes {
		if c == unit {
			return true
		}
	}
	return false
}

// accept: a unit staff member signs for a dispatched item of the unit, as
// primary or co-handling unit.
func (g *generator) accept(ctx context.Context, w *worker) time.Duration {
	st := pick(w.rng, g.acc.staff)
	items, wait, ok := g.list(ctx, w, "accept:list", st.token, url.Values{"status": {"dispatched"}, "limit": {"20"}})
	if !ok {
		return wait
	}
	it, key, found := g.claimOne(w.rng, "accept", st.unit, items, func(it itemRef) bool {
		return isPrimary(it, st.unit) || isCo(it, st.unit)
	})
	if !found {
		g.rec.count(g.rec.idle, OpAccept)
		return 0
	}
	res, ok := g.send(ctx, w, request{name: "accept", method: "POST", path: fmt.Sprintf("/api/v1/items/%d/accept", it.ID), token: st.token})
	// 409: another client signed for it first; either way it is done
	g.claims.release(key, ok && (res.status/100 == 2 || res.status == http.StatusConflict))
	if ok && res.status/100 == 2 {
		g.rec.count(g.rec.done, OpAccept)
	}
	return res.retryAfter
}

// reply: a primary unit's staff member sends the final reply on an accepted item.
func (g *generator) reply(ctx context.Context, w *worker) time.Duration {
	var primaries []staff
	for _, s := range g.acc.staff {
		if s.primary {
			primaries = append(primaries, s)
		}
	}
	st := pick(w.rng, primaries)
	items, wait, ok := g.list(ctx, w, "reply:list", st.token, url.Values{"status": {"accepted"}, "limit": {"20"}})
	if !ok {
		return wait
	}
	it, key, found := g.claimOne(w.rng, "reply", st.unit, items, func(it itemRef) bool { return isPrimary(it, st.unit) })
	if !found {
		g.rec.count(g.rec.idle, OpReply)
		return 0
	}
	res, ok := g.send(ctx, w, request{name: "reply", method: "POST", path: fmt.Sprintf("/api/v1/items/%d/replies", it.ID),
		token: st.token, body: core.ReplyInput{Body: g.corpus.reply(w.rng), Final: true}})
	g.claims.release(key, ok && (res.status/100 == 2 || res.status == http.StatusConflict))
	if ok && res.status/100 == 2 {
		g.rec.count(g.rec.done, OpReply)
	}
	return res.retryAfter
}

// visit: an operator calls back the citizen of a replied item of a load unit.
func (g *generator) visit(ctx context.Context, w *worker) time.Duration {
	var units []string
	for _, u := range loadUnits() {
		if u.primary {
			units = append(units, u.code)
		}
	}
	unit := pick(w.rng, units)
	items, wait, ok := g.list(ctx, w, "visit:list", g.acc.operator,
		url.Values{"status": {"replied"}, "unit_code": {unit}, "limit": {"20"}})
	if !ok {
		return wait
	}
	it, key, found := g.claimOne(w.rng, "visit", "", items, func(it itemRef) bool { return it.Status == "replied" })
	if !found {
		g.rec.count(g.rec.idle, OpVisit)
		return 0
	}
	in := core.VisitInput{Method: pick(w.rng, []string{"call", "call", "sms", "link"}), Comment: pick(w.rng, g.corpus.comments)}
	stars, resolved := 0, true
	switch n := w.rng.IntN(10); {
	case n < 7:
		in.Satisfaction, stars = "satisfied", 4+w.rng.IntN(2)
	case n < 9:
		in.Satisfaction, stars = "basically_satisfied", 3
	default:
		in.Satisfaction, stars, resolved = "dissatisfied", 1+w.rng.IntN(2), false
	}
	in.Stars, in.Resolved = &stars, &resolved
	res, ok := g.send(ctx, w, request{name: "visit", method: "POST", path: fmt.Sprintf("/api/v1/items/%d/visits", it.ID),
		token: g.acc.operator, body: in})
	g.claims.release(key, ok && (res.status/100 == 2 || res.status == http.StatusConflict))
	if ok && res.status/100 == 2 {
		g.rec.count(g.rec.done, OpVisit)
	}
	return res.retryAfter
}

// read lists items the way an operator's screen does, or reads the
// statistics by unit and month as the admin.
func (g *generator) read(ctx context.Context, w *worker) time.Duration {
	if g.statsOK && w.rng.IntN(2) == 0 {
		res, ok := g.send(ctx, w, request{name: "read:stats", method: "GET", path: "/api/v1/stats?group_by=unit,month", token: g.acc.admin})
		if ok && res.status == http.StatusOK {
			g.rec.count(g.rec.done, OpRead)
		}
		return res.retryAfter
	}
	q := url.Values{"limit": {"50"}}
	switch w.rng.IntN(4) {
	case 0:
		q.Set("status", pick(w.rng, g.corpus.statuses))
	case 1:
		q.Set("channel", pick(w.rng, g.corpus.channels))
	case 2:
		q.Set("q", pick(w.rng, g.corpus.searches))
	}
	res, ok := g.send(ctx, w, request{name: "read:items", method: "GET", path: "/api/v1/items?" + q.Encode(), token: g.acc.operator})
	if ok && res.status == http.StatusOK {
		g.rec.count(g.rec.done, OpRead)
	}
	return res.retryAfter
}

// pollRouting polls a sampled call until it is no longer received and records
// the time from its 201 to that poll's answer.
func (g *generator) pollRouting(ctx context.Context, s routeSample) {
	path := "/api/v1/items/" + strconv.FormatInt(s.id, 10)
	deadline := s.created.Add(g.cfg.RoutingTimeout)
	tick := time.NewTicker(g.cfg.RoutingPollInterval)
	defer tick.Stop()
	for {
		var item struct {
			Status string `json:"status"`
		}
		_, err := g.api(ctx, "GET", path, g.acc.admin, nil, &item, 200)
		now := time.Now()
		g.rec.routingUpdate(func(rr *RoutingReport) { rr.Polls++ })
		if ctx.Err() != nil {
			g.rec.routingUpdate(func(rr *RoutingReport) { rr.Unfinished++ })
			return
		}
		switch {
		case err != nil:
			g.rec.routingUpdate(func(rr *RoutingReport) { rr.PollErrors++ })
		case item.Status != "received":
			g.rec.routed(now.Sub(s.created), item.Status)
			return
		}
		if now.After(deadline) {
			g.rec.routingUpdate(func(rr *RoutingReport) { rr.TimedOut++ })
			return
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			g.rec.routingUpdate(func(rr *RoutingReport) { rr.Unfinished++ })
			return
		}
	}
}

// claims keeps workers from acting on the same item at once, and from acting
// again on an item they already handled.
type claims struct {
	mu   sync.Mutex
	keys map[string]bool // true: handled for good; false: being handled
}

func newClaims() *claims { return &claims{keys: map[string]bool{}} }

// claim reports whether the key was free, and takes it.
func (c *claims) claim(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, taken := c.keys[key]; taken {
		return false
	}
	c.keys[key] = false
	return true
}

// release gives the key back, or keeps it for good when the item is done.
func (c *claims) release(key string, done bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if done {
		c.keys[key] = true
	} else {
		delete(c.keys, key)
	}
}
