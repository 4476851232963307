package privacy_test

import (
	"testing"

	"hotline/privacy"
)

// TestScrubEvasions: personal data written to get past a filter, and the
// places and vehicles a letter names, never reach the public text; what
// must stay, stays.
func TestScrubEvasions(t *testing.T) {
	cases := []struct{ name, text, want string }{
		// numbers through invisible characters and separators
		{"zero-width spaces", "电话139\u200b1234\u200b5678谢谢", "电话[电话]谢谢"},
		{"zero-width joiner and BOM", "1\u200d3\u200c9\ufeff12345678", "[电话]"},
		{"soft hyphens", "139\u00ad1234\u00ad5678", "[电话]"},
		{"commas", "电话138,1234,5678", "电话[电话]"},
		{"full-width commas", "电话138，1234，5678。", "电话[电话]。"},
		{"one space per digit", "电话1 3 8 1 2 3 4 5 6 7 8", "电话[电话]"},
		{"dots", "138.1234.5678", "[电话]"},
		{"slashes", "138/1234/5678", "[电话]"},
		{"dashes of every kind", "138—1234–5678", "[电话]"},
		{"ideographic spaces", "138　1234　5678", "[电话]"},
		{"+86 through spaces", "+86 139 1234 5678", "[电话]"},
		{"full-width digits", "手机１３９１２３４５６７８", "手机[电话]"},
		{"full-width digits with spaces", "１３９ １２３４ ５６７８", "[电话]"},
		{"circled digits", "①③⑨①②③④⑤⑥⑦⑧", "[电话]"},
		{"mathematical digits", "𝟏𝟑𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "[电话]"},
		// ID numbers
		{"grouped ID number 4-4-4-4-2", "身份证1101 0519 4912 3100 2X", "身份证[身份证号]"},
		{"grouped ID number lower x", "1101 0519 4912 3100 2x。", "[身份证号]。"},
		{"ID with full-width X", "11010519491231002Ｘ", "[身份证号]"},
		{"ID with commas", "110105,19491231,002X", "[身份证号]"},
		{"ID through zero-width spaces", "110105\u200b19491231\u200b002X", "[身份证号]"},
		// addresses
		{"street address", "我家在杭州市西湖区文三路138号东方大厦5幢2单元301室，楼下很吵",
			"我家在杭州市西湖区[地址]，楼下很吵"},
		{"street and number", "住址：延安路88号", "住址：[地址]"},
		{"compound building unit room", "家住阳光小区3栋2单元501室", "家住[地址]"},
		{"building and room alone", "住在12幢301室的邻居", "住在[地址]的邻居"},
		{"village group and number", "本人住张家村3组45号", "本人住[地址]"},
		{"lane", "长乐路123弄4号602", "[地址]"},
		{"full-width house number", "文三路１３８号", "[地址]"},
		// licence plates
		{"plate", "车牌浙A12345的司机", "车牌[车牌]的司机"},
		{"new-energy plate with dot", "京A·D12345", "[车牌]"},
		{"new-energy plate", "沪AD12345、粤B12345D", "[车牌]、[车牌]"},
		{"taxi plate in brackets", "出租车(浙AT1234)", "出租车([车牌])"},
		{"full-width plate", "浙Ａ１２３４５", "[车牌]"},
		{"plate with space", "苏E 5X9K2", "[车牌]"},
		// what stays
		{"district", "家住西湖区，在延安路乘车", "家住西湖区，在延安路乘车"},
		{"routes and lines", "K12路、地铁2号线、B1路", "K12路、地铁2号线、B1路"},
		{"dates and times", "2026-11-24 13:45，2026.11.24，11/24", "2026-11-24 13:45，2026.11.24，11/24"},
		{"amounts", "共3,500.00元，1,234元", "共3,500.00元，1,234元"},
		{"tracking code", "RX20240101-0007", "RX20240101-0007"},
		{"list of numbers", "1、2、3、4、5、6、7、8、9、10、11", "1、2、3、4、5、6、7、8、9、10、11"},
		{"Chinese punctuation kept", "您好（测试）：谢谢！", "您好（测试）：谢谢！"},
		{"short spaced numbers", "3 4 5路车", "3 4 5路车"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := privacy.Scrub(c.text)
			if got != c.want {
				t.Errorf("Scrub(%q)\n got %q\nwant %q", c.text, got, c.want)
			}
			if again := privacy.Scrub(got); again != got {
				t.Errorf("not idempotent: %q → %q", got, again)
			}
		})
	}
}
