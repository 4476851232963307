package handlers_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hotline/domain"
	"hotline/testenv"
)

type proposal struct {
	ID              int64    `json:"id"`
	Type            string   `json:"type"`
	Number          string   `json:"number"`
	Status          string   `json:"status"`
	OurRole         string   `json:"our_role"`
	AssignedOn      string   `json:"assigned_on"`
	DueOn           string   `json:"due_on"`
	OriginalDueOn   string   `json:"original_due_on"`
	OpinionDueOn    *string  `json:"opinion_due_on"`
	ExtensionMonths int      `json:"extension_months"`
	Rehandled       int      `json:"rehandled"`
	Overdue         bool     `json:"overdue"`
	CoUnitCodes     []string `json:"co_unit_codes"`
	PublishedBody   *string  `json:"published_body"`
	Opinions        []struct {
		UnitCode string `json:"unit_code"`
		OnTime   bool   `json:"on_time"`
	} `json:"opinions"`
	Answers []struct {
		ID       int64   `json:"id"`
		Status   string  `json:"status"`
		OnTime   bool    `json:"on_time"`
		Category *string `json:"category"`
		DueOn    string  `json:"due_on"`
	} `json:"answers"`
	Contacts    []map[string]any `json:"contacts"`
	Feedback    []map[string]any `json:"feedback"`
	Extensions  []map[string]any `json:"extensions"`
	Commitments []struct {
		ID      int64 `json:"id"`
		Done    bool  `json:"done"`
		Overdue bool  `json:"overdue"`
	} `json:"commitments"`
	Events []struct {
		Actor      string  `json:"actor"`
		Action     string  `json:"action"`
		FromStatus *string `json:"from_status"`
		ToStatus   *string `json:"to_status"`
		Note       string  `json:"note"`
	} `json:"events"`
}

func (p proposal) actions() []string {
	var out []string
	for _, e := range p.Events {
		out = append(out, e.Action)
	}
	return out
}

func propPath(id int64, rest string) string { return fmt.Sprintf("/api/v1/proposals/%d%s", id, rest) }

func getProposal(t *testing.T, s *testenv.Server, token string, id int64) proposal {
	t.Helper()
	var p proposal
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: propPath(id, ""), Token: token}).Decode(t, &p)
	return p
}

func createProposal(t *testing.T, s *testenv.Server, token string, body map[string]any) proposal {
	t.Helper()
	var p proposal
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/proposals", Token: token, Body: body}).Decode(t, &p)
	return p
}

func proposalBody(number, typ, role, assigned string, co ...string) map[string]any {
	b := map[string]any{"type": typ, "session": "省十四届人大三次会议", "number": number,
		"title": "关于加强农村公路养护的建议", "content": "建议加大农村公路养护投入。", "lead_author": "王建国",
		"co_authors": []string{"李红"}, "raised_during": "session", "assigned_on": assigned, "our_role": role,
		"lead_unit_code": "ROAD", "key": true}
	if len(co) > 0 {
		b["co_unit_codes"] = co
	}
	return b
}

type proposalDept struct {
	s                                                           *testenv.Server
	admin, manager, roadStaff, roadHead, busStaff, taxiHead, op string
}

func newProposalDept(t *testing.T, opts testenv.Options) proposalDept {
	t.Helper()
	s := testenv.NewServer(t, opts)
	s.Unit(t, "ROAD", "公路管理局")
	s.Unit(t, "BUS", "道路运输管理局")
	s.Unit(t, "TAXI", "出租车管理处")
	return proposalDept{s: s, admin: s.Admin(t), manager: s.User(t, "manager", ""),
		roadStaff: s.User(t, "unit_staff", "ROAD"), roadHead: s.User(t, "unit_head", "ROAD"),
		busStaff: s.User(t, "unit_staff", "BUS"), taxiHead: s.User(t, "unit_head", "TAXI"), op: s.User(t, "operator", "")}
}

func shanghaiToday(t *testing.T) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return domain.CivilDate(time.Now(), loc)
}

func TestProposalCreateValidationAndAccess(t *testing.T) {
	t.Parallel()
	d := newProposalDept(t, testenv.Options{NoWorker: true})
	s := d.s
	good := proposalBody("第0101号", "suggestion", "lead", "2026-03-15", "BUS")
	// only managers and admins record them
	for _, tok := range []string{d.roadStaff, d.roadHead, d.op} {
		s.Expect(t, 403, testenv.Req{Method: "POST", Path: "/api/v1/proposals", Token: tok, Body: good})
	}
	bad := []struct {
		field string
		edit  func(b map[string]any)
	}{
		{"type", func(b map[string]any) { b["type"] = "motion" }},
		{"session", func(b map[string]any) { delete(b, "session") }},
		{"number", func(b map[string]any) { b["number"] = " " }},
		{"title", func(b map[string]any) { b["title"] = "" }},
		{"lead_author", func(b map[string]any) { delete(b, "lead_author") }},
		{"raised_during", func(b map[string]any) { b["raised_during"] = "lunch" }},
		{"assigned_on", func(b map[string]any) { b["assigned_on"] = "2026-02-30" }},
		{"assigned_on", func(b map[string]any) { b["assigned_on"] = "2999-01-01" }},
		{"our_role", func(b map[string]any) { b["our_role"] = "boss" }},
		{"lead_unit_code", func(b map[string]any) { b["lead_unit_code"] = "NOPE" }},
		{"co_unit_codes", func(b map[string]any) { b["co_unit_codes"] = []string{"NOPE"} }},
		{"co_unit_codes[0]", func(b map[string]any) { b["co_unit_codes"] = []string{"ROAD"} }},
	}
	for _, c := range bad {
		b := proposalBody("第0101号", "suggestion", "lead", "2026-03-15", "BUS")
		c.edit(b)
		r := s.Expect(t, 422, testenv.Req{Method: "POST", Path: "/api/v1/proposals", Token: d.manager, Body: b})
		expectProblemField(t, r, c.field)
	}
	r := s.Expect(t, 400, testenv.Req{Method: "POST", Path: "/api/v1/proposals", Token: d.manager, Body: `{"type":"suggestion","key":"yes"}`})
	expectProblemField(t, r, "key")

	p := createProposal(t, s, d.manager, good)
	if p.Status != "handling" || p.DueOn != "2026-06-15" || p.OriginalDueOn != "2026-06-15" || p.OpinionDueOn == nil || *p.OpinionDueOn != "2026-04-15" {
		t.Fatalf("created %+v", p)
	}
	// the same session and number again: 422 naming the number
	expectProblemField(t, s.Expect(t, 422, testenv.Req{Method: "POST", Path: "/api/v1/proposals", Token: d.manager, Body: good}), "number")
	// a joint handler owes its opinion within a month; month ends clamp
	j := createProposal(t, s, d.admin, proposalBody("第0102号", "proposal", "joint", "2026-01-31"))
	if j.DueOn != "2026-02-28" || j.OpinionDueOn != nil {
		t.Errorf("joint: %+v", j)
	}
	// scoping: the lead and joint units read it, another unit gets 404 and an empty list
	getProposal(t, s, d.roadStaff, p.ID)
	getProposal(t, s, d.busStaff, p.ID)
	s.Expect(t, 404, testenv.Req{Method: "GET", Path: propPath(p.ID, ""), Token: d.taxiHead})
	s.Expect(t, 403, testenv.Req{Method: "GET", Path: propPath(p.ID, ""), Token: d.op})
	var list struct {
		Items []proposal `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/proposals", Token: d.taxiHead}).Decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("TAXI lists %d proposals", len(list.Items))
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/proposals", Token: d.busStaff}).Decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != p.ID {
		t.Errorf("BUS lists %+v, want only its joint proposal", list.Items)
	}
	// another unit acting: 404, and nothing changes
	before := getProposal(t, s, d.manager, p.ID)
	for _, act := range []struct{ path, body string }{
		{"/contacts", `{"method":"phone","on":"2026-04-01"}`}, {"/opinions", `{"body":"意见"}`},
		{"/answer", `{"category":"A","body":"答复","public":true,"answered_on":"2026-04-01"}`},
		{"/commitments", `{"text":"承诺","due_on":"2026-12-01"}`},
	} {
		if r := s.Do(t, testenv.Req{Method: "POST", Path: propPath(p.ID, act.path), Token: d.taxiHead, Body: act.body}); r.Status != 404 {
			t.Errorf("TAXI %s: %s", act.path, r)
		}
	}
	// the joint unit may not answer, the lead unit may not give a joint opinion
	s.Expect(t, 403, testenv.Req{Method: "POST", Path: propPath(p.ID, "/answer"), Token: d.busStaff,
		Body: `{"category":"A","body":"答复","public":true,"answered_on":"2026-04-01"}`})
	s.Expect(t, 403, testenv.Req{Method: "POST", Path: propPath(p.ID, "/opinions"), Token: d.roadStaff, Body: `{"body":"意见"}`})
	if after := getProposal(t, s, d.manager, p.ID); len(after.Events) != len(before.Events) {
		t.Errorf("refused actions changed the timeline: %v → %v", before.actions(), after.actions())
	}
}

// TestProposalLifecycle walks one record through every action, and another
// past its due date through the sweep's escalation.
func TestProposalLifecycle(t *testing.T) {
	t.Parallel()
	d := newProposalDept(t, testenv.Options{})
	s := d.s
	today := shanghaiToday(t)
	ymd := func(x time.Time) string { return x.Format("2006-01-02") }
	post := func(want int, tok string, id int64, path string, body any) *testenv.Resp {
		t.Helper()
		return s.Expect(t, want, testenv.Req{Method: "POST", Path: propPath(id, path), Token: tok, Body: body})
	}

	// A: assigned 2025-11-30, due 2026-02-28, long past: the sweep escalates
	// it and the missing joint opinion, once
	a := createProposal(t, s, d.manager, proposalBody("第0001号", "suggestion", "lead", "2025-11-30", "BUS"))
	if a.DueOn != "2026-02-28" || *a.OpinionDueOn != "2025-12-30" || !a.Overdue {
		t.Fatalf("A: %+v", a)
	}
	testenv.Eventually(t, 20*time.Second, "the sweep to escalate A", func() bool {
		acts := getProposal(t, s, d.manager, a.ID).actions()
		return slices.Contains(acts, "overdue") && slices.Contains(acts, "opinion_overdue")
	})
	for _, who := range []string{d.roadHead, d.manager} {
		if !hasNotification(t, s, who, "proposal_overdue", "第0001号") {
			t.Errorf("escalation of A not notified")
		}
	}
	if !hasNotification(t, s, d.busStaff, "proposal_assigned", "第0001号") {
		t.Error("the joint unit was not told of the assignment")
	}
	// a late joint opinion is marked so
	var op struct {
		OnTime bool `json:"on_time"`
	}
	post(201, d.busStaff, a.ID, "/opinions", map[string]any{"body": "同意主办单位意见,配合做好养护资金安排。"}).Decode(t, &op)
	if op.OnTime {
		t.Error("an opinion given after 2025-12-30 is on time")
	}
	// an extension after the due date is refused; the late answer says so
	expectProblemField(t, post(422, d.manager, a.ID, "/extensions", map[string]any{"months": 1, "reason": " "}), "reason")
	post(409, d.manager, a.ID, "/extensions", map[string]any{"months": 1, "reason": "情况复杂"})
	var ans struct {
		ID     int64  `json:"id"`
		OnTime bool   `json:"on_time"`
		Status string `json:"status"`
		DueOn  string `json:"due_on"`
	}
	post(201, d.roadStaff, a.ID, "/answer", map[string]any{"category": "B", "body": "已列入明年计划。", "public": false, "answered_on": ymd(today)}).Decode(t, &ans)
	if ans.OnTime || ans.Status != "pending" || ans.DueOn != "2026-02-28" {
		t.Errorf("late answer %+v", ans)
	}
	post(200, d.manager, a.ID, "/answer/approve", nil)
	post(409, d.manager, a.ID, "/publish", nil) // marked not public
	ga := getProposal(t, s, d.manager, a.ID)
	if ga.Status != "answered" || ga.Overdue {
		t.Errorf("A after approval: %+v", ga)
	}
	nOverdue := 0
	for _, e := range ga.Events {
		if e.Action == "overdue" {
			nOverdue++
			if e.Actor != "system" {
				t.Errorf("escalation by %s", e.Actor)
			}
		}
	}
	if nOverdue != 1 {
		t.Errorf("A escalated %d times", nOverdue)
	}
	// the joint unit sees its own opinion
	if gb := getProposal(t, s, d.busStaff, a.ID); len(gb.Opinions) != 1 || gb.Opinions[0].UnitCode != "BUS" {
		t.Errorf("BUS sees opinions %+v", gb.Opinions)
	}

	// C: due within the reminder window (10 days): the lead unit is reminded once
	c := createProposal(t, s, d.manager, proposalBody("第0003号", "suggestion", "lead", ymd(domain.AddMonths(today, -3).AddDate(0, 0, 3))))
	testenv.Eventually(t, 20*time.Second, "the sweep to remind C", func() bool {
		return slices.Contains(getProposal(t, s, d.manager, c.ID).actions(), "reminded")
	})
	if !hasNotification(t, s, d.roadStaff, "proposal_reminded", "第0003号") {
		t.Error("the lead unit was not reminded")
	}

	// B: assigned five days ago, separate
	assigned := today.AddDate(0, 0, -5)
	b := createProposal(t, s, d.manager, proposalBody("第0002号", "proposal", "separate", ymd(assigned)))
	if b.DueOn != ymd(domain.AddMonths(assigned, 3)) {
		t.Fatalf("B due %s", b.DueOn)
	}
	// contacts with the deputy
	expectProblemField(t, post(422, d.roadStaff, b.ID, "/contacts", map[string]any{"method": "fax", "on": ymd(today)}), "method")
	expectProblemField(t, post(422, d.roadStaff, b.ID, "/contacts", map[string]any{"method": "phone", "on": ymd(assigned.AddDate(0, 0, -1))}), "on")
	post(201, d.roadStaff, b.ID, "/contacts", map[string]any{"method": "meeting", "on": ymd(today), "note": "当面听取意见"})
	// extensions: at most 6 months after assignment, by a manager
	post(403, d.roadHead, b.ID, "/extensions", map[string]any{"months": 1, "reason": "x"})
	expectProblemField(t, post(422, d.manager, b.ID, "/extensions", map[string]any{"months": 4, "reason": "情况复杂"}), "months")
	var ext struct {
		NewDueOn string `json:"new_due_on"`
		OldDueOn string `json:"old_due_on"`
	}
	post(201, d.manager, b.ID, "/extensions", map[string]any{"months": 2, "reason": "需协调多部门"}).Decode(t, &ext)
	if ext.OldDueOn != b.DueOn || ext.NewDueOn != ymd(domain.AddMonths(assigned, 5)) {
		t.Errorf("extension %+v", ext)
	}
	expectProblemField(t, post(422, d.manager, b.ID, "/extensions", map[string]any{"months": 2, "reason": "再延"}), "months")
	// answers: category from the set, public required, one waiting at a time
	expectProblemField(t, post(422, d.roadStaff, b.ID, "/answer", map[string]any{"category": "E", "body": "x", "public": true, "answered_on": ymd(today)}), "category")
	expectProblemField(t, post(422, d.roadStaff, b.ID, "/answer", map[string]any{"category": "A", "body": "x", "answered_on": ymd(today)}), "public")
	expectProblemField(t, post(422, d.roadStaff, b.ID, "/answer", map[string]any{"category": "A", "body": "x", "public": true, "answered_on": ymd(today.AddDate(0, 0, 1))}), "answered_on")
	post(409, d.manager, b.ID, "/answer/approve", nil) // nothing waiting
	post(201, d.roadStaff, b.ID, "/answer", map[string]any{"category": "A", "body": "初稿", "public": true, "answered_on": ymd(today)})
	post(409, d.roadHead, b.ID, "/answer", map[string]any{"category": "A", "body": "另一稿", "public": true, "answered_on": ymd(today)})
	post(403, d.roadHead, b.ID, "/answer/approve", nil)
	expectProblemField(t, post(422, d.manager, b.ID, "/answer/reject", map[string]any{}), "note")
	post(200, d.manager, b.ID, "/answer/reject", map[string]any{"note": "请补充资金安排"})
	post(409, d.manager, b.ID, "/feedback", map[string]any{"satisfaction": "satisfied", "on": ymd(today)}) // not answered yet
	body := "尊敬的王代表:\n您的提案已办理,资金已落实。如有疑问请致电 13812345678。\n联系人:李明\n联系电话:0571-87654321"
	post(201, d.roadStaff, b.ID, "/answer", map[string]any{"category": "A", "body": body, "public": true, "answered_on": ymd(today)}).Decode(t, &ans)
	if !ans.OnTime || ans.DueOn != ext.NewDueOn {
		t.Errorf("answer judged against %s, on time %v", ans.DueOn, ans.OnTime)
	}
	var pv proposal
	post(200, d.manager, b.ID, "/answer/approve", map[string]any{"note": "同意"}).Decode(t, &pv)
	if pv.Status != "answered" {
		t.Fatalf("approved: %+v", pv)
	}
	// feedback: dissatisfied sends it back with a new due date a month later
	expectProblemField(t, post(422, d.manager, b.ID, "/feedback", map[string]any{"satisfaction": "meh", "on": ymd(today)}), "satisfaction")
	post(403, d.roadStaff, b.ID, "/feedback", map[string]any{"satisfaction": "satisfied", "on": ymd(today)})
	var fb struct {
		NewDueOn *string `json:"new_due_on"`
	}
	post(201, d.manager, b.ID, "/feedback", map[string]any{"satisfaction": "dissatisfied", "comment": "进度太慢", "on": ymd(today)}).Decode(t, &fb)
	gb := getProposal(t, s, d.manager, b.ID)
	if gb.Status != "rehandling" || gb.Rehandled != 1 || fb.NewDueOn == nil || *fb.NewDueOn != ymd(domain.AddMonths(today, 1)) || gb.DueOn != *fb.NewDueOn {
		t.Fatalf("after dissatisfied feedback: %+v (new due %v)", gb, fb.NewDueOn)
	}
	post(409, d.manager, b.ID, "/extensions", map[string]any{"months": 1, "reason": "x"}) // only the first period extends
	post(201, d.roadStaff, b.ID, "/answer", map[string]any{"category": "A", "body": body, "public": true, "answered_on": ymd(today)})
	post(200, d.manager, b.ID, "/answer/approve", nil)
	post(201, d.manager, b.ID, "/feedback", map[string]any{"satisfaction": "basically_satisfied", "on": ymd(today)})
	// commitments made in the answer, tracked until done; one already past
	// its date is escalated by the sweep
	expectProblemField(t, post(422, d.roadStaff, b.ID, "/commitments", map[string]any{"text": "", "due_on": ymd(today)}), "text")
	expectProblemField(t, post(422, d.roadStaff, b.ID, "/commitments", map[string]any{"text": "x", "due_on": "soon"}), "due_on")
	var cm struct {
		ID      int64 `json:"id"`
		Done    bool  `json:"done"`
		Overdue bool  `json:"overdue"`
	}
	post(201, d.roadStaff, b.ID, "/commitments", map[string]any{"text": "年底前完成县道修复", "due_on": ymd(today.AddDate(0, 0, -1))}).Decode(t, &cm)
	if !cm.Overdue || cm.Done {
		t.Errorf("commitment %+v", cm)
	}
	testenv.Eventually(t, 20*time.Second, "the sweep to escalate the commitment", func() bool {
		return slices.Contains(getProposal(t, s, d.manager, b.ID).actions(), "commitment_overdue")
	})
	if !hasNotification(t, s, d.roadHead, "proposal_commitment_overdue", "年底前完成县道修复") {
		t.Error("the lead unit's head was not told of the late commitment")
	}
	post(404, d.roadStaff, b.ID, "/commitments/999999/done", nil)
	post(200, d.roadStaff, b.ID, fmt.Sprintf("/commitments/%d/done", cm.ID), map[string]any{"note": "已完工"}).Decode(t, &cm)
	if !cm.Done {
		t.Errorf("commitment not done: %+v", cm)
	}
	post(409, d.roadStaff, b.ID, fmt.Sprintf("/commitments/%d/done", cm.ID), nil)
	// publication: without the contact lines, numbers scrubbed
	post(403, d.roadHead, b.ID, "/publish", nil)
	post(200, d.manager, b.ID, "/publish", nil).Decode(t, &pv)
	if pv.PublishedBody == nil || strings.Contains(*pv.PublishedBody, "13812345678") || strings.Contains(*pv.PublishedBody, "联系人") ||
		strings.Contains(*pv.PublishedBody, "87654321") || !strings.Contains(*pv.PublishedBody, "资金已落实") {
		t.Errorf("published %v", pv.PublishedBody)
	}
	var pub struct {
		Items []struct {
			Number string `json:"number"`
			Answer string `json:"answer"`
		} `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/public/proposals"}).Decode(t, &pub)
	if len(pub.Items) != 1 || pub.Items[0].Number != "第0002号" || pub.Items[0].Answer != *pv.PublishedBody {
		t.Errorf("public list %+v", pub.Items)
	}

	// B's whole timeline, oldest first, each with from and to
	gb = getProposal(t, s, d.manager, b.ID)
	want := "created,contacted,extended,answer_submitted,answer_rejected,answer_submitted,answer_approved,feedback_dissatisfied," +
		"answer_submitted,answer_approved,feedback_received,commitment_added,commitment_overdue,commitment_done,published"
	if got := strings.Join(gb.actions(), ","); got != want {
		t.Errorf("timeline\n got %s\nwant %s", got, want)
	}
	for _, e := range gb.Events {
		if e.ToStatus == nil || (e.Action != "created" && e.FromStatus == nil) {
			t.Errorf("event without statuses: %+v", e)
		}
	}
	if gb.Status != "closed" || len(gb.Contacts) != 1 || len(gb.Extensions) != 1 || len(gb.Feedback) != 2 || len(gb.Answers) != 3 {
		t.Errorf("B: %+v", gb)
	}

	// list filters and search, cursor-paged
	list := func(q string) []int64 {
		t.Helper()
		var l struct {
			Items []proposal `json:"items"`
		}
		s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/proposals?" + q, Token: d.manager}).Decode(t, &l)
		var ids []int64
		for _, p := range l.Items {
			ids = append(ids, p.ID)
		}
		return ids
	}
	for q, want := range map[string][]int64{
		"":                                   {b.ID, c.ID, a.ID},
		"type=suggestion":                    {c.ID, a.ID},
		"our_role=separate":                  {b.ID},
		"status=answered":                    {a.ID},
		"year=2025":                          {a.ID},
		"q=0002":                             {b.ID},
		"q=" + "%E7%8E%8B%E5%BB%BA%E5%9B%BD": {b.ID, c.ID, a.ID}, // 王建国
		"q=100%25":                           nil,
		"overdue=false":                      {b.ID, c.ID, a.ID},
	} {
		if got := list(q); !slices.Equal(got, want) {
			t.Errorf("?%s: %v, want %v", q, got, want)
		}
	}
	for _, q := range []string{"type=motion", "status=done", "our_role=x", "year=20x6", "overdue=maybe", "limit=0"} {
		if r := s.Do(t, testenv.Req{Method: "GET", Path: "/api/v1/proposals?" + q, Token: d.manager}); r.Status != 400 && r.Status != 422 {
			t.Errorf("?%s: %s", q, r)
		}
	}
	var page struct {
		Items      []proposal `json:"items"`
		NextCursor *string    `json:"next_cursor"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/proposals?limit=1", Token: d.manager}).Decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != b.ID || page.NextCursor == nil {
		t.Fatalf("first page %+v", page)
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/proposals?limit=2&cursor=" + *page.NextCursor, Token: d.manager}).Decode(t, &page)
	if len(page.Items) != 2 || page.Items[0].ID != c.ID || page.Items[1].ID != a.ID || page.NextCursor != nil {
		t.Errorf("second page %+v", page)
	}
}

func TestProposalSettings(t *testing.T) {
	t.Parallel()
	d := newProposalDept(t, testenv.Options{NoWorker: true})
	s := d.s
	var set domain.ProposalSettings
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/proposal-settings", Token: d.roadStaff}).Decode(t, &set)
	if set.AnswerMonths != 3 || set.MaxAnswerMonths != 6 || set.OpinionPeriod != (domain.Period{Unit: "months", Count: 1}) ||
		set.RehandleMonths != 1 || len(set.Categories) != 4 || set.Categories[3].Label != "留作参考" {
		t.Fatalf("defaults %+v", set)
	}
	s.Expect(t, 403, testenv.Req{Method: "PUT", Path: "/api/v1/proposal-settings", Token: d.manager, Body: set})
	expectProblemField(t, s.Expect(t, 422, testenv.Req{Method: "PUT", Path: "/api/v1/proposal-settings", Token: d.admin, Body: map[string]any{}}), "answer_months")
	bad := set
	bad.OpinionPeriod = domain.Period{Unit: "weeks", Count: 2}
	expectProblemField(t, s.Expect(t, 422, testenv.Req{Method: "PUT", Path: "/api/v1/proposal-settings", Token: d.admin, Body: bad}), "opinion_period.unit")
	// a province with 30 working days for joint opinions and its own categories
	set.OpinionPeriod = domain.Period{Unit: "workdays", Count: 30}
	set.Categories = []domain.AnswerCategory{{Code: "A", Label: "采纳"}, {Code: "B", Label: "部分采纳"}}
	s.Expect(t, 200, testenv.Req{Method: "PUT", Path: "/api/v1/proposal-settings", Token: d.admin, Body: set})
	// 30 working days from Monday 2 February 2026 on the working calendar:
	// the Spring Festival (15–23 February off, 14 and 28 February worked) lies
	// between, so they end on Friday 20 March
	p := createProposal(t, s, d.manager, proposalBody("第0201号", "suggestion", "lead", "2026-02-02", "BUS"))
	if p.OpinionDueOn == nil || *p.OpinionDueOn != "2026-03-20" || p.DueOn != "2026-05-02" {
		t.Errorf("opinion due %v", p.OpinionDueOn)
	}
	expectProblemField(t, s.Expect(t, 422, testenv.Req{Method: "POST", Path: propPath(p.ID, "/answer"), Token: d.roadStaff,
		Body: map[string]any{"category": "C", "body": "x", "public": true, "answered_on": "2026-03-01"}}), "category")
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: propPath(p.ID, "/answer"), Token: d.roadStaff,
		Body: map[string]any{"category": "B", "body": "x", "public": true, "answered_on": "2026-03-01"}})
}

// TestProposalStats feeds a year of proposals through the API and reads the
// year's figures back, computed by hand:
//
//	S1 suggestion lead      2024-01-10 due 04-10, answered A 03-01 (on time), satisfied
//	S2 suggestion lead      2024-11-30 due 2025-02-28, answered B on the due date, basically satisfied
//	P1 proposal   joint     2024-01-31 due 02-29 (leap year), opinion sent 03-01: late
//	P2 proposal   separate  2024-05-31 due 08-31, answered C 08-30, dissatisfied 09-10
//	                        → due 10-10, answered A 10-09 (on time), satisfied
//	S3 suggestion lead      2024-06-15, never answered: overdue
//	P3 proposal   lead      2024-12-31 due 2025-03-31, answered A 2025-04-01: late
//	S4 suggestion lead      2024-03-01, an answer waits for approval: unanswered, overdue
//	(a suggestion assigned 2025-01-01 belongs to 2025)
func TestProposalStats(t *testing.T) {
	t.Parallel()
	d := newProposalDept(t, testenv.Options{NoWorker: true})
	s := d.s
	post := func(want int, tok string, id int64, path string, body any) {
		t.Helper()
		s.Expect(t, want, testenv.Req{Method: "POST", Path: propPath(id, path), Token: tok, Body: body})
	}
	answer := func(id int64, cat, on string) {
		t.Helper()
		b := map[string]any{"body": "答复", "public": true, "answered_on": on}
		if cat != "" {
			b["category"] = cat
		}
		post(201, d.roadStaff, id, "/answer", b)
		post(200, d.manager, id, "/answer/approve", nil)
	}
	feedback := func(id int64, sat, on string) {
		t.Helper()
		post(201, d.manager, id, "/feedback", map[string]any{"satisfaction": sat, "on": on})
	}
	mk := func(n, typ, role, on string) int64 {
		return createProposal(t, s, d.manager, proposalBody(n, typ, role, on)).ID
	}
	s1 := mk("S1", "suggestion", "lead", "2024-01-10")
	answer(s1, "A", "2024-03-01")
	feedback(s1, "satisfied", "2024-03-10")
	s2 := mk("S2", "suggestion", "lead", "2024-11-30")
	answer(s2, "B", "2025-02-28")
	feedback(s2, "basically_satisfied", "2025-03-05")
	p1 := mk("P1", "proposal", "joint", "2024-01-31")
	answer(p1, "", "2024-03-01")
	p2 := mk("P2", "proposal", "separate", "2024-05-31")
	answer(p2, "C", "2024-08-30")
	feedback(p2, "dissatisfied", "2024-09-10")
	if p := getProposal(t, s, d.manager, p2); p.DueOn != "2024-10-10" || p.Status != "rehandling" {
		t.Fatalf("P2 after dissatisfied feedback: %+v", p)
	}
	answer(p2, "A", "2024-10-09")
	feedback(p2, "satisfied", "2024-10-20")
	mk("S3", "suggestion", "lead", "2024-06-15")
	p3 := mk("P3", "proposal", "lead", "2024-12-31")
	answer(p3, "A", "2025-04-01")
	s4 := mk("S4", "suggestion", "lead", "2024-03-01")
	post(201, d.roadStaff, s4, "/answer", map[string]any{"category": "A", "body": "待审", "public": true, "answered_on": "2024-05-01"})
	next := mk("N1", "suggestion", "lead", "2025-01-01")
	answer(next, "A", "2025-02-01")

	var got domain.ProposalFigures
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/proposals/stats?year=2024", Token: d.roadHead}).Decode(t, &got)
	want := domain.ProposalFigures{Year: 2024, Total: 7, Suggestions: 4, Proposals: 3, Lead: 5, Joint: 1, Separate: 1,
		Answered: 5, AnsweredOnTime: 3, AnsweredLate: 2, Unanswered: 2, OverdueUnanswered: 2,
		ByCategory: map[string]int{"A": 3, "B": 1, "C": 0, "D": 0}, Satisfied: 2, BasicallySatisfied: 1, Dissatisfied: 0,
		Text: "共承担建议提案7件,其中建议4件、提案3件;主办件5件、协办件1件、分办件1件,已答复5件(按时答复3件,超期答复2件)," +
			"尚未答复2件(其中已超期2件);代表委员反馈满意2件、基本满意1件"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("2024 figures\n got %+v\nwant %+v", got, want)
	}
	var raw map[string]any
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/proposals/stats?year=2024", Token: d.manager}).Decode(t, &raw)
	for _, k := range []string{"total", "suggestions", "proposals", "lead", "joint", "separate", "answered", "answered_on_time",
		"by_category", "satisfied", "basically_satisfied", "dissatisfied", "text"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("stats lack %q", k)
		}
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/proposals/stats?year=2025", Token: d.manager}).Decode(t, &got)
	if got.Total != 1 || got.Text != "共承担建议提案1件,其中建议1件、提案0件;主办件1件,全部按要求时限完成答复" {
		t.Errorf("2025: %+v", got)
	}
	// the figures as core gives them to the annual report
	f, err := s.Core.ProposalStats(t.Context(), 2024)
	if err != nil || f.Text != want.Text {
		t.Errorf("core figures %+v %v", f, err)
	}
	s.Expect(t, 403, testenv.Req{Method: "GET", Path: "/api/v1/proposals/stats?year=2024", Token: d.roadStaff})
	expectProblemField(t, s.Expect(t, 422, testenv.Req{Method: "GET", Path: "/api/v1/proposals/stats?year=1999", Token: d.manager}), "year")
}
