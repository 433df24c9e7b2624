package neo4jstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// holdWriteLock takes the graph's write lock in a transaction of its own,
// as a long import from another casegraph process would, until release:
// the store's next write then waits in Neo4j, holding its connection and
// costing no CPU.
func holdWriteLock(t *testing.T) (release func()) {
	t.Helper()
	ctx := context.Background()
	d, err := neo4j.NewDriverWithContext(neo4jtest.URI(t), neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	sess := d.NewSession(ctx, neo4j.SessionConfig{DatabaseName: "neo4j"})
	tx, err := sess.BeginTransaction(ctx)
	if err == nil {
		var res neo4j.ResultWithContext
		if res, err = tx.Run(ctx, "MERGE (g:GraphState {id: 'graph'}) SET g.writes = coalesce(g.writes, 0) + 1", nil); err == nil {
			_, err = res.Consume(ctx)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	done := false
	release = func() {
		if !done {
			done = true
			_ = tx.Rollback(ctx)
			_ = sess.Close(ctx)
			_ = d.Close(ctx)
		}
	}
	t.Cleanup(release)
	return release
}

// blockedWrite starts a write that waits for the lock holdWriteLock holds,
// and returns once Neo4j shows it waiting.
func blockedWrite(t *testing.T, s *neo4jstore.Store, ctx context.Context) chan error {
	t.Helper()
	done := make(chan error, 1)
	id := fmt.Sprintf("source/blocked-%d", time.Now().UnixNano())
	go func() {
		_, err := s.SaveEntity(ctx, kg.Entity{ID: id, Type: kg.Source, Props: map[string]any{"title": "T", "publisher": "P"}}, nil, 0, kg.Edit{Actor: "test"})
		done <- err
	}()
	waitFor(t, "the write waiting for the lock", func() bool {
		recs := neo4jtest.Exec(t, neo4jtest.URI(t), `SHOW TRANSACTIONS YIELD currentQuery, status
			WHERE currentQuery CONTAINS 'GraphState' AND status STARTS WITH 'Blocked' RETURN count(*) AS n`, nil)
		n, _ := recs[0].Get("n")
		return n.(int64) > 0
	})
	return done
}

// waitFor polls cond until it holds; the limit is a guard, far beyond what
// a working store needs.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
	}
}

// When every connection the API may use is busy, a statement is answered
// OVERLOADED, not UNAVAILABLE: Neo4j is there, and readiness checks still
// find a connection of their own.
func TestBusyConnectionsAnswerOverloaded(t *testing.T) {
	s := neo4jtest.StoreWith(t, neo4jstore.Options{URI: neo4jtest.URI(t), Database: "neo4j", Connections: neo4jstore.ReservedConnections + 1})
	release := holdWriteLock(t)
	held := blockedWrite(t, s, context.Background())

	_, err := s.Stats(context.Background())
	if kg.ErrorCode(err) != kg.Overloaded {
		t.Fatalf("a read while the API's one connection is busy: %v (%s), want %s", err, kg.ErrorCode(err), kg.Overloaded)
	}
	pingCtx, cancelPing := context.WithTimeout(context.Background(), time.Second)
	defer cancelPing()
	if err := s.Ping(pingCtx); err != nil {
		t.Errorf("readiness failed while the API was busy: %v", err)
	}
	release()
	if err := <-held; err != nil {
		t.Errorf("the write that waited: %v", err)
	}
	if _, err := s.Stats(context.Background()); err != nil {
		t.Errorf("a read once the connection came back: %v", err)
	}
}

// A request runs no more statements at once than its share: the next one
// waits for the first to end, while other requests go ahead.
func TestRequestShareBoundsItsStatements(t *testing.T) {
	s := neo4jtest.StoreWith(t, neo4jstore.Options{URI: neo4jtest.URI(t), Database: "neo4j", Connections: neo4jstore.ReservedConnections + 2})
	request, sent := kg.WithRoundTrips(kg.WithStatementShare(context.Background(), 1))
	release := holdWriteLock(t)
	held := blockedWrite(t, s, request)

	if _, err := s.Stats(context.Background()); err != nil {
		t.Fatalf("another request's read failed while one request held its share: %v", err)
	}
	waiting, cancelWaiting := context.WithTimeout(request, 300*time.Millisecond)
	defer cancelWaiting()
	if _, err := s.Stats(waiting); err == nil {
		t.Fatal("a second statement of a request with a share of one ran beside its first")
	}
	if n := sent.Load(); n != 1 {
		t.Errorf("the request sent %d statements; its second should have waited for its share", n)
	}
	release()
	if err := <-held; err != nil {
		t.Errorf("the write that waited: %v", err)
	}
}
