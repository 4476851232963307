package handlers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hotline/testenv"
)

func post(t *testing.T, s *testenv.Server, want int, token, path string, body any) *testenv.Resp {
	t.Helper()
	return s.Expect(t, want, testenv.Req{Method: "POST", Path: path, Token: token, Body: body})
}

func itemPath(id int64, rest string) string { return fmt.Sprintf("/api/v1/items/%d%s", id, rest) }

func TestSignForReturnAndRedispatch(t *testing.T) {
	t.Parallel()
	d := newDepartment(t)
	s, op := d.s, d.tokens["operator"]
	id := d.taxiItem.ID
	staff := d.tokens["taxi_staff"]
	// the operator cannot sign for a unit; the unit can, once
	post(t, s, 403, op, itemPath(id, "/accept"), nil)
	var it item
	post(t, s, 200, staff, itemPath(id, "/accept"), nil).Decode(t, &it)
	if it.Status != "accepted" {
		t.Fatalf("after accept: %s", it.Status)
	}
	post(t, s, 409, staff, itemPath(id, "/accept"), nil)
	// the co-handling unit signs for its part: the item's status stays
	post(t, s, 200, d.tokens["road_staff"], itemPath(id, "/accept"), nil).Decode(t, &it)
	if it.Status != "accepted" {
		t.Fatalf("co-handling accept changed the status to %s", it.Status)
	}
	// a return needs a reason
	r := post(t, s, 422, staff, itemPath(id, "/return"), map[string]any{"reason": " "})
	expectProblemField(t, r, "reason")
	post(t, s, 200, staff, itemPath(id, "/return"), map[string]any{"reason": "属于公路部门职责"}).Decode(t, &it)
	if it.Status != "pending_dispatch" || it.PrimaryUnitCode != nil || it.DueAt != nil {
		t.Fatalf("after return: %+v", it)
	}
	// the returning unit no longer sees it; operators are told
	s.Expect(t, 404, testenv.Req{Method: "GET", Path: itemPath(id, ""), Token: staff})
	if !hasNotification(t, s, op, "returned", "属于公路部门职责") {
		t.Error("operators were not notified of the return")
	}
	// re-dispatch sets fresh deadlines on the new unit
	post(t, s, 200, op, itemPath(id, "/dispatch"), map[string]any{"primary_unit_code": "ROAD"}).Decode(t, &it)
	full := getItem(t, s, op, id)
	if full.Status != "dispatched" || *full.PrimaryUnitCode != "ROAD" || full.DueAt == nil {
		t.Fatalf("re-dispatched: %+v", full)
	}
	want := "created,routed,accepted,accepted,returned,dispatched"
	if got := strings.Join(full.actions(), ","); got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	live := 0
	for _, a := range full.Assignments {
		if a.Status == "assigned" {
			live++
			if a.UnitCode != "ROAD" || a.Role != "primary" {
				t.Errorf("live assignment %+v", a)
			}
		}
	}
	if live != 1 {
		t.Errorf("%d live assignments after re-dispatch: %+v", live, full.Assignments)
	}
}

func hasNotification(t *testing.T, s *testenv.Server, token, typ, text string) bool {
	t.Helper()
	var list struct {
		Items []struct {
			ID      int64  `json:"id"`
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"items"`
		Unread int64 `json:"unread"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/notifications", Token: token}).Decode(t, &list)
	for _, n := range list.Items {
		if n.Type == typ && strings.Contains(n.Message, text) {
			return true
		}
	}
	return false
}

func TestRepliesCoHandlingAndApproval(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	// TAXI requires its head to approve replies
	s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: "/api/v1/units/TAXI", Token: s.Admin(t), Body: map[string]any{"reply_approval": true}})
	staff, head := s.User(t, "unit_staff", "TAXI"), s.User(t, "unit_head", "TAXI")
	road := s.User(t, "unit_staff", "ROAD")
	created := call(t, s, op, map[string]any{"caller_phone": "13800000001", "kind": "complaint", "content": "出租车不打表"})
	id := waitStatus(t, s, op, created.ID, "dispatched").ID
	// a final reply before signing for it is refused
	post(t, s, 409, staff, itemPath(id, "/replies"), map[string]any{"body": "已处理", "final": true})
	post(t, s, 200, staff, itemPath(id, "/accept"), nil)
	// the co-handling unit gives an opinion; it may not give the final reply
	post(t, s, 403, road, itemPath(id, "/replies"), map[string]any{"body": "同意", "final": true})
	var opinion struct {
		ID     int64  `json:"id"`
		Final  bool   `json:"final"`
		Status string `json:"status"`
	}
	post(t, s, 201, road, itemPath(id, "/replies"), map[string]any{"body": "路政方面无意见"}).Decode(t, &opinion)
	if opinion.Final || opinion.ID == 0 {
		t.Fatalf("opinion %+v", opinion)
	}
	// the staff's final reply waits for the head
	var reply struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	post(t, s, 201, staff, itemPath(id, "/replies"), map[string]any{"body": "经核查,已对司机处罚", "final": true}).Decode(t, &reply)
	if reply.Status != "pending" {
		t.Fatalf("reply needing approval: %+v", reply)
	}
	if it := getItem(t, s, op, id); it.Status != "accepted" || it.RepliedAt != nil {
		t.Fatalf("an unapproved reply completed the item: %+v", it)
	}
	if !hasNotification(t, s, head, "reply_pending", "待审核") {
		t.Error("the head was not asked to approve")
	}
	// staff cannot approve; the head can
	post(t, s, 403, staff, itemPath(id, fmt.Sprintf("/replies/%d/approve", reply.ID)), nil)
	var it item
	post(t, s, 200, head, itemPath(id, fmt.Sprintf("/replies/%d/approve", reply.ID)), nil).Decode(t, &it)
	if it.Status != "replied" || it.RepliedAt == nil || it.VisitDueAt == nil {
		t.Fatalf("after approval: %+v", it)
	}
	post(t, s, 409, head, itemPath(id, fmt.Sprintf("/replies/%d/approve", reply.ID)), nil)
	full := getItem(t, s, op, id)
	want := "created,routed,accepted,replied,replied,reply_approved"
	if got := strings.Join(full.actions(), ","); !strings.HasPrefix(got, want) {
		t.Errorf("events %s, want %s…", got, want)
	}
	// a unit without approval: the final reply completes at once
	other := call(t, s, op, map[string]any{"caller_phone": "13800000002", "kind": "consultation", "content": "公交几点收班"})
	busID := waitStatus(t, s, op, other.ID, "dispatched").ID
	bus := s.User(t, "unit_staff", "BUS")
	post(t, s, 200, bus, itemPath(busID, "/accept"), nil)
	post(t, s, 201, bus, itemPath(busID, "/replies"), map[string]any{"body": "末班车22:30", "final": true})
	if it := getItem(t, s, op, busID); it.Status != "replied" {
		t.Errorf("no-approval unit's final reply: %s", it.Status)
	}
}

func TestExtensions(t *testing.T) {
	t.Parallel()
	d := newDepartment(t)
	s, op := d.s, d.tokens["operator"]
	id := d.taxiItem.ID
	head, staff, mgr := d.tokens["taxi_head"], d.tokens["taxi_staff"], d.tokens["manager"]
	post(t, s, 200, staff, itemPath(id, "/accept"), nil)
	body := map[string]any{"workdays": 5, "reason": "需现场调查取证"}
	post(t, s, 403, staff, itemPath(id, "/extensions"), body) // heads ask
	r := post(t, s, 422, head, itemPath(id, "/extensions"), map[string]any{"workdays": 0, "reason": "x"})
	expectProblemField(t, r, "workdays")
	var ext struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	post(t, s, 201, head, itemPath(id, "/extensions"), body).Decode(t, &ext)
	post(t, s, 409, head, itemPath(id, "/extensions"), body) // one waits already
	if !hasNotification(t, s, mgr, "extension_requested", "延期5个工作日") {
		t.Error("managers were not told")
	}
	before := getItem(t, s, op, id)
	post(t, s, 403, head, itemPath(id, fmt.Sprintf("/extensions/%d/approve", ext.ID)), nil)
	var it item
	post(t, s, 200, mgr, itemPath(id, fmt.Sprintf("/extensions/%d/approve", ext.ID)), map[string]any{"note": "同意"}).Decode(t, &it)
	if it.OriginalDueAt == nil || !it.OriginalDueAt.Equal(*before.DueAt) || !it.DueAt.After(*before.DueAt) {
		t.Fatalf("after approval: due %v original %v (was %v)", it.DueAt, it.OriginalDueAt, before.DueAt)
	}
	if days := it.DueAt.Sub(*before.DueAt).Hours() / 24; days < 5 {
		t.Errorf("5 working days moved the due time only %.1f days", days)
	}
	if it.DueAt.In(shanghai()).Format("15:04") != "17:30" {
		t.Errorf("extended due %s is not the end of a working day", it.DueAt)
	}
	post(t, s, 409, mgr, itemPath(id, fmt.Sprintf("/extensions/%d/reject", ext.ID)), nil) // decided already
	// a second request is rejected: the due time stays
	post(t, s, 201, head, itemPath(id, "/extensions"), map[string]any{"workdays": 2, "reason": "再延"}).Decode(t, &ext)
	post(t, s, 200, mgr, itemPath(id, fmt.Sprintf("/extensions/%d/reject", ext.ID)), map[string]any{"note": "不同意"}).Decode(t, &it)
	after := getItem(t, s, op, id)
	if !after.DueAt.Equal(*it.DueAt) || len(after.Extensions) != 2 || after.Extensions[1].Status != "rejected" {
		t.Errorf("after rejection: due %v extensions %+v", after.DueAt, after.Extensions)
	}
	want := "extension_requested,extension_approved,extension_requested,extension_rejected"
	if got := strings.Join(after.actions()[3:], ","); got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	if !hasNotification(t, s, head, "extension_rejected", "未获批准") {
		t.Error("the unit was not told of the rejection")
	}
}

func shanghai() *time.Location {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return loc
}

// platformItem creates an item with an upstream due time.
func platformItem(t *testing.T, s *testenv.Server, ext string, content string, due time.Time) int64 {
	t.Helper()
	var it item
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/platform/items", Header: map[string]string{"X-Api-Key": "platform-key"},
		Body: map[string]any{"external_id": ext, "kind": "complaint", "content": content, "due_at": due.Format(time.RFC3339)}}).Decode(t, &it)
	return it.ID
}

func TestItemTurnsOverdueAndIsEscalated(t *testing.T) {
	t.Parallel()
	d := newDepartment(t)
	s, op, mgr, head := d.s, d.tokens["operator"], d.tokens["manager"], d.tokens["taxi_head"]
	// the reminder falls at four fifths of the (working) time: 9.6 s ahead,
	// well before the due time even when the worker is slow to pick it up
	due := time.Now().Add(12 * time.Second).Truncate(time.Second)
	id := platformItem(t, s, "OVERDUE-1", "出租车投诉(上级交办,限时)", due)
	it := waitStatus(t, s, op, id, "dispatched")
	if it.Overdue && time.Now().Before(due) {
		t.Fatal("overdue before its due time")
	}
	// the overdue check and the sign-for check are separate tasks, each in its
	// own transaction: wait for both events
	testenv.Eventually(t, 30*time.Second, "the item to turn overdue and its sign-for to be late", func() bool {
		it = getItem(t, s, op, id)
		return it.Overdue && it.count("accept_overdue") > 0
	})
	if it.count("overdue") != 1 || it.count("accept_overdue") != 1 {
		t.Errorf("overdue events: %v", it.actions())
	}
	// the reminder went out before the item turned overdue
	if got := strings.Join(it.actions(), ","); got != "created,routed,reminded,overdue,accept_overdue" &&
		got != "created,routed,reminded,accept_overdue,overdue" {
		t.Errorf("events %s", got)
	}
	var list struct {
		Items []item `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?overdue=true", Token: op}).Decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != id {
		t.Errorf("?overdue=true lists %v", list.Items)
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?overdue=false", Token: op}).Decode(t, &list)
	for _, x := range list.Items {
		if x.ID == id {
			t.Error("?overdue=false lists the overdue item")
		}
	}
	for who, tok := range map[string]string{"manager": mgr, "unit head": head} {
		if !hasNotification(t, s, tok, "overdue", "督办") {
			t.Errorf("the %s was not told", who)
		}
	}
	// an extension can no longer be asked for
	post(t, s, 200, d.tokens["taxi_staff"], itemPath(id, "/accept"), nil)
	post(t, s, 409, head, itemPath(id, "/extensions"), map[string]any{"workdays": 3, "reason": "晚了"})
	// a late sign-for is recorded on the assignment
	it = getItem(t, s, op, id)
	if !it.Assignments[0].AcceptOverdue {
		t.Errorf("late sign-for not recorded: %+v", it.Assignments[0])
	}
}

// TestOverdueWithoutRedis: the scheduled task is lost with Redis, and the
// sweep, run by the worker itself while Redis is down, still escalates.
func TestOverdueWithoutRedis(t *testing.T) {
	t.Parallel()
	d := newDepartment(t)
	s, op := d.s, d.tokens["operator"]
	id := platformItem(t, s, "OVERDUE-2", "出租车投诉(上级交办)", time.Now().Add(3*time.Second))
	waitStatus(t, s, op, id, "dispatched")
	s.Redis.Stop()
	var it item
	testenv.Eventually(t, 20*time.Second, "the item to turn overdue without Redis", func() bool {
		it = getItem(t, s, op, id)
		return it.Overdue
	})
	if it.count("overdue") != 1 {
		t.Errorf("events %v", it.actions())
	}
	s.Redis.Start()
	// once a later item has turned overdue too, the scheduled tasks and the
	// sweeps have run again since Redis came back: nothing doubles
	later := platformItem(t, s, "OVERDUE-3", "出租车投诉(上级交办)", time.Now().Add(2*time.Second))
	testenv.Eventually(t, 30*time.Second, "a later item to turn overdue after Redis came back", func() bool {
		return getItem(t, s, op, later).Overdue
	})
	if n := getItem(t, s, op, id).count("overdue"); n != 1 {
		t.Errorf("%d overdue events after Redis came back", n)
	}
}

func TestNotificationsRead(t *testing.T) {
	t.Parallel()
	d := newDepartment(t)
	s, staff := d.s, d.tokens["taxi_staff"]
	var list struct {
		Items []struct {
			ID     int64  `json:"id"`
			Type   string `json:"type"`
			ItemID *int64 `json:"item_id"`
		} `json:"items"`
		Unread int64 `json:"unread"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/notifications?unread=true", Token: staff}).Decode(t, &list)
	if list.Unread != 2 || len(list.Items) != 2 || list.Items[0].Type != "assigned" {
		t.Fatalf("new assignments: %+v", list)
	}
	post(t, s, 200, staff, fmt.Sprintf("/api/v1/notifications/%d/read", list.Items[0].ID), nil)
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/notifications?unread=true", Token: staff}).Decode(t, &list)
	if list.Unread != 1 || len(list.Items) != 1 {
		t.Errorf("after reading one: %+v", list)
	}
	// another user's notice is not found
	post(t, s, 404, d.tokens["bus_staff"], fmt.Sprintf("/api/v1/notifications/%d/read", list.Items[0].ID), nil)
}

func TestCalendarAndSLAPolicies(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	admin := s.Admin(t)
	var year struct {
		Year     int      `json:"year"`
		Holidays []string `json:"holidays"`
		Workdays []string `json:"workdays"`
	}
	// the official 2026 schedule ships with the schema
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/calendar/2026", Token: admin}).Decode(t, &year)
	if len(year.Holidays) < 25 || len(year.Workdays) < 4 || year.Holidays[0] != "2026-01-01" {
		t.Fatalf("2026: %+v", year)
	}
	// admins add the next year
	next := map[string]any{"holidays": []string{"2027-01-01", "2027-02-08"}, "workdays": []string{"2027-02-06"}}
	s.Expect(t, 200, testenv.Req{Method: "PUT", Path: "/api/v1/calendar/2027", Token: admin, Body: next}).Decode(t, &year)
	if len(year.Holidays) != 2 || len(year.Workdays) != 1 {
		t.Fatalf("2027: %+v", year)
	}
	r := s.Expect(t, 422, testenv.Req{Method: "PUT", Path: "/api/v1/calendar/2027", Token: admin,
		Body: map[string]any{"holidays": []string{"2027-13-01"}, "workdays": []string{"2027-02-08"}}})
	expectProblemField(t, r, "holidays[0]")
	expectProblemField(t, r, "workdays[0]") // a Monday cannot be a make-up day
	s.Expect(t, 403, testenv.Req{Method: "PUT", Path: "/api/v1/calendar/2027", Token: s.User(t, "manager", ""), Body: next})
	var pols []map[string]any
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/sla-policies", Token: admin}).Decode(t, &pols)
	if len(pols) != 6 {
		t.Fatalf("policies %v", pols)
	}
	s.Expect(t, 200, testenv.Req{Method: "PUT", Path: "/api/v1/sla-policies", Token: admin,
		Body: []map[string]any{{"kind": "complaint", "accept_hours": 1, "reply_workdays": 3, "urgent_accept_minutes": 15}}}).Decode(t, &pols)
	for _, p := range pols {
		if p["kind"] == "complaint" && (p["reply_workdays"] != float64(3) || p["accept_hours"] != float64(1)) {
			t.Errorf("complaint policy %v", p)
		}
		if p["kind"] == "consultation" && p["reply_workdays"] != float64(1) {
			t.Errorf("an unnamed kind changed: %v", p)
		}
	}
	r = s.Expect(t, 422, testenv.Req{Method: "PUT", Path: "/api/v1/sla-policies", Token: admin,
		Body: []map[string]any{{"kind": "gossip", "accept_hours": 1, "reply_workdays": 3, "urgent_accept_minutes": 15}}})
	expectProblemField(t, r, "[0].kind")
}

// TestDueDatesFollowTheCalendar: a complaint dispatched on the eve of a
// holiday is due on working days after it; an admin's new holiday moves the
// next dispatch's due time.
func TestDueDatesFollowTheCalendar(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	// make the next five days holidays: the due date moves past them
	now := time.Now().In(shanghai())
	var hol []string
	for i := 1; i <= 5; i++ {
		day := now.AddDate(0, 0, i)
		if day.Year() == now.Year() {
			hol = append(hol, day.Format("2006-01-02"))
		}
	}
	var cur struct {
		Holidays []string `json:"holidays"`
		Workdays []string `json:"workdays"`
	}
	path := fmt.Sprintf("/api/v1/calendar/%d", now.Year())
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: path, Token: s.Admin(t)}).Decode(t, &cur)
	var workdays []string
	for _, w := range cur.Workdays {
		if !containsStr(hol, w) {
			workdays = append(workdays, w)
		}
	}
	s.Expect(t, 200, testenv.Req{Method: "PUT", Path: path, Token: s.Admin(t),
		Body: map[string]any{"holidays": append(cur.Holidays, hol...), "workdays": workdays}})
	created := call(t, s, op, map[string]any{"caller_phone": "13800000003", "kind": "consultation", "content": "公交卡充值"})
	it := waitStatus(t, s, op, created.ID, "dispatched")
	due := it.DueAt.In(shanghai())
	for _, h := range hol {
		if due.Format("2006-01-02") == h {
			t.Errorf("due %s on a holiday", due)
		}
	}
	if len(hol) == 5 && due.Sub(now) < 5*24*time.Hour {
		t.Errorf("1 working day after five holidays came on %s", due)
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
