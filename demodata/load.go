package demodata

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"
)

// copyPiece is how much COPY data goes to the driver at once.
const copyPiece = 256 << 10

// copyDataStmt is lib/pq's COPY FROM STDIN statement: besides Exec with one
// row of values it takes rows already in COPY text format, which saves
// converting and re-encoding every value through database/sql.
type copyDataStmt interface {
	driver.Stmt
	CopyData(ctx context.Context, line string) (driver.Result, error)
}

// copyChunk writes a chunk's rows in one transaction on conn: one COPY per
// table, items first.
func copyChunk(ctx context.Context, conn *sql.Conn, c *chunk) error {
	names, cols := tableNames(), tableColumns()
	return conn.Raw(func(dc any) error {
		bt, ok := dc.(driver.ConnBeginTx)
		if !ok {
			return errors.New("the database driver cannot begin a transaction")
		}
		tx, err := bt.BeginTx(ctx, driver.TxOptions{})
		if err != nil {
			return fmt.Errorf("begin COPY transaction: %w", err)
		}
		for t := range numTables {
			if c.tables[t].rows == 0 {
				continue
			}
			if err := copyTable(ctx, dc.(driver.Conn), names[t], cols[t], c.tables[t].b); err != nil {
				_ = tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit items %d-%d: %w", c.first, c.first+c.count-1, err)
		}
		return nil
	})
}

// copyTable streams rows (COPY text format, each ended by a newline) into
// table with one COPY statement.
func copyTable(ctx context.Context, dc driver.Conn, table, cols string, data []byte) error {
	st, err := dc.Prepare("COPY " + table + " (" + cols + ") FROM STDIN")
	if err != nil {
		return fmt.Errorf("start COPY into %s: %w", table, err)
	}
	defer st.Close()
	cd, ok := st.(copyDataStmt)
	if !ok {
		return fmt.Errorf("COPY into %s: the driver cannot take raw COPY data", table)
	}
	for len(data) > 0 {
		n := len(data)
		if n > copyPiece {
			n = bytes.LastIndexByte(data[:copyPiece], '\n') + 1
			if n == 0 {
				n = bytes.IndexByte(data, '\n') + 1
			}
		}
		// CopyData ends what it is given with a newline
		if _, err := cd.CopyData(ctx, string(data[:n-1])); err != nil {
			return fmt.Errorf("COPY into %s: %w", table, err)
		}
		data = data[n:]
	}
	//lint:ignore SA1019 an empty Exec ends a lib/pq COPY and reports its errors
	if _, err := st.Exec(nil); err != nil { //nolint:staticcheck
		return fmt.Errorf("COPY into %s: %w", table, err)
	}
	return nil
}

// loadStats are what the COPY phase did.
type loadStats struct {
	rows     [numTables]int64
	statuses [7]int64
}

// load generates every chunk and writes them through conns connections, the
// generators and writers running in parallel.
func load(ctx context.Context, db *sql.DB, g *generator, conns, chunkSize int, fkChecks bool, log *slog.Logger) (loadStats, error) {
	var (
		st      loadStats
		mu      sync.Mutex
		errOnce sync.Once
		first   error
		done    atomic.Int64
		next    atomic.Int64
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := func(err error) {
		errOnce.Do(func() { first = err })
		cancel()
	}
	gens := max(1, min(numCPU(), conns+1))
	chunks := (g.n + chunkSize - 1) / chunkSize
	free := make(chan *chunk, gens+conns+2)
	for range cap(free) {
		free <- &chunk{}
	}
	work := make(chan *chunk, conns)

	var gwg sync.WaitGroup
	for range gens {
		gwg.Add(1)
		go func() {
			defer gwg.Done()
			s := newSim(g)
			for {
				i := int(next.Add(1) - 1)
				if i >= chunks {
					return
				}
				var c *chunk
				select {
				case c = <-free:
				case <-ctx.Done():
					return
				}
				from, to := g.chunkStart(i, chunkSize), g.chunkStart(i+1, chunkSize)
				s.generate(c, from, to-from)
				select {
				case work <- c:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		gwg.Wait()
		close(work)
	}()

	var wwg sync.WaitGroup
	for range conns {
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			conn, err := db.Conn(ctx)
			if err != nil {
				fail(fmt.Errorf("connect for COPY: %w", err))
				return
			}
			defer conn.Close()
			settings := []string{`SET synchronous_commit = off`}
			if !fkChecks {
				// like pg_restore --disable-triggers: the rows are consistent
				// by construction, and the per-row foreign key triggers
				// would cost more than the COPY itself
				settings = append(settings, `SET session_replication_role = replica`)
			}
			for _, s := range settings {
				if _, err := conn.ExecContext(ctx, s); err != nil {
					fail(fmt.Errorf("prepare COPY session (%s): %w", s, err))
					return
				}
			}
			for c := range work {
				if ctx.Err() != nil {
					continue // drain
				}
				if err := copyChunk(ctx, conn, c); err != nil {
					fail(err)
					continue
				}
				mu.Lock()
				for t := range numTables {
					st.rows[t] += c.tables[t].rows
				}
				for i, n := range c.statuses {
					st.statuses[i] += n
				}
				mu.Unlock()
				done.Add(int64(c.count))
				free <- c
			}
		}()
	}

	progressDone := make(chan struct{})
	go func() {
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		start := time.Now()
		for {
			select {
			case <-t.C:
				n := done.Load()
				log.Info("demo data: loading", "items", n, "of", g.n,
					"items_per_second", int64(float64(n)/time.Since(start).Seconds()))
			case <-progressDone:
				return
			}
		}
	}()
	wwg.Wait()
	close(progressDone)
	gwg.Wait()
	if first != nil {
		return st, first
	}
	return st, ctx.Err()
}

// indexDef is a secondary index dropped for the load and built again after.
type indexDef struct {
	Table string `db:"tablename"`
	Name  string `db:"indexname"`
	Def   string `db:"indexdef"`
}

// secondaryIndexes lists the non-unique indexes of tables that back no
// constraint: the ones that may be dropped during a bulk load and rebuilt.
func secondaryIndexes(ctx context.Context, db *sql.DB, tables []string) ([]indexDef, error) {
	rows, err := db.QueryContext(ctx, `SELECT i.tablename, i.indexname, i.indexdef
		FROM pg_indexes i
		JOIN pg_namespace n ON n.nspname = i.schemaname
		JOIN pg_class c ON c.relname = i.indexname AND c.relnamespace = n.oid
		JOIN pg_index x ON x.indexrelid = c.oid
		WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
			AND NOT x.indisunique AND NOT x.indisprimary
			AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
		ORDER BY i.tablename, i.indexname`, pq.Array(tables))
	if err != nil {
		return nil, fmt.Errorf("list secondary indexes: %w", err)
	}
	defer rows.Close()
	var out []indexDef
	for rows.Next() {
		var d indexDef
		if err := rows.Scan(&d.Table, &d.Name, &d.Def); err != nil {
			return nil, fmt.Errorf("list secondary indexes: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// dropIndexes drops the indexes in one transaction.
func dropIndexes(ctx context.Context, db *sql.DB, defs []indexDef) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("drop indexes: %w", err)
	}
	for _, d := range defs {
		if _, err := tx.ExecContext(ctx, `DROP INDEX `+pq.QuoteIdentifier(d.Name)); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("drop index %s: %w", d.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("drop indexes: %w", err)
	}
	return nil
}

// buildCost orders index builds, the slowest first: GIN indexes on text,
// then the indexes of the biggest tables.
func buildCost(d indexDef) int {
	cost := map[string]int{"events": 40, "items": 30, "assignments": 20, "ratings": 10, "replies": 10}[d.Table]
	if strings.Contains(d.Def, "USING gin") {
		cost += 100
		if strings.Contains(d.Def, "gin_trgm_ops") {
			cost += 100
		}
	}
	return cost
}

// createIndexes builds the indexes again, conns at a time, each with a
// generous maintenance_work_mem.
func createIndexes(ctx context.Context, db *sql.DB, defs []indexDef, conns int, log *slog.Logger) error {
	defs = slices.Clone(defs)
	slices.SortStableFunc(defs, func(a, b indexDef) int { return buildCost(b) - buildCost(a) })
	jobs := make(chan indexDef)
	errs := make(chan error, len(defs))
	var wg sync.WaitGroup
	for range min(conns, len(defs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.Conn(ctx)
			if err != nil {
				errs <- fmt.Errorf("connect to build indexes: %w", err)
				for range jobs {
				}
				return
			}
			defer conn.Close()
			if _, err := conn.ExecContext(ctx, `SET maintenance_work_mem = '1GB'`); err != nil {
				errs <- fmt.Errorf("set maintenance_work_mem: %w", err)
			}
			for d := range jobs {
				start := time.Now()
				if _, err := conn.ExecContext(ctx, d.Def); err != nil {
					errs <- fmt.Errorf("build index %s (%s): %w", d.Name, d.Def, err)
					continue
				}
				log.Info("demo data: index built", "index", d.Name, "seconds", time.Since(start).Seconds())
			}
		}()
	}
	for _, d := range defs {
		jobs <- d
	}
	close(jobs)
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}
