// Command hotline is the whole service in one binary:
//
//	hotline all            API and worker in one process (migrates first; the default)
//	hotline serve          the HTTP API
//	hotline worker         the task worker, reconciler and sweeps
//	hotline migrate        apply database migrations
//	hotline stats verify   recompute the statistics from raw rows and report differences
//	hotline stats rebuild  recompute every statistics roll-up from scratch
//	hotline demo-data      load synthetic history (see -h)
//	hotline load           drive mixed traffic against a running server (see -h)
//
// Configuration comes from the environment (HOTLINE_*, see README.md).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Shanghai even on machines without tzdata

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"hotline/calendar"
	"hotline/config"
	"hotline/core"
	"hotline/delivery"
	"hotline/handlers"
	"hotline/privacy"
	"hotline/queue"
	"hotline/repo"
)

func main() {
	cmd := "all"
	args := os.Args[1:]
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := newLogger()
	redis.SetLogger(queue.RedisLogger{Log: log})
	var err error
	switch cmd {
	case "all", "serve", "worker":
		err = run(ctx, log, cmd)
	case "migrate":
		err = migrate(ctx, log)
	case "stats":
		err = statsCmd(ctx, log, args)
	case "demo-data":
		err = demoData(ctx, log, args)
	case "load":
		err = loadCmd(ctx, log, args)
	case "help", "-h", "--help":
		fmt.Println(usage)
		return
	default:
		err = fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
	}
	if err != nil {
		log.Error("hotline: "+cmd, "err", err)
		os.Exit(1)
	}
}

const usage = `usage: hotline [all|serve|worker|migrate|stats verify|stats rebuild|demo-data|load]

  all            API and worker in one process, after migrating (default)
  serve          the HTTP API only
  worker         the task worker, reconciler and sweeps only
  migrate        apply database migrations and exit
  stats verify   recompute the statistics from raw rows; exit 1 on any difference
  stats rebuild  recompute every statistics roll-up from scratch
  demo-data      load synthetic history: -items N (see -h)
  load           drive mixed traffic against a running server (see -h)`

// newLogger logs JSON to stderr through the masking handler, so that no
// phone number, e-mail or ID number reaches a log line.
func newLogger() *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("HOTLINE_LOG_LEVEL") == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(privacy.NewHandler(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
}

// services are the connections every command shares.
type services struct {
	cfg    config.Config
	store  *repo.Store
	rdb    redis.UniversalClient
	client *queue.Client
	core   *core.Core
}

func open(ctx context.Context, log *slog.Logger, maxConns int) (*services, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, err
	}
	store, err := repo.Open(ctx, cfg.DatabaseURL, maxConns)
	if err != nil {
		return nil, err
	}
	ropt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("HOTLINE_REDIS_URL: %w", err)
	}
	// fail fast while Redis is down: nothing that waits on it is on a
	// request's path, and the reconciler catches up afterwards
	ropt.DialTimeout, ropt.ReadTimeout, ropt.WriteTimeout, ropt.PoolTimeout = time.Second, 2*time.Second, 2*time.Second, 2*time.Second
	ropt.MaxRetries = 1
	rdb := redis.NewClient(ropt)
	windows, err := calendar.ParseWindows(cfg.WorkingHours)
	if err != nil {
		return nil, fmt.Errorf("HOTLINE_WORKING_HOURS: %w", err)
	}
	client := queue.NewClient(rdb, log)
	c := core.New(store, client, coreSettings(cfg, windows), log)
	return &services{cfg: cfg, store: store, rdb: rdb, client: client, core: c}, nil
}

// coreSettings are the parts of the configuration core uses.
func coreSettings(cfg config.Config, windows []calendar.Window) core.Settings {
	return core.Settings{Location: cfg.Location, Windows: windows, SessionTTL: cfg.SessionTTL,
		RatingLinkTTL: cfg.RatingLinkTTL, PublicBaseURL: cfg.PublicBaseURL, RetentionYears: cfg.RetentionYears,
		VisitWindow: cfg.RatingWindow, DeliveryTimeout: cfg.DeliveryTimeout, DeliveryMaxRetry: cfg.DeliveryMaxRetry, RetryBase: cfg.RetryBase}
}

func (s *services) close() {
	s.client.Close()
	_ = s.rdb.Close()
	_ = s.store.Close()
}

func sender(cfg config.Config, log *slog.Logger) delivery.Sender {
	r := delivery.Router{Fallback: delivery.NewLog(log)}
	if cfg.DeliveryURL != "" {
		r.Webhook = delivery.NewWebhook(cfg.DeliveryURL, []byte(cfg.WebhookSecret), &http.Client{Timeout: cfg.DeliveryTimeout})
	}
	if cfg.SMTP.Host != "" {
		r.Mail = delivery.NewSMTP(delivery.SMTPConfig{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port,
			Username: cfg.SMTP.Username, Password: cfg.SMTP.Password, From: cfg.SMTP.From})
	}
	return r
}

func migrate(ctx context.Context, log *slog.Logger) error {
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
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

// run starts the API, the worker, or both, and stops them on SIGTERM:
// requests in flight finish, tasks in flight get the worker's shutdown
// timeout and are otherwise put back in the queue by asynq.
func run(ctx context.Context, log *slog.Logger, mode string) error {
	conns := 40
	if mode == "worker" {
		conns = 25
	}
	if mode == "all" {
		if err := migrate(ctx, log); err != nil {
			return err
		}
	}
	s, err := open(ctx, log, conns)
	if err != nil {
		return err
	}
	defer s.close()
	if mode != "worker" {
		created, pw, err := s.core.EnsureAdmin(ctx, s.cfg.AdminUsername, s.cfg.AdminPassword)
		if err != nil {
			return err
		}
		if created {
			if pw == "" {
				pw = "(the value of HOTLINE_ADMIN_PASSWORD)"
			}
			// printed once, to stdout, not to the log
			fmt.Printf("\n  First admin created.\n  username: %s\n  password: %s\n\n", s.cfg.AdminUsername, pw)
		}
	}
	errc := make(chan error, 2)
	running := 0
	if mode != "serve" {
		w := queue.NewWorker(s.core, s.client, s.rdb, sender(s.cfg, log), workerConfig(s.cfg), log)
		running++
		go func() { errc <- w.Run(ctx) }()
	}
	if mode != "worker" {
		inspector := asynq.NewInspectorFromRedisClient(s.rdb)
		app := handlers.New(handlers.Deps{Core: s.core, Config: s.cfg, Redis: s.rdb, Inspector: inspector, Log: log})
		running++
		go func() {
			log.Info("listening", "addr", s.cfg.HTTPAddr)
			if err := app.Listen(s.cfg.HTTPAddr); err != nil {
				errc <- fmt.Errorf("http: %w", err)
				return
			}
			errc <- nil
		}()
		go func() {
			<-ctx.Done()
			if err := app.ShutdownWithTimeout(20 * time.Second); err != nil {
				log.Warn("http shutdown", "err", err)
			}
		}()
	}
	var first error
	for range running {
		if err := <-errc; err != nil && first == nil {
			first = err
			stopOthers(ctx)
		}
	}
	if first != nil && !errors.Is(first, context.Canceled) {
		return first
	}
	log.Info("stopped")
	return nil
}

// stopOthers asks the process to stop when one half failed.
func stopOthers(context.Context) {
	p, _ := os.FindProcess(os.Getpid())
	_ = p.Signal(syscall.SIGTERM)
}

func workerConfig(cfg config.Config) queue.WorkerConfig {
	return queue.WorkerConfig{Concurrency: cfg.WorkerConcurrency, ReconcileInterval: cfg.ReconcileInterval,
		RetryBase: cfg.RetryBase, SweepInterval: cfg.SweepInterval}
}
