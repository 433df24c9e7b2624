package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/feed"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
	"github.com/casegraph/casegraph/internal/server"
)

// Subscriptions are tested on a server of their own, where reading needs a
// token (CASEGRAPH_READ_ACCESS=token), so a client without access is one
// without a valid token.

// subscriptions is a server with a change feed, and tokens whose names the
// tests know, as changes name their actor.
type subscriptions struct {
	api    *api
	url    string
	hub    *feed.Hub
	reader token
	editor token
}

type token struct{ name, text string }

const changesQuery = `subscription ($ids: [ID!]) { changes(ids: $ids) { id op target kind actor version reason at } }`

func newSubscriptions(t testing.TB) *subscriptions {
	t.Helper()
	return newSubscriptionsWith(t, nil)
}

// newSubscriptionsWith is newSubscriptions with options edited.
func newSubscriptionsWith(t testing.TB, edit func(*server.Options)) *subscriptions {
	t.Helper()
	a := newAPI(t)
	hub := feed.New(a.store, feed.Options{})
	t.Cleanup(hub.Close)
	h := realHandler(t, func(o *server.Options) {
		o.Resolver = storeResolver(a.store)
		o.Resolver.Changes = hub
		o.ReadAccess = server.ReadToken
		o.CORSOrigins = []string{"https://allowed.example"}
		o.TokenRecheck = 100 * time.Millisecond
		if edit != nil {
			edit(o)
		}
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &subscriptions{api: a, url: srv.URL, hub: hub, reader: newToken(t, a, kg.Reader), editor: newToken(t, a, kg.Editor)}
}

func newToken(t testing.TB, a *api, role kg.Role) token {
	t.Helper()
	name := fmt.Sprintf("sub-%s-%d", role, time.Now().UnixNano())
	text, err := a.store.CreateToken(context.Background(), name, role, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.store.RevokeToken(context.Background(), name) })
	return token{name, text}
}

// waitSubscribed waits until the feed holds n subscriptions: a
// subscription is open once its resolver has returned, which the client is
// not told.
func (s *subscriptions) waitSubscribed(t testing.TB, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); s.hub.Subscribers() != n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscriptions open, want %d", s.hub.Subscribers(), n)
		}
	}
}

// change is what the tests read of a Change.
type change struct {
	ID, Op, Target, Kind, Actor, Reason, At string
	Version                                 int
}

func (c change) check(t testing.TB, op, target, kind, actor string) {
	t.Helper()
	if c.Op != op || c.Target != target || c.Kind != kind || c.Actor != actor || c.ID == "" || c.At == "" {
		t.Fatalf("got change %+v, want %s of %s %s by %s", c, op, kind, target, actor)
	}
}

// wsClient speaks one of the two WebSocket protocols.
type wsClient struct {
	conn     *websocket.Conn
	protocol string
}

// dialWS opens a WebSocket and sends connection_init with authorization
// ("" for none) in its payload.
func dialWS(t testing.TB, url, protocol, authorization string) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{protocol}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	c := &wsClient{conn: conn, protocol: protocol}
	payload := map[string]any{}
	if authorization != "" {
		payload["Authorization"] = authorization
	}
	c.send(t, map[string]any{"type": "connection_init", "payload": payload})
	return c
}

func (c *wsClient) send(t testing.TB, msg map[string]any) {
	t.Helper()
	b, _ := json.Marshal(msg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.conn.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

type wsMessage struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

// read returns the next message that is not a keep-alive, or the error
// that ended the connection.
func (c *wsClient) read() (wsMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, b, err := c.conn.Read(ctx)
		if err != nil {
			return wsMessage{}, err
		}
		var m wsMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return wsMessage{}, err
		}
		if m.Type == "ping" {
			// The server closes a graphql-transport-ws socket that
			// answers no ping.
			if err := c.conn.Write(ctx, websocket.MessageText, []byte(`{"type":"pong"}`)); err != nil {
				return wsMessage{}, err
			}
		}
		if m.Type != "ka" && m.Type != "ping" && m.Type != "pong" {
			return m, nil
		}
	}
}

func (c *wsClient) expect(t testing.TB, typ string) wsMessage {
	t.Helper()
	m, err := c.read()
	if err != nil {
		t.Fatalf("want %s, the connection ended: %v", typ, err)
	}
	if m.Type != typ {
		t.Fatalf("got %s %s, want %s", m.Type, m.Payload, typ)
	}
	return m
}

// subscribe sends a subscription with its variables under id 1.
func (c *wsClient) subscribe(t testing.TB, query string, vars map[string]any) {
	t.Helper()
	typ := "subscribe"
	if c.protocol == "graphql-ws" {
		typ = "start"
	}
	c.send(t, map[string]any{"id": "1", "type": typ, "payload": map[string]any{"query": query, "variables": vars}})
}

// next reads the next change the subscription answers.
func (c *wsClient) next(t testing.TB) change {
	t.Helper()
	typ := "next"
	if c.protocol == "graphql-ws" {
		typ = "data"
	}
	m := c.expect(t, typ)
	var p struct {
		Data   struct{ Changes change }
		Errors []any
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Errors) > 0 {
		t.Fatalf("answer %s: %v", m.Payload, err)
	}
	return p.Data.Changes
}

// A mutation one client makes reaches another client subscribed over a
// WebSocket, in either protocol, with what changed, its version and who
// changed it.
func TestSubscriptionOverWebSocketGetsAMutation(t *testing.T) {
	s := newSubscriptions(t)
	for _, protocol := range []string{"graphql-transport-ws", "graphql-ws"} {
		t.Run(protocol, func(t *testing.T) {
			c := dialWS(t, s.url, protocol, "Bearer "+s.reader.text)
			c.expect(t, "connection_ack")
			id := uniqueID("person")
			c.subscribe(t, changesQuery, map[string]any{"ids": []string{id, "person/another"}})
			s.waitSubscribed(t, 1)
			s.createPerson(t, id)
			got := c.next(t)
			got.check(t, "CREATE", id, "Person", s.editor.name)
			if got.Version != 1 || got.Reason != "seen live" {
				t.Fatalf("got %+v, want version 1 and the reason", got)
			}
			_ = c.conn.Close(websocket.StatusNormalClosure, "")
			s.waitSubscribed(t, 0)
		})
	}
}

// createPerson creates a person through the HTTP API as the editor, as
// another client would.
func (s *subscriptions) createPerson(t testing.TB, id string) {
	t.Helper()
	cleanup(t, id)
	s.postAsEditor(t, fmt.Sprintf(`mutation { createEntity(input: {id: %q, type: PERSON, fields: {name: "Watched Person"}, cite: %s, reason: "seen live"}) { id } }`, id, cite), nil)
}

// postAsEditor sends a request as the editor, as another client would,
// and fails on an error.
func (s *subscriptions) postAsEditor(t testing.TB, query string, vars map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp := postTo(t, s.url, "Bearer "+s.editor.text, "", body)
	defer resp.Body.Close()
	var r response
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	noErrors(t, r)
}

// postTo posts a body to url's /graphql with the Authorization and Accept
// headers given ("" for none).
func postTo(t testing.TB, url, authorization, accept string, body []byte) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	// The timeout ends a stream that never sends what a test waits for.
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// sseStream is a subscription over Server-Sent Events.
type sseStream struct {
	resp   *http.Response
	events *bufio.Scanner
}

// subscribeSSE posts a subscription for an event stream.
func subscribeSSE(t *testing.T, url, authorization, query string, vars map[string]any) *sseStream {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp := postTo(t, url, authorization, "text/event-stream", body)
	t.Cleanup(func() { resp.Body.Close() })
	return &sseStream{resp: resp, events: bufio.NewScanner(resp.Body)}
}

// event returns the next event's name and data; "" at the stream's end.
func (s *sseStream) event() (name, data string) {
	for s.events.Scan() {
		line := s.events.Text()
		switch {
		case line == "" && name != "":
			return name, data
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		}
	}
	return "", ""
}

// A mutation reaches a client subscribed over Server-Sent Events.
func TestSubscriptionOverServerSentEventsGetsAMutation(t *testing.T) {
	s := newSubscriptions(t)
	id := uniqueID("person")
	stream := subscribeSSE(t, s.url, "Bearer "+s.reader.text, changesQuery, map[string]any{"ids": []string{id}})
	if stream.resp.StatusCode != http.StatusOK || !strings.HasPrefix(stream.resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("status %d, %s", stream.resp.StatusCode, stream.resp.Header.Get("Content-Type"))
	}
	s.waitSubscribed(t, 1)
	s.createPerson(t, id)
	name, data := stream.event()
	if name != "next" {
		t.Fatalf("event %q %s, want next", name, data)
	}
	var p struct{ Data struct{ Changes change } }
	if err := json.Unmarshal([]byte(data), &p); err != nil {
		t.Fatal(err)
	}
	p.Data.Changes.check(t, "CREATE", id, "Person", s.editor.name)
}

// A write made by another process (casegraph import, or a second instance
// of the service) wakes nothing here: the feed finds it by reading Neo4j.
func TestSubscriptionGetsWritesOfAnotherProcess(t *testing.T) {
	s := newSubscriptions(t)
	c := dialWS(t, s.url, "graphql-transport-ws", "Bearer "+s.reader.text)
	c.expect(t, "connection_ack")
	id := uniqueID("person")
	c.subscribe(t, changesQuery, map[string]any{"ids": []string{id}})
	s.waitSubscribed(t, 1)

	other := neo4jtest.StoreAt(t, neo4jtest.URI(t))
	cleanup(t, id)
	e := kg.Entity{ID: id, Type: kg.Person, Props: map[string]any{"name": "Imported Person"}}
	if _, err := other.SaveEntity(context.Background(), e, nil, 0, kg.Edit{Actor: "import:test", Reason: "another process"}); err != nil {
		t.Fatal(err)
	}
	c.next(t).check(t, "CREATE", id, "Person", "import:test")
}

// With reads behind a token, a client without one, or with one that is not
// valid, is refused its subscription, over either transport, and gets
// nothing of a change a reader with a token gets.
func TestSubscriptionWithoutAccessGetsNothing(t *testing.T) {
	s := newSubscriptions(t)
	id := uniqueID("person")
	vars := map[string]any{"ids": []string{id}}

	reader := dialWS(t, s.url, "graphql-transport-ws", "Bearer "+s.reader.text)
	reader.expect(t, "connection_ack")
	reader.subscribe(t, changesQuery, vars)

	var refused []*wsClient
	for _, auth := range []string{"", "Bearer not-a-token", "Basic " + s.reader.text} {
		// A client waits for connection_ack before it subscribes: these
		// get a close instead.
		refused = append(refused, dialWS(t, s.url, "graphql-transport-ws", auth))
	}
	for _, auth := range []string{"", "Bearer not-a-token"} {
		stream := subscribeSSE(t, s.url, auth, changesQuery, vars)
		if stream.resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("event stream with %q: status %d, want 401", auth, stream.resp.StatusCode)
		}
		if body, _ := io.ReadAll(stream.resp.Body); strings.Contains(string(body), "event:") || !strings.Contains(string(body), "UNAUTHENTICATED") {
			t.Fatalf("event stream with %q answered %s", auth, body)
		}
	}

	s.waitSubscribed(t, 1)
	s.createPerson(t, id)
	reader.next(t).check(t, "CREATE", id, "Person", s.editor.name)
	for i, c := range refused {
		m, err := c.read()
		if err == nil {
			t.Fatalf("client %d without access got %s %s", i, m.Type, m.Payload)
		}
		if code := websocket.CloseStatus(err); code != 4401 {
			t.Fatalf("client %d without access: connection ended with %v, want close code 4401", i, err)
		}
	}
}

// A token revoked while its subscription is open ends the subscription:
// its client gets nothing more.
func TestRevokedTokenEndsItsSubscription(t *testing.T) {
	s := newSubscriptions(t)
	tok := newToken(t, s.api, kg.Reader)
	c := dialWS(t, s.url, "graphql-transport-ws", "Bearer "+tok.text)
	c.expect(t, "connection_ack")
	stream := subscribeSSE(t, s.url, "Bearer "+tok.text, changesQuery, nil)
	c.subscribe(t, changesQuery, nil)
	s.waitSubscribed(t, 2)
	if err := s.api.store.RevokeToken(context.Background(), tok.name); err != nil {
		t.Fatal(err)
	}
	// The connection closes, and the stream completes, without a change.
	if m, err := c.read(); err == nil {
		t.Fatalf("after revoking the token the WebSocket got %s %s", m.Type, m.Payload)
	}
	for {
		name, data := stream.event()
		if name == "next" {
			t.Fatalf("after revoking the token the event stream got %s", data)
		}
		if name == "" || name == "complete" {
			break
		}
	}
	s.waitSubscribed(t, 0)
}

// Subscriptions travel on streams and only there: a POST without an event
// stream would wait for one change and end, and a query on a stream would
// escape the request timeout and the answer cap.
func TestSubscriptionsAndStreamsGoTogether(t *testing.T) {
	s := newSubscriptions(t)
	body, _ := json.Marshal(map[string]any{"query": changesQuery})
	resp := postTo(t, s.url, "Bearer "+s.reader.text, "", body)
	var r response
	_ = json.NewDecoder(resp.Body).Decode(&r)
	resp.Body.Close()
	if code(r) != string(kg.Invalid) || !strings.Contains(r.Errors[0].Message, "text/event-stream") {
		t.Fatalf("a subscription by POST: %+v", r)
	}

	c := dialWS(t, s.url, "graphql-transport-ws", "Bearer "+s.reader.text)
	c.expect(t, "connection_ack")
	c.subscribe(t, `{ stats { nodes } }`, nil)
	m, err := c.read()
	if err != nil || !strings.Contains(string(m.Payload), "send queries and mutations by POST or GET") {
		t.Fatalf("a query on a WebSocket: %v %s", err, m.Payload)
	}

	// A subscription names at most graph.MaxWatchedIDs IDs.
	ids := make([]string, graph.MaxWatchedIDs+1)
	for i := range ids {
		ids[i] = fmt.Sprintf("person/%d", i)
	}
	if m, err = c.read(); err != nil || m.Type != "complete" {
		t.Fatalf("after the refused query: %v %s %s", err, m.Type, m.Payload)
	}
	c.subscribe(t, changesQuery, map[string]any{"ids": ids})
	m, err = c.read()
	if err != nil || !strings.Contains(string(m.Payload), `"code":"BAD_USER_INPUT"`) || !strings.Contains(string(m.Payload), `"limit":"ids"`) {
		t.Fatalf("a subscription to %d IDs: %v %s", len(ids), err, m.Payload)
	}
}

// Every message a WebSocket brings costs its client a unit of its rate
// budget, and each operation its cost: a client that sends subscriptions
// faster than its budget refills has its socket closed with 4429, and
// what it sent past its budget is not run.
func TestWebSocketMessagesSpendTheRateBudget(t *testing.T) {
	const burst = 5
	s := newSubscriptionsWith(t, func(o *server.Options) { o.RateLimit, o.RateBurst = 0.001, burst })
	c := dialWS(t, s.url, "graphql-transport-ws", "Bearer "+s.reader.text)
	c.expect(t, "connection_ack")
	vars := map[string]any{"ids": []string{uniqueID("person")}}
	for i := range 2 * burst {
		b, _ := json.Marshal(map[string]any{"id": fmt.Sprint(i), "type": "subscribe", "payload": map[string]any{"query": changesQuery, "variables": vars}})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := c.conn.Write(ctx, websocket.MessageText, b)
		cancel()
		if err != nil {
			break // closed already
		}
	}
	for {
		m, err := c.read()
		if err != nil {
			if code := websocket.CloseStatus(err); code != 4429 {
				t.Fatalf("the connection ended with %v, want close code 4429", err)
			}
			break
		}
		// A subscription cut short by the close may say so; none gets
		// a change.
		if m.Type == "next" && !strings.Contains(string(m.Payload), `"data":null`) {
			t.Fatalf("got %s %s", m.Type, m.Payload)
		}
	}
	if n := s.hub.Subscribers(); n > burst {
		t.Fatalf("%d subscriptions ran on a budget of %d units", n, burst)
	}
}

// A WebSocket from a page of another origin is refused unless the origin
// is one CORS allows.
func TestWebSocketOrigins(t *testing.T) {
	s := newSubscriptions(t)
	for origin, ok := range map[string]bool{"https://allowed.example": true, "https://elsewhere.example": false, s.url: true} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.url, "http")+"/graphql", &websocket.DialOptions{
			Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: http.Header{"Origin": {origin}}})
		cancel()
		if ok != (err == nil) {
			t.Fatalf("origin %s: %v, want allowed %v", origin, err, ok)
		}
		if err == nil {
			_ = conn.CloseNow()
		} else if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("origin %s: status %d, want 403", origin, resp.StatusCode)
		}
	}
}

// An address holds a bounded number of streams open, subscribed or not; a
// body that is not JSON is refused without being quoted back.
func TestStreamsAreBounded(t *testing.T) {
	s := newSubscriptions(t)
	resp := postTo(t, s.url, "Bearer "+s.reader.text, "text/event-stream", []byte(`{"query": "subscription { changes { id } } secret-words`))
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a body that is not JSON: status %d %s", resp.StatusCode, body)
	}
	if strings.Contains(string(body), "secret-words") {
		t.Fatalf("the answer quotes the body: %s", body)
	}

	for i := range server.MaxAddressStreams + 1 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.url, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		cancel()
		if i < server.MaxAddressStreams {
			if err != nil {
				t.Fatalf("stream %d: %v", i+1, err)
			}
			t.Cleanup(func() { _ = conn.CloseNow() })
			continue
		}
		if err == nil || resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("stream %d of one address: %v, want 429", i+1, err)
		}
	}
}

// watchPeople is a server with a reader subscribed over a WebSocket to
// every change of a person.
func watchPeople(b *testing.B) (*subscriptions, *wsClient) {
	b.Helper()
	s := newSubscriptions(b)
	c := dialWS(b, s.url, "graphql-transport-ws", "Bearer "+s.reader.text)
	c.expect(b, "connection_ack")
	c.subscribe(b, `subscription { changes(types: [PERSON]) { id op target kind actor version reason at } }`, nil)
	s.waitSubscribed(b, 1)
	return s, c
}

// How long a mutation one client makes takes to reach another client's
// subscription over a WebSocket: the mutation's round trip, its commit and
// the feed's delivery. docs/api.md ("Live updates") gives the figures:
//
//	go test ./internal/server -run '^$' -bench MutationReachesSubscriber -benchtime 40x
func BenchmarkMutationReachesSubscriber(b *testing.B) {
	s, c := watchPeople(b)
	b.ResetTimer()
	for range b.N {
		id := uniqueID("person")
		s.createPerson(b, id)
		for c.next(b).Target != id {
		}
	}
}

// The same for a write another process makes (casegraph import, a second
// instance), which the feed finds by reading Neo4j rather than being woken.
func BenchmarkOtherProcessWriteReachesSubscriber(b *testing.B) {
	_, c := watchPeople(b)
	other := neo4jtest.StoreAt(b, neo4jtest.URI(b))
	b.ResetTimer()
	for range b.N {
		id := uniqueID("person")
		cleanup(b, id)
		e := kg.Entity{ID: id, Type: kg.Person, Props: map[string]any{"name": "Imported Person"}}
		if _, err := other.SaveEntity(context.Background(), e, nil, 0, kg.Edit{Actor: "import:bench"}); err != nil {
			b.Fatal(err)
		}
		for c.next(b).Target != id {
		}
	}
}
