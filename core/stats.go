package core

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// RollupStats brings the statistics roll-ups up to date with every item that
// changed since the last run: it recomputes each changed item's contribution
// (domain.Count), and adds the difference to every cube. It returns how many
// items it processed. Only one process rolls up at a time.
func (c *Core) RollupStats(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := c.rollupBatch(ctx, 1000)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

func (c *Core) rollupBatch(ctx context.Context, limit int) (int, error) {
	n := 0
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		if ok, err := q.TryXactLock(ctx, "stats_rollup"); err != nil || !ok {
			return err
		}
		ids, err := q.ClaimDirty(ctx, limit)
		if err != nil || len(ids) == 0 {
			return err
		}
		n = len(ids)
		outcomes, err := q.Outcomes(ctx, ids)
		if err != nil {
			return err
		}
		old, err := q.Facts(ctx, ids)
		if err != nil {
			return err
		}
		deltas := map[repo.CubeKey]domain.Counts{}
		add := func(k repo.FactKey, cnt domain.Counts, sign int) {
			for _, cube := range repo.Cubes() {
				ck := cube.Key(k)
				d := deltas[ck]
				if sign > 0 {
					d.Add(cnt)
				} else {
					d = d.Sub(cnt)
				}
				deltas[ck] = d
			}
		}
		var changed []repo.FactRow
		for _, o := range outcomes {
			f := repo.FactRow{ItemID: o.ItemID, Key: o.Key(c.set.Location), Counts: domain.Count(o.Outcome())}
			prev, had := old[o.ItemID]
			if had && prev.Key == f.Key && prev.Counts == f.Counts {
				continue
			}
			if had {
				add(prev.Key, prev.Counts, -1)
			}
			add(f.Key, f.Counts, +1)
			changed = append(changed, f)
		}
		if err := q.SaveFacts(ctx, changed); err != nil {
			return err
		}
		return q.ApplyCubeDeltas(ctx, deltas)
	})
	return n, err
}

// StatsQuery is a request for figures (GET /stats and its relatives).
type StatsQuery struct {
	From, To string   // dates YYYY-MM-DD in the department's zone; To exclusive
	GroupBy  []string // unit, channel, kind, category, day, week, month, quarter, year
	UnitCode string
	Channel  string
	Kind     string
	Category string
	Compare  bool
}

// StatsRow is one group of figures with its group keys.
type StatsRow struct {
	Keys map[string]*string
	domain.Figures
}

// MarshalJSON writes the group keys beside the figures, in one object.
func (r StatsRow) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(r.Figures)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(r.Keys))
	for k := range r.Keys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]byte, 0, len(b)+32*len(keys))
	out = append(out, '{')
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(r.Keys[k])
		if err != nil {
			return nil, err
		}
		out = append(append(append(append(out, kb...), ':'), vb...), ',')
	}
	return append(out, b[1:]...), nil
}

// Comparison holds the totals of the periods compared with.
type Comparison struct {
	Previous PeriodTotal `json:"previous"`
	YearAgo  PeriodTotal `json:"year_ago"`
}

// PeriodTotal is a period's totals.
type PeriodTotal struct {
	From  string         `json:"from"`
	To    string         `json:"to"`
	Total domain.Figures `json:"total"`
}

// StatsResult is the answer of GET /stats.
type StatsResult struct {
	AsOf    time.Time      `json:"as_of"`
	From    string         `json:"from"`
	To      string         `json:"to"`
	GroupBy []string       `json:"group_by"`
	Rows    []StatsRow     `json:"rows"`
	Total   domain.Figures `json:"total"`
	// PendingChanges counts item changes not yet in the figures (seconds old).
	PendingChanges int64       `json:"pending_changes"`
	Compare        *Comparison `json:"compare,omitempty"`
}

// groupKeyName is the name of a group key in the rows.
func groupKeyName(g string) string {
	switch g {
	case "unit":
		return "unit_code"
	case "channel":
		return "channel"
	case "kind":
		return "kind"
	case "category":
		return "category_code"
	}
	return "period"
}

func isTimeGroup(g string) bool {
	switch g {
	case "day", "week", "month", "quarter", "year":
		return true
	}
	return false
}

// statsScope returns the units a viewer's figures are limited to (nil: all),
// or ErrForbidden.
func (c *Core) statsScope(ctx context.Context, v domain.Viewer) ([]string, error) {
	switch v.Role {
	case domain.RoleManager, domain.RoleAdmin:
		return nil, nil
	case domain.RoleUnitHead:
		units, err := c.store.Q().UnitSubtree(ctx, v.UnitCode)
		if err != nil {
			return nil, err
		}
		return units, nil
	}
	return nil, fmt.Errorf("statistics: %w", domain.ErrForbidden)
}

// parsedStats is a checked StatsQuery.
type parsedStats struct {
	from, to  time.Time
	dims      []string
	timeGroup string
	groupBy   []string
	units     []string
}

// parseStats checks a statistics query and scopes it to the units the viewer
// may see.
func (c *Core) parseStats(ctx context.Context, v domain.Viewer, in StatsQuery) (parsedStats, error) {
	var p parsedStats
	scope, err := c.statsScope(ctx, v)
	if err != nil {
		return p, err
	}
	var ve domain.ValidationError
	p.from, p.to = c.statsPeriod(in, &ve)
	p.timeGroup, p.dims, p.groupBy = statsGrouping(in.GroupBy, &ve)
	if in.Channel != "" && !domain.Channel(in.Channel).Valid() {
		ve.Add("channel", "unknown channel %q", in.Channel)
	}
	if in.Kind != "" && !domain.Kind(in.Kind).Valid() {
		ve.Add("kind", "unknown kind %q", in.Kind)
	}
	if err := ve.Err(); err != nil {
		return p, err
	}
	p.units, err = statsUnits(scope, in.UnitCode)
	return p, err
}

// statsPeriod is the query's [from, to): this year up to today unless given,
// at most 20 years long; problems are added to ve.
func (c *Core) statsPeriod(in StatsQuery, ve *domain.ValidationError) (from, to time.Time) {
	now := c.Now()
	from = time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	to = time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	if in.From != "" {
		t, err := time.Parse("2006-01-02", in.From)
		if err != nil {
			ve.Add("from", "a date YYYY-MM-DD")
		}
		from = t
	}
	if in.To != "" {
		t, err := time.Parse("2006-01-02", in.To)
		if err != nil {
			ve.Add("to", "a date YYYY-MM-DD (exclusive)")
		}
		to = t
	}
	for name, d := range map[string]time.Time{"from": from, "to": to} {
		if !domain.TimeInRange(d) && !(name == "to" && d.Equal(domain.LatestTime())) {
			ve.Add(name, "a date %s", domain.TimeRangeMessage)
		}
	}
	if !from.Before(to) {
		ve.Add("to", "must be after from")
	} else if to.Sub(from) > 21*366*24*time.Hour {
		ve.Add("to", "at most 20 years after from")
	}
	return from, to
}

// statsGrouping reads group_by: at most one time grouping and the cube
// dimensions asked for, each once; groupBy is the groupings in the order
// given (never nil). Problems are added to ve.
func statsGrouping(in []string, ve *domain.ValidationError) (timeGroup string, dims, groupBy []string) {
	seen := map[string]bool{}
	for _, g := range in {
		g = strings.TrimSpace(g)
		switch {
		case g == "":
			continue
		case seen[g]:
			ve.Add("group_by", "%s given twice", g)
		case isTimeGroup(g):
			if timeGroup != "" {
				ve.Add("group_by", "one time grouping at most (%s and %s)", timeGroup, g)
			}
			timeGroup = g
		case g == "unit" || g == "channel" || g == "kind" || g == "category":
			dims = append(dims, map[string]string{"unit": repo.DimUnit, "channel": repo.DimChannel,
				"kind": repo.DimKind, "category": repo.DimCategory}[g])
		default:
			ve.Add("group_by", "unknown grouping %q: unit, channel, kind, category, day, week, month, quarter or year", g)
		}
		seen[g] = true
		groupBy = append(groupBy, g)
	}
	if groupBy == nil {
		groupBy = []string{}
	}
	return timeGroup, dims, groupBy
}

// statsUnits narrows the viewer's scope (nil: all units) to the unit asked
// for, which must lie inside it.
func statsUnits(scope []string, unit string) ([]string, error) {
	if unit == "" {
		return scope, nil
	}
	if scope != nil && !slices.Contains(scope, unit) {
		return nil, fmt.Errorf("statistics of unit %s: %w", unit, domain.ErrForbidden)
	}
	return []string{unit}, nil
}

// pickCube chooses the smallest roll-up of the grain asked for (monthly or
// daily) that holds the dimensions needed; a monthly grain without a cube
// that holds them falls back to a daily one.
func pickCube(need []string, monthly bool) repo.Cube {
	best := repo.Cube{ID: -1}
	for _, cube := range repo.Cubes() {
		if cube.Monthly != monthly {
			continue
		}
		covers := true
		for _, d := range need {
			if !cube.Keeps(d) {
				covers = false
				break
			}
		}
		if covers && (best.ID < 0 || len(cube.Dims) < len(best.Dims)) {
			best = cube
		}
	}
	if best.ID < 0 && monthly {
		return pickCube(need, false)
	}
	return best
}

// monthStart is the first day of t's month.
func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// queryStats sums the roll-ups over [from, to). Whole months are read from a
// monthly cube and the days before and after them from a daily one, unless
// the grouping is by day or week; the parts are added up by group.
func (c *Core) queryStats(ctx context.Context, p parsedStats, in StatsQuery, from, to time.Time) ([]repo.CubeRow, error) {
	need := slices.Clone(p.dims)
	if p.units != nil {
		need = append(need, repo.DimUnit)
	}
	if in.Channel != "" {
		need = append(need, repo.DimChannel)
	}
	if in.Kind != "" {
		need = append(need, repo.DimKind)
	}
	if in.Category != "" {
		need = append(need, repo.DimCategory)
	}
	query := func(from, to time.Time, monthly bool) ([]repo.CubeRow, error) {
		return c.store.Q().QueryCube(ctx, repo.CubeQuery{Cube: pickCube(need, monthly), From: from, To: to,
			GroupDims: p.dims, TimeGroup: p.timeGroup, Units: p.units, Channel: in.Channel, Kind: in.Kind,
			Category: in.Category})
	}
	firstWhole := monthStart(from)
	if firstWhole.Before(from) {
		firstWhole = firstWhole.AddDate(0, 1, 0)
	}
	lastWhole := monthStart(to)
	if p.timeGroup == "day" || p.timeGroup == "week" || !firstWhole.Before(lastWhole) {
		return query(from, to, false)
	}
	type part struct {
		from, to time.Time
		monthly  bool
	}
	parts := []part{{firstWhole, lastWhole, true}}
	if from.Before(firstWhole) {
		parts = append(parts, part{from, firstWhole, false})
	}
	if lastWhole.Before(to) {
		parts = append(parts, part{lastWhole, to, false})
	}
	if len(parts) == 1 {
		return query(from, to, true)
	}
	sums := map[repo.CubeRow]domain.Counts{}
	for _, pt := range parts {
		rows, err := query(pt.from, pt.to, pt.monthly)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			counts := r.Counts
			r.Counts = domain.Counts{}
			sum := sums[r]
			sum.Add(counts)
			sums[r] = sum
		}
	}
	out := make([]repo.CubeRow, 0, len(sums))
	for key, counts := range sums {
		key.Counts = counts
		out = append(out, key)
	}
	slices.SortFunc(out, func(a, b repo.CubeRow) int {
		return strings.Compare(a.Period+"\x00"+a.Unit+"\x00"+a.Channel+"\x00"+a.Kind+"\x00"+a.Category,
			b.Period+"\x00"+b.Unit+"\x00"+b.Channel+"\x00"+b.Kind+"\x00"+b.Category)
	})
	return out, nil
}

func sumRows(rows []repo.CubeRow) domain.Counts {
	var total domain.Counts
	for _, r := range rows {
		total.Add(r.Counts)
	}
	return total
}

// Stats returns the figures of the items received in [from, to), grouped as
// asked.
func (c *Core) Stats(ctx context.Context, v domain.Viewer, in StatsQuery) (StatsResult, error) {
	p, err := c.parseStats(ctx, v, in)
	if err != nil {
		return StatsResult{}, err
	}
	asOf := c.Now()
	rows, err := c.queryStats(ctx, p, in, p.from, p.to)
	if err != nil {
		return StatsResult{}, err
	}
	pending, err := c.store.Q().CountDirty(ctx)
	if err != nil {
		return StatsResult{}, err
	}
	res := StatsResult{AsOf: asOf, From: p.from.Format("2006-01-02"), To: p.to.Format("2006-01-02"), GroupBy: p.groupBy,
		Rows: make([]StatsRow, 0, len(rows)), Total: sumRows(rows).Figures(), PendingChanges: pending}
	for _, r := range rows {
		res.Rows = append(res.Rows, StatsRow{Keys: rowKeys(p, r), Figures: r.Counts.Figures()})
	}
	if in.Compare {
		span := p.to.Sub(p.from)
		prevFrom, prevTo := p.from.Add(-span), p.from
		if p.from.Day() == 1 && p.to.Day() == 1 {
			// whole months: the same number of months before
			months := (p.to.Year()-p.from.Year())*12 + int(p.to.Month()-p.from.Month())
			prevFrom = p.from.AddDate(0, -months, 0)
		}
		yaFrom, yaTo := p.from.AddDate(-1, 0, 0), p.to.AddDate(-1, 0, 0)
		noGroup := p
		noGroup.dims, noGroup.timeGroup = nil, ""
		prev, err := c.queryStats(ctx, noGroup, in, prevFrom, prevTo)
		if err != nil {
			return StatsResult{}, err
		}
		ya, err := c.queryStats(ctx, noGroup, in, yaFrom, yaTo)
		if err != nil {
			return StatsResult{}, err
		}
		res.Compare = &Comparison{
			Previous: PeriodTotal{From: prevFrom.Format("2006-01-02"), To: prevTo.Format("2006-01-02"), Total: sumRows(prev).Figures()},
			YearAgo:  PeriodTotal{From: yaFrom.Format("2006-01-02"), To: yaTo.Format("2006-01-02"), Total: sumRows(ya).Figures()},
		}
	}
	return res, nil
}

func rowKeys(p parsedStats, r repo.CubeRow) map[string]*string {
	keys := map[string]*string{}
	for _, g := range p.groupBy {
		var v string
		switch g {
		case "unit":
			v = r.Unit
		case "channel":
			v = r.Channel
		case "kind":
			v = r.Kind
		case "category":
			v = r.Category
		default:
			v = r.Period
		}
		if v == "" {
			keys[groupKeyName(g)] = nil
		} else {
			keys[groupKeyName(g)] = ptr(v)
		}
	}
	return keys
}

// RankingEntry is one unit in a ranking.
type RankingEntry struct {
	Rank     int            `json:"rank,omitempty"`
	UnitCode string         `json:"unit_code"`
	UnitName string         `json:"unit_name"`
	Value    *float64       `json:"value"`
	Figures  domain.Figures `json:"figures"`
}

// Ranking is the answer of GET /stats/ranking.
type Ranking struct {
	AsOf     time.Time      `json:"as_of"`
	From     string         `json:"from"`
	To       string         `json:"to"`
	By       string         `json:"by"`
	MinItems int64          `json:"min_items"`
	Ranked   []RankingEntry `json:"ranked"`
	// BelowMinimum lists units with fewer dispatched items than min_items,
	// unranked: one quick reply should not top the table.
	BelowMinimum []RankingEntry `json:"below_minimum"`
}

// Rank ranks units by a rate over the items dispatched to them. Ties keep a
// stable order: more dispatched items first, then unit code.
func (c *Core) Rank(ctx context.Context, v domain.Viewer, in StatsQuery, by string, minItems int64) (Ranking, error) {
	if by == "" {
		by = "completion_rate"
	}
	if _, _, ok := (domain.Figures{}).RateOf(by); !ok {
		return Ranking{}, domain.ValidationError{{Field: "by", Message: "one of " + strings.Join(domain.RankingMetrics(), ", ")}}
	}
	if minItems < 0 {
		return Ranking{}, domain.ValidationError{{Field: "min_items", Message: "zero or more"}}
	}
	in.GroupBy = []string{"unit"}
	res, err := c.Stats(ctx, v, in)
	if err != nil {
		return Ranking{}, err
	}
	units, err := c.store.Q().ListUnits(ctx)
	if err != nil {
		return Ranking{}, err
	}
	names := map[string]string{}
	for _, u := range units {
		names[u.Code] = u.Name
	}
	out := Ranking{AsOf: res.AsOf, From: res.From, To: res.To, By: by, MinItems: minItems,
		Ranked: []RankingEntry{}, BelowMinimum: []RankingEntry{}}
	lower := false
	for _, r := range res.Rows {
		code := r.Keys["unit_code"]
		if code == nil {
			continue // never dispatched: no unit to rank
		}
		val, lowerIsBetter, _ := r.Figures.RateOf(by)
		lower = lowerIsBetter
		e := RankingEntry{UnitCode: *code, UnitName: names[*code], Value: val, Figures: r.Figures}
		if r.Dispatched < minItems || val == nil {
			out.BelowMinimum = append(out.BelowMinimum, e)
		} else {
			out.Ranked = append(out.Ranked, e)
		}
	}
	sort.SliceStable(out.Ranked, func(i, j int) bool {
		a, b := out.Ranked[i], out.Ranked[j]
		if *a.Value != *b.Value {
			if lower {
				return *a.Value < *b.Value
			}
			return *a.Value > *b.Value
		}
		if a.Figures.Dispatched != b.Figures.Dispatched {
			return a.Figures.Dispatched > b.Figures.Dispatched
		}
		return a.UnitCode < b.UnitCode
	})
	for i := range out.Ranked {
		// equal values share a rank (1, 2, 2, 4)
		if i > 0 && *out.Ranked[i].Value == *out.Ranked[i-1].Value {
			out.Ranked[i].Rank = out.Ranked[i-1].Rank
		} else {
			out.Ranked[i].Rank = i + 1
		}
	}
	sort.SliceStable(out.BelowMinimum, func(i, j int) bool { return out.BelowMinimum[i].UnitCode < out.BelowMinimum[j].UnitCode })
	return out, nil
}

// TrendPoint is one period of a time series.
type TrendPoint struct {
	Period string `json:"period"`
	domain.Figures
}

// Trend is the answer of GET /stats/trend.
type Trend struct {
	AsOf     time.Time    `json:"as_of"`
	From     string       `json:"from"`
	To       string       `json:"to"`
	Interval string       `json:"interval"`
	Points   []TrendPoint `json:"points"`
}

// Trend returns the figures per period, every period of the range present
// (zero when nothing was received).
func (c *Core) Trend(ctx context.Context, v domain.Viewer, in StatsQuery, interval string) (Trend, error) {
	if interval == "" {
		interval = "month"
	}
	if !isTimeGroup(interval) {
		return Trend{}, domain.ValidationError{{Field: "interval", Message: "day, week, month, quarter or year"}}
	}
	in.GroupBy = []string{interval}
	res, err := c.Stats(ctx, v, in)
	if err != nil {
		return Trend{}, err
	}
	from, _ := time.Parse("2006-01-02", res.From)
	to, _ := time.Parse("2006-01-02", res.To)
	if interval == "day" && to.Sub(from) > 3*366*24*time.Hour {
		return Trend{}, domain.ValidationError{{Field: "interval", Message: "at most 3 years of days; use week or month"}}
	}
	byPeriod := map[string]domain.Figures{}
	for _, r := range res.Rows {
		byPeriod[*r.Keys["period"]] = r.Figures
	}
	out := Trend{AsOf: res.AsOf, From: res.From, To: res.To, Interval: interval, Points: []TrendPoint{}}
	for _, label := range PeriodLabels(from, to, interval) {
		f, ok := byPeriod[label]
		if !ok {
			f = domain.Counts{}.Figures()
		}
		out.Points = append(out.Points, TrendPoint{Period: label, Figures: f})
	}
	return out, nil
}

// PeriodLabels lists the labels of every period touching [from, to), as the
// statistics name them (2026-11-22, 2026-W47, 2026-11, 2026-Q4, 2026).
func PeriodLabels(from, to time.Time, interval string) []string {
	var out []string
	seen := map[string]bool{}
	for d := from; d.Before(to); {
		var label string
		next := d.AddDate(0, 0, 1)
		switch interval {
		case "day":
			label = d.Format("2006-01-02")
		case "week":
			y, w := d.ISOWeek()
			label = fmt.Sprintf("%04d-W%02d", y, w)
			next = d.AddDate(0, 0, 7-((int(d.Weekday())+6)%7))
		case "month":
			label = d.Format("2006-01")
			next = time.Date(d.Year(), d.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		case "quarter":
			label = fmt.Sprintf("%04d-Q%d", d.Year(), (int(d.Month())-1)/3+1)
			next = time.Date(d.Year(), time.Month((int(d.Month())-1)/3*3+4), 1, 0, 0, 0, 0, time.UTC)
		case "year":
			label = fmt.Sprintf("%04d", d.Year())
			next = time.Date(d.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		if !seen[label] {
			out = append(out, label)
			seen[label] = true
		}
		d = next
	}
	return out
}
