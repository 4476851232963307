package privacy

import (
	"strings"
	"unicode/utf8"
)

// emailStars is the fixed mask of an e-mail local part; a fixed length does
// not reveal how long the local part was.
const emailStars = "*******"

// MaskPhone masks a phone number for display. Strings of 11 or more
// characters keep the first 3 and the last 4 (13812345678 → 138****5678,
// 02162345678 → 021****5678); shorter ones keep at most the first 3 and the
// last 2, and always mask at least one character, so the result never equals
// a non-empty input. "" → "". Characters are counted as runes.
func MaskPhone(s string) string {
	if s == "" {
		return ""
	}
	rs := []rune(s)
	n := len(rs)
	head, tail := 3, 4
	if n < 11 {
		head, tail = min(3, n/3), min(2, n/3)
	}
	return string(rs[:head]) + strings.Repeat("*", n-head-tail) + string(rs[n-tail:])
}

// MaskName keeps the first character of a name and replaces every other
// character with '*': 张三 → 张*, 欧阳娜娜 → 欧***, "John Smith" → "J*********".
// Surrounding white space is trimmed first; a one-character name becomes "*";
// "" → "".
func MaskName(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	_, size := utf8.DecodeRuneInString(s)
	n := utf8.RuneCountInString(s)
	if n == 1 {
		return "*"
	}
	return s[:size] + strings.Repeat("*", n-1)
}

// MaskEmail keeps the first character of the local part and the domain and
// replaces the rest of the local part with a fixed "*******":
// zhang.san@example.com → z*******@example.com. A string without '@' is
// masked the same way as a local part; "" → "".
func MaskEmail(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	local, domain := s, ""
	if at := strings.LastIndexAny(s, "@＠"); at >= 0 {
		local, domain = s[:at], s[at:]
	}
	first := ""
	if local != "" {
		_, size := utf8.DecodeRuneInString(local)
		first = local[:size]
	}
	return first + emailStars + domain
}
