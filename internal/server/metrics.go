package server

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
)

// Metrics receives what the HTTP side measures; internal/metrics
// implements it for Prometheus. Options.Metrics nil measures nothing.
type Metrics interface {
	// Request counts one GraphQL request: outcome as the request log
	// says it, code the first error code of the answer ("" for none).
	Request(operation, outcome, code string, status int, d time.Duration)
	// RateLimited counts a refusal: stage is "request" (before the body
	// is read) or "cost" (once the operation's cost is known).
	RateLimited(stage string)
	CacheLookup(cache string, hit bool)
	// CacheEntries registers functions read at each scrape.
	CacheEntries(cache string, entries, bytes func() int)
}

type noMetrics struct{}

func (noMetrics) Request(string, string, string, int, time.Duration) {}
func (noMetrics) RateLimited(string)                                 {}
func (noMetrics) CacheLookup(string, bool)                           {}
func (noMetrics) CacheEntries(string, func() int, func() int)        {}

// The gqlgen caches, as the metrics name them.
const (
	cacheQueries   = "parsed_queries"
	cachePersisted = "persisted_queries"
)

// meteredCache is gqlgen's cache of parsed queries or of persisted query
// texts, as gqlgen's own lru.LRU (least recently used out), with each
// lookup counted and its size reported.
type meteredCache[T any] struct {
	lru     *lru.Cache[string, T]
	name    string
	metrics Metrics
	size    func(T) int
}

// newMeteredCache keeps up to max entries. Its bytes are those of its keys
// and, when valueSize is given, of its values: the parsed queries' keys
// are the query texts, and a parsed tree's size is not cheap to know, so
// that cache counts its texts only.
func newMeteredCache[T any](name string, max int, m Metrics, valueSize func(T) int) *meteredCache[T] {
	c := &meteredCache[T]{name: name, metrics: m, size: valueSize}
	c.lru, _ = lru.New[string, T](max)
	m.CacheEntries(name, c.lru.Len, c.bytes)
	return c
}

// bytes adds up the cache's sizes when metrics are scraped: at most a few
// thousand entries, and nothing to keep in step on every Add.
func (c *meteredCache[T]) bytes() int {
	n := 0
	for _, k := range c.lru.Keys() {
		n += len(k)
		if v, ok := c.lru.Peek(k); ok && c.size != nil {
			n += c.size(v)
		}
	}
	return n
}

func (c *meteredCache[T]) Get(_ context.Context, key string) (T, bool) {
	v, ok := c.lru.Get(key)
	c.metrics.CacheLookup(c.name, ok)
	return v, ok
}

func (c *meteredCache[T]) Add(_ context.Context, key string, value T) {
	c.lru.Add(key, value)
}

var _ graphql.Cache[string] = (*meteredCache[string])(nil)
