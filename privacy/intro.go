package privacy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Self-introductions ("我叫王小明", "本人张三") are recognised only when the
// name starts with a common surname: "我是X" is far more often followed by a
// role ("我是乘客", "我是一名司机") than by a name. Surnames that are also
// frequent words after "本人"/"我是" (于, 向, 付, 曾 as in 本人于…, 本人向…,
// 本人曾经…) are left out, as are 2-character words that start with a surname
// but are not names (江苏, 高中, 马上, …). The citizen's name as entered should
// therefore always be passed to Scrub explicitly.
const (
	// introSingleSurnames are common one-character surnames.
	introSingleSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤"
	// introCompoundSurnames are two-character surnames, concatenated.
	introCompoundSurnames = "欧阳司马诸葛上官皇甫慕容令狐夏侯公孙长孙宇文尉迟端木司徒申屠独孤"
	// introStop are characters that end a name: function words, verbs and
	// the first characters of the introduction phrases themselves.
	introStop = "的了在是从来去到和与及也都就还又被把给对向说坐乘打要想能会个名位些我本姓你他她们这那不没今昨现刚已曾于自因所但而并请等有人住叫"
	// introExcluded are words starting with a surname that are not names.
	introExcluded = "|江苏|江西|江南|江北|江阴|江门|江湖|金华|金山|金额|金融|高中|高一|高二|高三|高考|高速|高铁|高架|高峰|高校|高龄|高层|高管|高级|高新|高度|方便|方向|方面|方才|方式|周边|周末|周围|周一|周二|周三|周四|周五|周六|周日|马路|马上|马鞍|黄山|黄石|黄冈|黄浦|武汉|武昌|武进|武警|贺州|龙岩|龙华|龙岗|石家|严重|严正|严格|万一|万分|万元|白天|白领|白色|钱包|钱款|余额|程序|任何|任务|任职|许多|许昌|许可|孙子|孙女|夏天|夏季|毛病|陆续|秦皇|罗湖|郑州|韩国|唐山|邵阳|沈阳|顾客|顾问|范围|黎明|莫名|董事|谢谢|胡乱|胡同|徐州|何时|何处|熊孩|苏州|苏南|苏北|林业|田间|段时|"
)

// introTrigger returns the length of the phrase s starts with after which a
// name is expected ("我叫", "本人", …), or 0.
func introTrigger(s string) int {
	for _, t := range [...]string{"我叫", "我是", "本人", "名叫", "名字叫", "名字是", "姓名"} {
		if strings.HasPrefix(s, t) {
			return len(t)
		}
	}
	return 0
}

// hasIntroTrigger is a quick pre-check for maskSelfIntroductions.
func hasIntroTrigger(s string) bool {
	return strings.Contains(s, "我") || strings.Contains(s, "本人") || strings.Contains(s, "名")
}

// maskSelfIntroductions masks the names in self-introductions in s, keeping
// the introducing phrase: 我叫王小明 → 我叫王**.
func maskSelfIntroductions(s string) string {
	if !hasIntroTrigger(s) {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		tl := introTrigger(s[i:])
		if tl == 0 {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		p := i + tl
		// Optional colon and spaces: "姓名：张三", "本人 张三".
		if r, size := utf8.DecodeRuneInString(s[p:]); r == ':' || r == '：' {
			p += size
		}
		for {
			r, size := utf8.DecodeRuneInString(s[p:])
			if r != ' ' && r != '\u3000' {
				break
			}
			p += size
		}
		first, end, runes := introName(s, p)
		if runes == 0 {
			i += tl
			continue
		}
		b.WriteString(s[last:first])
		b.WriteString(strings.Repeat("*", runes-1))
		last, i = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// introName reports the name starting at s[p:], if any: first is the end of
// its first character, end the end of the name and runes its length in runes
// (0 if there is no name).
func introName(s string, p int) (first, end, runes int) {
	surnameLen, surnameRunes, maxRunes := 0, 0, 3
	for c := introCompoundSurnames; c != ""; {
		_, s1 := utf8.DecodeRuneInString(c)
		_, s2 := utf8.DecodeRuneInString(c[s1:])
		if strings.HasPrefix(s[p:], c[:s1+s2]) {
			surnameLen, surnameRunes, maxRunes = s1+s2, 2, 4
			break
		}
		c = c[s1+s2:]
	}
	if surnameRunes == 0 {
		r, size := utf8.DecodeRuneInString(s[p:])
		if size == 0 || !strings.ContainsRune(introSingleSurnames, r) {
			return 0, 0, 0
		}
		surnameLen, surnameRunes = size, 1
	}
	q, n := p+surnameLen, surnameRunes
	for n < maxRunes && q < len(s) {
		r, size := utf8.DecodeRuneInString(s[q:])
		if !unicode.Is(unicode.Han, r) || strings.ContainsRune(introStop, r) {
			break
		}
		q += size
		n++
	}
	if n == surnameRunes {
		return 0, 0, 0
	}
	if surnameRunes == 1 {
		_, s1 := utf8.DecodeRuneInString(s[p:])
		_, s2 := utf8.DecodeRuneInString(s[p+s1:])
		if strings.Contains(introExcluded, "|"+s[p:p+s1+s2]+"|") {
			return 0, 0, 0
		}
	}
	_, size := utf8.DecodeRuneInString(s[p:])
	return p + size, q, n
}
