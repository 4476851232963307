package handlers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hotline/testenv"
)

// notifications returns the messages of the account's notices.
func notifications(t *testing.T, s *testenv.Server, token string) []string {
	t.Helper()
	var list struct {
		Items []struct {
			Message string `json:"message"`
		} `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/notifications", Token: token}).Decode(t, &list)
	var out []string
	for _, n := range list.Items {
		out = append(out, n.Message)
	}
	return out
}

// Unit staff read a confidential item without the citizen: not in the
// citizen field, not in the content or the title derived from it, not in the
// notice of the new item; and no phone number in any item's free text.
func TestConfidentialItemsHideTheCitizenFromUnits(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	staff := s.User(t, "unit_staff", "TAXI")
	secret := call(t, s, op, map[string]any{"caller_name": "王五", "caller_phone": "13912345678", "kind": "complaint",
		"confidential": true, "content": "出租车拒载,来电人王五,电话139 1234 5678,住文三路138号5幢2单元301室,邮箱wangwu@example.com"})
	plain := call(t, s, op, map[string]any{"caller_name": "赵六", "caller_phone": "13712345678", "kind": "complaint",
		"content": "出租车绕路,回电13712345678,赵六"})
	waitStatus(t, s, op, secret.ID, "dispatched")
	waitStatus(t, s, op, plain.ID, "dispatched")
	var got struct {
		Title, Content string
		Citizen        *struct{ Name, Phone string }
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: itemPath(secret.ID, ""), Token: staff}).Decode(t, &got)
	leaks := []string{"王五", "13912345678", "139 1234 5678", "文三路138号", "wangwu@example.com"}
	for _, l := range leaks {
		if strings.Contains(got.Title+got.Content, l) {
			t.Errorf("unit staff read %q in the confidential item: title %q, content %q", l, got.Title, got.Content)
		}
	}
	if got.Citizen != nil || !strings.Contains(got.Content, "出租车拒载") {
		t.Errorf("confidential item as unit staff: citizen %+v, content %q", got.Citizen, got.Content)
	}
	for _, m := range notifications(t, s, staff) {
		for _, l := range leaks {
			if strings.Contains(m, l) {
				t.Errorf("notice %q names %q", m, l)
			}
		}
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: itemPath(plain.ID, ""), Token: staff}).Decode(t, &got)
	if strings.Contains(got.Title+got.Content, "13712345678") || !strings.Contains(got.Content, "赵六") {
		t.Errorf("an ordinary item as unit staff: title %q, content %q; want the number masked, the name kept", got.Title, got.Content)
	}
	// the operator reads what was said
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: itemPath(secret.ID, ""), Token: op}).Decode(t, &got)
	if !strings.Contains(got.Content, "王五") {
		t.Errorf("operator's content %q", got.Content)
	}
}

// A final reply waiting for the unit head stays inside the unit (and the
// managers' and admins' view): the co-handling unit does not read it.
func TestDraftRepliesStayInTheirUnit(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{})
	s.Unit(t, "TAXI", "出租车管理处", map[string]any{"reply_approval": true})
	s.Unit(t, "ROAD", "公路管理局")
	s.Rule(t, map[string]any{"priority": 10, "keywords": []string{"出租车"}, "primary_unit_code": "TAXI", "co_unit_codes": []string{"ROAD"}})
	op := s.User(t, "operator", "")
	taxi, road, mgr := s.User(t, "unit_staff", "TAXI"), s.User(t, "unit_staff", "ROAD"), s.User(t, "manager", "")
	it := call(t, s, op, map[string]any{"caller_phone": "13812345678", "kind": "complaint", "content": "出租车拒载"})
	waitStatus(t, s, op, it.ID, "dispatched")
	post(t, s, 200, taxi, itemPath(it.ID, "/accept"), nil)
	post(t, s, 201, taxi, itemPath(it.ID, "/replies"), map[string]any{"body": "草稿:拟处罚司机", "final": true})
	drafts := func(token string) int {
		n := 0
		for _, r := range getItem(t, s, token, it.ID).Replies {
			if r.Status == "pending" {
				n++
			}
		}
		return n
	}
	if n := drafts(road); n != 0 {
		t.Errorf("the co-handling unit reads %d drafts", n)
	}
	if drafts(taxi) != 1 || drafts(mgr) != 1 {
		t.Errorf("drafts read by the author's unit %d, by a manager %d; want 1 and 1", drafts(taxi), drafts(mgr))
	}
}

// auditRows reads the audit log as the admin with a query.
func auditRows(t *testing.T, s *testenv.Server, query string) []map[string]any {
	t.Helper()
	var list struct {
		Items []map[string]any `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/audit-log?" + query, Token: s.Admin(t)}).Decode(t, &list)
	return list.Items
}

// Security events reach the audit log, each with its kind, actor, address
// and outcome, and 401/403/429 at most once per address, event and minute.
func TestSecurityEventsAreAudited(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, testenv.Options{Env: map[string]string{"HOTLINE_PUBLIC_RATE_LIMIT": "2"}})
	staff := s.User(t, "unit_staff", "TAXI")
	name := "auditee"
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/users", Token: s.Admin(t),
		Body: map[string]any{"username": name, "password": "a long enough password 1", "role": "operator"}})
	s.Expect(t, 401, testenv.Req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"username": name, "password": "wrong password 1"}})
	tok := s.Login(t, name, "a long enough password 1")
	s.Expect(t, 204, testenv.Req{Method: "POST", Path: "/api/v1/auth/password", Token: tok,
		Body: map[string]string{"old_password": "a long enough password 1", "new_password": "another long password 2"}})
	s.Expect(t, 200, testenv.Req{Method: "POST", Path: "/api/v1/auth/totp", Token: tok})
	s.Expect(t, 204, testenv.Req{Method: "POST", Path: "/api/v1/auth/logout", Token: tok})
	for range 3 {
		s.Expect(t, 401, testenv.Req{Method: "GET", Path: "/api/v1/items", Token: "no-such-token"})
		s.Expect(t, 403, testenv.Req{Method: "GET", Path: "/api/v1/users", Token: staff})
	}
	for range 4 {
		s.Do(t, testenv.Req{Method: "GET", Path: "/api/v1/public/letters"})
	}
	s.Expect(t, 200, testenv.Req{Method: "PUT", Path: "/api/v1/sla-policies", Token: s.Admin(t),
		Body: []map[string]any{{"kind": "complaint", "accept_hours": 2, "urgent_accept_minutes": 30, "reply_workdays": 5}}})

	for _, c := range []struct {
		query, kind, outcome string
		want                 int
	}{
		{"action=login_failed&actor=" + name, "auth", "failure", 1},
		{"action=login&actor=" + name, "auth", "success", 1},
		{"action=password_changed&actor=" + name, "auth", "success", 1},
		{"action=totp_enrolled&actor=" + name, "auth", "success", 1},
		{"action=logout&actor=" + name, "auth", "success", 1},
		{"action=unauthorized", "access_denied", "failure", 1},
		{"action=forbidden", "access_denied", "failure", 1},
		{"action=rate_limited", "access_denied", "failure", 1},
		{"kind=admin&action=" + "POST%20/api/v1/users", "admin", "success", -1},
		{"kind=admin&action=" + "PUT%20/api/v1/sla-policies", "admin", "success", 1},
	} {
		rows := auditRows(t, s, c.query)
		if (c.want >= 0 && len(rows) != c.want) || len(rows) == 0 {
			t.Errorf("%s: %d rows, want %d", c.query, len(rows), c.want)
			continue
		}
		r := rows[0]
		if r["kind"] != c.kind || r["outcome"] != c.outcome || r["client_ip"] == "" {
			t.Errorf("%s: row %v; want kind %s, outcome %s and an address", c.query, r, c.kind, c.outcome)
		}
	}
	s.Expect(t, 422, testenv.Req{Method: "GET", Path: "/api/v1/audit-log?kind=nonsense", Token: s.Admin(t)})
	from := time.Now().Add(time.Hour).Format(time.RFC3339)
	if rows := auditRows(t, s, "from="+strings.ReplaceAll(from, "+", "%2B")); len(rows) != 0 {
		t.Errorf("rows from an hour ahead: %d", len(rows))
	}
	if rows := auditRows(t, s, "kind=auth&limit=2"); len(rows) != 2 {
		t.Errorf("a page of 2: %d rows", len(rows))
	}
}

// tablesHolding lists the tables one of whose text, json or bytea columns
// holds s in clear.
func tablesHolding(t *testing.T, s *testenv.Server, needle string) []string {
	t.Helper()
	db := s.DB(t)
	var cols []struct {
		Table  string `db:"table_name"`
		Column string `db:"column_name"`
		Type   string `db:"data_type"`
	}
	if err := db.Select(&cols, `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'bytea', 'ARRAY')`); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cols {
		expr := fmt.Sprintf("%q::text", c.Column)
		if c.Type == "bytea" {
			expr = fmt.Sprintf("encode(%q, 'escape')", c.Column)
		}
		var n int
		if err := db.Get(&n, fmt.Sprintf(`SELECT count(*) FROM %q WHERE strpos(%s, $1) > 0`, c.Table, expr), needle); err != nil {
			t.Fatalf("search %s.%s: %v", c.Table, c.Column, err)
		}
		if n > 0 {
			out = append(out, c.Table+"."+c.Column)
		}
	}
	return out
}

// Rating tokens are never stored in clear: not in the replay of the
// rating-link answer, not in the delivery that carried one.
func TestRatingTokensAreNotStoredInClear(t *testing.T) {
	t.Parallel()
	rec, url := newReceiver(t, 0)
	s, op := setup(t, testenv.Options{Env: map[string]string{"HOTLINE_DELIVERY_URL": url}})
	staff := s.User(t, "unit_staff", "TAXI")
	created := call(t, s, op, map[string]any{"caller_phone": "13812345678", "kind": "complaint", "content": "出租车拒载"})
	waitStatus(t, s, op, created.ID, "dispatched")
	answer(t, s, staff, created.ID, "已约谈司机")
	testenv.Eventually(t, 20*time.Second, "the reply to be delivered", func() bool { return len(rec.messages()) == 1 })
	sent := rec.messages()[0].Extra["rating_token"]
	if sent == "" || !strings.Contains(rec.messages()[0].Body, "/rate/"+sent) {
		t.Fatalf("the message carried no rating link: %+v", rec.messages()[0])
	}
	var link struct {
		Token string `json:"token"`
	}
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: itemPath(created.ID, "/rating-links"), Token: op,
		Header: map[string]string{"Idempotency-Key": "rating-link-1"}}).Decode(t, &link)
	for _, tok := range []string{sent, link.Token} {
		if where := tablesHolding(t, s, tok); len(where) != 0 {
			t.Errorf("a rating token is stored in clear in %v", where)
		}
	}
	// both links work
	rating := map[string]any{"stars": 2, "satisfaction": "dissatisfied", "resolved": false}
	post(t, s, 201, "", "/api/v1/public/ratings/"+sent, rating)
	post(t, s, 201, "", "/api/v1/public/ratings/"+link.Token, rating)
}

// The manager sees exactly what publishing makes public, and publishing
// stores exactly that.
func TestPublishPreviewIsWhatIsPublished(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	staff, mgr := s.User(t, "unit_staff", "TAXI"), s.User(t, "manager", "")
	var receipt struct {
		TrackingCode string `json:"tracking_code"`
	}
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/public/letters", Body: map[string]any{"name": "李四", "phone": "13700001111",
		"kind": "suggestion", "title": "出租车问题", "content": "我叫李四,电话138,1234,5678,住文三路138号5幢,<script>alert(1)</script>",
		"publish_consent": true}}).Decode(t, &receipt)
	var list struct {
		Items []item `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?channel=mailbox", Token: op}).Decode(t, &list)
	id := list.Items[0].ID
	waitStatus(t, s, op, id, "dispatched")
	s.Expect(t, 409, testenv.Req{Method: "GET", Path: itemPath(id, "/publish-preview"), Token: mgr})
	answer(t, s, staff, id, "已处理,请联系13812345678")
	s.Expect(t, 403, testenv.Req{Method: "GET", Path: itemPath(id, "/publish-preview"), Token: op})
	var preview struct {
		Title   string   `json:"title"`
		Content string   `json:"content"`
		Replies []string `json:"replies"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: itemPath(id, "/publish-preview"), Token: mgr}).Decode(t, &preview)
	for _, l := range []string{"李四", "1234", "文三路138号", "13812345678"} {
		if strings.Contains(preview.Content+strings.Join(preview.Replies, ""), l) {
			t.Errorf("the preview keeps %q: %+v", l, preview)
		}
	}
	post(t, s, 200, mgr, itemPath(id, "/publish"), nil)
	var pub struct {
		Items []struct {
			Title   string `json:"title"`
			Content string `json:"content"`
			Replies []struct {
				Body string `json:"body"`
			} `json:"replies"`
		} `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/public/letters"}).Decode(t, &pub)
	if len(pub.Items) != 1 || pub.Items[0].Title != preview.Title || pub.Items[0].Content != preview.Content ||
		len(pub.Items[0].Replies) != 1 || pub.Items[0].Replies[0].Body != preview.Replies[0] {
		t.Errorf("published %+v; previewed %+v", pub.Items, preview)
	}
}
