// Package metrics keeps casegraph's Prometheus metrics: one registry of
// its own (never the process-wide default, so tests and several servers in
// one process do not share counts), the collectors, and the methods the
// server and the store call. It imports the domain (kg) for error codes and
// Prometheus' client, nothing else of casegraph; the server and the store
// declare the small interfaces it satisfies.
package metrics

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/casegraph/casegraph/internal/kg"
)

// MaxOperations bounds the operation names that get a label value of
// their own. Names are chosen by clients: past the bound, and for names
// that are not GraphQL names, requests count under "other", so a client
// that sends a new name with every request cannot grow the series without
// end.
const MaxOperations = 100

// Label values for requests without an operation name, and for names past
// MaxOperations.
const (
	Anonymous = "anonymous"
	Other     = "other"
)

// Metrics holds the collectors. Its methods are safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	requests        *prometheus.CounterVec
	requestSeconds  *prometheus.HistogramVec
	statements      *prometheus.CounterVec
	statementSecond *prometheus.HistogramVec
	cacheLookups    *prometheus.CounterVec
	rateLimited     *prometheus.CounterVec
	writes          *prometheus.CounterVec

	mu         sync.Mutex
	operations map[string]bool
}

// New makes the collectors and registers them, with Go's runtime and the
// process's collectors, on a registry of their own.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "casegraph_requests_total",
			Help: "GraphQL requests answered, by operation name, outcome (ok, graphql_error, client_error, server_error), HTTP status and first error code.",
		}, []string{"operation", "outcome", "status", "code"}),
		requestSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "casegraph_request_duration_seconds",
			Help:    "Time to answer a GraphQL request, by operation name and outcome.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"operation", "outcome"}),
		statements: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "casegraph_neo4j_statements_total",
			Help: "Cypher statements sent to Neo4j, by mode (read, write) and outcome (ok, error).",
		}, []string{"mode", "outcome"}),
		statementSecond: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "casegraph_neo4j_statement_duration_seconds",
			Help:    "Time Neo4j took to answer a statement, by mode (read, write).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"mode"}),
		cacheLookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "casegraph_cache_lookups_total",
			Help: "Lookups in casegraph's caches, by cache and result (hit, miss).",
		}, []string{"cache", "result"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "casegraph_rate_limited_total",
			Help: "Requests refused by the rate limit, by stage: request (before the body is read) or cost (once the operation's cost is known).",
		}, []string{"stage"}),
		writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "casegraph_writes_total",
			Help: "Write transactions, by kind and code (OK, or the error's code: CONFLICT for a stale version or a reused idempotency key).",
		}, []string{"kind", "code"}),
		operations: map[string]bool{},
	}
	m.reg.MustRegister(m.requests, m.requestSeconds, m.statements, m.statementSecond,
		m.cacheLookups, m.rateLimited, m.writes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Gatherer is the registry, for tests that read the values.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }

// Request counts one answered GraphQL request.
func (m *Metrics) Request(operation, outcome, code string, status int, d time.Duration) {
	op := m.operationLabel(operation)
	if code == "" {
		code = "OK"
	}
	m.requests.WithLabelValues(op, outcome, strconv.Itoa(status), codeLabel(code)).Inc()
	m.requestSeconds.WithLabelValues(op, outcome).Observe(d.Seconds())
}

// graphQLName is what the GraphQL grammar allows as an operation name,
// cut at a length no real name reaches.
var graphQLName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,63}$`)

func (m *Metrics) operationLabel(name string) string {
	if name == "" {
		return Anonymous
	}
	if !graphQLName.MatchString(name) {
		return Other
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.operations[name] {
		return name
	}
	if len(m.operations) >= MaxOperations {
		return Other
	}
	m.operations[name] = true
	return name
}

// errorCode is the shape of casegraph's and gqlgen's error codes; anything
// else counts as OTHER.
var errorCode = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,47}$`)

func codeLabel(code string) string {
	if errorCode.MatchString(code) {
		return code
	}
	return "OTHER"
}

// Statement counts one statement sent to Neo4j.
func (m *Metrics) Statement(mode string, d time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.statements.WithLabelValues(mode, outcome).Inc()
	m.statementSecond.WithLabelValues(mode).Observe(d.Seconds())
}

// Write counts one write transaction of the given kind, by its outcome.
func (m *Metrics) Write(kind string, err error) {
	code := "OK"
	if err != nil {
		code = string(kg.Internal)
		if e, ok := errors.AsType[*kg.Error](err); ok {
			code = string(e.Code)
		}
	}
	m.writes.WithLabelValues(kind, codeLabel(code)).Inc()
}

// CacheLookup counts one lookup in the named cache.
func (m *Metrics) CacheLookup(cache string, hit bool) {
	result := "miss"
	if hit {
		result = "hit"
	}
	m.cacheLookups.WithLabelValues(cache, result).Inc()
}

// CacheEntries reports the entries (and, when bytes is not nil, the bytes)
// the named cache holds, read at each scrape.
func (m *Metrics) CacheEntries(cache string, entries, bytes func() int) {
	labels := prometheus.Labels{"cache": cache}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "casegraph_cache_entries", Help: "Entries a cache holds.", ConstLabels: labels,
	}, func() float64 { return float64(entries()) }))
	if bytes != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "casegraph_cache_bytes", Help: "Bytes of the keys and values a cache holds, where they are cheap to know.", ConstLabels: labels,
		}, func() float64 { return float64(bytes()) }))
	}
}

// Connections reports the Neo4j connections the API's statements hold,
// read at each scrape, and how many they may hold.
func (m *Metrics) Connections(inUse func() int, max int) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "casegraph_neo4j_connections_in_use",
			Help: "Neo4j connections the API's statements hold now (the driver does not expose its pool; this is casegraph's own gate in front of it).",
		}, func() float64 { return float64(inUse()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "casegraph_neo4j_connections_max",
			Help: "Neo4j connections the API's statements may hold at once (CASEGRAPH_NEO4J_CONNECTIONS less those reserved for health checks).",
		}, func() float64 { return float64(max) }))
}

// RateLimited counts one request refused by the rate limit.
func (m *Metrics) RateLimited(stage string) {
	m.rateLimited.WithLabelValues(stage).Inc()
}
