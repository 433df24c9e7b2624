package neo4jstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// A read under a request's deadline must not cost a goroutine per socket
// read: with one, the driver races each read against the deadline, and
// does so for every read when Neo4j sends a receive-timeout hint.
func TestReadsDoNotRaceEachSocketRead(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const query = "UNWIND range(1, 60) AS i RETURN i"
	if _, err := s.ReadQuery(ctx, query, nil); err != nil {
		t.Fatal(err)
	}
	const n = 50
	before := neo4jtest.GoroutinesCreated(t)
	for range n {
		res, err := s.ReadQuery(ctx, query, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Records) != 60 {
			t.Fatalf("got %d rows, want 60", len(res.Records))
		}
	}
	// A statement of 60 rows takes about 200 socket reads; racing them
	// would start as many goroutines.
	if per := float64(neo4jtest.GoroutinesCreated(t)-before) / n; per > 20 {
		t.Errorf("%.0f goroutines started per statement of 60 rows: the driver races its socket reads "+
			"(a deadline reached the driver, or Neo4j sends a receive-timeout hint: "+
			"server.bolt.connection_keep_alive_for_requests must not be ALL)", per)
	}
}

// A read that outlives its request's deadline returns then, and Neo4j
// stops running it rather than finishing it for nobody.
func TestReadStopsAtItsDeadline(t *testing.T) {
	s := neo4jtest.Store(t)
	marker := fmt.Sprintf("slow-read-%d", time.Now().UnixNano())
	// Minutes of work that returns nothing until it is done.
	query := "UNWIND range(1, 4000000000) AS i WITH i WHERE i < 0 RETURN count(*) AS n // " + marker
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := s.ReadQuery(ctx, query, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a read past its deadline gave %v, want the deadline's error", err)
	}

	d, err := neo4j.NewDriverWithContext(neo4jtest.URI(t), neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	running := func() int64 {
		res, err := neo4j.ExecuteQuery(context.Background(), d,
			"SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS $marker RETURN count(*) AS n",
			map[string]any{"marker": marker}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase("neo4j"))
		if err != nil {
			t.Fatal(err)
		}
		n, _, _ := neo4j.GetRecordValue[int64](res.Records[0], "n")
		return n
	}
	for stop := time.Now().Add(30 * time.Second); running() > 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(stop) {
			t.Fatal("Neo4j still runs the statement 30 s after its deadline")
		}
	}
}
