package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
	"github.com/casegraph/casegraph/internal/server"
)

// api serves the real handler over a real Neo4j holding the bundled data.
type api struct {
	url    string
	logs   *lockedBuffer
	store  *neo4jstore.Store
	tokens map[kg.Role]string // a bearer token per role
}

var (
	apiOnce sync.Once
	shared  *api
)

func newAPI(t testing.TB) *api {
	t.Helper()
	uri := neo4jtest.URI(t)
	apiOnce.Do(func() {
		// Shared by every test of the package, so it outlives any one test.
		store, err := neo4jstore.Open(neo4jstore.Options{URI: uri, Database: "neo4j"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		neo4jtest.ImportBundled(t, store)
		tokens := map[kg.Role]string{}
		for _, role := range []kg.Role{kg.Reader, kg.Editor, kg.Admin} {
			name := fmt.Sprintf("test-%s-%d", role, time.Now().UnixNano())
			tok, err := store.CreateToken(context.Background(), name, role, nil)
			if err != nil {
				t.Fatal(err)
			}
			tokens[role] = tok
		}
		logs := &lockedBuffer{}
		h := server.New(server.Options{
			Resolver:       storeResolver(store),
			Ready:          store.Ping,
			Log:            slog.New(slog.NewJSONHandler(logs, nil)),
			CORSOrigins:    []string{"https://allowed.example"},
			Playground:     true,
			RequestTimeout: 30 * time.Second,
			Authenticate:   store.Authenticate,
		})
		srv := httptest.NewServer(h)
		shared = &api{url: srv.URL, logs: logs, store: store, tokens: tokens}
	})
	if shared == nil {
		t.Fatal("API did not start")
	}
	return shared
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Extensions map[string]any `json:"extensions"`
}

// post sends a query and returns the answer and the number of Cypher
// statements the request cost, read from its log line.
func (a *api) post(t *testing.T, query string, vars map[string]any) (response, int) {
	t.Helper()
	return a.postAs(t, "", query, vars)
}

// postAs is post with a bearer token ("" for none).
func (a *api) postAs(t *testing.T, token, query string, vars map[string]any) (response, int) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, a.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	marker := "test-" + time.Now().Format(time.RFC3339Nano)
	req.Header.Set("User-Agent", marker)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out response
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	return out, a.statementsOf(t, resp.Header.Get("X-Request-ID"))
}

// statementsOf reads db_statements from the log line of the request with
// the given ID. The line is written once the answer is, so it may come a
// moment after the client has read it.
func (a *api) statementsOf(t *testing.T, id string) int {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		sc := bufio.NewScanner(strings.NewReader(a.logs.String()))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == "request" && m["request_id"] == id {
				n, _ := m["db_statements"].(float64) // left out when 0
				return int(n)
			}
		}
	}
	t.Fatalf("no log line for request %q", id)
	return 0
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func noErrors(t testing.TB, r response) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
}

// storeResolver is the resolver over a real store in every role, saved
// investigations included.
func storeResolver(s *neo4jstore.Store) *graph.Resolver {
	r := graph.NewResolver(s)
	r.Investigations = s
	return r
}

// keptResolver is storeResolver with the cross-case answers kept, up to
// maxBytes, as serve keeps them.
func keptResolver(s *neo4jstore.Store, maxBytes int) *graph.Resolver {
	r := graph.NewResolver(neo4jstore.Keep(s, maxBytes))
	r.Investigations = s
	return r
}
