package core

import (
	"context"
	"time"

	"hotline/repo"
)

// How a statistics query reads the roll-ups. For day and week groupings:
// the daily roll-up of the range. For months: whole months from a monthly
// roll-up and the days around them from a daily one. Otherwise (no time
// grouping, quarters, years) from the cumulative roll-ups: with S(b) the sums
// of the days before b, a period [s, e) is S(e) - S(s), and S(b) is a
// cumulative row at a month start next to b, plus or minus the days between
// them from a daily roll-up. Each answer then reads about two rows per group
// and period, whatever the length of the range. Every plan is exact; the
// choices between them only decide what is read.

// cumMonthCost is what reading the cumulative rows at one month start costs,
// in days of daily rows: about every group at once.
const cumMonthCost = 2

// statsPart is one read of a daily or monthly roll-up, added with its sign.
type statsPart struct {
	query repo.CubeQuery
	sign  int64
}

// statsPlan is what a query reads: parts of daily and monthly roll-ups, or
// a query of the cumulative ones (with its days).
type statsPlan struct {
	parts []statsPart
	cum   *repo.CumQuery
}

// planStats decides how to read [from, to) for a query grouped as base
// asks, from roll-ups that keep the dimensions need.
func (c *Core) planStats(ctx context.Context, q *repo.Q, need []string, base repo.CubeQuery,
	from, to time.Time) (statsPlan, error) {
	switch base.TimeGroup {
	case "day", "week":
		return statsPlan{parts: []statsPart{readDays(need, base, from, to, 1)}}, nil
	case "month":
		return monthsPlan(need, base, from, to), nil
	}
	return c.cumulativePlan(ctx, q, need, base, from, to)
}

// readDays reads [from, to) from the smallest daily roll-up that keeps need.
func readDays(need []string, base repo.CubeQuery, from, to time.Time, sign int64) statsPart {
	base.Cube, base.From, base.To = pickCube(need, false), from, to
	return statsPart{query: base, sign: sign}
}

// monthsPlan reads the whole months of [from, to) from a monthly roll-up and
// the days before and after them from a daily one.
func monthsPlan(need []string, base repo.CubeQuery, from, to time.Time) statsPlan {
	firstWhole := repo.MonthStart(from)
	if firstWhole.Before(from) {
		firstWhole = firstWhole.AddDate(0, 1, 0)
	}
	lastWhole := repo.MonthStart(to)
	if !firstWhole.Before(lastWhole) {
		return statsPlan{parts: []statsPart{readDays(need, base, from, to, 1)}}
	}
	months := base
	months.Cube, months.From, months.To = pickCube(need, true), firstWhole, lastWhole
	plan := statsPlan{parts: []statsPart{{query: months, sign: 1}}}
	if from.Before(firstWhole) {
		plan.parts = append(plan.parts, readDays(need, base, from, firstWhole, 1))
	}
	if lastWhole.Before(to) {
		plan.parts = append(plan.parts, readDays(need, base, lastWhole, to, 1))
	}
	return plan
}

// cumulativePlan reads [from, to) as differences of cumulative rows at the
// bounds of its periods, unless reading its days directly costs less.
func (c *Core) cumulativePlan(ctx context.Context, q *repo.Q, need []string, base repo.CubeQuery,
	from, to time.Time) (statsPlan, error) {
	cube := pickCumCube(need)
	horizons, err := q.CumHorizons(ctx, []repo.Cube{cube})
	if err != nil {
		return statsPlan{}, err
	}
	horizon, hasRows := horizons[cube.ID]
	today := c.statsToday()
	bounds := periodBounds(from, to, base.TimeGroup)
	cq := repo.CumQuery{Cube: cube, GroupDims: base.GroupDims, TimeGroup: base.TimeGroup, Units: base.Units,
		Channel: base.Channel, Kind: base.Kind, Category: base.Category}
	months := make([]time.Time, len(bounds))
	cost, read := 0, map[time.Time]bool{}
	for i, b := range bounds {
		m, days := splitBound(b, today)
		if hasRows && m.After(horizon) {
			m = horizon // nothing lies after the horizon
		}
		months[i] = m
		read[m] = true
		if days != nil {
			// the days of the first bound are taken from the first
			// period, those of the last added to the last (the bounds
			// between are month starts)
			sign := days.sign
			if i == 0 {
				sign = -sign
			}
			cq.Days = append(cq.Days, repo.SignedDays{Cube: pickCube(need, false), From: days.from, To: days.to, Sign: sign})
			cost += pastDays(days.from, days.to, today)
		}
	}
	if cost+cumMonthCost*len(read) >= pastDays(from, to, today) {
		return statsPlan{parts: []statsPart{readDays(need, base, from, to, 1)}}, nil
	}
	for i := 0; i+1 < len(bounds); i++ {
		if months[i].Before(months[i+1]) {
			cq.Periods = append(cq.Periods, repo.CumPeriod{Label: periodLabel(bounds[i], base.TimeGroup),
				From: months[i], To: months[i+1]})
		}
	}
	return statsPlan{cum: &cq}, nil
}

// dayRange is days [from, to) to add (sign 1) or take away (-1).
type dayRange struct {
	from, to time.Time
	sign     int64
}

// splitBound writes the sums of the days before b as the cumulative rows at
// a month start m plus or minus some days: b itself when it is a month
// start, else the nearer of the month starts around it, counting only days
// up to today (later days hold no items yet, so reading them costs little).
func splitBound(b, today time.Time) (m time.Time, days *dayRange) {
	lo := repo.MonthStart(b)
	if lo.Equal(b) {
		return b, nil
	}
	hi := lo.AddDate(0, 1, 0)
	if pastDays(lo, b, today) <= pastDays(b, hi, today) {
		return lo, &dayRange{from: lo, to: b, sign: 1}
	}
	return hi, &dayRange{from: b, to: hi, sign: -1}
}

// pastDays counts the days of [from, to) up to today.
func pastDays(from, to, today time.Time) int {
	if end := today.AddDate(0, 0, 1); to.After(end) {
		to = end
	}
	if !from.Before(to) {
		return 0
	}
	return int(to.Sub(from).Hours()/24 + 0.5)
}

// periodBounds are from, the first day of every period of the time grouping
// that starts inside (from, to), and to; without a time grouping, from and
// to.
func periodBounds(from, to time.Time, timeGroup string) []time.Time {
	out := []time.Time{from}
	if timeGroup != "" {
		for s := nextPeriod(from, timeGroup); s.Before(to); s = nextPeriod(s, timeGroup) {
			out = append(out, s)
		}
	}
	return append(out, to)
}

// statsToday is the department's date now, at midnight UTC like the
// roll-ups' days.
func (c *Core) statsToday() time.Time {
	now := c.Now().In(c.set.Location)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// pickCube chooses the smallest roll-up of stats_cube of the grain asked for
// (monthly or daily) that holds the dimensions needed; a monthly grain
// without a cube that holds them falls back to a daily one.
func pickCube(need []string, monthly bool) repo.Cube {
	var cubes []repo.Cube
	for _, cube := range repo.Cubes() {
		if cube.Monthly == monthly {
			cubes = append(cubes, cube)
		}
	}
	best, ok := smallestCovering(cubes, need)
	if !ok && monthly {
		return pickCube(need, false)
	}
	return best
}

// pickCumCube chooses the smallest cumulative roll-up that holds the
// dimensions needed (the finest holds them all).
func pickCumCube(need []string) repo.Cube {
	best, _ := smallestCovering(repo.CumCubes(), need)
	return best
}

// smallestCovering is the cube with the fewest dimensions among those that
// keep every dimension needed.
func smallestCovering(cubes []repo.Cube, need []string) (repo.Cube, bool) {
	best, found := repo.Cube{ID: -1}, false
	for _, cube := range cubes {
		covers := true
		for _, d := range need {
			covers = covers && cube.Keeps(d)
		}
		if covers && (!found || len(cube.Dims) < len(best.Dims)) {
			best, found = cube, true
		}
	}
	return best, found
}
