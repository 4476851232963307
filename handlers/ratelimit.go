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

// rateLimiter counts requests per client address in fixed windows. The
// counters live in Redis so that every API process shares them; while Redis
// does not answer, each process counts in its own memory instead, so the
// public endpoints stay both open and limited.
type rateLimiter struct {
	rdb    redis.UniversalClient
	limit  int
	window time.Duration
	log    *slog.Logger

	mu    sync.Mutex
	local map[string]int
	slot  int64
}

func newRateLimiter(rdb redis.UniversalClient, limit int, window time.Duration, log *slog.Logger) *rateLimiter {
	return &rateLimiter{rdb: rdb, limit: limit, window: window, log: log, local: map[string]int{}}
}

// allow counts one request of key and reports whether it is within the limit,
// and how long until the window ends.
func (l *rateLimiter) allow(ctx context.Context, key string, now time.Time) (bool, time.Duration) {
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
	if a.limiter.limit <= 0 {
		return c.Next()
	}
	ok, wait := a.limiter.allow(c.UserContext(), a.clientIP(c), time.Now())
	if !ok {
		return retryAfter{newProblem(fiber.StatusTooManyRequests, "rate_limited",
			"too many requests from this address; wait for the next minute"), wait}
	}
	return c.Next()
}
