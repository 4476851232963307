package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"hotline/hmacsig"
)

// maxErrorBody is how many bytes of a failed response body are kept in the
// returned error.
const maxErrorBody = 200

// maxDrain bounds how much of a response body is read to allow connection
// reuse.
const maxDrain = 64 << 10

// defaultWebhookTimeout is the overall request timeout of the client made
// by NewWebhook when none is given.
const defaultWebhookTimeout = 30 * time.Second

// HeaderIdempotencyKey carries "delivery-<Message.ID>" so that the receiver
// can deduplicate retries of the same delivery.
const HeaderIdempotencyKey = "Idempotency-Key"

// Webhook delivers messages by POSTing them as JSON to an HTTP endpoint,
// signed with hmacsig (X-Hotline-Timestamp and X-Hotline-Signature).
type Webhook struct {
	// URL is the endpoint that receives the POST.
	URL string
	// Secret is the HMAC key shared with the receiver.
	Secret []byte
	// Client performs the requests.
	Client *http.Client
	// Now returns the signing time; nil means time.Now. Tests inject a
	// fixed clock here.
	Now func() time.Time
}

// NewWebhook returns a Webhook posting to url, signing with secret. A nil
// client is replaced by a client with a 30 second timeout.
func NewWebhook(url string, secret []byte, client *http.Client) *Webhook {
	if client == nil {
		client = &http.Client{Timeout: defaultWebhookTimeout}
	}
	return &Webhook{URL: url, Secret: secret, Client: client, Now: time.Now}
}

// Name returns "webhook".
func (w *Webhook) Name() string { return "webhook" }

// StatusError is returned by Webhook.Send when the endpoint answers with a
// non-2xx status. It is temporary: every non-2xx response is retried.
type StatusError struct {
	// StatusCode is the HTTP status code received.
	StatusCode int
	// Body is at most the first 200 bytes of the response body.
	Body string
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("delivery: webhook returned HTTP %d: %q", e.StatusCode, e.Body)
}

// Send POSTs m as JSON with Content-Type application/json, the hmacsig
// headers (timestamp = w.Now()) and Idempotency-Key "delivery-<m.ID>". A 2xx
// response means success; any other status yields a *StatusError, and a
// transport failure or a cancelled ctx yields an error wrapping the cause.
func (w *Webhook) Send(ctx context.Context, m Message) error {
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("delivery: webhook: encode message %d: %w", m.ID, err)
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := now().Unix()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("delivery: webhook: build request: %w", hideURL(err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(hmacsig.HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(hmacsig.HeaderSignature, hmacsig.Sign(w.Secret, ts, body))
	req.Header.Set(HeaderIdempotencyKey, "delivery-"+strconv.FormatInt(m.ID, 10))

	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: defaultWebhookTimeout}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("delivery: webhook: post message %d: %w", m.ID, hideURL(err))
	}
	defer resp.Body.Close()

	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
		return nil
	}
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	return &StatusError{StatusCode: resp.StatusCode, Body: string(snippet)}
}

// hideURL strips the *url.Error wrapper, whose message repeats the endpoint
// URL (which may carry an access token), keeping the underlying cause.
func hideURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}
