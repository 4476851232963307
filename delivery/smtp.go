package delivery

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// defaultSMTPTimeout bounds a whole SMTP session when ctx has no deadline.
const defaultSMTPTimeout = time.Minute

// SMTPConfig configures the SMTP sender.
type SMTPConfig struct {
	// Host is the SMTP server host name (also the TLS server name).
	Host string
	// Port is the SMTP server port, typically 25 or 587.
	Port int
	// Username enables PLAIN authentication when non-empty.
	Username string
	// Password is the PLAIN authentication password.
	Password string
	// From is the sender address, optionally with a display name, e.g.
	// "12345 热线 <noreply@example.gov.cn>".
	From string
	// TLS is "starttls" (the default when empty: the session is refused
	// when the server does not offer STARTTLS), "tls" (implicit TLS from the
	// first byte, port 465) or "none" (clear text; only for a relay on a
	// trusted network).
	TLS string
}

// The values of SMTPConfig.TLS.
const (
	SMTPStartTLS    = "starttls"
	SMTPImplicitTLS = "tls"
	SMTPNoTLS       = "none"
)

// ErrNoStartTLS is a server that does not offer STARTTLS while it is required.
var ErrNoStartTLS = errors.New("the server does not offer STARTTLS; refusing to send in clear (HOTLINE_SMTP_TLS=none allows it)")

// SMTP delivers messages as UTF-8 plain-text e-mail using net/smtp. By
// default it requires STARTTLS and refuses to send when the server does not
// offer it; Config.TLS chooses implicit TLS or (explicitly) clear text. It
// authenticates with PLAIN when a username is configured.
type SMTP struct {
	// Config is the server and sender configuration.
	Config SMTPConfig
	// TLSConfig is used for STARTTLS and implicit TLS; nil means a default
	// configuration verifying Config.Host.
	TLSConfig *tls.Config
	// Timeout bounds the whole session when ctx has no earlier deadline;
	// zero means one minute.
	Timeout time.Duration
	// Now returns the Date header time; nil means time.Now.
	Now func() time.Time
}

// NewSMTP returns an SMTP sender for cfg.
func NewSMTP(cfg SMTPConfig) *SMTP {
	return &SMTP{Config: cfg, Timeout: defaultSMTPTimeout, Now: time.Now}
}

// Name returns "smtp".
func (s *SMTP) Name() string { return "smtp" }

// Send mails m.Body to the address m.To with subject m.Subject. A To that
// net/mail cannot parse, or a recipient the server rejects as non-existent
// (550, 551, 553), yields a *PermanentError. ctx bounds and can abort the
// whole SMTP session.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return Permanent(fmt.Errorf("delivery: smtp: invalid recipient for message %d: %w", m.ID, err))
	}
	from, err := mail.ParseAddress(s.Config.From)
	if err != nil {
		return fmt.Errorf("delivery: smtp: invalid From address in configuration: %w", err)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	msg, err := buildMail(from, to, m, now())
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	timeout := s.Timeout
	if timeout <= 0 {
		timeout = defaultSMTPTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	addr := net.JoinHostPort(s.Config.Host, strconv.Itoa(s.Config.Port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("delivery: smtp: dial: %w", err)
	}
	// Abort any blocked read or write as soon as ctx ends.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if s.mode() == SMTPImplicitTLS {
		conn = tls.Client(conn, s.tlsConfig())
	}
	err = s.session(conn, from.Address, to.Address, msg)
	if err != nil {
		// Report failures caused by cancellation or the deadline as such.
		// The connection deadline equals ctx's, so it may fire just before
		// ctx itself is marked done.
		if ctx.Err() != nil {
			return fmt.Errorf("delivery: smtp: %w (%v)", context.Cause(ctx), err)
		}
		if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
			return fmt.Errorf("delivery: smtp: %w (%v)", context.DeadlineExceeded, err)
		}
	}
	return err
}

func (s *SMTP) mode() string {
	if s.Config.TLS == "" {
		return SMTPStartTLS
	}
	return s.Config.TLS
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.TLSConfig != nil {
		return s.TLSConfig
	}
	return &tls.Config{ServerName: s.Config.Host, MinVersion: tls.VersionTLS12}
}

// session runs the SMTP dialogue over conn and always closes it.
func (s *SMTP) session(conn net.Conn, from, to string, msg []byte) error {
	c, err := smtp.NewClient(conn, s.Config.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("delivery: smtp: greeting: %w", err)
	}
	defer c.Close()

	if s.mode() == SMTPStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("delivery: smtp: %w", ErrNoStartTLS)
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return fmt.Errorf("delivery: smtp: starttls: %w", err)
		}
	}
	if s.Config.Username != "" {
		auth := smtp.PlainAuth("", s.Config.Username, s.Config.Password, s.Config.Host)
		if err := c.Auth(auth); err != nil {
			return fmt.Errorf("delivery: smtp: auth: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("delivery: smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		err = fmt.Errorf("delivery: smtp: RCPT TO: %w", err)
		var te *textproto.Error
		if errors.As(err, &te) && (te.Code == 550 || te.Code == 551 || te.Code == 553) {
			return Permanent(err)
		}
		return err
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("delivery: smtp: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		w.Close()
		return fmt.Errorf("delivery: smtp: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("delivery: smtp: end of data: %w", err)
	}
	// The message is accepted; a failed QUIT does not matter.
	_ = c.Quit()
	return nil
}

// buildMail renders the RFC 5322 message: UTF-8 headers (RFC 2047 encoded
// where needed) and a base64 encoded text/plain body with CRLF line ends.
func buildMail(from, to *mail.Address, m Message, now time.Time) ([]byte, error) {
	id, err := messageID(m.ID, from.Address)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	header := func(k, v string) {
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteString("\r\n")
	}
	header("From", from.String())
	header("To", to.String())
	if m.Subject != "" {
		header("Subject", encodeHeader(m.Subject))
	}
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", id)
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")

	body := strings.ReplaceAll(m.Body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	body = strings.ReplaceAll(body, "\n", "\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	if enc != "" {
		b.WriteString(enc)
		b.WriteString("\r\n")
	}
	return []byte(b.String()), nil
}

// encodeHeader RFC 2047 encodes a header value when it is not plain ASCII
// (control characters such as CR and LF force encoding, so the value cannot
// inject headers) and folds the encoded words onto continuation lines.
func encodeHeader(v string) string {
	enc := mime.BEncoding.Encode("UTF-8", v)
	return strings.ReplaceAll(enc, "?= =?", "?=\r\n =?")
}

// messageID returns a unique Message-ID in the sender's domain.
func messageID(id int64, fromAddr string) (string, error) {
	var r [12]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", fmt.Errorf("delivery: smtp: message id: %w", err)
	}
	domain := "hotline.invalid"
	if i := strings.LastIndexByte(fromAddr, '@'); i >= 0 && i+1 < len(fromAddr) {
		domain = fromAddr[i+1:]
	}
	return fmt.Sprintf("<delivery-%d.%s@%s>", id, hex.EncodeToString(r[:]), domain), nil
}
