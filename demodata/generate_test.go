package demodata

import (
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"hotline/calendar"
	"hotline/domain"
)

// testGenerator builds a generator on the official holiday data, without a
// database.
func testGenerator(t testing.TB, n int) *generator {
	t.Helper()
	f, err := os.Open("../calendar/testdata/holidays-cn.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	days, err := calendar.ParseCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := calendar.New(loc, days, nil)
	if err != nil {
		t.Fatal(err)
	}
	holidays := map[string]string{}
	for _, d := range days {
		if d.Kind == calendar.Holiday {
			holidays[d.Date] = d.Name
		}
	}
	policies := map[string]domain.SLAPolicy{}
	for _, k := range domain.Kinds() {
		policies[string(k)] = domain.DefaultPolicy(k)
	}
	now := time.Date(2026, 6, 15, 10, 30, 0, 0, loc)
	return newGenerator(generatorConfig{seed: 1, n: n, firstID: 1, now: now, start: now.AddDate(-3, 0, 0), cal: cal,
		holidays: holidays, units: Units(200), policies: policies, operatorID: 1, operator: OperatorUsername})
}

func TestTemplatesRender(t *testing.T) {
	g := testGenerator(t, 1000)
	for k := 0; k < 20000; k++ {
		r := newRNG(7, uint64(k))
		var b base
		g.attributes(&r, g.receivedAt(k%1000, &r), &b, nil)
		if n := utf8.RuneCountInString(b.content); n < 20 || n > 80 {
			t.Fatalf("content of %d characters: %q", n, b.content)
		}
		if n := utf8.RuneCountInString(b.title); n < 4 || n > 31 {
			t.Fatalf("title of %d characters: %q", n, b.title)
		}
		if strings.ContainsAny(b.content+b.title, "{}\t\n\\") {
			t.Fatalf("unfilled slot or control character: %q / %q", b.title, b.content)
		}
	}
}

func TestTrackingCodesUnique(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	day := time.Date(2026, 1, 2, 10, 0, 0, 0, loc)
	seen := make(map[string]bool, 300000)
	for id := int64(1); id <= 300000; id++ {
		c := string(trackingCode(nil, day, id))
		if len(c) != 15 || !strings.HasPrefix(c, "260102-") {
			t.Fatalf("bad code %q", c)
		}
		if seen[c] {
			t.Fatalf("code %q repeats at id %d", c, id)
		}
		seen[c] = true
	}
}

func TestTimelineMonotonic(t *testing.T) {
	g := testGenerator(t, 100000)
	var last time.Time
	for k := 0; k < g.n; k++ {
		r := newRNG(1, uint64(k))
		at := g.receivedAt(k, &r)
		if at.Before(last) || at.After(g.now) {
			t.Fatalf("item %d received %s after %s (now %s)", k, at, last, g.now)
		}
		last = at
	}
}

// BenchmarkGenerate measures the client side alone: simulating and
// encoding items, without a database.
func BenchmarkGenerate(b *testing.B) {
	const chunkSize = 5000
	g := testGenerator(b, 1_000_000)
	s := newSim(g)
	c := &chunk{}
	b.ResetTimer()
	items := 0
	for i := 0; i < b.N; i++ {
		first := (i * chunkSize) % (g.n - chunkSize)
		s.generate(c, first, chunkSize)
		items += chunkSize
	}
	b.ReportMetric(float64(items)/b.Elapsed().Seconds(), "items/s")
}

func TestCopyTime(t *testing.T) {
	var c copyBuf
	loc := time.FixedZone("CST", 8*3600)
	for _, tm := range []time.Time{
		time.Date(2026, 2, 28, 23, 59, 59, 0, time.UTC),
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 3, 1, 7, 5, 9, 200_000_000, loc),
		time.Date(1969, 12, 31, 23, 0, 1, 0, time.UTC),
		time.Date(2000, 1, 1, 0, 0, 0, 1000, time.UTC),
	} {
		c.reset()
		c.time(tm)
		layout := "2006-01-02 15:04:05"
		if tm.Nanosecond() != 0 {
			layout += ".000000"
		}
		want := tm.UTC().Format(layout) + "+00"
		if got := string(c.b); got != want {
			t.Errorf("%s: got %q, want %q", tm, got, want)
		}
	}
	c.reset()
	c.text("a\tb\\c\nd\re 中文")
	if got := string(c.b); got != `a\tb\\c\nd\re 中文` {
		t.Errorf("escaped text %q", got)
	}
}

func TestChunksKeepDuplicatesWithTheirOriginal(t *testing.T) {
	g := testGenerator(t, 20000)
	dups := 0
	for k := 0; k < g.n; k++ {
		if g.isDup(k) {
			dups++
			if g.isDup(k - 1) {
				t.Fatalf("item %d is a duplicate of a duplicate", k)
			}
		}
	}
	if dups < 50 || dups > 150 {
		t.Fatalf("%d duplicates in %d items", dups, g.n)
	}
	for _, size := range []int{1, 2, 7, 5000, 30000} {
		next := 0
		for i := 0; i < (g.n+size-1)/size; i++ {
			from, to := g.chunkStart(i, size), g.chunkStart(i+1, size)
			if from != next || to < from {
				t.Fatalf("size %d: chunk %d is %d-%d after %d", size, i, from, to, next)
			}
			if from < g.n && g.isDup(from) {
				t.Fatalf("size %d: chunk %d starts with a duplicate", size, i)
			}
			next = to
		}
		if next != g.n {
			t.Fatalf("size %d: chunks end at %d", size, next)
		}
	}
}
