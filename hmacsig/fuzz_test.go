package hmacsig

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

// fuzzNowUnix is the fixed verifier clock (unix seconds) used by FuzzVerify.
const fuzzNowUnix = 1700000000

func FuzzVerify(f *testing.F) {
	fuzzNow := time.Unix(fuzzNowUnix, 0)
	good := Sign([]byte("secret"), fuzzNow.Unix(), []byte("body"))
	f.Add([]byte("secret"), []byte("body"), "1700000000", good, int64(0))
	f.Add([]byte("secret"), []byte("body"), "1700000000", good[:20], int64(-300))
	f.Add([]byte(""), []byte(""), "", "", int64(300))
	f.Add([]byte("k"), []byte("{}"), " 1700000000", "sha256=zz", int64(7))
	f.Add([]byte("k"), []byte("{}"), "-1", "SHA256=00", int64(-1))
	f.Add([]byte("k"), []byte("中文"), "99999999999999999999", good, int64(1<<62))

	f.Fuzz(func(t *testing.T, secret, body []byte, tsHeader, sigHeader string, offset int64) {
		// 1. Arbitrary header values: no panic, only sentinel errors, and
		//    acceptance implies the exact output of Sign for a fresh timestamp.
		err := Verify(secret, tsHeader, sigHeader, body, fuzzNow)
		switch {
		case err == nil:
			ts, perr := strconv.ParseInt(tsHeader, 10, 64)
			if perr != nil || strconv.FormatInt(ts, 10) != tsHeader {
				t.Fatalf("accepted non-canonical timestamp %q", tsHeader)
			}
			if want := Sign(secret, ts, body); sigHeader != want {
				t.Fatalf("accepted %q, Sign gives %q", sigHeader, want)
			}
			if d := fuzzNow.Sub(time.Unix(ts, 0)); d > MaxSkew || d < -MaxSkew {
				t.Fatalf("accepted stale timestamp %d", ts)
			}
		case errors.Is(err, ErrMissing), errors.Is(err, ErrMalformed),
			errors.Is(err, ErrStale), errors.Is(err, ErrMismatch):
		default:
			t.Fatalf("unexpected error %v", err)
		}

		// 2. Whatever Sign produces for a fresh timestamp is accepted.
		skew := int64(MaxSkew / time.Second)
		off := offset % (skew + 1) // in [-skew, skew]
		ts := fuzzNow.Unix() + off
		sig := Sign(secret, ts, body)
		if err := Verify(secret, strconv.FormatInt(ts, 10), sig, body, fuzzNow); err != nil {
			t.Fatalf("Verify rejected fresh Sign output (ts=%d): %v", ts, err)
		}

		// 3. ...and only for this body/secret: a different body is rejected.
		other := append(append([]byte(nil), body...), 'x')
		if err := Verify(secret, strconv.FormatInt(ts, 10), sig, other, fuzzNow); !errors.Is(err, ErrMismatch) {
			t.Fatalf("Verify with changed body = %v, want ErrMismatch", err)
		}
	})
}
