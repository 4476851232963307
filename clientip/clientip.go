// Package clientip finds the address of the client behind a request: the
// one value every per-address limit, throttle and log uses as its key.
//
// Behind trusted proxies the client is the right-most address of
// X-Forwarded-For that no trusted proxy added; the entries to its left are
// whatever the client chose to send and are never believed.
package clientip

import (
	"fmt"
	"net/netip"
	"strings"
)

// Resolver knows which peers are trusted proxies.
type Resolver struct {
	trusted []netip.Prefix
}

// New parses trusted proxies given as addresses (10.0.0.1, ::1) or CIDR
// ranges (10.0.0.0/8); it names the first entry it cannot read.
func New(trusted []string) (Resolver, error) {
	var r Resolver
	for _, s := range trusted {
		p, err := parsePrefix(strings.TrimSpace(s))
		if err != nil {
			return Resolver{}, err
		}
		r.trusted = append(r.trusted, p)
	}
	return r, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an address or CIDR range", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address or CIDR range", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Trusts reports whether any proxy is configured.
func (r Resolver) Trusts() bool { return len(r.trusted) > 0 }

func (r Resolver) trustedAddr(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range r.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Client returns the client's address given the connection's peer address
// and the values of every X-Forwarded-For header of the request, in order.
// When the peer is not a trusted proxy the headers are ignored.
func (r Resolver) Client(peer string, forwardedFor []string) string {
	pa, ok := parseAddr(peer)
	if !ok {
		return peer
	}
	if !r.trustedAddr(pa) {
		return pa.String()
	}
	var hops []string
	for _, h := range forwardedFor {
		hops = append(hops, strings.Split(h, ",")...)
	}
	last := pa // the nearest hop known to be honest
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseAddr(hops[i])
		if !ok {
			// a trusted proxy wrote something unreadable: stop at the last
			// address it vouched for rather than believe anything further left
			return last.String()
		}
		if !r.trustedAddr(a) {
			return a.String()
		}
		last = a
	}
	return last.String()
}

// parseAddr reads an address as proxies write it: bare, or with a port
// (1.2.3.4:5678, [::1]:80), or in brackets.
func parseAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil {
			return a.Unmap().WithZone(""), true
		}
	}
	return netip.Addr{}, false
}
