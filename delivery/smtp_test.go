package delivery

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// received is what the fake SMTP server recorded from one session.
type received struct {
	tls      bool
	auth     string // decoded AUTH PLAIN response
	from     string
	rcpt     []string
	data     []byte
	commands []string
}

// fakeSMTP is a minimal single-session SMTP server for tests.
type fakeSMTP struct {
	ln         net.Listener
	tlsConfig  *tls.Config // non-nil: offer STARTTLS
	offerAuth  bool
	rcptReply  string // reply to RCPT TO; default "250 OK"
	noGreeting bool   // accept and stay silent
	implicit   bool   // TLS from the first byte (tlsConfig), no STARTTLS
	done       chan received
}

func startFakeSMTP(t *testing.T, f *fakeSMTP) (host string, port int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.ln = ln
	f.done = make(chan received, 1)
	t.Cleanup(func() { ln.Close() })
	go f.serve(t)
	a := ln.Addr().(*net.TCPAddr)
	return "127.0.0.1", a.Port
}

func (f *fakeSMTP) serve(t *testing.T) {
	conn, err := f.ln.Accept()
	if err != nil {
		return
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var rec received
	defer func() { f.done <- rec }()
	if f.implicit {
		tc := tls.Server(conn, f.tlsConfig)
		if err := tc.Handshake(); err != nil {
			t.Errorf("fake smtp: TLS handshake: %v", err)
			return
		}
		conn, rec.tls = tc, true
	}
	if f.noGreeting {
		_, _ = io.Copy(io.Discard, conn) // until the client hangs up
		return
	}
	tp := textproto.NewConn(conn)
	reply := func(lines ...string) bool {
		for _, l := range lines {
			if err := tp.PrintfLine("%s", l); err != nil {
				return false
			}
		}
		return true
	}
	if !reply("220 fake.test ESMTP ready") {
		return
	}
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		rec.commands = append(rec.commands, line)
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"250-fake.test greets you"}
			if f.tlsConfig != nil && !rec.tls && !f.implicit {
				lines = append(lines, "250-STARTTLS")
			}
			if f.offerAuth {
				lines = append(lines, "250-AUTH PLAIN")
			}
			lines = append(lines, "250 8BITMIME")
			reply(lines...)
		case "STARTTLS":
			reply("220 2.0.0 Ready to start TLS")
			tc := tls.Server(conn, f.tlsConfig)
			if err := tc.Handshake(); err != nil {
				t.Errorf("fake smtp: TLS handshake: %v", err)
				return
			}
			conn = tc
			tp = textproto.NewConn(tc)
			rec.tls = true
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, err := base64.StdEncoding.DecodeString(resp)
			if strings.ToUpper(mech) != "PLAIN" || err != nil {
				reply("504 5.5.4 unsupported")
				continue
			}
			rec.auth = string(b)
			reply("235 2.7.0 Authentication successful")
		case "MAIL":
			rec.from = arg
			reply("250 2.1.0 OK")
		case "RCPT":
			rec.rcpt = append(rec.rcpt, arg)
			if f.rcptReply != "" {
				reply(f.rcptReply)
			} else {
				reply("250 2.1.5 OK")
			}
		case "DATA":
			reply("354 End data with <CR><LF>.<CR><LF>")
			rec.data, err = readRawData(tp.R)
			if err != nil {
				t.Errorf("fake smtp: DATA: %v", err)
				return
			}
			reply("250 2.0.0 queued")
		case "RSET", "NOOP":
			reply("250 OK")
		case "QUIT":
			reply("221 2.0.0 Bye")
			return
		default:
			reply("502 5.5.2 command not recognized")
		}
	}
}

// readRawData reads a DATA payload up to the terminating "." line, undoing
// dot-stuffing but keeping line endings as sent so that bare LFs show.
func readRawData(r *bufio.Reader) ([]byte, error) {
	var out []byte
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		if line == ".\r\n" {
			return out, nil
		}
		out = append(out, strings.TrimPrefix(line, ".")...)
	}
}

func (f *fakeSMTP) wait(t *testing.T) received {
	t.Helper()
	select {
	case r := <-f.done:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("fake SMTP session did not finish")
		return received{}
	}
}

// testTLS returns a server and a client TLS configuration for 127.0.0.1,
// borrowed from an httptest TLS server.
func testTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	hs := httptest.NewUnstartedServer(http.NotFoundHandler())
	hs.StartTLS()
	t.Cleanup(hs.Close)
	roots := hs.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	return &tls.Config{Certificates: hs.TLS.Certificates, MinVersion: tls.VersionTLS12},
		&tls.Config{RootCAs: roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

func mailMessage() Message {
	return Message{
		ID:           42,
		ItemID:       7,
		TrackingCode: "RX20240101-0007",
		Channel:      ChannelMailbox,
		To:           "张三 <zhangsan@example.com>",
		Type:         TypeReply,
		Subject:      "关于您反映的小区噪音扰民问题的答复（受理编号 RX20240101-0007）——市民热线办公室",
		Body:         "张三您好：\n\n您反映的噪音问题已转交区城管局处理，现已办结。\n.以点开头的一行\n如有疑问请拨打 12345。\n" + strings.Repeat("谢谢！", 40),
	}
}

func TestSMTPSendUTF8(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode string
		auth bool
	}{
		{"clear text when configured", SMTPNoTLS, false},
		{"starttls+auth", SMTPStartTLS, true},
		{"starttls by default", "", false},
		{"implicit tls+auth", SMTPImplicitTLS, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeSMTP{offerAuth: tc.auth, implicit: tc.mode == SMTPImplicitTLS}
			var clientTLS *tls.Config
			wantTLS := tc.mode != SMTPNoTLS
			if wantTLS {
				fake.tlsConfig, clientTLS = testTLS(t)
			}
			host, port := startFakeSMTP(t, fake)
			cfg := SMTPConfig{Host: host, Port: port, From: "市民热线 <noreply@hotline.example.gov.cn>", TLS: tc.mode}
			if tc.auth {
				cfg.Username, cfg.Password = "bot", "pa55"
			}
			s := NewSMTP(cfg)
			s.TLSConfig = clientTLS
			fixed := time.Date(2024, 1, 2, 15, 4, 5, 0, time.FixedZone("CST", 8*3600))
			s.Now = func() time.Time { return fixed }
			if s.Name() != "smtp" {
				t.Fatalf("Name = %q", s.Name())
			}

			m := mailMessage()
			if err := s.Send(context.Background(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			rec := fake.wait(t)

			if rec.tls != wantTLS {
				t.Fatalf("TLS used = %v, want %v", rec.tls, wantTLS)
			}
			if tc.auth {
				if rec.auth != "\x00bot\x00pa55" {
					t.Fatalf("AUTH PLAIN = %q", rec.auth)
				}
			} else if rec.auth != "" {
				t.Fatal("authenticated without a username")
			}
			if !strings.HasPrefix(rec.from, "FROM:<noreply@hotline.example.gov.cn>") {
				t.Fatalf("MAIL %q", rec.from)
			}
			if len(rec.rcpt) != 1 || !strings.HasPrefix(rec.rcpt[0], "TO:<zhangsan@example.com>") {
				t.Fatalf("RCPT %q", rec.rcpt)
			}
			if last := rec.commands[len(rec.commands)-1]; last != "QUIT" {
				t.Fatalf("last command %q, want QUIT", last)
			}
			checkMail(t, rec.data, m, fixed)
		})
	}
}

// checkMail parses raw as an RFC 5322 message and checks its headers and
// body decode to the original message.
func checkMail(t *testing.T, raw []byte, m Message, date time.Time) {
	t.Helper()
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Fatalf("line %d is %d bytes long", i, len(line))
		}
	}
	if strings.Contains(strings.ReplaceAll(string(raw), "\r\n", ""), "\n") {
		t.Fatal("bare LF in message")
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("parse mail: %v\n%s", err, raw)
	}
	h := msg.Header
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Fatalf("Subject decodes to %q (%v), want %q\nraw: %q", subject, err, m.Subject, h.Get("Subject"))
	}
	if strings.ContainsFunc(h.Get("Subject"), func(r rune) bool { return r > 127 }) {
		t.Fatal("Subject is not RFC 2047 encoded")
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "张三" || to[0].Address != "zhangsan@example.com" {
		t.Fatalf("To = %v (%v)", to, err)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "市民热线" || from[0].Address != "noreply@hotline.example.gov.cn" {
		t.Fatalf("From = %v (%v)", from, err)
	}
	if d, err := h.Date(); err != nil || !d.Equal(date) {
		t.Fatalf("Date = %v (%v), want %v", d, err, date)
	}
	if id := h.Get("Message-ID"); !strings.HasPrefix(id, "<delivery-42.") || !strings.HasSuffix(id, "@hotline.example.gov.cn>") {
		t.Fatalf("Message-ID = %q", id)
	}
	if got := h.Get("MIME-Version"); got != "1.0" {
		t.Fatalf("MIME-Version = %q", got)
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "text/plain" || !strings.EqualFold(params["charset"], "utf-8") {
		t.Fatalf("Content-Type = %q", h.Get("Content-Type"))
	}
	if got := h.Get("Content-Transfer-Encoding"); !strings.EqualFold(got, "base64") {
		t.Fatalf("Content-Transfer-Encoding = %q", got)
	}
	rawBody, err := io.ReadAll(msg.Body)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(rawBody)))
	for sc.Scan() {
		if len(sc.Text()) > 76 {
			t.Fatalf("base64 line longer than 76: %d", len(sc.Text()))
		}
	}
	body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, strings.NewReader(string(rawBody))))
	if err != nil {
		t.Fatalf("decode body: %v", err)
	}
	if want := strings.ReplaceAll(m.Body, "\n", "\r\n"); string(body) != want {
		t.Fatalf("body = %q, want %q", body, want)
	}
}

func TestSMTPInvalidRecipientIsPermanent(t *testing.T) {
	// Nothing listens here: validation must fail before dialling.
	s := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: 1, From: "noreply@example.gov.cn"})
	for _, to := range []string{"", "13800001111", "not an address", "a@", "@example.com", "a@b.c\r\nBcc: x@y.z", "<a@b.c"} {
		m := mailMessage()
		m.To = to
		err := s.Send(context.Background(), m)
		if !IsPermanent(err) {
			t.Errorf("To %q: err = %v, want permanent", to, err)
		}
	}
}

func TestSMTPRecipientRejected(t *testing.T) {
	for _, tc := range []struct {
		reply     string
		permanent bool
	}{
		{"550 5.1.1 <zhangsan@example.com>: user unknown", true},
		{"451 4.3.0 try again later", false},
	} {
		t.Run(tc.reply[:3], func(t *testing.T) {
			fake := &fakeSMTP{rcptReply: tc.reply}
			host, port := startFakeSMTP(t, fake)
			err := NewSMTP(SMTPConfig{Host: host, Port: port, From: "noreply@example.gov.cn", TLS: SMTPNoTLS}).Send(context.Background(), mailMessage())
			if err == nil {
				t.Fatal("want error")
			}
			if IsPermanent(err) != tc.permanent {
				t.Fatalf("IsPermanent(%v) = %v, want %v", err, IsPermanent(err), tc.permanent)
			}
			if !strings.Contains(err.Error(), tc.reply[:3]) {
				t.Fatalf("error %q lacks the SMTP code", err)
			}
			fake.wait(t)
		})
	}
}

// TestSMTPRefusesClearText: STARTTLS is required unless configured
// otherwise; a server that does not offer it gets no message and no
// credentials.
func TestSMTPRefusesClearText(t *testing.T) {
	fake := &fakeSMTP{offerAuth: true}
	host, port := startFakeSMTP(t, fake)
	s := NewSMTP(SMTPConfig{Host: host, Port: port, From: "noreply@example.gov.cn", Username: "bot", Password: "pa55"})
	err := s.Send(context.Background(), mailMessage())
	if !errors.Is(err, ErrNoStartTLS) {
		t.Fatalf("err = %v, want ErrNoStartTLS", err)
	}
	rec := fake.wait(t)
	if rec.auth != "" || rec.from != "" || rec.data != nil {
		t.Errorf("sent in clear: auth %q, MAIL %q, %d bytes of data", rec.auth, rec.from, len(rec.data))
	}
}

func TestSMTPContextCancel(t *testing.T) {
	fake := &fakeSMTP{noGreeting: true}
	host, port := startFakeSMTP(t, fake)
	s := NewSMTP(SMTPConfig{Host: host, Port: port, From: "noreply@example.gov.cn"})
	ctx, cancel := context.WithCancel(context.Background())
	s.Timeout = time.Hour // only the cancellation can end the wait for a greeting
	time.AfterFunc(100*time.Millisecond, cancel)
	err := s.Send(ctx, mailMessage())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	fake.wait(t)
}

func TestSMTPTimeout(t *testing.T) {
	fake := &fakeSMTP{noGreeting: true}
	host, port := startFakeSMTP(t, fake)
	s := NewSMTP(SMTPConfig{Host: host, Port: port, From: "noreply@example.gov.cn"})
	s.Timeout = 100 * time.Millisecond
	if err := s.Send(context.Background(), mailMessage()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	fake.wait(t)
}

func TestEncodeHeaderNoInjection(t *testing.T) {
	enc := encodeHeader("hello\r\nBcc: victim@example.com")
	for _, line := range strings.Split(enc, "\r\n")[1:] {
		if !strings.HasPrefix(line, " ") {
			t.Fatalf("unfolded continuation line %q", line)
		}
	}
	if strings.Contains(enc, "\nBcc") {
		t.Fatalf("header injection: %q", enc)
	}
	var dec mime.WordDecoder
	if got, err := dec.DecodeHeader(strings.ReplaceAll(enc, "\r\n", "")); err != nil || got != "hello\r\nBcc: victim@example.com" {
		t.Fatalf("round trip = %q, %v", got, err)
	}
}
