// Package hmacsig implements the HMAC-SHA256 request signature scheme shared
// by the inbound microblog webhook and the outbound delivery webhook.
//
// A signed request carries two headers:
//
//	X-Hotline-Timestamp: <unix seconds>
//	X-Hotline-Signature: sha256=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
//
// The timestamp is a plain, canonical decimal integer (digits only, no sign,
// no leading zeros, no surrounding spaces). A signature is stale when the
// timestamp is more than MaxSkew away from the receiver's clock, in either
// direction.
package hmacsig

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"time"
)

// HeaderTimestamp is the HTTP header carrying the signing time in unix seconds.
const HeaderTimestamp = "X-Hotline-Timestamp"

// HeaderSignature is the HTTP header carrying "sha256=<hex digest>".
const HeaderSignature = "X-Hotline-Signature"

// MaxSkew is the largest accepted distance between the signed timestamp and
// the verifier's clock; beyond it a signature is stale.
const MaxSkew = 5 * time.Minute

// prefix is the scheme prefix of the signature header value.
const prefix = "sha256="

// maxTimestampDigits bounds the length of the timestamp header; int64 has at
// most 19 decimal digits.
const maxTimestampDigits = 19

// Sentinel errors returned by Verify. Compare with errors.Is.
var (
	// ErrMissing reports that the timestamp or the signature header is empty.
	ErrMissing = errors.New("hmacsig: missing timestamp or signature")
	// ErrMalformed reports a header value that does not follow the scheme.
	ErrMalformed = errors.New("hmacsig: malformed timestamp or signature")
	// ErrStale reports a timestamp farther than MaxSkew from the current time.
	ErrStale = errors.New("hmacsig: stale timestamp")
	// ErrMismatch reports a well-formed signature that does not match the body.
	ErrMismatch = errors.New("hmacsig: signature mismatch")
)

// Sign returns the X-Hotline-Signature header value for body signed at unix
// time ts: "sha256=" followed by the lowercase hex HMAC-SHA256 of
// "<ts>.<body>" keyed with secret.
func Sign(secret []byte, ts int64, body []byte) string {
	return prefix + hex.EncodeToString(digest(secret, ts, body))
}

// digest computes HMAC-SHA256(secret, "<ts>.<body>").
func digest(secret []byte, ts int64, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	var buf [maxTimestampDigits + 2]byte
	b := strconv.AppendInt(buf[:0], ts, 10)
	b = append(b, '.')
	m.Write(b)
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks the X-Hotline-Timestamp and X-Hotline-Signature header values
// of a request with the given raw body against secret at time now.
//
// It returns nil exactly when sigHeader equals Sign(secret, ts, body) for the
// timestamp ts spelled canonically in tsHeader and ts is within MaxSkew of
// now. Otherwise it returns ErrMissing (an empty header), ErrMalformed (a
// header that does not follow the scheme), ErrStale or ErrMismatch. The
// digest comparison is constant-time. Verify never panics.
func Verify(secret []byte, tsHeader, sigHeader string, body []byte, now time.Time) error {
	if tsHeader == "" || sigHeader == "" {
		return ErrMissing
	}
	ts, ok := parseTimestamp(tsHeader)
	if !ok {
		return ErrMalformed
	}
	got, ok := parseSignature(sigHeader)
	if !ok {
		return ErrMalformed
	}
	// time.Time.Sub saturates instead of overflowing, so huge timestamps
	// and extreme clocks are handled.
	if d := now.Sub(time.Unix(ts, 0)); d > MaxSkew || d < -MaxSkew {
		return ErrStale
	}
	if !hmac.Equal(got, digest(secret, ts, body)) {
		return ErrMismatch
	}
	return nil
}

// parseTimestamp accepts only a canonical non-negative decimal integer that
// fits in an int64: ASCII digits, no sign, no spaces, no leading zeros.
func parseTimestamp(s string) (int64, bool) {
	if len(s) == 0 || len(s) > maxTimestampDigits {
		return 0, false
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	ts, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return ts, true
}

// parseSignature accepts "sha256=" followed by exactly 64 lowercase hex
// digits and returns the decoded digest.
func parseSignature(s string) ([]byte, bool) {
	if len(s) != len(prefix)+2*sha256.Size || s[:len(prefix)] != prefix {
		return nil, false
	}
	h := s[len(prefix):]
	for i := 0; i < len(h); i++ {
		c := h[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return nil, false
		}
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, false
	}
	return b, true
}
