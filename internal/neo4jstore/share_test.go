package neo4jstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// slowRead is a statement that keeps its connection until its deadline,
// when Neo4j stops it (its transaction timeout).
func slowRead(s *neo4jstore.Store, ctx context.Context) chan error {
	done := make(chan error, 1)
	query := fmt.Sprintf("UNWIND range(1, 4000000000) AS i WITH i WHERE i < 0 RETURN count(*) AS n // hold-%d", time.Now().UnixNano())
	go func() {
		_, err := s.ReadQuery(ctx, query, nil)
		done <- err
	}()
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
	s := neo4jtest.StoreWith(t, neo4jstore.Options{URI: neo4jtest.URI(t), Database: "neo4j", Connections: neo4jstore.ReservedConnections + 2})
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	held := []chan error{slowRead(s, ctx), slowRead(s, ctx)}

	var err error
	waitFor(t, "a read refused while two slow reads hold the API's two connections", func() bool {
		_, err = s.Stats(context.Background())
		return err != nil
	})
	if kg.ErrorCode(err) != kg.Overloaded {
		t.Fatalf("a read while the API's connections are busy: %v (%s), want %s", err, kg.ErrorCode(err), kg.Overloaded)
	}
	pingCtx, cancelPing := context.WithTimeout(context.Background(), time.Second)
	defer cancelPing()
	if err := s.Ping(pingCtx); err != nil {
		t.Errorf("readiness failed while the API was busy: %v", err)
	}
	for _, h := range held {
		if err := <-h; !errors.Is(err, context.DeadlineExceeded) && kg.ErrorCode(err) != kg.Unavailable {
			t.Errorf("slow read: %v", err)
		}
	}
	// Neo4j ends them at their deadline; then the connections come back.
	waitFor(t, "a read once the slow reads ended", func() bool {
		_, err := s.Stats(context.Background())
		return err == nil
	})
}

// A request runs no more statements at once than its share: the next one
// waits for the first to end, while other requests go ahead.
func TestRequestShareBoundsItsStatements(t *testing.T) {
	s := neo4jtest.StoreWith(t, neo4jstore.Options{URI: neo4jtest.URI(t), Database: "neo4j", Connections: neo4jstore.ReservedConnections + 2})
	request, sent := kg.WithRoundTrips(kg.WithStatementShare(context.Background(), 1))
	ctx, cancel := context.WithTimeout(request, 8*time.Second)
	defer cancel()
	held := slowRead(s, ctx)
	waitFor(t, "the slow read sent", func() bool { return sent.Load() == 1 })

	if _, err := s.Stats(context.Background()); err != nil {
		t.Fatalf("another request's read failed while one request held its share: %v", err)
	}
	waiting, cancelWaiting := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelWaiting()
	if _, err := s.Stats(waiting); err == nil {
		t.Fatal("a second statement of a request with a share of one ran beside its first")
	}
	if n := sent.Load(); n != 1 {
		t.Errorf("the request sent %d statements; its second should have waited for its share", n)
	}
	<-held
}
