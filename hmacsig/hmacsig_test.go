package hmacsig

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSignKnownVector(t *testing.T) {
	secret := []byte("s3cret")
	body := []byte(`{"id":1}`)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(`1700000000.{"id":1}`))
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	if got := Sign(secret, 1700000000, body); got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
	if got := Sign(secret, 1700000000, body); strings.ToLower(got) != got {
		t.Fatalf("Sign must produce lowercase hex: %q", got)
	}
}

func TestVerify(t *testing.T) {
	secret := []byte("s3cret")
	body := []byte(`{"tracking_code":"RX20240101-0001","body":"您好，您的诉求已办结。"}`)
	now := time.Unix(1700000000, 500_000_000)
	const ts = int64(1700000000)
	tsStr := strconv.FormatInt(ts, 10)
	good := Sign(secret, ts, body)
	hexPart := strings.TrimPrefix(good, "sha256=")
	skew := int64(MaxSkew / time.Second)

	tests := []struct {
		name   string
		secret []byte
		ts     string
		sig    string
		body   []byte
		now    time.Time
		want   error
	}{
		{"good", secret, tsStr, good, body, now, nil},
		{"good empty body", secret, tsStr, Sign(secret, ts, nil), nil, now, nil},
		{"good empty secret", nil, tsStr, Sign(nil, ts, body), body, now, nil},
		{"wrong secret", []byte("other"), tsStr, good, body, now, ErrMismatch},
		{"body changed", secret, tsStr, good, append([]byte(nil), append(body, ' ')...), now, ErrMismatch},
		{"timestamp changed", secret, strconv.FormatInt(ts+1, 10), good, body, now, ErrMismatch},
		{"last hex digit flipped", secret, tsStr, good[:len(good)-1] + flip(good[len(good)-1]), body, now, ErrMismatch},
		{"edge of skew past", secret, strconv.FormatInt(ts-skew, 10), Sign(secret, ts-skew, body), body, time.Unix(ts, 0), nil},
		{"edge of skew future", secret, strconv.FormatInt(ts+skew, 10), Sign(secret, ts+skew, body), body, time.Unix(ts, 0), nil},
		{"stale past", secret, strconv.FormatInt(ts-skew-1, 10), Sign(secret, ts-skew-1, body), body, time.Unix(ts, 0), ErrStale},
		{"stale future", secret, strconv.FormatInt(ts+skew+1, 10), Sign(secret, ts+skew+1, body), body, time.Unix(ts, 0), ErrStale},
		{"stale far past", secret, "0", Sign(secret, 0, body), body, now, ErrStale},
		{"stale int64 max", secret, "9223372036854775807", Sign(secret, 1<<63-1, body), body, now, ErrStale},
		{"stale clock at zero time", secret, tsStr, good, body, time.Time{}, ErrStale},
		{"empty timestamp", secret, "", good, body, now, ErrMissing},
		{"empty signature", secret, tsStr, "", body, now, ErrMissing},
		{"both empty", secret, "", "", body, now, ErrMissing},
		{"missing prefix", secret, tsStr, hexPart, body, now, ErrMalformed},
		{"other algorithm prefix", secret, tsStr, "sha1=" + hexPart, body, now, ErrMalformed},
		{"uppercase prefix", secret, tsStr, "SHA256=" + hexPart, body, now, ErrMalformed},
		{"prefix only", secret, tsStr, "sha256=", body, now, ErrMalformed},
		{"non-hex", secret, tsStr, "sha256=" + strings.Repeat("zz", 32), body, now, ErrMalformed},
		{"uppercase hex", secret, tsStr, "sha256=" + strings.ToUpper(hexPart), body, now, ErrMalformed},
		{"too short", secret, tsStr, good[:len(good)-2], body, now, ErrMalformed},
		{"too long", secret, tsStr, good + "00", body, now, ErrMalformed},
		{"odd length", secret, tsStr, good[:len(good)-1], body, now, ErrMalformed},
		{"signature with spaces", secret, tsStr, " " + good, body, now, ErrMalformed},
		{"signature trailing newline", secret, tsStr, good + "\n", body, now, ErrMalformed},
		{"two signatures", secret, tsStr, good + "," + good, body, now, ErrMalformed},
		{"timestamp leading space", secret, " " + tsStr, good, body, now, ErrMalformed},
		{"timestamp trailing space", secret, tsStr + " ", good, body, now, ErrMalformed},
		{"timestamp inner space", secret, "1700 000000", good, body, now, ErrMalformed},
		{"timestamp plus sign", secret, "+" + tsStr, good, body, now, ErrMalformed},
		{"timestamp minus sign", secret, "-" + tsStr, good, body, now, ErrMalformed},
		{"timestamp leading zero", secret, "0" + tsStr, good, body, now, ErrMalformed},
		{"timestamp huge", secret, "99999999999999999999999999", good, body, now, ErrMalformed},
		{"timestamp int64 overflow", secret, "9223372036854775808", good, body, now, ErrMalformed},
		{"timestamp float", secret, tsStr + ".0", good, body, now, ErrMalformed},
		{"timestamp exponent", secret, "1.7e9", good, body, now, ErrMalformed},
		{"timestamp hex", secret, "0x6553f100", good, body, now, ErrMalformed},
		{"timestamp underscore", secret, "1_700_000_000", good, body, now, ErrMalformed},
		{"timestamp full-width digits", secret, "１７００００００００", good, body, now, ErrMalformed},
		{"timestamp RFC3339", secret, "2023-11-14T22:13:20Z", good, body, now, ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Verify(tc.secret, tc.ts, tc.sig, tc.body, tc.now)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

// flip returns a different lowercase hex digit than c.
func flip(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

func TestVerifyDoesNotMutateInputs(t *testing.T) {
	secret := []byte("k")
	body := []byte("hello")
	sig := Sign(secret, 1700000000, body)
	_ = Verify(secret, "1700000000", sig, body, time.Unix(1700000000, 0))
	if string(secret) != "k" || string(body) != "hello" {
		t.Fatal("Verify mutated its inputs")
	}
}
