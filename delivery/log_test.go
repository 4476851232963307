package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestLogDoesNotLeak(t *testing.T) {
	for _, tc := range []struct {
		name, to, masked string
	}{
		{"phone", "13812345678", "138****5678"},
		{"email", "zhangsan@example.com", "z***@example.com"},
	} {
		for _, format := range []string{"text", "json"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				var h slog.Handler = slog.NewTextHandler(&buf, nil)
				if format == "json" {
					h = slog.NewJSONHandler(&buf, nil)
				}
				l := NewLog(slog.New(h))
				if l.Name() != "log" {
					t.Fatalf("Name = %q", l.Name())
				}
				m := Message{
					ID: 42, ItemID: 7, TrackingCode: "RX20240101-0007", Channel: ChannelHotline,
					To: tc.to, Type: TypeReply, Subject: "答复", Body: "您的身份证号 110101199001011234 已登记",
				}
				if err := l.Send(context.Background(), m); err != nil {
					t.Fatal(err)
				}
				out := buf.String()
				for _, secret := range []string{tc.to, m.Body, "110101199001011234", "zhangsan", "12345678"} {
					if strings.Contains(out, secret) {
						t.Fatalf("log output leaks %q: %s", secret, out)
					}
				}
				for _, want := range []string{tc.masked, "42", "7", "hotline", "reply", "INFO"} {
					if !strings.Contains(out, want) {
						t.Fatalf("log output lacks %q: %s", want, out)
					}
				}
				if format == "json" {
					var rec map[string]any
					if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
						t.Fatal(err)
					}
					for _, k := range []string{"id", "item_id", "channel", "type", "to"} {
						if _, ok := rec[k]; !ok {
							t.Fatalf("missing attribute %q in %s", k, out)
						}
					}
					if rec["to"] != tc.masked {
						t.Fatalf("to = %v, want %q", rec["to"], tc.masked)
					}
				}
			})
		}
	}
}

func TestLogCancelled(t *testing.T) {
	var buf bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := NewLog(slog.New(slog.NewTextHandler(&buf, nil))).Send(ctx, Message{ID: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if buf.Len() != 0 {
		t.Fatal("logged despite cancelled context")
	}
}

func TestMaskRecipient(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"13812345678", "138****5678"},
		{"+8613812345678", "+86*******5678"},
		{"12345", "***"},
		{"1234567", "***"},
		{"12345678", "123*5678"},
		{"a@example.com", "a***@example.com"},
		{"zhangsan@example.com", "z***@example.com"},
		{"@example.com", "***@example.com"},
		{"张三丰@例子.中国", "张***@例子.中国"},
		{"weibo_user_998877", "wei**********8877"},
		{"微博用户名很长很长的", "微博用***长很长的"},
	} {
		if got := MaskRecipient(tc.in); got != tc.want {
			t.Errorf("MaskRecipient(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
