// Package demodata loads a realistic synthetic history into a Hotline
// database, for demos and benchmarks: a provincial transport department's
// units and categories, and millions of items spread over the last years with
// their assignments, timelines, replies, ratings and statistics facts.
//
// Every item follows the state machine of package domain as it would have in
// production: deadlines come from domain.ComputeDeadlines on the working
// calendar stored in calendar_days, handling times from
// calendar.WorkingDuration, and each item's statistics fact from
// domain.Count over the very values written, so that `hotline stats verify`
// finds the roll-ups equal to a recount.
//
// Rows are streamed with COPY through several connections while the items
// are generated in parallel; secondary indexes are dropped for the load and
// rebuilt after it. Generation is deterministic: the same seed, item count
// and end time give the same items.
//
// The package issues its bulk-load SQL itself (COPY, index and sequence
// maintenance), which does not belong in repo's row-at-a-time queries.
package demodata

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"hotline/calendar"
	"hotline/domain"
	"hotline/repo"
)

// OperatorUsername is the operator account the demo's calls, dispatches and
// return visits are recorded under.
const OperatorUsername = "demo_operator"

// Options say what to load.
type Options struct {
	Items int   // how many items
	Years int   // spread over the last this many years (default 3)
	Seed  int64 // the same seed gives the same items
	Units int   // how many units of the demo hierarchy (default 200)
	Conns int   // COPY connections (default 4)
	Reset bool  // empty items and everything that depends on them first
	// Now is the end of the period (default the current time). Items are
	// identical across runs only with the same Now.
	Now time.Time
	// Location is the department's zone (default Asia/Shanghai).
	Location *time.Location
	// Windows are the working hours (default calendar.DefaultWindows).
	Windows []calendar.Window
	// FKChecks keeps the foreign key triggers on during the load. By default
	// they are off for the COPY sessions (as pg_restore --disable-triggers
	// does) when the database user may do so: the rows are consistent by
	// construction.
	FKChecks bool
	// ChunkSize is how many items go into one COPY transaction (default 5000).
	ChunkSize int
}

// Summary is what a load did.
type Summary struct {
	Items            int64
	FirstID, LastID  int64
	From, To         time.Time
	Rows             map[string]int64
	Statuses         map[string]int64
	UnitsCreated     int
	CategoriesAdded  int
	OperatorPassword string // set when the operator account was created
	Reset            bool
	FKChecks         bool
	IndexesRebuilt   int
	Setup            time.Duration // reference data, reset, dropping indexes
	Copy             time.Duration
	Indexes          time.Duration
	Cubes            time.Duration
	Analyze          time.Duration // VACUUM (ANALYZE) of the loaded tables
	Total            time.Duration
}

// ItemsPerSecond is the COPY phase's rate.
func (s Summary) ItemsPerSecond() float64 {
	if s.Copy <= 0 {
		return 0
	}
	return float64(s.Items) / s.Copy.Seconds()
}

// String is the summary as `hotline demo-data` prints it.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "demo data loaded: %d items (ids %d-%d), received %s to %s\n", s.Items, s.FirstID, s.LastID,
		s.From.Format("2006-01-02"), s.To.Format("2006-01-02 15:04"))
	if s.Reset {
		b.WriteString("  items and their dependent tables were emptied first\n")
	}
	if s.UnitsCreated > 0 || s.CategoriesAdded > 0 {
		fmt.Fprintf(&b, "  created %d units and %d categories\n", s.UnitsCreated, s.CategoriesAdded)
	}
	if s.OperatorPassword != "" {
		fmt.Fprintf(&b, "  created operator %s, password %s\n", OperatorUsername, s.OperatorPassword)
	}
	b.WriteString("rows:\n")
	var rows int64
	for _, t := range tableNames() {
		fmt.Fprintf(&b, "  %-12s %12d\n", t, s.Rows[t])
		rows += s.Rows[t]
	}
	b.WriteString("item statuses:\n")
	for _, st := range domain.Statuses() {
		fmt.Fprintf(&b, "  %-17s %10d\n", st, s.Statuses[string(st)])
	}
	fk := "off for the COPY sessions"
	if s.FKChecks {
		fk = "on"
	}
	fmt.Fprintf(&b, "timings (foreign key triggers %s):\n", fk)
	fmt.Fprintf(&b, "  setup          %8.1f s\n", s.Setup.Seconds())
	fmt.Fprintf(&b, "  copy           %8.1f s  %.0f items/s, %.0f rows/s\n", s.Copy.Seconds(), s.ItemsPerSecond(),
		float64(rows)/max(s.Copy.Seconds(), 1e-9))
	fmt.Fprintf(&b, "  index rebuild  %8.1f s  (%d indexes)\n", s.Indexes.Seconds(), s.IndexesRebuilt)
	fmt.Fprintf(&b, "  cube rebuild   %8.1f s\n", s.Cubes.Seconds())
	fmt.Fprintf(&b, "  vacuum analyze %8.1f s\n", s.Analyze.Seconds())
	fmt.Fprintf(&b, "  total          %8.1f s\n", s.Total.Seconds())
	b.WriteString("demo letters can be tracked with the secret \"demo-\" followed by their tracking code\n")
	return b.String()
}

func numCPU() int { return runtime.GOMAXPROCS(0) }

// loadTables are the tables the demo writes and whose secondary indexes are
// rebuilt after the load.
func loadTables() []string {
	return []string{"items", "assignments", "events", "ratings", "replies"}
}

// Run loads the demo data into the migrated database behind store.
func Run(ctx context.Context, store *repo.Store, opt Options, log *slog.Logger) (Summary, error) {
	start := time.Now()
	var sum Summary
	if opt.Items <= 0 {
		return sum, errors.New("demo data: the number of items must be positive")
	}
	if opt.Years <= 0 {
		opt.Years = 3
	}
	if opt.Units <= 0 {
		opt.Units = 200
	}
	if opt.Conns <= 0 {
		opt.Conns = 4
	}
	if opt.ChunkSize <= 0 {
		opt.ChunkSize = 5000
	}
	if opt.Location == nil {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return sum, fmt.Errorf("demo data: load zone: %w", err)
		}
		opt.Location = loc
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.Truncate(time.Second)
	db := store.DB().DB
	sum.Reset, sum.Items = opt.Reset, int64(opt.Items)

	units := Units(opt.Units)
	created, cats, err := ensureReference(ctx, store, units)
	if err != nil {
		return sum, err
	}
	sum.UnitsCreated, sum.CategoriesAdded = created, cats
	opID, password, err := ensureOperator(ctx, store)
	if err != nil {
		return sum, err
	}
	sum.OperatorPassword = password
	cal, holidays, err := loadCalendar(ctx, store, opt.Location, opt.Windows)
	if err != nil {
		return sum, err
	}
	policies, err := loadPolicies(ctx, store)
	if err != nil {
		return sum, err
	}
	if opt.Reset {
		if err := reset(ctx, db); err != nil {
			return sum, err
		}
	}
	firstID, err := reserveIDs(ctx, db, opt.Items)
	if err != nil {
		return sum, err
	}
	sum.FirstID, sum.LastID = firstID, firstID+int64(opt.Items)-1
	fkChecks := opt.FKChecks
	if !fkChecks {
		var super bool
		if err := db.QueryRowContext(ctx, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super); err != nil {
			return sum, fmt.Errorf("demo data: read role: %w", err)
		}
		if !super {
			log.Info("demo data: not a superuser, foreign key checks stay on during the load")
			fkChecks = true
		}
	}
	sum.FKChecks = fkChecks

	defs, err := secondaryIndexes(ctx, db, loadTables())
	if err != nil {
		return sum, err
	}
	for _, d := range defs {
		log.Info("demo data: dropping index for the load", "index", d.Name, "definition", d.Def)
	}
	if err := dropIndexes(ctx, db, defs); err != nil {
		return sum, err
	}
	sum.IndexesRebuilt = len(defs)
	sum.Setup = time.Since(start)

	g := newGenerator(generatorConfig{seed: uint64(opt.Seed), n: opt.Items, firstID: firstID, now: now,
		start: now.In(opt.Location).AddDate(-opt.Years, 0, 0), cal: cal, holidays: holidays, units: units,
		policies: policies, operatorID: opID, operator: OperatorUsername})
	sum.From, sum.To = now.In(opt.Location).AddDate(-opt.Years, 0, 0), now.In(opt.Location)
	log.Info("demo data: loading", "items", opt.Items, "first_id", firstID, "connections", opt.Conns,
		"generators", numCPU(), "foreign_key_checks", fkChecks)
	t := time.Now()
	st, loadErr := load(ctx, db, g, opt.Conns, opt.ChunkSize, fkChecks, log)
	sum.Copy = time.Since(t)
	sum.Rows, sum.Statuses = map[string]int64{}, map[string]int64{}
	for i, name := range tableNames() {
		sum.Rows[name] = st.rows[i]
	}
	for i, s := range domain.Statuses() {
		sum.Statuses[string(s)] = st.statuses[i]
	}

	// the indexes come back even when the load failed or was interrupted
	t = time.Now()
	idxErr := createIndexes(context.WithoutCancel(ctx), db, defs, opt.Conns, log)
	sum.Indexes = time.Since(t)
	if err := errors.Join(loadErr, idxErr); err != nil {
		if idxErr != nil {
			for _, d := range defs {
				log.Error("demo data: index to restore by hand", "definition", d.Def+";")
			}
		}
		return sum, fmt.Errorf("demo data (the load is incomplete: run again with --reset): %w", err)
	}
	if err := bumpSequence(ctx, db); err != nil {
		return sum, err
	}

	t = time.Now()
	if err := rebuildCubes(ctx, store); err != nil {
		return sum, err
	}
	sum.Cubes = time.Since(t)
	t = time.Now()
	// autovacuum may be off or slow to come: set the hint bits and the
	// visibility map now, and the planner statistics
	for _, table := range append(loadTables(), "item_facts", "stats_cube", "stats_cum") {
		if _, err := db.ExecContext(ctx, `VACUUM (ANALYZE) `+table); err != nil {
			return sum, fmt.Errorf("demo data: vacuum %s: %w", table, err)
		}
	}
	sum.Analyze = time.Since(t)
	sum.Total = time.Since(start)
	return sum, nil
}

// ensureReference creates the demo's units and categories that are missing.
func ensureReference(ctx context.Context, store *repo.Store, units []Unit) (unitsCreated, catsCreated int, err error) {
	err = store.Tx(ctx, func(q *repo.Q) error {
		have, err := q.ListUnits(ctx)
		if err != nil {
			return fmt.Errorf("demo data: list units: %w", err)
		}
		known := map[string]bool{}
		for _, u := range have {
			known[u.Code] = true
		}
		for _, u := range units {
			if known[u.Code] {
				continue
			}
			var parent *string
			if u.Parent != "" {
				p := u.Parent
				parent = &p
			}
			if _, err := q.CreateUnit(ctx, repo.Unit{Code: u.Code, Name: u.Name, ParentCode: parent, Active: true}); err != nil {
				return fmt.Errorf("demo data: create unit %s: %w", u.Code, err)
			}
			unitsCreated++
		}
		cats, err := q.ListCategories(ctx)
		if err != nil {
			return fmt.Errorf("demo data: list categories: %w", err)
		}
		knownCat := map[string]bool{}
		for _, c := range cats {
			knownCat[c.Code] = true
		}
		for _, c := range Categories() {
			if knownCat[c.Code] {
				continue
			}
			if _, err := q.CreateCategory(ctx, repo.Category{Code: c.Code, Name: c.Name}); err != nil {
				return fmt.Errorf("demo data: create category %s: %w", c.Code, err)
			}
			catsCreated++
		}
		return nil
	})
	return unitsCreated, catsCreated, err
}

// ensureOperator returns the demo operator's id, creating the account with
// a random password (returned) when it is missing.
func ensureOperator(ctx context.Context, store *repo.Store) (int64, string, error) {
	u, err := store.Q().GetUserByName(ctx, OperatorUsername)
	if err == nil {
		return u.ID, "", nil
	}
	if !errors.Is(err, repo.ErrNotFound) {
		return 0, "", fmt.Errorf("demo data: read operator: %w", err)
	}
	raw := make([]byte, 15)
	if _, err := rand.Read(raw); err != nil {
		return 0, "", fmt.Errorf("demo data: random password: %w", err)
	}
	password := strings.ToLower(base32.StdEncoding.EncodeToString(raw))
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return 0, "", fmt.Errorf("demo data: hash password: %w", err)
	}
	u, err = store.Q().CreateUser(ctx, repo.User{Username: OperatorUsername, PasswordHash: string(hash),
		Role: string(domain.RoleOperator), Active: true})
	if err != nil {
		return 0, "", fmt.Errorf("demo data: create operator: %w", err)
	}
	return u.ID, password, nil
}

// loadCalendar builds the working calendar from calendar_days, as core does,
// and lists the public holidays by date.
func loadCalendar(ctx context.Context, store *repo.Store, loc *time.Location, windows []calendar.Window) (*calendar.Calendar, map[string]string, error) {
	rows, err := store.Q().ListCalendarDays(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("demo data: read calendar: %w", err)
	}
	days := make([]calendar.Day, len(rows))
	holidays := map[string]string{}
	for i, r := range rows {
		date := r.Day.Format("2006-01-02")
		days[i] = calendar.Day{Date: date, Kind: calendar.DayKind(r.Kind), Name: r.Name, Source: r.Source}
		if r.Kind == string(calendar.Holiday) {
			holidays[date] = r.Name
		}
	}
	cal, err := calendar.New(loc, days, windows)
	if err != nil {
		return nil, nil, fmt.Errorf("demo data: build calendar: %w", err)
	}
	return cal, holidays, nil
}

// loadPolicies reads the SLA policies, with domain.DefaultPolicy for a kind
// that has none, as core does.
func loadPolicies(ctx context.Context, store *repo.Store) (map[string]domain.SLAPolicy, error) {
	rows, err := store.Q().ListSLAPolicies(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo data: read SLA policies: %w", err)
	}
	out := map[string]domain.SLAPolicy{}
	for _, k := range domain.Kinds() {
		out[string(k)] = domain.DefaultPolicy(k)
	}
	for _, r := range rows {
		out[r.Kind] = domain.SLAPolicy{Kind: domain.Kind(r.Kind), AcceptHours: r.AcceptHours, ReplyWorkdays: r.ReplyWorkdays,
			UrgentAcceptMinutes: r.UrgentAcceptMinutes, UrgentReplyWorkdays: r.UrgentReplyWorkdays}
	}
	return out, nil
}

// reset empties items, every table that refers to them and the statistics.
func reset(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `TRUNCATE items, assignments, events, replies, ratings, extensions,
		notifications, deliveries, rating_links, audit_log, item_facts, stats_cube, stats_cum, stats_dirty RESTART IDENTITY CASCADE`); err != nil {
		return fmt.Errorf("demo data: reset: %w", err)
	}
	return nil
}

// itemsSequence is the sequence behind items.id.
func itemsSequence(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (string, error) {
	var seq string
	if err := q.QueryRowContext(ctx, `SELECT pg_get_serial_sequence('items', 'id')`).Scan(&seq); err != nil {
		return "", fmt.Errorf("demo data: find the items sequence: %w", err)
	}
	return seq, nil
}

// reserveIDs takes n item ids after every id in use or handed out, moving
// the sequence past them while inserts wait, and returns the first.
func reserveIDs(ctx context.Context, db *sql.DB, n int) (int64, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("demo data: reserve ids: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck
	seq, err := itemsSequence(ctx, tx)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `LOCK TABLE items IN EXCLUSIVE MODE`); err != nil {
		return 0, fmt.Errorf("demo data: lock items: %w", err)
	}
	var maxID, last int64
	var called bool
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM items`).Scan(&maxID); err != nil {
		return 0, fmt.Errorf("demo data: read the last item id: %w", err)
	}
	// seq comes from the catalog, quoted as needed
	if err := tx.QueryRowContext(ctx, `SELECT last_value, is_called FROM `+seq).Scan(&last, &called); err != nil {
		return 0, fmt.Errorf("demo data: read %s: %w", seq, err)
	}
	if !called {
		last--
	}
	first := max(maxID, last) + 1
	if _, err := tx.ExecContext(ctx, `SELECT setval($1::regclass, $2, true)`, seq, first+int64(n)-1); err != nil {
		return 0, fmt.Errorf("demo data: move %s: %w", seq, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("demo data: reserve ids: %w", err)
	}
	return first, nil
}

// bumpSequence makes sure the items sequence is past every id.
func bumpSequence(ctx context.Context, db *sql.DB) error {
	seq, err := itemsSequence(ctx, db)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `SELECT setval($1::regclass, greatest((SELECT max(id) FROM items),
		(SELECT last_value FROM `+seq+`)), true)`, seq); err != nil {
		return fmt.Errorf("demo data: set %s: %w", seq, err)
	}
	return nil
}

// rebuildCubes recomputes the roll-ups from item_facts under the lock the
// statistics worker takes, retrying for a minute while it is busy.
func rebuildCubes(ctx context.Context, store *repo.Store) error {
	deadline := time.Now().Add(time.Minute)
	for {
		ran, err := store.WithLock(ctx, "stats_rollup", func(ctx context.Context) error {
			return store.Q().RebuildCubes(ctx)
		})
		if err != nil {
			return fmt.Errorf("demo data: rebuild statistics: %w", err)
		}
		if ran {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("demo data: a statistics roll-up kept running; run `hotline stats rebuild` later")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
