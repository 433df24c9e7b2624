package neo4jstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

func TestStatsReadsWhatWasWritten(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	ctx := context.Background()
	before, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prefix := fmt.Sprintf("person/stats-test-%d", time.Now().UnixNano())
	neo4jtest.Exec(t, uri, "UNWIND range(1, 3) AS i CREATE (:Entity:Person {id: $prefix + '-' + i})", map[string]any{"prefix": prefix})
	t.Cleanup(func() {
		neo4jtest.Exec(t, uri, "MATCH (n:Person) WHERE n.id STARTS WITH $prefix DELETE n", map[string]any{"prefix": prefix})
	})
	after, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.ByType) != len(kg.EntityTypes) {
		t.Fatalf("Stats gave %d types, want %d", len(after.ByType), len(kg.EntityTypes))
	}
	if after.ByType[0].Type != kg.Person || after.ByType[0].Count < before.ByType[0].Count+3 {
		t.Errorf("Person count went from %d to %d, want at least 3 more", before.ByType[0].Count, after.ByType[0].Count)
	}
	if after.Nodes < before.Nodes+3 {
		t.Errorf("node count went from %d to %d, want at least 3 more", before.Nodes, after.Nodes)
	}
}

// A routing URI (neo4j://), which a cluster needs, works against a single
// server too, which answers the driver's routing request with itself: a
// write, then reads of each kind the store makes (one statement, and a
// read transaction of several) see it.
func TestRoutingURIReadsItsOwnWrites(t *testing.T) {
	uri := neo4jtest.URI(t)
	routed, ok := strings.CutPrefix(uri, "bolt://")
	if !ok {
		t.Skipf("the test Neo4j's address %s is not bolt://", uri)
	}
	s := neo4jtest.StoreAt(t, "neo4j://"+routed)
	ctx := context.Background()
	id := fmt.Sprintf("source/routing-test-%d", time.Now().UnixNano())
	src := kg.Entity{ID: id, Type: kg.Source, Props: map[string]any{"title": "Routed", "publisher": "P"}}
	if _, err := s.SaveEntity(ctx, src, nil, 0, kg.Edit{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { neo4jtest.Exec(t, uri, "MATCH (n:Entity {id: $id}) DETACH DELETE n", map[string]any{"id": id}) })
	b, err := s.ReadEntity(ctx, id)
	if err != nil || len(b.Entities) != 1 || b.Entities[0].Props["title"] != "Routed" {
		t.Errorf("ReadEntity through neo4j:// = %+v, %v; want the source just saved", b, err)
	}
	batches, err := s.ReadBatches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, b := range batches {
		for _, e := range b.Entities {
			found = found || e.ID == id
		}
	}
	if !found {
		t.Errorf("ReadBatches through neo4j:// did not see %s", id)
	}
}

func TestUnreachableNeo4jIsUnavailable(t *testing.T) {
	port := neo4jtest.FreePort(t) // nothing listens there
	s, err := neo4jstore.Open(neo4jstore.Options{URI: fmt.Sprintf("bolt://127.0.0.1:%d", port), Database: "neo4j"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for name, call := range map[string]func() error{
		"ping":  func() error { return s.Ping(ctx) },
		"stats": func() error { _, err := s.Stats(ctx); return err },
	} {
		err := call()
		if code := kg.ErrorCode(err); code != kg.Unavailable {
			t.Errorf("%s: code %s (%v), want %s", name, code, err, kg.Unavailable)
		}
	}
}

func TestSplitStatements(t *testing.T) {
	src := "// a comment\nCREATE CONSTRAINT a IF NOT EXISTS\n  FOR (n:X) REQUIRE n.id IS UNIQUE;\n\nCREATE INDEX b IF NOT EXISTS FOR (n:Y) ON (n.p);\n"
	ms := neo4jstore.SplitStatements(src)
	want := []string{
		"CREATE CONSTRAINT a IF NOT EXISTS FOR (n:X) REQUIRE n.id IS UNIQUE",
		"CREATE INDEX b IF NOT EXISTS FOR (n:Y) ON (n.p)",
	}
	if fmt.Sprint(ms) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", ms, want)
	}
}

// An export reads one state of the graph: a write that commits while it
// reads makes it read again, and what it returns holds the write; a
// graph that changes during every read fails UNAVAILABLE rather than
// return a mix of states.
func TestReadBatchesReadsAgainAfterAWrite(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := context.Background()
	prefix := fmt.Sprintf("source/export-consistency-%d", time.Now().UnixNano())
	n := 0
	save := func() {
		n++
		id := fmt.Sprintf("%s-%d", prefix, n)
		if _, err := s.SaveEntity(ctx, kg.Entity{ID: id, Type: kg.Source, Props: map[string]any{"title": "T", "publisher": "P"}}, nil, 0, kg.Edit{Actor: "test"}); err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(func() {
		neo4jtest.Exec(t, neo4jtest.URI(t), "MATCH (n:Entity) WHERE n.id STARTS WITH $p DETACH DELETE n", map[string]any{"p": prefix})
	})
	exported := func(batches []kg.Batch) int {
		count := 0
		for _, b := range batches {
			for _, e := range b.Entities {
				if strings.HasPrefix(e.ID, prefix) {
					count++
				}
			}
		}
		return count
	}

	reads := 0
	undo := neo4jstore.DuringExport(func() {
		reads++
		if reads == 1 {
			save() // commits between this read's queries and its check
		}
	})
	batches, err := s.ReadBatches(ctx)
	undo()
	if err != nil {
		t.Fatal(err)
	}
	if reads != 2 || exported(batches) != 1 {
		t.Errorf("export read %d times and holds %d of the 1 source written during the first read; want 2 reads and the source", reads, exported(batches))
	}

	undo = neo4jstore.DuringExport(save)
	_, err = s.ReadBatches(ctx)
	undo()
	if kg.ErrorCode(err) != kg.Unavailable {
		t.Errorf("export of a graph written during every read: %v, want UNAVAILABLE", err)
	}
}
