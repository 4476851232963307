package core

import "time"

// SetClock replaces the clock of c, for tests that move time.
func (c *Core) SetClock(now func() time.Time) { c.now = now }
