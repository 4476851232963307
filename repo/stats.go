package repo

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"

	"hotline/domain"
)

// countCols are the additive columns of item_facts and stats_cube, in the
// order of domain.Counts.Values.
const countCols = `received, answered, dispatched, completed, completed_on_time, accepted_on_time, replied, rated,
	satisfied, basically_satisfied, dissatisfied, five_star, resolved, overdue, handle_seconds`

func countColList() []string {
	out := strings.Split(countCols, ",")
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	return out
}

// Dimension names of the statistics.
const (
	DimUnit     = "unit"
	DimChannel  = "channel"
	DimKind     = "kind"
	DimCategory = "category"
)

// Cube is one roll-up grain: by day or by month in stats_cube, or
// cumulative at month starts in stats_cum (see CumCubes), keeping some of the
// dimensions ('*' in the others).
type Cube struct {
	ID      int
	Monthly bool
	// Cumulative cubes hold at each month start the sums of every day
	// before it.
	Cumulative bool
	Dims       []string
}

// table is where the cube's rows are kept.
func (c Cube) table() string {
	if c.Cumulative {
		return "stats_cum"
	}
	return "stats_cube"
}

// Keeps reports whether the cube keeps a dimension.
func (c Cube) Keeps(dim string) bool {
	for _, d := range c.Dims {
		if d == dim {
			return true
		}
	}
	return false
}

// Cubes lists the roll-ups kept. Every item change updates each of them;
// a statistics query reads the smallest one that holds what it needs.
func Cubes() []Cube {
	all := []string{DimUnit, DimChannel, DimKind, DimCategory}
	return []Cube{
		{ID: 0, Monthly: false, Dims: all},
		{ID: 1, Monthly: true, Dims: all},
		{ID: 2, Monthly: false, Dims: []string{DimUnit}},
		{ID: 3, Monthly: true, Dims: []string{DimUnit}},
		{ID: 4, Monthly: false, Dims: []string{DimChannel, DimKind}},
		{ID: 5, Monthly: true, Dims: []string{DimChannel, DimKind}},
		{ID: 6, Monthly: false, Dims: nil},
		{ID: 7, Monthly: true, Dims: nil},
		{ID: 8, Monthly: true, Dims: []string{DimCategory}},
		{ID: 9, Monthly: true, Dims: []string{DimUnit, DimChannel}},
		{ID: 10, Monthly: true, Dims: []string{DimUnit, DimChannel, DimKind}},
		{ID: 11, Monthly: false, Dims: []string{DimUnit, DimChannel, DimKind}},
		{ID: 12, Monthly: false, Dims: []string{DimCategory}},
		{ID: 13, Monthly: false, Dims: []string{DimChannel, DimKind, DimCategory}},
		{ID: 14, Monthly: false, Dims: []string{DimUnit, DimCategory}},
	}
}

// CumCubes lists the cumulative roll-ups kept in stats_cum: a range of whole
// months is two of their rows per group, so a query without a finer time
// grouping reads about twice its groups whatever its length. Every set of
// dimensions is covered by one of at most four times as many groups.
func CumCubes() []Cube {
	all := []string{DimUnit, DimChannel, DimKind, DimCategory}
	return []Cube{
		{ID: 20, Cumulative: true, Dims: nil},
		{ID: 21, Cumulative: true, Dims: []string{DimUnit}},
		{ID: 22, Cumulative: true, Dims: []string{DimChannel, DimKind}},
		{ID: 23, Cumulative: true, Dims: []string{DimCategory}},
		{ID: 24, Cumulative: true, Dims: []string{DimUnit, DimChannel}},
		{ID: 25, Cumulative: true, Dims: []string{DimUnit, DimChannel, DimKind}},
		{ID: 26, Cumulative: true, Dims: []string{DimUnit, DimCategory}},
		{ID: 27, Cumulative: true, Dims: []string{DimChannel, DimKind, DimCategory}},
		{ID: 28, Cumulative: true, Dims: all},
	}
}

// AllCubes is every roll-up: stats_cube's and stats_cum's.
func AllCubes() []Cube {
	return append(Cubes(), CumCubes()...)
}

// FactKey is where one item is counted.
type FactKey struct {
	Day      time.Time // local date at midnight UTC, as Postgres returns a date
	Unit     string
	Channel  string
	Kind     string
	Category string
}

// CubeKey is a row of stats_cube.
type CubeKey struct {
	Cube     int
	Period   time.Time
	Unit     string
	Channel  string
	Kind     string
	Category string
}

// MonthStart is the first day of t's month.
func MonthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// Key projects a fact key onto the cube; for a cumulative cube, onto the
// first month start after its day, the first row that counts it.
func (c Cube) Key(k FactKey) CubeKey {
	out := CubeKey{Cube: c.ID, Period: k.Day, Unit: "*", Channel: "*", Kind: "*", Category: "*"}
	switch {
	case c.Cumulative:
		out.Period = MonthStart(k.Day).AddDate(0, 1, 0)
	case c.Monthly:
		out.Period = MonthStart(k.Day)
	}
	if c.Keeps(DimUnit) {
		out.Unit = k.Unit
	}
	if c.Keeps(DimChannel) {
		out.Channel = k.Channel
	}
	if c.Keeps(DimKind) {
		out.Kind = k.Kind
	}
	if c.Keeps(DimCategory) {
		out.Category = k.Category
	}
	return out
}

// OutcomeRow is what the statistics read of an item from the raw tables.
type OutcomeRow struct {
	ItemID        int64      `db:"id"`
	ReceivedAt    time.Time  `db:"received_at"`
	Unit          string     `db:"unit_code"`
	Channel       string     `db:"channel"`
	Kind          string     `db:"kind"`
	Category      string     `db:"category_code"`
	Merged        bool       `db:"merged"`
	HasAnswer     bool       `db:"has_answer"`
	DispatchedAt  *time.Time `db:"dispatched_at"`
	RepliedAt     *time.Time `db:"replied_at"`
	CompletedAt   *time.Time `db:"completed_at"`
	DueAt         *time.Time `db:"due_at"`
	Overdue       bool       `db:"overdue"`
	AcceptDueAt   *time.Time `db:"accept_due_at"`
	AcceptedAt    *time.Time `db:"accepted_at"`
	HandleSeconds *int64     `db:"handle_seconds"`
	Satisfaction  *string    `db:"satisfaction"`
	Stars         *int       `db:"stars"`
	Resolved      *bool      `db:"resolved"`
}

// Outcome converts the row for domain.Count.
func (r OutcomeRow) Outcome() domain.Outcome {
	o := domain.Outcome{Merged: r.Merged, HasAnswer: r.HasAnswer, DispatchedAt: r.DispatchedAt, RepliedAt: r.RepliedAt,
		CompletedAt: r.CompletedAt, DueAt: r.DueAt, Overdue: r.Overdue, AcceptDueAt: r.AcceptDueAt,
		AcceptedAt: r.AcceptedAt, HandleSeconds: r.HandleSeconds, Stars: r.Stars}
	if r.Satisfaction != nil {
		o.Satisfaction = *r.Satisfaction
	}
	if r.Resolved != nil {
		o.Resolved = *r.Resolved
	}
	return o
}

// Key is where the item is counted, its day taken in loc.
func (r OutcomeRow) Key(loc *time.Location) FactKey {
	l := r.ReceivedAt.In(loc)
	return FactKey{Day: time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC), Unit: r.Unit,
		Channel: r.Channel, Kind: r.Kind, Category: r.Category}
}

const outcomeSelect = `SELECT i.id, i.received_at, coalesce(i.primary_unit_code, '') AS unit_code, i.channel, i.kind,
	coalesce(i.category_code, '') AS category_code, i.merged_into_id IS NOT NULL AS merged, i.answer <> '' AS has_answer,
	i.dispatched_at, i.replied_at, i.completed_at, i.due_at, i.overdue, i.accept_due_at, i.accepted_at,
	i.handle_seconds, r.satisfaction, r.stars, r.resolved`

// ClaimDirty takes up to limit change marks off stats_dirty for this
// transaction and returns the distinct items they name and how many marks it
// took (limit when more may be waiting); concurrent workers take disjoint
// sets.
func (q *Q) ClaimDirty(ctx context.Context, limit int) ([]int64, int, error) {
	var rows []struct {
		ItemID int64 `db:"item_id"`
		Marks  int   `db:"marks"`
	}
	err := sqlxSelect(ctx, q, "read claim dirty", &rows, `WITH d AS (DELETE FROM stats_dirty WHERE id IN (
			SELECT id FROM stats_dirty ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING item_id)
		SELECT item_id, count(*) AS marks FROM d GROUP BY item_id ORDER BY item_id`, limit)
	ids, marks := make([]int64, len(rows)), 0
	for i, r := range rows {
		ids[i], marks = r.ItemID, marks+r.Marks
	}
	return ids, marks, err
}

// CountDirty counts the changed items waiting for the roll-up.
func (q *Q) CountDirty(ctx context.Context) (int64, error) {
	var n int64
	err := sqlxGet(ctx, q, "count dirty", &n, `SELECT count(DISTINCT item_id) FROM stats_dirty`)
	return n, err
}

// Outcomes reads the statistics view of some items.
func (q *Q) Outcomes(ctx context.Context, ids []int64) ([]OutcomeRow, error) {
	var out []OutcomeRow
	err := sqlxSelect(ctx, q, "read outcomes", &out, outcomeSelect+` FROM items i
		LEFT JOIN LATERAL (SELECT satisfaction, stars, resolved FROM ratings WHERE item_id = i.id
			ORDER BY created_at DESC, id DESC LIMIT 1) r ON true
		WHERE i.id = ANY($1)`, pq.Array(ids))
	return out, err
}

// PrepareStatsRead gives a statistics read transaction the memory to sum
// tens of thousands of roll-up rows in a hash table rather than sorting them
// on disk, and no parallel workers.
func (q *Q) PrepareStatsRead(ctx context.Context) error {
	// Parallel workers only add their start-up to reads of a few thousand
	// rows.
	if _, err := q.x.ExecContext(ctx, `SET LOCAL work_mem = '32MB'; SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
		return fmt.Errorf("prepare statistics read: %w", err)
	}
	return nil
}

// PendingOutcomes reads, for every item with a change not yet rolled up, its
// statistics view from the raw tables and its contribution as the roll-ups
// still hold it (absent when never rolled up). Called in one read
// transaction with the roll-up queries, the two together give the figures
// exactly as of that snapshot.
func (q *Q) PendingOutcomes(ctx context.Context) ([]OutcomeRow, map[int64]FactRow, error) {
	var outcomes []OutcomeRow
	err := sqlxSelect(ctx, q, "read outcomes of pending changes", &outcomes, outcomeSelect+` FROM items i
		LEFT JOIN LATERAL (SELECT satisfaction, stars, resolved FROM ratings WHERE item_id = i.id
			ORDER BY created_at DESC, id DESC LIMIT 1) r ON true
		WHERE i.id IN (SELECT item_id FROM stats_dirty)`)
	if err != nil || len(outcomes) == 0 {
		return outcomes, map[int64]FactRow{}, err
	}
	ids := make([]int64, len(outcomes))
	for i, o := range outcomes {
		ids[i] = o.ItemID
	}
	facts, err := q.Facts(ctx, ids)
	return outcomes, facts, err
}

// FactRow is a row of item_facts.
type FactRow struct {
	ItemID int64
	Key    FactKey
	Counts domain.Counts
}

// Facts reads the stored contributions of some items.
func (q *Q) Facts(ctx context.Context, ids []int64) (map[int64]FactRow, error) {
	rows, err := q.x.QueryxContext(ctx, `SELECT item_id, day, unit_code, channel, kind, category_code, `+countCols+`
		FROM item_facts WHERE item_id = ANY($1)`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("read item facts: %w", err)
	}
	defer rows.Close()
	out := map[int64]FactRow{}
	for rows.Next() {
		f, err := scanFact(rows)
		if err != nil {
			return nil, err
		}
		out[f.ItemID] = f
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

// appendCountDest appends scan destinations for every count column.
func appendCountDest(dest []any, c *domain.Counts) []any {
	for _, p := range c.Fields() {
		dest = append(dest, p)
	}
	return dest
}

func scanFact(s scanner) (FactRow, error) {
	var f FactRow
	dest := []any{&f.ItemID, &f.Key.Day, &f.Key.Unit, &f.Key.Channel, &f.Key.Kind, &f.Key.Category}
	dest = appendCountDest(dest, &f.Counts)
	if err := s.Scan(dest...); err != nil {
		return f, fmt.Errorf("scan item fact: %w", err)
	}
	f.Key.Day = time.Date(f.Key.Day.Year(), f.Key.Day.Month(), f.Key.Day.Day(), 0, 0, 0, 0, time.UTC)
	return f, nil
}

// countArrays turns a list of counts into one array per column.
func countArrays(cs []domain.Counts) []any {
	cols := make([][]int64, len(countColList()))
	for _, c := range cs {
		for i, v := range c.Values() {
			cols[i] = append(cols[i], v)
		}
	}
	out := make([]any, len(cols))
	for i := range cols {
		out[i] = pq.Array(cols[i])
	}
	return out
}

// SaveFacts writes items' contributions, replacing earlier ones.
func (q *Q) SaveFacts(ctx context.Context, facts []FactRow) error {
	if len(facts) == 0 {
		return nil
	}
	ids := make([]int64, len(facts))
	days := make([]string, len(facts))
	units, channels, kinds, cats := make([]string, len(facts)), make([]string, len(facts)), make([]string, len(facts)), make([]string, len(facts))
	counts := make([]domain.Counts, len(facts))
	for i, f := range facts {
		ids[i], days[i] = f.ItemID, f.Key.Day.Format("2006-01-02")
		units[i], channels[i], kinds[i], cats[i] = f.Key.Unit, f.Key.Channel, f.Key.Kind, f.Key.Category
		counts[i] = f.Counts
	}
	cols := countColList()
	sets := make([]string, 0, len(cols)+5)
	for _, c := range append([]string{"day", "unit_code", "channel", "kind", "category_code"}, cols...) {
		sets = append(sets, c+" = EXCLUDED."+c)
	}
	args := append([]any{pq.Array(ids), pq.Array(days), pq.Array(units), pq.Array(channels), pq.Array(kinds), pq.Array(cats)},
		countArrays(counts)...)
	_, err := q.x.ExecContext(ctx, `INSERT INTO item_facts (item_id, day, unit_code, channel, kind, category_code, `+countCols+`)
		SELECT * FROM unnest($1::bigint[], $2::date[], $3::text[], $4::text[], $5::text[], $6::text[], `+
		unnestCounts(7)+`) ON CONFLICT (item_id) DO UPDATE SET `+strings.Join(sets, ", "), args...)
	if err != nil {
		return fmt.Errorf("save item facts: %w", err)
	}
	return nil
}

// unnestCounts is the unnest argument list of the count columns starting at
// parameter $first.
func unnestCounts(first int) string {
	n := len(countColList())
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("$%d::bigint[]", first+i)
	}
	return strings.Join(parts, ", ")
}

// ApplyCubeDeltas adds differences to roll-up rows (stats_cube's or
// stats_cum's, as the key's cube is kept), creating them as needed.
func (q *Q) ApplyCubeDeltas(ctx context.Context, deltas map[CubeKey]domain.Counts) error {
	tables := map[int]string{}
	for _, c := range AllCubes() {
		tables[c.ID] = c.table()
	}
	byTable := map[string]map[CubeKey]domain.Counts{}
	for k, d := range deltas {
		t, ok := tables[k.Cube]
		if !ok {
			return fmt.Errorf("update statistics roll-up: unknown cube %d", k.Cube)
		}
		if byTable[t] == nil {
			byTable[t] = map[CubeKey]domain.Counts{}
		}
		byTable[t][k] = d
	}
	for _, t := range []string{"stats_cube", "stats_cum"} {
		if err := q.applyDeltas(ctx, t, byTable[t]); err != nil {
			return err
		}
	}
	return nil
}

// applyDeltas adds differences to the rows of one roll-up table.
func (q *Q) applyDeltas(ctx context.Context, table string, deltas map[CubeKey]domain.Counts) error {
	if len(deltas) == 0 {
		return nil
	}
	var (
		cubes                        []int64
		periods                      []string
		units, channels, kinds, cats []string
		counts                       []domain.Counts
	)
	for k, c := range deltas {
		if c.IsZero() {
			continue
		}
		cubes, periods = append(cubes, int64(k.Cube)), append(periods, k.Period.Format("2006-01-02"))
		units, channels, kinds, cats = append(units, k.Unit), append(channels, k.Channel), append(kinds, k.Kind), append(cats, k.Category)
		counts = append(counts, c)
	}
	if len(cubes) == 0 {
		return nil
	}
	cols := countColList()
	sets := make([]string, len(cols))
	for i, c := range cols {
		sets[i] = fmt.Sprintf("%s = %s.%s + EXCLUDED.%s", c, table, c, c)
	}
	args := append([]any{pq.Array(cubes), pq.Array(periods), pq.Array(units), pq.Array(channels), pq.Array(kinds), pq.Array(cats)},
		countArrays(counts)...)
	_, err := q.x.ExecContext(ctx, `INSERT INTO `+table+` (cube, period, unit_code, channel, kind, category_code, `+countCols+`)
		SELECT * FROM unnest($1::smallint[], $2::date[], $3::text[], $4::text[], $5::text[], $6::text[], `+
		unnestCounts(7)+`) ON CONFLICT (cube, period, unit_code, channel, kind, category_code) DO UPDATE SET `+
		strings.Join(sets, ", "), args...)
	if err != nil {
		return fmt.Errorf("update statistics roll-up: %w", err)
	}
	return nil
}

// CubeQuery reads statistics from one cube.
type CubeQuery struct {
	Cube     Cube
	From, To time.Time // dates; To exclusive (daily and monthly cubes)
	// At are the month starts whose rows are read from a cumulative cube,
	// each labelled YYYY-MM-DD in Period.
	At []time.Time
	// GroupDims are the dimensions kept in the result, and TimeGroup the
	// period grouping ("", day, week, month, quarter, year).
	GroupDims []string
	TimeGroup string
	Units     []string // filter: any of these units (nil: all)
	Channel   string
	Kind      string
	Category  string
}

// CubeRow is one result row.
type CubeRow struct {
	Period   string
	Unit     string
	Channel  string
	Kind     string
	Category string
	Counts   domain.Counts
}

// periodExpr is the SQL that names a cube row's period in a time grouping.
func periodExpr(group string) (string, bool) {
	switch group {
	case "day":
		return `to_char(period, 'YYYY-MM-DD')`, true
	case "week":
		return `to_char(period, 'IYYY-"W"IW')`, true
	case "month":
		return `to_char(period, 'YYYY-MM')`, true
	case "quarter":
		return `to_char(period, 'YYYY-"Q"Q')`, true
	case "year":
		return `to_char(period, 'YYYY')`, true
	}
	return "", false
}

// rowsAreGroups reports whether each row the query selects is a group of its
// answer already: it keeps every dimension of the cube, and its periods are
// the cube's own.
func (cq CubeQuery) rowsAreGroups() bool {
	grain := "day"
	if cq.Cube.Monthly {
		grain = "month"
	}
	return len(cq.GroupDims) == len(cq.Cube.Dims) && cq.TimeGroup == grain
}

// where is the query's WHERE clause, its arguments appended to args.
func (cq CubeQuery) where(args []any) (string, []any) {
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where := []string{"cube = " + arg(cq.Cube.ID)}
	if cq.Cube.Cumulative {
		at := make([]string, len(cq.At))
		for i, t := range cq.At {
			at[i] = t.Format("2006-01-02")
		}
		where = append(where, "period = ANY("+arg(pq.Array(at))+"::date[])")
	} else {
		where = append(where, "period >= "+arg(cq.From.Format("2006-01-02"))+"::date",
			"period < "+arg(cq.To.Format("2006-01-02"))+"::date")
	}
	if cq.Units != nil {
		where = append(where, "unit_code = ANY("+arg(pq.Array(cq.Units))+")")
	}
	if cq.Channel != "" {
		where = append(where, "channel = "+arg(cq.Channel))
	}
	if cq.Kind != "" {
		where = append(where, "kind = "+arg(cq.Kind))
	}
	if cq.Category != "" {
		where = append(where, "category_code = "+arg(cq.Category))
	}
	return strings.Join(where, " AND "), args
}

// sql is the query's statement and arguments: the cube's rows summed into
// the groups asked for, or read as they are when they are those groups.
func (cq CubeQuery) sql() (string, []any, error) {
	period := "''"
	if cq.TimeGroup != "" {
		e, ok := periodExpr(cq.TimeGroup)
		if !ok {
			return "", nil, fmt.Errorf("unknown time grouping %q", cq.TimeGroup)
		}
		period = e
	}
	dim := func(name, col string) string {
		if slices.Contains(cq.GroupDims, name) {
			return col
		}
		return "''"
	}
	selects := []string{period, dim(DimUnit, "unit_code"), dim(DimChannel, "channel"), dim(DimKind, "kind"),
		dim(DimCategory, "category_code")}
	where, args := cq.where(nil)
	from := ` FROM ` + cq.Cube.table() + ` WHERE ` + where
	// the counts travel as one text column, "1 0 1 …", parsed by
	// parseCounts: far less work per row than fifteen columns
	if cq.rowsAreGroups() {
		order := ` ORDER BY period, unit_code, channel, kind, category_code` // the order of the labels
		if cq.Cube.Cumulative {
			order = "" // rows of several month starts, combined by the caller
		}
		return `SELECT ` + strings.Join(selects, ", ") + `, concat_ws(' ', ` + countCols + `)` + from + order, args, nil
	}
	return `SELECT ` + strings.Join(selects, ", ") + `, concat_ws(' ', ` + sumCounts() + `)` + from +
		` GROUP BY 1, 2, 3, 4, 5`, args, nil // the caller orders them (SortCubeRows)
}

// sumCounts is the SQL list of the sums of the count columns. The counts
// other than handle_seconds are summed as integers: sum(integer) adds in a
// bigint, several times cheaper than sum(bigint), which adds in a numeric,
// and a count of items fits in an integer (one that did not would fail the
// query, never give a wrong figure).
func sumCounts() string {
	cols := countColList()
	sums := make([]string, len(cols))
	for i, c := range cols {
		if c == "handle_seconds" {
			sums[i] = "sum(" + c + ")::bigint"
		} else {
			sums[i] = "sum(" + c + "::integer)"
		}
	}
	return strings.Join(sums, ", ")
}

// parseCounts reads the counts written as integers separated by single
// spaces, in the order of countCols.
func parseCounts(b []byte, c *domain.Counts) error {
	fields := c.Fields()
	i := 0
	for _, f := range fields {
		if i >= len(b) {
			return fmt.Errorf("statistics counts %q: too few", b)
		}
		neg := b[i] == '-'
		if neg {
			i++
		}
		start := i
		var v int64
		for ; i < len(b) && b[i] != ' '; i++ {
			d := b[i] - '0'
			if d > 9 {
				return fmt.Errorf("statistics counts %q: not an integer", b)
			}
			v = v*10 + int64(d)
		}
		if i == start {
			return fmt.Errorf("statistics counts %q: empty", b)
		}
		if neg {
			v = -v
		}
		*f = v
		i++ // the space
	}
	if i < len(b) {
		return fmt.Errorf("statistics counts %q: too many", b)
	}
	return nil
}

// QueryCube reads a cube's rows summed into the groups asked for, a row per
// group in no particular order (SortCubeRows orders them).
func (q *Q) QueryCube(ctx context.Context, cq CubeQuery) ([]CubeRow, error) {
	query, args, err := cq.sql()
	if err != nil {
		return nil, err
	}
	return q.queryRows(ctx, query, args)
}

// queryRows runs a statistics query whose rows are a period label, the four
// keys and the counts as parseCounts reads them.
func (q *Q) queryRows(ctx context.Context, query string, args []any) ([]CubeRow, error) {
	rows, err := q.x.QueryxContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query statistics: %w", err)
	}
	defer rows.Close()
	var (
		out    []CubeRow
		counts sql.RawBytes
	)
	for rows.Next() {
		var r CubeRow
		if err := rows.Scan(&r.Period, &r.Unit, &r.Channel, &r.Kind, &r.Category, &counts); err != nil {
			return nil, fmt.Errorf("scan statistics: %w", err)
		}
		if err := parseCounts(counts, &r.Counts); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read statistics: %w", err)
	}
	return out, nil
}

// CompareCubeRows orders rows by period label, then unit, channel, kind and
// category, bytewise: the order of every statistics answer. The grouped
// queries leave the order to the caller (SortCubeRows): Go sorts the
// largest answer (18,000 groups) in a few milliseconds, where Postgres took
// 30–45 ms under the database's collation.
func CompareCubeRows(a, b CubeRow) int {
	if c := strings.Compare(a.Period, b.Period); c != 0 {
		return c
	}
	if c := strings.Compare(a.Unit, b.Unit); c != 0 {
		return c
	}
	if c := strings.Compare(a.Channel, b.Channel); c != 0 {
		return c
	}
	if c := strings.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	return strings.Compare(a.Category, b.Category)
}

// SortCubeRows puts rows in the order of CompareCubeRows.
func SortCubeRows(rows []CubeRow) { slices.SortFunc(rows, CompareCubeRows) }

// StreamOutcomes calls fn for every item's statistics view, in id order,
// reading ranges of ids so that millions of items fit in memory and each
// range joins only its own ratings.
func (s *Store) StreamOutcomes(ctx context.Context, fn func(OutcomeRow) error) error {
	var maxID int64
	if err := sqlxGet(ctx, s.Q(), "read stream outcomes", &maxID, `SELECT coalesce(max(id), 0) FROM items`); err != nil {
		return err
	}
	const span = 50000
	for lo := int64(0); lo < maxID; lo += span {
		var batch []OutcomeRow
		err := sqlxSelect(ctx, s.Q(), "read stream outcomes", &batch, outcomeSelect+` FROM items i
			LEFT JOIN (SELECT DISTINCT ON (item_id) item_id, satisfaction, stars, resolved FROM ratings
				WHERE item_id > $1 AND item_id <= $2 ORDER BY item_id, created_at DESC, id DESC) r ON r.item_id = i.id
			WHERE i.id > $1 AND i.id <= $2 ORDER BY i.id`, lo, lo+span)
		if err != nil {
			return err
		}
		for _, r := range batch {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// StreamFacts calls fn for every stored item fact, in item order.
func (s *Store) StreamFacts(ctx context.Context, fn func(FactRow) error) error {
	var after int64
	for {
		rows, err := s.db.QueryxContext(ctx, `SELECT item_id, day, unit_code, channel, kind, category_code, `+countCols+`
			FROM item_facts WHERE item_id > $1 ORDER BY item_id LIMIT 20000`, after)
		if err != nil {
			return fmt.Errorf("read item facts: %w", err)
		}
		n := 0
		for rows.Next() {
			f, err := scanFact(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if err := fn(f); err != nil {
				rows.Close()
				return err
			}
			after, n = f.ItemID, n+1
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
}

// cubeSource is the SELECT that computes a cube from item_facts.
func cubeSource(c Cube) string {
	period := "day"
	if c.Monthly {
		period = "date_trunc('month', day)::date"
	}
	dim := c.dimExpr
	sums := make([]string, 0, len(countColList()))
	for _, col := range countColList() {
		sums = append(sums, "sum("+col+")::bigint AS "+col)
	}
	// in key order, so that a rebuilt cube's rows of one period lie together
	return fmt.Sprintf(`SELECT %d::smallint AS cube, %s AS period, %s AS unit_code, %s AS channel, %s AS kind, %s AS category_code, %s
		FROM item_facts GROUP BY 2, 3, 4, 5, 6 ORDER BY 2, 3, 4, 5, 6`, c.ID, period, dim(DimUnit, "unit_code"), dim(DimChannel, "channel"),
		dim(DimKind, "kind"), dim(DimCategory, "category_code"), strings.Join(sums, ", "))
}

// dimExpr is the SQL of a cube's column for a dimension: the column when the
// cube keeps it, '*' otherwise.
func (c Cube) dimExpr(d, col string) string {
	if c.Keeps(d) {
		return col
	}
	return "'*'::text"
}

// rollupSource is the SELECT that computes a cube's rows from item_facts.
func rollupSource(c Cube) string {
	if c.Cumulative {
		return cumSource(c)
	}
	return cubeSource(c)
}

// CubeDifference is a stats_cube row that does not equal the sum of its facts.
type CubeDifference struct {
	Key      CubeKey
	Stored   domain.Counts
	Expected domain.Counts
}

// CompareCube recomputes a cube (of either table) from item_facts and returns the rows that
// differ from the stored ones (at most limit) and how many differ in all.
// Stored rows that are all zero are equal to missing ones.
func (q *Q) CompareCube(ctx context.Context, c Cube, limit int) ([]CubeDifference, int64, error) {
	cols := countColList()
	var diffs []string
	for _, col := range cols {
		diffs = append(diffs, fmt.Sprintf("coalesce(e.%s, 0) <> coalesce(s.%s, 0)", col, col))
	}
	sel := func(alias string) string {
		parts := make([]string, len(cols))
		for i, col := range cols {
			parts[i] = fmt.Sprintf("coalesce(%s.%s, 0)", alias, col)
		}
		return strings.Join(parts, ", ")
	}
	query := fmt.Sprintf(`WITH e AS (%s), s AS (SELECT * FROM %s WHERE cube = %d)
		SELECT coalesce(e.period, s.period), coalesce(e.unit_code, s.unit_code), coalesce(e.channel, s.channel),
			coalesce(e.kind, s.kind), coalesce(e.category_code, s.category_code), %s, %s, count(*) OVER ()
		FROM e FULL JOIN s USING (cube, period, unit_code, channel, kind, category_code)
		WHERE %s ORDER BY 1, 2, 3, 4, 5 LIMIT %d`, rollupSource(c), c.table(), c.ID, sel("s"), sel("e"), strings.Join(diffs, " OR "), limit)
	rows, err := q.x.QueryxContext(ctx, query)
	if err != nil {
		return nil, 0, fmt.Errorf("compare cube %d: %w", c.ID, err)
	}
	defer rows.Close()
	var (
		out   []CubeDifference
		total int64
	)
	for rows.Next() {
		d := CubeDifference{Key: CubeKey{Cube: c.ID}}
		dest := []any{&d.Key.Period, &d.Key.Unit, &d.Key.Channel, &d.Key.Kind, &d.Key.Category}
		dest = appendCountDest(dest, &d.Stored)
		dest = appendCountDest(dest, &d.Expected)
		dest = append(dest, &total)
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, fmt.Errorf("compare cube %d: %w", c.ID, err)
		}
		out = append(out, d)
	}
	return out, total, rows.Err()
}

// RebuildCubes recomputes every roll-up, stats_cube's and stats_cum's, from
// item_facts (after a bulk load).
func (q *Q) RebuildCubes(ctx context.Context) error {
	if _, err := q.x.ExecContext(ctx, `TRUNCATE stats_cube, stats_cum`); err != nil {
		return fmt.Errorf("clear roll-ups: %w", err)
	}
	for _, c := range AllCubes() {
		if _, err := q.x.ExecContext(ctx, `INSERT INTO `+c.table()+` (cube, period, unit_code, channel, kind, category_code, `+
			countCols+`) `+rollupSource(c)); err != nil {
			return fmt.Errorf("rebuild cube %d: %w", c.ID, err)
		}
	}
	return nil
}

// AnalyzeStats refreshes the planner's statistics of item_facts and the
// roll-ups.
func (q *Q) AnalyzeStats(ctx context.Context) error {
	if _, err := q.x.ExecContext(ctx, `ANALYZE item_facts, stats_cube, stats_cum`); err != nil {
		return fmt.Errorf("analyze statistics: %w", err)
	}
	return nil
}

// ClearStats empties item_facts, the roll-ups and stats_dirty before a
// rebuild.
func (q *Q) ClearStats(ctx context.Context) error {
	if _, err := q.x.ExecContext(ctx, `TRUNCATE item_facts, stats_cube, stats_cum, stats_dirty`); err != nil {
		return fmt.Errorf("clear statistics: %w", err)
	}
	return nil
}
