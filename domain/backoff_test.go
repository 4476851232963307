package domain

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	s, m := time.Second, time.Minute
	for _, c := range []struct {
		base, max time.Duration
		n         int
		want      time.Duration
	}{
		{s, m, 0, s},
		{s, m, 1, s},
		{s, m, 2, 2 * s},
		{s, m, 3, 4 * s},
		{s, m, 6, 32 * s},
		{s, m, 7, m},
		{s, m, 1000, m},
		{2 * m, m, 1, m},
	} {
		if got := Backoff(c.base, c.max, c.n); got != c.want {
			t.Errorf("Backoff(%v, %v, %d) = %v, want %v", c.base, c.max, c.n, got, c.want)
		}
	}
}
