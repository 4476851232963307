package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"hotline/domain"
	"hotline/testenv"
)

// disclosure is an application as the API returns it.
type disclosure struct {
	ID            int64   `json:"id"`
	Code          string  `json:"code"`
	Secret        string  `json:"secret"`
	Status        string  `json:"status"`
	ReceivedOn    *string `json:"received_on"`
	ClockStartOn  *string `json:"clock_start_on"`
	OriginalDueOn *string `json:"original_due_on"`
	DueOn         *string `json:"due_on"`
	Overdue       bool    `json:"overdue"`
	ExtensionDays int     `json:"extension_days"`
	Outcome       *string `json:"outcome"`
	OutcomeLabel  string  `json:"outcome_label"`
	DecidedOn     *string `json:"decided_on"`
	Reply         string  `json:"reply"`
	Events        []struct {
		Actor      string  `json:"actor"`
		Action     string  `json:"action"`
		FromStatus *string `json:"from_status"`
		ToStatus   *string `json:"to_status"`
		Note       string  `json:"note"`
	} `json:"events"`
	Extensions []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	} `json:"extensions"`
}

func (d disclosure) actions() []string {
	var out []string
	for _, e := range d.Events {
		out = append(out, e.Action)
	}
	return out
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

const disclosureBase = "/api/v1/disclosure-requests"

func disPath(id int64, rest string) string { return fmt.Sprintf("%s/%d%s", disclosureBase, id, rest) }

func getDisclosure(t *testing.T, s *testenv.Server, token string, id int64) disclosure {
	t.Helper()
	var d disclosure
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: disPath(id, ""), Token: token}).Decode(t, &d)
	return d
}

// application is a valid application by a natural person, received on a day.
func application(received string, extra ...map[string]any) map[string]any {
	b := map[string]any{"applicant_type": "natural", "applicant_name": "王五", "phone": "13812345678",
		"description": "请公开2024年本市出租车运力投放计划", "purpose": "了解政策", "delivery_form": "email",
		"submitted_via": "in_person", "received_on": received}
	for _, e := range extra {
		for k, v := range e {
			b[k] = v
		}
	}
	return b
}

func createDisclosure(t *testing.T, s *testenv.Server, token string, body map[string]any) disclosure {
	t.Helper()
	var d disclosure
	post(t, s, 201, token, disclosureBase, body).Decode(t, &d)
	return d
}

func idOf(t *testing.T, r *testenv.Resp) int64 {
	t.Helper()
	var out struct {
		ID int64 `json:"id"`
	}
	r.Decode(t, &out)
	return out.ID
}

// TestDisclosureLifecycle walks an application taken in at the counter
// through a consultation, an extension and the decision, checking due_on at
// each step against dates counted by hand on the 2025 calendar, and the
// timeline. No worker runs: the dates lie in the past and the sweep would
// escalate them.
func TestDisclosureLifecycle(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	op, mgr := s.User(t, "operator", ""), s.User(t, "manager", "")

	d := createDisclosure(t, s, op, application("2025-03-03"))
	if d.Status != "processing" || str(d.DueOn) != "2025-03-31" || str(d.OriginalDueOn) != "2025-03-31" || d.Secret == "" || d.Code == "" {
		t.Fatalf("created %+v", d)
	}
	// the applicant follows it with the code and secret; a wrong secret is an unknown code
	tr := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/public/disclosure-requests/" + d.Code + "?secret=" + d.Secret}).Map(t)
	if tr["status_label"] != "办理中" || tr["due_on"] != "2025-03-31" {
		t.Errorf("tracking: %v", tr)
	}
	s.Expect(t, 404, testenv.Req{Method: "GET", Path: "/api/v1/public/disclosure-requests/" + d.Code + "?secret=WRONG"})

	// a consultation sent on 10 March: while open it counts its 15 days
	cid := idOf(t, post(t, s, 201, op, disPath(d.ID, "/consultations"), map[string]any{"party": "某出租汽车公司", "sent_on": "2025-03-10"}))
	if got := getDisclosure(t, s, op, d.ID); str(got.DueOn) != "2025-04-22" {
		t.Errorf("due_on with an open consultation = %s, want 2025-04-22", str(got.DueOn))
	}
	// answered on 14 March: four working days paused
	post(t, s, 200, op, disPath(d.ID, fmt.Sprintf("/consultations/%d/answer", cid)), map[string]any{"answered_on": "2025-03-14", "consents": false})
	post(t, s, 409, op, disPath(d.ID, fmt.Sprintf("/consultations/%d/answer", cid)), map[string]any{"answered_on": "2025-03-14"})
	if got := getDisclosure(t, s, op, d.ID); str(got.DueOn) != "2025-04-07" {
		t.Errorf("due_on after the answer = %s, want 2025-04-07", str(got.DueOn))
	}

	// an extension of 5 working days: operators ask, managers decide
	eid := idOf(t, post(t, s, 201, op, disPath(d.ID, "/extensions"), map[string]any{"workdays": 5, "reason": "信息量大,需要检索档案"}))
	post(t, s, 403, op, disPath(d.ID, fmt.Sprintf("/extensions/%d/approve", eid)), nil)
	post(t, s, 409, op, disPath(d.ID, "/extensions"), map[string]any{"workdays": 3, "reason": "再次延期"})
	var v disclosure
	post(t, s, 200, mgr, disPath(d.ID, fmt.Sprintf("/extensions/%d/approve", eid)), map[string]any{"note": "同意"}).Decode(t, &v)
	if str(v.DueOn) != "2025-04-14" || str(v.OriginalDueOn) != "2025-04-07" || v.ExtensionDays != 5 {
		t.Errorf("after the extension: due %s original %s days %d", str(v.DueOn), str(v.OriginalDueOn), v.ExtensionDays)
	}
	// one extension only, even after it was approved
	post(t, s, 409, op, disPath(d.ID, "/extensions"), map[string]any{"workdays": 3, "reason": "再次延期"})
	post(t, s, 404, mgr, disPath(d.ID, fmt.Sprintf("/extensions/%d/reject", eid)), nil)

	// decided before receipt is refused; then answered
	r := post(t, s, 422, op, disPath(d.ID, "/decision"), map[string]any{"outcome": "disclose", "reply": "予以公开", "decided_on": "2025-03-01"})
	expectField(t, r, "decided_on")
	post(t, s, 200, op, disPath(d.ID, "/decision"), map[string]any{"outcome": "partial", "reply": "部分公开,涉及商业秘密部分不予公开", "decided_on": "2025-04-10"}).Decode(t, &v)
	if v.Status != "decided" || str(v.Outcome) != "partial" || str(v.DecidedOn) != "2025-04-10" || v.OutcomeLabel == "" {
		t.Errorf("decided: %+v", v)
	}
	post(t, s, 409, op, disPath(d.ID, "/decision"), map[string]any{"outcome": "disclose", "reply": "再答", "decided_on": "2025-04-11"})

	got := getDisclosure(t, s, op, d.ID)
	want := []string{"create", "consult", "consult_answer", "request_extension", "approve_extension", "decide"}
	if !slices.Equal(got.actions(), want) {
		t.Fatalf("timeline %v, want %v", got.actions(), want)
	}
	last := got.Events[len(got.Events)-1]
	if str(last.FromStatus) != "processing" || str(last.ToStatus) != "decided" || last.Actor == "" {
		t.Errorf("decision event %+v", last)
	}
	if len(got.Extensions) != 1 || got.Extensions[0].Status != "approved" {
		t.Errorf("extensions %+v", got.Extensions)
	}
	tr = s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/public/disclosure-requests/" + d.Code + "?secret=" + d.Secret}).Map(t)
	if tr["status_label"] != "已答复" || tr["reply"] != "部分公开,涉及商业秘密部分不予公开" {
		t.Errorf("tracking after the decision: %v", tr)
	}
}

// TestDisclosurePortal submits through the portal: no receipt day until an
// operator confirms it.
func TestDisclosurePortal(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	op := s.User(t, "operator", "")
	body := application("")
	delete(body, "received_on")
	delete(body, "submitted_via")
	var rec struct {
		Code, Secret, Status string
	}
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/public/disclosure-requests", Body: body}).Decode(t, &rec)
	if rec.Code == "" || rec.Secret == "" || rec.Status != "unconfirmed" {
		t.Fatalf("portal receipt %+v", rec)
	}
	r := s.Expect(t, 422, testenv.Req{Method: "POST", Path: "/api/v1/public/disclosure-requests", Body: application("2025-03-03")})
	expectField(t, r, "received_on")

	var list struct {
		Items []disclosure `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: disclosureBase + "?status=unconfirmed", Token: op}).Decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ReceivedOn != nil || list.Items[0].DueOn != nil {
		t.Fatalf("unconfirmed list %+v", list.Items)
	}
	id := list.Items[0].ID
	// no clock yet: nothing but confirming is possible
	post(t, s, 409, op, disPath(id, "/decision"), map[string]any{"outcome": "disclose", "reply": "x", "decided_on": s.Core.Now().Format("2006-01-02")})
	r = post(t, s, 422, op, disPath(id, "/confirm"), map[string]any{"received_on": "2025-01-02"})
	expectField(t, r, "received_on")
	today := s.Core.Now().Format("2006-01-02")
	var v disclosure
	post(t, s, 200, op, disPath(id, "/confirm"), map[string]any{"received_on": today}).Decode(t, &v)
	cal, err := s.Core.Calendar(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	td, _ := domain.ParseDate(today)
	want := domain.WorkdayAfter(cal, td, 20).String()
	if v.Status != "processing" || str(v.ReceivedOn) != today || str(v.DueOn) != want {
		t.Errorf("confirmed: status %s received %s due %s, want due %s", v.Status, str(v.ReceivedOn), str(v.DueOn), want)
	}
	post(t, s, 409, op, disPath(id, "/confirm"), map[string]any{"received_on": today})
	if a := getDisclosure(t, s, op, id).actions(); !slices.Equal(a, []string{"submit", "confirm"}) {
		t.Errorf("timeline %v", a)
	}
}

// TestDisclosureCorrectionAndFee: a 补正 within 7 working days restarts the
// clock; a fee notice's days until payment do not count.
func TestDisclosureCorrectionAndFee(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	op := s.User(t, "operator", "")
	d := createDisclosure(t, s, op, application("2025-09-26", map[string]any{"applicant_type": "commercial", "org_name": "某科技有限公司"}))
	if str(d.DueOn) != "2025-10-30" {
		t.Fatalf("due_on %s, want 2025-10-30 (National Day)", str(d.DueOn))
	}
	// the 7th working day after 26 September is 13 October
	r := post(t, s, 422, op, disPath(d.ID, "/corrections"), map[string]any{"asked_on": "2025-10-14", "what": "请明确所需信息的文件名称", "reply_by": "2025-10-31"})
	expectField(t, r, "asked_on")
	cid := idOf(t, post(t, s, 201, op, disPath(d.ID, "/corrections"), map[string]any{"asked_on": "2025-10-13", "what": "请明确所需信息的文件名称", "reply_by": "2025-10-31"}))
	if got := getDisclosure(t, s, op, d.ID); got.Status != "awaiting_correction" {
		t.Fatalf("status %s", got.Status)
	}
	post(t, s, 409, op, disPath(d.ID, "/corrections"), map[string]any{"asked_on": "2025-10-13", "what": "再次补正", "reply_by": "2025-10-31"})
	var v disclosure
	post(t, s, 200, op, disPath(d.ID, fmt.Sprintf("/corrections/%d/received", cid)), map[string]any{"received_on": "2025-10-20"}).Decode(t, &v)
	if v.Status != "processing" || str(v.ClockStartOn) != "2025-10-20" || str(v.DueOn) != "2025-11-17" {
		t.Fatalf("after the supplement: %s start %s due %s, want 2025-11-17", v.Status, str(v.ClockStartOn), str(v.DueOn))
	}
	// once only, even after the supplement came
	post(t, s, 409, op, disPath(d.ID, "/corrections"), map[string]any{"asked_on": "2025-10-13", "what": "再次补正", "reply_by": "2025-10-31"})

	var fee struct {
		ID    int64  `json:"id"`
		PayBy string `json:"pay_by"`
	}
	// JSON has no NaN or Inf: the decoder refuses them as 400s on the field
	for _, raw := range []string{`"NaN"`, `1e999`, `-1e999`} {
		r = post(t, s, 400, op, disPath(d.ID, "/fees"), `{"notified_on": "2025-10-22", "amount_yuan": `+raw+`}`)
		expectField(t, r, "amount_yuan")
	}
	expectField(t, post(t, s, 422, op, disPath(d.ID, "/fees"), map[string]any{"notified_on": "2025-10-22", "amount_yuan": 0}), "amount_yuan")
	post(t, s, 201, op, disPath(d.ID, "/fees"), map[string]any{"notified_on": "2025-10-22", "amount_yuan": 100}).Decode(t, &fee)
	if fee.PayBy != "2025-11-19" {
		t.Errorf("pay_by %s, want 2025-11-19", fee.PayBy)
	}
	r = post(t, s, 422, op, disPath(d.ID, fmt.Sprintf("/fees/%d/paid", fee.ID)), map[string]any{"paid_on": "2025-11-20"})
	expectField(t, r, "paid_on")
	post(t, s, 200, op, disPath(d.ID, fmt.Sprintf("/fees/%d/paid", fee.ID)), map[string]any{"paid_on": "2025-10-24"}).Decode(t, &v)
	if v.Status != "processing" || str(v.DueOn) != "2025-11-19" {
		t.Errorf("after payment: %s due %s, want 2025-11-19", v.Status, str(v.DueOn))
	}
	post(t, s, 200, op, disPath(d.ID, "/decision"), map[string]any{"outcome": "disclose", "reply": "予以公开", "decided_on": "2025-11-18"})
	want := []string{"create", "ask_correction", "correction_arrived", "fee_notice", "fee_paid", "decide"}
	if a := getDisclosure(t, s, op, d.ID).actions(); !slices.Equal(a, want) {
		t.Errorf("timeline %v, want %v", a, want)
	}
}

// TestDisclosureSweep lets the worker's sweep remind, escalate and abandon,
// each once, with notices to managers.
func TestDisclosureSweep(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	op, mgr := s.User(t, "operator", ""), s.User(t, "manager", "")
	cal, err := s.Core.Calendar(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// received so that the reminder (4/5 of 20 working days) has passed and
	// the due date has not
	today := domain.DateOf(s.Core.Now())
	recv := today
	for !domain.WorkdayAfter(cal, recv, 17).Before(today) {
		recv = recv.AddDays(-1)
	}
	if !domain.WorkdayAfter(cal, recv, 20).After(today) {
		t.Fatalf("no receipt day puts today between the reminder and the due date")
	}
	remind := createDisclosure(t, s, op, application(recv.String()))
	late := createDisclosure(t, s, op, application("2025-03-03"))
	noCorr := createDisclosure(t, s, op, application("2025-03-03"))
	post(t, s, 201, op, disPath(noCorr.ID, "/corrections"), map[string]any{"asked_on": "2025-03-04", "what": "请补充身份证明", "reply_by": "2025-03-20"})
	noFee := createDisclosure(t, s, op, application("2025-03-03"))
	post(t, s, 201, op, disPath(noFee.ID, "/fees"), map[string]any{"notified_on": "2025-03-05", "amount_yuan": 50})
	s.StartWorker()

	testenv.Eventually(t, 20*time.Second, "the sweep to act on every application", func() bool {
		return getDisclosure(t, s, op, late.ID).Overdue && getDisclosure(t, s, op, noCorr.ID).Status == "decided" &&
			getDisclosure(t, s, op, noFee.ID).Status == "decided" && slices.Contains(getDisclosure(t, s, op, remind.ID).actions(), "remind")
	})
	if got := getDisclosure(t, s, op, noCorr.ID); str(got.Outcome) != "other_no_correction" || str(got.DecidedOn) != "2025-03-21" {
		t.Errorf("no supplement: %s on %s", str(got.Outcome), str(got.DecidedOn))
	}
	if got := getDisclosure(t, s, op, noFee.ID); str(got.Outcome) != "other_no_fee" || str(got.DecidedOn) != "2025-04-03" {
		t.Errorf("no fee: %s on %s", str(got.Outcome), str(got.DecidedOn))
	}
	if got := getDisclosure(t, s, op, remind.ID); got.Overdue || got.Status != "processing" {
		t.Errorf("the reminded application: overdue %v status %s", got.Overdue, got.Status)
	}
	if !hasNotification(t, s, mgr, "disclosure_overdue", late.Code) || !hasNotification(t, s, mgr, "disclosure_reminded", remind.Code) {
		t.Error("managers were not told")
	}
	// further sweeps change nothing
	if n, err := s.Core.SweepDisclosure(context.Background()); err != nil || n != 0 {
		t.Errorf("a second sweep changed %d (%v)", n, err)
	}
	for _, id := range []int64{late.ID, remind.ID} {
		got := getDisclosure(t, s, op, id)
		n := 0
		for _, a := range got.actions() {
			if a == "overdue" || a == "remind" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("application %d: %v", id, got.actions())
		}
	}
	// overdue: the extension comes too late
	post(t, s, 409, op, disPath(late.ID, "/extensions"), map[string]any{"workdays": 5, "reason": "迟了"})
}

func TestDisclosureCases(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	op := s.User(t, "operator", "")
	d := createDisclosure(t, s, op, application("2025-03-03"))
	var c struct {
		ID        int64   `json:"id"`
		RequestID *int64  `json:"request_id"`
		Kind      string  `json:"kind"`
		Result    *string `json:"result"`
		Note      string  `json:"note"`
	}
	post(t, s, 201, op, "/api/v1/disclosure-cases", map[string]any{"request_id": d.ID, "kind": "reconsideration", "filed_on": "2025-05-06", "result": nil}).Decode(t, &c)
	if c.Result != nil || c.Kind != "reconsideration" || c.RequestID == nil || *c.RequestID != d.ID {
		t.Fatalf("case %+v", c)
	}
	path := fmt.Sprintf("/api/v1/disclosure-cases/%d", c.ID)
	s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: path, Token: op, Body: map[string]any{"result": "upheld"}}).Decode(t, &c)
	if str(c.Result) != "upheld" {
		t.Errorf("result %s", str(c.Result))
	}
	s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: path, Token: op, Body: map[string]any{"note": "复议机关维持"}}).Decode(t, &c)
	if str(c.Result) != "upheld" || c.Note != "复议机关维持" {
		t.Errorf("a note changed the result: %+v", c)
	}
	s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: path, Token: op, Body: map[string]any{"result": nil}}).Decode(t, &c)
	if c.Result != nil {
		t.Errorf("result null did not make it pending: %s", str(c.Result))
	}
	s.Expect(t, 404, testenv.Req{Method: "PATCH", Path: "/api/v1/disclosure-cases/999999", Token: op, Body: map[string]any{"result": "other"}})

	// every change is on the application's timeline, the status unchanged
	var notes []string
	for _, e := range getDisclosure(t, s, op, d.ID).Events {
		if e.Action == "case_filed" || e.Action == "case_changed" {
			if str(e.FromStatus) != d.Status || str(e.ToStatus) != d.Status || e.Actor == "" {
				t.Errorf("case event %+v: want from and to %s and an actor", e, d.Status)
			}
			notes = append(notes, e.Action+" "+e.Note)
		}
	}
	name := fmt.Sprintf("行政复议案件 #%d", c.ID)
	want := []string{"case_filed " + name + "(立案日期 2025-05-06,尚未审结)", "case_changed " + name + ":审理结果:尚未审结 → 结果维持",
		"case_changed " + name + ":备注:复议机关维持", "case_changed " + name + ":审理结果:结果维持 → 尚未审结"}
	if strings.Join(notes, "|") != strings.Join(want, "|") {
		t.Errorf("case events on the timeline:\n%s\nwant\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
	}
	// moved to another application: an event on each
	d2 := createDisclosure(t, s, op, application("2025-03-04"))
	s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: path, Token: op, Body: map[string]any{"request_id": d2.ID}})
	if a := getDisclosure(t, s, op, d.ID).actions(); a[len(a)-1] != "case_changed" {
		t.Errorf("the first application's timeline after the move: %v", a)
	}
	if ev := getDisclosure(t, s, op, d2.ID).Events; ev[len(ev)-1].Action != "case_filed" || !strings.Contains(ev[len(ev)-1].Note, "改为关联本申请") {
		t.Errorf("the second application's timeline after the move: %+v", ev[len(ev)-1])
	}
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/disclosure-cases?year=2025", Token: op}).Decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != c.ID {
		t.Errorf("2025 cases %+v", list.Items)
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/disclosure-cases?year=2024", Token: op}).Decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("2024 cases %+v", list.Items)
	}
}

// TestDisclosureListPaging pages and filters the list.
func TestDisclosureListPaging(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	op := s.User(t, "operator", "")
	var ids []int64
	for i := range 5 {
		typ := "natural"
		extra := map[string]any{}
		if i%2 == 1 {
			typ = "research"
			extra["org_name"] = "某研究院"
		}
		extra["applicant_type"] = typ
		ids = append(ids, createDisclosure(t, s, op, application(fmt.Sprintf("2025-03-%02d", 3+i), extra)).ID)
	}
	post(t, s, 200, op, disPath(ids[0], "/decision"), map[string]any{"outcome": "unable_not_held", "reply": "本机关不掌握", "decided_on": "2025-03-10"})
	var seen []int64
	cursor := ""
	for range 10 {
		var page struct {
			Items      []disclosure `json:"items"`
			NextCursor *string      `json:"next_cursor"`
		}
		s.Expect(t, 200, testenv.Req{Method: "GET", Path: disclosureBase + "?limit=2&cursor=" + url.QueryEscape(cursor), Token: op}).Decode(t, &page)
		for _, it := range page.Items {
			seen = append(seen, it.ID)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	slices.Reverse(ids)
	if !slices.Equal(seen, ids) {
		t.Errorf("pages gave %v, want %v", seen, ids)
	}
	count := func(q string) int {
		var page struct {
			Items []disclosure `json:"items"`
		}
		s.Expect(t, 200, testenv.Req{Method: "GET", Path: disclosureBase + "?" + q, Token: op}).Decode(t, &page)
		return len(page.Items)
	}
	for q, want := range map[string]int{"applicant_type=research": 2, "outcome=unable_not_held": 1, "status=processing": 4,
		"from=2025-03-05&to=2025-03-07": 2, "overdue=true": 0} {
		if got := count(q); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
	expectField(t, s.Expect(t, 422, testenv.Req{Method: "GET", Path: disclosureBase + "?outcome=withhold", Token: op}), "outcome")
	expectField(t, s.Expect(t, 422, testenv.Req{Method: "GET", Path: disclosureBase + "?from=2025-3-1", Token: op}), "from")
}

// TestDisclosureBadInput: every refusal is a 422 naming the field.
func TestDisclosureBadInput(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	op, mgr := s.User(t, "operator", ""), s.User(t, "manager", "")
	d := createDisclosure(t, s, op, application("2025-03-03"))
	tomorrow := s.Core.Now().AddDate(0, 0, 1).Format("2006-01-02")
	without := func(k string) map[string]any { b := application("2025-03-03"); delete(b, k); return b }
	cases := []struct {
		name, method, path, token string
		body                      any
		field                     string
	}{
		{"no applicant type", "POST", disclosureBase, op, without("applicant_type"), "applicant_type"},
		{"unknown applicant type", "POST", disclosureBase, op, application("2025-03-03", map[string]any{"applicant_type": "company"}), "applicant_type"},
		{"organisation without its name", "POST", disclosureBase, op, application("2025-03-03", map[string]any{"applicant_type": "legal_service"}), "org_name"},
		{"no name", "POST", disclosureBase, op, without("applicant_name"), "applicant_name"},
		{"no description", "POST", disclosureBase, op, without("description"), "description"},
		{"no way to reach", "POST", disclosureBase, op, without("phone"), "phone"},
		{"bad phone", "POST", disclosureBase, op, application("2025-03-03", map[string]any{"phone": "12"}), "phone"},
		{"bad email", "POST", disclosureBase, op, application("2025-03-03", map[string]any{"email": "nobody"}), "email"},
		{"bad delivery form", "POST", disclosureBase, op, application("2025-03-03", map[string]any{"delivery_form": "fax"}), "delivery_form"},
		{"no submitted_via", "POST", disclosureBase, op, without("submitted_via"), "submitted_via"},
		{"no receipt day", "POST", disclosureBase, op, without("received_on"), "received_on"},
		{"impossible receipt day", "POST", disclosureBase, op, application("2025-02-30"), "received_on"},
		{"receipt day in the future", "POST", disclosureBase, op, application(tomorrow), "received_on"},
		{"portal: not online", "POST", "/api/v1/public/disclosure-requests", "", map[string]any{"applicant_type": "natural", "applicant_name": "王五", "phone": "13812345678", "description": "x", "submitted_via": "post"}, "submitted_via"},
		{"consultation without party", "POST", disPath(d.ID, "/consultations"), op, map[string]any{"sent_on": "2025-03-05"}, "party"},
		{"consultation before receipt", "POST", disPath(d.ID, "/consultations"), op, map[string]any{"party": "某公司", "sent_on": "2025-03-01"}, "sent_on"},
		{"correction reply_by before asked_on", "POST", disPath(d.ID, "/corrections"), op, map[string]any{"asked_on": "2025-03-05", "what": "x", "reply_by": "2025-03-04"}, "reply_by"},
		{"correction without what", "POST", disPath(d.ID, "/corrections"), op, map[string]any{"asked_on": "2025-03-05", "reply_by": "2025-03-20"}, "what"},
		{"fee of nothing", "POST", disPath(d.ID, "/fees"), op, map[string]any{"notified_on": "2025-03-05", "amount_yuan": 0}, "amount_yuan"},
		{"extension of 21 days", "POST", disPath(d.ID, "/extensions"), op, map[string]any{"workdays": 21, "reason": "x"}, "workdays"},
		{"extension without reason", "POST", disPath(d.ID, "/extensions"), op, map[string]any{"workdays": 5}, "reason"},
		{"unknown outcome", "POST", disPath(d.ID, "/decision"), op, map[string]any{"outcome": "withhold", "reply": "x", "decided_on": "2025-03-10"}, "outcome"},
		{"decision without reply", "POST", disPath(d.ID, "/decision"), op, map[string]any{"outcome": "disclose", "decided_on": "2025-03-10"}, "reply"},
		{"abandonment while processing", "POST", disPath(d.ID, "/decision"), op, map[string]any{"outcome": "other_no_fee", "reply": "x", "decided_on": "2025-03-10"}, "outcome"},
		{"case kind", "POST", "/api/v1/disclosure-cases", op, map[string]any{"kind": "appeal", "filed_on": "2025-03-10"}, "kind"},
		{"case without filed_on", "POST", "/api/v1/disclosure-cases", op, map[string]any{"kind": "reconsideration"}, "filed_on"},
		{"case result", "POST", "/api/v1/disclosure-cases", op, map[string]any{"kind": "reconsideration", "filed_on": "2025-03-10", "result": "won"}, "result"},
		{"case of no application", "POST", "/api/v1/disclosure-cases", op, map[string]any{"request_id": 999999, "kind": "reconsideration", "filed_on": "2025-03-10"}, "request_id"},
		{"table 二 incomplete", "PUT", "/api/v1/reports/disclosure/2025/active", mgr, map[string]any{"regulations": map[string]any{"issued": 1}}, "regulations.repealed"},
		{"table 二 negative", "PUT", "/api/v1/reports/disclosure/2025/active", mgr, activeFigures(map[string]any{"penalty_decisions": -1}), "penalty_decisions"},
		{"report year", "GET", "/api/v1/reports/disclosure?year=1999", mgr, nil, "year"},
	}
	for _, c := range cases {
		r := s.Do(t, testenv.Req{Method: c.method, Path: c.path, Token: c.token, Body: c.body})
		if r.Status != 422 {
			t.Errorf("%s: got %s", c.name, r)
			continue
		}
		if c.field != "" {
			expectField(t, r, c.field)
		}
	}
	// nothing half-written: the application is untouched
	if a := getDisclosure(t, s, op, d.ID).actions(); !slices.Equal(a, []string{"create"}) {
		t.Errorf("timeline after refusals %v", a)
	}
}

func activeFigures(extra map[string]any) map[string]any {
	b := map[string]any{
		"regulations":           map[string]any{"issued": 1, "repealed": 0, "in_force": 12},
		"normative_documents":   map[string]any{"issued": 5, "repealed": 2, "in_force": 40},
		"licensing_decisions":   1200,
		"penalty_decisions":     356,
		"enforcement_decisions": 7,
		"fees_10k_yuan":         0,
	}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

// expectField checks that a problem names the field.
func expectField(t *testing.T, r *testenv.Resp, field string) {
	t.Helper()
	var p struct {
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	r.Decode(t, &p)
	for _, e := range p.Errors {
		if e.Field == field {
			return
		}
	}
	t.Errorf("%s does not name %s", r, field)
}

// TestDisclosureExtensionFourEyes: only an operator asks for an extension
// and nobody decides the extension they asked for, even after becoming a
// manager.
func TestDisclosureExtensionFourEyes(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	mgr := s.User(t, "manager", "")
	d := createDisclosure(t, s, s.User(t, "operator", ""), application("2025-03-03"))
	post(t, s, 403, mgr, disPath(d.ID, "/extensions"), map[string]any{"workdays": 5, "reason": "信息量大"})

	admin := s.Admin(t)
	var u struct {
		ID int64 `json:"id"`
	}
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/users", Token: admin,
		Body: map[string]any{"username": "promoted", "password": "password-promoted", "role": "operator"}}).Decode(t, &u)
	eid := idOf(t, post(t, s, 201, s.Login(t, "promoted", "password-promoted"), disPath(d.ID, "/extensions"),
		map[string]any{"workdays": 5, "reason": "信息量大"}))
	patchUser(s, t, admin, u.ID, map[string]any{"role": "manager"})
	self := s.Login(t, "promoted", "password-promoted")
	post(t, s, 403, self, disPath(d.ID, fmt.Sprintf("/extensions/%d/approve", eid)), nil)
	post(t, s, 403, self, disPath(d.ID, fmt.Sprintf("/extensions/%d/reject", eid)), nil)
	if got := getDisclosure(t, s, mgr, d.ID); got.ExtensionDays != 0 || len(got.Extensions) != 1 || got.Extensions[0].Status != "pending" {
		t.Fatalf("after the refused self-approval: %d days, %+v", got.ExtensionDays, got.Extensions)
	}
	post(t, s, 200, mgr, disPath(d.ID, fmt.Sprintf("/extensions/%d/approve", eid)), nil)
}
