package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"hotline/loadgen"
)

// loadCmd drives mixed traffic against a running server and prints the
// throughput and latency report (hotline load -h).
func loadCmd(ctx context.Context, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: hotline load [flags]

Drives realistic mixed traffic against a running Hotline and prints request
counts, errors by status, latency percentiles, throughput and routing latency.
Setup is idempotent: units LOAD_TAXI, LOAD_BUS, LOAD_ROAD, two keyword routing
rules, and fresh operator and unit_staff accounts. Ctrl-C stops early and
still prints the report. Start the server with HOTLINE_PUBLIC_RATE_LIMIT=0, or
the public letter endpoint throttles the run.

`)
		fs.PrintDefaults()
	}
	var (
		cfg      loadgen.Config
		mix      string
		asJSON   bool
		seed     uint64
		duration time.Duration
	)
	fs.StringVar(&cfg.URL, "url", "http://localhost:8080", "the server's base URL")
	fs.DurationVar(&duration, "duration", 60*time.Second, "how long to drive traffic")
	fs.Float64Var(&cfg.Rate, "rate", 50, "target requests per second across the mix (0: as fast as the workers go)")
	fs.IntVar(&cfg.Workers, "workers", 16, "concurrent clients")
	fs.StringVar(&cfg.AdminUser, "admin-user", "admin", "admin account that sets up units, rules and users")
	// secrets default to the environment after parsing, so that -h never prints them
	fs.StringVar(&cfg.AdminPassword, "admin-password", "", "its password (default $HOTLINE_ADMIN_PASSWORD)")
	fs.StringVar(&cfg.WebhookSecret, "webhook-secret", "",
		"microblog webhook HMAC key (default $HOTLINE_WEBHOOK_SECRET; microblog traffic skipped if empty)")
	fs.StringVar(&cfg.PlatformKey, "platform-key", "",
		"upstream platform API key (default $HOTLINE_PLATFORM_API_KEY; platform traffic skipped if empty)")
	fs.StringVar(&mix, "mix", loadgen.DefaultMix().String(), "operation weights; operations not named are not run")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
	fs.Uint64Var(&seed, "seed", 0, "seed of the generated content (0: from the clock; the report shows the one used)")
	fs.IntVar(&cfg.RoutingSampleEvery, "routing-sample", 10, "time the routing of every n-th call created as received (negative: off)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("load: %w", err)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, d := range []struct {
		flag, env string
		dst       *string
	}{
		{"admin-password", "HOTLINE_ADMIN_PASSWORD", &cfg.AdminPassword},
		{"webhook-secret", "HOTLINE_WEBHOOK_SECRET", &cfg.WebhookSecret},
		{"platform-key", "HOTLINE_PLATFORM_API_KEY", &cfg.PlatformKey},
	} {
		if !given[d.flag] {
			*d.dst = os.Getenv(d.env)
		}
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("load: unexpected arguments %q", fs.Args())
	}
	m, err := loadgen.ParseMix(mix)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	cfg.Mix, cfg.Duration, cfg.Seed, cfg.Log = m, duration, seed, log
	if cfg.RoutingSampleEvery == 0 {
		cfg.RoutingSampleEvery = -1
	}

	rep, err := loadgen.Run(ctx, cfg)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("load: write report: %w", err)
		}
		return nil
	}
	if err := rep.WriteText(os.Stdout); err != nil {
		return fmt.Errorf("load: write report: %w", err)
	}
	return nil
}
