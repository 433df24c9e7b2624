package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
	"github.com/casegraph/casegraph/internal/server"
)

// recordSpans returns a tracer provider that keeps every span in memory.
func recordSpans(t *testing.T) (*sdktrace.TracerProvider, *tracetest.SpanRecorder) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp, rec
}

// attr is a span's attribute by key, "" when it has none.
func attr(s sdktrace.ReadOnlySpan, key string) string {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value.Emit()
		}
	}
	return ""
}

func hasAttr(s sdktrace.ReadOnlySpan, key string) bool {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return true
		}
	}
	return false
}

// requestSpan is the one server span whose request ID is id.
func requestSpan(t *testing.T, rec *tracetest.SpanRecorder, id string) sdktrace.ReadOnlySpan {
	t.Helper()
	var found []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.SpanKind() == trace.SpanKindServer && attr(s, "casegraph.request_id") == id {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d request spans with casegraph.request_id %q, want 1", len(found), id)
	}
	return found[0]
}

// childrenOf are the ended spans whose parent is parent.
func childrenOf(rec *tracetest.SpanRecorder, parent sdktrace.ReadOnlySpan) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.Parent().SpanID() == parent.SpanContext().SpanID() && s.Parent().TraceID() == parent.SpanContext().TraceID() {
			out = append(out, s)
		}
	}
	return out
}

// One GraphQL request with two root fields is one trace over a real
// Neo4j: the request's span, a span per root field under it, and under
// each of those the Cypher statements it sent, with their text but none
// of the values they were sent with. The request's ID is on its span and
// its trace's ID on its log line.
func TestTraceOfARequest(t *testing.T) {
	newAPI(t) // the bundled data
	tp, rec := recordSpans(t)
	store := neo4jtest.StoreWith(t, neo4jstore.Options{URI: neo4jtest.URI(t), Database: "neo4j", Tracing: tp})
	logs := &lockedBuffer{}
	h := server.New(server.Options{
		Resolver:       storeResolver(store),
		Ready:          store.Ping,
		Log:            slog.New(slog.NewJSONHandler(logs, nil)),
		RequestTimeout: 30 * time.Second,
		Authenticate:   store.Authenticate,
		Tracing:        tp,
	})
	const id, words = "person/zhanbolat-mamai", "Zhanbolat Mamai"
	body, _ := json.Marshal(map[string]any{
		"query":         `query Two($id: ID!, $q: String!) { person: node(id: $id) { id } search(query: $q, first: 3) { entity { id } } }`,
		"operationName": "Two",
		"variables":     map[string]any{"id": id, "q": words},
	})
	resp := serve(t, h, http.MethodPost, "/graphql", string(body), nil)
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), `"person":{"id":"`+id+`"}`) {
		t.Fatalf("status %d: %s", resp.StatusCode, raw)
	}
	requestID := resp.Header.Get("X-Request-ID")

	req := requestSpan(t, rec, requestID)
	for key, want := range map[string]string{
		"http.request.method": "POST", "http.route": "/graphql", "http.response.status_code": "200",
		"graphql.operation.name": "Two", "graphql.operation.type": "query",
	} {
		if got := attr(req, key); got != want {
			t.Errorf("request span %s = %q, want %q", key, got, want)
		}
	}
	if req.Name() != "POST /graphql" {
		t.Errorf("request span named %q", req.Name())
	}

	fields := childrenOf(rec, req)
	names := map[string]sdktrace.ReadOnlySpan{}
	for _, f := range fields {
		names[f.Name()] = f
	}
	if len(fields) != 2 || names["query node"] == nil || names["query search"] == nil {
		var got []string
		for _, f := range fields {
			got = append(got, f.Name())
		}
		t.Fatalf("the request span's children are %q, want the root fields' spans query node and query search", got)
	}
	if attr(names["query node"], "graphql.field.alias") != "person" {
		t.Errorf("node's span has alias %q, want person", attr(names["query node"], "graphql.field.alias"))
	}

	statements := 0
	for _, f := range fields {
		under := childrenOf(rec, f)
		if len(under) == 0 {
			t.Errorf("root field %s has no statement spans", f.Name())
		}
		for _, s := range under {
			statements++
			if attr(s, "db.system") != "neo4j" || attr(s, "db.neo4j.access_mode") != "read" || !hasAttr(s, "db.response.returned_rows") {
				t.Errorf("statement span %q has attributes %v", s.Name(), s.Attributes())
			}
			// The statement's text, which names its parameters.
			if text := attr(s, "db.query.text"); !strings.Contains(text, "$") || !strings.Contains(text, "RETURN") {
				t.Errorf("db.query.text %q is not a parameterised statement", text)
			}
			if s.SpanKind() != trace.SpanKindClient {
				t.Errorf("statement span kind %v", s.SpanKind())
			}
		}
	}

	// Every span of the trace is one of these, and none holds a value the
	// request sent.
	trace := 0
	for _, s := range rec.Ended() {
		if s.SpanContext().TraceID() != req.SpanContext().TraceID() {
			continue
		}
		trace++
		for _, kv := range s.Attributes() {
			v := strings.ToLower(kv.Value.Emit())
			for _, secret := range []string{id, "zhanbolat", "mamai"} {
				if strings.Contains(v, secret) {
					t.Errorf("span %q attribute %s = %q holds the request's value %q", s.Name(), kv.Key, kv.Value.Emit(), secret)
				}
			}
		}
		if s.Parent().IsValid() && s.Parent().SpanID() == req.SpanContext().SpanID() && s.Name() != "query node" && s.Name() != "query search" {
			t.Errorf("span %q hangs from the request span, not from a root field", s.Name())
		}
	}
	if trace != 1+len(fields)+statements {
		t.Errorf("the trace has %d spans, want 1 request, %d root fields and %d statements", trace, len(fields), statements)
	}

	var line map[string]any
	for _, l := range logLines(t, logs.String()) {
		if l["msg"] == "request" && l["request_id"] == requestID {
			line = l
		}
	}
	if line == nil || line["trace_id"] != req.SpanContext().TraceID().String() {
		t.Errorf("request log line %v, want trace_id %s", line, req.SpanContext().TraceID())
	}
}

// An error answer names the request's ID, which its span carries too, so
// an operator goes from the error a client reports to its trace; the root
// field's span is marked failed with the error's code.
func TestTracedErrorCarriesTheRequestID(t *testing.T) {
	tp, rec := recordSpans(t)
	h := server.New(server.Options{
		Resolver: &graph.Resolver{Lookups: brokenStore{}},
		Ready:    func(context.Context) error { return nil },
		Log:      slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Tracing:  tp,
	})
	resp := serve(t, h, http.MethodPost, "/graphql", `{"query":"{ stats { nodes } }"}`, nil)
	id := resp.Header.Get("X-Request-ID")
	_, ext := firstError(t, resp)
	if id == "" || ext["requestId"] != id {
		t.Errorf("extensions %v, want requestId %q", ext, id)
	}
	req := requestSpan(t, rec, id)
	fields := childrenOf(rec, req)
	if len(fields) != 1 || fields[0].Name() != "query stats" {
		t.Fatalf("%d root field spans under the request", len(fields))
	}
	if st := fields[0].Status(); st.Code != codes.Error || st.Description != "INTERNAL" {
		t.Errorf("root field span status %+v, want an error INTERNAL", st)
	}
	if got := attr(req, "casegraph.error_codes"); got != attribute.StringSliceValue([]string{"INTERNAL"}).Emit() {
		t.Errorf("request span error codes %q", got)
	}
}

// Health checks are not traced: probes would bury the traces worth
// reading.
func TestHealthChecksAreNotTraced(t *testing.T) {
	tp, rec := recordSpans(t)
	h := emptyHandler(nil, func(o *server.Options) { o.Tracing = tp })
	for _, path := range []string{"/healthz", "/readyz"} {
		if resp := serve(t, h, http.MethodGet, path, "", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
	}
	if spans := rec.Ended(); len(spans) != 0 {
		t.Errorf("%d spans for health checks, the first %q", len(spans), spans[0].Name())
	}
	serve(t, h, http.MethodGet, "/graphql?query=%7B__typename%7D", "", nil)
	if spans := rec.Ended(); len(spans) != 1 || spans[0].Name() != "GET /graphql" {
		t.Errorf("a GraphQL GET made %d spans, want its request's GET /graphql", len(spans))
	}
}

// Without a tracer provider the handler makes no spans, and log lines
// name no trace.
func TestNoTracingNoTraceIDs(t *testing.T) {
	logs := &lockedBuffer{}
	h := emptyHandler(logs, nil)
	serve(t, h, http.MethodPost, "/graphql", `{"query":"{ stats { nodes } }"}`, nil)
	for _, l := range logLines(t, logs.String()) {
		if _, ok := l["trace_id"]; ok {
			t.Errorf("log line %v names a trace", l)
		}
	}
}

// BenchmarkNodeQueryTraced is BenchmarkNodeQuery with every request
// traced: what the spans cost the handler when tracing is on (the store's
// statement spans aside; cannedStore sends none).
func BenchmarkNodeQueryTraced(b *testing.B) {
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	h := emptyHandler(nil, func(o *server.Options) {
		o.Resolver = &graph.Resolver{Lookups: cannedStore{}}
		o.Tracing = tp
	})
	benchmarkNodeQuery(b, h)
}
