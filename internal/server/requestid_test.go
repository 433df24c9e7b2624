package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/server"
)

// The causes of brokenStore's failures, which only the log may show.
const (
	cypherCause = "Neo.ClientError.Statement.SyntaxError: Invalid input 'RETURN' (line 1, column 9 (offset: 8)) MATCH (n RETURN n"
	driverCause = "connection pool for 127.0.0.1:7687 was closed while borrowing"
)

// brokenStore fails as a store with a bug, or a driver in trouble, would:
// counting the graph, searching and drawing a timeline. Its other lookups
// and views are emptyStore's.
type brokenStore struct{ emptyStore }

func (brokenStore) Stats(context.Context) (kg.Stats, error) {
	return kg.Stats{}, kg.Wrap(kg.Internal, fmt.Errorf("stats: %w", errors.New(cypherCause)), "cannot count the graph")
}

func (brokenStore) Search(context.Context, kg.SearchQuery) ([]kg.Hit, error) {
	return nil, errors.New(driverCause) // not a domain error at all
}

func (brokenStore) Timeline(context.Context, kg.TimelineQuery) ([]kg.TimelineEntry, error) {
	panic("index out of range [3] with length 3")
}

// logLines parses JSON log lines.
func logLines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %s", sc.Bytes())
		}
		out = append(out, m)
	}
	return out
}

// Every request gets an ID of the server's making, answered in X-Request-ID
// and written in its log lines. An INTERNAL error is logged with its cause
// and that ID, and the client gets the ID in extensions.requestId but never
// the cause.
func TestInternalErrorsCarryTheRequestID(t *testing.T) {
	tests := []struct {
		name, query, cause string
		logged             string // the message of the error's log line
	}{
		{"domain error with a cause", `{ stats { nodes } }`, cypherCause, "internal error"},
		{"error from outside the domain", `{ search(query: "x") { score } }`, driverCause, "internal error"},
		{"panic in a resolver", `{ timeline(of: "person/a") { kind } }`, "index out of range [3] with length 3", "panic in resolver"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &lockedBuffer{}
			h := server.New(server.Options{
				Resolver: &graph.Resolver{Lookups: brokenStore{}, Searcher: brokenStore{}, Views: brokenStore{}},
				Ready:    func(context.Context) error { return nil },
				Log:      slog.New(slog.NewJSONHandler(logs, nil)),
			})
			body, _ := json.Marshal(map[string]string{"query": tt.query})
			resp := serve(t, h, http.MethodPost, "/graphql", string(body), map[string]string{"X-Request-ID": "chosen-by-the-client"})
			id := resp.Header.Get("X-Request-ID")
			if id == "" || id == "chosen-by-the-client" {
				t.Errorf("X-Request-ID %q, want one the server made", id)
			}
			msg, ext := firstError(t, resp)
			if ext["code"] != "INTERNAL" || ext["requestId"] != id {
				t.Errorf("extensions %v, want INTERNAL with requestId %s", ext, id)
			}
			for _, leak := range []string{tt.cause, "Neo.", "MATCH", "127.0.0.1", "index out of range"} {
				if strings.Contains(msg, leak) {
					t.Errorf("message %q shows %q", msg, leak)
				}
			}
			var errLine, requestLine map[string]any
			for _, l := range logLines(t, logs.String()) {
				switch l["msg"] {
				case tt.logged:
					errLine = l
				case "request":
					requestLine = l
				}
			}
			if errLine == nil || errLine["request_id"] != id || !strings.Contains(fmt.Sprint(errLine["error"], errLine["panic"]), tt.cause) {
				t.Errorf("log line %q: %v, want request_id %s and the cause %q\nlogs:\n%s", tt.logged, errLine, id, tt.cause, logs)
			}
			if requestLine == nil || requestLine["request_id"] != id {
				t.Errorf("request log line %v, want request_id %s", requestLine, id)
			}
			if strings.Contains(logs.String(), "chosen-by-the-client") {
				t.Errorf("the client's own request ID was logged:\n%s", logs)
			}
		})
	}
}

// IDs differ from request to request, and requests outside /graphql get
// one too.
func TestEveryRequestGetsItsOwnID(t *testing.T) {
	h := emptyHandler(nil, nil)
	seen := map[string]bool{}
	for _, target := range []string{"/graphql?query=%7B__typename%7D", "/graphql?query=%7B__typename%7D", "/healthz", "/readyz", "/nowhere"} {
		id := serve(t, h, http.MethodGet, target, "", nil).Header.Get("X-Request-ID")
		if id == "" || seen[id] {
			t.Errorf("GET %s: X-Request-ID %q, want a new one", target, id)
		}
		seen[id] = true
	}
}
