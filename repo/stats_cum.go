package repo

import (
	"context"
	"database/sql"
	"fmt"
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
