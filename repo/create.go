package repo

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// EnsureDatabase creates the database named in dbURL when it does not exist,
// connecting to the server's "postgres" database to do so. It asks for UTF-8
// with the C.UTF-8 character classes, which pg_trgm needs to index Chinese
// text, and falls back to the server's defaults where that locale is missing.
func EnsureDatabase(ctx context.Context, dbURL string) (created bool, err error) {
	u, err := url.Parse(dbURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return false, fmt.Errorf("database URL: want postgres://user@host:port/name")
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" {
		return false, errors.New("database URL names no database")
	}
	admin := *u
	admin.Path = "/postgres"
	db, err := sqlx.ConnectContext(ctx, "postgres", admin.String())
	if err != nil {
		return false, fmt.Errorf("connect to the server to create %s: %w", name, err)
	}
	defer db.Close()
	var exists bool
	if err := db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return false, fmt.Errorf("look for database %s: %w", name, err)
	}
	if exists {
		return false, nil
	}
	return true, CreateDatabase(ctx, db, name, "")
}

// CreateDatabase creates a database, optionally from a template.
func CreateDatabase(ctx context.Context, db *sqlx.DB, name, template string) error {
	from := "template0"
	if template != "" {
		from = template
	}
	q := fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s ENCODING 'UTF8'`, pq.QuoteIdentifier(name), pq.QuoteIdentifier(from))
	if template == "" {
		if _, err := db.ExecContext(ctx, q+` LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`); err == nil {
			return nil
		}
	}
	if _, err := db.ExecContext(ctx, q); err != nil {
		if _, dup := IsUniqueViolation(err); dup || isDuplicateDatabase(err) {
			return nil // created by a concurrent process
		}
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func isDuplicateDatabase(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "42P04"
}
