package neo4jstore

import (
	"container/list"
	"context"
	"encoding/json"
	"sync"

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

const (
	versionQuery = `OPTIONAL MATCH (g:GraphState {id: 'graph'}) RETURN coalesce(g.version, 0) AS version`
	bumpQuery    = `MERGE (g:GraphState {id: 'graph'}) SET g.version = coalesce(g.version, 0) + 1`
)

// bumpVersion raises the graph version within a write transaction.
func bumpVersion(ctx context.Context, tx neo4j.ManagedTransaction) error {
	_, err := tx.Run(ctx, bumpQuery, nil)
	return err
}

// graphVersion reads the current graph version.
func (s *Store) graphVersion(ctx context.Context) (int64, error) {
	res, err := s.readQuery(ctx, versionQuery, nil)
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
	b, err := json.Marshal(args)
	if err != nil {
		return ask(ctx)
	}
	key := name + "\x00" + string(b)
	var zero T
	version, err := k.graphVersion(ctx)
	if err != nil {
		return zero, translate(err, "reading the graph version failed")
	}
	for {
		a, leader := k.answers.claim(key, version)
		k.metrics.CacheLookup(cacheAnswers, !leader)
		if leader {
			v, err := ask(ctx)
			var kept any
			if err == nil {
				kept = deepCopy(v)
			}
			k.answers.settle(a, kept, sizeOf(kept)+len(key), err)
			return v, err
		}
		select {
		case <-a.done:
		case <-ctx.Done():
			return zero, translate(ctx.Err(), "the question was not answered in time")
		}
		if a.err == nil {
			return deepCopy(a.value.(T)), nil
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
// newer than the caller's version: then the caller computes without keeping.
func (c *answerCache) claim(key string, version int64) (*answer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a, ok := c.byKey[key]; ok {
		switch {
		case a.version == version:
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
