package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"hotline/domain"
	"hotline/testenv"
	"hotline/web/webtest"
)

// Citizen text is untrusted: markup in it is shown as text, never run.
func TestCitizenMarkupIsInert(t *testing.T) {
	w := newWorld(t)
	payload := `<script>alert(1)</script><img src=x onerror="alert(2)">`
	var it struct {
		ID int64 `json:"id"`
	}
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: w.opToken,
		Body: map[string]any{"caller_name": "张先生", "caller_phone": "13812345678", "kind": "complaint",
			"title": payload, "content": "出租车拒载" + payload}}).Decode(t, &it)
	p := w.signIn(t, domain.RoleOperator).Get(fmt.Sprintf("/console/items/%d", it.ID))
	if p.Status != 200 || !strings.Contains(p.Text(), payload) {
		t.Fatalf("the page does not show the text as written: %d %s", p.Status, p.Section("基本信息"))
	}
	for _, s := range p.Elements("script") {
		if !webtest.HasAttr(s, "src") || strings.Contains(webtest.TextOf(s), "alert") {
			t.Errorf("an inline script on the page: %q", webtest.TextOf(s))
		}
	}
	p.Walk(func(n *html.Node) {
		if webtest.HasAttr(n, "onerror") {
			t.Errorf("an element <%s> with onerror", n.Data)
		}
	})
}

// A co-handling unit's page does not show the primary unit's draft.
func TestDraftsStayInTheirUnitOnThePage(t *testing.T) {
	w := newWorld(t)
	w.s.Expect(t, 200, testenv.Req{Method: "PATCH", Path: "/api/v1/units/UA", Token: w.s.Admin(t),
		Body: map[string]any{"reply_approval": true}})
	id, _ := w.call(t, "", false)
	w.s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/dispatch", id), Token: w.opToken,
		Body: map[string]any{"primary_unit_code": "UA", "co_unit_codes": []string{"UB"}}})
	page := fmt.Sprintf("/console/items/%d", id)
	staff := w.signIn(t, domain.RoleUnitStaff)
	staff.Post(page+"/accept", nil)
	if p := staff.Post(page+"/replies", url.Values{"body": {"内部草稿拟处罚"}, "final": {"on"}}); p.URL != page+"?done=reply" {
		t.Fatalf("reply: %s %s", p.URL, p.Text())
	}
	if p := webtest.SignIn(t, w.s, w.otherB).Get(page); p.Status != 200 || strings.Contains(p.Text(), "内部草稿") {
		t.Errorf("the co-handling unit's page: %d, shows the draft %v", p.Status, strings.Contains(p.Text(), "内部草稿"))
	}
	if p := w.signIn(t, domain.RoleManager).Get(page); !strings.Contains(p.Text(), "内部草稿") {
		t.Errorf("the manager does not see the draft")
	}
}

// A manager publishes a consenting writer's letter from its page after
// seeing exactly what becomes public.
func TestPublishFromTheItemPage(t *testing.T) {
	w := newWorld(t)
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/public/letters", Body: map[string]any{"name": "李四",
		"kind": "suggestion", "title": "出租车问题", "content": "我叫李四,电话13812345678,<img src=x onerror=alert(1)>",
		"publish_consent": true}})
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	w.s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items?channel=mailbox", Token: w.opToken}).Decode(t, &list)
	id := list.Items[0].ID
	w.s.Expect(t, 200, testenv.Req{Method: "POST", Path: fmt.Sprintf("/api/v1/items/%d/dispatch", id), Token: w.opToken,
		Body: map[string]any{"primary_unit_code": "UA"}})
	page := fmt.Sprintf("/console/items/%d", id)
	staff, mgr := w.signIn(t, domain.RoleUnitStaff), w.signIn(t, domain.RoleManager)
	staff.Post(page+"/accept", nil)
	staff.Post(page+"/replies", url.Values{"body": {"已采纳"}, "final": {"on"}})
	p := mgr.Get(page)
	if !webtest.Contains(p.Buttons(), "公开发布") || !strings.Contains(p.Text(), "预览公开内容") {
		t.Fatalf("no publish action: buttons %v", p.Buttons())
	}
	preview := p.Section("办理")
	if strings.Contains(preview, "13812345678") || !strings.Contains(preview, "我叫李*") || !strings.Contains(preview, "已采纳") {
		t.Errorf("preview %q", preview)
	}
	if webtest.Contains(w.signIn(t, domain.RoleOperator).Get(page).Buttons(), "公开发布") {
		t.Errorf("the operator is offered 公开发布")
	}
	if p := mgr.Post(page+"/publish", nil); p.URL != page+"?done=publish" {
		t.Fatalf("publish: %s %s", p.URL, p.Text())
	}
	if webtest.Contains(mgr.Get(page).Buttons(), "公开发布") {
		t.Errorf("公开发布 offered after publishing")
	}
}

// Console sign-ins, failures and sign-outs reach the audit log like the
// API's.
func TestConsoleSignInsAreAudited(t *testing.T) {
	w := newWorld(t)
	a := w.accounts[domain.RoleManager]
	webtest.NewClient(t, w.s).LoginForm(a.Username, "wrong password 1")
	c := webtest.SignIn(t, w.s, a)
	c.Post("/console/logout", nil)
	for _, action := range []string{"login_failed", "login", "logout"} {
		var list struct {
			Items []struct {
				Target   string `json:"target"`
				ClientIP string `json:"client_ip"`
			} `json:"items"`
		}
		w.s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/audit-log?kind=auth&action=" + action + "&actor=" + a.Username,
			Token: w.s.Admin(t)}).Decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].Target != "console" || list.Items[0].ClientIP == "" {
			t.Errorf("%s: %+v", action, list.Items)
		}
	}
}
