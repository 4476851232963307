package repo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/lib/pq"
)

func TestIsUnavailable(t *testing.T) {
	for _, c := range []struct {
		code pq.ErrorCode
		want bool
	}{
		{"08006", true},  // connection failure
		{"08001", true},  // cannot establish a connection
		{"53100", true},  // disk full
		{"53200", true},  // out of memory
		{"53300", true},  // too many connections
		{"53400", true},  // configuration limit exceeded
		{"58030", true},  // I/O error
		{"57P01", true},  // admin shutdown
		{"57P02", true},  // crash shutdown
		{"57P03", true},  // cannot connect now
		{"57014", false}, // query cancelled: a timeout of ours, reported as such
		{"58P01", false}, // undefined file: a bug, not an outage
		{"23505", false}, // unique violation
		{"22007", false}, // invalid datetime
		{"42P01", false}, // undefined table
		{"40001", false}, // serialization failure
	} {
		err := fmt.Errorf("insert item: %w", &pq.Error{Code: c.code})
		if got := IsUnavailable(err); got != c.want {
			t.Errorf("IsUnavailable(SQLSTATE %s) = %v, want %v", c.code, got, c.want)
		}
	}
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("boom"), false},
		{context.Canceled, false},
	} {
		if got := IsUnavailable(c.err); got != c.want {
			t.Errorf("IsUnavailable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func TestContextEnded(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	<-ctx.Done()
	if err := contextEnded(ctx, fmt.Errorf("save item: %w", sql.ErrTxDone)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a transaction ended by its deadline reads as %v", err)
	}
	if err := contextEnded(context.Background(), sql.ErrTxDone); errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a transaction ended without a deadline reads as %v", err)
	}
}
