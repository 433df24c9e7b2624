package neo4jstore

import (
	"context"
	"sync/atomic"
	"time"

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
//
// The driver is given the request's context without its deadline: with a
// deadline it races every socket read and write against it in a goroutine
// of its own, dozens per statement and a tenth of the service's CPU under
// load. The deadline is kept instead by Neo4j, as the transaction's
// timeout, which also stops the statement there rather than leaving it
// running, and by one goroutine per statement that stops waiting when the
// deadline passes.
func (s *Store) readQuery(ctx context.Context, query string, params map[string]any) (*neo4j.EagerResult, error) {
	kg.CountRoundTrip(ctx)
	if record, ok := ctx.Value(statementLogKey{}).(func(string, map[string]any)); ok {
		record(query, params)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		return neo4j.ExecuteQuery(ctx, s.driver, query, params, neo4j.EagerResultTransformer, s.read()...)
	}
	left := time.Until(deadline)
	if left <= 0 {
		return nil, context.DeadlineExceeded
	}
	// Neo4j counts the timeout in milliseconds, and takes 0 as none.
	left = max(left.Round(time.Millisecond), time.Millisecond)
	opts := append(s.read(), neo4j.ExecuteQueryWithTransactionConfig(neo4j.WithTxTimeout(left)))
	type answer struct {
		res *neo4j.EagerResult
		err error
	}
	done := make(chan answer, 1)
	s.reads.Add(1)
	go func() {
		defer s.reads.Done()
		res, err := neo4j.ExecuteQuery(noDeadline{ctx}, s.driver, query, params, neo4j.EagerResultTransformer, opts...)
		done <- answer{res, err}
	}()
	select {
	case a := <-done:
		return a.res, a.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// noDeadline is a context with its parent's values and cancellation but
// no deadline; see readQuery.
type noDeadline struct{ context.Context }

func (noDeadline) Deadline() (time.Time, bool) { return time.Time{}, false }
