package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"hotline/domain"
	"hotline/testenv"
	"hotline/web/webtest"
)

// today is the civil date in Asia/Shanghai, as proposals count days.
func today() string {
	return time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
}

// proposal records, through the API as a manager, a suggestion led by unit
// with UB as joint unit when the lead is UA.
func (w *world) proposal(t *testing.T, unit string) int64 {
	t.Helper()
	w.calls++
	tok := w.s.Login(t, w.accounts[domain.RoleManager].Username, w.accounts[domain.RoleManager].Password)
	var out struct {
		ID int64 `json:"id"`
	}
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/proposals", Token: tok,
		Header: map[string]string{"Idempotency-Key": fmt.Sprintf("p-%s-%d", unit, w.calls)},
		Body: map[string]any{"type": "suggestion", "session": "市十七届人大三次会议", "number": fmt.Sprintf("%d号", 100+w.calls),
			"title": "关于优化公交线路的建议", "content": "建议增开夜间公交线路。", "lead_author": "王代表",
			"assigned_on": today(), "our_role": "lead", "lead_unit_code": unit}}).Decode(t, &out)
	return out.ID
}

// article writes a knowledge-base article of the unit through the API as a
// manager, with the status given.
func (w *world) article(t *testing.T, unit, status string) int64 {
	t.Helper()
	return w.articleWith(t, map[string]any{"title": "网络预约出租汽车投诉渠道", "question": "网约车司机绕路怎么投诉?",
		"answer": "可拨打12328交通运输服务监督电话投诉,或通过网约车平台客服投诉。", "owner_unit_code": unit, "status": status})
}

func (w *world) articleWith(t *testing.T, body map[string]any) int64 {
	t.Helper()
	w.calls++
	tok := w.s.Login(t, w.accounts[domain.RoleManager].Username, w.accounts[domain.RoleManager].Password)
	var out struct {
		ID int64 `json:"id"`
	}
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/kb/articles", Token: tok,
		Header: map[string]string{"Idempotency-Key": fmt.Sprintf("a-%d", w.calls)}, Body: body}).Decode(t, &out)
	return out.ID
}

// TestProposalPages: a manager records a suggestion through the form and
// finds it with the list's filters, its days left said in words; the lead
// unit's clerk sees it and the actions of the lead unit, another unit's
// clerk neither; a bad answer is shown beside its field; the actions run in
// order (contact, answer A, approval, feedback 满意) and the timeline and the
// year's figures show them.
func TestProposalPages(t *testing.T) {
	w := newWorld(t)
	mgr := w.signIn(t, domain.RoleManager)
	list := mgr.Get("/console/proposals")
	checkPage(t, list)
	if list.Section("新建建议提案") == "" {
		t.Fatalf("no 新建建议提案 form for a manager")
	}
	for _, l := range []string{"建议或提案", "届次会议", "编号", "标题", "内容", "领衔代表委员", "交办日期", "承办方式", "主办单位", "会办单位(可多选)"} {
		if !webtest.Contains(list.Labels(), l) {
			t.Errorf("new record form: no field %s in %v", l, list.Labels())
		}
	}
	// a form without a number is refused beside the field
	bad := mgr.Post("/console/proposals", url.Values{"type": {"suggestion"}, "session": {"三次会议"}, "title": {"t"},
		"content": {"c"}, "lead_author": {"王代表"}, "assigned_on": {today()}, "our_role": {"lead"}, "lead_unit_code": {"UA"}})
	if bad.Status != 422 || fieldError(bad, "new-number") == "" {
		t.Fatalf("record without number: %d %q", bad.Status, fieldError(bad, "new-number"))
	}
	p := mgr.Post("/console/proposals", url.Values{"type": {"suggestion"}, "session": {"三次会议"}, "number": {"第58号"},
		"title": {"关于增开夜间公交的建议"}, "content": {"建议增开夜间公交线路。"}, "lead_author": {"王代表"},
		"co_authors": {"李代表、赵代表"}, "assigned_on": {today()}, "our_role": {"lead"}, "lead_unit_code": {"UA"},
		"co_unit_codes": {"UB"}})
	if p.Status != 200 || !strings.HasPrefix(p.URL, "/console/proposals/") || !strings.Contains(p.Text(), "建议提案已登记") {
		t.Fatalf("create: %d %s %s", p.Status, p.URL, p.Text())
	}
	checkPage(t, p)
	rec := strings.SplitN(strings.TrimPrefix(p.URL, "/console/proposals/"), "?", 2)[0]
	if !strings.Contains(p.Section("基本信息"), "李代表、赵代表") || !strings.Contains(p.Section("基本信息"), "剩余 ") {
		t.Errorf("details: %s", p.Section("基本信息"))
	}

	for q, want := range map[string]bool{"": true, "?type=suggestion&q=夜间公交": true, "?type=proposal": false,
		"?overdue=true": false, "?status=handling&our_role=lead": true, "?year=2001": false} {
		l := mgr.Get("/console/proposals" + q)
		if l.Status != 200 || strings.Contains(l.Text(), "第58号") != want {
			t.Errorf("list%s: %d, shows the record %v, want %v", q, l.Status, !want, want)
		}
	}
	if l := mgr.Get("/console/proposals?overdue=maybe"); l.Status != 422 || fieldError(l, "filters-overdue") == "" {
		t.Errorf("bad filter: %d", l.Status)
	}
	if l := mgr.Get("/console/proposals"); !strings.Contains(l.Text(), "剩余 ") {
		t.Errorf("the list does not say the days left: %s", l.Text())
	}

	// the lead unit's clerk, a joint unit's clerk
	staff := w.signIn(t, domain.RoleUnitStaff)
	if l := staff.Get("/console/proposals"); !strings.Contains(l.Text(), "第58号") || l.Section("新建建议提案") != "" {
		t.Errorf("lead unit's list: %s", l.Text())
	}
	sp := staff.Get("/console/proposals/" + rec)
	checkPage(t, sp)
	for b, want := range map[string]bool{"保存沟通记录": true, "答复": true, "审核通过": false, "延期": false, "提交会办意见": false} {
		if webtest.Contains(sp.Buttons(), b) != want {
			t.Errorf("lead unit's clerk: button %s shown %v", b, !want)
		}
	}
	other := webtest.SignIn(t, w.s, w.otherB)
	if op := other.Get("/console/proposals/" + rec); op.Status != 200 || !webtest.Contains(op.Buttons(), "提交会办意见") || webtest.Contains(op.Buttons(), "答复") {
		t.Errorf("joint unit's clerk: %d %v", op.Status, op.Buttons())
	}

	w.s.Unit(t, "UC", "丙处")
	stranger := webtest.SignIn(t, w.s, webtest.NewAccount(t, w.s, domain.RoleUnitHead, "UC"))
	if sp := stranger.Get("/console/proposals/" + rec); sp.Status != 404 || strings.Contains(sp.Text(), "夜间公交") {
		t.Errorf("an unrelated unit opens the record: %d", sp.Status)
	}
	if l := stranger.Get("/console/proposals"); strings.Contains(l.Text(), "第58号") {
		t.Errorf("an unrelated unit lists the record")
	}

	// a bad answer, then the whole loop
	if a := staff.Post("/console/proposals/"+rec+"/answer", url.Values{"body": {"已增开。"}, "answered_on": {today()}}); a.Status != 422 || fieldError(a, "answer-category") == "" {
		t.Fatalf("answer without category: %d %q", a.Status, fieldError(a, "answer-category"))
	}
	steps := []struct {
		c    *webtest.Client
		path string
		v    url.Values
		done string
	}{
		{staff, "/contacts", url.Values{"method": {"phone"}, "on": {today()}, "note": {"电话沟通办理思路"}}, "沟通记录已保存"},
		{staff, "/answer", url.Values{"category": {"A"}, "body": {"已增开夜间公交3条。"}, "answered_on": {today()}, "public": {"on"}}, "待管理者审核"},
		{mgr, "/answer/decision", url.Values{"decision": {"approve"}}, "答复已审核通过"},
		{mgr, "/feedback", url.Values{"satisfaction": {"satisfied"}, "on": {today()}}, "代表反馈已记录"},
		{mgr, "/commitments", url.Values{"text": {"年底前再增开1条"}, "due_on": {"2099-12-31"}}, "承诺事项已记录"},
		{mgr, "/publish", nil, "答复已公开"},
	}
	for _, s := range steps {
		r := s.c.Post("/console/proposals/"+rec+s.path, s.v)
		if r.Status != 200 || !strings.Contains(r.Text(), s.done) {
			t.Fatalf("%s: %d %s", s.path, r.Status, r.Text())
		}
	}
	done := mgr.Get("/console/proposals/" + rec)
	tl := done.Section("办理记录")
	for _, e := range []string{"交办登记", "沟通联系", "提交答复", "审核通过", "代表反馈", "承诺事项", "公开答复"} {
		if !strings.Contains(tl, e) {
			t.Errorf("timeline lacks %s: %s", e, tl)
		}
	}
	if !strings.Contains(done.Section("基本信息"), "已办结") || !strings.Contains(done.Section("答复"), "A 类") {
		t.Errorf("record after the loop: %s / %s", done.Section("基本信息"), done.Section("答复"))
	}
	if cd := mgr.Post(fmt.Sprintf("/console/proposals/%s/commitments/%d/done", rec, 1), nil); cd.Status != 200 || !strings.Contains(cd.Section("承诺事项"), "已完成") {
		t.Errorf("commitment done: %d %s", cd.Status, cd.Section("承诺事项"))
	}
	st := mgr.Get(fmt.Sprintf("/console/proposals/stats?year=%s", today()[:4]))
	checkPage(t, st)
	if s := st.Section("年度报告表述"); !strings.Contains(s, "共承担建议提案1件") || !strings.Contains(s, "全部按要求时限完成答复") || !strings.Contains(s, "满意1件") {
		t.Errorf("stats sentence: %s", s)
	}
	if !strings.Contains(st.Section("办理情况"), "A 类") {
		t.Errorf("stats categories: %s", st.Section("办理情况"))
	}
	if bad := mgr.Get("/console/proposals/stats?year=abc"); bad.Status != 422 {
		t.Errorf("stats with a bad year: %d", bad.Status)
	}
}

// TestKBPages: a manager publishes an article through the form; an operator
// finds it by a search that marks the matched words (escaped: the article's
// markup is text), reads it without an edit form and never sees a draft; a
// unit's clerk writes a draft for the unit; the admin adds a synonym and the
// search uses it; the desk's panel offers at most three articles, each with
// its 选用 button; a call answered from one records kb_article_id, and the
// statistics count it.
func TestKBPages(t *testing.T) {
	w := newWorld(t)
	mgr := w.signIn(t, domain.RoleManager)
	list := mgr.Get("/console/kb")
	checkPage(t, list)
	if !webtest.Contains(list.Buttons(), "保存草稿") || !webtest.Contains(list.Buttons(), "发布") {
		t.Fatalf("manager's new article form: %v", list.Buttons())
	}
	if bad := mgr.Post("/console/kb", url.Values{"title": {"x"}, "question": {"q"}, "status": {"draft"}}); bad.Status != 422 || fieldError(bad, "new-answer") == "" {
		t.Fatalf("article without answer: %d %q", bad.Status, fieldError(bad, "new-answer"))
	}
	p := mgr.Post("/console/kb", url.Values{"title": {"出租车<b>拒载</b>投诉"}, "question": {"出租车拒载怎么投诉?"},
		"answer": {"请记下车牌号,拨打12328投诉,我们将在5个工作日内答复。"}, "tags": {"出租车,拒载"}, "status": {"published"}})
	if p.Status != 200 || !strings.Contains(p.Text(), "已发布") {
		t.Fatalf("publish: %d %s", p.Status, p.Text())
	}
	art := strings.SplitN(strings.TrimPrefix(p.URL, "/console/kb/"), "?", 2)[0]
	if !strings.Contains(p.Section("修订记录"), "第 1 版") {
		t.Errorf("revisions: %s", p.Section("修订记录"))
	}

	op := w.signIn(t, domain.RoleOperator)
	s := op.Get("/console/kb?q=" + url.QueryEscape("拒载投诉"))
	checkPage(t, s)
	if !strings.Contains(s.Body, "<mark>拒载</mark>") || strings.Contains(s.Body, "<b>拒载</b>") || !strings.Contains(s.Text(), "<b>") {
		t.Errorf("search hits not marked or not escaped: %s", s.Section("检索结果"))
	}
	a := op.Get("/console/kb/" + art)
	checkPage(t, a)
	if a.Status != 200 || a.Section("编辑") != "" || webtest.Contains(a.Buttons(), "发布") {
		t.Errorf("operator's article page: %d %v", a.Status, a.Buttons())
	}

	// a clerk's draft: the clerk may edit, the operator does not see it
	staff := w.signIn(t, domain.RoleUnitStaff)
	d := staff.Post("/console/kb", url.Values{"title": {"公交卡退卡"}, "question": {"公交卡怎么退?"}, "answer": {"到服务网点办理。"}, "status": {"draft"}})
	if d.Status != 200 || !strings.Contains(d.Text(), "已保存为草稿") || webtest.Contains(d.Buttons(), "发布") {
		t.Fatalf("clerk's draft: %d %v %s", d.Status, d.Buttons(), d.Text())
	}
	draft := strings.SplitN(strings.TrimPrefix(d.URL, "/console/kb/"), "?", 2)[0]
	if g := op.Get("/console/kb/" + draft); g.Status != 404 {
		t.Errorf("operator opens a draft: %d", g.Status)
	}
	if r := staff.Post("/console/kb/"+draft, url.Values{"title": {"公交卡退卡"}, "question": {"公交卡怎么退?"},
		"answer": {"到任一服务网点办理。"}, "status": {"draft"}, "revision": {"0"}}); r.Status != 409 {
		t.Errorf("a change on an old revision: %d", r.Status)
	}
	// the manager withdraws the published article, then publishes it again
	if r := mgr.Post("/console/kb/"+art, url.Values{"title": {"出租车<b>拒载</b>投诉"}, "question": {"出租车拒载怎么投诉?"},
		"answer": {"请记下车牌号,拨打12328投诉,我们将在5个工作日内答复。"}, "tags": {"出租车,拒载"}, "status": {"expired"}, "revision": {"1"}}); r.Status != 200 || !strings.Contains(r.Text(), "已停用") {
		t.Fatalf("停用: %d %s", r.Status, r.Text())
	}
	if g := op.Get("/console/kb?q=" + url.QueryEscape("拒载投诉")); strings.Contains(g.Section("检索结果"), "拒载") {
		t.Errorf("a withdrawn article is offered")
	}
	if r := mgr.Post("/console/kb/"+art, url.Values{"title": {"出租车<b>拒载</b>投诉"}, "question": {"出租车拒载怎么投诉?"},
		"answer": {"请记下车牌号,拨打12328投诉,我们将在5个工作日内答复。"}, "tags": {"出租车,拒载"}, "status": {"published"}, "revision": {"2"}}); r.Status != 200 || !strings.Contains(r.Text(), "已发布") {
		t.Fatalf("发布 again: %d %s", r.Status, r.Text())
	}

	// synonyms
	adm := w.signIn(t, domain.RoleAdmin)
	w.article(t, "", "published") // 网络预约出租汽车投诉渠道
	if g := op.Get("/console/kb?q=" + url.QueryEscape("滴滴")); strings.Contains(g.Section("检索结果"), "网络预约出租汽车") {
		t.Fatalf("found before the synonym exists")
	}
	sy := adm.Get("/console/kb/synonyms")
	checkPage(t, sy)
	if bad := adm.Post("/console/kb/synonyms", url.Values{"terms": {"滴滴"}}); bad.Status != 422 || fieldError(bad, "synonym-terms") == "" {
		t.Errorf("one-term group: %d", bad.Status)
	}
	if r := adm.Post("/console/kb/synonyms", url.Values{"terms": {"滴滴 = 网约车"}}); r.Status != 200 || !strings.Contains(r.Section("同义词组"), "滴滴") {
		t.Fatalf("add synonym: %d %s", r.Status, r.Text())
	}
	if g := op.Get("/console/kb?q=" + url.QueryEscape("滴滴")); !strings.Contains(g.Section("检索结果"), "网络预约出租汽车") {
		t.Errorf("the synonym is not used: %s", g.Section("检索结果"))
	}

	// the desk's panel and a call answered from an article
	for i := 0; i < 4; i++ {
		w.articleWith(t, map[string]any{"title": fmt.Sprintf("出租车拒载处理%d", i), "question": "出租车拒载", "answer": "出租车拒载可投诉。", "status": "published"})
	}
	panel := op.Get("/console/desk/kb?content=" + url.QueryEscape("出租车司机拒载怎么投诉"))
	var uses []string
	for _, b := range panel.Elements("button") {
		if id := webtest.Attr(b, "data-kb-use"); id != "" {
			uses = append(uses, id)
		}
	}
	if panel.Status != 200 || len(uses) != 3 || len(panel.Elements("h1")) != 0 {
		t.Fatalf("desk panel: %d, %d suggestions", panel.Status, len(uses))
	}
	desk := op.Get("/console/desk")
	if desk.InputValue("kb_article_id") != "" || !strings.Contains(desk.Body, `hx-get="/console/desk/kb"`) {
		t.Errorf("the desk has no KB panel wired")
	}
	r := postCall(op, url.Values{"caller_phone": {"13812345678"}, "kind": {"consultation"}, "content": {"出租车拒载怎么投诉"},
		"answered_on_call": {"on"}, "answer": {"请拨打12328。"}, "kb_article_id": {art}})
	if r.Status != 200 || !strings.Contains(r.Text(), "来电已登记") {
		t.Fatalf("desk submit: %d %s", r.Status, r.Text())
	}
	var item struct {
		KBArticleID *int64 `json:"kb_article_id"`
	}
	created := strings.TrimPrefix(r.URL, "/console/desk?created=")
	w.s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items/" + created, Token: w.opToken}).Decode(t, &item)
	if item.KBArticleID == nil || fmt.Sprint(*item.KBArticleID) != art {
		t.Fatalf("kb_article_id of the call: %v, want %s", item.KBArticleID, art)
	}
	st := mgr.Get("/console/kb/stats")
	checkPage(t, st)
	if !strings.Contains(st.Section("按文章"), "拒载") || !strings.Contains(st.Text(), "直接答复来电 1 次") {
		t.Errorf("stats: %s", st.Text())
	}
	if !strings.Contains(st.Section("未检索到结果的搜索"), "滴滴") {
		t.Errorf("the search without result is not listed: %s", st.Section("未检索到结果的搜索"))
	}
	if bad := mgr.Get("/console/kb/stats?from=2026-13-01"); bad.Status != 422 {
		t.Errorf("bad period: %d", bad.Status)
	}
}
