// Package loadgen drives realistic mixed traffic against a running Hotline
// server and measures throughput, latency percentiles and routing latency.
//
// Run sets up its own units (LOAD_TAXI, LOAD_BUS, LOAD_ROAD), routing rules
// and accounts idempotently, then lets a pool of workers pick operations from
// a weighted mix: operator calls, portal letters, signed microblog posts,
// platform items, unit staff signing for and replying to dispatched items,
// operator return visits, and reads. A sample of the calls it creates is
// polled separately to measure how long routing takes.
package loadgen

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Op is one kind of traffic in the mix.
type Op string

// The operations of the mix.
const (
	OpCalls     Op = "calls"     // an operator logs a call (POST /calls)
	OpLetters   Op = "letters"   // a citizen writes to the mailbox (POST /public/letters)
	OpMicroblog Op = "microblog" // the microblog bridge hands over a post (signed webhook)
	OpPlatform  Op = "platform"  // the upstream platform hands down an item (X-Api-Key)
	OpAccept    Op = "accept"    // unit staff sign for a dispatched item
	OpReply     Op = "reply"     // unit staff send the final reply on an accepted item
	OpVisit     Op = "visit"     // an operator records a return visit on a replied item
	OpRead      Op = "read"      // item lists and statistics
)

// Ops lists every operation, in report order.
func Ops() []Op {
	return []Op{OpCalls, OpLetters, OpMicroblog, OpPlatform, OpAccept, OpReply, OpVisit, OpRead}
}

// Mix weights the operations. An operation that is missing or weighted 0 is
// not run.
type Mix map[Op]int

// DefaultMix is calls=50,letters=10,microblog=5,platform=5,accept=10,
// reply=10,visit=5,read=5.
func DefaultMix() Mix {
	return Mix{OpCalls: 50, OpLetters: 10, OpMicroblog: 5, OpPlatform: 5, OpAccept: 10, OpReply: 10, OpVisit: 5, OpRead: 5}
}

// ParseMix reads "calls=50,letters=10,…". Operations not named get weight 0.
func ParseMix(s string) (Mix, error) {
	m := Mix{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("mix: %q is not name=weight", part)
		}
		op := Op(strings.TrimSpace(name))
		if !slices.Contains(Ops(), op) {
			return nil, fmt.Errorf("mix: unknown operation %q (one of %s)", op, opNames())
		}
		w, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil || w < 0 {
			return nil, fmt.Errorf("mix: weight of %s must be a non-negative integer, not %q", op, val)
		}
		if _, dup := m[op]; dup {
			return nil, fmt.Errorf("mix: %s given twice", op)
		}
		m[op] = w
	}
	if m.total() == 0 {
		return nil, errors.New("mix: every weight is 0")
	}
	return m, nil
}

func opNames() string {
	var names []string
	for _, op := range Ops() {
		names = append(names, string(op))
	}
	return strings.Join(names, ", ")
}

// String writes the mix the way ParseMix reads it.
func (m Mix) String() string {
	var parts []string
	for _, op := range Ops() {
		if w, ok := m[op]; ok {
			parts = append(parts, fmt.Sprintf("%s=%d", op, w))
		}
	}
	return strings.Join(parts, ",")
}

func (m Mix) total() int {
	n := 0
	for _, w := range m {
		n += w
	}
	return n
}

// Config says what to run against.
type Config struct {
	// URL is the server's base address, e.g. http://localhost:8080.
	URL string
	// Duration is how long traffic runs (setup not included).
	Duration time.Duration
	// Rate is the target of requests started per second across the mix;
	// 0 lets every worker go as fast as it can.
	Rate float64
	// Workers is the number of concurrent clients.
	Workers int
	// AdminUser and AdminPassword log in the account that sets things up.
	AdminUser, AdminPassword string
	// WebhookSecret signs microblog posts; empty skips microblog traffic.
	WebhookSecret string
	// PlatformKey is the upstream platform's API key; empty skips platform traffic.
	PlatformKey string
	// Mix weights the operations; nil means DefaultMix.
	Mix Mix
	// Seed makes the generated content repeatable; 0 picks one from the clock.
	// Usernames, post ids and idempotency keys stay unique across runs.
	Seed uint64

	// RoutingSampleEvery measures routing latency for every n-th call that
	// is created in status received (default 10; negative turns it off).
	RoutingSampleEvery int
	// RoutingPollers bounds the calls being polled at once (default 4); a
	// sample that finds every poller busy is dropped, never queued, so that
	// queueing cannot inflate the measurement.
	RoutingPollers int
	// RoutingPollInterval is the time between polls of one item (default 20ms).
	RoutingPollInterval time.Duration
	// RoutingTimeout gives up on an item still received after this long (default 30s).
	RoutingTimeout time.Duration
	// RequestTimeout bounds every request (default 30s).
	RequestTimeout time.Duration

	// Client sends the requests; nil means a client tuned for the worker count.
	Client *http.Client
	// Log receives progress messages; nil discards them.
	Log *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	if c.URL == "" {
		c.URL = "http://localhost:8080"
	}
	c.URL = strings.TrimRight(c.URL, "/")
	if !strings.HasPrefix(c.URL, "http://") && !strings.HasPrefix(c.URL, "https://") {
		return c, fmt.Errorf("url %q: must start with http:// or https://", c.URL)
	}
	if c.Duration <= 0 {
		return c, errors.New("duration must be positive")
	}
	if c.Rate < 0 {
		return c, errors.New("rate must not be negative")
	}
	if c.Workers <= 0 {
		c.Workers = 16
	}
	if c.AdminUser == "" {
		c.AdminUser = "admin"
	}
	if c.AdminPassword == "" {
		return c, errors.New("the admin password is required (--admin-password or HOTLINE_ADMIN_PASSWORD)")
	}
	if c.Mix == nil {
		c.Mix = DefaultMix()
	}
	for op, w := range c.Mix {
		if !slices.Contains(Ops(), op) || w < 0 {
			return c, fmt.Errorf("mix: bad entry %s=%d", op, w)
		}
	}
	if c.Seed == 0 {
		c.Seed = uint64(time.Now().UnixNano())
	}
	if c.RoutingSampleEvery == 0 {
		c.RoutingSampleEvery = 10
	}
	if c.RoutingPollers <= 0 {
		c.RoutingPollers = 4
	}
	if c.RoutingPollInterval <= 0 {
		c.RoutingPollInterval = 20 * time.Millisecond
	}
	if c.RoutingTimeout <= 0 {
		c.RoutingTimeout = 30 * time.Second
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 30 * time.Second
	}
	if c.Client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = 2*c.Workers + c.RoutingPollers + 8
		tr.MaxIdleConnsPerHost = tr.MaxIdleConns
		c.Client = &http.Client{Transport: tr}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}
