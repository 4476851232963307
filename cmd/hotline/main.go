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
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Shanghai even on machines without tzdata

	"github.com/redis/go-redis/v9"

	"hotline/app"
	"hotline/config"
	"hotline/privacy"
	"hotline/queue"
)

func main() {
	cmd, args := command(os.Args[1:])
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := newLogger()
	redis.SetLogger(queue.RedisLogger{Log: log})
	var err error
	switch cmd {
	case "all", "serve", "worker", "migrate":
		switch {
		case len(args) > 0:
			err = fmt.Errorf("%s takes no arguments, got %q\n\n%s", cmd, args, usage)
		case cmd == "migrate":
			err = migrate(ctx, log)
		default:
			err = run(ctx, log, cmd)
		}
	case "stats":
		err = statsCmd(ctx, log, args)
	case "demo-data":
		err = demoData(ctx, log, args)
	case "load":
		err = loadCmd(ctx, log, args)
	case "help":
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

// command splits the arguments into the subcommand and its own arguments.
// No argument means "all". -h, --help or help, first or after a subcommand
// that takes no arguments, mean "help": asking for help never starts the
// server.
func command(args []string) (string, []string) {
	if len(args) == 0 {
		return "all", nil
	}
	cmd, rest := args[0], args[1:]
	if isHelp(cmd) {
		return "help", nil
	}
	if takesNoArguments(cmd) && slices.ContainsFunc(rest, isHelp) {
		return "help", nil
	}
	return cmd, rest
}

func isHelp(arg string) bool {
	switch arg {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

func takesNoArguments(cmd string) bool {
	switch cmd {
	case "all", "serve", "worker", "migrate":
		return true
	}
	return false
}

const usage = `usage: hotline [all|serve|worker|migrate|stats verify|stats rebuild|demo-data|load|help]

  all            API and worker in one process, after migrating (default)
  serve          the HTTP API only
  worker         the task worker, reconciler and sweeps only
  migrate        apply database migrations and exit
  stats verify   recompute the statistics from raw rows; exit 1 on any difference
  stats rebuild  recompute every statistics roll-up from scratch
  demo-data      load synthetic history: -items N (see -h)
  load           drive mixed traffic against a running server (see -h)
  help           this text (also -h, --help)

Settings come from HOTLINE_* environment variables (see README.md).`

// newLogger logs JSON to stderr through the masking handler, so that no
// phone number, e-mail or ID number reaches a log line.
func newLogger() *slog.Logger {
	level, _ := config.LogLevel(os.Getenv) // a bad value is reported by config.FromEnv
	return slog.New(privacy.NewHandler(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
}

// open reads the configuration and connects.
func open(ctx context.Context, log *slog.Logger, maxConns int) (*app.App, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, cfg, log, maxConns)
}

func migrate(ctx context.Context, log *slog.Logger) error {
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	return app.Migrate(ctx, cfg, log)
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
	defer s.Close()
	if mode != "worker" {
		created, pw, err := s.Core.EnsureAdmin(ctx, s.Config.AdminUsername, s.Config.AdminPassword)
		if err != nil {
			return err
		}
		if created {
			announceAdmin(os.Stdout, log, s.Config.AdminUsername, pw)
		}
	}
	// in-memory copies of sessions, rules and the like, kept exact by the
	// database's announcements of changes
	go s.Core.WatchChanges(ctx)
	errc := make(chan error, 2)
	running := 0
	if mode != "serve" {
		w := s.Worker(nil)
		running++
		go func() { errc <- w.Run(ctx) }()
	}
	if mode != "worker" {
		api := s.API()
		running++
		go func() {
			// the knowledge base's dictionary, so that the first search does not wait for it
			if err := s.Core.WarmKnowledgeBase(); err != nil {
				log.Warn("knowledge-base search unavailable", "err", err)
			}
		}()
		go func() {
			log.Info("listening", "addr", s.Config.HTTPAddr)
			if err := api.Listen(s.Config.HTTPAddr); err != nil {
				errc <- fmt.Errorf("http: %w", err)
				return
			}
			errc <- nil
		}()
		go func() {
			<-ctx.Done()
			if err := api.ShutdownWithTimeout(20 * time.Second); err != nil {
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

// announceAdmin tells who the first admin is. A generated password is
// printed once, to w, never to the log; a password from HOTLINE_ADMIN_PASSWORD
// is the operator's own and is not repeated.
func announceAdmin(w io.Writer, log *slog.Logger, username, generated string) {
	if generated == "" {
		log.Info("first admin created with the password of HOTLINE_ADMIN_PASSWORD", "username", username)
		return
	}
	fmt.Fprintf(w, "\n  First admin created.\n  username: %s\n  password: %s\n\n", username, generated)
}

// stopOthers asks the process to stop when one half failed.
func stopOthers(context.Context) {
	p, _ := os.FindProcess(os.Getpid())
	_ = p.Signal(syscall.SIGTERM)
}
