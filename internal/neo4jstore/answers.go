package neo4jstore

import (
	"container/list"
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Kept answers: the cross-case questions (the pattern queries, similar
// cases, duplicate candidates, passages) read much of the graph, and their
// cost grows with it. Their answers change only when the graph does, so
// Kept, a Store wrapped, keeps them per graph version: a number that every
// casegraph write transaction raises, on one (:GraphState) node, in the
// transaction that writes (write, after the work). A kept answer costs one
// read of that number. Convictions and Counts read conviction rows kept
// current by the writes themselves (convictionrows.go) and are cheap
// without Kept; it spares them a round trip or two when the graph is
// quiet.
//
// The version is read before the answer is computed, so an answer is never
// kept under a version newer than the data it was computed from; at worst
// it is computed again. Writes made outside casegraph (Cypher typed into a
// Neo4j console) do not raise the version: raise it by hand, or keep no
// answers (CASEGRAPH_ANSWER_CACHE=0).
//
// Kept values are copies: an answer is copied when it is kept and again
// each time it is given, so no caller can change what another is given.
// The cache is bounded by the bytes its answers take (sizeOf), least
// recently used out first.

const versionQuery = `OPTIONAL MATCH (g:GraphState {id: 'graph'}) RETURN coalesce(g.version, 0) AS version`

// changeQuery raises the graph version and records, under the new one,
// what the write changed: the cases whose conviction rows it rewrote, or
// all when it does not say. Kept answers that can be brought up to date
// from that record are (keptrows.go); records older than changesKept
// versions go.
const changeQuery = `MERGE (g:GraphState {id: 'graph'}) SET g.version = coalesce(g.version, 0) + 1
CREATE (:GraphChange {version: g.version, cases: $cases, all: $all})
WITH g
MATCH (old:GraphChange) WHERE old.version <= g.version - $kept
DELETE old`

// changesKept is how many versions back the record of changes reaches.
const changesKept = 1000

// graphChange is what one write changed, for changeQuery.
type graphChange struct {
	cases []string
	all   bool
}

// everything is the change of a write that does not say what it changed.
var everything = graphChange{all: true}

func (c graphChange) params() map[string]any {
	cases := c.cases
	if cases == nil {
		cases = []string{}
	}
	return map[string]any{"cases": cases, "all": c.all, "kept": int64(changesKept)}
}

// recordChange raises the graph version within a write transaction,
// recording what the write changed.
func recordChange(ctx context.Context, tx neo4j.ManagedTransaction, c graphChange) error {
	_, err := tx.Run(ctx, changeQuery, c.params())
	return err
}

// graphVersion reads the current graph version.
func (s *Store) graphVersion(ctx context.Context) (int64, error) {
	res, err := s.readOwn(ctx, versionQuery, nil)
	if err != nil {
		return 0, err
	}
	return col[int64](res.Records[0], "reading the graph version", "version")
}

// Kept is a Store that keeps the answers to its cross-case questions (see
// above); every other method is the Store's own.
type Kept struct {
	*Store
	answers *answerCache
	// patches counts the kept lists of conviction rows brought up to
	// date rather than read again, storePages the pages of filters that
	// match too many rows to keep (keptrows.go).
	patches, storePages atomic.Int64
	// rowsMax, when above 0, bounds a kept list of rows in place of the
	// cache's size (tests).
	rowsMax int
}

// Keep wraps s so that it keeps up to maxBytes of answers; with maxBytes 0
// it keeps none, and every question goes to Neo4j.
func Keep(s *Store, maxBytes int) *Kept {
	k := &Kept{Store: s, answers: newAnswerCache(maxBytes)}
	if k.answers != nil {
		s.metrics.CacheEntries(cacheAnswers, k.answers.len, k.answers.size)
	}
	return k
}

// keep answers a question by name and arguments from a kept answer at the
// current graph version, or asks it and keeps the answer.
func keep[T any](ctx context.Context, k *Kept, name string, args []any, ask func(context.Context) (T, error)) (T, error) {
	if k.answers == nil {
		return ask(ctx)
	}
	version, err := k.graphVersion(ctx)
	if err != nil {
		var zero T
		return zero, translate(err, "reading the graph version failed")
	}
	return keepAt(ctx, k, version, name, args, ask)
}

// keepAt is keep at a graph version the caller has read.
func keepAt[T any](ctx context.Context, k *Kept, version int64, name string, args []any, ask func(context.Context) (T, error)) (T, error) {
	b, err := json.Marshal(args)
	if err != nil {
		return ask(ctx)
	}
	var fresh T
	asked := false
	v, err := k.answerAt(ctx, name+"\x00"+string(b), version, false, func(ctx context.Context) (any, int, error) {
		v, err := ask(ctx)
		if err != nil {
			return nil, 0, err
		}
		fresh, asked = v, true
		kept := deepCopy(v)
		return kept, sizeOf(kept), nil
	})
	switch {
	case err != nil:
		var zero T
		return zero, err
	case asked:
		return fresh, nil
	}
	return deepCopy(v.(T)), nil
}

// answerAt gives the answer kept under key at version, or computes it (the
// value to keep and its size in bytes) and keeps it; concurrent requests
// for one answer wait for the one that computes it. With orNewer, an
// answer kept at a newer version than the caller's will do. The value is
// the kept one itself: callers give copies, or values no one changes.
func (k *Kept) answerAt(ctx context.Context, key string, version int64, orNewer bool, compute func(context.Context) (any, int, error)) (any, error) {
	key = sightKey(ctx) + key // kept per sight, never given across
	for {
		a, leader := k.answers.claim(key, version, orNewer)
		k.metrics.CacheLookup(cacheAnswers, !leader)
		if leader {
			v, size, err := compute(ctx)
			k.answers.settle(a, v, size+len(key), err)
			return v, err
		}
		select {
		case <-a.done:
		case <-ctx.Done():
			return nil, translate(ctx.Err(), "the question was not answered in time")
		}
		if a.err == nil {
			return a.value, nil
		}
		// The question failed for the request that asked it (perhaps only
		// cancelled); this request asks it itself.
	}
}

// answerCache keeps answers up to max bytes, least recently used first
// out. An answer being computed is in the cache already, so concurrent
// requests for it wait for that one question instead of each asking it.
type answerCache struct {
	mu      sync.Mutex
	max     int
	bytes   int
	byKey   map[string]*answer
	recency *list.List // of *answer, most recent at the front
}

type answer struct {
	key     string
	version int64
	done    chan struct{} // closed once value and err are set
	value   any
	bytes   int
	counted bool // its bytes are in the cache's
	err     error
	elem    *list.Element
}

func newAnswerCache(maxBytes int) *answerCache {
	if maxBytes <= 0 {
		return nil
	}
	return &answerCache{max: maxBytes, byKey: map[string]*answer{}, recency: list.New()}
}

// claim returns the answer for key at version and whether the caller must
// compute it. An answer kept from another version is replaced, unless it is
// newer than the caller's version: then it is the answer with orNewer, and
// otherwise the caller computes without keeping.
func (c *answerCache) claim(key string, version int64, orNewer bool) (*answer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a, ok := c.byKey[key]; ok {
		switch {
		case a.version == version, a.version > version && orNewer:
			c.recency.MoveToFront(a.elem)
			return a, false
		case a.version > version:
			return &answer{key: key, version: version, done: make(chan struct{})}, true
		}
		c.remove(a)
	}
	a := &answer{key: key, version: version, done: make(chan struct{})}
	a.elem = c.recency.PushFront(a)
	c.byKey[key] = a
	return a, true
}

// settle records the outcome of a claimed answer and wakes its waiters. A
// failed answer is not kept, nor one larger than a quarter of the cache:
// it would crowd out many small ones. Older answers go until the cache
// fits its bound.
func (c *answerCache) settle(a *answer, value any, bytes int, err error) {
	c.mu.Lock()
	a.value, a.err, a.bytes = value, err, bytes
	if a.elem != nil && c.byKey[a.key] == a {
		if err != nil || bytes > c.max/4 {
			c.remove(a)
		} else {
			a.counted = true
			c.bytes += bytes
			for c.bytes > c.max {
				c.remove(c.recency.Back().Value.(*answer))
			}
		}
	}
	c.mu.Unlock()
	close(a.done)
}

// settled returns the answer kept under key, once computed, if it was
// without error, and its version. An answer being computed is waited for
// (until ctx ends): the answer of the version before is what the next one
// is made from (keptrows.go), and a caller that did not wait would read
// the whole list again.
func (c *answerCache) settled(ctx context.Context, key string) (any, int64, bool) {
	c.mu.Lock()
	a, ok := c.byKey[key]
	c.mu.Unlock()
	if !ok {
		return nil, 0, false
	}
	select {
	case <-a.done:
		return a.value, a.version, a.err == nil
	case <-ctx.Done():
		return nil, 0, false
	}
}

func (c *answerCache) remove(a *answer) {
	c.recency.Remove(a.elem)
	delete(c.byKey, a.key)
	if a.counted {
		c.bytes -= a.bytes
	}
}

func (c *answerCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey)
}

func (c *answerCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}
