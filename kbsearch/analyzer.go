package kbsearch

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// Analyzer finds the words of Chinese text. It is safe for concurrent use and
// never changes after Load.
type Analyzer struct {
	seg gse.Segmenter
}

// Load builds an analyzer from gse's simplified-Chinese dictionary, which is
// embedded in the binary (nothing is read from disk or the network). It takes
// about a second of CPU and some 130 MB of memory: load it once per process
// (Shared), never per request.
func Load() (*Analyzer, error) {
	a := &Analyzer{}
	a.seg.SkipLog = true
	if err := a.seg.LoadDictEmbed("zh_s"); err != nil {
		return nil, fmt.Errorf("load the segmenter's dictionary: %w", err)
	}
	return a, nil
}

// shared is the process's analyzer, loaded on first use.
var shared = sync.OnceValues(Load)

// Shared returns the process's analyzer, loading the dictionary the first
// time it is asked for; later calls return the same analyzer at once.
func Shared() (*Analyzer, error) { return shared() }

// maxTokenRunes bounds one word; longer runs (a pasted code, a URL) are left out.
const maxTokenRunes = 40

// stopWords are words that say nothing about which article answers: they are
// neither indexed nor searched for.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`的 了 吗 呢 吧 啊 呀 哦 嗯 喂 么 是 在 和 与 及 或 也 都 就 还 又 把 被 给 对 从 到 向 我 你 您 他 她 它
		我们 你们 他们 这 那 这个 那个 这些 那些 请问 请 问 问一下 一下 怎么 怎么样 怎么办 怎样 如何 什么 哪里 哪儿 为什么 能不能 可以 可不可以
		能否 是否 有没有 有 没有 要 想 会 能 该 应该 需要 您好 你好 谢谢 麻烦 一个 个 吗 下`) {
		m[w] = true
	}
	return m
}()

// isWord reports whether a segment is a searchable word: it has a letter or
// a digit, is not too long and is not a stop word.
func isWord(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > maxTokenRunes || stopWords[s] {
		return false
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// Tokens returns the words of s, folded, in order, repeats kept. Compound
// words come with their parts (出租汽车 → 出租, 汽车, 出租汽车), so a query
// and an article that split a phrase differently still share words.
func (a *Analyzer) Tokens(s string) []string {
	segs := a.seg.CutSearch(Fold(s), true)
	out := segs[:0]
	for _, t := range segs {
		t = strings.TrimSpace(t)
		if isWord(t) {
			out = append(out, t)
		}
	}
	return out
}

// Weight is a tsvector weight: A (title), B (question), C (answer).
type Weight byte

// The weights of an article's fields.
const (
	WeightTitle    Weight = 'A'
	WeightQuestion Weight = 'B'
	WeightAnswer   Weight = 'C'
)

// Field is one weighted part of a document.
type Field struct {
	Text   string
	Weight Weight
}

// Postgres limits: positions above 16383 are not kept, nor more than 256
// positions of one lexeme.
const (
	maxPosition     = 16383
	maxLexemePosits = 256
)

// Vector returns the tsvector, in Postgres' input syntax, of the fields'
// words with their positions and weights, e.g. `'网约车':1A,4C '办理':2A`.
// Postgres' own parser never sees the text, so what is indexed is exactly
// what the segmenter found.
func (a *Analyzer) Vector(fields ...Field) string {
	pos := map[string][]string{}
	n := 0
	for _, f := range fields {
		for _, t := range a.Tokens(f.Text) {
			n++
			if n > maxPosition {
				n = maxPosition
			}
			if len(pos[t]) < maxLexemePosits {
				pos[t] = append(pos[t], strconv.Itoa(n)+string(f.Weight))
			}
		}
	}
	lexemes := make([]string, 0, len(pos))
	for t := range pos {
		lexemes = append(lexemes, t)
	}
	sort.Strings(lexemes)
	var b strings.Builder
	for i, t := range lexemes {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quoteLexeme(t))
		b.WriteByte(':')
		b.WriteString(strings.Join(pos[t], ","))
	}
	return b.String()
}

// quoteLexeme quotes a word for tsvector and tsquery input.
func quoteLexeme(t string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(t) + "'"
}
