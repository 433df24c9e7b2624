package server

import (
	"io"
	"sync"
	"testing"
	"time"
)

// blockedConn is a WebSocket whose peer reads nothing: a write waits
// until the connection is closed.
type blockedConn struct {
	closeOnce sync.Once
	closed    chan struct{}
}

func (c *blockedConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return nil
}
func (c *blockedConn) NextReader() (int, io.Reader, error) { <-c.closed; return 0, nil, io.EOF }
func (c *blockedConn) WriteClose(int, string) error        { return c.Close() }
func (c *blockedConn) Subprotocol() string                 { return "graphql-transport-ws" }
func (c *blockedConn) WriteJSON(any) error                 { <-c.closed; return io.ErrClosedPipe }

// A write to a WebSocket whose peer stopped reading ends, by closing the
// socket, rather than holding the connection's lock for ever.
func TestWebSocketWriteEndsWhenThePeerDoesNotRead(t *testing.T) {
	conn := &blockedConn{closed: make(chan struct{})}
	c := &socketConn{WebsocketConn: conn, writeTimeout: time.Millisecond}
	done := make(chan error, 1)
	go func() { done <- c.WriteJSON(map[string]string{"type": "next"}) }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a write nobody read succeeded")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the write is still waiting for a peer that does not read")
	}
}
