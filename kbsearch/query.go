package kbsearch

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxQueryWords bounds the words a query is made of: a whole call's content
// pasted in is searched by its first longer words, not by every character.
const maxQueryWords = 24

// Query is what a search asks Postgres for, as tsqueries in Postgres' input
// syntax. Both are empty when the text has no searchable word.
type Query struct {
	// Match selects the articles to rank: any of the words that tell
	// articles apart, the last word also as a prefix while it is being typed,
	// or any synonym of a term the text holds. Words most articles hold (see
	// Frequencies) only rank, as in a "common terms" query: they would make
	// every article a candidate.
	Match string
	// Rank orders the candidates: any of all the words and synonyms.
	Rank string
	// Terms are the folded words and synonyms to mark in snippets.
	Terms []string
}

// Empty reports whether there is nothing to search for.
func (q Query) Empty() bool { return q.Match == "" }

// Frequencies tell how many of the published articles hold each word.
type Frequencies struct {
	Docs  map[string]int
	Total int
}

// Words held by more than commonShare of the articles are common; a base
// of fewer than commonMinDocs articles has no common words (every search of
// it is cheap).
const (
	commonShare   = 0.10
	commonMinDocs = 200
)

// common reports whether a word is held by too many articles to choose
// candidates by.
func (f Frequencies) common(w string) bool {
	return f.Total >= commonMinDocs && float64(f.Docs[w]) > commonShare*float64(f.Total)
}

// known reports whether some article holds the word.
func (f Frequencies) known(w string) bool { return f.Docs[w] > 0 }

// Query builds the search for what an operator typed. synonyms are groups of
// folded terms that mean the same (网约车, 网络预约出租汽车): when the text holds
// one term of a group, articles holding any other term of it match too.
func (a *Analyzer) Query(text string, synonyms [][]string, f Frequencies) Query {
	words := pickWords(dedupe(a.Tokens(text)))
	var match, rank []string
	anchored := false // some word of the text that few articles hold chooses the candidates
	for i, w := range words {
		lex := quoteLexeme(w)
		prefix := i == len(words)-1 && stillTyping(text)
		if prefix {
			lex += ":*"
		}
		rank = append(rank, lex)
		switch {
		case prefix && utf8.RuneCountInString(w) < 2, f.common(w):
			// one character typed so far, or a word most articles hold (a
			// prefix of it holds more): it ranks, but chooses too much
		case prefix:
			match = append(match, lex)
		default:
			match = append(match, lex)
			anchored = anchored || f.known(w)
		}
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
				match, rank = append(match, alt), append(rank, alt)
				terms = append(terms, term)
			}
		}
	}
	if !anchored {
		match = rank
	}
	return Query{Match: strings.Join(dedupe(match), " | "), Rank: strings.Join(dedupe(rank), " | "), Terms: markable(terms)}
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
