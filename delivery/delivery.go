// Package delivery sends outbound messages to citizens (replies, rating
// invitations, platform callbacks, notices) through interchangeable
// adapters behind the Sender interface: a signed HTTP webhook, SMTP mail and
// a log-only sender, plus a Router that picks one per message.
//
// Senders do not retry; the caller (the delivery queue) retries every error
// except those for which IsPermanent reports true.
package delivery

import (
	"context"
	"errors"
)

// Item channels a Message can originate from.
const (
	// ChannelHotline is a phone call; replies go out as SMS text.
	ChannelHotline = "hotline"
	// ChannelMailbox is the mayor's mailbox (web form or e-mail).
	ChannelMailbox = "mailbox"
	// ChannelMicroblog is a microblog post; replies are posted back.
	ChannelMicroblog = "microblog"
	// ChannelPlatform is an upstream platform; replies are callbacks.
	ChannelPlatform = "platform"
)

// Common message types. The set is open; senders pass Type through.
const (
	// TypeReply is the answer to a citizen's request.
	TypeReply = "reply"
	// TypeRatingInvite invites the citizen to rate the handling.
	TypeRatingInvite = "rating_invite"
	// TypePlatformCallback reports back to an upstream platform.
	TypePlatformCallback = "platform_callback"
	// TypeNotice is an informational notice.
	TypeNotice = "notice"
)

// Message is one outbound message to a citizen about a work item. Its JSON
// form is the webhook payload.
type Message struct {
	// ID identifies the delivery; it is stable across retries.
	ID int64 `json:"id"`
	// ItemID is the work item the message belongs to.
	ItemID int64 `json:"item_id"`
	// TrackingCode is the item's public tracking code.
	TrackingCode string `json:"tracking_code"`
	// Channel is the item's channel: hotline, mailbox, microblog or platform.
	Channel string `json:"channel"`
	// To is the recipient: a phone number, an e-mail address, a microblog
	// author or post id, or a platform external_id.
	To string `json:"to"`
	// Type is the kind of message: reply, rating_invite, platform_callback,
	// notice, ...
	Type string `json:"type"`
	// Subject is an optional subject line (used by mail).
	Subject string `json:"subject,omitempty"`
	// Body is the message text.
	Body string `json:"body"`
	// Extra holds channel-specific values such as post_id, external_id or
	// rating_url.
	Extra map[string]string `json:"extra,omitempty"`
}

// Sender delivers a Message through one transport.
type Sender interface {
	// Send delivers m, honouring ctx. A non-nil error means the message
	// was not (known to be) delivered; see IsPermanent.
	Send(ctx context.Context, m Message) error
	// Name is a short stable identifier of the sender, for logs and metrics.
	Name() string
}

// PermanentError marks an error that retrying can never fix, such as a
// malformed recipient address. Every other error, including any non-2xx
// webhook response, is considered temporary and should be retried.
type PermanentError struct {
	// Err is the underlying error.
	Err error
}

// Error implements error.
func (e *PermanentError) Error() string {
	if e.Err == nil {
		return "permanent delivery error"
	}
	return "permanent: " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err in a *PermanentError. It returns nil for a nil err.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// IsPermanent reports whether err, or any error it wraps, is a
// *PermanentError, i.e. whether the delivery must not be retried.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}
