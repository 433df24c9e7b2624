package neo4jstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// BulkLoad skips what keeps a re-import exact, but must write what Import
// writes, so that benchmark graphs are the graphs casegraph serves and a
// later import of the same files finds nothing to do.
func TestBulkLoadWritesWhatImportWrites(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	imported, bulk := importFixture(t, uri), importFixture(t, uri)
	importAll(t, s, firstFiles(t, imported))

	files := firstFiles(t, bulk)
	before := graphVersion(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := s.BulkLoad(ctx, files, 3)
	if err != nil {
		t.Fatal(err)
	}
	if res.NodesCreated == 0 || res.RelationshipsCreated == 0 {
		t.Errorf("bulk load reported %s", res)
	}
	if graphVersion(t) == before {
		t.Error("the bulk load did not raise the graph version")
	}
	want := graphUnder(t, uri, imported)
	if n := strings.Count(want, "\n") + 1; n < 15 {
		t.Fatalf("the fixture wrote only %d lines of graph:\n%s", n, want)
	}
	if got := graphUnder(t, uri, bulk); got != want {
		t.Errorf("bulk load wrote\n%s\nimport wrote\n%s", got, want)
	}

	again := importAll(t, s, files)
	unchanged := []string{bulk + "-a.yaml", bulk + "-b.yaml", bulk + "-c.yaml"}
	if again.String() != (kg.ImportResult{}).String() || !slices.Equal(again.Unchanged, unchanged) {
		t.Errorf("importing the bulk-loaded files: %s, skipped %v; want no change, skipped %v", again, again.Unchanged, unchanged)
	}
}

// A load cut short has committed what it wrote so far: the graph version
// must still be raised, so answers kept from before are not given again.
func TestCancelledBulkLoadRaisesTheVersion(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	files := firstFiles(t, importFixture(t, uri))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := graphVersion(t)
	if _, err := s.BulkLoad(ctx, files, 3); err == nil {
		t.Fatal("a bulk load with a cancelled context succeeded")
	}
	if graphVersion(t) == before {
		t.Error("the cancelled bulk load did not raise the graph version")
	}
}
