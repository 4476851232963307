package repo

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
)

// The cumulative roll-ups (stats_cum, CumCubes) hold, for each group of a
// cube and each month start p, the sums of the item facts of the days before
// p. They are dense: a group has a row at every month start after its first
// month up to the cube's horizon, the month start after the newest fact
// rolled up, so that reading one month start reads every group. A month
// start after the horizon has the horizon's sums (no fact lies between).

// CumKeys are the rows of a cumulative cube that count a fact: every month
// start after its day up to the horizon.
func (c Cube) CumKeys(k FactKey, horizon time.Time) []CubeKey {
	first := c.Key(k)
	var out []CubeKey
	for p := first.Period; !p.After(horizon); p = p.AddDate(0, 1, 0) {
		key := first
		key.Period = p
		out = append(out, key)
	}
	return out
}

// CumHorizons are the month starts up to which cumulative cubes hold rows,
// by cube; a cube that holds none is missing.
func (q *Q) CumHorizons(ctx context.Context, cubes []Cube) (map[int]time.Time, error) {
	ids := make([]int64, len(cubes))
	for i, c := range cubes {
		ids[i] = int64(c.ID)
	}
	var rows []struct {
		Cube    int          `db:"cube"`
		Horizon sql.NullTime `db:"horizon"`
	}
	// one index probe per cube
	if err := sqlxSelect(ctx, q, "read statistics horizons", &rows, `SELECT c AS cube,
		(SELECT max(period) FROM stats_cum WHERE cube = c) AS horizon FROM unnest($1::smallint[]) AS c`, pq.Array(ids)); err != nil {
		return nil, err
	}
	out := make(map[int]time.Time, len(rows))
	for _, r := range rows {
		if t := r.Horizon.Time; r.Horizon.Valid {
			out[r.Cube] = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		}
	}
	return out, nil
}

// ExtendCum moves a cumulative cube's horizon to a later month start: every
// group gets a row at each month start in between, a copy of its row at the
// old horizon, since no fact lies after it.
func (q *Q) ExtendCum(ctx context.Context, c Cube, horizon, to time.Time) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO stats_cum (cube, period, unit_code, channel, kind, category_code, `+countCols+`)
		SELECT cube, p::date, unit_code, channel, kind, category_code, `+countCols+`
		FROM stats_cum CROSS JOIN generate_series($2::date + interval '1 month', $3::date, interval '1 month') AS p
		WHERE cube = $1 AND period = $2::date`, c.ID, horizon.Format("2006-01-02"), to.Format("2006-01-02"))
	if err != nil {
		return fmt.Errorf("extend statistics roll-up %d to %s: %w", c.ID, to.Format("2006-01-02"), err)
	}
	return nil
}

// cumSource is the SELECT that computes a cumulative cube from item_facts:
// the monthly sums of each group, summed up to every month start from the
// one after its first month to the horizon (the later of the one after the
// newest fact and the one the cube holds already).
func cumSource(c Cube) string {
	cols := countColList()
	sums := make([]string, len(cols))
	running := make([]string, len(cols))
	for i, col := range cols {
		sums[i] = "sum(" + col + ")::bigint AS " + col
		running[i] = fmt.Sprintf("(sum(coalesce(m.%s, 0)) OVER w)::bigint AS %s", col, col)
	}
	return fmt.Sprintf(`WITH m AS (
			SELECT (date_trunc('month', day) + interval '1 month')::date AS period, %s AS unit_code, %s AS channel,
				%s AS kind, %s AS category_code, %s
			FROM item_facts GROUP BY 1, 2, 3, 4, 5),
		h AS (SELECT greatest((SELECT max(period) FROM m), (SELECT max(period) FROM stats_cum WHERE cube = %d)) AS h),
		g AS (SELECT unit_code, channel, kind, category_code, min(period) AS first FROM m GROUP BY 1, 2, 3, 4),
		grid AS (SELECT p::date AS period, g.unit_code, g.channel, g.kind, g.category_code
			FROM g CROSS JOIN h CROSS JOIN LATERAL generate_series(g.first, h.h, interval '1 month') AS p)
		SELECT %d::smallint AS cube, grid.period, grid.unit_code, grid.channel, grid.kind, grid.category_code, %s
		FROM grid LEFT JOIN m USING (period, unit_code, channel, kind, category_code)
		WINDOW w AS (PARTITION BY grid.unit_code, grid.channel, grid.kind, grid.category_code ORDER BY grid.period)
		ORDER BY 2, 3, 4, 5, 6`,
		c.dimExpr(DimUnit, "unit_code"), c.dimExpr(DimChannel, "channel"), c.dimExpr(DimKind, "kind"),
		c.dimExpr(DimCategory, "category_code"), strings.Join(sums, ", "), c.ID, c.ID, strings.Join(running, ", "))
}

// CumQuery reads a range of statistics from a cumulative cube: each period
// of the answer is the cube's rows at its end less those at its start, plus
// or minus some days of a daily cube, summed by Postgres into the groups
// asked for.
type CumQuery struct {
	Cube    Cube // cumulative
	Periods []CumPeriod
	Days    []SignedDays
	// GroupDims, TimeGroup (which labels the days' rows) and the filters
	// as in CubeQuery.
	GroupDims []string
	TimeGroup string
	Units     []string
	Channel   string
	Kind      string
	Category  string
}

// CumPeriod is one period of the answer: its label and the month starts
// whose rows it is the difference of (From before To).
type CumPeriod struct {
	Label    string
	From, To time.Time
}

// SignedDays are days [From, To) of a daily cube, added (Sign 1) or taken
// away (-1).
type SignedDays struct {
	Cube     Cube
	From, To time.Time
	Sign     int64
}

// cubeQuery is the CubeQuery with the same groups and filters over another
// cube.
func (cq CumQuery) cubeQuery(c Cube) CubeQuery {
	return CubeQuery{Cube: c, GroupDims: cq.GroupDims, TimeGroup: cq.TimeGroup, Units: cq.Units, Channel: cq.Channel,
		Kind: cq.Kind, Category: cq.Category}
}

// sql is the statement: the cumulative rows at the end of each period
// added and those at its start taken away, the signed days, all summed by
// group (rows read in index order, no join).
func (cq CumQuery) sql() (string, []any, error) {
	cols := countColList()
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var (
		labels, months []string
		signs          []int64
		at             []time.Time
	)
	for _, p := range cq.Periods {
		labels, months, signs = append(labels, p.Label, p.Label), append(months, p.To.Format("2006-01-02"),
			p.From.Format("2006-01-02")), append(signs, 1, -1)
		at = append(at, p.To, p.From)
	}
	cum := cq.cubeQuery(cq.Cube)
	cum.At = at
	where, args := cum.where(args)
	signed := func(sign string) string {
		out := make([]string, len(cols))
		for i, c := range cols {
			out[i] = sign + " * " + c
		}
		return strings.Join(out, ", ")
	}
	parts := []string{fmt.Sprintf(`SELECT b.label, unit_code, channel, kind, category_code, %s
		FROM unnest(%s::text[], %s::date[], %s::bigint[]) AS b (label, at, sign)
		JOIN (SELECT * FROM stats_cum WHERE %s) c ON c.period = b.at`,
		signed("b.sign"), arg(pq.Array(labels)), arg(pq.Array(months)), arg(pq.Array(signs)), where)}
	label := "''"
	if cq.TimeGroup != "" {
		e, ok := periodExpr(cq.TimeGroup)
		if !ok {
			return "", nil, fmt.Errorf("unknown time grouping %q", cq.TimeGroup)
		}
		label = e
	}
	for _, d := range cq.Days {
		dq := cq.cubeQuery(d.Cube)
		dq.From, dq.To = d.From, d.To
		var where string
		where, args = dq.where(args)
		parts = append(parts, fmt.Sprintf(`SELECT %s, unit_code, channel, kind, category_code, %s FROM stats_cube WHERE %s`,
			label, signed(fmt.Sprint(d.Sign)), where))
	}
	dim := func(name, col string) string {
		if slices.Contains(cq.GroupDims, name) {
			return col
		}
		return "''"
	}
	return fmt.Sprintf(`SELECT label, %s, %s, %s, %s, concat_ws(' ', %s) FROM (%s) u (label, unit_code, channel, kind,
		category_code, %s) GROUP BY 1, 2, 3, 4, 5`,
		dim(DimUnit, "unit_code"), dim(DimChannel, "channel"), dim(DimKind, "kind"), dim(DimCategory, "category_code"),
		sumCounts(), strings.Join(parts, " UNION ALL "), countCols), args, nil
}

// QueryCum reads a range from the cumulative roll-ups, a row per group in
// no particular order (SortCubeRows orders them).
func (q *Q) QueryCum(ctx context.Context, cq CumQuery) ([]CubeRow, error) {
	query, args, err := cq.sql()
	if err != nil {
		return nil, err
	}
	return q.queryRows(ctx, query, args)
}
