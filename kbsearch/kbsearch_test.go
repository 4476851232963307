package kbsearch

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func analyzer(t testing.TB) *Analyzer {
	t.Helper()
	start := time.Now()
	a, err := Shared()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("analyzer ready after %s", time.Since(start))
	return a
}

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"網約車", "网约车"},
		{"計程車駕駛員證", "计程车驾驶员证"},
		{"１２３２８", "12328"},
		{"ＥＴＣ卡", "etc卡"},
		{"ETC　卡", "etc 卡"},
		{"交通運輸局", "交通运输局"},
		{"後備箱", "后备箱"},
		{"网约车", "网约车"},
	} {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
		if len([]rune(Fold(c.in))) != len([]rune(c.in)) {
			t.Errorf("Fold(%q) changed the number of characters", c.in)
		}
	}
}

func TestNormalizeQuery(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"  網約車 怎麼辦？？", "网约车怎么办"},
		{"无人机，航拍!", "无人机航拍"},
		{"ＡＢＣ　12328", "abc 12328"},
		{"G15 高速 ETC", "g15高速etc"},
		{"？！", ""},
	} {
		if got := NormalizeQuery(c.in); got != c.want {
			t.Errorf("NormalizeQuery(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTokens(t *testing.T) {
	a := analyzer(t)
	for _, c := range []struct {
		in        string
		want      []string // every one of these is a token
		forbidden []string // none of these is
	}{
		// compound words come whole and in parts
		{"网络预约出租汽车经营许可", []string{"网络", "预约", "出租汽车", "出租", "汽车", "经营", "许可"}, nil},
		{"交通运输部门", []string{"交通运输", "交通", "运输", "部门"}, nil},
		{"驾驶员从业资格证", []string{"驾驶员", "驾驶", "资格证", "从业"}, nil},
		// numbers stay whole
		{"请问12328热线几点下班", []string{"12328", "热线", "下班"}, []string{"1", "2", "请问"}},
		{"地铁2号线首末班车时间", []string{"地铁", "2", "号线"}, nil},
		{"G15沈海高速", []string{"g15", "高速"}, nil},
		// traditional characters are searched as simplified
		{"網約車駕駛員證怎麼辦理", []string{"网约车", "驾驶员", "办理"}, []string{"網約車", "怎么"}},
		// stop words and punctuation are not words
		{"你好，请问怎么办？", nil, []string{"你好", "请问", "怎么办", "，", "？"}},
	} {
		got := a.Tokens(c.in)
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("Tokens(%q) = %q: missing %q", c.in, got, w)
			}
		}
		for _, w := range c.forbidden {
			if slices.Contains(got, w) {
				t.Errorf("Tokens(%q) = %q: holds %q", c.in, got, w)
			}
		}
	}
}

func TestVector(t *testing.T) {
	a := analyzer(t)
	got := a.Vector(Field{"12328热线", WeightTitle}, Field{"拨打12328", WeightAnswer}, Field{"it's", WeightQuestion})
	for _, want := range []string{"'12328':1A,4C", "'热线':2A", "'拨打':3C"} {
		if !strings.Contains(got, want) {
			t.Errorf("Vector = %s: missing %s", got, want)
		}
	}
	if !strings.Contains(got, "'it''s':") && !strings.Contains(got, "'it':") {
		t.Errorf("Vector = %s: a quote must be escaped or split off", got)
	}
	if a.Vector(Field{"，。！", WeightTitle}) != "" {
		t.Error("punctuation alone makes an empty vector")
	}
}

func TestQuery(t *testing.T) {
	a := analyzer(t)
	syn := [][]string{{"网约车", "网络预约出租汽车"}, {"12328", "交通运输服务监督电话"}}
	for _, c := range []struct {
		in        string
		contains  []string // parts of the tsquery
		forbidden []string
		terms     []string // marked in snippets
	}{
		// each word may match; the last one, still being typed, also as a prefix
		{"网约车驾驶员证", []string{"'网约车'", "'驾驶员'", "'证':*"}, nil, []string{"网约车", "驾驶员"}},
		{"出租车拒", []string{"'出租车'", "'拒':*"}, nil, []string{"出租车"}},
		{"出租车 拒载", []string{"'出租车'", "'拒载':*"}, nil, []string{"出租车", "拒载"}},
		{"出租车拒载。", []string{"'拒载'"}, []string{"'拒载':*"}, nil},
		// a synonym group: the other terms join the search, all of their words
		{"网约车怎么办理", []string{"('网络' & '预约' & ", "'出租汽车'"}, nil, []string{"网约车", "网络预约出租汽车", "办理"}},
		{"網絡預約出租汽車", []string{"'网约车'"}, nil, []string{"网约车"}},
		{"12328", []string{"'12328':*", "'交通运输'"}, nil, []string{"12328"}},
		// nothing searchable
		{"请问？", nil, nil, nil},
	} {
		q := a.Query(c.in, syn, Frequencies{})
		for _, w := range c.contains {
			if !strings.Contains(q.Rank, w) {
				t.Errorf("Query(%q) = %s: missing %s", c.in, q.Rank, w)
			}
		}
		for _, w := range c.forbidden {
			if strings.Contains(q.Rank, w) {
				t.Errorf("Query(%q) = %s: holds %s", c.in, q.Rank, w)
			}
		}
		for _, w := range c.terms {
			if !slices.Contains(q.Terms, w) {
				t.Errorf("Query(%q) terms %q: missing %q", c.in, q.Terms, w)
			}
		}
		if c.contains == nil && !q.Empty() {
			t.Errorf("Query(%q) = %s, want nothing to search", c.in, q.Match)
		}
	}
}

func TestQueryKeepsLongerWordsOfALongText(t *testing.T) {
	a := analyzer(t)
	long := strings.Repeat("我想问一下出租车拒载的事情，车在火车站，", 10) + "还有网约车平台投诉电话是多少"
	q := a.Query(long, nil, Frequencies{})
	if n := strings.Count(q.Rank, "|") + 1; n > maxQueryWords {
		t.Errorf("%d words searched, want at most %d", n, maxQueryWords)
	}
	for _, w := range []string{"'出租车'", "'拒载'", "'网约车'"} {
		if !strings.Contains(q.Rank, w) {
			t.Errorf("long query %s: missing %s", q.Rank, w)
		}
	}
}

func TestQueryCommonWords(t *testing.T) {
	a := analyzer(t)
	// 1,000 articles: 运输 and 投诉 in most of them, 出租车 in 80, 拒载 in 3
	f := Frequencies{Total: 1000, Docs: map[string]int{"运输": 900, "投诉": 400, "出租车": 80, "出租": 90, "租车": 80, "拒载": 3, "12328": 600}}
	for _, c := range []struct {
		in                    string
		match, notMatch, rank []string
	}{
		// common words only rank; the telling ones choose the candidates
		{"出租车拒载投诉。", []string{"'出租车'", "'拒载'"}, []string{"'投诉'"}, []string{"'投诉'", "'拒载'", "'出租车'"}},
		// nothing telling: every word chooses
		{"运输投诉", []string{"'运输'", "'投诉'"}, nil, []string{"'运输'", "'投诉'"}},
		// a word no article holds yet does not make the others rank only
		{"无人机运输", []string{"'无人机'", "'运输'"}, nil, nil},
		// a word no article holds still chooses beside a telling one
		{"无人机出租车", []string{"'无人机'", "'出租车'"}, nil, nil},
		// one character typed after a telling word ranks but does not choose
		{"出租车拒", []string{"'出租车'"}, []string{"'拒':*"}, []string{"'拒':*"}},
		// nor does a common word being typed
		{"出租车投诉", []string{"'出租车'"}, []string{"'投诉':*"}, []string{"'投诉':*"}},
		// a synonym adds candidates, it does not replace the word of the text
		{"12328", []string{"'12328':*"}, nil, nil},
	} {
		q := a.Query(c.in, [][]string{{"12328", "交通运输服务监督电话"}}, f)
		for _, w := range c.match {
			if !strings.Contains(q.Match, w) {
				t.Errorf("Query(%q).Match = %s: missing %s", c.in, q.Match, w)
			}
		}
		for _, w := range c.notMatch {
			if strings.Contains(q.Match, w) {
				t.Errorf("Query(%q).Match = %s: holds %s", c.in, q.Match, w)
			}
		}
		for _, w := range c.rank {
			if !strings.Contains(q.Rank, w) {
				t.Errorf("Query(%q).Rank = %s: missing %s", c.in, q.Rank, w)
			}
		}
	}
	// a small base has no common words
	small := Frequencies{Total: 50, Docs: map[string]int{"投诉": 50, "拒载": 1}}
	if q := a.Query("拒载投诉", nil, small); !strings.Contains(q.Match, "'投诉'") {
		t.Errorf("small base: Match = %s", q.Match)
	}
}

func TestMarkAndSnippet(t *testing.T) {
	for _, c := range []struct {
		text  string
		terms []string
		width int
		want  Snippet
	}{
		{"网约车驾驶员证到交通运输局办理", []string{"网约车", "办理"}, 80,
			Snippet{"网约车驾驶员证到交通运输局办理", []Span{{0, 3}, {13, 15}}}},
		// traditional text, simplified terms; the original text is kept
		{"網約車駕駛員證", []string{"网约车"}, 80, Snippet{"網約車駕駛員證", []Span{{0, 3}}}},
		// overlapping terms: the longer one wins, spans merge
		{"出租汽车", []string{"出租", "出租汽车", "汽车"}, 80, Snippet{"出租汽车", []Span{{0, 4}}}},
		// a long text is cut around the first match
		{strings.Repeat("甲", 50) + "12328" + strings.Repeat("乙", 50), []string{"12328"}, 20,
			Snippet{"…" + strings.Repeat("甲", 4) + "12328" + strings.Repeat("乙", 11) + "…", []Span{{5, 10}}}},
		// no match: the start of the text; new lines become spaces
		{"第一行\n第二行", []string{"无"}, 80, Snippet{"第一行 第二行", []Span{}}},
		// markup in the text stays text
		{"<b>12328</b>", []string{"12328"}, 80, Snippet{"<b>12328</b>", []Span{{3, 8}}}},
	} {
		got := MakeSnippet(c.text, c.terms, c.width)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("MakeSnippet(%q, %q) = %+v, want %+v", c.text, c.terms, got, c.want)
		}
	}
	parts := MakeSnippet("拨打12328咨询", []string{"12328"}, 80).Parts()
	want := []Part{{"拨打", false}, {"12328", true}, {"咨询", false}}
	if !reflect.DeepEqual(parts, want) {
		t.Errorf("Parts = %+v, want %+v", parts, want)
	}
}

func TestAnalyzerIsSafeForConcurrentUse(t *testing.T) {
	a := analyzer(t)
	want := a.Tokens("网约车驾驶员证怎么办理")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if got := a.Tokens("网约车驾驶员证怎么办理"); !slices.Equal(got, want) {
					t.Errorf("concurrent Tokens = %q, want %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
