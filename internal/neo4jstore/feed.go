package neo4jstore

import (
	"context"
	"sync"

	"github.com/casegraph/casegraph/internal/kg"
)

// The change feed: the (:Change) records every write makes, read in the
// order of their feed numbers (see recordChanges). Subscriptions read it
// here, whichever process wrote them: this service, another instance or a
// casegraph import.

// LatestChange returns the feed number of the last change recorded, 0 if
// none was.
func (s *Store) LatestChange(ctx context.Context) (int64, error) {
	res, err := s.readOwn(ctx, `OPTIONAL MATCH (g:GraphState {id: 'graph'}) RETURN coalesce(g.changes, 0) AS feed`, nil)
	if err != nil {
		return 0, translate(err, "reading the change feed failed")
	}
	return col[int64](res.Records[0], "reading the change feed", "feed")
}

// ChangesAfter returns up to limit changes whose feed numbers follow
// after, in feed order. A change is visible only once every change
// numbered before it is: writes take their numbers under the graph's write
// lock, and commit before the next write can take one.
func (s *Store) ChangesAfter(ctx context.Context, after int64, limit int) ([]kg.Change, error) {
	res, err := s.readQuery(ctx, `
		MATCH (c:Change) WHERE c.feed > $after AND `+seenNeeds("c")+`
		RETURN `+changeColumns+`
		ORDER BY c.feed
		LIMIT $limit`, map[string]any{"after": after, "limit": int64(limit)})
	if err != nil {
		return nil, translate(err, "reading the change feed failed")
	}
	return changesOf(res.Records, "reading the change feed failed")
}

// Committed returns a channel closed when a write of this store next
// commits, so a reader of the feed need not wait for its next poll to see
// a change made here.
func (s *Store) Committed() <-chan struct{} { return s.commits.wait() }

// signal is a broadcast: every channel wait returned is closed by the next
// fire.
type signal struct {
	mu sync.Mutex
	ch chan struct{}
}

func (s *signal) wait() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}

func (s *signal) fire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch != nil {
		close(s.ch)
		s.ch = nil
	}
}
