package handlers_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"hotline/testenv"
)

type kbArticle struct {
	ID            int64    `json:"id"`
	Title         string   `json:"title"`
	Answer        string   `json:"answer"`
	Status        string   `json:"status"`
	Offered       bool     `json:"offered"`
	Revision      int      `json:"revision"`
	OwnerUnitCode *string  `json:"owner_unit_code"`
	Tags          []string `json:"tags"`
	ValidUntil    *string  `json:"valid_until"`
}

type kbHit struct {
	ID              int64    `json:"id"`
	Title           string   `json:"title"`
	TitleHighlights []kbSpan `json:"title_highlights"`
	Snippet         string   `json:"snippet"`
	Highlights      []kbSpan `json:"highlights"`
	Score           float64  `json:"score"`
	CategoryCode    *string  `json:"category_code"`
}

type kbSpan struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

func shanghaiDay(days int) string {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Now().In(loc).AddDate(0, 0, days).Format(time.DateOnly)
}

func kbCreate(t *testing.T, s *testenv.Server, token string, body map[string]any) kbArticle {
	t.Helper()
	var a kbArticle
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/kb/articles", Token: token, Body: body}).Decode(t, &a)
	return a
}

func kbPatch(t *testing.T, s *testenv.Server, token string, id int64, want int, body map[string]any) kbArticle {
	t.Helper()
	var a kbArticle
	r := s.Expect(t, want, testenv.Req{Method: "PATCH", Path: fmt.Sprintf("/api/v1/kb/articles/%d", id), Token: token, Body: body})
	if want == 200 {
		r.Decode(t, &a)
	}
	return a
}

func kbSearch(t *testing.T, s *testenv.Server, token, q string) []kbHit {
	t.Helper()
	var out struct {
		Items []kbHit `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/kb/search?q=" + url.QueryEscape(q), Token: token}).Decode(t, &out)
	return out.Items
}

func hitIDs(hits []kbHit) []int64 {
	var out []int64
	for _, h := range hits {
		out = append(out, h.ID)
	}
	return out
}

// marked returns the highlighted parts of a text.
func marked(text string, spans []kbSpan) []string {
	rs := []rune(text)
	var out []string
	for _, s := range spans {
		if s.Start < 0 || s.End > len(rs) || s.Start >= s.End {
			return []string{fmt.Sprintf("bad span %v of %d characters", s, len(rs))}
		}
		out = append(out, string(rs[s.Start:s.End]))
	}
	return out
}

type kbRevision struct {
	Revision   int            `json:"revision"`
	Actor      string         `json:"actor"`
	Action     string         `json:"action"`
	FromStatus *string        `json:"from_status"`
	ToStatus   *string        `json:"to_status"`
	Changes    map[string]any `json:"changes"`
	Note       string         `json:"note"`
}

func TestKnowledgeBaseLifecycle(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	admin := s.Admin(t)
	mgr := s.User(t, "manager", "")
	taxi := s.User(t, "unit_staff", "TAXI")
	bus := s.User(t, "unit_staff", "BUS")
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/categories", Token: admin,
		Body: map[string]any{"code": "RIDEHAIL", "name": "网约车"}})

	// a unit writes a draft for itself
	art := kbCreate(t, s, taxi, map[string]any{
		"title":         "网约车驾驶员证怎么办理",
		"question":      "想开网约车,网络预约出租汽车驾驶员证需要什么条件、带什么材料?",
		"answer":        "申请人持身份证、机动车驾驶证和无犯罪记录证明,到市交通运输局政务服务窗口报名,参加全国公共科目和区域科目考试,合格后发证。详情可拨打12328咨询。",
		"category_code": "RIDEHAIL", "tags": []string{"网约车", "从业资格"},
		"source":      "《网络预约出租汽车经营服务管理暂行办法》",
		"valid_until": shanghaiDay(60),
	})
	if art.Status != "draft" || art.Offered || art.Revision != 1 || art.OwnerUnitCode == nil || *art.OwnerUnitCode != "TAXI" {
		t.Fatalf("new article: %+v", art)
	}
	path := fmt.Sprintf("/api/v1/kb/articles/%d", art.ID)
	s.Expect(t, 403, testenv.Req{Method: "POST", Path: "/api/v1/kb/articles", Token: taxi, Body: map[string]any{
		"title": "公交线路", "question": "公交线路调整", "answer": "见公告", "owner_unit_code": "BUS"}})

	// drafts are never offered, nor seen outside their unit, nor answered from
	if hits := kbSearch(t, s, op, "网约车驾驶员证"); len(hits) != 0 {
		t.Errorf("a draft was offered: %+v", hits)
	}
	s.Expect(t, 404, testenv.Req{Method: "GET", Path: path, Token: op})
	s.Expect(t, 404, testenv.Req{Method: "GET", Path: path, Token: bus})
	answered := map[string]any{"caller_phone": "13812345678", "kind": "consultation", "content": "网约车驾驶员证怎么办",
		"answered_on_call": true, "answer": "到市交通运输局政务服务窗口报名考试", "kb_article_id": art.ID}
	expectProblemField(t, s.Expect(t, 422, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Body: answered}), "kb_article_id")

	// publishing is a reviewer's act
	kbPatch(t, s, taxi, art.ID, 403, map[string]any{"status": "published"})
	art = kbPatch(t, s, mgr, art.ID, 200, map[string]any{"status": "published", "note": "审核通过"})
	if art.Status != "published" || !art.Offered || art.Revision != 2 {
		t.Fatalf("published: %+v", art)
	}

	// the operator finds it, with the matches marked in plain text
	hits := kbSearch(t, s, op, "网约车驾驶员证怎么办")
	if len(hits) == 0 || hits[0].ID != art.ID {
		t.Fatalf("search after publishing: %+v", hits)
	}
	if got := strings.Join(marked(hits[0].Title, hits[0].TitleHighlights), "|"); !strings.Contains(got, "网约车") || !strings.Contains(got, "驾驶员") {
		t.Errorf("title marks %q in %q", got, hits[0].Title)
	}
	if got := marked(hits[0].Snippet, hits[0].Highlights); len(got) == 0 {
		t.Errorf("snippet %q marks nothing", hits[0].Snippet)
	}
	// traditional characters and a number find it too
	for _, q := range []string{"網約車駕駛員證", "12328"} {
		if hits := kbSearch(t, s, op, q); !slices.Contains(hitIDs(hits), art.ID) {
			t.Errorf("search %q: %+v", q, hits)
		}
	}

	// a call answered from it records and counts it
	var it item
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Body: answered}).Decode(t, &it)
	if it.Status != "answered" {
		t.Errorf("answered call: %+v", it)
	}
	if got := s.Expect(t, 200, testenv.Req{Method: "GET", Path: itemPath(it.ID, ""), Token: op}).Map(t)["kb_article_id"]; got != float64(art.ID) {
		t.Errorf("item kb_article_id = %v, want %d", got, art.ID)
	}
	delete(answered, "answered_on_call")
	delete(answered, "answer")
	expectProblemField(t, s.Expect(t, 422, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Body: answered}), "kb_article_id")

	// an owner's change of the text goes back to review; another unit may not change it
	kbPatch(t, s, bus, art.ID, 403, map[string]any{"source": "x"})
	kbPatch(t, s, taxi, art.ID, 409, map[string]any{"answer": "旧版本上的修改", "revision": 1})
	art = kbPatch(t, s, taxi, art.ID, 200, map[string]any{"answer": art.Answer + "考试费用按规定收取。", "revision": 2, "note": "补充费用"})
	if art.Status != "draft" || art.Revision != 3 {
		t.Errorf("owner's edit of a published article: %+v", art)
	}
	art = kbPatch(t, s, admin, art.ID, 200, map[string]any{"status": "published"})

	// every change is a revision: who, what, from and to
	var revs struct {
		Items []kbRevision `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: path + "/revisions", Token: taxi}).Decode(t, &revs)
	var actions []string
	for _, rv := range revs.Items {
		actions = append(actions, rv.Action)
	}
	if !slices.Equal(actions, []string{"published", "returned_to_draft", "published", "created"}) {
		t.Fatalf("revisions %v", actions)
	}
	if rv := revs.Items[1]; rv.Changes["answer"] == nil || rv.Note != "补充费用" || rv.Actor == "" || rv.Revision != 3 {
		t.Errorf("revision of the edit: %+v", rv)
	}
	if rv := revs.Items[2]; rv.Note != "审核通过" || *rv.FromStatus != "draft" || *rv.ToStatus != "published" {
		t.Errorf("revision of publishing: %+v", rv)
	}

	// searches that found nothing are counted under their normalised form
	for _, q := range []string{"无人机航拍审批", "無人機 航拍審批！"} {
		if hits := kbSearch(t, s, op, q); len(hits) != 0 {
			t.Errorf("search %q: %+v", q, hits)
		}
	}
	other := kbCreate(t, s, admin, map[string]any{"title": "公交卡丢失怎么补办", "question": "公交IC卡丢了能补吗",
		"answer": "持本人身份证到公交集团客服网点挂失补办。", "status": "published", "owner_unit_code": "BUS"})
	var st struct {
		TotalAnswers int64 `json:"total_answers"`
		Articles     []struct {
			ID      int64 `json:"id"`
			Answers int64 `json:"answers"`
		} `json:"articles"`
		Categories []struct {
			CategoryCode *string `json:"category_code"`
			Answers      int64   `json:"answers"`
		} `json:"categories"`
		Misses []struct {
			Query string `json:"query"`
			Count int64  `json:"count"`
		} `json:"misses"`
		Unused []struct {
			ID int64 `json:"id"`
		} `json:"unused"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/kb/stats?from=" + shanghaiDay(-1) + "&to=" + shanghaiDay(1), Token: mgr}).Decode(t, &st)
	if st.TotalAnswers != 1 || len(st.Articles) != 1 || st.Articles[0].ID != art.ID || st.Articles[0].Answers != 1 {
		t.Errorf("answers per article: %+v", st)
	}
	if len(st.Categories) != 1 || st.Categories[0].CategoryCode == nil || *st.Categories[0].CategoryCode != "RIDEHAIL" || st.Categories[0].Answers != 1 {
		t.Errorf("answers per category: %+v", st.Categories)
	}
	// the drone question twice (one traditional, with a space), the draft's search once
	if len(st.Misses) != 2 || st.Misses[0].Query != "无人机航拍审批" || st.Misses[0].Count != 2 ||
		st.Misses[1].Query != "网约车驾驶员证" || st.Misses[1].Count != 1 {
		t.Errorf("searches without results: %+v", st.Misses)
	}
	if len(st.Unused) != 1 || st.Unused[0].ID != other.ID {
		t.Errorf("unused articles: %+v", st.Unused)
	}
	s.Expect(t, 403, testenv.Req{Method: "GET", Path: "/api/v1/kb/stats", Token: op})

	// past valid_until (the days moved on) it is no longer offered, and the sweep expires it
	db := s.DB(t)
	if _, err := db.Exec(`UPDATE kb_articles SET valid_until = $2::date WHERE id = $1`, art.ID, shanghaiDay(-1)); err != nil {
		t.Fatal(err)
	}
	if hits := kbSearch(t, s, op, "网约车驾驶员证"); slices.Contains(hitIDs(hits), art.ID) {
		t.Errorf("an article past valid_until was offered: %+v", hits)
	}
	answered["answered_on_call"], answered["answer"] = true, "见知识库"
	s.Expect(t, 422, testenv.Req{Method: "POST", Path: "/api/v1/calls", Token: op, Body: answered})
	testenv.Eventually(t, 10*time.Second, "the sweep expires the article", func() bool {
		var a kbArticle
		s.Expect(t, 200, testenv.Req{Method: "GET", Path: path, Token: taxi}).Decode(t, &a)
		return a.Status == "expired"
	})
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: path + "/revisions", Token: mgr}).Decode(t, &revs)
	if rv := revs.Items[0]; rv.Action != "expired" || rv.Actor != "system" || *rv.FromStatus != "published" {
		t.Errorf("expiry revision: %+v", rv)
	}
	// expired articles are seen by their unit, not by operators
	s.Expect(t, 404, testenv.Req{Method: "GET", Path: path, Token: op})
	// publishing again needs a validity that has not passed
	expectProblemField(t, s.Expect(t, 422, testenv.Req{Method: "PATCH", Path: path, Token: mgr, Body: map[string]any{"status": "published"}}), "valid_until")
}

func TestKnowledgeBaseExpiryReminder(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, testenv.Options{})
	admin := s.Admin(t)
	taxi := s.User(t, "unit_staff", "TAXI")
	soon := kbCreate(t, s, admin, map[string]any{"title": "春运期间出租车运价", "question": "春运出租车加价吗",
		"answer": "春运期间出租汽车运价不变。", "status": "published", "owner_unit_code": "TAXI", "valid_until": shanghaiDay(3)})
	later := kbCreate(t, s, admin, map[string]any{"title": "出租车投诉渠道", "question": "出租车怎么投诉",
		"answer": "拨打12328或在交通运输局网站留言。", "status": "published", "owner_unit_code": "TAXI", "valid_until": shanghaiDay(30)})
	type notice struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	}
	reminders := func() []notice {
		var out struct {
			Items []notice `json:"items"`
		}
		s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/notifications", Token: taxi}).Decode(t, &out)
		var rs []notice
		for _, n := range out.Items {
			if n.Type == "kb_expiring" {
				rs = append(rs, n)
			}
		}
		return rs
	}
	testenv.Eventually(t, 10*time.Second, "the owners are reminded", func() bool { return len(reminders()) > 0 })
	// once per end date, however often the sweep runs
	if _, err := s.Core.SweepKnowledgeBase(t.Context()); err != nil {
		t.Fatal(err)
	}
	rs := reminders()
	if len(rs) != 1 || !strings.Contains(rs[0].Message, soon.Title) || !strings.Contains(rs[0].Message, shanghaiDay(3)) {
		t.Errorf("reminders %+v: want one, of %q", rs, soon.Title)
	}
	for _, n := range rs {
		if strings.Contains(n.Message, later.Title) {
			t.Errorf("an article valid for a month was reminded about: %+v", n)
		}
	}
}

func TestKnowledgeBaseSynonyms(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	admin := s.Admin(t)
	long := kbCreate(t, s, admin, map[string]any{"title": "网络预约出租汽车经营许可申请", "question": "平台公司申请经营许可要什么材料",
		"answer": "向市交通运输主管部门提交企业法人营业执照、服务所在地办公场所证明等材料。", "status": "published"})
	if hits := kbSearch(t, s, op, "网约车经营许可"); len(hits) > 0 && hits[0].ID == long.ID {
		t.Logf("found before the synonym by the shared words: %+v", hits[0])
	}
	s.Expect(t, 403, testenv.Req{Method: "POST", Path: "/api/v1/kb/synonyms", Token: op, Body: map[string]any{"terms": []string{"网约车", "网络预约出租汽车"}}})
	// one term twice, in traditional and simplified characters
	expectProblemField(t, s.Expect(t, 422, testenv.Req{Method: "POST", Path: "/api/v1/kb/synonyms", Token: admin,
		Body: map[string]any{"terms": []string{"网约车", "網約車"}}}), "terms")
	var syn struct {
		ID    int64    `json:"id"`
		Terms []string `json:"terms"`
	}
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/kb/synonyms", Token: admin,
		Body: map[string]any{"terms": []string{"網約車", "网络预约出租汽车"}}}).Decode(t, &syn)
	if !slices.Equal(syn.Terms, []string{"网约车", "网络预约出租汽车"}) {
		t.Errorf("terms are stored folded: %q", syn.Terms)
	}
	hits := kbSearch(t, s, op, "网约车")
	if len(hits) == 0 || hits[0].ID != long.ID {
		t.Fatalf("a synonym finds the article: %+v", hits)
	}
	if got := strings.Join(marked(hits[0].Title, hits[0].TitleHighlights), "|"); !strings.Contains(got, "网络预约出租汽车") {
		t.Errorf("the synonym is marked in the title: %q", got)
	}
	s.Expect(t, 204, testenv.Req{Method: "DELETE", Path: fmt.Sprintf("/api/v1/kb/synonyms/%d", syn.ID), Token: admin})
	if hits := kbSearch(t, s, op, "网约车"); slices.Contains(hitIDs(hits), long.ID) {
		t.Errorf("a removed synonym still finds the article: %+v", hits)
	}
}
