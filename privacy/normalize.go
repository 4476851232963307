package privacy

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalize prepares text for scrubbing without changing how it reads:
// invisible format characters (zero-width spaces and joiners, soft hyphens,
// direction marks, BOM: Unicode category Cf) are removed, and every
// character whose compatibility form (NFKC) is a single ASCII letter or
// digit becomes that letter or digit (full-width １３８, circled ①,
// mathematical 𝟏, superscripts). Chinese punctuation is kept as written.
func normalize(s string) string {
	if isNormalized(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.Is(unicode.Cf, r) {
			continue
		}
		if a, ok := asciiAlnum(r); ok {
			b.WriteByte(a)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isNormalized is the fast path of normalize: plain ASCII, or text without
// format characters and compatibility letters or digits.
func isNormalized(s string) bool {
	for _, r := range s {
		if r < utf8.RuneSelf {
			continue
		}
		if unicode.Is(unicode.Cf, r) {
			return false
		}
		if _, ok := asciiAlnum(r); ok {
			return false
		}
	}
	return true
}

// asciiAlnum returns the ASCII letter or digit a non-ASCII rune stands for
// under NFKC.
func asciiAlnum(r rune) (byte, bool) {
	if r < utf8.RuneSelf || !(unicode.IsDigit(r) || unicode.IsLetter(r) || unicode.IsNumber(r)) {
		return 0, false
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	k := norm.NFKC.Bytes(buf[:n])
	if len(k) == 1 && (k[0] >= '0' && k[0] <= '9' || k[0] >= 'A' && k[0] <= 'Z' || k[0] >= 'a' && k[0] <= 'z') {
		return k[0], true
	}
	return 0, false
}
