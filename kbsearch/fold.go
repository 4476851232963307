// Package kbsearch turns Chinese text into what the knowledge base searches
// on: characters folded to one form (simplified, half-width, lower case),
// words found by a dictionary segmenter (gse), a Postgres tsvector built from
// those words with the weights of title, question and answer, the tsquery of
// what an operator types (with an admin's synonyms), and snippets with the
// matches marked. It does no I/O; Postgres only stores and ranks the result.
package kbsearch

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed t2s.txt
var t2sData string

// t2s maps a traditional character to its simplified form. It is built once
// from the embedded table and never changed.
var t2s = mustParseT2S(t2sData)

func mustParseT2S(data string) map[rune]rune {
	m := make(map[rune]rune, 4200)
	for i, line := range strings.Split(data, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		from, n := utf8.DecodeRuneInString(line)
		to, m2 := utf8.DecodeRuneInString(line[n:])
		if from == utf8.RuneError || to == utf8.RuneError || n+m2 != len(line) {
			panic(fmt.Sprintf("kbsearch: t2s.txt line %d is not two characters: %q", i+1, line))
		}
		m[from] = to
	}
	return m
}

// FoldRune folds one character: traditional to simplified, full-width forms
// to ASCII, the ideographic space to a space, letters to lower case. It maps
// one rune to one rune, so folded text keeps the positions of the original.
func FoldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		r -= 0xFEE0
	case r == 0x3000:
		r = ' '
	}
	if s, ok := t2s[r]; ok {
		r = s
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	if l := unicode.ToLower(r); utf8.RuneLen(l) > 0 {
		return l
	}
	return r
}

// Fold folds every character of s (see FoldRune). Invalid UTF-8 becomes U+FFFD.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(FoldRune(r))
	}
	return b.String()
}

// foldRunes folds s into runes, one for each rune of s.
func foldRunes(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		rs[i] = FoldRune(r)
	}
	return rs
}

// NormalizeQuery is the form a search is counted under (searches that found
// nothing): folded, without punctuation, and without spaces except one
// between two Latin letters or digits (Chinese is written without them).
func NormalizeQuery(q string) string {
	var b strings.Builder
	var last rune
	space := false
	for _, r := range Fold(q) {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			space = true
			continue
		}
		if space && isASCIIAlnum(last) && isASCIIAlnum(r) {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

func isASCIIAlnum(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
