package repo

import (
	"context"
	"database/sql/driver"
	"net"
	"sync"
	"time"

	"github.com/lib/pq"
)

// Connection settings that keep a stalled or vanished database from holding
// requests and tasks: a stalled server (SIGSTOP, a hung host) still accepts
// TCP and acknowledges bytes, so lib/pq's own answer to a context deadline —
// a CancelRequest sent to the same stalled postmaster — never frees the
// waiting query. Each connection's socket therefore follows the context of
// the call that uses it.
const (
	// defaultConnectTimeout bounds dialling and the start-up handshake when
	// the database URL sets no connect_timeout.
	defaultConnectTimeout = 5 * time.Second
	// socketGrace is how long past a context's end the socket still waits:
	// time for lib/pq's CancelRequest to end the query cleanly on a server
	// that answers, before the connection is given up.
	socketGrace = time.Second
	// tcpUserTimeout drops a connection whose sent bytes stay unacknowledged
	// this long (a vanished host, a cut network), even with no call running.
	tcpUserTimeout = 20 * time.Second
)

// tcpKeepAlive finds a dead peer under an idle pooled connection.
var tcpKeepAlive = net.KeepAliveConfig{Enable: true, Idle: 15 * time.Second, Interval: 5 * time.Second, Count: 3}

// newConnector is lib/pq's connector for dsn with a connect timeout, TCP
// keepalives and user timeout, and sockets that follow each call's context.
func newConnector(dsn string) (driver.Connector, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return nil, err
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = defaultConnectTimeout
	}
	// a statement with parameters in one round trip instead of two (parse,
	// then bind and execute). []byte parameters then travel in binary, which
	// suits bytea; jsonb values are therefore passed as strings.
	cfg.BinaryParameters = true
	pc, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, err
	}
	pc.Dialer(&dialer{d: net.Dialer{Timeout: cfg.ConnectTimeout, KeepAliveConfig: tcpKeepAlive, Control: setUserTimeout(tcpUserTimeout)}})
	return &connector{pq: pc}, nil
}

// dialSlotKey carries a *dialSlot from connector.Connect to the dialer.
type dialSlotKey struct{}

// dialSlot receives the socket lib/pq dials for one connection, so that the
// connector can put deadlines on it.
type dialSlot struct {
	mu       sync.Mutex
	nc       net.Conn
	abandon  bool // the caller's context ended while connecting
	deadline time.Time
}

func (s *dialSlot) set(nc net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nc = nc
	if s.abandon {
		_ = nc.SetDeadline(s.deadline)
	}
}

// giveUp makes the handshake in progress (or the next one) fail soon.
func (s *dialSlot) giveUp() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.abandon, s.deadline = true, time.Now().Add(socketGrace)
	if s.nc != nil {
		_ = s.nc.SetDeadline(s.deadline)
	}
}

type dialer struct{ d net.Dialer }

func (d *dialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, addr)
}

func (d *dialer) DialTimeout(network, addr string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return d.DialContext(ctx, network, addr)
}

// DialContext dials; the start-up handshake that follows gives up with the
// context (lib/pq's connect_timeout bounds it too). lib/pq's cancel requests
// also dial here, with a context of their own that bounds them.
func (d *dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	nc, err := d.d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(dl)
	}
	if slot, ok := ctx.Value(dialSlotKey{}).(*dialSlot); ok {
		slot.set(nc)
	}
	return nc, nil
}

type connector struct{ pq *pq.Connector }

func (c *connector) Driver() driver.Driver { return c.pq.Driver() }

// Connect opens a connection whose socket follows the context of every call
// made on it.
func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	slot := &dialSlot{}
	stop := context.AfterFunc(ctx, slot.giveUp)
	dc, err := c.pq.Connect(context.WithValue(ctx, dialSlotKey{}, slot))
	stop()
	if err != nil {
		return nil, err
	}
	slot.mu.Lock()
	nc := slot.nc
	slot.mu.Unlock()
	if nc == nil {
		return dc, nil
	}
	_ = nc.SetDeadline(time.Time{})
	return &conn{Conn: dc, sock: &socket{nc: nc}}, nil
}

// socket puts the deadline of the call in progress on a connection's
// socket: the context's deadline plus socketGrace, or socketGrace after the
// context is cancelled. A call with no deadline waits as long as it takes.
type socket struct {
	nc   net.Conn
	mu   sync.Mutex
	gen  uint64
	stop func() bool
}

func (s *socket) follow(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
	s.gen++
	gen := s.gen
	var dl time.Time
	if d, ok := ctx.Deadline(); ok {
		dl = d.Add(socketGrace)
	}
	_ = s.nc.SetDeadline(dl)
	if ctx.Done() == nil {
		return
	}
	s.stop = context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.gen == gen { // no later call has taken the socket
			_ = s.nc.SetDeadline(time.Now().Add(socketGrace))
		}
	})
}

// conn is a lib/pq connection whose calls set the socket's deadline first.
// It offers every optional interface lib/pq's connection does.
type conn struct {
	driver.Conn
	sock *socket
}

var (
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
)

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.sock.follow(ctx)
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.sock.follow(ctx)
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return &stmt{Stmt: st, sock: c.sock}, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.sock.follow(ctx)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.sock.follow(ctx)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
}

func (c *conn) Ping(ctx context.Context) error {
	c.sock.follow(ctx)
	return c.Conn.(driver.Pinger).Ping(ctx)
}

func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	return c.Conn.(driver.NamedValueChecker).CheckNamedValue(nv)
}

func (c *conn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *conn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

// stmt is a prepared statement (COPY) whose calls set the socket's deadline.
type stmt struct {
	driver.Stmt
	sock *socket
}

var (
	_ driver.StmtExecContext  = (*stmt)(nil)
	_ driver.StmtQueryContext = (*stmt)(nil)
)

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.sock.follow(ctx)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.sock.follow(ctx)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}

// CopyData passes lib/pq's raw COPY rows through.
func (s *stmt) CopyData(ctx context.Context, line string) (driver.Result, error) {
	cd, ok := s.Stmt.(interface {
		CopyData(context.Context, string) (driver.Result, error)
	})
	if !ok {
		return nil, driver.ErrSkip
	}
	s.sock.follow(ctx)
	return cd.CopyData(ctx, line)
}
