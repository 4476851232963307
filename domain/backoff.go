package domain

import "time"

// Backoff is the wait after the n-th failed attempt (n ≥ 1): base, doubling
// with each further failure, never more than max. Delivery retries and the
// worker's task retries both wait by it.
func Backoff(base, max time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}
