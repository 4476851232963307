package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"hotline/testenv"
)

func letterTo(t *testing.T, s *testenv.Server, op string, body map[string]any) (id int64, code, secret string) {
	t.Helper()
	var receipt struct {
		TrackingCode string `json:"tracking_code"`
		Secret       string `json:"secret"`
	}
	post(t, s, 201, "", "/api/v1/public/letters", body).Decode(t, &receipt)
	var list struct {
		Items []item `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?channel=mailbox&limit=1", Token: op}).Decode(t, &list)
	return list.Items[0].ID, receipt.TrackingCode, receipt.Secret
}

// TestDraftsNeverReachTheCitizen: a draft that was never approved is not
// shown by tracking nor published; a final answer marked not public still
// reaches the citizen, but is not published.
func TestDraftsNeverReachTheCitizen(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	s.Rule(t, map[string]any{"priority": 1, "channel": "mailbox", "primary_unit_code": "TAXI"})
	s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: "/api/v1/units/TAXI", Token: s.Admin(t), Body: map[string]any{"reply_approval": true}})
	staff, head, mgr := s.User(t, "unit_staff", "TAXI"), s.User(t, "unit_head", "TAXI"), s.User(t, "manager", "")
	id, code, secret := letterTo(t, s, op, map[string]any{"kind": "complaint", "title": "出租车", "content": "出租车拒载", "publish_consent": true})
	waitStatus(t, s, op, id, "dispatched")
	post(t, s, 200, staff, itemPath(id, "/accept"), nil)
	post(t, s, 201, staff, itemPath(id, "/replies"), map[string]any{"body": "内部草稿:司机系某领导亲戚", "final": true})
	post(t, s, 201, head, itemPath(id, "/replies"), map[string]any{"body": "已责令整改", "final": true, "public": false})
	tr := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/public/track/" + code + "?secret=" + secret})
	if strings.Contains(string(tr.Body), "内部草稿") || !strings.Contains(string(tr.Body), "已责令整改") {
		t.Errorf("tracking shows %s", tr.Body)
	}
	// the discarded draft stays inside the unit and the managers' view
	it := getItem(t, s, mgr, id)
	if it.Status != "replied" || it.Replies[0].Status != "discarded" {
		t.Errorf("after the head's answer: %s, replies %+v", it.Status, it.Replies)
	}
	if rs := getItem(t, s, op, id).Replies; len(rs) != 1 || rs[0].Status != "effective" {
		t.Errorf("the operator reads replies %+v; want only the counted one", rs)
	}
	// the only counted answer is not public: nothing to publish
	r := post(t, s, 422, mgr, itemPath(id, "/publish"), nil)
	expectProblemField(t, r, "replies")
}

// TestMergeChainsFollowTheSurvivor: A merged into B, then B into C; when C is
// answered, all three callers are told, and only C's gets a rating link.
func TestMergeChainsFollowTheSurvivor(t *testing.T) {
	t.Parallel()
	rec, url := newReceiver(t, 0)
	s, op := setup(t, testenv.Options{Env: map[string]string{"HOTLINE_DELIVERY_URL": url}})
	staff := s.User(t, "unit_staff", "TAXI")
	a := call(t, s, op, map[string]any{"caller_phone": "13800000001", "kind": "complaint", "content": "出租车拒载 A"})
	b := call(t, s, op, map[string]any{"caller_phone": "13800000002", "kind": "complaint", "content": "出租车拒载 B"})
	c := call(t, s, op, map[string]any{"caller_phone": "13800000003", "kind": "complaint", "content": "出租车拒载 C"})
	waitStatus(t, s, op, c.ID, "dispatched")
	post(t, s, 200, op, itemPath(a.ID, "/merge"), map[string]any{"into_id": b.ID})
	post(t, s, 200, op, itemPath(b.ID, "/merge"), map[string]any{"into_id": c.ID})
	if got := getItem(t, s, op, a.ID); got.MergedIntoID == nil || *got.MergedIntoID != c.ID {
		t.Fatalf("A points at %v, want C", got.MergedIntoID)
	}
	answer(t, s, staff, c.ID, "已处理")
	testenv.Eventually(t, 15*time.Second, "three callers to be told", func() bool { return len(rec.messages()) == 3 })
	for _, m := range rec.messages() {
		hasLink := m.Extra["rating_url"] != ""
		if hasLink != (m.To == "13800000003") {
			t.Errorf("message to %s: rating link %v", m.To, hasLink)
		}
	}
}

func TestParallelLoginsAreThrottled(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[int]int{}
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.TryDo(testenv.Req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"username": "admin", "password": "guess"}})
			if err != nil {
				return
			}
			mu.Lock()
			counts[r.Status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts[401] != 10 || counts[429] != 20 {
		t.Errorf("30 parallel wrong passwords: %v, want 10×401 and 20×429", counts)
	}
}

// TestMalformedParametersAreRefused: text that is not valid UTF-8, NUL bytes
// and out-of-range dates are 4xx, never 500.
func TestMalformedParametersAreRefused(t *testing.T) {
	t.Parallel()
	d := newDepartment(t)
	s, op, mgr := d.s, d.tokens["operator"], d.tokens["manager"]
	for _, r := range []testenv.Req{
		{Method: "GET", Path: "/api/v1/items?q=%FF", Token: op},
		{Method: "GET", Path: "/api/v1/items?unit_code=%00", Token: op},
		{Method: "GET", Path: "/api/v1/stats?unit_code=%00", Token: mgr},
		{Method: "GET", Path: "/api/v1/stats?from=0000-01-01&to=0000-03-01", Token: mgr},
		{Method: "GET", Path: "/api/v1/public/track/" + url.PathEscape("A\x00B") + "?secret=x"},
		{Method: "POST", Path: "/api/v1/auth/login", Body: `{"username":"ad\u0000min","password":"x"}`},
		{Method: "POST", Path: itemPath(d.busItem.ID, "/return"), Token: d.tokens["bus_staff"], Body: map[string]any{"reason": "a\u0000b"}},
		{Method: "POST", Path: "/api/v1/routing-rules", Token: d.tokens["admin"], Body: map[string]any{"priority": 1, "primary_unit_code": "TA\u0000XI"}},
		{Method: "PATCH", Path: "/api/v1/units/" + url.PathEscape("X\x00"), Token: d.tokens["admin"], Body: map[string]any{"name": "x"}},
	} {
		res := s.Do(t, r)
		if res.Status >= 500 || res.Status < 400 {
			t.Errorf("%s %s: %s", r.Method, r.Path, res)
		}
	}
	// the earliest comparable period is answered, not refused by Postgres
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/stats?from=2000-01-01&to=2000-03-01&compare=true", Token: mgr})
}

func TestLongReasonsFitNotifications(t *testing.T) {
	t.Parallel()
	d := newDepartment(t)
	reason := strings.Repeat("不属于本单位职责范围", 150) // 1,500 characters
	post(t, d.s, 200, d.tokens["taxi_staff"], itemPath(d.taxiItem.ID, "/return"), map[string]any{"reason": reason})
	if !hasNotification(t, d.s, d.tokens["operator"], "returned", reason[:30]) {
		t.Error("the operators were not told")
	}
}

// TestExtensionGoesWithTheUnit: a unit that returns an item takes its
// waiting extension request with it; the next unit may ask its own.
func TestExtensionGoesWithTheUnit(t *testing.T) {
	t.Parallel()
	d := newDepartment(t)
	s, id := d.s, d.taxiItem.ID
	post(t, s, 200, d.tokens["taxi_staff"], itemPath(id, "/accept"), nil)
	var ext struct {
		ID int64 `json:"id"`
	}
	post(t, s, 201, d.tokens["taxi_head"], itemPath(id, "/extensions"), map[string]any{"workdays": 30, "reason": "调查"}).Decode(t, &ext)
	post(t, s, 200, d.tokens["taxi_staff"], itemPath(id, "/return"), map[string]any{"reason": "非本单位职责"})
	post(t, s, 200, d.tokens["operator"], itemPath(id, "/dispatch"), map[string]any{"primary_unit_code": "BUS"})
	post(t, s, 409, d.tokens["manager"], itemPath(id, fmt.Sprintf("/extensions/%d/approve", ext.ID)), nil)
	post(t, s, 200, d.tokens["bus_staff"], itemPath(id, "/accept"), nil)
	post(t, s, 201, d.tokens["bus_head"], itemPath(id, "/extensions"), map[string]any{"workdays": 2, "reason": "协调"})
	if got := getItem(t, s, d.tokens["operator"], id); got.Extensions[0].Status != "withdrawn" {
		t.Errorf("extensions %+v", got.Extensions)
	}
}

func TestRuleKeepsWorkingWhenItsPrimaryChanges(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	id := s.Rule(t, map[string]any{"priority": 1, "keywords": []string{"地铁"}, "primary_unit_code": "BUS", "co_unit_codes": []string{"ROAD"}})
	var rule struct {
		CoUnitCodes []string `json:"co_unit_codes"`
	}
	s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: fmt.Sprintf("/api/v1/routing-rules/%d", id), Token: s.Admin(t),
		Body: map[string]any{"primary_unit_code": "ROAD"}}).Decode(t, &rule)
	if len(rule.CoUnitCodes) != 0 {
		t.Errorf("the new primary unit helps itself: %v", rule.CoUnitCodes)
	}
	it := call(t, s, op, map[string]any{"caller_phone": "13800000001", "kind": "consultation", "content": "地铁几点开"})
	if got := waitStatus(t, s, op, it.ID, "dispatched"); *got.PrimaryUnitCode != "ROAD" {
		t.Errorf("routed to %s", *got.PrimaryUnitCode)
	}
}

// TestRetriedReplyReplaysTheAnswer: a final reply sent four times at once
// with one Idempotency-Key is stored once, and every copy gets its 201.
func TestRetriedReplyReplaysTheAnswer(t *testing.T) {
	t.Parallel()
	d := newDepartment(t)
	s, staff, id := d.s, d.tokens["taxi_staff"], d.taxiItem.ID
	post(t, s, 200, staff, itemPath(id, "/accept"), nil)
	var wg sync.WaitGroup
	answers := make(chan *testenv.Resp, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.TryDo(testenv.Req{Method: "POST", Path: itemPath(id, "/replies"), Token: staff,
				Header: map[string]string{"Idempotency-Key": "reply-1"}, Body: map[string]any{"body": "已处理", "final": true}})
			if err == nil {
				answers <- r
			}
		}()
	}
	wg.Wait()
	close(answers)
	ids := map[string]bool{}
	for r := range answers {
		if r.Status != 201 {
			t.Errorf("a copy got %s", r)
			continue
		}
		ids[fmt.Sprint(r.Map(t)["id"])] = true
	}
	if len(ids) != 1 || len(getItem(t, s, d.tokens["operator"], id).Replies) != 1 {
		t.Errorf("replies stored: %v", ids)
	}
}

// TestPublishedLettersStayScrubbed: what the public list shows is fixed when
// it is published, so anonymising the writer later cannot expose a name.
func TestPublishedLettersStayScrubbed(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{Env: map[string]string{"HOTLINE_RETENTION_YEARS": "1"}})
	s.Rule(t, map[string]any{"priority": 1, "channel": "mailbox", "primary_unit_code": "BUS"})
	staff, mgr := s.User(t, "unit_staff", "BUS"), s.User(t, "manager", "")
	id, _, _ := letterTo(t, s, op, map[string]any{"name": "欧阳娜娜", "kind": "suggestion", "title": "欧阳娜娜的建议",
		"content": "我是欧阳娜娜,建议增开公交", "publish_consent": true})
	waitStatus(t, s, op, id, "dispatched")
	answer(t, s, staff, id, "感谢欧阳娜娜的建议")
	post(t, s, 201, op, itemPath(id, "/visits"), map[string]any{"method": "call", "satisfaction": "satisfied", "resolved": true})
	post(t, s, 200, mgr, itemPath(id, "/publish"), nil)
	if _, err := s.DB(t).Exec(`UPDATE items SET closed_at = now() - interval '2 years' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if err := s.Core.Housekeeping(context.Background()); err != nil {
		t.Fatal(err)
	}
	body := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/public/letters"}).Body
	if strings.Contains(string(body), "欧阳") || !strings.Contains(string(body), "增开公交") {
		t.Errorf("published letters after anonymisation: %s", body)
	}
}
