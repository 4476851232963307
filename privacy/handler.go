package privacy

import (
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
)

// RedactedValue replaces the value of attributes with the key "id_number".
const RedactedValue = "[redacted]"

// NewHandler wraps a slog.Handler so that no phone number, e-mail address or
// ID number reaches a log line.
//
// The record message, every string attribute value, attribute keys and group
// names, at any depth of groups, pass through the pattern part of Scrub (no
// names, no self-introductions). Values of kind Any (errors, fmt.Stringers,
// structs, maps, …) whose printed form contains such data are replaced by
// the scrubbed printed form; LogValuers are resolved first.
//
// Attributes are also masked by key (case-insensitively, at any group depth):
// "phone", "caller_phone", "citizen_phone" with MaskPhone, "name",
// "caller_name", "citizen_name" with MaskName, "email" with MaskEmail, and
// "id_number" is replaced by "[redacted]". A group with such a key has all its
// values masked the same way.
//
// Attributes added with Logger.With (WithAttrs) are masked once, when they
// are added; WithGroup and Enabled delegate to the inner handler.
func NewHandler(inner slog.Handler) slog.Handler {
	if inner == nil {
		panic("privacy: NewHandler called with a nil handler")
	}
	return &handler{inner: inner}
}

// handler is immutable: WithAttrs and WithGroup return new handlers.
type handler struct {
	inner slog.Handler
}

func (h *handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	nr := slog.NewRecord(r.Time, r.Level, scrubPatterns(r.Message), r.PC)
	if n := r.NumAttrs(); n > 0 {
		attrs := make([]slog.Attr, 0, n)
		r.Attrs(func(a slog.Attr) bool {
			attrs = append(attrs, sanitizeAttr(a, maskNone))
			return true
		})
		nr.AddAttrs(attrs...)
	}
	return h.inner.Handle(ctx, nr)
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = sanitizeAttr(a, maskNone)
	}
	return &handler{inner: h.inner.WithAttrs(out)}
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &handler{inner: h.inner.WithGroup(scrubPatterns(name))}
}

// keyMask is the masking an attribute gets because of its key.
type keyMask int

const (
	maskNone keyMask = iota
	maskPhone
	maskName
	maskEmail
	maskRedact
)

func maskForKey(key string) keyMask {
	switch strings.ToLower(key) {
	case "phone", "caller_phone", "citizen_phone":
		return maskPhone
	case "name", "caller_name", "citizen_name":
		return maskName
	case "email":
		return maskEmail
	case "id_number":
		return maskRedact
	}
	return maskNone
}

func (m keyMask) apply(s string) string {
	switch m {
	case maskPhone:
		return MaskPhone(s)
	case maskName:
		return MaskName(s)
	case maskEmail:
		return MaskEmail(s)
	case maskRedact:
		return RedactedValue
	}
	return scrubPatterns(s)
}

// sanitizeAttr returns a copy of a with personal data masked; inherited is
// the key masking of the enclosing group.
func sanitizeAttr(a slog.Attr, inherited keyMask) slog.Attr {
	m := maskForKey(a.Key)
	if m == maskNone {
		m = inherited
	}
	key := scrubPatterns(a.Key)
	v := a.Value.Resolve()
	if isOwnRequestID(a.Key, v) {
		// a UUID of ours, no one's data: its hex groups can hold sixteen
		// digits in fours, which the patterns take for a bank card
		return slog.String(key, v.String())
	}
	switch {
	case v.Kind() == slog.KindGroup:
		group := v.Group()
		out := make([]slog.Attr, len(group))
		for i, ga := range group {
			out[i] = sanitizeAttr(ga, m)
		}
		return slog.Attr{Key: key, Value: slog.GroupValue(out...)}
	case m != maskNone:
		return slog.String(key, m.apply(v.String()))
	}
	return slog.Attr{Key: key, Value: sanitizeValue(v)}
}

// isOwnRequestID reports whether an attribute is the request id the server
// gave the request: the key request_id and a canonical UUID. Anything else
// logged under that key is scrubbed like any value.
func isOwnRequestID(key string, v slog.Value) bool {
	if !strings.EqualFold(key, "request_id") || v.Kind() != slog.KindString {
		return false
	}
	return uuidPattern.MatchString(v.String())
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// sanitizeValue scrubs a resolved, non-group value that is not masked by key.
// Numbers, booleans, times and durations are kept as they are.
func sanitizeValue(v slog.Value) slog.Value {
	switch v.Kind() {
	case slog.KindString:
		s := v.String()
		if t := scrubPatterns(s); t != s {
			return slog.StringValue(t)
		}
	case slog.KindAny:
		if s, ok := printedForm(v.Any()); ok {
			if t := scrubPatterns(s); t != s {
				return slog.StringValue(t)
			}
		}
	}
	return v
}

// printedForm returns the text an inner handler would show for x: its JSON
// or text encoding if it has one, the bytes of a []byte, its fmt form
// otherwise. A method that panics yields ok == false.
func printedForm(x any) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	switch t := x.(type) {
	case nil:
		return "", false
	case []byte:
		return string(t), true
	case error, fmt.Stringer:
		return fmt.Sprint(t), true
	case json.Marshaler:
		if b, err := json.Marshal(t); err == nil {
			return string(b), true
		}
	case encoding.TextMarshaler:
		if b, err := t.MarshalText(); err == nil {
			return string(b), true
		}
	}
	return fmt.Sprintf("%+v", x), true
}
