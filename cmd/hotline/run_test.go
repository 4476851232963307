package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"hotline/testenv"
)

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRunScript starts scripts/run.sh (what `make run` runs) on a fresh
// database: it prints the real password once, the binary does not print a
// stand-in for it, and the database is migrated once.
func TestRunScript(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the service")
	}
	t.Parallel()
	db := testenv.Database(t)
	redis := testenv.StartRedis(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const password = "run-script-admin-password"
	cmd := exec.Command("../../scripts/run.sh")
	cmd.Env = append(os.Environ(), "HOTLINE_TEST_RUN_MAIN=1", "HOTLINE_BIN="+os.Args[0],
		"HOTLINE_DATABASE_URL="+db, "HOTLINE_REDIS_URL="+redis.URL(), "HOTLINE_HTTP_ADDR="+addr,
		"HOTLINE_ADMIN_PASSWORD="+password)
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	testenv.Eventually(t, time.Minute, "the service to listen", func() bool {
		return strings.Contains(stderr.String(), `"msg":"listening"`)
	})
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := <-done; err != nil {
		t.Fatalf("after SIGTERM: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out, logs := stdout.String(), stderr.String()
	if n := strings.Count(logs, `"msg":"database migrated"`); n != 1 {
		t.Errorf("database migrated logged %d times, want once:\n%s", n, logs)
	}
	if strings.Count(out, password) != 2 || strings.Contains(out, "password: ") {
		t.Errorf("the password should be printed by the script (twice: the curl line and the reminder) and by nothing else:\n%s", out)
	}
	if !strings.Contains(out, "http://"+addr+"/api/v1/auth/login") || !strings.Contains(out, "set by HOTLINE_ADMIN_PASSWORD") {
		t.Errorf("how to log in:\n%s", out)
	}
	if !strings.Contains(logs, "first admin created") {
		t.Errorf("the first admin was not announced in the log:\n%s", logs)
	}
}
