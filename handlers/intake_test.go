package handlers_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"hotline/hmacsig"
	"hotline/testenv"
)

type item struct {
	ID              int64              `json:"id"`
	TrackingCode    string             `json:"tracking_code"`
	Channel         string             `json:"channel"`
	Kind            string             `json:"kind"`
	Status          string             `json:"status"`
	Title           string             `json:"title"`
	Citizen         *map[string]string `json:"citizen"`
	PrimaryUnitCode *string            `json:"primary_unit_code"`
	CoUnitCodes     []string           `json:"co_unit_codes"`
	DueAt           *time.Time         `json:"due_at"`
	AcceptDueAt     *time.Time         `json:"accept_due_at"`
	ReceivedAt      time.Time          `json:"received_at"`
	RepliedAt       *time.Time         `json:"replied_at"`
	ClosedAt        *time.Time         `json:"closed_at"`
	Overdue         bool               `json:"overdue"`
	OriginalDueAt   *time.Time         `json:"original_due_at"`
	VisitDueAt      *time.Time         `json:"visit_due_at"`
	ReopenedCount   int                `json:"reopened_count"`
	MergedIntoID    *int64             `json:"merged_into_id"`
	PublishedAt     *time.Time         `json:"published_at"`
	Assignments     []struct {
		UnitCode      string     `json:"unit_code"`
		Role          string     `json:"role"`
		Status        string     `json:"status"`
		AcceptedAt    *time.Time `json:"accepted_at"`
		AcceptOverdue bool       `json:"accept_overdue"`
	} `json:"assignments"`
	Events []struct {
		Actor      string  `json:"actor"`
		Action     string  `json:"action"`
		FromStatus *string `json:"from_status"`
		ToStatus   *string `json:"to_status"`
		Note       string  `json:"note"`
	} `json:"events"`
	Replies []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		Final  bool   `json:"final"`
	} `json:"replies"`
	Ratings []struct {
		Satisfaction string `json:"satisfaction"`
	} `json:"ratings"`
	Extensions []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	} `json:"extensions"`
	Deliveries []struct {
		ID       int64  `json:"id"`
		Status   string `json:"status"`
		Attempts int    `json:"attempts"`
		To       string `json:"to"`
		Type     string `json:"type"`
	} `json:"deliveries"`
}

func (it item) actions() []string {
	var out []string
	for _, e := range it.Events {
		out = append(out, e.Action)
	}
	return out
}

func (it item) count(action string) int {
	n := 0
	for _, e := range it.Events {
		if e.Action == action {
			n++
		}
	}
	return n
}

func getItem(t *testing.T, s *testenv.Server, token string, id int64) item {
	t.Helper()
	var it item
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/%d", id), Token: token}).Decode(t, &it)
	return it
}

func waitStatus(t *testing.T, s *testenv.Server, token string, id int64, status string) item {
	t.Helper()
	var it item
	testenv.Eventually(t, 30*time.Second, fmt.Sprintf("item %d to be %s", id, status), func() bool {
		it = getItem(t, s, token, id)
		return it.Status == status
	})
	return it
}

func call(t *testing.T, s *testenv.Server, token string, body map[string]any) item {
	t.Helper()
	var it item
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: token, Body: body}).Decode(t, &it)
	return it
}

// setup is the common department: two units, a rule sending taxi complaints
// to TAXI with ROAD helping, and an operator.
func setup(t *testing.T, opts testenv.Options) (*testenv.Server, string) {
	t.Helper()
	s := testenv.NewServer(t, opts)
	s.Unit(t, "TAXI", "出租车管理处")
	s.Unit(t, "ROAD", "公路管理局")
	s.Unit(t, "BUS", "公交集团")
	s.Rule(t, map[string]any{"priority": 10, "keywords": []string{"出租车", "的士"}, "primary_unit_code": "TAXI", "co_unit_codes": []string{"ROAD"}})
	s.Rule(t, map[string]any{"priority": 20, "channel": "hotline", "kind": "consultation", "keywords": []string{"公交"}, "primary_unit_code": "BUS"})
	return s, s.User(t, "operator", "")
}

func TestCallIsRoutedToPrimaryAndCoHandlingUnits(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	created := call(t, s, op, map[string]any{"caller_name": "张三", "caller_phone": "138-1234-5678", "kind": "complaint",
		"content": "出租车司机拒载,车牌浙A12345", "region": "杭州市西湖区"})
	if created.Status != "received" || created.TrackingCode == "" || created.Channel != "hotline" {
		t.Fatalf("created: %+v", created)
	}
	if got := (*created.Citizen)["phone"]; got != "13812345678" {
		t.Errorf("operator sees the normalised phone, got %q", got)
	}
	it := waitStatus(t, s, op, created.ID, "dispatched")
	if it.PrimaryUnitCode == nil || *it.PrimaryUnitCode != "TAXI" || len(it.CoUnitCodes) != 1 || it.CoUnitCodes[0] != "ROAD" {
		t.Fatalf("routed to %v + %v", it.PrimaryUnitCode, it.CoUnitCodes)
	}
	if it.DueAt == nil || it.AcceptDueAt == nil || !it.DueAt.After(it.ReceivedAt) {
		t.Fatalf("deadlines not set: due %v accept %v", it.DueAt, it.AcceptDueAt)
	}
	if got := it.actions(); len(got) != 2 || got[0] != "created" || got[1] != "routed" {
		t.Fatalf("events %v", got)
	}
	if it.Events[1].Actor != "system" || *it.Events[1].FromStatus != "received" || *it.Events[1].ToStatus != "dispatched" {
		t.Errorf("routed event %+v", it.Events[1])
	}
	if len(it.Assignments) != 2 || it.Assignments[0].Role != "primary" || it.Assignments[1].Role != "co" {
		t.Errorf("assignments %+v", it.Assignments)
	}
}

func TestRulesApplyInPriorityOrderOnChannelKindAndKeywords(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	// matches both rules' keywords; priority 10 (TAXI) wins over 20 (BUS)
	both := call(t, s, op, map[string]any{"caller_phone": "13900000001", "kind": "consultation", "content": "公交站旁出租车乱停"})
	// a consultation about buses: only the BUS rule
	bus := call(t, s, op, map[string]any{"caller_phone": "13900000002", "kind": "consultation", "content": "公交线路咨询"})
	// a complaint about buses: the BUS rule is for consultations only
	none := call(t, s, op, map[string]any{"caller_phone": "13900000003", "kind": "complaint", "content": "公交司机态度差"})
	if it := waitStatus(t, s, op, both.ID, "dispatched"); *it.PrimaryUnitCode != "TAXI" {
		t.Errorf("priority: routed to %s", *it.PrimaryUnitCode)
	}
	if it := waitStatus(t, s, op, bus.ID, "dispatched"); *it.PrimaryUnitCode != "BUS" {
		t.Errorf("kind rule: routed to %s", *it.PrimaryUnitCode)
	}
	it := waitStatus(t, s, op, none.ID, "pending_dispatch")
	if it.PrimaryUnitCode != nil || it.count("routed") != 1 {
		t.Errorf("unmatched item: unit %v events %v", it.PrimaryUnitCode, it.actions())
	}
}

func TestUnmatchedItemIsDispatchedByHand(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	created := call(t, s, op, map[string]any{"caller_phone": "13900000003", "kind": "help", "content": "高速公路上车辆抛锚"})
	waitStatus(t, s, op, created.ID, "pending_dispatch")
	var it item
	s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/dispatch", created.ID), Token: op,
		Body: map[string]any{"primary_unit_code": "ROAD", "co_unit_codes": []string{"TAXI", "ROAD"}, "note": "路政处置"}}).Decode(t, &it)
	if it.Status != "dispatched" || *it.PrimaryUnitCode != "ROAD" || len(it.CoUnitCodes) != 1 || it.CoUnitCodes[0] != "TAXI" {
		t.Fatalf("dispatched: %+v", it)
	}
	it = getItem(t, s, op, created.ID)
	if got := it.actions(); strings.Join(got, ",") != "created,routed,dispatched" {
		t.Fatalf("events %v", got)
	}
	// dispatching again is a conflict, dispatching to an unknown unit a field error
	s.Expect(t, 409, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/dispatch", created.ID), Token: op,
		Body: map[string]any{"primary_unit_code": "ROAD"}})
	other := call(t, s, op, map[string]any{"caller_phone": "13900000004", "kind": "help", "content": "其他求助"})
	waitStatus(t, s, op, other.ID, "pending_dispatch")
	r := s.Expect(t, 422, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/dispatch", other.ID), Token: op,
		Body: map[string]any{"primary_unit_code": "NOPE"}})
	expectProblemField(t, r, "primary_unit_code")
}

func TestAnsweredOnCallIsNotRouted(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	it := call(t, s, op, map[string]any{"caller_phone": "13900000005", "kind": "consultation", "content": "出租车起步价多少?",
		"answered_on_call": true, "answer": "起步价13元"})
	if it.Status != "answered" || it.RepliedAt == nil {
		t.Fatalf("answered call: %+v", it)
	}
	// a call logged after it gets routed: the worker has been routing since
	// the answered call came in, and left that one alone
	later := call(t, s, op, map[string]any{"caller_phone": "13900000006", "kind": "complaint", "content": "出租车拒载"})
	waitStatus(t, s, op, later.ID, "dispatched")
	got := getItem(t, s, op, it.ID)
	if got.Status != "answered" || got.PrimaryUnitCode != nil || got.count("routed") != 0 {
		t.Fatalf("answered item changed: %+v %v", got.Status, got.actions())
	}
	// answered_on_call without an answer names the field
	r := s.Expect(t, 422, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op,
		Body: map[string]any{"caller_phone": "13900000005", "kind": "consultation", "content": "x", "answered_on_call": true}})
	expectProblemField(t, r, "answer")
}

func TestLetterGivesTrackingCodeAndSecret(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	var receipt struct {
		TrackingCode string `json:"tracking_code"`
		Secret       string `json:"secret"`
		Status       string `json:"status"`
	}
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/public/letters", Body: map[string]any{
		"name": "李四", "email": "lisi@example.com", "kind": "suggestion", "title": "建议增加夜班公交",
		"content": "建议在城西增加夜班公交线路", "publish_consent": true}}).Decode(t, &receipt)
	if receipt.TrackingCode == "" || len(receipt.Secret) < 13 || receipt.Status != "received" {
		t.Fatalf("receipt %+v", receipt)
	}
	var list struct {
		Items []item `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?channel=mailbox", Token: op}).Decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].TrackingCode != receipt.TrackingCode {
		t.Fatalf("mailbox items %+v", list.Items)
	}
	// the letter matches no rule: it waits for an operator
	waitStatus(t, s, op, list.Items[0].ID, "pending_dispatch")
}

func signed(t *testing.T, s *testenv.Server, secret string, ts int64, body []byte) *testenv.Resp {
	t.Helper()
	return s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/webhooks/microblog", Body: body, Header: map[string]string{
		hmacsig.HeaderTimestamp: strconv.FormatInt(ts, 10),
		hmacsig.HeaderSignature: hmacsig.Sign([]byte(secret), ts, body),
	}})
}

func TestMicroblogWebhookSignatureAndDedupe(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	body := []byte(`{"post_id":"M100","author_id":"u42","author_name":"路人甲","text":"@交通运输厅 的士绕路怎么投诉?","url":"https://weibo.example/M100","kind":"complaint","extra":"ignored"}`)
	now := time.Now().Unix()
	first := signed(t, s, testenv.WebhookSecret, now, body)
	if first.Status != 202 {
		t.Fatalf("signed post: %s", first)
	}
	again := signed(t, s, testenv.WebhookSecret, now, body)
	a, b := first.Map(t), again.Map(t)
	if again.Status != 202 || a["id"] != b["id"] || a["tracking_code"] != b["tracking_code"] {
		t.Fatalf("same post_id gave another item: %v vs %v", a, b)
	}
	if r := signed(t, s, "wrong-secret", now, body); r.Status != 401 {
		t.Errorf("wrong secret: %s", r)
	}
	if r := signed(t, s, testenv.WebhookSecret, now-301, body); r.Status != 401 {
		t.Errorf("stale signature: %s", r)
	}
	tampered := bytes.Replace(body, []byte("M100"), []byte("M101"), 1)
	r := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/webhooks/microblog", Body: tampered, Header: map[string]string{
		hmacsig.HeaderTimestamp: strconv.FormatInt(now, 10), hmacsig.HeaderSignature: hmacsig.Sign([]byte(testenv.WebhookSecret), now, body)}})
	if r.Status != 401 {
		t.Errorf("body changed after signing: %s", r)
	}
	if r := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/webhooks/microblog", Body: body}); r.Status != 401 {
		t.Errorf("no signature: %s", r)
	}
	id := int64(a["id"].(float64))
	it := waitStatus(t, s, op, id, "dispatched") // 的士 → TAXI
	if it.Channel != "microblog" || *it.PrimaryUnitCode != "TAXI" {
		t.Fatalf("microblog item %+v", it)
	}
	var count int
	if err := s.DB(t).Get(&count, `SELECT count(*) FROM items`); err != nil || count != 1 {
		t.Fatalf("items stored: %d (%v)", count, err)
	}
}

func TestWebhookWithoutSecretIsOff(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true, Env: map[string]string{"HOTLINE_WEBHOOK_SECRET": "", "HOTLINE_PLATFORM_API_KEY": ""}})
	body := []byte(`{"post_id":"1","author_id":"a","text":"t"}`)
	if r := signed(t, s, "", time.Now().Unix(), body); r.Status != 503 {
		t.Errorf("webhook without secret: %s", r)
	}
	r := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/platform/items", Body: map[string]any{"external_id": "1", "kind": "help", "content": "x"},
		Header: map[string]string{"X-Api-Key": ""}})
	if r.Status != 503 {
		t.Errorf("platform without key: %s", r)
	}
}

func TestPlatformItemsAreIdempotentByExternalID(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	due := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	body := map[string]any{"external_id": "P-2026-001", "kind": "complaint", "title": "出租车拒载", "content": "省长信箱转办:出租车拒载",
		"citizen_name": "王五", "citizen_phone": "+86 139 1234 0000", "due_at": due.Format(time.RFC3339)}
	key := map[string]string{"X-Api-Key": "platform-key"}
	var first, second item
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/platform/items", Body: body, Header: key}).Decode(t, &first)
	s.Expect(t, 200, testenv.Req{Method: "POST", Path: "/api/v1/platform/items", Body: body, Header: key}).Decode(t, &second)
	if first.ID != second.ID {
		t.Fatalf("same external_id gave items %d and %d", first.ID, second.ID)
	}
	if r := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/platform/items", Body: body, Header: map[string]string{"X-Api-Key": "nope"}}); r.Status != 401 {
		t.Errorf("wrong key: %s", r)
	}
	it := waitStatus(t, s, op, first.ID, "dispatched")
	if it.DueAt == nil || !it.DueAt.Equal(due) {
		t.Errorf("upstream due_at %v not kept: %v", due, it.DueAt)
	}
	if (*it.Citizen)["phone"] != "13912340000" {
		t.Errorf("phone not normalised: %v", *it.Citizen)
	}
}

func TestIdempotencyKeyReplaysAndConflicts(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{NoWorker: true})
	body := map[string]any{"caller_phone": "13900000006", "kind": "help", "content": "车辆故障求助"}
	hdr := map[string]string{"Idempotency-Key": "call-0001"}
	first := s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Body: body, Header: hdr})
	second := s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Body: body, Header: hdr})
	if !bytes.Equal(first.Body, second.Body) {
		t.Fatalf("replay differs:\n%s\n%s", first.Body, second.Body)
	}
	if second.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay not marked")
	}
	body["content"] = "另一件事"
	r := s.Expect(t, 409, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Body: body, Header: hdr})
	if p := r.Map(t); p["code"] != "idempotency_conflict" {
		t.Errorf("problem %v", p)
	}
	// keys belong to their account: another operator's same key is a new request
	op2 := s.User(t, "operator", "")
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op2, Body: body, Header: hdr})
	// concurrent requests with one key create one item
	body["content"] = "并发"
	hdr = map[string]string{"Idempotency-Key": "call-0002"}
	done := make(chan *testenv.Resp, 8)
	for range 8 {
		go func() {
			r, err := s.TryDo(testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Body: body, Header: hdr})
			if err != nil {
				r = &testenv.Resp{Status: 599}
			}
			done <- r
		}()
	}
	ids := map[string]bool{}
	for range 8 {
		r := <-done
		// the losers wait for the winner's response and replay it
		if r.Status != 201 {
			t.Errorf("concurrent request: %s", r)
			continue
		}
		ids[fmt.Sprint(r.Map(t)["id"])] = true
	}
	if len(ids) != 1 {
		t.Errorf("concurrent requests with one key created %d items", len(ids))
	}
	var count int
	if err := s.DB(t).Get(&count, `SELECT count(*) FROM items`); err != nil || count != 3 {
		t.Fatalf("want 3 items, have %d (%v)", count, err)
	}
}

func expectProblemField(t *testing.T, r *testenv.Resp, field string) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("content type %q", ct)
	}
	var p struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Code   string `json:"code"`
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	r.Decode(t, &p)
	if p.Status != r.Status || p.Title == "" || p.Code == "" || p.Type == "" {
		t.Errorf("problem document %s", r.Body)
	}
	for _, e := range p.Errors {
		if e.Field == field {
			return
		}
	}
	t.Errorf("problem does not name %q: %s", field, r.Body)
}

func TestBadInputGetsProblemsNamingTheField(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{NoWorker: true})
	cases := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"bad JSON", `{"kind":`, 400, "body"},
		{"not an object", `[1,2]`, 400, "body"},
		{"unknown field", map[string]any{"caller_phone": "13900000000", "kind": "help", "content": "x", "colour": "red"}, 400, "colour"},
		{"wrong type", map[string]any{"caller_phone": 13900000000, "kind": "help", "content": "x"}, 400, "caller_phone"},
		{"unknown enum", map[string]any{"caller_phone": "13900000000", "kind": "gossip", "content": "x"}, 422, "kind"},
		{"missing content", map[string]any{"caller_phone": "13900000000", "kind": "help"}, 422, "content"},
		{"missing phone", map[string]any{"kind": "help", "content": "x"}, 422, "caller_phone"},
		{"bad phone", map[string]any{"caller_phone": "call me", "kind": "help", "content": "x"}, 422, "caller_phone"},
		{"oversized title", map[string]any{"caller_phone": "13900000000", "kind": "help", "content": "x", "title": strings.Repeat("长", 201)}, 422, "title"},
		{"oversized content", map[string]any{"caller_phone": "13900000000", "kind": "help", "content": strings.Repeat("字", 10001)}, 422, "content"},
		{"two values", `{"kind":"help"} {}`, 400, "body"},
		{"empty", ``, 400, "body"},
	}
	for _, c := range cases {
		r := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Body: c.body})
		if r.Status != c.status {
			t.Errorf("%s: want %d, got %s", c.name, c.status, r)
			continue
		}
		expectProblemField(t, r, c.field)
	}
	// over 1 MiB: 413 problem, through a real listener; the server answers
	// once it has read the headers, so the body is sent as far as it lets us
	status, ctype := postRaw(t, s.URL, "/api/v1/calls", op, 2<<20)
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(ctype, "problem+json") {
		t.Errorf("2 MiB body: %d %s", status, ctype)
	}
	var r *testenv.Resp
	// form-encoded bodies are refused
	r = s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Body: "kind=help",
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	if r.Status != 415 {
		t.Errorf("form body: %s", r)
	}
	// a letter with a bad e-mail names it; list filters with unknown values too
	r = s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/public/letters", Body: map[string]any{"kind": "help", "title": "t", "content": "c", "email": "not-an-address"}})
	expectProblemField(t, r, "email")
	r = s.Expect(t, 422, testenv.Req{Method: "GET", Path: "/api/v1/items?status=lost", Token: op})
	expectProblemField(t, r, "status")
	r = s.Expect(t, 400, testenv.Req{Method: "GET", Path: "/api/v1/items?overdue=maybe", Token: op})
	expectProblemField(t, r, "overdue")
	var count int
	if err := s.DB(t).Get(&count, `SELECT count(*) FROM items`); err != nil || count != 0 {
		t.Fatalf("bad requests stored %d items (%v)", count, err)
	}
}

// postRaw sends a POST with a body of n bytes over a plain connection and
// reads the status and content type of the answer, tolerating the server
// closing the connection before the whole body was written.
func postRaw(t *testing.T, base, path, token string, n int) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, token, n)
	go func() {
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for sent := 0; sent < n; sent += len(chunk) {
			if _, err := conn.Write(chunk); err != nil {
				return
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read answer to a %d-byte body: %v", n, err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Content-Type")
}
