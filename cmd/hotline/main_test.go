package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestMain lets a test run this binary's main, as `hotline <args>`, in a
// child process.
func TestMain(m *testing.M) {
	if os.Getenv("HOTLINE_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// hotline runs main in a child process with args, against a database that
// cannot be reached (so that a server that starts fails instead of serving).
func hotline(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "HOTLINE_TEST_RUN_MAIN=1",
		"HOTLINE_DATABASE_URL=postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1",
		"HOTLINE_REDIS_URL=redis://127.0.0.1:1/0", "HOTLINE_HTTP_ADDR=127.0.0.1:0")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

func TestHelpPrintsUsageAndExits(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"-help"}, {"serve", "--help"}, {"all", "-h"}} {
		stdout, stderr, code := hotline(t, args...)
		if code != 0 || !strings.HasPrefix(stdout, "usage: hotline") {
			t.Errorf("hotline %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
		}
	}
}

func TestUnknownArgumentsAreRefused(t *testing.T) {
	for _, args := range [][]string{{"--verbose"}, {"serve", "--port", "80"}, {"frobnicate"}} {
		stdout, stderr, code := hotline(t, args...)
		if code != 1 || !strings.Contains(stderr, "usage: hotline") || strings.Contains(stderr, "listening") {
			t.Errorf("hotline %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
		}
	}
}

func TestAnnounceAdmin(t *testing.T) {
	var out, logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	announceAdmin(&out, log, "admin", "")
	if out.Len() != 0 || strings.Contains(logs.String(), "password:") || !strings.Contains(logs.String(), "username=admin") {
		t.Errorf("a password from the environment was announced:\nstdout: %q\nlog: %q", out.String(), logs.String())
	}
	out.Reset()
	logs.Reset()
	announceAdmin(&out, log, "admin", "s3cret-generated")
	if !strings.Contains(out.String(), "password: s3cret-generated") || strings.Contains(logs.String(), "s3cret") {
		t.Errorf("a generated password:\nstdout: %q\nlog: %q", out.String(), logs.String())
	}
}
