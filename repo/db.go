// Package repo keeps every SQL statement of Hotline: sqlx over lib/pq, one file
// per table or concern. Nothing above this package writes SQL.
package repo

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"hotline/migrations"
)

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")

// Store is the database.
type Store struct {
	db     *sqlx.DB
	dsn    string  // for the connection that listens for changes (ListenChanges)
	intake *intake // the group committer of InsertItemGrouped
}

// Q runs queries, inside a transaction or not.
type Q struct {
	x sqlx.ExtContext
}

// Open connects to Postgres and checks the connection. Every connection
// gives up at the deadline of the call using it (see newConnector).
func Open(ctx context.Context, url string, maxConns int) (*Store, error) {
	connector, err := newConnector(url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := sqlx.NewDb(sql.OpenDB(connector), "postgres")
	if maxConns <= 0 {
		maxConns = 20
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(30 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	s := &Store{db: db, dsn: url}
	s.intake = newIntake(s)
	return s, nil
}

// Close stops the group committer and closes the pool.
func (s *Store) Close() error {
	s.intake.close()
	return s.db.Close()
}

// DB is the underlying pool, for health checks.
func (s *Store) DB() *sqlx.DB { return s.db }

// Q returns a query runner outside any transaction.
func (s *Store) Q() *Q { return &Q{x: s.db} }

// Ping checks that Postgres answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Migrate applies every pending migration. A session lock lets several
// processes start at once.
func (s *Store) Migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations.FS, ".")
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Tx runs fn in a transaction, committing when it returns nil. When ctx
// carries an idempotency claim with a resource set by fn, the claim is
// recorded in the same transaction, so the work and its key commit together;
// a key already taken rolls everything back with ErrIdempotencyTaken.
func (s *Store) Tx(ctx context.Context, fn func(q *Q) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	q := &Q{x: tx}
	if err := fn(q); err != nil {
		_ = tx.Rollback()
		return contextEnded(ctx, err)
	}
	if c := idemClaimFrom(ctx); c != nil && !c.claimed && c.ResourceKind != "" {
		if err := q.claimIdempotency(ctx, c); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", contextEnded(ctx, err))
	}
	if c := idemClaimFrom(ctx); c != nil && c.ResourceKind != "" {
		c.claimed = true
	}
	return nil
}

// ReadTx runs fn in a read-only transaction that sees one snapshot of the
// database, for reads that span several queries.
func (s *Store) ReadTx(ctx context.Context, fn func(q *Q) error) error {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	return contextEnded(ctx, fn(&Q{x: tx}))
}

// contextEnded says why a transaction was done before its work was: when
// ctx ends, database/sql rolls the transaction back and what follows fails
// with sql.ErrTxDone, which would read as a bug rather than as the deadline
// (503) it is.
func contextEnded(ctx context.Context, err error) error {
	if errors.Is(err, sql.ErrTxDone) && ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}

// IsUniqueViolation reports whether err is a unique violation, and on which
// constraint.
func IsUniqueViolation(err error) (string, bool) {
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "23505" {
		return pe.Constraint, true
	}
	return "", false
}

// IsForeignKeyViolation reports whether err is a foreign key violation.
func IsForeignKeyViolation(err error) (string, bool) {
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "23503" {
		return pe.Constraint, true
	}
	return "", false
}

// IsDataException reports whether Postgres refused a value (SQLSTATE class
// 22: invalid text, out-of-range date, …).
func IsDataException(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && strings.HasPrefix(string(pe.Code), "22")
}

// IsUnavailable reports whether err means the database cannot serve anyone
// right now, as opposed to a bad query: connection refused, cut or timed out,
// the server shutting down or starting, or out of a resource (disk full, out
// of memory, too many connections). The API answers 503 with Retry-After for
// these, and the worker retries them without counting them against a task.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		return unavailableCode(string(pe.Code))
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// unavailableCode reports whether a SQLSTATE is an outage of the database
// rather than a fault of the statement.
func unavailableCode(code string) bool {
	switch {
	case strings.HasPrefix(code, "08"): // connection exception
		return true
	case strings.HasPrefix(code, "53"): // insufficient resources: 53100 disk full, 53200 out of memory, 53300 too many connections, 53400 configuration limit
		return true
	}
	switch code {
	case "57P01", "57P02", "57P03": // admin shutdown, crash shutdown, cannot connect now
		return true
	case "58030": // I/O error
		return true
	}
	return false
}
