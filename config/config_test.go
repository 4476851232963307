package config

import (
	"log/slog"
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
