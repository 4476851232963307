package handlers_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hotline/testenv"
)

type figures struct {
	UnitCode         *string  `json:"unit_code"`
	Channel          *string  `json:"channel"`
	Period           *string  `json:"period"`
	Received         int64    `json:"received"`
	Answered         int64    `json:"answered"`
	Dispatched       int64    `json:"dispatched"`
	Completed        int64    `json:"completed"`
	CompletedOnTime  int64    `json:"completed_on_time"`
	AcceptedOnTime   int64    `json:"accepted_on_time"`
	Replied          int64    `json:"replied"`
	Rated            int64    `json:"rated"`
	Satisfied        int64    `json:"satisfied"`
	Basically        int64    `json:"basically_satisfied"`
	Dissatisfied     int64    `json:"dissatisfied"`
	FiveStar         int64    `json:"five_star"`
	Resolved         int64    `json:"resolved"`
	Overdue          int64    `json:"overdue"`
	CompletionRate   *float64 `json:"completion_rate"`
	OnTimeRate       *float64 `json:"on_time_rate"`
	ResponseRate     *float64 `json:"response_rate"`
	ReplyRate        *float64 `json:"reply_rate"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
	GoodRate         *float64 `json:"good_rate"`
	ResolutionRate   *float64 `json:"resolution_rate"`
	AvgHandleHours   *float64 `json:"avg_handle_hours"`
}

type statsResult struct {
	AsOf           time.Time `json:"as_of"`
	Rows           []figures `json:"rows"`
	Total          figures   `json:"total"`
	PendingChanges int64     `json:"pending_changes"`
	FoldedChanges  int64     `json:"folded_changes"`
	Compare        *struct {
		Previous struct {
			Total figures `json:"total"`
		} `json:"previous"`
		YearAgo struct {
			Total figures `json:"total"`
		} `json:"year_ago"`
	} `json:"compare"`
}

// workload builds a day of items with outcomes worked out by hand (see
// TestStatisticsOfAMixedWorkload) and waits until the figures include them.
func workload(t *testing.T) (*testenv.Server, map[string]string) {
	t.Helper()
	s, op := setup(t, testenv.Options{})
	tok := map[string]string{"operator": op, "manager": s.User(t, "manager", ""), "taxi_head": s.User(t, "unit_head", "TAXI"),
		"taxi": s.User(t, "unit_staff", "TAXI"), "bus": s.User(t, "unit_staff", "BUS")}
	visit := func(id int64, sat string, stars int, resolved bool) {
		post(t, s, 201, op, itemPath(id, "/visits"), map[string]any{"method": "call", "satisfaction": sat, "stars": stars, "resolved": resolved})
	}
	a := call(t, s, op, map[string]any{"caller_phone": "13800000001", "kind": "complaint", "content": "出租车拒载 A"})
	b := call(t, s, op, map[string]any{"caller_phone": "13800000002", "kind": "complaint", "content": "出租车绕路 B"})
	c := call(t, s, op, map[string]any{"caller_phone": "13800000003", "kind": "complaint", "content": "出租车不打表 C"})
	d := call(t, s, op, map[string]any{"caller_phone": "13800000004", "kind": "consultation", "content": "公交线路 D"})
	e := call(t, s, op, map[string]any{"caller_phone": "13800000005", "kind": "consultation", "content": "起步价 E", "answered_on_call": true, "answer": "13元"})
	f := call(t, s, op, map[string]any{"caller_phone": "13800000006", "kind": "help", "content": "无规则 F"})
	g := call(t, s, op, map[string]any{"caller_phone": "13800000007", "kind": "complaint", "content": "出租车不打表 G(重复)"})
	h := platformItem(t, s, "STATS-H", "出租车投诉 H", time.Now().Add(2*time.Second))
	for _, id := range []int64{a.ID, b.ID, c.ID, g.ID, h} {
		waitStatus(t, s, op, id, "dispatched")
	}
	waitStatus(t, s, op, d.ID, "dispatched")
	waitStatus(t, s, op, f.ID, "pending_dispatch")
	answer(t, s, tok["taxi"], a.ID, "已处理 A")
	visit(a.ID, "satisfied", 5, true)
	answer(t, s, tok["taxi"], b.ID, "已处理 B")
	visit(b.ID, "dissatisfied", 2, false)
	answer(t, s, tok["bus"], d.ID, "已答复 D")
	visit(e.ID, "basically_satisfied", 4, true)
	post(t, s, 200, op, itemPath(g.ID, "/merge"), map[string]any{"into_id": c.ID})
	testenv.Eventually(t, 15*time.Second, "H to turn overdue", func() bool { return getItem(t, s, op, h).Overdue })
	testenv.Eventually(t, 15*time.Second, "the figures to catch up", func() bool {
		var res statsResult
		s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats", Token: tok["manager"]}).Decode(t, &res)
		return res.PendingChanges == 0 && res.Total.Overdue == 1 && res.Total.Rated == 3
	})
	return s, tok
}

func today() (string, string) {
	now := time.Now().In(shanghai())
	return now.Format("2006-01-02"), now.AddDate(0, 0, 1).Format("2006-01-02")
}

func rate(t *testing.T, name string, got *float64, want float64) {
	t.Helper()
	if got == nil || *got != want {
		t.Errorf("%s = %v, want %v", name, fmtRate(got), want)
	}
}

func fmtRate(r *float64) string {
	if r == nil {
		return "null"
	}
	return fmt.Sprint(*r)
}

func TestStatisticsOfAMixedWorkload(t *testing.T) {
	t.Parallel()
	s, tok := workload(t)
	from, to := today()
	q := "?from=" + from + "&to=" + to
	var res statsResult
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats" + q, Token: tok["manager"]}).Decode(t, &res)
	tot := res.Total
	// A, B, C, D, E, F, H received (G merged into C counts once); E answered on
	// the call; A, B, C, D, H dispatched; A, B, D completed on time and signed
	// for in time; A, B, D, E replied; A (5★ solved), B (2★ unsolved), E (4★
	// solved) rated; H overdue.
	want := figures{Received: 7, Answered: 1, Dispatched: 5, Completed: 3, CompletedOnTime: 3, AcceptedOnTime: 3,
		Replied: 4, Rated: 3, Satisfied: 1, Basically: 1, Dissatisfied: 1, FiveStar: 1, Resolved: 2, Overdue: 1}
	got := tot
	got.CompletionRate, got.OnTimeRate, got.ResponseRate, got.ReplyRate = nil, nil, nil, nil
	got.SatisfactionRate, got.GoodRate, got.ResolutionRate, got.AvgHandleHours = nil, nil, nil, nil
	if got != want {
		t.Errorf("totals\n got %+v\nwant %+v", got, want)
	}
	rate(t, "completion_rate", tot.CompletionRate, 0.6)
	rate(t, "on_time_rate", tot.OnTimeRate, 0.6)
	rate(t, "response_rate", tot.ResponseRate, 0.6)
	rate(t, "reply_rate", tot.ReplyRate, 0.5714)
	rate(t, "satisfaction_rate", tot.SatisfactionRate, 0.6667)
	rate(t, "good_rate", tot.GoodRate, 0.3333)
	rate(t, "resolution_rate", tot.ResolutionRate, 0.6667)
	if tot.AvgHandleHours == nil || *tot.AvgHandleHours < 0 {
		t.Errorf("avg_handle_hours %v", fmtRate(tot.AvgHandleHours))
	}
	// by unit: TAXI has A, B, C, H; BUS has D; E and F have no unit
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats" + q + "&group_by=unit,channel", Token: tok["manager"]}).Decode(t, &res)
	byKey := map[string]figures{}
	for _, r := range res.Rows {
		u := "-"
		if r.UnitCode != nil {
			u = *r.UnitCode
		}
		byKey[u+"/"+*r.Channel] = r
	}
	for key, n := range map[string]int64{"TAXI/hotline": 3, "TAXI/platform": 1, "BUS/hotline": 1, "-/hotline": 2} {
		if byKey[key].Received != n {
			t.Errorf("%s received %d, want %d (rows %v)", key, byKey[key].Received, n, byKey)
		}
	}
	rate(t, "TAXI/hotline completion_rate", byKey["TAXI/hotline"].CompletionRate, 0.6667)
	if r := byKey["-/hotline"].CompletionRate; r != nil {
		t.Errorf("undispatched items have a completion rate %v: the denominator is 0", *r)
	}
	// periods: the day, its ISO week, month, quarter and year
	now := time.Now().In(shanghai())
	y, w := now.ISOWeek()
	for group, label := range map[string]string{"day": from, "week": fmt.Sprintf("%d-W%02d", y, w), "month": now.Format("2006-01"),
		"quarter": fmt.Sprintf("%d-Q%d", now.Year(), (int(now.Month())-1)/3+1), "year": now.Format("2006")} {
		s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats?group_by=" + group, Token: tok["manager"]}).Decode(t, &res)
		if len(res.Rows) != 1 || res.Rows[0].Period == nil || *res.Rows[0].Period != label || res.Rows[0].Received != 7 {
			t.Errorf("group_by=%s: %+v", group, res.Rows)
		}
	}
	// compare: nothing before
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats" + q + "&compare=true", Token: tok["manager"]}).Decode(t, &res)
	if res.Compare == nil || res.Compare.Previous.Total.Received != 0 || res.Compare.YearAgo.Total.Received != 0 {
		t.Errorf("compare %+v", res.Compare)
	}
	// scoping: a unit head sees their unit; others none
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats" + q, Token: tok["taxi_head"]}).Decode(t, &res)
	if res.Total.Received != 4 {
		t.Errorf("TAXI head sees %d items", res.Total.Received)
	}
	s.Expect(t, 403, testenv.Req{Method: "GET", Path: "/api/v1/stats?unit_code=BUS", Token: tok["taxi_head"]})
	s.Expect(t, 403, testenv.Req{Method: "GET", Path: "/api/v1/stats", Token: tok["operator"]})
	s.Expect(t, 403, testenv.Req{Method: "GET", Path: "/api/v1/stats", Token: tok["taxi"]})
	r := s.Expect(t, 422, testenv.Req{Method: "GET", Path: "/api/v1/stats?group_by=colour", Token: tok["manager"]})
	expectProblemField(t, r, "group_by")
	r = s.Expect(t, 422, testenv.Req{Method: "GET", Path: "/api/v1/stats?from=2026-13-01", Token: tok["manager"]})
	expectProblemField(t, r, "from")

	// ranking: BUS 1/1 completed ranks above TAXI 2/4; with min_items=2 BUS is set apart
	var rank struct {
		Ranked []struct {
			Rank     int      `json:"rank"`
			UnitCode string   `json:"unit_code"`
			Value    *float64 `json:"value"`
		} `json:"ranked"`
		BelowMinimum []struct {
			UnitCode string `json:"unit_code"`
		} `json:"below_minimum"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats/ranking" + q + "&by=completion_rate&min_items=1", Token: tok["manager"]}).Decode(t, &rank)
	if len(rank.Ranked) != 2 || rank.Ranked[0].UnitCode != "BUS" || rank.Ranked[1].UnitCode != "TAXI" || *rank.Ranked[1].Value != 0.5 {
		t.Errorf("ranking %+v", rank)
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats/ranking" + q + "&by=completion_rate&min_items=2", Token: tok["manager"]}).Decode(t, &rank)
	if len(rank.Ranked) != 1 || rank.Ranked[0].UnitCode != "TAXI" || len(rank.BelowMinimum) != 1 || rank.BelowMinimum[0].UnitCode != "BUS" {
		t.Errorf("ranking with a minimum %+v", rank)
	}
	r = s.Expect(t, 422, testenv.Req{Method: "GET", Path: "/api/v1/stats/ranking?by=popularity", Token: tok["manager"]})
	expectProblemField(t, r, "by")
	// trend: every day of the range, zeros included
	var trend struct {
		Points []struct {
			Period   string `json:"period"`
			Received int64  `json:"received"`
		} `json:"points"`
	}
	weekAgo := now.AddDate(0, 0, -6).Format("2006-01-02")
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats/trend?interval=day&from=" + weekAgo + "&to=" + to, Token: tok["manager"]}).Decode(t, &trend)
	if len(trend.Points) != 7 || trend.Points[6].Period != from || trend.Points[6].Received != 7 || trend.Points[0].Received != 0 {
		t.Errorf("trend %+v", trend.Points)
	}
	// the annual report's figures and sentences
	var annual struct {
		Channels []struct {
			Channel  *string `json:"channel"`
			Received int64   `json:"received"`
		} `json:"channels"`
		Total struct {
			Received   int64 `json:"received"`
			Dispatched int64 `json:"dispatched"`
		} `json:"total"`
		Text string `json:"text"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: fmt.Sprintf("/api/v1/reports/annual?year=%d", now.Year()), Token: tok["manager"]}).Decode(t, &annual)
	if annual.Total.Received != 7 || annual.Total.Dispatched != 5 || len(annual.Channels) != 4 {
		t.Errorf("annual %+v", annual)
	}
	for _, want := range []string{fmt.Sprintf("%d年", now.Year()), "受理", "7件", "办结3件", "办结率60.00%"} {
		if !strings.Contains(annual.Text, want) {
			t.Errorf("annual text lacks %q: %s", want, annual.Text)
		}
	}
}

func TestStatisticsExports(t *testing.T) {
	t.Parallel()
	s, tok := workload(t)
	from, to := today()
	q := "?from=" + from + "&to=" + to + "&group_by=unit"
	r := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats/export" + q + "&format=csv", Token: tok["manager"]})
	if !bytes.HasPrefix(r.Body, []byte("\xEF\xBB\xBF")) {
		t.Fatal("CSV without a UTF-8 BOM")
	}
	if !strings.Contains(r.Header.Get("Content-Disposition"), ".csv") {
		t.Errorf("disposition %q", r.Header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Join(rows[0], ",")
	for _, h := range []string{"承办单位", "受理量", "交办量", "办结量", "办结率", "满意率", "好评率"} {
		if !strings.Contains(header, h) {
			t.Errorf("CSV header lacks %s: %s", h, header)
		}
	}
	last := rows[len(rows)-1]
	if last[0] != "合计" || last[indexOf(rows[0], "受理量")] != "7" || last[indexOf(rows[0], "办结率")] != "60.00%" {
		t.Errorf("totals row %v", last)
	}
	r = s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats/export" + q + "&format=xlsx", Token: tok["manager"]})
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	sheet := f.GetSheetList()[0]
	xrows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if indexOf(xrows[0], "受理量") < 0 || indexOf(xrows[0], "办结率") < 0 {
		t.Errorf("XLSX header %v", xrows[0])
	}
	lastX := xrows[len(xrows)-1]
	if lastX[0] != "合计" || lastX[indexOf(xrows[0], "办结率")] != "60.00%" {
		t.Errorf("XLSX totals %v", lastX)
	}
	s.Expect(t, 400, testenv.Req{Method: "GET", Path: "/api/v1/stats/export?format=pdf", Token: tok["manager"]})
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// TestStatsVerifyAfterMixedWorkload runs `hotline stats verify` on the
// workload's database: the roll-ups equal a recount. It then damages a
// roll-up row, monthly and then cumulative, and checks that verify catches
// it and a rebuild repairs it.
func TestStatsVerifyAfterMixedWorkload(t *testing.T) {
	t.Parallel()
	s, _ := workload(t)
	bin := testenv.Binary(t)
	run := func() (string, error) {
		cmd := exec.CommandContext(context.Background(), bin, "stats", "verify")
		cmd.Env = s.Environ()
		out, err := cmd.Output()
		return string(out), err
	}
	out, err := run()
	if err != nil || !strings.Contains(out, "OK") || !strings.Contains(out, "items: 8") {
		t.Fatalf("verify on a clean database: %v\n%s", err, out)
	}
	// a monthly roll-up row, then a cumulative one
	for _, damage := range []string{
		`UPDATE stats_cube SET completed = completed + 1 WHERE cube = 3`,
		`UPDATE stats_cum SET received = received + 1 WHERE cube = 25`,
	} {
		if _, err := s.DB(t).Exec(damage); err != nil {
			t.Fatal(err)
		}
		out, err = run()
		if err == nil || !strings.Contains(out, "DIFFERENCES") {
			t.Fatalf("verify missed a damaged roll-up (%s): %v\n%s", damage, err, out)
		}
		// a rebuild repairs it
		cmd := exec.Command(bin, "stats", "rebuild")
		cmd.Env = s.Environ()
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("rebuild: %v\n%s", err, b)
		}
		if out, err := run(); err != nil || !strings.Contains(out, "OK") {
			t.Fatalf("verify after rebuild: %v\n%s", err, out)
		}
	}
}

// TestStatisticsAcrossMonthsAndDays: a range of whole months plus some days
// is read from the monthly and daily roll-ups together; the figures equal
// those summed from days alone.
func TestStatisticsAcrossMonthsAndDays(t *testing.T) {
	t.Parallel()
	s, tok := workload(t)
	db := s.DB(t)
	// move some items back: two into last month, one into the month before
	now := time.Now().In(shanghai())
	if _, err := db.Exec(`UPDATE items SET received_at = received_at - interval '35 days' WHERE id IN (1, 2)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE items SET received_at = received_at - interval '70 days' WHERE id = 4`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO stats_dirty (item_id) VALUES (1), (2), (4)`); err != nil {
		t.Fatal(err)
	}
	var res statsResult
	testenv.Eventually(t, 15*time.Second, "the roll-up of the moved items", func() bool {
		s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats", Token: tok["manager"]}).Decode(t, &res)
		return res.PendingChanges == 0
	})
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -3, 10).Format("2006-01-02")
	_, to := today()
	byMonth := map[string]int64{}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats?group_by=month,unit&from=" + from + "&to=" + to, Token: tok["manager"]}).Decode(t, &res)
	for _, r := range res.Rows {
		byMonth[*r.Period+"/"+unitOf(r)] += r.Received
	}
	monthTotal := res.Total
	var days statsResult
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats?group_by=day,unit&from=" + from + "&to=" + to, Token: tok["manager"]}).Decode(t, &days)
	fromDays := map[string]int64{}
	for _, r := range days.Rows {
		fromDays[(*r.Period)[:7]+"/"+unitOf(r)] += r.Received
	}
	strip := func(f figures) figures {
		f.CompletionRate, f.OnTimeRate, f.ResponseRate, f.ReplyRate = nil, nil, nil, nil
		f.SatisfactionRate, f.GoodRate, f.ResolutionRate, f.AvgHandleHours = nil, nil, nil, nil
		return f
	}
	if strip(monthTotal) != strip(days.Total) || monthTotal.Received != 7 {
		t.Errorf("totals differ:\nmonths %+v\ndays   %+v", monthTotal, days.Total)
	}
	if len(byMonth) != len(fromDays) || len(byMonth) < 3 {
		t.Errorf("groups by month %v, from days %v", len(byMonth), fromDays)
	}
	for k, n := range fromDays {
		if byMonth[k] != n {
			t.Errorf("%s: %d by month, %d from days", k, byMonth[k], n)
		}
	}
}

func unitOf(r figures) string {
	if r.UnitCode == nil {
		return "-"
	}
	return *r.UnitCode
}

// TestStatisticsAreExactAtAsOf holds the roll-up off (its advisory lock) so
// that a visit recorded a moment before GET /stats is certainly not rolled
// up yet: the answer still counts it, folded in from the raw rows in the
// same snapshot, and equals what the roll-ups say once they catch up.
func TestStatisticsAreExactAtAsOf(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	manager := s.User(t, "manager", "")
	taxi := call(t, s, op, map[string]any{"caller_phone": "13800000001", "kind": "complaint", "content": "出租车拒载"})
	waitStatus(t, s, op, taxi.ID, "dispatched")
	e := call(t, s, op, map[string]any{"caller_phone": "13800000005", "kind": "consultation", "content": "起步价",
		"answered_on_call": true, "answer": "13元"})
	stats := func(q string) statsResult {
		var res statsResult
		s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats" + q, Token: manager}).Decode(t, &res)
		return res
	}
	testenv.Eventually(t, 15*time.Second, "the roll-ups to hold both items", func() bool {
		res := stats("")
		return res.FoldedChanges == 0 && res.Total.Received == 2
	})

	ctx := context.Background()
	conn, err := s.DB(t).Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext('stats_rollup'))`); err != nil {
		t.Fatal(err)
	}
	post(t, s, 201, op, itemPath(e.ID, "/visits"), map[string]any{"method": "call", "satisfaction": "satisfied", "stars": 5, "resolved": true})
	f := call(t, s, op, map[string]any{"caller_phone": "13800000006", "kind": "help", "content": "无规则"})

	var dirty int
	if err := conn.GetContext(ctx, &dirty, `SELECT count(*) FROM stats_dirty WHERE item_id = $1`, e.ID); err != nil || dirty == 0 {
		t.Fatalf("the visit is rolled up already (%d marks, %v): nothing to fold", dirty, err)
	}
	res := stats("")
	if res.PendingChanges != 0 || res.FoldedChanges == 0 {
		t.Errorf("pending %d folded %d: want 0 pending and the changes folded", res.PendingChanges, res.FoldedChanges)
	}
	if res.Total.Received != 3 || res.Total.Rated != 1 || res.Total.Satisfied != 1 || res.Total.FiveStar != 1 || res.Total.Resolved != 1 {
		t.Errorf("right after the visit and the third call: %+v", res.Total)
	}
	const grouped = "?group_by=unit,channel,kind,month"
	folded := stats(grouped)
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock(hashtext('stats_rollup'))`); err != nil {
		t.Fatal(err)
	}
	var rolled statsResult
	testenv.Eventually(t, 15*time.Second, "the roll-up to catch up", func() bool {
		rolled = stats(grouped)
		return rolled.FoldedChanges == 0 && getItem(t, s, op, f.ID).Status != "received"
	})
	// f was routed meanwhile (to nobody: it waits for dispatch, unit-less as before)
	if len(folded.Rows) != len(rolled.Rows) {
		t.Fatalf("folded rows %+v\nrolled-up rows %+v", folded.Rows, rolled.Rows)
	}
	for i := range folded.Rows {
		if !equalFigures(folded.Rows[i], rolled.Rows[i]) {
			t.Errorf("row %d folded %+v\nrolled up %+v", i, folded.Rows[i], rolled.Rows[i])
		}
	}
}

func equalFigures(a, b figures) bool {
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	rt := func(p *float64) string { return fmtRate(p) }
	return str(a.UnitCode) == str(b.UnitCode) && str(a.Channel) == str(b.Channel) && str(a.Period) == str(b.Period) &&
		a.Received == b.Received && a.Answered == b.Answered && a.Dispatched == b.Dispatched && a.Completed == b.Completed &&
		a.Replied == b.Replied && a.Rated == b.Rated && a.Satisfied == b.Satisfied && a.FiveStar == b.FiveStar &&
		a.Resolved == b.Resolved && rt(a.ReplyRate) == rt(b.ReplyRate) && rt(a.SatisfactionRate) == rt(b.SatisfactionRate)
}

// TestStatisticsAreCompressedWhenAccepted: a client that accepts gzip gets the
// statistics gzipped, and the same JSON as one that does not.
func TestStatisticsAreCompressedWhenAccepted(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	manager := s.User(t, "manager", "")
	for i := 0; i < 3; i++ {
		call(t, s, op, map[string]any{"caller_phone": fmt.Sprintf("1380000000%d", i), "kind": "complaint", "content": "出租车拒载"})
	}
	const path = "/api/v1/stats?group_by=channel,kind,day"
	plain := s.Expect(t, 200, testenv.Req{Method: "GET", Path: path, Token: manager})
	if enc := plain.Header.Get("Content-Encoding"); enc != "" {
		t.Fatalf("compressed without being asked: %q", enc)
	}
	zipped := s.Expect(t, 200, testenv.Req{Method: "GET", Path: path, Token: manager, Header: map[string]string{"Accept-Encoding": "gzip"}})
	if enc := zipped.Header.Get("Content-Encoding"); enc != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", enc)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped.Body))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var a, b statsResult
	if err := json.Unmarshal(plain.Body, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatalf("gunzipped body is not JSON: %v", err)
	}
	if a.Total.Received != 3 || b.Total.Received != 3 || len(a.Rows) != len(b.Rows) {
		t.Errorf("plain %+v\ngzipped %+v", a.Total, b.Total)
	}
	// the rest of the API is not compressed: its answers are small
	other := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items", Token: manager, Header: map[string]string{"Accept-Encoding": "gzip"}})
	if enc := other.Header.Get("Content-Encoding"); enc != "" {
		t.Errorf("items list Content-Encoding %q", enc)
	}
}
