package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// What this file adds to gqlgen's WebSocket and event-stream transports:
// a rate budget for what a WebSocket brings, and a deadline on what a
// stream sends, so a peer that stops reading cannot hold the goroutines
// and buffers of its stream.

// streamWriteTimeout is how long one write to a stream may take; a peer
// that reads nothing for that long loses its stream.
const streamWriteTimeout = 10 * time.Second

// closeRateLimited closes a WebSocket whose client has spent its rate
// budget, as a refused connection_init of a client over its rate is.
const closeRateLimited = 4429

type meterKey struct{}

// socketMeter charges each message a WebSocket brings after
// connection_init to its client's rate budget: one unit, as the door
// charges a request, so that parsing and validating it are paid for
// whatever becomes of it; graph.Limits then spends the rest of an
// operation's cost. connection_init itself was paid for by the upgrade.
type socketMeter struct {
	limiter *rateLimiter

	mu  sync.Mutex
	key string // the client's, once connection_init named it
}

func (m *socketMeter) setClient(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.key = key
}

// spend takes a message's unit, or says how long until the client has one.
func (m *socketMeter) spend() (bool, time.Duration) {
	m.mu.Lock()
	key := m.key
	m.mu.Unlock()
	if key == "" {
		return true, 0
	}
	return m.limiter.allow(key)
}

// meteredSockets is gqlgen's WebSocket implementation with each
// connection wrapped in a socketConn.
type meteredSockets struct {
	transport.WebsocketImplementation
}

func (s meteredSockets) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := s.WebsocketImplementation.Accept(w, r, o)
	if err != nil {
		return nil, err
	}
	meter, _ := r.Context().Value(meterKey{}).(*socketMeter)
	return &socketConn{WebsocketConn: conn, meter: meter, writeTimeout: streamWriteTimeout}, nil
}

var errOverBudget = errors.New("the client spent its rate budget")

// socketConn is a WebSocket whose messages in are charged to meter (nil
// for none) and whose writes end by writeTimeout: gqlgen's adapter writes
// without a deadline, holding the connection's lock, so one write to a
// peer that stopped reading would stall every subscription on it.
type socketConn struct {
	transport.WebsocketConn
	meter        *socketMeter
	writeTimeout time.Duration
}

var (
	_ transport.WebsocketReadLimiter   = (*socketConn)(nil)
	_ transport.WebsocketReadDeadliner = (*socketConn)(nil)
)

func (c *socketConn) NextReader() (int, io.Reader, error) {
	typ, r, err := c.WebsocketConn.NextReader()
	if err != nil || c.meter == nil {
		return typ, r, err
	}
	if ok, wait := c.meter.spend(); !ok {
		_ = c.WebsocketConn.WriteClose(closeRateLimited, fmt.Sprintf("RATE_LIMITED: retry after %ds", retrySeconds(wait)))
		return typ, nil, errOverBudget
	}
	return typ, r, nil
}

// WriteJSON closes the connection when a write outlasts writeTimeout,
// which ends the write.
func (c *socketConn) WriteJSON(v any) error {
	t := time.AfterFunc(c.writeTimeout, func() { _ = c.WebsocketConn.Close() })
	defer t.Stop()
	return c.WebsocketConn.WriteJSON(v)
}

func (c *socketConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

func (c *socketConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}

// deadlineWriter is an event stream's ResponseWriter: each write and flush
// has timeout to finish, or the connection is closed.
type deadlineWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

func newDeadlineWriter(w http.ResponseWriter, timeout time.Duration) *deadlineWriter {
	return &deadlineWriter{ResponseWriter: w, rc: http.NewResponseController(w), timeout: timeout}
}

func (w *deadlineWriter) Write(b []byte) (int, error) {
	_ = w.rc.SetWriteDeadline(time.Now().Add(w.timeout))
	return w.ResponseWriter.Write(b)
}

func (w *deadlineWriter) Flush() {
	_ = w.rc.SetWriteDeadline(time.Now().Add(w.timeout))
	_ = w.rc.Flush()
}

func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
