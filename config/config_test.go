package config

import (
	"bytes"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.PublicRateLimit != 30 || c.Location.String() != "Asia/Shanghai" ||
		c.RedisURL != "redis://127.0.0.1:6379/0" || c.RatingLinkTTL != 15*24*time.Hour || c.WebhookSecret != "" {
		t.Errorf("defaults %+v", c)
	}
	c, err = Load(env(map[string]string{"HOTLINE_PUBLIC_RATE_LIMIT": "0", "HOTLINE_SESSION_TTL": "1h",
		"HOTLINE_CORS_ORIGINS": " https://a.gov.cn , https://b.gov.cn ", "HOTLINE_TIMEZONE": "UTC"}))
	if err != nil || c.PublicRateLimit != 0 || c.SessionTTL != time.Hour || len(c.CORSOrigins) != 2 || c.Location.String() != "UTC" {
		t.Errorf("overrides %+v %v", c, err)
	}
	_, err = Load(env(map[string]string{"HOTLINE_PUBLIC_RATE_LIMIT": "many", "HOTLINE_SESSION_TTL": "-1h",
		"HOTLINE_TIMEZONE": "Mars/Base", "HOTLINE_SMTP_HOST": "mail"}))
	for _, name := range []string{"HOTLINE_PUBLIC_RATE_LIMIT", "HOTLINE_SESSION_TTL", "HOTLINE_TIMEZONE", "HOTLINE_SMTP_FROM"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error %v does not name %s", err, name)
		}
	}
}

func TestLogLevel(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want slog.Level
		ok   bool
	}{{"", slog.LevelInfo, true}, {"debug", slog.LevelDebug, true}, {"WARN", slog.LevelWarn, true}, {"error", slog.LevelError, true}, {"loud", slog.LevelInfo, false}} {
		c, err := Load(func(k string) string {
			if k == "HOTLINE_LOG_LEVEL" {
				return tc.in
			}
			return ""
		})
		if (err == nil) != tc.ok || c.LogLevel != tc.want {
			t.Errorf("HOTLINE_LOG_LEVEL=%q: level %v, err %v; want %v, ok %v", tc.in, c.LogLevel, err, tc.want, tc.ok)
		}
	}
}

// TestSecretsAndTLS: HMAC keys have a minimum length, outbound deliveries
// have their own key, and SMTP needs TLS unless told otherwise.
func TestSecretsAndTLS(t *testing.T) {
	long := strings.Repeat("k", MinSecretBytes)
	other := strings.Repeat("d", MinSecretBytes)
	cases := []struct {
		env  map[string]string
		fail string // the variable the error names; "" for none
	}{
		{map[string]string{"HOTLINE_WEBHOOK_SECRET": "webhook-secret"}, "HOTLINE_WEBHOOK_SECRET"},
		{map[string]string{"HOTLINE_WEBHOOK_SECRET": long}, ""},
		{map[string]string{"HOTLINE_DELIVERY_URL": "https://sms.example/send", "HOTLINE_WEBHOOK_SECRET": long}, "HOTLINE_DELIVERY_SECRET"},
		{map[string]string{"HOTLINE_DELIVERY_URL": "https://sms.example/send", "HOTLINE_DELIVERY_SECRET": "short"}, "HOTLINE_DELIVERY_SECRET"},
		{map[string]string{"HOTLINE_DELIVERY_URL": "https://sms.example/send", "HOTLINE_DELIVERY_SECRET": long, "HOTLINE_WEBHOOK_SECRET": long}, "HOTLINE_DELIVERY_SECRET"},
		{map[string]string{"HOTLINE_DELIVERY_URL": "https://sms.example/send", "HOTLINE_DELIVERY_SECRET": other, "HOTLINE_WEBHOOK_SECRET": long}, ""},
		{map[string]string{"HOTLINE_SMTP_TLS": "maybe"}, "HOTLINE_SMTP_TLS"},
		{map[string]string{"HOTLINE_SMTP_TLS": "NONE"}, ""},
		{map[string]string{"HOTLINE_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"}, "HOTLINE_TRUSTED_PROXIES"},
		{map[string]string{"HOTLINE_MAX_SESSIONS": "0"}, "HOTLINE_MAX_SESSIONS"},
		{map[string]string{"HOTLINE_SESSION_IDLE": "never"}, "HOTLINE_SESSION_IDLE"},
	}
	for _, c := range cases {
		_, err := Load(func(k string) string { return c.env[k] })
		switch {
		case c.fail == "" && err != nil:
			t.Errorf("%v: %v", c.env, err)
		case c.fail != "" && (err == nil || !strings.Contains(err.Error(), c.fail)):
			t.Errorf("%v: error %v does not name %s", c.env, err, c.fail)
		}
	}
	c, err := Load(func(string) string { return "" })
	if err != nil || c.SMTP.TLS != "starttls" || c.SessionIdle != 30*time.Minute || c.MaxSessions != 10 {
		t.Errorf("defaults: TLS %q, idle %s, max sessions %d (%v)", c.SMTP.TLS, c.SessionIdle, c.MaxSessions, err)
	}
}

// TestEverySettingReachesDockerAndREADME: each HOTLINE_* variable the service
// reads is passed to the containers by docker-compose.yml and documented in
// README.md's Configuration table.
func TestEverySettingReachesDockerAndREADME(t *testing.T) {
	var src []byte
	for _, f := range []string{"config.go", "../cmd/hotline/main.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, b...)
	}
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`"(HOTLINE_[A-Z0-9_]+)"`).FindAllSubmatch(src, -1) {
		names[string(m[1])] = true
	}
	if len(names) < 30 {
		t.Fatalf("found only %d settings: %v", len(names), names)
	}
	compose, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for name := range names {
		pass := regexp.MustCompile(`(?m)^\s+` + name + `: \$\{` + name + `:-[^}]*\}\s*$`)
		if !pass.Match(compose) {
			t.Errorf("docker-compose.yml does not pass %s through (want `%s: ${%s:-default}` under environment)", name, name, name)
		}
		if !bytes.Contains(readme, []byte("`"+name+"`")) {
			t.Errorf("README.md's Configuration table does not name `%s`", name)
		}
	}
}
