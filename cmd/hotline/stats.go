package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
)

func statsCmd(ctx context.Context, log *slog.Logger, args []string) error {
	if len(args) == 0 {
		return errors.New("stats: verify or rebuild")
	}
	fs := flag.NewFlagSet("stats "+args[0], flag.ContinueOnError)
	noDrain := fs.Bool("no-drain", false, "verify: do not roll up pending changes first")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	s, err := open(ctx, log, 4)
	if err != nil {
		return err
	}
	defer s.Close()
	switch args[0] {
	case "verify":
		rep, err := s.Core.VerifyStats(ctx, !*noDrain)
		if err != nil {
			return err
		}
		fmt.Print(rep.String())
		if !rep.OK() {
			os.Exit(1)
		}
		return nil
	case "rebuild":
		n, err := s.Core.RebuildStats(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("statistics rebuilt from %d items\n", n)
		return nil
	}
	return fmt.Errorf("stats: unknown subcommand %q (verify or rebuild)", args[0])
}
