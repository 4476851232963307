// Package app wires Hotline together from its configuration: the database,
// Redis, the queue client, the core, the delivery adapters, the worker and
// the HTTP API. The binary and the test harness both build through it, so
// tests run what production runs.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"hotline/calendar"
	"hotline/config"
	"hotline/core"
	"hotline/delivery"
	"hotline/handlers"
	"hotline/queue"
	"hotline/repo"
	"hotline/web"
)

// App is a connected Hotline.
type App struct {
	Config config.Config
	Log    *slog.Logger
	Store  *repo.Store
	Redis  redis.UniversalClient
	Client *queue.Client
	Core   *core.Core
}

// RedisOptions parses a Redis URL and sets timeouts that fail fast while
// Redis is down: nothing that waits on it is on a request's path, and the
// reconciler catches up afterwards.
func RedisOptions(url string) (*redis.Options, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("HOTLINE_REDIS_URL: %w", err)
	}
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.PoolTimeout = time.Second, 2*time.Second, 2*time.Second, 2*time.Second
	o.MaxRetries = 1
	return o, nil
}

// Open connects to Postgres (maxConns at most) and Redis and builds the core.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, maxConns int) (*App, error) {
	windows, err := calendar.ParseWindows(cfg.WorkingHours)
	if err != nil {
		return nil, fmt.Errorf("HOTLINE_WORKING_HOURS: %w", err)
	}
	ropt, err := RedisOptions(cfg.RedisURL)
	if err != nil {
		return nil, err
	}
	store, err := repo.Open(ctx, cfg.DatabaseURL, maxConns)
	if err != nil {
		return nil, err
	}
	rdb := redis.NewClient(ropt)
	client := queue.NewClient(rdb, log)
	c := core.New(store, client, core.Settings{Location: cfg.Location, Windows: windows, SessionTTL: cfg.SessionTTL,
		SessionIdle: cfg.SessionIdle, MaxSessions: cfg.MaxSessions, HashConcurrency: cfg.HashConcurrency,
		RatingLinkTTL: cfg.RatingLinkTTL, PublicBaseURL: cfg.PublicBaseURL, RetentionYears: cfg.RetentionYears,
		RatingWindow: cfg.RatingWindow, DeliveryTimeout: cfg.DeliveryTimeout, DeliveryMaxRetry: cfg.DeliveryMaxRetry,
		RetryBase: cfg.RetryBase, RetryMax: cfg.RetryMax}, log)
	return &App{Config: cfg, Log: log, Store: store, Redis: rdb, Client: client, Core: c}, nil
}

// Close stops queueing and closes the connections.
func (a *App) Close() {
	a.Client.Close()
	_ = a.Redis.Close()
	_ = a.Store.Close()
}

// Migrate creates the configured database when it is missing and applies
// every pending migration.
func Migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if created, err := repo.EnsureDatabase(ctx, cfg.DatabaseURL); err != nil {
		return err
	} else if created {
		log.Info("database created")
	}
	store, err := repo.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	log.Info("database migrated")
	return nil
}

// Sender is the delivery adapters the configuration asks for: the signed
// webhook (HOTLINE_DELIVERY_URL), SMTP for letters with an address, and the
// log for everything else.
func (a *App) Sender() delivery.Sender {
	cfg := a.Config
	r := delivery.Router{Fallback: delivery.NewLog(a.Log)}
	if cfg.DeliveryURL != "" {
		r.Webhook = delivery.NewWebhook(cfg.DeliveryURL, []byte(cfg.DeliverySecret), &http.Client{Timeout: cfg.DeliveryTimeout})
	}
	if cfg.SMTP.Host != "" {
		r.Mail = delivery.NewSMTP(delivery.SMTPConfig{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port,
			Username: cfg.SMTP.Username, Password: cfg.SMTP.Password, From: cfg.SMTP.From, TLS: cfg.SMTP.TLS})
	}
	return r
}

// Worker builds the task worker sending through sender (nil: Sender()).
func (a *App) Worker(sender delivery.Sender) *queue.Worker {
	if sender == nil {
		sender = a.Sender()
	}
	cfg := a.Config
	return queue.NewWorker(a.Core, a.Client, a.Redis, sender, queue.WorkerConfig{Concurrency: cfg.WorkerConcurrency,
		DeliveryConcurrency: cfg.DeliveryConcurrency,
		ReconcileInterval:   cfg.ReconcileInterval, RetryBase: cfg.RetryBase, RetryMax: cfg.RetryMax,
		SweepInterval: cfg.SweepInterval}, a.Log)
}

// API builds the HTTP application: the JSON API and the console's pages.
func (a *App) API() *fiber.App {
	// one public rate limit per address, for the API and the portal's pages
	limiter := handlers.NewRateLimiter(a.Redis, a.Config.PublicRateLimit, time.Minute, a.Log)
	pages := web.New(web.Deps{Core: a.Core, Config: a.Config, Log: a.Log, Limiter: limiter})
	return handlers.New(handlers.Deps{Core: a.Core, Store: a.Store, Config: a.Config, Redis: a.Redis,
		Inspector: asynq.NewInspectorFromRedisClient(a.Redis), Log: a.Log, Mount: pages.Mount, Limiter: limiter})
}
