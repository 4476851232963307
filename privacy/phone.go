package privacy

import (
	"errors"
	"strings"
)

// ErrInvalidPhone is returned by NormalizePhone when its input is not a
// recognisable phone number. It is a sentinel: it is returned as is (never
// wrapped) and never contains the rejected input, so it is safe to log.
var ErrInvalidPhone = errors.New("privacy: invalid phone number")

// maxPhoneInput bounds the length (in bytes) of what NormalizePhone accepts.
// The longest legitimate input, a full-width "+86" number with full-width
// separators, is well below it.
const maxPhoneInput = 128

// NormalizePhone turns what a citizen or operator typed into the stored form:
// digits only, with a leading "+" kept only for non-Chinese international
// numbers.
//
// Spaces, tabs, dashes, dots and parentheses (and their full-width forms) are
// removed and full-width digits are converted to ASCII. The accepted forms are:
//
//   - mainland mobiles: 11 digits starting with 1[3-9]; a leading "+86",
//     "0086" or "86" is stripped ("+86 138-1234-5678" → "13812345678");
//   - landlines with area code: "0" + 2–3 digit area code (010, 02x,
//     03xx–09xx) + 7–8 digits ("021-6234 5678" → "02162345678",
//     "(0571)87654321" → "057187654321");
//     a "+86"/"0086" prefix is replaced by the trunk "0"
//     ("+86 21 6234 5678" → "02162345678");
//   - 5-digit service numbers starting with 1 or 9 (12345, 12328, 95588);
//   - international numbers "+" followed by 8–15 digits, country code not
//     starting with 0 and not 86; a leading "00" is accepted for "+"
//     ("0044 20 7946 0958" → "+442079460958").
//
// Anything else yields ErrInvalidPhone. A normalised result normalises to
// itself.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxPhoneInput {
		return "", ErrInvalidPhone
	}
	var buf [maxPhoneInput]byte
	d := buf[:0]
	plus := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d = append(d, byte(r))
		case r >= '０' && r <= '９':
			d = append(d, byte('0'+(r-'０')))
		case r == '+' || r == '＋':
			// A single "+" before any digit; "(+86)" is fine.
			if plus || len(d) > 0 {
				return "", ErrInvalidPhone
			}
			plus = true
		case isPhoneSeparator(r):
		default:
			return "", ErrInvalidPhone
		}
	}
	return classifyPhoneDigits(string(d), plus)
}

// isPhoneSeparator reports whether r may appear between the digits of a
// phone number and is dropped by NormalizePhone.
func isPhoneSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '-', '.', '(', ')',
		'\u3000',           // ideographic space
		'－', '．', '（', '）', // full-width forms
		'‐', '–', '—': // hyphen, en dash, em dash
		return true
	}
	return false
}

// classifyPhoneDigits validates the digits of a phone number (plus reports a
// leading "+") and returns the stored form.
func classifyPhoneDigits(d string, plus bool) (string, error) {
	if plus {
		if rest, ok := strings.CutPrefix(d, "86"); ok {
			return chineseNational(rest)
		}
		if isInternational(d) {
			return "+" + d, nil
		}
		return "", ErrInvalidPhone
	}
	switch {
	case isMobile(d), isLandline(d), isServiceNumber(d):
		return d, nil
	case strings.HasPrefix(d, "0086"):
		return chineseNational(d[4:])
	case strings.HasPrefix(d, "86") && isMobile(d[2:]):
		return d[2:], nil
	case strings.HasPrefix(d, "00") && isInternational(d[2:]):
		return "+" + d[2:], nil
	}
	return "", ErrInvalidPhone
}

// chineseNational converts what follows a +86/0086 country code into the
// national form.
func chineseNational(rest string) (string, error) {
	switch {
	case isMobile(rest), isLandline(rest):
		return rest, nil
	case isLandline("0" + rest):
		return "0" + rest, nil
	}
	return "", ErrInvalidPhone
}

// isMobile reports whether d is a mainland mobile number: 1[3-9] + 9 digits.
func isMobile(d string) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9' && allDigits(d)
}

// isLandline reports whether d is "0" + 2–3 digit area code + 7–8 digits,
// i.e. 10–12 digits, with a mainland area code: 010, 02x or 03xx–09xx.
func isLandline(d string) bool {
	return len(d) >= 10 && len(d) <= 12 && d[0] == '0' &&
		(d[1] >= '2' || d[1] == '1' && d[2] == '0') && allDigits(d)
}

// isServiceNumber reports whether d is a 5-digit service number such as
// 12345, 12328 or 95588.
func isServiceNumber(d string) bool {
	return len(d) == 5 && (d[0] == '1' || d[0] == '9') && allDigits(d)
}

// isInternational reports whether d (without "+") is 8–15 digits with a
// country code that is neither empty (leading 0) nor China's 86.
func isInternational(d string) bool {
	return len(d) >= 8 && len(d) <= 15 && d[0] != '0' && !strings.HasPrefix(d, "86") && allDigits(d)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
