package core

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// RollupStats brings the statistics roll-ups up to date with every item that
// changed since the last run: it recomputes each changed item's contribution
// (domain.Count), and adds the difference to every cube. It returns how many
// items it processed. Only one process rolls up at a time.
//
// It stops at the first batch that does not fill up rather than when no mark
// is left: under steady intake marks keep arriving, and a loop chasing them
// rolled up a few dozen items at a time, each batch paying its statements
// again. What arrives meanwhile waits for the next run (a second later),
// and statistics fold it in until then.
func (c *Core) RollupStats(ctx context.Context) (int, error) {
	const limit = 1000
	total := 0
	for {
		n, marks, err := c.rollupBatch(ctx, limit)
		total += n
		if err != nil || marks < limit {
			return total, err
		}
	}
}

// rollupBatch rolls up the items of up to limit change marks and returns
// how many items and marks it took.
func (c *Core) rollupBatch(ctx context.Context, limit int) (n, marks int, err error) {
	err = c.store.Tx(ctx, func(q *repo.Q) error {
		if ok, err := q.TryXactLock(ctx, "stats_rollup"); err != nil || !ok {
			return err
		}
		ids, claimed, err := q.ClaimDirty(ctx, limit)
		if err != nil || len(ids) == 0 {
			return err
		}
		n, marks = len(ids), claimed
		outcomes, err := q.Outcomes(ctx, ids)
		if err != nil {
			return err
		}
		old, err := q.Facts(ctx, ids)
		if err != nil {
			return err
		}
		changes := c.factChanges(outcomes, old)
		horizons, err := cumHorizons(ctx, q, changes)
		if err != nil {
			return err
		}
		deltas := map[repo.CubeKey]domain.Counts{}
		add := func(k repo.CubeKey, delta domain.Counts) {
			d := deltas[k]
			d.Add(delta)
			deltas[k] = d
		}
		changed := make([]repo.FactRow, 0, len(changes))
		for _, ch := range changes {
			for _, cube := range repo.Cubes() {
				add(cube.Key(ch.Key), ch.Delta)
			}
			for _, cube := range repo.CumCubes() {
				for _, k := range cube.CumKeys(ch.Key, horizons[cube.ID]) {
					add(k, ch.Delta)
				}
			}
			if ch.Now != nil {
				changed = append(changed, *ch.Now)
			}
		}
		if err := q.SaveFacts(ctx, changed); err != nil {
			return err
		}
		return q.ApplyCubeDeltas(ctx, deltas)
	})
	return n, marks, err
}

// cumHorizons reads the horizon of every cumulative cube and moves it past
// the days of the changes where they lie beyond it, so that every row that
// counts a change is one up to the horizon.
func cumHorizons(ctx context.Context, q *repo.Q, changes []factChange) (map[int]time.Time, error) {
	var latest time.Time
	for _, ch := range changes {
		if p := repo.MonthStart(ch.Key.Day).AddDate(0, 1, 0); p.After(latest) {
			latest = p
		}
	}
	out, err := q.CumHorizons(ctx, repo.CumCubes())
	if err != nil || latest.IsZero() {
		return out, err
	}
	for _, cube := range repo.CumCubes() {
		h, ok := out[cube.ID]
		if ok && latest.After(h) {
			if err := q.ExtendCum(ctx, cube, h, latest); err != nil {
				return nil, err
			}
		}
		if !ok || latest.After(h) {
			out[cube.ID] = latest
		}
	}
	return out, nil
}

// factChange is a difference an item's change makes to the figures: Delta
// added at Key. One item whose key changed gives two: its old contribution
// taken away, its new one added. Now is the item's new fact row, on the
// change that adds it.
type factChange struct {
	Key   repo.FactKey
	Delta domain.Counts
	Now   *repo.FactRow
}

// factChanges compares items' current outcomes with their stored facts and
// returns the differences; unchanged items give none. The roll-up applies
// them to the cubes, and a statistics query adds them to what it read from
// the cubes, so both count an item the same way.
func (c *Core) factChanges(outcomes []repo.OutcomeRow, old map[int64]repo.FactRow) []factChange {
	out := make([]factChange, 0, len(outcomes))
	for _, o := range outcomes {
		f := repo.FactRow{ItemID: o.ItemID, Key: o.Key(c.set.Location), Counts: domain.Count(o.Outcome())}
		prev, had := old[o.ItemID]
		if had && prev.Key == f.Key && prev.Counts == f.Counts {
			continue
		}
		if had && prev.Key == f.Key {
			out = append(out, factChange{Key: f.Key, Delta: f.Counts.Sub(prev.Counts), Now: &f})
			continue
		}
		if had {
			out = append(out, factChange{Key: prev.Key, Delta: domain.Counts{}.Sub(prev.Counts)})
		}
		out = append(out, factChange{Key: f.Key, Delta: f.Counts, Now: &f})
	}
	return out
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
	return r.appendJSON(nil), nil
}

// appendJSON appends the row as one object: its group keys in name order,
// then the figures. No reflection: an answer can have thousands of rows.
func (r StatsRow) appendJSON(b []byte) []byte {
	keys := make([]string, 0, 8)
	for k := range r.Keys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for _, k := range keys {
		b = append(domain.AppendJSONString(b, k), ':')
		if v := r.Keys[k]; v == nil {
			b = append(b, "null"...)
		} else {
			b = domain.AppendJSONString(b, *v)
		}
		b = append(b, ',')
	}
	return append(r.Figures.AppendJSON(b), '}')
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
	// PendingChanges counts item changes committed before as_of and missing
	// from the figures: always 0, since the changes not yet rolled up are
	// read from the raw rows in the same snapshot and folded in.
	PendingChanges int64 `json:"pending_changes"`
	// FoldedChanges counts the items whose changes were not yet rolled up
	// and were folded in from the raw rows.
	FoldedChanges int64       `json:"folded_changes"`
	Compare       *Comparison `json:"compare,omitempty"`
}

// MarshalJSON writes the answer without reflection for its rows.
func (r StatsResult) MarshalJSON() ([]byte, error) {
	return r.AppendJSON(make([]byte, 0, 512+480*len(r.Rows)))
}

// AppendJSON appends the answer as encoding/json would write it, the rows
// and totals without reflection (the handler writes this directly).
func (r StatsResult) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"as_of":`...)
	b = append(r.AsOf.AppendFormat(append(b, '"'), time.RFC3339Nano), '"')
	b = domain.AppendJSONString(append(b, `,"from":`...), r.From)
	b = domain.AppendJSONString(append(b, `,"to":`...), r.To)
	b = append(b, `,"group_by":`...)
	if r.GroupBy == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, g := range r.GroupBy {
			if i > 0 {
				b = append(b, ',')
			}
			b = domain.AppendJSONString(b, g)
		}
		b = append(b, ']')
	}
	b = append(b, `,"rows":`...)
	if r.Rows == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, row := range r.Rows {
			if i > 0 {
				b = append(b, ',')
			}
			b = row.appendJSON(b)
		}
		b = append(b, ']')
	}
	b = append(r.Total.AppendJSON(append(b, `,"total":{`...)), '}')
	b = strconv.AppendInt(append(b, `,"pending_changes":`...), r.PendingChanges, 10)
	b = strconv.AppendInt(append(b, `,"folded_changes":`...), r.FoldedChanges, 10)
	if r.Compare != nil {
		cmp, err := json.Marshal(r.Compare)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `,"compare":`...), cmp...)
	}
	return append(b, '}'), nil
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

// queryStats sums the roll-ups over [from, to) as planned by planStats and
// adds the changes not yet rolled up (pending, read in the same snapshot as
// q). Groups whose figures are all zero are left out.
func (c *Core) queryStats(ctx context.Context, q *repo.Q, pending []factChange, p parsedStats, in StatsQuery,
	from, to time.Time) ([]repo.CubeRow, error) {
	base := repo.CubeQuery{GroupDims: p.dims, TimeGroup: p.timeGroup, Units: p.units, Channel: in.Channel, Kind: in.Kind,
		Category: in.Category}
	plan, err := c.planStats(ctx, q, statsNeed(p, in), base, from, to)
	if err != nil {
		return nil, err
	}
	folded := foldable(pending, p, in, from, to)
	if plan.cum != nil {
		rows, err := q.QueryCum(ctx, *plan.cum)
		if err != nil {
			return nil, err
		}
		return foldInto(rows, folded), nil
	}
	if len(plan.parts) == 1 && plan.parts[0].sign > 0 && len(folded) == 0 {
		rows, err := q.QueryCube(ctx, plan.parts[0].query)
		if err != nil {
			return nil, err
		}
		repo.SortCubeRows(rows)
		return dropZero(rows), nil
	}
	sums := make(groupSums, 1024)
	for _, pt := range plan.parts {
		rows, err := q.QueryCube(ctx, pt.query)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			sums.add(r, pt.sign)
		}
	}
	for _, r := range folded {
		sums.add(r, 1)
	}
	return sums.rows(), nil
}

// foldInto adds the folded changes to rows that hold one row per group (a
// cumulative read): each change finds its group by binary search, a change
// of a group not among the rows becomes a row of its own. It returns the
// groups not all zero, in key order.
func foldInto(rows, folded []repo.CubeRow) []repo.CubeRow {
	repo.SortCubeRows(rows)
	extra := groupSums{}
	for _, f := range folded {
		if i, found := slices.BinarySearchFunc(rows, f, repo.CompareCubeRows); found {
			rows[i].Counts.Add(f.Counts)
		} else {
			extra.add(f, 1)
		}
	}
	if len(extra) > 0 {
		rows = append(rows, extra.rows()...)
		repo.SortCubeRows(rows)
	}
	return dropZero(rows)
}

// statsNeed lists the dimensions a roll-up must keep to answer p: those
// grouped by and those filtered on.
func statsNeed(p parsedStats, in StatsQuery) []string {
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
	return need
}

// groupKey names a group of an answer: its period label and dimensions.
type groupKey struct {
	period, unit, channel, kind, category string
}

// groupSums adds up result rows by group.
type groupSums map[groupKey]*domain.Counts

func (s groupSums) add(r repo.CubeRow, sign int64) {
	k := groupKey{r.Period, r.Unit, r.Channel, r.Kind, r.Category}
	sum := s[k]
	if sum == nil {
		sum = &domain.Counts{}
		s[k] = sum
	}
	if sign < 0 {
		*sum = sum.Sub(r.Counts)
	} else {
		sum.Add(r.Counts)
	}
}

// rows are the groups whose figures are not all zero, in key order.
func (s groupSums) rows() []repo.CubeRow {
	out := make([]repo.CubeRow, 0, len(s))
	for k, counts := range s {
		if !counts.IsZero() {
			out = append(out, repo.CubeRow{Period: k.period, Unit: k.unit, Channel: k.channel, Kind: k.kind,
				Category: k.category, Counts: *counts})
		}
	}
	repo.SortCubeRows(out)
	return out
}

// dropZero leaves out the rows whose figures are all zero (a roll-up row
// emptied by items that moved away).
func dropZero(rows []repo.CubeRow) []repo.CubeRow {
	return slices.DeleteFunc(rows, func(r repo.CubeRow) bool { return r.Counts.IsZero() })
}

// foldable turns the pending changes that fall in [from, to) and pass the
// query's filters into result rows of its grouping, as QueryCube would have
// returned them had they been rolled up.
func foldable(pending []factChange, p parsedStats, in StatsQuery, from, to time.Time) []repo.CubeRow {
	var out []repo.CubeRow
	for _, ch := range pending {
		k := ch.Key
		if ch.Delta.IsZero() || k.Day.Before(from) || !k.Day.Before(to) {
			continue
		}
		if (p.units != nil && !slices.Contains(p.units, k.Unit)) || (in.Channel != "" && k.Channel != in.Channel) ||
			(in.Kind != "" && k.Kind != in.Kind) || (in.Category != "" && k.Category != in.Category) {
			continue
		}
		r := repo.CubeRow{Counts: ch.Delta}
		if p.timeGroup != "" {
			r.Period = periodLabel(k.Day, p.timeGroup)
		}
		for _, d := range p.dims {
			switch d {
			case repo.DimUnit:
				r.Unit = k.Unit
			case repo.DimChannel:
				r.Channel = k.Channel
			case repo.DimKind:
				r.Kind = k.Kind
			case repo.DimCategory:
				r.Category = k.Category
			}
		}
		out = append(out, r)
	}
	return out
}

// pendingChanges reads the changes committed but not yet rolled up, in q's
// snapshot.
func (c *Core) pendingChanges(ctx context.Context, q *repo.Q) ([]factChange, error) {
	outcomes, old, err := q.PendingOutcomes(ctx)
	if err != nil {
		return nil, err
	}
	return c.factChanges(outcomes, old), nil
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
	// The snapshot begins after as_of: everything committed before it is
	// counted, from the roll-ups or, not yet rolled up, from the raw rows.
	asOf := c.Now()
	var res StatsResult
	err = c.store.ReadTx(ctx, func(q *repo.Q) error {
		if err := q.PrepareStatsRead(ctx); err != nil {
			return err
		}
		pending, err := c.pendingChanges(ctx, q)
		if err != nil {
			return err
		}
		res, err = c.statsIn(ctx, q, pending, p, in)
		res.AsOf, res.FoldedChanges = asOf, int64(len(pending))
		return err
	})
	return res, err
}

// statsIn answers a parsed statistics query from one snapshot.
func (c *Core) statsIn(ctx context.Context, q *repo.Q, pending []factChange, p parsedStats, in StatsQuery) (StatsResult, error) {
	rows, err := c.queryStats(ctx, q, pending, p, in, p.from, p.to)
	if err != nil {
		return StatsResult{}, err
	}
	res := StatsResult{From: p.from.Format("2006-01-02"), To: p.to.Format("2006-01-02"), GroupBy: p.groupBy,
		Rows: make([]StatsRow, 0, len(rows)), Total: sumRows(rows).Figures()}
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
		prev, err := c.queryStats(ctx, q, pending, noGroup, in, prevFrom, prevTo)
		if err != nil {
			return StatsResult{}, err
		}
		ya, err := c.queryStats(ctx, q, pending, noGroup, in, yaFrom, yaTo)
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
	for d := from; d.Before(to); d = nextPeriod(d, interval) {
		label := periodLabel(d, interval)
		if !seen[label] {
			out = append(out, label)
			seen[label] = true
		}
	}
	return out
}

// nextPeriod is the first day of the period of a time grouping after the
// one day d falls in.
func nextPeriod(d time.Time, interval string) time.Time {
	switch interval {
	case "week":
		return d.AddDate(0, 0, 7-((int(d.Weekday())+6)%7))
	case "month":
		return time.Date(d.Year(), d.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	case "quarter":
		return time.Date(d.Year(), time.Month((int(d.Month())-1)/3*3+4), 1, 0, 0, 0, 0, time.UTC)
	case "year":
		return time.Date(d.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return d.AddDate(0, 0, 1)
}

// periodLabel names the period of a time grouping that day d falls in, as
// the roll-up queries name it (repo's periodExpr).
func periodLabel(d time.Time, interval string) string {
	switch interval {
	case "day":
		return d.Format("2006-01-02")
	case "week":
		y, w := d.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case "month":
		return d.Format("2006-01")
	case "quarter":
		return fmt.Sprintf("%04d-Q%d", d.Year(), (int(d.Month())-1)/3+1)
	case "year":
		return fmt.Sprintf("%04d", d.Year())
	}
	return ""
}
