package delivery

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// fakeSender records what it was asked to send.
type fakeSender struct {
	name string
	err  error
	sent []Message
}

func (f *fakeSender) Send(ctx context.Context, m Message) error {
	f.sent = append(f.sent, m)
	return f.err
}

func (f *fakeSender) Name() string { return f.name }

func TestRouterFor(t *testing.T) {
	wh := &fakeSender{name: "webhook"}
	mail := &fakeSender{name: "mail"}
	fb := &fakeSender{name: "fallback"}
	var nilWebhook *Webhook

	full := Router{Webhook: wh, Mail: mail, Fallback: fb}
	noMail := Router{Webhook: wh, Fallback: fb}
	onlyFallback := Router{Fallback: fb}
	typedNil := Router{Webhook: nilWebhook, Fallback: fb}
	empty := Router{}

	email := "citizen@example.com"
	tests := []struct {
		name    string
		r       Router
		channel string
		to      string
		want    Sender
	}{
		{"mailbox e-mail -> mail", full, ChannelMailbox, email, mail},
		{"mailbox e-mail without mail -> webhook", noMail, ChannelMailbox, email, wh},
		{"mailbox e-mail only fallback", onlyFallback, ChannelMailbox, email, fb},
		{"mailbox without e-mail -> webhook", full, ChannelMailbox, "13812345678", wh},
		{"mailbox without e-mail only fallback", onlyFallback, ChannelMailbox, "13812345678", fb},
		{"hotline SMS -> webhook", full, ChannelHotline, "13812345678", wh},
		{"hotline with @ still webhook", full, ChannelHotline, email, wh},
		{"microblog -> webhook", full, ChannelMicroblog, "post:4987654321", wh},
		{"platform -> webhook", full, ChannelPlatform, "ext-1", wh},
		{"unknown channel -> webhook", full, "fax", "x", wh},
		{"hotline only fallback", onlyFallback, ChannelHotline, "13812345678", fb},
		{"microblog only fallback", onlyFallback, ChannelMicroblog, "u", fb},
		{"platform only fallback", onlyFallback, ChannelPlatform, "ext-1", fb},
		{"typed nil webhook skipped", typedNil, ChannelPlatform, "ext-1", fb},
		{"nothing configured", empty, ChannelHotline, "13812345678", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.r.For(Message{Channel: tc.channel, To: tc.to})
			if got != tc.want {
				t.Fatalf("For = %v, want %v", name(got), name(tc.want))
			}
		})
	}
}

func name(s Sender) string {
	if s == nil {
		return "<nil>"
	}
	return s.Name()
}

func TestRouterSend(t *testing.T) {
	boom := errors.New("boom")
	wh := &fakeSender{name: "webhook", err: boom}
	mail := &fakeSender{name: "mail"}
	var r Sender = Router{Webhook: wh, Mail: mail}
	if r.Name() != "router" {
		t.Fatalf("Name = %q", r.Name())
	}
	m := Message{ID: 1, Channel: ChannelMailbox, To: "a@example.com"}
	if err := r.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if len(mail.sent) != 1 || mail.sent[0].ID != 1 || len(wh.sent) != 0 {
		t.Fatalf("mail sent %d, webhook sent %d", len(mail.sent), len(wh.sent))
	}
	if err := r.Send(context.Background(), Message{ID: 2, Channel: ChannelHotline}); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the webhook's error", err)
	}
	if err := (Router{}).Send(context.Background(), Message{ID: 3}); !errors.Is(err, ErrNoSender) {
		t.Fatalf("err = %v, want ErrNoSender", err)
	}
}

func TestPermanentError(t *testing.T) {
	base := errors.New("bad address")
	p := Permanent(base)
	if !IsPermanent(p) || !errors.Is(p, base) {
		t.Fatal("Permanent must be permanent and unwrap to its cause")
	}
	if !IsPermanent(fmt.Errorf("outer: %w", p)) {
		t.Fatal("wrapped PermanentError not detected")
	}
	if IsPermanent(base) || IsPermanent(nil) {
		t.Fatal("plain errors are not permanent")
	}
	if Permanent(nil) != nil {
		t.Fatal("Permanent(nil) must be nil")
	}
	if (&PermanentError{}).Error() == "" || p.Error() != "permanent: bad address" {
		t.Fatalf("Error() = %q", p.Error())
	}
}
