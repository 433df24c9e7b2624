package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/server"
)

// realHandler is the real handler over the shared test store, with options
// of the test's own.
func realHandler(t testing.TB, edit func(*server.Options)) http.Handler {
	t.Helper()
	a := newAPI(t)
	o := server.Options{
		Resolver:       graph.NewResolver(a.store),
		Ready:          a.store.Ping,
		Log:            slog.New(slog.NewJSONHandler(io.Discard, nil)),
		RequestTimeout: 30 * time.Second,
		Authenticate:   a.store.Authenticate,
	}
	if edit != nil {
		edit(&o)
	}
	return server.New(o)
}

// An answer larger than the limit is not sent: the client gets an error
// that names the limit instead, and smaller answers pass.
func TestAnswerOverTheLimitIsReplacedByAnError(t *testing.T) {
	srv := httptest.NewServer(realHandler(t, func(o *server.Options) { o.MaxAnswerBytes = 64 << 10 }))
	defer srv.Close()

	status, raw, r := postRaw(t, srv.URL, graphiQLIntrospection) // about 150 KB
	if status != http.StatusOK || len(r.Errors) != 1 || r.Data != nil {
		t.Fatalf("status %d, %d errors, data %.60s: want one error and no data", status, len(r.Errors), r.Data)
	}
	e := r.Errors[0]
	if e.Extensions["code"] != "BAD_USER_INPUT" || e.Extensions["limit"] != "answer" || e.Extensions["max"] != float64(64<<10) ||
		!strings.Contains(e.Message, "larger than the limit of 65536 bytes") {
		t.Errorf("error %q %v, want the answer limit", e.Message, e.Extensions)
	}
	if len(raw) > 1<<10 {
		t.Errorf("the refusal is %d bytes", len(raw))
	}
	if status, _, r := postRaw(t, srv.URL, `{ node(id: "person/zhanbolat-mamai") { id } }`); status != http.StatusOK || len(r.Errors) > 0 {
		t.Errorf("a small answer: status %d, errors %+v", status, r.Errors)
	}
}

// smallBuffers gives every accepted connection a small send buffer, so an
// answer the client does not read fills it at once, as a large answer
// would fill any buffer.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4 << 10)
	}
	return c, err
}

// A client that asks and never reads its answer holds the memory of that
// answer only until the write timeout: then the server gives up the
// connection and the handler returns.
func TestClientThatNeverReadsIsCutOff(t *testing.T) {
	returned := make(chan struct{}, 1)
	h := realHandler(t, nil)
	srv := server.NewHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		returned <- struct{}{}
	}), server.Timeouts{ReadHeader: 5 * time.Second, Read: 5 * time.Second, Write: 500 * time.Millisecond, Idle: 5 * time.Second})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(smallBuffers{ln}) }()
	t.Cleanup(func() { _ = srv.Close() })

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.(*net.TCPConn).SetReadBuffer(4 << 10)
	body, _ := json.Marshal(map[string]string{"query": graphiQLIntrospection})
	if _, err := fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: casegraph\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		t.Fatal(err)
	}
	// A guard, not a measurement: far beyond the write timeout, so only a
	// server that waits for the client for ever reaches it.
	select {
	case <-returned:
	case <-time.After(30 * time.Second):
		t.Fatal("the handler still holds the answer of a client that does not read it")
	}
	// The connection is closed: what the client reads now ends short (or,
	// on a machine slow enough to pass the write timeout before the first
	// byte, is nothing at all).
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	got, _ := io.ReadAll(conn)
	if strings.HasSuffix(strings.TrimSpace(string(got)), "}") {
		t.Errorf("the client read the whole answer, %d bytes; want it cut short", len(got))
	}
}
