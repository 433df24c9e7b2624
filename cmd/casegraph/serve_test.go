package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// service runs `casegraph serve` in-process against the Neo4j at uri and
// returns its base URL; the service is shut down when the test ends.
func service(t *testing.T, uri string, extraEnv map[string]string) (string, *syncBuffer) {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", neo4jtest.FreePort(t))
	env := map[string]string{
		"NEO4J_URI":                  uri,
		"CASEGRAPH_ADDR":             addr,
		"CASEGRAPH_SHUTDOWN_TIMEOUT": "5s",
	}
	for k, v := range extraEnv {
		env[k] = v
	}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, io.Discard, logs) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v on shutdown; logs:\n%s", err, logs)
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, logs
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped before it was ready: %v; logs:\n%s", err, logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("service did not become healthy; logs:\n%s", logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func postQuery(t *testing.T, base, query string) (int, gqlResponse) {
	t.Helper()
	return postAs(t, base, "", query)
}

// postAs posts query with a bearer token, none when token is "".
func postAs(t *testing.T, base, token, query string) (int, gqlResponse) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /graphql: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out gqlResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, raw)
	}
	return resp.StatusCode, out
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

const statsQuery = `query Stats { stats { nodes byType { type count } } }`

func personCount(t *testing.T, r gqlResponse) int {
	t.Helper()
	var d struct {
		Stats struct {
			ByType []struct {
				Type  string
				Count int
			}
		}
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatalf("data: %v", err)
	}
	for _, c := range d.Stats.ByType {
		if c.Type == "PERSON" {
			return c.Count
		}
	}
	t.Fatalf("no PERSON count in %s", r.Data)
	return 0
}

func TestServeAnswersFromNeo4j(t *testing.T) {
	uri := neo4jtest.URI(t)
	base, logs := service(t, uri, map[string]string{"CASEGRAPH_CORS_ORIGINS": "https://allowed.example"})

	id := fmt.Sprintf("person/e2e-%d", time.Now().UnixNano())
	_, before := postQuery(t, base, statsQuery)
	neo4jtest.Exec(t, uri, "CREATE (:Entity:Person {id: $id})", map[string]any{"id": id})
	t.Cleanup(func() { neo4jtest.Exec(t, uri, "MATCH (n:Entity {id: $id}) DELETE n", map[string]any{"id": id}) })

	code, after := postQuery(t, base, statsQuery)
	if code != http.StatusOK || len(after.Errors) > 0 {
		t.Fatalf("status %d, errors %v", code, after.Errors)
	}
	if personCount(t, after) < personCount(t, before)+1 {
		t.Errorf("PERSON count did not grow after a write: before %s, after %s", before.Data, after.Data)
	}
	if got := status(t, base+"/readyz"); got != http.StatusOK {
		t.Errorf("/readyz = %d, want 200", got)
	}
	if !strings.Contains(logs.String(), `"operation":"Stats"`) || !strings.Contains(logs.String(), `"duration_ms"`) {
		t.Errorf("no request log line with operation and duration:\n%s", logs)
	}

	t.Run("playground is served offline", func(t *testing.T) {
		resp, err := http.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(page), `src="/assets/graphiql.min.js"`) || strings.Contains(string(page), "cdn.jsdelivr.net/npm/graphiql") {
			t.Errorf("playground page does not load GraphiQL from the service itself:\n%s", page)
		}
		for _, asset := range []string{"graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js"} {
			if got := status(t, base+"/assets/"+asset); got != http.StatusOK {
				t.Errorf("/assets/%s = %d, want 200", asset, got)
			}
		}
	})

	t.Run("CORS allowlist", func(t *testing.T) {
		for origin, want := range map[string]string{"https://allowed.example": "https://allowed.example", "https://other.example": ""} {
			req, _ := http.NewRequest(http.MethodOptions, base+"/graphql", nil)
			req.Header.Set("Origin", origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "content-type")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
				t.Errorf("origin %s: Access-Control-Allow-Origin = %q, want %q", origin, got, want)
			}
		}
	})

	t.Run("errors never leak internals", func(t *testing.T) {
		_, r := postQuery(t, base, `{ stats { nosuchfield } }`)
		if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("want a validation error, got %+v", r.Errors)
		}
	})
}

func TestServeProfilesOnlyOnTheirOwnAddress(t *testing.T) {
	uri := neo4jtest.URI(t)
	pprofAddr := fmt.Sprintf("127.0.0.1:%d", neo4jtest.FreePort(t))
	base, _ := service(t, uri, map[string]string{"CASEGRAPH_PPROF_ADDR": pprofAddr})
	if got := status(t, "http://"+pprofAddr+"/debug/pprof/goroutine?debug=1"); got != http.StatusOK {
		t.Errorf("profile on %s = %d, want 200", pprofAddr, got)
	}
	if got := status(t, base+"/debug/pprof/"); got == http.StatusOK {
		t.Errorf("the API address serves profiles too")
	}
	// Without the setting there is no profile listener at all.
	plain, _ := service(t, uri, nil)
	if got := status(t, plain+"/debug/pprof/"); got == http.StatusOK {
		t.Errorf("profiles served without CASEGRAPH_PPROF_ADDR")
	}
}

// Metrics are served on their own address, and count what the service
// answers; the API's address never serves them.
func TestServeMetricsOnlyOnTheirOwnAddress(t *testing.T) {
	uri := neo4jtest.URI(t)
	metricsAddr := fmt.Sprintf("127.0.0.1:%d", neo4jtest.FreePort(t))
	base, _ := service(t, uri, map[string]string{"CASEGRAPH_METRICS_ADDR": metricsAddr})
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"query Probe { node(id: \"person/none\") { id } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`casegraph_requests_total{code="OK",operation="Probe",outcome="ok",status="200"} 1`, "casegraph_neo4j_statements_total", "go_goroutines"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics on %s has no %s", metricsAddr, want)
		}
	}
	if got := status(t, base+"/metrics"); got == http.StatusOK {
		t.Errorf("the API address serves metrics too")
	}
}

func TestTuneGCLeavesSetValuesAlone(t *testing.T) {
	before := debug.SetGCPercent(100)
	beforeLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(before); debug.SetMemoryLimit(beforeLimit) })

	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != 1000 {
		t.Errorf("GC percent %d without GOGC, want 1000", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != 128<<20 {
		t.Errorf("memory limit %d without GOMEMLIMIT, want 128 MiB", got)
	}
	set := map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}
	tuneGC(func(k string) string { return set[k] })
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent %d with GOGC set, want it left alone", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != math.MaxInt64 {
		t.Errorf("memory limit %d with GOMEMLIMIT set, want it left alone", got)
	}
}

func TestServeFailsClearlyOnBusyAddress(t *testing.T) {
	uri := neo4jtest.URI(t)
	base, _ := service(t, uri, nil)
	addr := strings.TrimPrefix(base, "http://")
	env := map[string]string{"NEO4J_URI": uri, "CASEGRAPH_ADDR": addr}
	err := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "cannot listen on "+addr) {
		t.Fatalf("serve on a busy address: %v, want a clear message naming %s", err, addr)
	}
}

func TestServiceRecoversWhenNeo4jReturns(t *testing.T) {
	db := neo4jtest.Launch(t)
	base, logs := service(t, db.URI, nil)
	if code, r := postQuery(t, base, statsQuery); code != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("before the outage: status %d, errors %+v", code, r.Errors)
	}

	db.Stop(t)
	code, r := postQuery(t, base, statsQuery)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "UNAVAILABLE" {
		t.Fatalf("during the outage: errors %+v, want UNAVAILABLE", r.Errors)
	}
	if code != http.StatusServiceUnavailable {
		t.Errorf("during the outage: status %d, want 503", code)
	}
	if msg := r.Errors[0].Message; strings.Contains(msg, "bolt") || strings.Contains(msg, "goroutine") || strings.Contains(msg, "MATCH") {
		t.Errorf("error message leaks internals: %q", msg)
	}
	if got := status(t, base+"/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz during the outage = %d, want 503", got)
	}

	db.Start(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, r := postQuery(t, base, statsQuery)
		if code == http.StatusOK && len(r.Errors) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("service did not recover after Neo4j came back: %+v; logs:\n%s", r.Errors, logs)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if got := status(t, base+"/readyz"); got != http.StatusOK {
		t.Errorf("/readyz after recovery = %d, want 200", got)
	}
}

// syncBuffer is a bytes.Buffer safe for the service's goroutines to write
// while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A data file that conflicts with an edit made through the API stops the
// start, naming the conflict and how to settle it, and writes nothing.
func TestServeStopsOnAConflictingDataFile(t *testing.T) {
	uri := neo4jtest.URI(t)
	tag := importTag(t, uri)
	dir := t.TempDir()
	path := writeCase(t, dir, tag+".yaml", tag, importCase)
	if out, err := importRun(t, uri, path); err != nil {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	_, person := editThroughTheAPI(t, uri, tag)
	writeCase(t, dir, tag+".yaml", tag, strings.Replace(importCase, "    name: A\n", "    name: A\n    description: filed\n", 1))

	env := map[string]string{"NEO4J_URI": uri, "CASEGRAPH_ADDR": fmt.Sprintf("127.0.0.1:%d", neo4jtest.FreePort(t)), "CASEGRAPH_DATA": dir}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := run(ctx, []string{"serve"}, func(k string) string { return env[k] }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "casegraph import [-on-conflict keep-graph|take-file] "+dir) || !strings.Contains(err.Error(), "conflict Person person/"+tag+"-a, description") {
		t.Fatalf("serve with a conflicting data file: %v", err)
	}
	if d := description(t, uri, person); d != "edited" {
		t.Errorf("the refused start wrote: description %v", d)
	}
}
