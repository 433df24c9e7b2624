// The read path: every statement the API answers is sent from here.
//
// readQuery takes a place among the connections the API may use, counts
// the round trip and logs the statement for benchmarks, keeps the request's
// deadline as Neo4j's transaction timeout, and sends the statement as an
// auto-commit read (autoCommit), which retryRead sends again on the errors
// the driver would retry. runOnce collects one answer; the statement metrics
// are taken around it.

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

// readQuery runs one read statement in an auto-commit transaction routed
// to readers. Every query the API answers goes through here, and waits
// here for its place among the connections the API may use (enter). A
// transaction function (neo4j.ExecuteQuery) would add a round trip to
// commit after the answer, 0.15 ms of a 0.6 ms ID lookup; a read has
// nothing to commit.
//
// The driver is given the request's context without its deadline: with a
// deadline it races every socket read and write against it in a goroutine
// of its own, dozens per statement and a tenth of the service's CPU under
// load. The deadline is kept instead by Neo4j, as the transaction's
// timeout, which also stops the statement there rather than leaving it
// running, and by one goroutine per statement that stops waiting when the
// deadline passes.
//
// It sends the reader's sight with the statement, and refuses one that
// does not apply it (sight.go).
func (s *Store) readQuery(ctx context.Context, query string, params map[string]any) (*neo4j.EagerResult, error) {
	if !usesSight(query) {
		return nil, kg.Errorf(kg.Internal, "a read statement does not apply the reader's sight")
	}
	return s.send(ctx, query, withSight(ctx, params))
}

// readOwn is readQuery for a statement that reads only the store's own
// nodes (readsOwnOnly), which hold no facts and need no sight.
func (s *Store) readOwn(ctx context.Context, query string, params map[string]any) (*neo4j.EagerResult, error) {
	if !readsOwnOnly(query) {
		return nil, kg.Errorf(kg.Internal, "a statement read as the store's own reads facts")
	}
	return s.send(ctx, query, params)
}

func (s *Store) send(ctx context.Context, query string, params map[string]any) (*neo4j.EagerResult, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	kg.CountRoundTrip(ctx)
	if record, ok := ctx.Value(statementLogKey{}).(func(string, map[string]any)); ok {
		record(query, params)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		defer leave()
		return s.autoCommit(ctx, query, params)
	}
	left := time.Until(deadline)
	if left <= 0 {
		leave()
		return nil, context.DeadlineExceeded
	}
	// Neo4j counts the timeout in milliseconds, and takes 0 as none.
	left = max(left.Round(time.Millisecond), time.Millisecond)
	type answer struct {
		res *neo4j.EagerResult
		err error
	}
	done := make(chan answer, 1)
	s.inFlight.Add(1)
	go func() {
		// The connection stays taken until the statement ends, even when
		// the caller stopped waiting for it, so that is when it leaves.
		defer s.inFlight.Done()
		defer leave()
		res, err := s.autoCommit(noDeadline{ctx}, query, params, neo4j.WithTxTimeout(left))
		done <- answer{res, err}
	}()
	select {
	case a := <-done:
		return a.res, a.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// autoCommit runs a read statement in an auto-commit transaction and
// collects its answer. The driver retries transaction functions but not
// these, so autoCommit retries what the driver would (a pooled connection Neo4j
// has closed, a transient error) for as long as the driver would: a read
// can be sent again without harm.
func (s *Store) autoCommit(ctx context.Context, query string, params map[string]any, config ...func(*neo4j.TransactionConfig)) (*neo4j.EagerResult, error) {
	return retryRead(ctx, maxRetryTime, func() (*neo4j.EagerResult, error) {
		return s.autoCommitOnce(ctx, neo4j.AccessModeRead, query, params, config)
	})
}

// retryRead calls read until it succeeds, fails with an error not worth
// retrying, or the next try would start after budget has passed.
func retryRead(ctx context.Context, budget time.Duration, read func() (*neo4j.EagerResult, error)) (*neo4j.EagerResult, error) {
	start := time.Now()
	wait := 10 * time.Millisecond
	for {
		res, err := read()
		if err == nil || !neo4j.IsRetryable(err) || ctx.Err() != nil || time.Since(start)+wait > budget {
			return res, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func (s *Store) autoCommitOnce(ctx context.Context, mode neo4j.AccessMode, query string, params map[string]any, config []func(*neo4j.TransactionConfig)) (*neo4j.EagerResult, error) {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{
		DatabaseName:    s.db,
		AccessMode:      mode,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(), // as neo4j.ExecuteQuery does
	})
	defer session.Close(ctx)
	st := s.begin(ctx, mode, query)
	res, err := s.runOnce(ctx, session, query, params, config)
	st.end(res, err)
	return res, err
}

// modeLabel is a statement's mode as the metrics name it.
func modeLabel(mode neo4j.AccessMode) string {
	if mode == neo4j.AccessModeWrite {
		return "write"
	}
	return "read"
}

func (s *Store) runOnce(ctx context.Context, session neo4j.SessionWithContext, query string, params map[string]any, config []func(*neo4j.TransactionConfig)) (*neo4j.EagerResult, error) {
	res, err := session.Run(ctx, query, params, config...)
	if err != nil {
		return nil, err
	}
	records, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := res.Keys()
	if err != nil {
		return nil, err
	}
	summary, err := res.Consume(ctx)
	if err != nil {
		return nil, err
	}
	return &neo4j.EagerResult{Keys: keys, Records: records, Summary: summary}, nil
}

// noDeadline is a context with its parent's values and cancellation but
// no deadline; see readQuery.
type noDeadline struct{ context.Context }

func (noDeadline) Deadline() (time.Time, bool) { return time.Time{}, false }
