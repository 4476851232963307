package delivery

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// ErrNoSender is returned by Router.Send when no sender is configured for a
// message.
var ErrNoSender = errors.New("delivery: no sender configured")

// Router is a Sender that picks the adapter for each message by channel.
// Nil fields (including typed nil pointers) count as not configured.
type Router struct {
	// Webhook handles SMS text, microblog reply posts, platform callbacks
	// and mailbox items without an e-mail address. May be nil.
	Webhook Sender
	// Mail handles mailbox messages addressed to an e-mail. May be nil.
	Mail Sender
	// Fallback is used when the preferred sender is not configured.
	Fallback Sender
}

// For returns the sender for m: a mailbox message whose To contains "@"
// goes to Mail, else Webhook, else Fallback; every other message goes to
// Webhook, else Fallback. It returns nil when none of these is configured.
func (r Router) For(m Message) Sender {
	if m.Channel == ChannelMailbox && strings.Contains(m.To, "@") && configured(r.Mail) {
		return r.Mail
	}
	if configured(r.Webhook) {
		return r.Webhook
	}
	if configured(r.Fallback) {
		return r.Fallback
	}
	return nil
}

// Send delivers m through For(m). It returns an error wrapping ErrNoSender
// when no sender is configured.
func (r Router) Send(ctx context.Context, m Message) error {
	s := r.For(m)
	if s == nil {
		return fmt.Errorf("%w for message %d (channel %q)", ErrNoSender, m.ID, m.Channel)
	}
	return s.Send(ctx, m)
}

// Name returns "router".
func (r Router) Name() string { return "router" }

// configured reports whether s is a usable, non-nil sender.
func configured(s Sender) bool {
	if s == nil {
		return false
	}
	v := reflect.ValueOf(s)
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return !v.IsNil()
	}
	return true
}

// Interface checks.
var (
	_ Sender = (*Webhook)(nil)
	_ Sender = (*SMTP)(nil)
	_ Sender = (*Log)(nil)
	_ Sender = Router{}
)
