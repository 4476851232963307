package delivery

import (
	"context"
	"log/slog"
	"strings"
	"unicode/utf8"
)

// Log is a Sender that only writes a log line at Info level, for
// development and for channels without a transport. It never logs the body
// or the recipient in clear: only id, item_id, channel, type and a masked
// recipient.
type Log struct {
	logger *slog.Logger
}

// NewLog returns a Log writing to logger; a nil logger means slog.Default().
func NewLog(logger *slog.Logger) *Log {
	return &Log{logger: logger}
}

// Name returns "log".
func (l *Log) Name() string { return "log" }

// Send logs m (without body or clear recipient) and returns ctx.Err().
func (l *Log) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	logger := l.logger
	if logger == nil {
		logger = slog.Default()
	}
	logger.LogAttrs(ctx, slog.LevelInfo, "delivery: message logged instead of sent",
		slog.Int64("id", m.ID),
		slog.Int64("item_id", m.ItemID),
		slog.String("channel", m.Channel),
		slog.String("type", m.Type),
		slog.String("to", MaskRecipient(m.To)),
	)
	return nil
}

// MaskRecipient hides most of a recipient for logging. An e-mail address
// keeps only the first character of its local part and the domain
// ("z***@example.com"); anything else (phone numbers, account or post ids)
// keeps its first 3 and last 4 characters ("138****5678"), and values of 7
// characters or fewer are fully masked.
func MaskRecipient(to string) string {
	if to == "" {
		return ""
	}
	if i := strings.LastIndexByte(to, '@'); i >= 0 {
		local, domain := to[:i], to[i+1:]
		first, _ := utf8.DecodeRuneInString(local)
		if local == "" {
			return "***@" + domain
		}
		return string(first) + "***@" + domain
	}
	r := []rune(to)
	if len(r) <= 7 {
		return "***"
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}
