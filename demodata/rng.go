package demodata

import (
	"math"
	"time"
)

// rng is a small splitmix64 generator. Every item gets its own stream,
// derived from the seed and the item's index, so that an item's contents do
// not depend on which goroutine generates it or in which order.
type rng struct{ s uint64 }

// mix64 is the splitmix64 finaliser.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// newRNG returns the stream number stream of seed.
func newRNG(seed, stream uint64) rng {
	return rng{s: mix64(seed*0x9E3779B97F4A7C15^0xD1B54A32D192ED03) ^ mix64(stream+0x632BE59BD9B4E019)}
}

func (r *rng) next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	return mix64(r.s)
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// intn returns a number in [0, n); n must be positive.
func (r *rng) intn(n int) int { return int((r.next() >> 32) * uint64(n) >> 32) }

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// chance is true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// normal returns a standard normal deviate (Box-Muller).
func (r *rng) normal() float64 {
	u := 1 - r.float() // (0, 1]
	v := r.float()
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*v)
}

// lognormal returns a duration whose logarithm is normal, with the given
// median and spread, clamped to [lo, hi] and whole seconds.
func (r *rng) lognormal(median time.Duration, sigma float64, lo, hi time.Duration) time.Duration {
	d := time.Duration(float64(median) * math.Exp(sigma*r.normal()))
	d = min(max(d, lo), hi)
	return d.Truncate(time.Second)
}

// duration returns a whole number of seconds in [lo, hi].
func (r *rng) duration(lo, hi time.Duration) time.Duration {
	s := int64(lo / time.Second)
	e := int64(hi / time.Second)
	if e <= s {
		return lo.Truncate(time.Second)
	}
	return time.Duration(s+int64(r.next()%uint64(e-s+1))) * time.Second
}

// pick returns the index chosen by cumulative weights cum (increasing, last
// is the total).
func (r *rng) pick(cum []float64) int {
	x := r.float() * cum[len(cum)-1]
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// cumulative turns weights into the cumulative form pick reads.
func cumulative(w []float64) []float64 {
	out := make([]float64, len(w))
	sum := 0.0
	for i, v := range w {
		sum += v
		out[i] = sum
	}
	return out
}
