// Package privacy removes and masks personal data (phone numbers, e-mail
// addresses, resident ID numbers, bank card numbers and names) in the texts
// and logs of the hotline backend: 12328 transport hotline tickets, leader's
// mailbox letters and microblog posts.
//
// Scrub prepares free text for publication, ContainsPersonalData tells
// whether it would change anything, NormalizePhone turns typed phone numbers
// into their stored form, the Mask functions produce display forms, and
// NewHandler wraps a slog.Handler so that no phone number, e-mail address or
// ID number reaches a log line.
//
// All functions are safe for concurrent use; the package has no mutable
// state.
package privacy

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholders that Scrub puts in place of the personal data it removes.
const (
	PlaceholderPhone    = "[电话]"
	PlaceholderEmail    = "[邮箱]"
	PlaceholderIDNumber = "[身份证号]"
	PlaceholderBankCard = "[银行卡号]"
)

// expandPattern turns the shorthand used in the number patterns below into
// RE2 syntax: \d is an ASCII or full-width digit, ~ a single separator between
// digit groups, \( \) \+ also match their full-width forms.
func expandPattern(p string) string {
	return strings.NewReplacer(
		`\d`, `[0-9０-９]`,
		`~`, `[ .\-－　‐–—]`,
		`\(`, `[(（]`,
		`\)`, `[)）]`,
		`\+`, `[+＋]`,
	).Replace(p)
}

// anchoredNumber compiles a number pattern that must match at the start of
// its input and be followed by a non-digit or the end of the input. Go's
// regexp has no look-around, so the boundary character is consumed and the
// number itself is submatch 1. The character before the match is checked by
// scrubNumbers.
func anchoredNumber(p string) *regexp.Regexp {
	return regexp.MustCompile(`^(` + expandPattern(p) + `)(?:[^0-9０-９]|$)`)
}

// Compiled once; *regexp.Regexp is safe for concurrent use and never mutated.
var (
	reEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)

	// 18-digit resident ID, plain or grouped 6-8-4 / 6-4-4-4.
	reID18 = anchoredNumber(`\d{6}~?\d{4}~?\d{4}~?\d{3}[0-9０-９Xx]`)
	// Old 15-digit resident ID.
	reID15 = anchoredNumber(`\d{15}`)
	// Bank cards: 16–19 digits, plain or in groups of four.
	reBank        = anchoredNumber(`\d{16,19}`)
	reBankGrouped = anchoredNumber(`\d{4}(?:~\d{4}){3}(?:~\d{1,3})?`)
	// Mainland mobiles, 3-4-4 / 3-8 / 7-4 / 11, with optional +86 prefix.
	reMobile = anchoredNumber(`(?:(?:\+|00)86~?|\((?:\+|00)?86\)~?|86)?[1１][3-9３-９]\d~?\d{4}~?\d{4}`)
	// Landlines with area code.
	reLandline        = anchoredNumber(`\(?0\d{2,3}\)?~?\d{7,8}`)
	reLandlineGrouped = anchoredNumber(`\(?0\d{2,3}\)?~?\d{3,4}~\d{4}`)
	reLandlineCN      = anchoredNumber(`(?:\+|00)86~?\(?0?\d{2,3}\)?~?\d{3,4}~?\d{4}`)
	// Other international numbers.
	reIntl = anchoredNumber(`\+\d{8,15}`)
)

// numberKind says how a number pattern's match is validated and replaced.
type numberKind int

const (
	kindID numberKind = iota
	kindBank
	kindPhone
)

type numberPattern struct {
	re   *regexp.Regexp
	kind numberKind
}

// Scrub returns exactly the public text of free text: what a published
// letter, reply or preview shows. It first normalises the text (drops
// zero-width and other invisible format characters, reads full-width and
// other compatibility digits and letters as ASCII) and then removes:
//
//   - mainland mobile numbers, also written with separators (138-1234-5678,
//     138 1234 5678) or a +86/0086/86 prefix, landlines with area code
//     (021-6234 5678, (0571)87654321) and "+" international numbers → "[电话]";
//   - e-mail addresses → "[邮箱]";
//   - 18-character resident ID numbers (17 digits + digit or X/x) and old
//     15-digit ones, both with a plausible birth date → "[身份证号]";
//   - bank card numbers of 16–19 digits (also in groups of four) → "[银行卡号]";
//   - mobile and ID numbers whose digits are split by separators
//     (138,1234,5678; 1 3 8 1 2 3 4 5 6 7 8; 1101 0519 4912 3100 2X);
//   - street addresses with a house number (文三路138号5幢2单元301室) and
//     building-unit-room addresses (3栋2单元501室) → "[地址]";
//   - licence plates (浙A12345, 京A·D12345) → "[车牌]";
//   - every occurrence of the given names (the citizen's name as entered and
//     any extra names) → first character + one '*' per remaining character
//     (张三 → 张*);
//   - self-introductions "我叫X", "我是X", "本人X" (also "名叫", "名字叫",
//     "名字是", "姓名：") followed by a 2–3 character Chinese name starting with
//     a common surname (or a compound surname and 1–2 characters): the phrase
//     is kept and the name masked (我叫王小明 → 我叫王**).
//
// Numbers are recognised only as whole digit runs: a digit run is never cut
// by a match, so a 19-digit card number is not taken for a phone number and
// an order number such as 202611241234 is left alone. Districts (家住西湖区),
// dates (2026-11-24), times, amounts (120元), route numbers (K123路), tracking
// codes and order numbers shorter than 16 digits are kept. ASCII and
// full-width digits are both recognised.
//
// Names are used only if they are at least two characters long and consist of
// letters, with spaces, middle dots, hyphens, apostrophes or dots between
// them; other names are ignored. Scrub is idempotent:
// Scrub(Scrub(x, n...), n...) == Scrub(x, n...).
func Scrub(text string, names ...string) string {
	out := scrubPatterns(text)
	ns := prepareNames(names)
	if len(ns) == 0 && !hasIntroTrigger(out) {
		return out
	}
	return outsidePlaceholders(out, func(seg string) string {
		for _, n := range ns {
			if strings.Contains(seg, n) {
				seg = strings.ReplaceAll(seg, n, MaskName(n))
			}
		}
		return maskSelfIntroductions(seg)
	})
}

// ContainsPersonalData reports whether Scrub(text) (without extra names)
// would remove anything beyond normalising the text, that is whether text contains a phone number, e-mail
// address, ID number, bank card number or a self-introduced name.
func ContainsPersonalData(text string) bool {
	return Scrub(text) != normalize(text)
}

// scrubPatterns is the pattern part of Scrub: it normalises the text, then
// replaces numbers written through separators, e-mail addresses, ID
// numbers, bank cards, phone numbers, street addresses and licence plates,
// but no names.
func scrubPatterns(text string) string {
	text = normalize(text)
	if strings.ContainsAny(text, "@＠") {
		text = reEmail.ReplaceAllLiteralString(text, PlaceholderEmail)
	}
	return scrubPlaces(scrubAllNumbers(text))
}

// ScrubNumbers replaces the phone, ID and bank card numbers of a text, also
// those written through separators or invisible characters, and nothing
// else (no names, e-mail addresses or places): the text normalised, then
// the number rules of Scrub.
func ScrubNumbers(text string) string {
	return scrubAllNumbers(normalize(text))
}

// scrubAllNumbers replaces numbers of a normalised text. A replacement can
// end a digit run that a spaced number then stands alone in: repeat until
// nothing changes, so Scrub is idempotent.
func scrubAllNumbers(text string) string {
	for range 4 {
		next := scrubNumbers(scrubSpacedNumbers(text))
		if next == text {
			break
		}
		text = next
	}
	return text
}

// scrubNumbers replaces phone, ID and bank card numbers. Candidates start at
// the first digit of a digit run, or at '+' or '(' (prefixes such as "+86"
// and "(0571)"); the patterns require a non-digit after the match, so a match
// always covers whole digit runs.
func scrubNumbers(s string) string {
	var b strings.Builder
	last := 0          // s[last:i] has not been copied to b yet
	prevDigit := false // whether the rune before i is a digit
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		digit := isDigitRune(r)
		if (digit && !prevDigit) || r == '+' || r == '＋' || r == '(' || r == '（' {
			if end, repl, ok := matchNumber(s[i:]); ok {
				if b.Len() == 0 {
					b.Grow(len(s))
				}
				b.WriteString(s[last:i])
				b.WriteString(repl)
				i += end
				last = i
				prevDigit = false // a match is always followed by a non-digit
				continue
			}
			if digit {
				// No match here: skip the whole digit run, so that no
				// number is ever found inside a longer one.
				i += size
				for i < len(s) {
					r, size = utf8.DecodeRuneInString(s[i:])
					if !isDigitRune(r) {
						break
					}
					i += size
				}
				prevDigit = true
				continue
			}
		}
		prevDigit = digit
		i += size
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// matchNumber tries the number patterns, most specific first, at the start of
// t and returns the length of the match and its replacement.
func matchNumber(t string) (end int, repl string, ok bool) {
	for _, p := range [...]numberPattern{
		{reID18, kindID},
		{reBank, kindBank},
		{reBankGrouped, kindBank},
		{reID15, kindID},
		{reMobile, kindPhone},
		{reLandline, kindPhone},
		{reLandlineGrouped, kindPhone},
		{reLandlineCN, kindPhone},
		{reIntl, kindPhone},
	} {
		m := p.re.FindStringSubmatchIndex(t)
		if m == nil {
			continue
		}
		match := t[:m[3]]
		switch p.kind {
		case kindID:
			if validIDNumber(match) {
				return m[3], PlaceholderIDNumber, true
			}
		case kindBank:
			return m[3], PlaceholderBankCard, true
		case kindPhone:
			if _, err := NormalizePhone(match); err == nil {
				return m[3], PlaceholderPhone, true
			}
		}
	}
	return 0, "", false
}

func isDigitRune(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= '０' && r <= '９')
}

// validIDNumber reports whether s (digits, optional separators, optional
// final X) looks like a resident ID number: area code not starting with 0 and
// a plausible birth date (YYYYMMDD for 18 characters, YYMMDD for 15).
func validIDNumber(s string) bool {
	d := make([]byte, 0, 18)
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d = append(d, byte(r))
		case r >= '０' && r <= '９':
			d = append(d, byte('0'+(r-'０')))
		case r == 'X' || r == 'x':
			d = append(d, 'X')
		}
	}
	var date []byte
	switch len(d) {
	case 18:
		if !allDigits(string(d[:17])) {
			return false
		}
		if c := string(d[6:8]); c != "18" && c != "19" && c != "20" {
			return false
		}
		date = d[10:14]
	case 15:
		if !allDigits(string(d)) {
			return false
		}
		date = d[8:12]
	default:
		return false
	}
	month := int(date[0]-'0')*10 + int(date[1]-'0')
	day := int(date[2]-'0')*10 + int(date[3]-'0')
	return d[0] != '0' && month >= 1 && month <= 12 && day >= 1 && day <= 31
}

// placeholderAt returns the placeholder s starts with, or "".
func placeholderAt(s string) string {
	for _, p := range [...]string{PlaceholderPhone, PlaceholderEmail, PlaceholderIDNumber, PlaceholderBankCard, PlaceholderAddress, PlaceholderPlate} {
		if strings.HasPrefix(s, p) {
			return p
		}
	}
	return ""
}

// outsidePlaceholders applies f to the parts of s between placeholders, so
// that name masking never touches a placeholder (e.g. a name "电话").
func outsidePlaceholders(s string, f func(string) string) string {
	var b strings.Builder
	start := 0
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '[')
		if j < 0 {
			break
		}
		j += i
		if p := placeholderAt(s[j:]); p != "" {
			b.WriteString(f(s[start:j]))
			b.WriteString(p)
			i = j + len(p)
			start = i
			continue
		}
		i = j + 1
	}
	if start == 0 {
		return f(s)
	}
	b.WriteString(f(s[start:]))
	return b.String()
}

// maxNameRunes bounds the names Scrub accepts.
const maxNameRunes = 64

// prepareNames trims and validates the names given to Scrub and orders them
// longest first, so that "王小明" is masked before "小明".
func prepareNames(names []string) []string {
	var out []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if !validName(n) || slices.Contains(out, n) {
			continue
		}
		out = append(out, n)
	}
	slices.SortStableFunc(out, func(a, b string) int {
		return utf8.RuneCountInString(b) - utf8.RuneCountInString(a)
	})
	return out
}

// validName reports whether n can be used as a name to mask: at least two
// runes, starting and ending with a letter, made of letters (and combining
// marks) with spaces, middle dots, hyphens, apostrophes or dots in between.
// Digits and '*' are never part of a name, which keeps Scrub idempotent.
func validName(n string) bool {
	if !utf8.ValidString(n) {
		return false
	}
	count := 0
	var first, lastRune rune
	for _, r := range n {
		if count == 0 {
			first = r
		}
		lastRune = r
		count++
		switch {
		case unicode.IsLetter(r), unicode.IsMark(r):
		case r == ' ' || r == '·' || r == '-' || r == '\'' || r == '.':
		default:
			return false
		}
	}
	return count >= 2 && count <= maxNameRunes && unicode.IsLetter(first) &&
		(unicode.IsLetter(lastRune) || unicode.IsMark(lastRune))
}
