package handlers

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"
)

// RateLimiter counts requests per client address in fixed windows. The
// counters live in Redis so that every API process shares them; while Redis
// does not answer, each process counts in its own memory instead, so the
// public endpoints stay both open and limited. The citizen portal's pages
// share the API's limiter (one budget per address).
type RateLimiter struct {
	rdb    redis.UniversalClient
	limit  int
	window time.Duration
	log    *slog.Logger

	mu    sync.Mutex
	local map[string]int
	slot  int64
}

// NewRateLimiter allows limit requests per address in each window; a limit
// of 0 or less allows everything.
func NewRateLimiter(rdb redis.UniversalClient, limit int, window time.Duration, log *slog.Logger) *RateLimiter {
	return &RateLimiter{rdb: rdb, limit: limit, window: window, log: log, local: map[string]int{}}
}

// Allow counts one request of key and reports whether it is within the limit,
// and how long until the window ends.
func (l *RateLimiter) Allow(ctx context.Context, key string, now time.Time) (bool, time.Duration) {
	if l.limit <= 0 {
		return true, 0
	}
	slot := now.UnixNano() / int64(l.window)
	wait := time.Duration((slot+1)*int64(l.window) - now.UnixNano())
	if l.rdb != nil {
		rk := "hotline:rl:" + key + ":" + strconv.FormatInt(slot, 10)
		ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		pipe := l.rdb.TxPipeline()
		incr := pipe.Incr(ctx, rk)
		pipe.Expire(ctx, rk, l.window+time.Second)
		if _, err := pipe.Exec(ctx); err == nil {
			return incr.Val() <= int64(l.limit), wait
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if slot != l.slot {
		l.slot, l.local = slot, map[string]int{}
	}
	l.local[key]++
	return l.local[key] <= l.limit, wait
}

// rateLimit applies HOTLINE_PUBLIC_RATE_LIMIT to the public endpoints; 0
// turns it off.
func (a *api) rateLimit(c *fiber.Ctx) error {
	ok, wait := a.limiter.Allow(c.UserContext(), a.clientIP(c), time.Now())
	if !ok {
		return retryAfter{newProblem(fiber.StatusTooManyRequests, "rate_limited",
			"too many requests from this address; wait for the next minute"), wait}
	}
	return c.Next()
}
