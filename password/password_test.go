package password

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	p := NewPolicy()
	cases := []struct {
		user, pw string
		ok       bool
	}{
		{"alice", "12345678", false},
		{"alice", "        ", false},
		{"alice", "\t\t\t\t \n  ", false},
		{"alice", "password", false},
		{"alice", "PassWord", false},
		{"alice", "iloveyou", false},
		{"alice", "qwertyuiop", false},
		{"alice", "1234567", false},             // too short
		{"alice", "密码短", false},                 // 3 runes, 9 bytes
		{"alice", strings.Repeat("长", 8), true}, // 8 runes
		{"alice", strings.Repeat("长", 64), true},
		{"alice", strings.Repeat("x", 129), false},
		{"alice", strings.Repeat("ab", 64), true},
		{"alice", "alice", false},
		{"alicealice", "AliceAlice", false},
		{"alice", "correct horse battery staple", true},
		{"alice", "tram-lilac-97-oven", true},
		{"alice", "bad\x00password", false},
		{"alice", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", false},
	}
	for _, c := range cases {
		got := p.Check(c.user, c.pw)
		if (got == "") != c.ok {
			t.Errorf("Check(%q, %q) = %q, want ok=%v", c.user, c.pw, got, c.ok)
		}
	}
	if n := len(p.common); n < 10000 {
		t.Errorf("the common-password list has %d entries, want at least 10,000", n)
	}
}
