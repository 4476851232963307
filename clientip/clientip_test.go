package clientip

import "testing"

func TestClient(t *testing.T) {
	r, err := New([]string{"127.0.0.1", "10.0.0.0/8", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"no proxy header", "203.0.113.9", nil, "203.0.113.9"},
		{"untrusted peer's header is ignored", "203.0.113.9", []string{"198.51.100.1"}, "203.0.113.9"},
		{"trusted peer without header", "127.0.0.1", nil, "127.0.0.1"},
		{"one hop", "127.0.0.1", []string{"203.0.113.5"}, "203.0.113.5"},
		{"spoofed left part is ignored", "127.0.0.1", []string{"10.9.4.1, 203.0.113.5"}, "203.0.113.5"},
		{"spoofed public left part is ignored", "127.0.0.1", []string{"198.51.100.77, 203.0.113.5"}, "203.0.113.5"},
		{"trusted hops are skipped", "127.0.0.1", []string{"203.0.113.5, 10.1.2.3, 10.4.5.6"}, "203.0.113.5"},
		{"several headers are one list", "127.0.0.1", []string{"198.51.100.1", "203.0.113.5"}, "203.0.113.5"},
		{"ports and brackets", "127.0.0.1", []string{"[2001:db8::1]:443"}, "2001:db8::1"},
		{"address with port", "127.0.0.1", []string{"203.0.113.5:5555"}, "203.0.113.5"},
		{"mapped v4", "::ffff:127.0.0.1", []string{"::ffff:203.0.113.5"}, "203.0.113.5"},
		{"garbage from a proxy stops at the last trusted hop", "127.0.0.1", []string{"203.0.113.5, garbage, 10.0.0.7"}, "10.0.0.7"},
		{"garbage right after the peer", "127.0.0.1", []string{"junk"}, "127.0.0.1"},
		{"everything trusted", "127.0.0.1", []string{"10.0.0.1, 10.0.0.2"}, "10.0.0.1"},
		{"empty entries", "127.0.0.1", []string{""}, "127.0.0.1"},
	}
	for _, c := range cases {
		if got := r.Client(c.peer, c.xff); got != c.want {
			t.Errorf("%s: Client(%q, %q) = %q, want %q", c.name, c.peer, c.xff, got, c.want)
		}
	}
	none, _ := New(nil)
	if got := none.Client("127.0.0.1", []string{"203.0.113.5"}); got != "127.0.0.1" {
		t.Errorf("without trusted proxies the header counts: %q", got)
	}
}

func TestNewRejects(t *testing.T) {
	for _, s := range []string{"localhost", "10.0.0.0/33", "1.2.3"} {
		if _, err := New([]string{s}); err == nil {
			t.Errorf("New(%q) accepted", s)
		}
	}
}
