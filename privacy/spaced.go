package privacy

import (
	"strings"
	"unicode/utf8"
)

// digitSeparators may stand between the digits of a number someone wrote to
// get past a filter: 138,1234,5678 · 1 3 8 1 2 3 4 5 6 7 8 · 138.1234.5678.
const digitSeparators = " \u3000\t,，.．-－‐–—_/／·・•"

// maxSeparatorRun is the most separator characters looked through at once.
const maxSeparatorRun = 2

// scrubSpacedNumbers replaces mobile numbers (with an optional 86 prefix)
// and 18-character resident ID numbers whose digits are split by
// separators: a run of digits and short separator runs is read as its
// digits alone. Runs right after an ASCII letter (codes such as
// RX2024-0001, plates) are left alone, and so is every run whose digits do
// not make such a number, so dates, times and amounts stay.
func scrubSpacedNumbers(s string) string {
	var b strings.Builder
	last := 0
	prev := rune(0)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		plus := 0 // a '+' before the number is part of it (+86 138 …)
		if r == '+' || r == '＋' {
			plus = size
		}
		if c, _ := utf8.DecodeRuneInString(s[i+plus:]); isDigitRune(c) && !isDigitRune(prev) && !isASCIILetter(prev) {
			if end, repl, ok := matchSpaced(s[i+plus:]); ok {
				end += plus
				b.WriteString(s[last:i])
				b.WriteString(repl)
				i += end
				last = i
				prev = ']'
				continue
			}
		}
		prev = r
		i += size
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// matchSpaced reads the digit run at the start of t through separators and
// reports how far it reaches and what replaces it, if it is a number to hide.
func matchSpaced(t string) (end int, repl string, ok bool) {
	var digits []byte
	separated := false
	i := 0
	for i < len(t) {
		r, size := utf8.DecodeRuneInString(t[i:])
		if isDigitRune(r) {
			digits = append(digits, digitValue(r))
			i += size
			end = i
			if len(digits) > 19 {
				return 0, "", false
			}
			continue
		}
		if (r == 'X' || r == 'x') && len(digits) == 17 {
			digits = append(digits, 'X')
			end = i + size
			break
		}
		// look through up to maxSeparatorRun separators before a digit
		j, n := i, 0
		for j < len(t) && n < maxSeparatorRun {
			sr, ss := utf8.DecodeRuneInString(t[j:])
			if !strings.ContainsRune(digitSeparators, sr) {
				break
			}
			j += ss
			n++
		}
		if n == 0 || j >= len(t) {
			break
		}
		if nr, _ := utf8.DecodeRuneInString(t[j:]); !isDigitRune(nr) && !((nr == 'X' || nr == 'x') && len(digits) == 17) {
			break
		}
		separated = true
		i = j
	}
	if !separated {
		return 0, "", false // plain runs are the business of scrubNumbers
	}
	if next, _ := utf8.DecodeRuneInString(t[end:]); isDigitRune(next) || isASCIILetter(next) {
		return 0, "", false
	}
	d := string(digits)
	switch {
	case len(d) == 18 && validIDNumber(d):
		return end, PlaceholderIDNumber, true
	case isMobile(d), len(d) == 13 && strings.HasPrefix(d, "86") && isMobile(d[2:]):
		return end, PlaceholderPhone, true
	}
	return 0, "", false
}

func digitValue(r rune) byte {
	if r >= '０' && r <= '９' {
		return byte('0' + (r - '０'))
	}
	return byte(r)
}

func isASCIILetter(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }
