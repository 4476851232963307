package handlers_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"hotline/delivery"
	"hotline/hmacsig"
	"hotline/testenv"
)

// receiver is a delivery target that fails the first `failures` requests.
type receiver struct {
	mu       sync.Mutex
	failures int
	calls    int
	got      []delivery.Message
	badSigs  int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if hmacsig.Verify([]byte(testenv.DeliverySecret), req.Header.Get(hmacsig.HeaderTimestamp), req.Header.Get(hmacsig.HeaderSignature), body, time.Now()) != nil {
		r.badSigs++
	}
	if r.failures > 0 {
		r.failures--
		http.Error(w, "gateway down", http.StatusBadGateway)
		return
	}
	var m delivery.Message
	_ = json.Unmarshal(body, &m)
	r.got = append(r.got, m)
	w.WriteHeader(http.StatusOK)
}

func (r *receiver) messages() []delivery.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery.Message(nil), r.got...)
}

func newReceiver(t *testing.T, failures int) (*receiver, string) {
	t.Helper()
	r := &receiver{failures: failures}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv.URL
}

// answer takes a dispatched TAXI item through sign-for and a final reply.
func answer(t *testing.T, s *testenv.Server, staff string, id int64, text string) {
	t.Helper()
	post(t, s, 200, staff, itemPath(id, "/accept"), nil)
	post(t, s, 201, staff, itemPath(id, "/replies"), map[string]any{"body": text, "final": true})
}

func TestReplyDeliveredThroughAFailingTarget(t *testing.T) {
	t.Parallel()
	rec, url := newReceiver(t, 2)
	s, op := setup(t, testenv.Options{Env: map[string]string{"HOTLINE_DELIVERY_URL": url}})
	staff := s.User(t, "unit_staff", "TAXI")
	created := call(t, s, op, map[string]any{"caller_name": "张三", "caller_phone": "13812345678", "kind": "complaint", "content": "出租车拒载"})
	waitStatus(t, s, op, created.ID, "dispatched")
	answer(t, s, staff, created.ID, "已约谈司机并处罚")
	var it item
	testenv.Eventually(t, 20*time.Second, "the reply to be delivered", func() bool {
		it = getItem(t, s, op, created.ID)
		return len(it.Deliveries) == 1 && it.Deliveries[0].Status == "sent"
	})
	if it.Deliveries[0].Attempts != 3 || rec.calls != 3 {
		t.Errorf("attempts %d, receiver calls %d; want 3 (two failures, one success)", it.Deliveries[0].Attempts, rec.calls)
	}
	if rec.badSigs != 0 {
		t.Errorf("%d deliveries with a bad signature", rec.badSigs)
	}
	msgs := rec.messages()
	if len(msgs) != 1 {
		t.Fatalf("delivered %d messages", len(msgs))
	}
	m := msgs[0]
	if m.Channel != "hotline" || m.To != "13812345678" || m.Type != "reply" || !strings.Contains(m.Body, "已约谈司机并处罚") ||
		m.TrackingCode != created.TrackingCode || m.Extra["rating_url"] == "" {
		t.Errorf("message %+v", m)
	}
	if it.count("delivered") != 1 || it.count("delivery_failed") != 0 {
		t.Errorf("events %v", it.actions())
	}
	// the rating link that went with the SMS works once
	token := m.Extra["rating_token"]
	rating := map[string]any{"stars": 5, "satisfaction": "satisfied", "resolved": true, "comment": "处理及时"}
	post(t, s, 201, "", "/api/v1/public/ratings/"+token, rating)
	if r := s.Do(t, testenv.Req{Method: "POST", Path: "/api/v1/public/ratings/" + token, Body: rating}); r.Status != 410 {
		t.Errorf("a used link: %s", r)
	}
	s.Expect(t, 404, testenv.Req{Method: "POST", Path: "/api/v1/public/ratings/no-such-token", Body: rating})
	it = getItem(t, s, op, created.ID)
	if it.Status != "closed" || it.count("rated") != 1 || len(it.Ratings) != 1 {
		t.Errorf("after a satisfied rating: %s %v", it.Status, it.actions())
	}
}

func TestFailedDeliveryIsVisibleAndRetried(t *testing.T) {
	t.Parallel()
	rec, url := newReceiver(t, 1000)
	s, op := setup(t, testenv.Options{Env: map[string]string{"HOTLINE_DELIVERY_URL": url, "HOTLINE_DELIVERY_MAX_RETRY": "2"}})
	staff := s.User(t, "unit_staff", "TAXI")
	created := call(t, s, op, map[string]any{"caller_phone": "13812345678", "kind": "complaint", "content": "出租车拒载"})
	waitStatus(t, s, op, created.ID, "dispatched")
	answer(t, s, staff, created.ID, "已处理")
	var it item
	testenv.Eventually(t, 20*time.Second, "the delivery to fail", func() bool {
		it = getItem(t, s, op, created.ID)
		return len(it.Deliveries) == 1 && it.Deliveries[0].Status == "failed"
	})
	if it.Deliveries[0].Attempts != 3 || it.count("delivery_failed") != 1 {
		t.Errorf("failed after %d attempts, events %v", it.Deliveries[0].Attempts, it.actions())
	}
	if !hasNotification(t, s, op, "delivery_failed", created.TrackingCode) {
		t.Error("operators were not told")
	}
	// the target recovers; an operator retries
	rec.mu.Lock()
	rec.failures = 0
	rec.mu.Unlock()
	did := it.Deliveries[0].ID
	post(t, s, 403, staff, itemPath(created.ID, fmt.Sprintf("/deliveries/%d/retry", did)), nil)
	post(t, s, 200, op, itemPath(created.ID, fmt.Sprintf("/deliveries/%d/retry", did)), nil)
	testenv.Eventually(t, 20*time.Second, "the retried delivery to be sent", func() bool {
		it = getItem(t, s, op, created.ID)
		return it.Deliveries[0].Status == "sent"
	})
	post(t, s, 409, op, itemPath(created.ID, fmt.Sprintf("/deliveries/%d/retry", did)), nil)
	if len(rec.messages()) != 1 {
		t.Errorf("delivered %d times", len(rec.messages()))
	}
}

func TestLetterLoopTrackingVisitReopenPublish(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	s.Rule(t, map[string]any{"priority": 5, "channel": "mailbox", "primary_unit_code": "BUS"})
	staff := s.User(t, "unit_staff", "BUS")
	mgr := s.User(t, "manager", "")
	var receipt struct {
		TrackingCode string `json:"tracking_code"`
		Secret       string `json:"secret"`
	}
	post(t, s, 201, "", "/api/v1/public/letters", map[string]any{
		"name": "王小明", "phone": "13912345678", "email": "wxm@example.com", "kind": "suggestion",
		"title": "建议延长夜班公交", "publish_consent": true,
		"content": "我是王小明,电话13912345678,身份证号330102199001011234,建议K12路公交延长到23点。"}).Decode(t, &receipt)
	track := func(secret string) *testenv.Resp {
		return s.Do(t, testenv.Req{Method: "GET", Path: "/api/v1/public/track/" + receipt.TrackingCode + "?secret=" + secret})
	}
	// a wrong secret and an unknown code answer alike
	wrong, unknown := track("WRONGSECRET12345"), s.Do(t, testenv.Req{Method: "GET", Path: "/api/v1/public/track/000000-AAAAAAAA?secret=" + receipt.Secret})
	if wrong.Status != 404 || unknown.Status != 404 || string(wrong.Body) != string(unknown.Body) {
		t.Errorf("wrong secret %s vs unknown code %s", wrong, unknown)
	}
	var letters struct {
		Items []item `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?channel=mailbox", Token: op}).Decode(t, &letters)
	id := letters.Items[0].ID
	waitStatus(t, s, op, id, "dispatched")
	answer(t, s, staff, id, "感谢建议,王小明同志:K12路将于下月起延长至23:00,联系电话13912345678已登记。")
	var tv struct {
		Status  string `json:"status"`
		Replies []struct {
			Body string `json:"body"`
		} `json:"replies"`
	}
	track(receipt.Secret).Decode(t, &tv)
	if tv.Status != "replied" || len(tv.Replies) != 1 || !strings.Contains(tv.Replies[0].Body, "23:00") {
		t.Fatalf("tracking %+v", tv)
	}
	if strings.Contains(string(track(receipt.Secret).Body), "unit_staff_") {
		t.Error("tracking shows a staff account name")
	}
	// the visit falls due the next working day, listed with ?visit_due=true
	it := getItem(t, s, op, id)
	if it.VisitDueAt == nil || !it.VisitDueAt.After(*it.RepliedAt) {
		t.Fatalf("visit due %v", it.VisitDueAt)
	}
	// an unknown satisfaction names the field
	r := post(t, s, 422, op, itemPath(id, "/visits"), map[string]any{"method": "call", "satisfaction": "ecstatic", "resolved": true})
	expectProblemField(t, r, "satisfaction")
	r = post(t, s, 422, op, itemPath(id, "/visits"), map[string]any{"method": "fax", "satisfaction": "satisfied", "stars": 9})
	expectProblemField(t, r, "method")
	expectProblemField(t, r, "stars")
	expectProblemField(t, r, "resolved")
	// dissatisfied → reopened to the same unit with a fresh deadline
	post(t, s, 201, op, itemPath(id, "/visits"), map[string]any{"method": "call", "satisfaction": "dissatisfied", "stars": 2, "resolved": false, "comment": "没有落实"})
	before := getItem(t, s, op, id)
	if before.Status != "replied" {
		t.Fatalf("a dissatisfied visit closed the item: %s", before.Status)
	}
	post(t, s, 403, staff, itemPath(id, "/reopen"), map[string]any{"reason": "x"})
	var reopened item
	post(t, s, 200, op, itemPath(id, "/reopen"), map[string]any{"reason": "群众不满意,重办"}).Decode(t, &reopened)
	if reopened.Status != "accepted" || reopened.ReopenedCount != 1 || *reopened.PrimaryUnitCode != "BUS" ||
		reopened.RepliedAt != nil || !reopened.DueAt.After(*before.RepliedAt) {
		t.Fatalf("reopened %+v", reopened)
	}
	if !hasNotification(t, s, staff, "reopened", "群众不满意") {
		t.Error("the unit was not told")
	}
	post(t, s, 201, staff, itemPath(id, "/replies"), map[string]any{"body": "已协调公交公司,自本周起延长运营。", "final": true})
	post(t, s, 201, op, itemPath(id, "/visits"), map[string]any{"method": "call", "satisfaction": "satisfied", "stars": 5, "resolved": true})
	it = getItem(t, s, op, id)
	if it.Status != "closed" || len(it.Ratings) != 2 || it.Ratings[1].Satisfaction != "satisfied" {
		t.Fatalf("after the second visit: %s %+v", it.Status, it.Ratings)
	}
	// publication: managers only, personal data scrubbed from every text
	post(t, s, 403, op, itemPath(id, "/publish"), nil)
	post(t, s, 200, mgr, itemPath(id, "/publish"), nil)
	post(t, s, 409, mgr, itemPath(id, "/publish"), nil)
	var pub struct {
		Items []struct {
			Title   string `json:"title"`
			Content string `json:"content"`
			Replies []struct {
				Body string `json:"body"`
			} `json:"replies"`
		} `json:"items"`
	}
	body := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/public/letters"})
	body.Decode(t, &pub)
	if len(pub.Items) != 1 || len(pub.Items[0].Replies) != 2 {
		t.Fatalf("published %s", body.Body)
	}
	text := string(body.Body)
	for _, personal := range []string{"王小明", "13912345678", "330102199001011234", "wxm@example.com"} {
		if strings.Contains(text, personal) {
			t.Errorf("published letters contain %q: %s", personal, text)
		}
	}
	if !strings.Contains(pub.Items[0].Content, "K12路") || !strings.Contains(pub.Items[0].Content, "[电话]") {
		t.Errorf("scrubbed content %q", pub.Items[0].Content)
	}
}

func TestPublishNeedsConsent(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	s.Rule(t, map[string]any{"priority": 5, "channel": "mailbox", "primary_unit_code": "BUS"})
	staff, mgr := s.User(t, "unit_staff", "BUS"), s.User(t, "manager", "")
	post(t, s, 201, "", "/api/v1/public/letters", map[string]any{"kind": "complaint", "title": "t", "content": "内容"})
	var letters struct {
		Items []item `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?channel=mailbox", Token: op}).Decode(t, &letters)
	id := letters.Items[0].ID
	waitStatus(t, s, op, id, "dispatched")
	answer(t, s, staff, id, "答复")
	r := post(t, s, 422, mgr, itemPath(id, "/publish"), nil)
	expectProblemField(t, r, "publish_consent")
}

func TestRatingLinkExpiresAndVisitDueList(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{Env: map[string]string{"HOTLINE_RATING_LINK_TTL": "1s"}})
	it := call(t, s, op, map[string]any{"caller_phone": "13800000009", "kind": "consultation", "content": "咨询", "answered_on_call": true, "answer": "已答复"})
	var link struct {
		Token     string    `json:"token"`
		URL       string    `json:"url"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	post(t, s, 201, op, itemPath(it.ID, "/rating-links"), nil).Decode(t, &link)
	if link.Token == "" || !strings.HasSuffix(link.URL, link.Token) {
		t.Fatalf("link %+v", link)
	}
	testenv.Eventually(t, 10*time.Second, "the rating link to expire", func() bool { return time.Now().After(link.ExpiresAt) })
	r := post(t, s, 410, "", "/api/v1/public/ratings/"+link.Token, map[string]any{"stars": 4, "satisfaction": "satisfied", "resolved": true})
	if p := r.Map(t); p["code"] != "gone" {
		t.Errorf("expired link: %v", p)
	}
	// a rating with a bad enum names the field
	post(t, s, 201, op, itemPath(it.ID, "/rating-links"), nil).Decode(t, &link)
	r = post(t, s, 422, "", "/api/v1/public/ratings/"+link.Token, map[string]any{"stars": 4, "satisfaction": "meh", "resolved": true})
	expectProblemField(t, r, "satisfaction")
	// answered items fall due for a visit the next working day: none is due yet
	var list struct {
		Items []item `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?visit_due=true", Token: op}).Decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("visit due before its day: %+v", list.Items)
	}
	if _, err := s.DB(t).Exec(`UPDATE items SET visit_due_at = now() - interval '1 minute' WHERE id = $1`, it.ID); err != nil {
		t.Fatal(err)
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?visit_due=true", Token: op}).Decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != it.ID {
		t.Errorf("visit due list %+v", list.Items)
	}
	post(t, s, 201, op, itemPath(it.ID, "/visits"), map[string]any{"method": "call", "satisfaction": "dissatisfied", "resolved": false})
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?visit_due=true", Token: op}).Decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("a visited item is still due: %+v", list.Items)
	}
}

func TestDuplicatesAreFoundAndMerged(t *testing.T) {
	t.Parallel()
	rec, url := newReceiver(t, 0)
	s, op := setup(t, testenv.Options{Env: map[string]string{"HOTLINE_DELIVERY_URL": url}})
	staff := s.User(t, "unit_staff", "TAXI")
	first := call(t, s, op, map[string]any{"caller_phone": "13811112222", "kind": "complaint", "content": "西湖区文三路出租车集体拒载,晚高峰打不到车"})
	second := call(t, s, op, map[string]any{"caller_phone": "13733334444", "kind": "complaint", "content": "文三路出租车晚高峰集体拒载,打不到车"})
	third := call(t, s, op, map[string]any{"caller_phone": "13811112222", "kind": "consultation", "content": "公交卡怎么退"})
	unrelated := call(t, s, op, map[string]any{"caller_phone": "13555556666", "kind": "help", "content": "高速公路上轮胎爆了"})
	var similar struct {
		Items []struct {
			ID     int64  `json:"id"`
			Reason string `json:"reason"`
		} `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: itemPath(first.ID, "/similar"), Token: op}).Decode(t, &similar)
	found := map[int64]string{}
	for _, x := range similar.Items {
		found[x.ID] = x.Reason
	}
	if found[second.ID] != "similar_text" || found[third.ID] != "same_phone" {
		t.Errorf("similar to the first: %v", found)
	}
	if _, ok := found[unrelated.ID]; ok {
		t.Errorf("an unrelated item was found similar: %v", found)
	}
	// merge the second into the first; the first is answered; both callers are told
	r := post(t, s, 422, op, itemPath(second.ID, "/merge"), map[string]any{"into_id": second.ID})
	expectProblemField(t, r, "into_id")
	var merged item
	post(t, s, 200, op, itemPath(second.ID, "/merge"), map[string]any{"into_id": first.ID}).Decode(t, &merged)
	if merged.Status != "closed" || merged.MergedIntoID == nil || *merged.MergedIntoID != first.ID {
		t.Fatalf("merged %+v", merged)
	}
	post(t, s, 409, op, itemPath(second.ID, "/merge"), map[string]any{"into_id": third.ID})
	waitStatus(t, s, op, first.ID, "dispatched")
	answer(t, s, staff, first.ID, "已加强文三路运力调度")
	testenv.Eventually(t, 15*time.Second, "both callers to be told", func() bool {
		return len(rec.messages()) == 2
	})
	to := map[string]bool{}
	for _, m := range rec.messages() {
		to[m.To] = true
		if !strings.Contains(m.Body, "已加强文三路运力调度") {
			t.Errorf("message %q", m.Body)
		}
	}
	if !to["13811112222"] || !to["13733334444"] {
		t.Errorf("delivered to %v", to)
	}
	if got := getItem(t, s, op, first.ID); got.count("merged") != 1 {
		t.Errorf("survivor events %v", got.actions())
	}
}
