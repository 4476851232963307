// Package config reads Hotline's settings from the environment, in one place.
package config

import (
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"hotline/clientip"
	"hotline/delivery"
)

// Config is every setting of the service, each read from one HOTLINE_*
// variable with its default below; the README lists them.
type Config struct {
	DatabaseURL   string
	RedisURL      string
	HTTPAddr      string
	AdminUsername string
	AdminPassword string
	// WebhookSecret is the HMAC key of inbound microblog webhooks.
	WebhookSecret string
	// DeliverySecret is the HMAC key of outbound deliveries; never the same
	// key as WebhookSecret.
	DeliverySecret  string
	PlatformAPIKey  string
	TimeZone        string
	Location        *time.Location
	PublicRateLimit int
	DeliveryURL     string
	WorkingHours    string
	SMTP            SMTP
	// SessionTTL is how long a login token lives.
	SessionTTL time.Duration
	// SessionIdle ends a session unused for this long.
	SessionIdle time.Duration
	// MaxSessions is how many live sessions one account keeps.
	MaxSessions int
	// HashConcurrency bounds the password hashes computed at once.
	HashConcurrency int
	// RatingLinkTTL is how long a rating link may be used.
	RatingLinkTTL time.Duration
	// RatingWindow is how long an answered item waits for a rating before
	// it closes by itself.
	RatingWindow time.Duration
	// PublicBaseURL prefixes links sent to citizens (rating links).
	PublicBaseURL string
	// TrustedProxies are the addresses or CIDR ranges of the proxies whose
	// X-Forwarded-For entries are believed (see package clientip).
	TrustedProxies []string
	// CORSOrigins are the portal origins allowed to call the public endpoints.
	CORSOrigins []string
	// WorkerConcurrency is the number of tasks a worker runs at once.
	WorkerConcurrency int
	// ReconcileInterval is how often the worker looks for work whose task was lost.
	ReconcileInterval time.Duration
	// RetentionYears, when positive, anonymises citizens of items closed longer ago.
	RetentionYears int
	// DeliveryMaxRetry is how often a delivery is retried before it is marked failed.
	DeliveryMaxRetry int
	// RetryBase is the first retry delay of a task; it doubles up to RetryMax.
	RetryBase, RetryMax time.Duration
	// SweepInterval is how often the deadline sweep runs.
	SweepInterval time.Duration
	// DeliveryTimeout bounds one attempt to send a message.
	DeliveryTimeout time.Duration
	// LogLevel is the least severe level logged (HOTLINE_LOG_LEVEL: debug,
	// info, warn or error).
	LogLevel slog.Level
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	// DeliveryConcurrency is the number of messages a worker sends at once,
	// apart from its other tasks.
	DeliveryConcurrency int
	// RequestTimeout bounds the work of one HTTP request; a request that
	// waits longer on a dependency answers 503.
	RequestTimeout time.Duration
}

// LogLevel reads HOTLINE_LOG_LEVEL (default info). The logger is built
// before the rest of the configuration is read, so it reads this alone;
// Load reports a bad value with the other settings.
func LogLevel(getenv func(string) string) (slog.Level, error) {
	v := strings.TrimSpace(getenv("HOTLINE_LOG_LEVEL"))
	if v == "" {
		return slog.LevelInfo, nil
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		return slog.LevelInfo, fmt.Errorf("HOTLINE_LOG_LEVEL: want debug, info, warn or error, got %q", v)
	}
	return l, nil
}

// SMTP are the settings of the mail adapter (HOTLINE_SMTP_*).
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	// TLS is how the connection is protected (HOTLINE_SMTP_TLS): starttls
	// (the default: refuse to send when the server does not offer it), tls
	// (from the first byte, port 465) or none (clear text, only for a relay
	// on a trusted network); see delivery.SMTPConfig.
	TLS string
}

// MinSecretBytes is the shortest HMAC key accepted (256 bits).
const MinSecretBytes = 32

// FromEnv reads the configuration from the process environment.
func FromEnv() (Config, error) { return Load(os.Getenv) }

// Load reads the configuration through getenv, so tests can pass their own.
func Load(getenv func(string) string) (Config, error) {
	str := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	var errs []string
	integer := func(key string, def int) int {
		v := strings.TrimSpace(getenv(key))
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, fmt.Sprintf("%s: want a whole number >= 0, got %q", key, v))
			return def
		}
		return n
	}
	duration := func(key string, def time.Duration) time.Duration {
		v := strings.TrimSpace(getenv(key))
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Sprintf("%s: want a positive duration like 12h, got %q", key, v))
			return def
		}
		return d
	}
	list := func(key string) []string {
		var out []string
		for _, p := range strings.Split(getenv(key), ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	c := Config{
		DatabaseURL:       str("HOTLINE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline?sslmode=disable"),
		RedisURL:          str("HOTLINE_REDIS_URL", "redis://127.0.0.1:6379/0"),
		HTTPAddr:          str("HOTLINE_HTTP_ADDR", ":8080"),
		AdminUsername:     str("HOTLINE_ADMIN_USERNAME", "admin"),
		AdminPassword:     getenv("HOTLINE_ADMIN_PASSWORD"),
		WebhookSecret:     getenv("HOTLINE_WEBHOOK_SECRET"),
		DeliverySecret:    getenv("HOTLINE_DELIVERY_SECRET"),
		PlatformAPIKey:    getenv("HOTLINE_PLATFORM_API_KEY"),
		TimeZone:          str("HOTLINE_TIMEZONE", "Asia/Shanghai"),
		PublicRateLimit:   integer("HOTLINE_PUBLIC_RATE_LIMIT", 30),
		DeliveryURL:       str("HOTLINE_DELIVERY_URL", ""),
		WorkingHours:      str("HOTLINE_WORKING_HOURS", "09:00-12:00,13:30-17:30"),
		SessionTTL:        duration("HOTLINE_SESSION_TTL", 12*time.Hour),
		SessionIdle:       duration("HOTLINE_SESSION_IDLE", 30*time.Minute),
		MaxSessions:       integer("HOTLINE_MAX_SESSIONS", 10),
		HashConcurrency:   max(2, runtime.NumCPU()),
		RatingLinkTTL:     duration("HOTLINE_RATING_LINK_TTL", 15*24*time.Hour),
		RatingWindow:      duration("HOTLINE_RATING_WINDOW", 15*24*time.Hour),
		PublicBaseURL:     strings.TrimRight(str("HOTLINE_PUBLIC_BASE_URL", "http://localhost:8080"), "/"),
		TrustedProxies:    list("HOTLINE_TRUSTED_PROXIES"),
		CORSOrigins:       list("HOTLINE_CORS_ORIGINS"),
		WorkerConcurrency: integer("HOTLINE_WORKER_CONCURRENCY", 20),
		ReconcileInterval: duration("HOTLINE_RECONCILE_INTERVAL", 2*time.Second),
		RetentionYears:    integer("HOTLINE_RETENTION_YEARS", 0),
		DeliveryMaxRetry:  integer("HOTLINE_DELIVERY_MAX_RETRY", 10),
		RetryBase:         duration("HOTLINE_RETRY_BASE", 2*time.Second),
		RetryMax:          duration("HOTLINE_RETRY_MAX", 5*time.Minute),
		SweepInterval:     duration("HOTLINE_SWEEP_INTERVAL", 10*time.Second),
		DeliveryTimeout:   duration("HOTLINE_DELIVERY_TIMEOUT", 30*time.Second),
		MetricsToken:      getenv("HOTLINE_METRICS_TOKEN"),

		// limits on work in flight
		DeliveryConcurrency: integer("HOTLINE_DELIVERY_CONCURRENCY", 10),
		RequestTimeout:      duration("HOTLINE_REQUEST_TIMEOUT", 10*time.Second),

		SMTP: SMTP{
			Host:     str("HOTLINE_SMTP_HOST", ""),
			Port:     integer("HOTLINE_SMTP_PORT", 587),
			Username: getenv("HOTLINE_SMTP_USERNAME"),
			Password: getenv("HOTLINE_SMTP_PASSWORD"),
			From:     str("HOTLINE_SMTP_FROM", ""),
			TLS:      strings.ToLower(str("HOTLINE_SMTP_TLS", delivery.SMTPStartTLS)),
		},
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		errs = append(errs, fmt.Sprintf("HOTLINE_TIMEZONE: unknown zone %q", c.TimeZone))
		loc = time.UTC
	}
	c.Location = loc
	if c.LogLevel, err = LogLevel(getenv); err != nil {
		errs = append(errs, err.Error())
	}
	if _, err := clientip.New(c.TrustedProxies); err != nil {
		errs = append(errs, "HOTLINE_TRUSTED_PROXIES: "+err.Error())
	}
	if c.WorkerConcurrency == 0 {
		c.WorkerConcurrency = 1
	}
	if c.DeliveryConcurrency == 0 {
		c.DeliveryConcurrency = 1
	}
	if c.SMTP.Host != "" && c.SMTP.From == "" {
		errs = append(errs, "HOTLINE_SMTP_FROM: required when HOTLINE_SMTP_HOST is set")
	}
	errs = append(errs, checkSecrets(c)...)
	switch c.SMTP.TLS {
	case delivery.SMTPStartTLS, delivery.SMTPImplicitTLS, delivery.SMTPNoTLS:
	default:
		errs = append(errs, fmt.Sprintf("HOTLINE_SMTP_TLS: one of starttls, tls, none; got %q", c.SMTP.TLS))
	}
	if c.MaxSessions == 0 {
		errs = append(errs, "HOTLINE_MAX_SESSIONS: at least 1")
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// checkSecrets refuses HMAC keys shorter than MinSecretBytes, an outbound
// delivery without its own key, and one key used both ways.
func checkSecrets(c Config) []string {
	var errs []string
	short := func(key, v string) {
		if v != "" && len(v) < MinSecretBytes {
			errs = append(errs, fmt.Sprintf("%s: at least %d bytes (it has %d); generate one with `openssl rand -hex 32`",
				key, MinSecretBytes, len(v)))
		}
	}
	short("HOTLINE_WEBHOOK_SECRET", c.WebhookSecret)
	short("HOTLINE_DELIVERY_SECRET", c.DeliverySecret)
	if c.DeliveryURL != "" && c.DeliverySecret == "" {
		errs = append(errs, "HOTLINE_DELIVERY_SECRET: required when HOTLINE_DELIVERY_URL is set "+
			"(outbound deliveries were signed with HOTLINE_WEBHOOK_SECRET before; give them a key of their own)")
	}
	if c.DeliverySecret != "" && c.DeliverySecret == c.WebhookSecret {
		errs = append(errs, "HOTLINE_DELIVERY_SECRET: must differ from HOTLINE_WEBHOOK_SECRET")
	}
	return errs
}
