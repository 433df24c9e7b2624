package neo4jstore

import (
	"context"
	"sync/atomic"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

type counterKey struct{}

// WithStatementCounter returns a context under which the store counts the
// Cypher statements it sends, and the counter. The API uses it to log round
// trips per request, and tests to prove that no request grows with its
// results.
func WithStatementCounter(ctx context.Context) (context.Context, *atomic.Int64) {
	c := new(atomic.Int64)
	return context.WithValue(ctx, counterKey{}, c), c
}

func countStatement(ctx context.Context) {
	if c, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		c.Add(1)
	}
}

// readQuery runs one read statement in a read transaction routed to
// readers. Every query the API answers goes through here.
func (s *Store) readQuery(ctx context.Context, query string, params map[string]any) (*neo4j.EagerResult, error) {
	countStatement(ctx)
	return neo4j.ExecuteQuery(ctx, s.driver, query, params, neo4j.EagerResultTransformer, s.read()...)
}
