package kbsearch

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxQueryWords bounds the words a query is made of: a whole call's content
// pasted in is searched by its first longer words, not by every character.
const maxQueryWords = 24

// Query is what a search asks Postgres for.
type Query struct {
	// TSQuery is the tsquery in Postgres' input syntax: any of the words, the
	// last one also as a prefix while it is being typed, or any synonym of a
	// term the text holds. Empty when the text has no searchable word.
	TSQuery string
	// Terms are the folded words and synonyms to mark in snippets.
	Terms []string
}

// Empty reports whether there is nothing to search for.
func (q Query) Empty() bool { return q.TSQuery == "" }

// Query builds the search for what an operator typed. synonyms are groups of
// folded terms that mean the same (网约车, 网络预约出租汽车): when the text holds
// one term of a group, articles holding any other term of it match too.
func (a *Analyzer) Query(text string, synonyms [][]string) Query {
	words := pickWords(dedupe(a.Tokens(text)))
	var alts []string
	for i, w := range words {
		lex := quoteLexeme(w)
		if i == len(words)-1 && stillTyping(text) {
			lex += ":*"
		}
		alts = append(alts, lex)
	}
	terms := append([]string(nil), words...)
	folded := Fold(text)
	for _, group := range synonyms {
		if !holdsAny(folded, group) {
			continue
		}
		for _, term := range group {
			if strings.Contains(folded, term) {
				continue
			}
			if alt := a.allOf(term); alt != "" {
				alts = append(alts, alt)
				terms = append(terms, term)
			}
		}
	}
	return Query{TSQuery: strings.Join(dedupe(alts), " | "), Terms: markable(terms)}
}

// allOf is the tsquery matching a document that holds every word of term.
func (a *Analyzer) allOf(term string) string {
	ws := dedupe(a.Tokens(term))
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return quoteLexeme(ws[0])
	}
	qs := make([]string, len(ws))
	for i, w := range ws {
		qs[i] = quoteLexeme(w)
	}
	return "(" + strings.Join(qs, " & ") + ")"
}

// stillTyping reports whether the text ends inside a word (no space or
// punctuation after it), so its last word may be incomplete.
func stillTyping(text string) bool {
	r, _ := utf8.DecodeLastRuneInString(text)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func holdsAny(folded string, terms []string) bool {
	for _, t := range terms {
		if t != "" && strings.Contains(folded, t) {
			return true
		}
	}
	return false
}

func dedupe(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// pickWords keeps at most maxQueryWords words, preferring words of two or
// more characters (single characters match too much to help), in their order.
func pickWords(ws []string) []string {
	if len(ws) <= maxQueryWords {
		return ws
	}
	keep := make(map[int]bool, maxQueryWords)
	for i, w := range ws {
		if len(keep) < maxQueryWords && utf8.RuneCountInString(w) >= 2 {
			keep[i] = true
		}
	}
	for i := range ws {
		if len(keep) < maxQueryWords {
			keep[i] = true
		}
	}
	out := make([]string, 0, maxQueryWords)
	for i, w := range ws {
		if keep[i] {
			out = append(out, w)
		}
	}
	return out
}

// markable drops single characters from the terms to mark when longer
// terms exist: marking every 车 in an answer hides the match that counts.
func markable(terms []string) []string {
	long := false
	for _, t := range terms {
		if utf8.RuneCountInString(t) >= 2 {
			long = true
		}
	}
	if !long {
		return terms
	}
	out := terms[:0:0]
	for _, t := range terms {
		if utf8.RuneCountInString(t) >= 2 {
			out = append(out, t)
		}
	}
	return out
}
