// Package testenv gives integration tests a real, private Hotline: a fresh
// Postgres database cloned from a migrated template, a redis-server of its
// own on a free port (so that tests can stop and restart it), and the API and
// worker running in-process on a real listener. Tests talk to it over HTTP.
package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the postgres driver
	"github.com/redis/go-redis/v9"

	"hotline/app"
	"hotline/config"
	"hotline/core"
	"hotline/delivery"
	"hotline/migrations"
	"hotline/privacy"
	"hotline/queue"
	"hotline/repo"
)

// AdminURL is the Postgres server the tests create their databases on.
func AdminURL() string {
	if u := os.Getenv("HOTLINE_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres:postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

func withDB(u, name string) string {
	i := strings.LastIndex(u, "/")
	rest := ""
	if q := strings.Index(u[i:], "?"); q >= 0 {
		rest = u[i+q:]
	}
	return u[:i+1] + name + rest
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// templateName names the migrated template after the migrations' content, so
// that a changed schema gets a new template.
func templateName() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(migrations.FS, p)
			h.Write([]byte(p))
			h.Write(b)
		}
		return nil
	})
	return "hotline_tpl_" + hex.EncodeToString(h.Sum(nil))[:12]
}

// Database returns the URL of a fresh, migrated database that is dropped when
// the test ends.
func Database(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	admin, err := sqlx.ConnectContext(ctx, "postgres", AdminURL())
	if err != nil {
		t.Fatalf("connect to Postgres at %s (run `make services`): %v", AdminURL(), err)
	}
	defer admin.Close()
	tpl := templateName()
	ensureTemplate(t, admin, tpl)
	name := "hotline_t_" + randomSuffix()
	var lastErr error
	for range 20 {
		// cloning fails while another test's clone holds the template; retry
		if lastErr = repo.CreateDatabase(ctx, admin, name, tpl); lastErr == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if lastErr != nil {
		t.Fatalf("create test database: %v", lastErr)
	}
	t.Cleanup(func() {
		a, err := sqlx.Connect("postgres", AdminURL())
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	return withDB(AdminURL(), name)
}

func ensureTemplate(t testing.TB, admin *sqlx.DB, tpl string) {
	t.Helper()
	ctx := context.Background()
	conn, err := admin.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext('hotline test template'))`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock(hashtext('hotline test template'))`) //nolint:errcheck
	var exists bool
	if err := conn.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, tpl); err != nil {
		t.Fatal(err)
	}
	if exists {
		return
	}
	// drop the templates of older schemas, but only those built a day ago or
	// more: checkouts of other branches may be testing against theirs now
	var old []string
	_ = conn.SelectContext(ctx, &old, `SELECT datname FROM pg_database d
		WHERE datname LIKE 'hotline_tpl_%'
		  AND coalesce(shobj_description(d.oid, 'pg_database'), '0') ~ '^[0-9]+$'
		  AND to_timestamp(coalesce(shobj_description(d.oid, 'pg_database'), '0')::bigint) < now() - interval '1 day'`)
	for _, o := range old {
		_, _ = conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+o+` WITH (FORCE)`)
	}
	building := tpl + "_building"
	_, _ = conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+building+` WITH (FORCE)`)
	if err := repo.CreateDatabase(ctx, admin, building, ""); err != nil {
		t.Fatal(err)
	}
	store, err := repo.Open(ctx, withDB(AdminURL(), building), 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		store.Close()
		t.Fatalf("migrate template: %v", err)
	}
	store.Close()
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+building+` RENAME TO `+tpl); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `COMMENT ON DATABASE `+tpl+` IS '`+strconv.FormatInt(time.Now().Unix(), 10)+`'`); err != nil {
		t.Fatal(err)
	}
}

// Redis is a redis-server of the test's own, on a free port.
type Redis struct {
	Port int
	t    testing.TB
	dir  string
	mu   sync.Mutex
	cmd  *exec.Cmd
}

// StartRedis starts a private redis-server that is killed when the test ends.
func StartRedis(t testing.TB) *Redis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is not installed (run `make services`): %v", err)
	}
	_ = bin
	r := &Redis{t: t, dir: t.TempDir(), Port: freePort(t)}
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// URL is the server's address for go-redis.
func (r *Redis) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.Port) }

// Start starts the server (again, empty) on its port.
func (r *Redis) Start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd != nil {
		return
	}
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(r.Port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", r.dir, "--daemonize", "no", "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server: %v", err)
	}
	r.cmd = cmd
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", r.Port), 100*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.t.Fatalf("redis-server did not start on port %d", r.Port)
}

// Stop kills the server; everything it held is lost.
func (r *Redis) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}

// Options change the server a test gets.
type Options struct {
	// NoWorker starts only the API (a test may run the worker itself).
	NoWorker bool
	// Env overrides configuration variables (HOTLINE_*).
	Env map[string]string
	// Sender replaces the delivery adapters.
	Sender delivery.Sender
	// DBProxy puts a Proxy between the server and Postgres (Server.Proxy).
	DBProxy bool
	// Log, when set, receives every log line at debug level (through the
	// masking handler, as in production) instead of the test log.
	Log io.Writer
}

// Server is a running Hotline.
type Server struct {
	t      testing.TB
	URL    string
	DBURL  string
	Redis  *Redis
	Core   *core.Core
	Store  *repo.Store
	Config config.Config
	Log    *slog.Logger
	Client *queue.Client
	app    *app.App
	// Proxy sits between the server and Postgres when Options.DBProxy is set.
	Proxy    *Proxy
	apps     []*fiber.App
	worker   context.CancelFunc
	workerWG sync.WaitGroup
	sender   delivery.Sender
	adminTok string
}

// WebhookSecret signs inbound webhooks and DeliverySecret outbound
// deliveries in every test server.
const (
	WebhookSecret  = "webhook-secret-of-the-test-servers-0123456789"
	DeliverySecret = "delivery-secret-of-the-test-servers-0123456789"
)

// AdminPassword is the first admin's password in every test server.
const AdminPassword = "admin-password-1"

// NewServer starts a private Hotline for the test.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	dbURL := Database(t)
	rd := StartRedis(t)
	serverDB := dbURL
	var proxy *Proxy
	if opts.DBProxy {
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		proxy = NewProxy(t, u.Host)
		u.Host = proxy.Addr
		serverDB = u.String()
	}
	env := map[string]string{
		"HOTLINE_DATABASE_URL":       serverDB,
		"HOTLINE_REDIS_URL":          rd.URL(),
		"HOTLINE_ADMIN_PASSWORD":     AdminPassword,
		"HOTLINE_WEBHOOK_SECRET":     WebhookSecret,
		"HOTLINE_DELIVERY_SECRET":    DeliverySecret,
		"HOTLINE_PLATFORM_API_KEY":   "platform-key",
		"HOTLINE_PUBLIC_RATE_LIMIT":  "0",
		"HOTLINE_RECONCILE_INTERVAL": "300ms",
		"HOTLINE_RETRY_BASE":         "200ms",
		"HOTLINE_RETRY_MAX":          "2s",
		"HOTLINE_SWEEP_INTERVAL":     "1s",
		"HOTLINE_WORKER_CONCURRENCY": "10",
		// a race-instrumented suite on a busy machine can take seconds over a
		// login; tests of the request deadline set their own
		"HOTLINE_REQUEST_TIMEOUT": "60s",
	}
	for k, v := range opts.Env {
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var log *slog.Logger
	if opts.Log != nil {
		log = slog.New(privacy.NewHandler(slog.NewJSONHandler(opts.Log, &slog.HandlerOptions{Level: slog.LevelDebug})))
	} else {
		log = slog.New(privacy.NewHandler(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})))
	}
	redisLogOnce.Do(func() { redis.SetLogger(queue.RedisLogger{Log: slog.New(slog.DiscardHandler)}) })
	a, err := app.Open(ctx, cfg, log, 20)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Core.EnsureAdmin(ctx, "admin", AdminPassword); err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, DBURL: dbURL, Redis: rd, Core: a.Core, Store: a.Store, Config: cfg, Log: log, Client: a.Client,
		app: a, sender: opts.Sender, Proxy: proxy}
	watchCtx, stopWatching := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() { defer close(watched); a.Core.WatchChanges(watchCtx) }()
	// tests run with the caches on, as production does
	Eventually(t, 10*time.Second, "the caches to hear the database's announcements", a.Core.CachesOn)
	s.URL = s.serveAPI()
	if !opts.NoWorker {
		s.StartWorker()
	}
	t.Cleanup(func() {
		s.StopWorker()
		for _, api := range s.apps {
			_ = api.ShutdownWithTimeout(5 * time.Second)
		}
		stopWatching()
		<-watched
		a.Close()
	})
	return s
}

// serveAPI starts an API process on a free port and returns its address.
func (s *Server) serveAPI() string {
	api := s.app.API()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.t.Fatal(err)
	}
	go func() { _ = api.Listener(ln) }()
	s.apps = append(s.apps, api)
	return "http://" + ln.Addr().String()
}

// SecondAPI starts another API process on the same database and Redis, as a
// second node behind a load balancer, and returns its address. It shares
// nothing in memory with the first: its own connections, core and caches,
// kept exact by the database's announcements of changes like any process's.
func (s *Server) SecondAPI() string {
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, s.Config, s.Log, 10)
	if err != nil {
		s.t.Fatal(err)
	}
	watched := make(chan struct{})
	go func() { defer close(watched); a.Core.WatchChanges(ctx) }()
	Eventually(s.t, 10*time.Second, "the second process's caches to hear the database's announcements", a.Core.CachesOn)
	api := a.API()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.t.Fatal(err)
	}
	go func() { _ = api.Listener(ln) }()
	s.t.Cleanup(func() {
		_ = api.ShutdownWithTimeout(5 * time.Second)
		cancel()
		<-watched
		a.Close()
	})
	return "http://" + ln.Addr().String()
}

// StartWorker runs a worker in-process.
func (s *Server) StartWorker() {
	if s.worker != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.worker = cancel
	w := s.app.Worker(s.sender)
	s.workerWG.Add(1)
	go func() {
		defer s.workerWG.Done()
		if err := w.Run(ctx); err != nil {
			s.t.Errorf("worker: %v", err)
		}
	}()
}

// StopWorker stops the in-process worker gracefully.
func (s *Server) StopWorker() {
	if s.worker == nil {
		return
	}
	s.worker()
	s.workerWG.Wait()
	s.worker = nil
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Logf("%s", bytes.TrimRight(p, "\n"))
	return len(p), nil
}

// Resp is an HTTP answer.
type Resp struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode reads the JSON body into v.
func (r *Resp) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %d answer %q: %v", r.Status, truncate(r.Body), err)
	}
}

// Map reads the JSON object body.
func (r *Resp) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.Decode(t, &m)
	return m
}

func (r *Resp) String() string { return fmt.Sprintf("%d %s", r.Status, truncate(r.Body)) }

func truncate(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// Req is an HTTP request to the server.
type Req struct {
	Method, Path, Token string
	// Base is the address of another API process (SecondAPI); empty for
	// the server's own.
	Base   string
	Body   any // encoded as JSON unless []byte or string
	Header map[string]string
}

// Do sends a request; network errors fail the test.
func (s *Server) Do(t testing.TB, r Req) *Resp {
	t.Helper()
	resp, err := s.TryDo(r)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	return resp
}

// TryDo sends a request and returns network errors.
func (s *Server) TryDo(r Req) (*Resp, error) {
	var body io.Reader
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(b)
	case string:
		body = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(j)
	}
	base := s.URL
	if r.Base != "" {
		base = r.Base
	}
	req, err := http.NewRequest(r.Method, base+r.Path, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &Resp{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// Expect sends a request and fails the test unless the status is want.
func (s *Server) Expect(t testing.TB, want int, r Req) *Resp {
	t.Helper()
	resp := s.Do(t, r)
	if resp.Status != want {
		t.Fatalf("%s %s: want %d, got %s", r.Method, r.Path, want, resp)
	}
	return resp
}

// Login returns a token for the account.
func (s *Server) Login(t testing.TB, username, password string) string {
	t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	s.Expect(t, 200, Req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"username": username, "password": password}}).Decode(t, &out)
	return out.Token
}

// Admin returns a token of the first admin.
func (s *Server) Admin(t testing.TB) string {
	t.Helper()
	if s.adminTok == "" {
		s.adminTok = s.Login(t, "admin", AdminPassword)
	}
	return s.adminTok
}

// Unit creates a unit.
func (s *Server) Unit(t testing.TB, code, name string, extra ...map[string]any) {
	t.Helper()
	body := map[string]any{"code": code, "name": name}
	for _, e := range extra {
		for k, v := range e {
			body[k] = v
		}
	}
	s.Expect(t, 201, Req{Method: "POST", Path: "/api/v1/units", Token: s.Admin(t), Body: body})
}

// User creates an account with the role (and unit) and returns its token.
func (s *Server) User(t testing.TB, role, unit string) string {
	t.Helper()
	name := role + "_" + randomSuffix()
	body := map[string]any{"username": name, "password": "password-" + name, "role": role}
	if unit != "" {
		body["unit_code"] = unit
	}
	s.Expect(t, 201, Req{Method: "POST", Path: "/api/v1/users", Token: s.Admin(t), Body: body})
	return s.Login(t, name, "password-"+name)
}

// Rule creates a routing rule.
func (s *Server) Rule(t testing.TB, rule map[string]any) int64 {
	t.Helper()
	var out struct {
		ID int64 `json:"id"`
	}
	s.Expect(t, 201, Req{Method: "POST", Path: "/api/v1/routing-rules", Token: s.Admin(t), Body: rule}).Decode(t, &out)
	return out.ID
}

// Eventually polls cond until it holds or the timeout passes.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// DB opens a direct connection to the test's database, for assertions that
// the API cannot make (counting rows).
func (s *Server) DB(t testing.TB) *sqlx.DB {
	t.Helper()
	db, err := sqlx.Connect("postgres", s.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var (
	redisLogOnce sync.Once
	binOnce      sync.Once
	binPath      string
	binErr       error
)

// Binary builds bin/hotline once per test process and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hotline-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "hotline")
		out, err := exec.Command("go", "build", "-o", binPath, "hotline/cmd/hotline").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// Environ is the server's configuration as environment variables, for a
// worker process of the built binary.
func (s *Server) Environ() []string {
	env := os.Environ()
	env = append(env,
		"HOTLINE_DATABASE_URL="+s.DBURL,
		"HOTLINE_REDIS_URL="+s.Config.RedisURL,
		"HOTLINE_RECONCILE_INTERVAL=300ms",
		"HOTLINE_RETRY_BASE=200ms",
		"HOTLINE_SWEEP_INTERVAL=1s",
		"HOTLINE_WORKER_CONCURRENCY=10",
		"HOTLINE_REQUEST_TIMEOUT=60s",
		"HOTLINE_WEBHOOK_SECRET="+s.Config.WebhookSecret,
		"HOTLINE_DELIVERY_SECRET="+s.Config.DeliverySecret,
	)
	if s.Config.DeliveryURL != "" {
		env = append(env, "HOTLINE_DELIVERY_URL="+s.Config.DeliveryURL)
	}
	return env
}
