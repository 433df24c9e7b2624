package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/metrics"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
	"github.com/casegraph/casegraph/internal/server"
)

// meteredAPI is the handler over a store of its own on the test Neo4j,
// both reporting to one set of metrics.
type meteredAPI struct {
	url     string
	metrics *metrics.Metrics
	// busiest is the most connections in use that a statement saw while
	// it held its own.
	busiest atomic.Int64
}

// seeingConnections is the metrics, with each statement reading the
// connections gauge while it still holds its connection.
type seeingConnections struct {
	*metrics.Metrics
	api *meteredAPI
}

func (s seeingConnections) Statement(mode string, d time.Duration, err error) {
	s.Metrics.Statement(mode, d, err)
	if n := int64(sum(s.Metrics.Gatherer(), "casegraph_neo4j_connections_in_use", nil)); n > s.api.busiest.Load() {
		s.api.busiest.Store(n)
	}
}

// newMeteredAPI serves the API over a store of its own, with edit's
// changes to the server's options.
func newMeteredAPI(t *testing.T, edit ...func(*server.Options)) (*meteredAPI, *api) {
	t.Helper()
	shared := newAPI(t) // the bundled data and the tokens
	a := &meteredAPI{metrics: metrics.New()}
	// Opened and migrated as serve does, before any request.
	store := neo4jtest.StoreWith(t, neo4jstore.Options{URI: neo4jtest.URI(t), Database: "neo4j",
		Metrics: seeingConnections{a.metrics, a}})
	o := server.Options{
		Resolver:       keptResolver(store, 1<<20),
		Ready:          store.Ping,
		Log:            slog.New(slog.NewJSONHandler(io.Discard, nil)),
		RequestTimeout: 30 * time.Second,
		Authenticate:   store.Authenticate,
		Metrics:        a.metrics,
	}
	for _, e := range edit {
		e(&o)
	}
	srv := httptest.NewServer(server.New(o))
	t.Cleanup(srv.Close)
	a.url = srv.URL
	return a, shared
}

// send posts body to /graphql and returns the answer's text.
func send(t *testing.T, url, token string, body map[string]any) string {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	return string(text)
}

// sum adds up the series of a family whose labels include want: a
// counter's or gauge's value, a histogram's count of observations.
func sum(g prometheus.Gatherer, name string, want map[string]string) float64 {
	families, _ := g.Gather()
	total := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.Metric {
			have := map[string]string{}
			for _, l := range m.Label {
				have[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if have[k] != v {
					continue series
				}
			}
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				total += m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				total += m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				total += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return total
}

// moves checks that requests make the series of a family that match
// labels grow.
func (a *meteredAPI) moves(t *testing.T, name string, labels map[string]string, requests func()) {
	t.Helper()
	before := sum(a.metrics.Gatherer(), name, labels)
	requests()
	if after := sum(a.metrics.Gatherer(), name, labels); after <= before {
		t.Errorf("%s%v stayed at %v", name, labels, after)
	}
}

// Every family moves as the requests it measures are made.
func TestMetricsMoveWithRequests(t *testing.T) {
	a, shared := newMeteredAPI(t)
	var counts string
	for _, ex := range server.Examples() {
		if strings.HasPrefix(ex.Name, "11-counts") {
			counts = ex.Query
		}
	}
	if counts == "" {
		t.Fatal("no example 11-counts-by-article")
	}
	ask := func() { send(t, a.url, "", map[string]any{"query": counts}) }

	t.Run("requests", func(t *testing.T) {
		a.moves(t, "casegraph_requests_total", map[string]string{"operation": "Counts", "outcome": "ok", "status": "200", "code": "OK"}, ask)
		a.moves(t, "casegraph_request_duration_seconds", map[string]string{"operation": "Counts", "outcome": "ok"}, ask)
		a.moves(t, "casegraph_requests_total", map[string]string{"operation": "Broken", "outcome": "graphql_error", "code": "GRAPHQL_VALIDATION_FAILED"}, func() {
			send(t, a.url, "", map[string]any{"query": "query Broken { nope }", "operationName": "Broken"})
		})
	})
	t.Run("neo4j statements", func(t *testing.T) {
		node := func() { send(t, a.url, "", map[string]any{"query": `{ node(id: "person/zhanbolat-mamai") { id } }`}) }
		a.moves(t, "casegraph_neo4j_statements_total", map[string]string{"mode": "read", "outcome": "ok"}, node)
		a.moves(t, "casegraph_neo4j_statement_duration_seconds", map[string]string{"mode": "read"}, node)
	})
	t.Run("connections", func(t *testing.T) {
		ask()
		if n := a.busiest.Load(); n < 1 {
			t.Errorf("a statement saw %d connections in use, its own among them", n)
		}
		if n := sum(a.metrics.Gatherer(), "casegraph_neo4j_connections_in_use", nil); n != 0 {
			t.Errorf("%v connections in use once every request has ended", n)
		}
		if n := sum(a.metrics.Gatherer(), "casegraph_neo4j_connections_max", nil); n != neo4jstore.DefaultConnections-neo4jstore.ReservedConnections {
			t.Errorf("casegraph_neo4j_connections_max = %v", n)
		}
	})
	t.Run("caches", func(t *testing.T) {
		hit := func(cache string) map[string]string { return map[string]string{"cache": cache, "result": "hit"} }
		a.moves(t, "casegraph_cache_lookups_total", hit("answers"), func() { ask(); ask() })
		a.moves(t, "casegraph_cache_lookups_total", hit("parsed_queries"), func() { ask(); ask() })
		node := fmt.Sprintf(`query Person { node(id: "person/zhanbolat-mamai") { ... on Person { name } } } # %d`, time.Now().UnixNano())
		a.moves(t, "casegraph_cache_lookups_total", map[string]string{"cache": "projections"}, func() {
			send(t, a.url, "", map[string]any{"query": node})
			send(t, a.url, "", map[string]any{"query": node})
		})
		reader := shared.tokens[kg.Reader]
		a.moves(t, "casegraph_cache_lookups_total", hit("tokens"), func() {
			send(t, a.url, reader, map[string]any{"query": counts})
			send(t, a.url, reader, map[string]any{"query": counts})
		})
		query := fmt.Sprintf(`{ node(id: "party/democratic-party") { id } } # %d`, time.Now().UnixNano())
		digest := sha256.Sum256([]byte(query))
		ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(digest[:])}}
		a.moves(t, "casegraph_cache_lookups_total", map[string]string{"cache": "persisted_queries", "result": "miss"}, func() {
			send(t, a.url, "", map[string]any{"extensions": ext})
		})
		a.moves(t, "casegraph_cache_bytes", map[string]string{"cache": "persisted_queries"}, func() {
			send(t, a.url, "", map[string]any{"query": query, "extensions": ext})
		})
		a.moves(t, "casegraph_cache_lookups_total", hit("persisted_queries"), func() {
			send(t, a.url, "", map[string]any{"extensions": ext})
		})
		for _, cache := range []string{"answers", "parsed_queries", "persisted_queries", "projections", "tokens"} {
			if n := sum(a.metrics.Gatherer(), "casegraph_cache_entries", map[string]string{"cache": cache}); n < 1 {
				t.Errorf("cache %s holds %v entries after the requests that fill it", cache, n)
			}
		}
	})
	t.Run("writes and conflicts", func(t *testing.T) {
		admin := shared.tokens[kg.Admin]
		id := uniqueID("person")
		cleanup(t, id)
		create := fmt.Sprintf(`mutation { createEntity(input: {id: %q, type: PERSON, fields: {name: "Metrics Person"}, cite: %s}) { id version } }`, id, cite)
		a.moves(t, "casegraph_writes_total", map[string]string{"kind": "save_entity", "code": "OK"}, func() {
			if got := send(t, a.url, admin, map[string]any{"query": create}); strings.Contains(got, `"errors"`) {
				t.Fatalf("create: %s", got)
			}
		})
		stale := fmt.Sprintf(`mutation { updateEntity(id: %q, version: 7, set: {description: "stale"}, cite: %s) { version } }`, id, cite)
		a.moves(t, "casegraph_writes_total", map[string]string{"kind": "save_entity", "code": "CONFLICT"}, func() {
			if got := send(t, a.url, admin, map[string]any{"query": stale}); !strings.Contains(got, "CONFLICT") {
				t.Fatalf("an update of a stale version: %s", got)
			}
		})
		a.moves(t, "casegraph_neo4j_statements_total", map[string]string{"mode": "write"}, func() {
			send(t, a.url, admin, map[string]any{"query": stale})
		})
	})
}

// Refusals by the rate limit count by their stage: before the request is
// read, and once its cost is known.
func TestMetricsCountRateLimitRefusals(t *testing.T) {
	m := metrics.New()
	srv := httptest.NewServer(emptyHandler(nil, func(o *server.Options) {
		o.RateLimit = 0.001 // no unit comes back during the test
		o.RateBurst = 20
		o.Metrics = m
	}))
	defer srv.Close()
	a := &meteredAPI{url: srv.URL, metrics: m}
	const heavy = `{ neighbourhood(id: "person/x", depth: 3, limit: 400) { truncated } }` // 17 units
	send(t, srv.URL, "", map[string]any{"query": heavy})                                  // 3 units left
	a.moves(t, "casegraph_rate_limited_total", map[string]string{"stage": "cost"}, func() {
		send(t, srv.URL, "", map[string]any{"query": heavy})
	})
	a.moves(t, "casegraph_rate_limited_total", map[string]string{"stage": "request"}, func() {
		for range 4 {
			send(t, srv.URL, "", map[string]any{"query": "{ __typename }"})
		}
	})
	a.moves(t, "casegraph_requests_total", map[string]string{"status": "429", "code": "RATE_LIMITED", "outcome": "client_error"}, func() {
		send(t, srv.URL, "", map[string]any{"query": "{ __typename }"})
	})
}

// scrape gets /metrics from m's handler over HTTP and parses it as
// Prometheus' text format.
func scrape(t *testing.T, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return families
}

// /metrics, as the handler serves it, parses as Prometheus' text format
// and holds every family, Go's runtime and the process's among them.
func TestMetricsScrapeParses(t *testing.T) {
	a, _ := newMeteredAPI(t)
	send(t, a.url, "", map[string]any{"query": `query Scrape { node(id: "person/zhanbolat-mamai") { id } }`})
	families := scrape(t, a.metrics)
	for _, name := range []string{
		"casegraph_requests_total", "casegraph_request_duration_seconds",
		"casegraph_neo4j_statements_total", "casegraph_neo4j_statement_duration_seconds",
		"casegraph_neo4j_connections_in_use", "casegraph_neo4j_connections_max",
		"casegraph_cache_lookups_total", "casegraph_cache_entries", "casegraph_cache_bytes",
		"go_goroutines", "go_gc_duration_seconds", "process_resident_memory_bytes",
	} {
		if families[name] == nil {
			t.Errorf("no family %s in /metrics", name)
		}
	}
}
