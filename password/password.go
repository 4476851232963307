// Package password holds the rules a new staff password must meet (OWASP
// ASVS 5.0 V6, level 2): at least 8 characters counted as runes, at most
// 128, not only white space, not the username, and not one of the 30,000
// most common passwords (the xato list of zxcvbn 4.4, compiled into
// the binary: nothing is fetched at run time). No composition rules.
package password

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/frequency"
	"golang.org/x/text/unicode/norm"
)

// MinRunes and MaxRunes bound a password's length in characters.
const (
	MinRunes = 8
	MaxRunes = 128
)

// Policy checks new passwords.
type Policy struct {
	common map[string]struct{}
}

// NewPolicy builds the policy and its common-password set.
func NewPolicy() *Policy {
	list := frequency.FrequencyLists["passwords"]
	p := &Policy{common: make(map[string]struct{}, len(list))}
	for _, w := range list {
		p.common[fold(w)] = struct{}{}
	}
	return p
}

func fold(s string) string {
	return strings.ToLower(norm.NFKC.String(strings.TrimSpace(s)))
}

// Check returns why pw cannot be the password of username, or "" when it can.
func (p *Policy) Check(username, pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw) || strings.ContainsRune(pw, 0):
		return "must be text without NUL characters"
	case n < MinRunes:
		return "at least 8 characters"
	case n > MaxRunes:
		return "at most 128 characters"
	case strings.TrimFunc(pw, unicode.IsSpace) == "":
		return "must not be only spaces"
	case username != "" && fold(pw) == fold(username):
		return "must not be the username"
	}
	if _, ok := p.common[fold(pw)]; ok {
		return "too common: it is on the list of the most used passwords"
	}
	if _, ok := p.common[fold(strings.Join(strings.Fields(pw), ""))]; ok {
		return "too common: it is on the list of the most used passwords"
	}
	return ""
}

// Common reports whether pw is on the common-password list.
func (p *Policy) Common(pw string) bool {
	_, ok := p.common[fold(pw)]
	return ok
}
