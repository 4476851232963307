package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hotline/domain"
	"hotline/testenv"
	"hotline/web/webtest"
)

// TestBrowserKBDesk: an operator types a caller's question at the desk; the
// right article is among the first three suggestions, its words marked;
// choosing it by keyboard fills 答复内容 and ticks 当场答复; 提交 records the
// article on the call (read back through the API) and the manager's KB
// statistics count it. axe-core finds nothing on the desk with suggestions
// nor on any knowledge-base page.
func TestBrowserKBDesk(t *testing.T) {
	w := newWorld(t)
	right := w.article(t, "UA", "published") // 网络预约出租汽车投诉渠道: 网约车司机绕路怎么投诉?
	for _, a := range [][3]string{
		{"公交卡退卡办理", "公交卡怎么退卡?", "持卡到任一公交服务网点办理退卡。"},
		{"驾驶证到期换证", "驾驶证到期了怎么换?", "可在交管12123办理。"},
		{"出租车拒载投诉", "出租车拒载怎么投诉?", "记下车牌号,拨打12328投诉。"},
		{"长途客运退票", "汽车票怎么退?", "开车前两小时可到车站退票。"},
	} {
		w.articleWith(t, map[string]any{"title": a[0], "question": a[1], "answer": a[2], "status": "published"})
	}
	b := webtest.NewBrowser(t, w.s.URL)
	wait := func(what string, cond func() bool) { testenv.Eventually(t, 30*time.Second, what, cond) }

	b.LoginAs(w.accounts[domain.RoleOperator])
	b.FillByLabel("来电号码", "13912345678")
	b.SelectByLabel("诉求类型", "咨询")
	b.FillByLabel("诉求内容", "我坐网约车司机故意绕路,想问问去哪里投诉")
	choose := "选用:网络预约出租汽车投诉渠道"
	wait("the knowledge base's suggestions", func() bool { return b.HasButton(choose) })
	if n := strings.Count(b.Section("知识库参考"), "选用:"); n < 1 || n > 3 {
		t.Fatalf("%d suggestions shown: %s", n, b.Section("知识库参考"))
	}
	b.AssertAxeClean()
	b.Screenshot("desk-kb")
	b.FocusButton(choose)
	b.Press("\r")
	wait("the answer filled in", func() bool { return strings.Contains(b.FieldValue("答复内容"), "12328") })
	if !b.Checked("当场答复") {
		t.Fatalf("当场答复 not ticked after choosing an article")
	}
	if st := b.ClickButton("提交"); st != 200 || !strings.Contains(b.Section("来电已登记"), "已当场答复") {
		t.Fatalf("提交: %d %s", st, b.Text())
	}
	link := b.Href("查看事项")
	var item struct {
		KBArticleID *int64 `json:"kb_article_id"`
		Answer      string `json:"answer"`
	}
	w.s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/items/" + strings.TrimPrefix(link, "/console/items/"), Token: w.opToken}).Decode(t, &item)
	if item.KBArticleID == nil || *item.KBArticleID != right || !strings.Contains(item.Answer, "12328") {
		t.Fatalf("the call records article %v (want %d), answer %q", item.KBArticleID, right, item.Answer)
	}
	b.Visit("/console/kb")
	b.AssertAxeClean()
	b.Visit(fmt.Sprintf("/console/kb/%d", right))
	b.AssertAxeClean()
	b.ClickButton("退出")

	b.LoginAs(w.accounts[domain.RoleManager])
	if st := b.Visit("/console/kb/stats"); st != 200 {
		t.Fatalf("KB stats: %d", st)
	}
	if !strings.Contains(b.Section("按文章"), "网络预约出租汽车投诉渠道") {
		t.Fatalf("stats by article: %s", b.Section("按文章"))
	}
	if !strings.Contains(b.Text(), "直接答复来电 1 次") || !strings.Contains(b.Section("从未使用的文章"), "公交卡退卡办理") {
		t.Fatalf("stats: %s", b.Text())
	}
	b.AssertAxeClean()
	b.Visit("/console/kb?q=" + "网约车投诉")
	b.AssertAxeClean()
	b.Visit(fmt.Sprintf("/console/kb/%d", right)) // with the edit form
	b.AssertAxeClean()
	b.ClickButton("退出")

	b.LoginAs(w.accounts[domain.RoleAdmin])
	b.Visit("/console/kb/synonyms")
	b.FillByLabel("同义词", "滴滴 = 网约车")
	if st := b.ClickButton("添加"); st != 200 || !strings.Contains(b.Section("同义词组"), "滴滴") {
		t.Fatalf("添加: %d %s", st, b.Text())
	}
	b.AssertAxeClean()
}

// TestBrowserProposals: a manager records a suggestion; the lead unit's
// clerk records a contact and answers with category A; the manager approves
// the answer and records the deputy's 满意; the year's figures show it.
// axe-core finds nothing on the list, the record and the figures.
func TestBrowserProposals(t *testing.T) {
	w := newWorld(t)
	b := webtest.NewBrowser(t, w.s.URL)
	b.LoginAs(w.accounts[domain.RoleManager])
	if st := b.Visit("/console/proposals"); st != 200 {
		t.Fatalf("list: %d", st)
	}
	b.AssertAxeClean()
	b.SelectByLabel("建议或提案", "建议")
	b.FillByLabel("届次会议", "市十七届人大三次会议")
	b.FillByLabel("编号", "第56号")
	b.FillByLabel("标题", "关于优化城区公交线网的建议")
	b.FillByLabel("内容", "建议优化城区公交线网,增开夜间线路。")
	b.FillByLabel("领衔代表委员", "王代表")
	b.SelectByLabel("承办方式", "主办件")
	b.SelectByLabel("主办单位", "甲处")
	if st := b.ClickButton("登记"); st != 200 || !strings.Contains(b.Text(), "建议提案已登记") {
		t.Fatalf("登记: %d %s", st, b.Text())
	}
	record := b.Path()
	record = strings.SplitN(record, "?", 2)[0]
	b.AssertAxeClean()
	b.ClickButton("退出")

	b.LoginAs(w.accounts[domain.RoleUnitStaff])
	b.Visit("/console/proposals")
	if !strings.Contains(b.Text(), "第56号") || !strings.Contains(b.Text(), "剩余") {
		t.Fatalf("the clerk's list: %s", b.Text())
	}
	b.Visit(record)
	b.SelectByLabel("沟通方式", "电话")
	b.FillByLabel("沟通情况", "电话联系王代表,沟通办理思路。")
	if st := b.ClickButton("保存沟通记录"); st != 200 || !strings.Contains(b.Section("沟通记录"), "电话") {
		t.Fatalf("保存沟通记录: %d %s", st, b.Text())
	}
	b.SelectByLabel("答复类别", "A 类:已经解决或基本解决")
	b.FillByLabel("答复内容", "已优化线路5条,增开夜间线路2条。")
	b.CheckByLabel("可以公开")
	if st := b.ClickButton("答复"); st != 200 || !strings.Contains(b.Section("答复"), "待审核") {
		t.Fatalf("答复: %d %s", st, b.Text())
	}
	b.AssertAxeClean()
	b.ClickButton("退出")

	b.LoginAs(w.accounts[domain.RoleManager])
	b.Visit(record)
	if st := b.ClickButton("审核通过"); st != 200 || !strings.Contains(b.Section("答复"), "已审核") {
		t.Fatalf("审核通过: %d %s", st, b.Text())
	}
	b.SelectByLabel("满意度", "满意")
	if st := b.ClickButton("记录反馈"); st != 200 || !strings.Contains(b.Section("代表委员反馈"), "满意") {
		t.Fatalf("记录反馈: %d %s", st, b.Text())
	}
	if tl := b.Section("办理记录"); !strings.Contains(tl, "审核通过") || !strings.Contains(tl, "代表反馈") || !strings.Contains(b.Section("基本信息"), "已办结") {
		t.Fatalf("the record after feedback: %s", b.Text())
	}
	b.AssertAxeClean()
	b.Screenshot("proposal")
	if st := b.Visit("/console/proposals/stats"); st != 200 {
		t.Fatalf("stats: %d", st)
	}
	if s := b.Section("年度报告表述"); !strings.Contains(s, "共承担建议提案1件,其中建议1件、提案0件;主办件1件,全部按要求时限完成答复") || !strings.Contains(s, "满意1件") {
		t.Fatalf("the report sentence: %s", s)
	}
	if !strings.Contains(b.Section("办理情况"), "A 类") {
		t.Fatalf("figures: %s", b.Section("办理情况"))
	}
	b.AssertAxeClean()
}
