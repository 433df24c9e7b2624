package neo4jstore

import (
	"context"
	"sync/atomic"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// WithStatementCounter is kg.WithRoundTrips, for tests of this package.
func WithStatementCounter(ctx context.Context) (context.Context, *atomic.Int64) {
	return kg.WithRoundTrips(ctx)
}

type statementLogKey struct{}

// WithStatementLog returns a context under which every read statement the
// store runs is also passed to record, with its parameters, before it is
// sent. Benchmarks use it to replay the very Cypher the API sends.
func WithStatementLog(ctx context.Context, record func(query string, params map[string]any)) context.Context {
	return context.WithValue(ctx, statementLogKey{}, record)
}

// readQuery runs one read statement in a read transaction routed to
// readers. Every query the API answers goes through here.
func (s *Store) readQuery(ctx context.Context, query string, params map[string]any) (*neo4j.EagerResult, error) {
	kg.CountRoundTrip(ctx)
	if record, ok := ctx.Value(statementLogKey{}).(func(string, map[string]any)); ok {
		record(query, params)
	}
	return neo4j.ExecuteQuery(ctx, s.driver, query, params, neo4j.EagerResultTransformer, s.read()...)
}
