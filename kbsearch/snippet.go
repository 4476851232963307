package kbsearch

import (
	"sort"
	"unicode/utf8"
)

// Span is a marked part of a text: [Start, End) in Unicode code points
// (characters, not bytes and not UTF-16 units).
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Snippet is plain text with the parts that matched the search marked. The
// text is never HTML: whoever shows it escapes it and wraps the spans.
type Snippet struct {
	Text       string `json:"text"`
	Highlights []Span `json:"highlights"`
}

// Part is a run of a snippet's text, matched or not.
type Part struct {
	Text  string
	Match bool
}

// Parts cuts the snippet at its highlights, for a template that wraps the
// matched parts in <mark> and lets html/template escape every part.
func (s Snippet) Parts() []Part {
	rs := []rune(s.Text)
	var out []Part
	at := 0
	for _, h := range s.Highlights {
		if h.Start > at {
			out = append(out, Part{Text: string(rs[at:h.Start])})
		}
		out = append(out, Part{Text: string(rs[h.Start:h.End]), Match: true})
		at = h.End
	}
	if at < len(rs) {
		out = append(out, Part{Text: string(rs[at:])})
	}
	return out
}

// Mark finds the terms (folded) in text, which is compared folded, so 網約車
// in an article is marked for 网约车. Longer terms are marked first; the
// spans come back sorted and merged.
func Mark(text string, terms []string) []Span {
	folded := foldRunes(text)
	marked := make([]bool, len(folded))
	ts := append([]string(nil), terms...)
	sort.SliceStable(ts, func(i, j int) bool { return utf8.RuneCountInString(ts[i]) > utf8.RuneCountInString(ts[j]) })
	for _, t := range ts {
		tr := []rune(t)
		if len(tr) == 0 || len(tr) > len(folded) {
			continue
		}
		for i := 0; i+len(tr) <= len(folded); i++ {
			if marked[i] || !equalRunes(folded[i:i+len(tr)], tr) {
				continue
			}
			for j := i; j < i+len(tr); j++ {
				marked[j] = true
			}
			i += len(tr) - 1
		}
	}
	var spans []Span
	for i := 0; i < len(marked); i++ {
		if !marked[i] {
			continue
		}
		j := i
		for j < len(marked) && marked[j] {
			j++
		}
		spans = append(spans, Span{Start: i, End: j})
		i = j
	}
	return spans
}

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// MakeSnippet returns at most width characters of text around its first
// match (the start of the text when nothing matches), on one line, with the
// matches marked. A cut is shown with "…".
func MakeSnippet(text string, terms []string, width int) Snippet {
	rs := []rune(text)
	for i, r := range rs {
		if r == '\n' || r == '\r' || r == '\t' {
			rs[i] = ' '
		}
	}
	spans := Mark(string(rs), terms)
	start, end := 0, len(rs)
	if len(rs) > width {
		if len(spans) > 0 {
			start = max(0, spans[0].Start-width/5)
		}
		end = min(len(rs), start+width)
		start = max(0, end-width)
	}
	prefix := ""
	if start > 0 {
		prefix = "…"
	}
	suffix := ""
	if end < len(rs) {
		suffix = "…"
	}
	shift := utf8.RuneCountInString(prefix)
	out := Snippet{Text: prefix + string(rs[start:end]) + suffix, Highlights: []Span{}}
	for _, s := range spans {
		if s.End <= start || s.Start >= end {
			continue
		}
		out.Highlights = append(out.Highlights, Span{Start: max(s.Start, start) - start + shift, End: min(s.End, end) - start + shift})
	}
	return out
}
