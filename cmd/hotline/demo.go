package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"

	"hotline/calendar"
	"hotline/config"
	"hotline/demodata"
	"hotline/repo"
)

// demoData is `hotline demo-data`: it migrates the database, then loads a
// synthetic history (see package demodata) and prints what it did.
func demoData(ctx context.Context, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("demo-data", flag.ContinueOnError)
	items := fs.Int("items", 0, "number of items to generate (required)")
	years := fs.Int("years", 3, "spread the items over the last this many years")
	seed := fs.Int64("seed", 1, "random seed: the same seed, item count and day give the same items")
	units := fs.Int("units", 200, fmt.Sprintf("number of units of the demo hierarchy (at most %d)", demodata.MaxUnits()))
	conns := fs.Int("conns", 4, "parallel COPY connections")
	reset := fs.Bool("reset", false, "empty items, their dependent tables and the statistics first (otherwise append)")
	fkChecks := fs.Bool("fk-checks", false, "keep foreign key triggers on during the load (slower)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: hotline demo-data --items N [--years 3] [--seed 1] [--units 200] [--conns 4] [--reset]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("demo-data: unexpected argument %q", fs.Arg(0))
	case *items <= 0:
		return errors.New("demo-data: --items must be a positive number")
	case *years <= 0 || *years > 20:
		return errors.New("demo-data: --years must be between 1 and 20")
	case *units <= 0:
		return errors.New("demo-data: --units must be positive")
	case *conns <= 0 || *conns > 32:
		return errors.New("demo-data: --conns must be between 1 and 32")
	}
	if err := migrate(ctx, log); err != nil {
		return err
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	windows, err := calendar.ParseWindows(cfg.WorkingHours)
	if err != nil {
		return fmt.Errorf("HOTLINE_WORKING_HOURS: %w", err)
	}
	store, err := repo.Open(ctx, cfg.DatabaseURL, *conns+2)
	if err != nil {
		return err
	}
	defer store.Close()
	sum, err := demodata.Run(ctx, store, demodata.Options{Items: *items, Years: *years, Seed: *seed, Units: *units,
		Conns: *conns, Reset: *reset, FKChecks: *fkChecks, Location: cfg.Location, Windows: windows}, log)
	if err != nil {
		return err
	}
	fmt.Print(sum.String())
	return nil
}
