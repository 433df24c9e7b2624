package neo4jstore

import (
	"container/list"
	"context"
	"encoding/json"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The cross-case questions (convictions and their totals, counts, the
// pattern queries) read the whole graph, and their cost grows with it: at
// 100,000 cases a count takes seconds. Their answers change only when the
// graph does, so the store keeps them per graph version: a number that
// every casegraph write transaction raises, on one (:GraphState) node, in
// the transaction that writes. A kept answer costs one read of that number.
//
// The version is read before the answer is computed, so an answer is never
// kept under a version newer than the data it was computed from; at worst
// it is computed again. Writes made outside casegraph (Cypher typed into a
// Neo4j console) do not raise the version: raise it by hand, or turn the
// cache off (CASEGRAPH_ANSWER_CACHE=0).

const (
	versionQuery = `OPTIONAL MATCH (g:GraphState {id: 'graph'}) RETURN coalesce(g.version, 0) AS version`
	bumpQuery    = `MERGE (g:GraphState {id: 'graph'}) SET g.version = coalesce(g.version, 0) + 1`

	// maxKeptRecords keeps large answers (every article pair of a big
	// graph) out of the cache: they would crowd out many small ones.
	maxKeptRecords = 2000
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

// readAnswer runs a whole-graph read statement, or returns the answer it
// gave at the current graph version. Callers must not change the records.
func (s *Store) readAnswer(ctx context.Context, query string, params map[string]any) (*neo4j.EagerResult, error) {
	if s.answers == nil {
		return s.readQuery(ctx, query, params)
	}
	key, err := answerKey(query, params)
	if err != nil {
		return s.readQuery(ctx, query, params)
	}
	version, err := s.graphVersion(ctx)
	if err != nil {
		return nil, err
	}
	for {
		a, leader := s.answers.claim(key, version)
		s.metrics.CacheLookup(cacheAnswers, !leader)
		if leader {
			res, err := s.readQuery(ctx, query, params)
			s.answers.settle(a, res, err)
			return res, err
		}
		select {
		case <-a.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if a.err == nil {
			return a.res, nil
		}
		// The statement failed for the request that ran it (perhaps only
		// cancelled); this request runs it itself.
	}
}

// answerKey identifies an answer by its statement and parameters;
// encoding/json writes map keys in order, so equal parameters give equal
// keys.
func answerKey(query string, params map[string]any) (string, error) {
	p, err := json.Marshal(params)
	if err != nil {
		return "", err
	}
	return query + "\x00" + string(p), nil
}

// answerCache keeps up to max answers, least recently used first out. An
// answer being computed is in the cache already, so concurrent requests
// for it wait for that one statement instead of each sending it.
type answerCache struct {
	mu      sync.Mutex
	max     int
	byKey   map[string]*answer
	recency *list.List // of *answer, most recent at the front
}

type answer struct {
	key     string
	version int64
	done    chan struct{} // closed once res and err are set
	res     *neo4j.EagerResult
	err     error
	elem    *list.Element
}

func newAnswerCache(max int) *answerCache {
	if max <= 0 {
		return nil
	}
	return &answerCache{max: max, byKey: map[string]*answer{}, recency: list.New()}
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
	for c.recency.Len() > c.max {
		c.remove(c.recency.Back().Value.(*answer))
	}
	return a, true
}

// settle records the outcome of a claimed answer and wakes its waiters;
// failed and oversized answers are not kept.
func (c *answerCache) settle(a *answer, res *neo4j.EagerResult, err error) {
	c.mu.Lock()
	a.res, a.err = res, err
	if (err != nil || len(res.Records) > maxKeptRecords) && a.elem != nil && c.byKey[a.key] == a {
		c.remove(a)
	}
	c.mu.Unlock()
	close(a.done)
}

func (c *answerCache) remove(a *answer) {
	c.recency.Remove(a.elem)
	delete(c.byKey, a.key)
}

func (c *answerCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey)
}
