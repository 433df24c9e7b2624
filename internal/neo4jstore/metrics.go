package neo4jstore

import "time"

// Metrics receives what the store measures: its statements, writes, caches
// and connections. internal/metrics implements it for Prometheus; the
// store does not import Prometheus. Labels are fixed names, never a
// statement's text or parameters.
type Metrics interface {
	// Statement counts one statement; mode is "read" or "write".
	Statement(mode string, d time.Duration, err error)
	// Write counts one write transaction; kind names the change.
	Write(kind string, err error)
	CacheLookup(cache string, hit bool)
	// CacheEntries and Connections register functions read at each scrape.
	CacheEntries(cache string, entries, bytes func() int)
	Connections(inUse func() int, max int)
}

// The store's caches, as the metrics name them.
const (
	cacheAnswers     = "answers"
	cacheTokens      = "tokens"
	cacheProjections = "projections"
)

// noMetrics measures nothing: a store opened without Options.Metrics.
type noMetrics struct{}

func (noMetrics) Statement(string, time.Duration, error)      {}
func (noMetrics) Write(string, error)                         {}
func (noMetrics) CacheLookup(string, bool)                    {}
func (noMetrics) CacheEntries(string, func() int, func() int) {}
func (noMetrics) Connections(func() int, int)                 {}

// observe registers the store's gauges.
func (s *Store) observe() {
	s.metrics.Connections(func() int { return len(s.gate) }, cap(s.gate))
	s.metrics.CacheEntries(cacheTokens, s.tokens.Len, nil)
	s.metrics.CacheEntries(cacheProjections, s.projections.Len, nil)
}
