package config

import (
	"bytes"
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
