package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hotline/hmacsig"
)

func sampleMessage() Message {
	return Message{
		ID:           42,
		ItemID:       7,
		TrackingCode: "RX20240101-0007",
		Channel:      ChannelPlatform,
		To:           "ext-998877",
		Type:         TypePlatformCallback,
		Subject:      "办理结果",
		Body:         "您好，您反映的噪音问题已处理完毕。",
		Extra:        map[string]string{"external_id": "ext-998877", "rating_url": "https://example.gov.cn/r/abc"},
	}
}

func TestWebhookRetryThenSuccess(t *testing.T) {
	secret := []byte("webhook-secret")
	msg := sampleMessage()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if r.Method != http.MethodPost {
			t.Errorf("method = %s", r.Method)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		if k := r.Header.Get("Idempotency-Key"); k != "delivery-42" {
			t.Errorf("Idempotency-Key = %q", k)
		}
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read body: %v", err)
		}
		if err := hmacsig.Verify(secret, r.Header.Get(hmacsig.HeaderTimestamp), r.Header.Get(hmacsig.HeaderSignature), raw, time.Now()); err != nil {
			t.Errorf("call %d: receiver cannot verify signature: %v", n, err)
		}
		var got Message
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Errorf("decode JSON: %v", err)
		}
		if !reflect.DeepEqual(got, msg) {
			t.Errorf("decoded %+v, want %+v", got, msg)
		}
		if n <= 2 {
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "temporarily broken")
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()

	wh := NewWebhook(srv.URL, secret, srv.Client())
	if wh.Name() != "webhook" {
		t.Fatalf("Name = %q", wh.Name())
	}
	for i := 1; i <= 2; i++ {
		err := wh.Send(context.Background(), msg)
		if err == nil {
			t.Fatalf("call %d: want error", i)
		}
		if !strings.Contains(err.Error(), "500") || !strings.Contains(err.Error(), "temporarily broken") {
			t.Fatalf("call %d: error %q lacks status or body", i, err)
		}
		var se *StatusError
		if !errors.As(err, &se) || se.StatusCode != 500 {
			t.Fatalf("call %d: error %v is not a StatusError 500", i, err)
		}
		if IsPermanent(err) {
			t.Fatalf("call %d: HTTP 500 must be retryable", i)
		}
	}
	if err := wh.Send(context.Background(), msg); err != nil {
		t.Fatalf("call 3: %v", err)
	}
	if got := calls.Load(); got != 3 {
		t.Fatalf("server saw %d calls, want 3", got)
	}
}

func TestWebhookJSONFields(t *testing.T) {
	raw, err := json.Marshal(Message{ID: 1, ItemID: 2, TrackingCode: "T", Channel: "hotline", To: "13800001111", Type: "reply", Body: "b"})
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	want := []string{"body", "channel", "id", "item_id", "to", "tracking_code", "type"}
	var got []string
	for k := range fields {
		got = append(got, k)
	}
	if len(got) != len(want) {
		t.Fatalf("fields = %v, want %v (subject and extra omitted when empty)", got, want)
	}
	for _, k := range want {
		if _, ok := fields[k]; !ok {
			t.Fatalf("missing field %q in %s", k, raw)
		}
	}
}

func TestWebhookInjectedClock(t *testing.T) {
	fixed := time.Unix(1700000000, 0)
	secret := []byte("k")
	var gotTS, gotSig string
	var gotBody []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotTS = r.Header.Get(hmacsig.HeaderTimestamp)
		gotSig = r.Header.Get(hmacsig.HeaderSignature)
		gotBody, _ = io.ReadAll(r.Body)
	}))
	defer srv.Close()
	wh := NewWebhook(srv.URL, secret, nil)
	wh.Now = func() time.Time { return fixed }
	if err := wh.Send(context.Background(), sampleMessage()); err != nil {
		t.Fatal(err)
	}
	if gotTS != strconv.FormatInt(fixed.Unix(), 10) {
		t.Fatalf("timestamp header = %q", gotTS)
	}
	if want := hmacsig.Sign(secret, fixed.Unix(), gotBody); gotSig != want {
		t.Fatalf("signature = %q, want %q", gotSig, want)
	}
	if err := hmacsig.Verify(secret, gotTS, gotSig, gotBody, fixed.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := hmacsig.Verify(secret, gotTS, gotSig, gotBody, fixed.Add(time.Hour)); !errors.Is(err, hmacsig.ErrStale) {
		t.Fatalf("Verify an hour later = %v, want ErrStale", err)
	}
}

func TestWebhookErrorBodyTruncated(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, strings.Repeat("x", 5000))
	}))
	defer srv.Close()
	err := NewWebhook(srv.URL, []byte("k"), srv.Client()).Send(context.Background(), sampleMessage())
	var se *StatusError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want StatusError", err)
	}
	if se.StatusCode != 400 || len(se.Body) != 200 {
		t.Fatalf("StatusError{%d, %d bytes}, want {400, 200 bytes}", se.StatusCode, len(se.Body))
	}
	if strings.Count(err.Error(), "x") > 200 {
		t.Fatalf("error message carries more than 200 body bytes")
	}
	if IsPermanent(err) {
		t.Fatal("4xx must be retryable per contract")
	}
}

func TestWebhookContextCancel(t *testing.T) {
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)

	wh := NewWebhook(srv.URL, []byte("k"), srv.Client())
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- wh.Send(ctx, sampleMessage()) }()
	select {
	case <-arrived:
	case <-time.After(5 * time.Second):
		t.Fatal("request never reached the server")
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if strings.Contains(err.Error(), srv.URL) {
			t.Fatalf("error leaks the endpoint URL: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Send did not return after cancel")
	}
}

func TestWebhookAlreadyCancelled(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := NewWebhook(srv.URL, []byte("k"), srv.Client()).Send(ctx, sampleMessage())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if calls.Load() != 0 {
		t.Fatal("request sent despite cancelled context")
	}
}

func TestWebhookTransportError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/hook?access_token=topsecret"
	srv.Close()
	err := NewWebhook(url, []byte("k"), nil).Send(context.Background(), sampleMessage())
	if err == nil {
		t.Fatal("want error from closed server")
	}
	if IsPermanent(err) {
		t.Fatal("transport errors must be retryable")
	}
	if strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("error leaks the endpoint URL: %v", err)
	}
}
