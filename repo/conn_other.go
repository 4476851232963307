//go:build !linux

package repo

import (
	"syscall"
	"time"
)

// setUserTimeout does nothing where TCP_USER_TIMEOUT does not exist; keepalives
// and the per-call socket deadlines still apply.
func setUserTimeout(time.Duration) func(network, address string, c syscall.RawConn) error {
	return nil
}
