package demodata

import (
	"crypto/sha256"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hotline/calendar"
	"hotline/domain"
	"hotline/repo"
)

// Shares and rates of the simulation. They are the brief's figures; the
// tests check the generated data against them.
const (
	answeredOnCallShare = 0.40  // hotline consultations answered on the call
	routedByRuleShare   = 0.70  // dispatched by a routing rule, the rest by an operator
	coHandlingShare     = 0.20  // items with co-handling units
	acceptOnTimeShare   = 0.95  // sign-fors within the deadline
	ratedShare          = 0.45  // answered items that are rated
	visitShare          = 0.70  // ratings by an operator's return visit (the rest by link)
	reopenShare         = 0.55  // dissatisfied ratings of dispatched items that lead to a reopen
	duplicateShare      = 0.005 // items merged into the item received just before
	stalledShare        = 0.06  // items of the last four weeks that are stuck at some step
	stalledWindow       = 28 * 24 * time.Hour
	publishShare        = 0.25 // closed letters with consent that are published
	visitWindow         = 15 * 24 * time.Hour
)

// Where a stalled item is stuck.
const (
	stallNone = iota
	stallPending
	stallDispatched
	stallAccepted
)

// Tables the generator writes, in COPY order.
const (
	tItems = iota
	tAssignments
	tEvents
	tRatings
	tReplies
	tFacts
	numTables
)

// tableNames and their COPY column lists, by table constant.
func tableNames() [numTables]string {
	return [numTables]string{"items", "assignments", "events", "ratings", "replies", "item_facts"}
}

func tableColumns() [numTables]string {
	return [numTables]string{
		`id, tracking_code, secret_hash, channel, kind, category_code, title, content, status, urgent, confidential,
			citizen_name, citizen_phone, citizen_email, author_id, region, source_ref, source_url, posted_at,
			upstream_due_at, publish_consent, published_at, answer, received_at, dispatched_at, accept_due_at, due_at,
			original_due_at, remind_at, reminded_at, overdue, overdue_at, primary_unit_code, co_unit_codes, accepted_at,
			replied_at, completed_at, handle_seconds, closed_at, visit_due_at, reopened_count, merged_into_id,
			created_by, updated_at`,
		`item_id, unit_code, role, status, assigned_at, accept_due_at, accepted_at, accept_overdue, returned_at, return_reason`,
		`item_id, at, actor_id, actor, action, from_status, to_status, note, unit_code`,
		`item_id, source, method, satisfaction, stars, resolved, comment, operator_id, created_at`,
		`item_id, unit_code, author_id, body, final, public, status, approved_by, approved_at, created_at`,
		`item_id, day, unit_code, channel, kind, category_code, received, answered, dispatched, completed,
			completed_on_time, accepted_on_time, replied, rated, satisfied, basically_satisfied, dissatisfied,
			five_star, resolved, overdue, handle_seconds`,
	}
}

// generator makes the items of one run. It is read-only once built and
// shared by the goroutines that generate.
type generator struct {
	seed       uint64
	n          int
	firstID    int64
	now        time.Time
	never      time.Time
	loc        *time.Location
	cal        *calendar.Calendar
	tl         *timeline
	tx         *texts
	cities     []city
	cityCum    []float64
	units      []Unit
	cats       []Category
	catCum     []float64
	byCat      [][]float64 // per category: cumulative weights over units
	coCands    [][]int     // per unit: the units it shares items with
	policies   map[string]domain.SLAPolicy
	dayLen     time.Duration
	operatorID int64
	operator   string
	channels   []string
	channelCum []float64
	kinds      []string
	kindCum    []float64
	staff      []string // per unit: the account name of its events
	statusIdx  map[string]int
}

// generatorConfig is what a generator is built from.
type generatorConfig struct {
	seed       uint64
	n          int
	firstID    int64
	now        time.Time
	start      time.Time
	cal        *calendar.Calendar
	holidays   map[string]string
	units      []Unit
	policies   map[string]domain.SLAPolicy
	operatorID int64
	operator   string
}

func newGenerator(cfg generatorConfig) *generator {
	g := &generator{
		seed: cfg.seed, n: cfg.n, firstID: cfg.firstID, now: cfg.now, never: cfg.now.AddDate(100, 0, 0),
		loc: cfg.cal.Location(), cal: cfg.cal, tx: newTexts(), cities: cities(), units: cfg.units,
		cats: Categories(), policies: cfg.policies, operatorID: cfg.operatorID, operator: cfg.operator,
		channels:   []string{"hotline", "platform", "mailbox", "microblog"},
		channelCum: cumulative([]float64{70, 12, 10, 8}),
		kinds:      []string{"consultation", "complaint", "help", "suggestion", "report", "praise"},
		kindCum:    cumulative([]float64{60, 25, 6, 5, 3, 1}),
	}
	g.tl = newTimeline(cfg.cal, cfg.holidays, cfg.start, cfg.now)
	g.statusIdx = map[string]int{}
	for i, st := range domain.Statuses() {
		g.statusIdx[string(st)] = i
	}
	for _, w := range cfg.cal.Windows() {
		g.dayLen += w.End - w.Start
	}
	cw := make([]float64, len(g.cities))
	for i := range cw {
		cw[i] = zipf(i)
	}
	g.cityCum = cumulative(cw)
	catW := make([]float64, len(g.cats))
	for i, c := range g.cats {
		catW[i] = c.Weight
	}
	g.catCum = cumulative(catW)
	aff := affinities()
	all := make([]float64, len(g.units))
	for i, u := range g.units {
		all[i] = u.Weight
	}
	g.byCat = make([][]float64, len(g.cats))
	for ci, c := range g.cats {
		w := make([]float64, len(g.units))
		found := false
		for ui, u := range g.units {
			if a := aff[c.Code][u.Type]; a > 0 {
				w[ui] = a * u.Weight
				found = true
			}
		}
		if !found {
			w = all
		}
		g.byCat[ci] = cumulative(w)
	}
	g.coCands = make([][]int, len(g.units))
	g.staff = make([]string, len(g.units))
	for i, u := range g.units {
		g.staff[i] = staffName(u.Code)
		for j, o := range g.units {
			if j == i {
				continue
			}
			sameCity := u.City >= 0 && o.City == u.City && (o.Type == utEnforcement || o.Type == utBureau || o.Type == utCounty || o.Type == utHighway)
			provincial := u.City < 0 && o.City < 0
			if sameCity || provincial || o.Code == u.Parent {
				g.coCands[i] = append(g.coCands[i], j)
			}
		}
		if len(g.coCands[i]) == 0 {
			for j := range g.units {
				if j != i {
					g.coCands[i] = append(g.coCands[i], j)
				}
			}
		}
	}
	return g
}

// receivedAt draws item k's receipt time; it is the first draw of the item's
// stream, so that a duplicate can recompute its original's.
func (g *generator) receivedAt(k int, r *rng) time.Time {
	return g.tl.at((float64(k) + r.float()) / float64(g.n))
}

// isDup reports whether item k is a duplicate of item k-1, merged into it.
func (g *generator) isDup(k int) bool {
	flag := func(k int) bool {
		r := newRNG(g.seed^0x5EED_D0B1E, uint64(k))
		return r.float() < duplicateShare
	}
	return k >= 1 && k < g.n && flag(k) && !flag(k-1)
}

// chunkStart is the first item of chunk i: a multiple of size, moved past a
// duplicate so that an item and its duplicate (which refers to it) are
// written in the same transaction.
func (g *generator) chunkStart(i, size int) int {
	k := i * size
	if k >= g.n {
		return g.n
	}
	if g.isDup(k) {
		k++
	}
	return k
}

// operatorTime is when an operator gets to something that arrived at t:
// operators work 8:00-20:00 every day.
func (g *generator) operatorTime(t time.Time, r *rng) time.Time {
	l := t.In(g.loc)
	if h := l.Hour(); h >= 8 && h < 20 {
		res := t.Add(r.lognormal(12*time.Minute, 1.0, time.Minute, 3*time.Hour))
		if rl := res.In(g.loc); rl.Hour() >= 8 && rl.Hour() < 20 && rl.Day() == l.Day() {
			return res
		}
	}
	y, m, d := l.Date()
	if l.Hour() >= 8 {
		d++
	}
	return time.Date(y, m, d, 8, 0, 0, 0, g.loc).Add(r.duration(0, 90*time.Minute))
}

// dupTimes are a duplicate's routing and merge times, the first draws after
// its receipt time.
func (g *generator) dupTimes(r *rng, received time.Time) (route, merge time.Time) {
	route = received.Add(r.duration(3*time.Second, 30*time.Second))
	return route, g.operatorTime(route, r)
}

// trackingCode is YYMMDD- and eight characters derived from the id: an
// affine map modulo 31^8 is a bijection, so codes never repeat.
func trackingCode(b []byte, local time.Time, id int64) []byte {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	const mod = 852891037441 // 31^8
	b = appendDigits(b, local.Year()%100, 2)
	b = appendDigits(b, int(local.Month()), 2)
	b = appendDigits(b, local.Day(), 2)
	b = append(b, '-')
	x := (uint64(id)%mod*387420489 + 123456789) % mod
	var tmp [8]byte
	for i := 7; i >= 0; i-- {
		tmp[i] = alphabet[x%31]
		x /= 31
	}
	return append(b, tmp[:]...)
}

// titleFrom shortens a text to a title, as intake does for microblog posts.
func titleFrom(s string) string {
	if utf8.RuneCountInString(s) <= 30 {
		return s
	}
	n := 0
	for i := range s {
		if n == 30 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// base is what an item is about and who sent it: everything a duplicate
// shares with its original.
type base struct {
	received      time.Time
	channel, kind string
	topic         int // index into Categories
	storeCategory bool
	unit          int // the unit it would go to
	city          int
	district      string
	urgent        bool
	confidential  bool
	answered      bool // answered on the call
	name, phone   string
	email, author string
	title         string
	content       string
}

// attributes draws an item's base after its receipt time.
func (g *generator) attributes(r *rng, received time.Time, b *base, buf []byte) []byte {
	w := &g.tx.words
	b.received = received
	b.channel = g.channels[r.pick(g.channelCum)]
	b.kind = g.kinds[r.pick(g.kindCum)]
	b.topic = r.pick(g.catCum)
	b.storeCategory = b.channel == "hotline" || r.chance(0.55)
	b.unit = r.pick(g.byCat[b.topic])
	u := g.units[b.unit]
	b.city = u.City
	if b.city < 0 {
		b.city = r.pick(g.cityCum)
	}
	c := g.cities[b.city]
	b.district = u.District
	if b.district == "" {
		b.district = c.districts[r.intn(len(c.districts))]
	}
	switch b.kind {
	case "complaint", "help":
		b.urgent = r.chance(0.03)
	default:
		b.urgent = r.chance(0.005)
	}
	if b.kind == "report" {
		b.confidential = r.chance(0.4)
	} else {
		b.confidential = r.chance(0.01)
	}
	b.answered = b.channel == "hotline" && b.kind == "consultation" && r.chance(answeredOnCallShare)
	switch b.channel {
	case "hotline":
		b.name, b.phone = w.callerName(r), w.fakePhone(r)
	case "mailbox":
		if r.chance(0.8) {
			b.name = w.personName(r)
		}
		if r.chance(0.7) {
			b.phone = w.fakePhone(r)
		}
		if r.chance(0.5) {
			b.email = w.email(r)
		}
	case "microblog":
		b.name = w.nickname(r)
		b.author = "wb" + strconv.FormatInt(int64(1_000_000_000+r.intn(2_000_000_000)), 10)
	case "platform":
		if r.chance(0.7) {
			b.name = w.personName(r)
		}
		if r.chance(0.8) {
			b.phone = w.fakePhone(r)
		}
	}
	l := received.In(g.loc).AddDate(0, 0, -r.intn(3))
	tc := textContext{r: r, w: w, cities: g.cities, city: b.city, district: b.district,
		subject: g.cats[b.topic].Subject, month: int(l.Month()), day: l.Day(), phone: b.phone}
	tp := g.tx.choose(r, kindLetter(b.kind), g.cats[b.topic].Code)
	buf = tc.render(buf[:0], tp.content)
	b.content = string(buf)
	buf = tc.render(buf[:0], tp.title)
	b.title = string(buf)
	if b.channel == "microblog" {
		b.title = titleFrom(b.content)
	}
	return buf
}

// itemRec is one row of items; zero times are NULL.
type itemRec struct {
	id             int64
	tracking       string
	secretHash     []byte
	channel, kind  string
	category       string
	title, content string
	status         string
	urgent         bool
	confidential   bool
	name, phone    string
	email, author  string
	region         string
	sourceRef      string
	sourceURL      string
	postedAt       time.Time
	upstreamDueAt  time.Time
	publishConsent bool
	publishedAt    time.Time
	answer         string
	receivedAt     time.Time
	dispatchedAt   time.Time
	acceptDueAt    time.Time
	dueAt          time.Time
	remindAt       time.Time
	remindedAt     time.Time
	overdue        bool
	overdueAt      time.Time
	primaryUnit    int // index into units, -1 for none
	coUnits        []int
	acceptedAt     time.Time
	repliedAt      time.Time
	completedAt    time.Time
	handleSeconds  int64
	hasHandle      bool
	closedAt       time.Time
	visitDueAt     time.Time
	reopenedCount  int
	mergedInto     int64
	createdBy      int64
	updatedAt      time.Time
}

// eventRec is one row of events.
type eventRec struct {
	at      time.Time
	actorID int64
	actor   string
	action  string
	to      string // the status it leads to; "" keeps the status
	created bool   // the first event: no from status
	from    string // filled in by the replay
	note    string
	unit    int // -1 for none
}

type assignRec struct {
	unit        int
	role        string
	status      string
	assignedAt  time.Time
	acceptDueAt time.Time
	acceptedAt  time.Time
	acceptLate  bool
}

type ratingRec struct {
	source, method string
	satisfaction   string
	stars          int // 0: none
	resolved       bool
	comment        string
	operatorID     int64
	at             time.Time
}

type replyRec struct {
	unit   int
	body   string
	status string
	at     time.Time
}

// sim generates items one at a time; each generating goroutine has its own.
type sim struct {
	g       *generator
	r       rng
	it      itemRec
	ev      []eventRec
	as      []assignRec
	ra      []ratingRec
	re      []replyRec
	buf     []byte
	primary int // index into as of the primary assignment, -1 for none
}

func newSim(g *generator) *sim { return &sim{g: g} }

func (s *sim) event(at time.Time, actorID int64, actor, action, to, note string, unit int) {
	if at.After(s.g.now) {
		return
	}
	s.ev = append(s.ev, eventRec{at: at, actorID: actorID, actor: actor, action: action, to: to, note: note, unit: unit})
}

func (s *sim) operatorEvent(at time.Time, action, to, note string) {
	s.event(at, s.g.operatorID, s.g.operator, action, to, note, -1)
}

func (s *sim) systemEvent(at time.Time, action, to, note string) {
	s.event(at, 0, "system", action, to, note, -1)
}

func (s *sim) unitEvent(at time.Time, unit int, action, to, note string) {
	s.event(at, 0, s.g.staff[unit], action, to, note, unit)
}

// item generates item k of the run.
func (s *sim) item(k int) {
	g := s.g
	s.it = itemRec{id: g.firstID + int64(k), primaryUnit: -1, coUnits: s.it.coUnits[:0]}
	s.ev, s.as, s.ra, s.re, s.primary = s.ev[:0], s.as[:0], s.ra[:0], s.re[:0], -1
	s.r = newRNG(g.seed, uint64(k))
	r := &s.r
	received := g.receivedAt(k, r)
	if g.isDup(k) {
		s.duplicate(k, received)
		s.finish()
		return
	}
	var b base
	s.buf = g.attributes(r, received, &b, s.buf)
	s.fill(&b)
	if b.answered {
		s.answeredOnCall(&b)
	} else {
		s.dispatch(&b)
	}
	if s.it.channel == "mailbox" && s.it.publishConsent && !s.it.closedAt.IsZero() && r.chance(publishShare) {
		if at := s.it.closedAt.Add(r.duration(time.Hour, 72*time.Hour)); !at.After(g.now) {
			s.it.publishedAt = at
			s.operatorEvent(at, "published", "", "公开选登")
		}
	}
	if g.isDup(k + 1) {
		// the next item is this one again; its merge shows on this timeline too
		r2 := newRNG(g.seed, uint64(k+1))
		rec2 := g.receivedAt(k+1, &r2)
		_, merge := g.dupTimes(&r2, rec2)
		code := string(trackingCode(nil, rec2.In(g.loc), s.it.id+1))
		s.operatorEvent(merge, "merged", "", "合并了重复诉求 "+code+"(#"+strconv.FormatInt(s.it.id+1, 10)+")")
	}
	s.finish()
}

// fill sets the item's columns from its base.
func (s *sim) fill(b *base) {
	g, it, r := s.g, &s.it, &s.r
	local := b.received.In(g.loc)
	it.tracking = string(trackingCode(s.buf[:0], local, it.id))
	it.channel, it.kind = b.channel, b.kind
	if b.storeCategory {
		it.category = g.cats[b.topic].Code
	}
	it.title, it.content = b.title, b.content
	it.urgent, it.confidential = b.urgent, b.confidential
	it.name, it.phone, it.email, it.author = b.name, b.phone, b.email, b.author
	it.region = g.cities[b.city].name + b.district
	it.receivedAt = b.received
	switch b.channel {
	case "hotline":
		it.createdBy = g.operatorID
	case "mailbox":
		it.publishConsent = r.chance(0.3)
		// the tracking secret of a demo letter is "demo-" and its code
		h := sha256.Sum256([]byte("demo-" + it.tracking))
		it.secretHash = h[:]
	case "microblog":
		ref := "5" + strconv.FormatInt(1e15+it.id, 10)[1:]
		it.sourceRef = ref
		it.sourceURL = "https://weibo.com/" + strings.TrimPrefix(b.author, "wb") + "/" + ref
		it.postedAt = b.received.Add(-r.duration(time.Minute, 40*time.Minute))
	case "platform":
		it.sourceRef = "MXW" + strconv.Itoa(local.Year()) + "-" + strconv.FormatInt(1e9+it.id, 10)[1:]
		if r.chance(0.6) {
			days := []int{5, 10, 15}[r.intn(3)]
			it.upstreamDueAt = g.cal.DueAfterWorkdays(b.received, days)
		}
	}
	switch b.channel {
	case "hotline":
		s.operatorEvent(b.received, "created", string(domain.Received), "")
	case "mailbox":
		s.event(b.received, 0, "citizen", "created", string(domain.Received), "", -1)
	default:
		s.event(b.received, 0, b.channel, "created", string(domain.Received), "", -1)
	}
	s.ev[len(s.ev)-1].created = true
}

// duplicate generates item k as a second report of item k-1: same person,
// same text, waiting for an operator, who merges it into the first.
func (s *sim) duplicate(k int, received time.Time) {
	g, it := s.g, &s.it
	route, merge := g.dupTimes(&s.r, received)
	r0 := newRNG(g.seed, uint64(k-1))
	origReceived := g.receivedAt(k-1, &r0)
	var b base
	s.buf = g.attributes(&r0, origReceived, &b, s.buf)
	b.received, b.answered = received, false
	s.fill(&b)
	s.systemEvent(route, "routed", string(domain.PendingDispatch), "无匹配的分派规则,待人工分派")
	if route.After(g.now) || merge.After(g.now) {
		return
	}
	code := string(trackingCode(nil, origReceived.In(g.loc), it.id-1))
	it.mergedInto, it.closedAt = it.id-1, merge
	s.operatorEvent(merge, "merged", string(domain.Closed), "合并至 "+code+"(#"+strconv.FormatInt(it.id-1, 10)+")")
}

// answeredOnCall is a consultation the operator answered on the call.
func (s *sim) answeredOnCall(b *base) {
	g, it := s.g, &s.it
	s.ev[0].to = string(domain.Answered)
	tc := textContext{r: &s.r, w: &g.tx.words, cities: g.cities, city: b.city, district: b.district,
		subject: g.cats[b.topic].Subject}
	s.buf = tc.render(s.buf[:0], g.tx.answers[s.r.intn(len(g.tx.answers))])
	it.answer = string(s.buf)
	it.repliedAt = b.received
	it.visitDueAt = g.cal.NextWorkday(b.received)
	s.afterAnswer(b, b.received, 1)
}

// dispatch routes an item to its units and follows it through sign-for,
// handling, the answer and the return visit.
func (s *sim) dispatch(b *base) {
	g, it, r := s.g, &s.it, &s.r
	now := g.now
	stall := stallNone
	if now.Sub(b.received) < stalledWindow && r.chance(stalledShare) {
		stall = stallPending + r.intn(3)
	}
	route := b.received.Add(r.duration(3*time.Second, 30*time.Second))
	if route.After(now) {
		return
	}
	primary := b.unit
	co := it.coUnits[:0]
	if r.chance(coHandlingShare) {
		cands := g.coCands[primary]
		for n := 1 + r.intn(2); n > 0 && len(co) < len(cands); n-- {
			c := cands[r.intn(len(cands))]
			if !slices.Contains(co, c) {
				co = append(co, c)
			}
		}
	}
	note := s.unitsNote(primary, co)
	var dispatched time.Time
	if stall != stallPending && r.chance(routedByRuleShare) {
		s.systemEvent(route, "routed", string(domain.Dispatched), "按分派规则分派:"+note)
		dispatched = route
	} else {
		s.systemEvent(route, "routed", string(domain.PendingDispatch), "无匹配的分派规则,待人工分派")
		dispatched = g.operatorTime(route, r)
		if stall == stallPending || dispatched.After(now) {
			return
		}
		s.operatorEvent(dispatched, "dispatched", string(domain.Dispatched), "分派:"+note)
	}
	it.dispatchedAt, it.primaryUnit, it.coUnits = dispatched, primary, co
	pol := g.policies[b.kind]
	var upstream *time.Time
	if !it.upstreamDueAt.IsZero() {
		upstream = &it.upstreamDueAt
	}
	d := domain.ComputeDeadlines(g.cal, pol, dispatched, b.urgent, upstream)
	it.acceptDueAt, it.dueAt, it.remindAt = d.AcceptDue, d.Due, d.RemindAt
	s.as = append(s.as, assignRec{unit: primary, role: "primary", status: "assigned", assignedAt: dispatched, acceptDueAt: d.AcceptDue})
	s.primary = 0
	for _, c := range co {
		s.as = append(s.as, assignRec{unit: c, role: "co", status: "assigned", assignedAt: dispatched, acceptDueAt: d.AcceptDue})
	}

	accepted, late := s.acceptTime(pol, d, dispatched, b.urgent)
	if stall == stallDispatched {
		accepted = g.never
	}
	pa := &s.as[s.primary]
	if accepted.After(d.AcceptDue) && !d.AcceptDue.After(now) {
		pa.acceptLate = true
		s.systemEvent(d.AcceptDue, "accept_overdue", "", "超过签收时限未签收")
	}
	if accepted.After(now) {
		s.workPhase(d, g.never)
		return
	}
	acceptNote := ""
	if accepted.After(d.AcceptDue) {
		acceptNote = "超时签收"
	}
	s.unitEvent(accepted, primary, "accepted", string(domain.Accepted), acceptNote)
	it.acceptedAt, pa.status, pa.acceptedAt = accepted, "accepted", accepted
	for i := range co {
		a := &s.as[1+i]
		at := accepted.Add(r.duration(time.Minute, 20*time.Minute))
		if at.After(now) {
			continue
		}
		a.status, a.acceptedAt, a.acceptLate = "accepted", at, at.After(d.AcceptDue)
		s.unitEvent(at, a.unit, "accepted", "", "协办签收")
	}

	done := g.never
	if stall != stallAccepted {
		days := s.replyDays(pol, b.urgent, upstream != nil)
		done = g.cal.AddWorkingDuration(accepted, s.handlingTime(days, late, 0.33, 0.6))
	}
	s.workPhase(d, done)
	if done.After(now) {
		return
	}
	s.complete(b, done)
	s.afterAnswer(b, done, 1)
}

// unitsNote names the units of a dispatch, as the timeline shows them.
func (s *sim) unitsNote(primary int, co []int) string {
	b := append(s.buf[:0], "主办 "...)
	b = append(b, s.g.units[primary].Code...)
	for i, c := range co {
		if i == 0 {
			b = append(b, ",协办 "...)
		} else {
			b = append(b, "、"...)
		}
		b = append(b, s.g.units[c].Code...)
	}
	s.buf = b
	return string(b)
}

// acceptTime is when the primary unit signs for the item: mostly within the
// sign-for deadline, sometimes late.
func (s *sim) acceptTime(pol domain.SLAPolicy, d domain.Deadlines, dispatched time.Time, urgent bool) (time.Time, bool) {
	r, cal := &s.r, s.g.cal
	onTime := r.chance(acceptOnTimeShare)
	var t time.Time
	switch {
	case urgent && onTime:
		t = dispatched.Add(r.duration(2*time.Minute, 25*time.Minute))
	case urgent:
		t = d.AcceptDue.Add(r.lognormal(40*time.Minute, 0.8, 10*time.Minute, 72*time.Hour))
	case onTime:
		limit := time.Duration(pol.AcceptHours * float64(time.Hour) * 0.9)
		t = cal.AddWorkingDuration(dispatched, r.duration(time.Minute, max(limit, 2*time.Minute)))
	default:
		w := time.Duration(pol.AcceptHours*float64(time.Hour)) + r.lognormal(2*time.Hour, 0.8, 10*time.Minute, 40*time.Hour)
		t = cal.AddWorkingDuration(dispatched, w)
	}
	if onTime && t.After(d.AcceptDue) {
		t = d.AcceptDue
	}
	return t, !onTime
}

// handlingTime is the working time a unit takes to answer: lognormal around
// a fraction of the days allowed.
func (s *sim) handlingTime(days int, late bool, fraction, sigma float64) time.Duration {
	median := time.Duration(fraction * float64(days) * float64(s.g.dayLen))
	if late {
		median = median * 13 / 10
	}
	return s.r.lognormal(median, sigma, 30*time.Minute, 400*s.g.dayLen)
}

// replyDays is the number of working days a unit has to answer.
func (s *sim) replyDays(pol domain.SLAPolicy, urgent bool, upstream bool) int {
	switch {
	case upstream:
		return max(1, int(s.g.cal.WorkingDuration(s.it.dispatchedAt, s.it.upstreamDueAt)/s.g.dayLen))
	case urgent:
		return pol.UrgentReplyWorkdays
	}
	return pol.ReplyWorkdays
}

// workPhase records the reminder and the overdue mark of a handling period
// with deadlines d that ends at done (or is still open).
func (s *sim) workPhase(d domain.Deadlines, done time.Time) {
	g, it := s.g, &s.it
	if d.RemindAt.Before(d.Due) && d.RemindAt.Before(done) && !d.RemindAt.After(g.now) {
		it.remindedAt = d.RemindAt
		s.systemEvent(d.RemindAt, "reminded", "", "催办:办理时限 "+d.Due.In(g.loc).Format("01-02 15:04"))
	}
	if d.Due.Before(done) && !d.Due.After(g.now) {
		it.overdue, it.overdueAt = true, d.Due
		s.systemEvent(d.Due, "overdue", "", "已超过办理时限,督办")
	}
}

// complete records the primary unit's final reply at t.
func (s *sim) complete(b *base, t time.Time) {
	g, it := s.g, &s.it
	for i := range s.re {
		s.re[i].status = "superseded"
	}
	it.repliedAt, it.completedAt = t, t
	it.handleSeconds, it.hasHandle = int64(g.cal.WorkingDuration(it.dispatchedAt, t)/time.Second), true
	it.visitDueAt = g.cal.NextWorkday(t)
	s.as[s.primary].status = "replied"
	s.unitEvent(t, it.primaryUnit, "replied", string(domain.Replied), "办结答复")
	tc := textContext{r: &s.r, w: &g.tx.words, cities: g.cities, city: b.city, district: b.district,
		subject: g.cats[b.topic].Subject, unit: g.units[it.primaryUnit].Name}
	list := g.tx.replies[kindLetter(b.kind)]
	s.buf = tc.render(s.buf[:0], list[s.r.intn(len(list))])
	s.re = append(s.re, replyRec{unit: it.primaryUnit, body: string(s.buf), status: "effective", at: t})
}

// afterAnswer is the return visit or rating after an answer at t, the
// closing, and for an unhappy citizen sometimes a reopen (cycle 1 only).
func (s *sim) afterAnswer(b *base, t time.Time, cycle int) {
	g, it, r := s.g, &s.it, &s.r
	if r.chance(ratedShare) {
		var at time.Time
		byVisit := r.chance(visitShare)
		if byVisit {
			at = g.cal.AddWorkingDuration(it.visitDueAt, r.duration(10*time.Minute, 6*time.Hour))
		} else {
			at = t.Add(r.lognormal(3*time.Hour, 1.0, 5*time.Minute, 10*24*time.Hour))
		}
		if !at.After(g.now) {
			rt := s.rating(byVisit, at, cycle)
			note := "满意"
			switch rt.satisfaction {
			case "basically_satisfied":
				note = "基本满意"
			case "dissatisfied":
				note = "不满意"
			}
			if rt.stars > 0 {
				note += "," + strconv.Itoa(rt.stars) + "星"
			}
			if rt.resolved {
				note += ",问题已解决"
			} else {
				note += ",问题未解决"
			}
			if byVisit {
				s.operatorEvent(at, "visited", "", note)
			} else {
				s.event(at, 0, "citizen", "rated", "", note, -1)
			}
			if rt.satisfaction != "dissatisfied" {
				it.closedAt = at
				s.systemEvent(at, "closed", string(domain.Closed), "群众评价满意,办结归档")
				return
			}
			if cycle == 1 && it.primaryUnit >= 0 && r.chance(reopenShare) {
				s.reopen(b, g.operatorTime(at, r))
				return
			}
		}
	}
	if at := t.Add(visitWindow + r.duration(time.Second, 10*time.Second)); !at.After(g.now) {
		it.closedAt = at
		s.systemEvent(at, "closed", string(domain.Closed), "评价期满,自动办结归档")
	}
}

// rating records a rating at t.
func (s *sim) rating(byVisit bool, t time.Time, cycle int) ratingRec {
	r := &s.r
	rt := ratingRec{source: "link", method: "link", at: t}
	if byVisit {
		rt.source, rt.method, rt.operatorID = "visit", "call", s.g.operatorID
		if r.chance(0.1) {
			rt.method = "sms"
		}
	}
	sat, basic := 0.85, 0.10
	if cycle > 1 {
		sat, basic = 0.60, 0.25
	}
	switch x := r.float(); {
	case x < sat:
		rt.satisfaction, rt.stars, rt.resolved = "satisfied", 5, r.chance(0.96)
		if r.chance(0.12) {
			rt.stars = 4
		}
	case x < sat+basic:
		rt.satisfaction, rt.stars, rt.resolved = "basically_satisfied", 3+r.intn(2), r.chance(0.75)
	default:
		rt.satisfaction, rt.stars, rt.resolved = "dissatisfied", 1+r.intn(2), r.chance(0.1)
	}
	if byVisit && r.chance(0.05) {
		rt.stars = 0 // the caller would not give stars
	}
	w := &s.g.tx.words
	if rt.satisfaction == "dissatisfied" {
		rt.comment = w.dissatisfiedComments[r.intn(len(w.dissatisfiedComments))]
	} else {
		rt.comment = w.okComments[r.intn(len(w.okComments))]
	}
	s.ra = append(s.ra, rt)
	return rt
}

// reopen sends a dispatched item back to its primary unit at t (重办).
func (s *sim) reopen(b *base, t time.Time) {
	g, it := s.g, &s.it
	if t.After(g.now) {
		return
	}
	s.operatorEvent(t, "reopened", string(domain.Accepted), "重办:群众评价不满意,要求重新办理")
	it.reopenedCount++
	it.closedAt, it.repliedAt, it.completedAt, it.visitDueAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	it.handleSeconds, it.hasHandle = 0, false
	pol := g.policies[b.kind]
	d := domain.ComputeDeadlines(g.cal, pol, t, b.urgent, nil)
	it.dueAt, it.remindAt, it.remindedAt = d.Due, d.RemindAt, time.Time{}
	it.overdue, it.overdueAt = false, time.Time{}
	s.as[s.primary].status = "accepted"
	// a reopen has the department's own deadline, not the platform's
	done := g.cal.AddWorkingDuration(t, s.handlingTime(s.replyDays(pol, b.urgent, false), false, 0.3, 0.5))
	s.workPhase(d, done)
	if done.After(g.now) {
		return
	}
	s.complete(b, done)
	s.afterAnswer(b, done, 2)
}

// finish orders the timeline, derives each event's statuses and the item's
// status from it.
func (s *sim) finish() {
	slices.SortStableFunc(s.ev, func(a, b eventRec) int { return a.at.Compare(b.at) })
	status := ""
	for i := range s.ev {
		e := &s.ev[i]
		if e.created {
			status = e.to
			continue
		}
		e.from = status
		if e.to == "" {
			e.to = status
		}
		status = e.to
	}
	s.it.status = status
	s.it.updatedAt = s.ev[len(s.ev)-1].at
}

// outcome is the item's statistics view, as repo reads it from the tables.
func (s *sim) outcome() repo.OutcomeRow {
	it, g := &s.it, s.g
	tp := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	o := repo.OutcomeRow{ItemID: it.id, ReceivedAt: it.receivedAt, Channel: it.channel, Kind: it.kind,
		Category: it.category, Merged: it.mergedInto != 0, HasAnswer: it.answer != "",
		DispatchedAt: tp(it.dispatchedAt), RepliedAt: tp(it.repliedAt), CompletedAt: tp(it.completedAt),
		DueAt: tp(it.dueAt), Overdue: it.overdue, AcceptDueAt: tp(it.acceptDueAt), AcceptedAt: tp(it.acceptedAt)}
	if it.primaryUnit >= 0 {
		o.Unit = g.units[it.primaryUnit].Code
	}
	if it.hasHandle {
		h := it.handleSeconds
		o.HandleSeconds = &h
	}
	if n := len(s.ra); n > 0 {
		last := s.ra[n-1]
		sat, res := last.satisfaction, last.resolved
		o.Satisfaction, o.Resolved = &sat, &res
		if last.stars > 0 {
			st := last.stars
			o.Stars = &st
		}
	}
	return o
}

// encode appends the item's rows to the chunk.
func (s *sim) encode(c *chunk) {
	g, it := s.g, &s.it
	unitCode := func(i int) string {
		if i < 0 {
			return ""
		}
		return g.units[i].Code
	}
	t := &c.tables[tItems]
	t.int(it.id)
	t.text(it.tracking)
	t.bytea(it.secretHash)
	t.text(it.channel)
	t.text(it.kind)
	t.textOrNull(it.category)
	t.text(it.title)
	t.text(it.content)
	t.text(it.status)
	t.bool(it.urgent)
	t.bool(it.confidential)
	t.text(it.name)
	t.text(it.phone)
	t.text(it.email)
	t.text(it.author)
	t.text(it.region)
	t.textOrNull(it.sourceRef)
	t.text(it.sourceURL)
	t.time(it.postedAt)
	t.time(it.upstreamDueAt)
	t.bool(it.publishConsent)
	t.time(it.publishedAt)
	t.text(it.answer)
	t.time(it.receivedAt)
	t.time(it.dispatchedAt)
	t.time(it.acceptDueAt)
	t.time(it.dueAt)
	t.null() // original_due_at: no extensions in the demo
	t.time(it.remindAt)
	t.time(it.remindedAt)
	t.bool(it.overdue)
	t.time(it.overdueAt)
	t.textOrNull(unitCode(it.primaryUnit))
	t.sep()
	t.b = append(t.b, '{')
	for i, u := range it.coUnits {
		if i > 0 {
			t.b = append(t.b, ',')
		}
		t.b = append(t.b, g.units[u].Code...) // codes need no quoting
	}
	t.b = append(t.b, '}')
	t.time(it.acceptedAt)
	t.time(it.repliedAt)
	t.time(it.completedAt)
	if it.hasHandle {
		t.int(it.handleSeconds)
	} else {
		t.null()
	}
	t.time(it.closedAt)
	t.time(it.visitDueAt)
	t.int(int64(it.reopenedCount))
	t.intOrNull(it.mergedInto)
	t.intOrNull(it.createdBy)
	t.time(it.updatedAt)
	t.end()

	t = &c.tables[tAssignments]
	for _, a := range s.as {
		t.int(it.id)
		t.text(g.units[a.unit].Code)
		t.text(a.role)
		t.text(a.status)
		t.time(a.assignedAt)
		t.time(a.acceptDueAt)
		t.time(a.acceptedAt)
		t.bool(a.acceptLate)
		t.null()
		t.text("")
		t.end()
	}

	t = &c.tables[tEvents]
	for _, e := range s.ev {
		t.int(it.id)
		t.time(e.at)
		t.intOrNull(e.actorID)
		t.text(e.actor)
		t.text(e.action)
		t.textOrNull(e.from)
		t.text(e.to)
		t.text(e.note)
		t.textOrNull(unitCode(e.unit))
		t.end()
	}

	t = &c.tables[tRatings]
	for _, rt := range s.ra {
		t.int(it.id)
		t.text(rt.source)
		t.text(rt.method)
		t.text(rt.satisfaction)
		t.intOrNull(int64(rt.stars))
		t.bool(rt.resolved)
		t.text(rt.comment)
		t.intOrNull(rt.operatorID)
		t.time(rt.at)
		t.end()
	}

	t = &c.tables[tReplies]
	for _, re := range s.re {
		t.int(it.id)
		t.text(g.units[re.unit].Code)
		t.int(g.operatorID)
		t.text(re.body)
		t.bool(true)
		t.bool(true)
		t.text(re.status)
		t.null()
		t.null()
		t.time(re.at)
		t.end()
	}

	row := s.outcome()
	fact := repo.FactRow{ItemID: it.id, Key: row.Key(g.loc), Counts: domain.Count(row.Outcome())}
	t = &c.tables[tFacts]
	t.int(fact.ItemID)
	t.date(fact.Key.Day)
	t.text(fact.Key.Unit)
	t.text(fact.Key.Channel)
	t.text(fact.Key.Kind)
	t.text(fact.Key.Category)
	for _, v := range fact.Counts.Values() {
		t.int(v)
	}
	t.end()

	c.statuses[g.statusIdx[it.status]]++
}

// chunk is a batch of consecutive items, encoded for COPY.
type chunk struct {
	first, count int
	tables       [numTables]copyBuf
	statuses     [7]int64
}

// generate fills c with items first..first+count-1.
func (s *sim) generate(c *chunk, first, count int) {
	c.first, c.count = first, count
	for i := range c.tables {
		c.tables[i].reset()
	}
	c.statuses = [7]int64{}
	for k := first; k < first+count; k++ {
		s.item(k)
		s.encode(c)
	}
}
