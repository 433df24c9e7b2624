package neo4jstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// lateFile is a case file of two people, the relationship between them and
// their source,
// imported while an export reads: between the statement that reads
// entities and the one that reads relationships.
const lateFile = `version: 1
sources:
  - id: source/{tag}-late{n}
    title: Late report
    publisher: Someone
entities:
  - id: person/{tag}-late-a{n}
    type: Person
    name: Late A
    cite: [source/{tag}-late{n}#p1]
  - id: person/{tag}-late-b{n}
    type: Person
    name: Late B
    cite: [source/{tag}-late{n}#p1]
relations:
  - type: RELATIVE_OF
    from: person/{tag}-late-a{n}
    to: person/{tag}-late-b{n}
    cite: [source/{tag}-late{n}#p1]
`

// importLate imports lateFile under tag, its IDs numbered n.
func importLate(t *testing.T, s *neo4jstore.Store, tag string, n int) {
	t.Helper()
	importAll(t, s, batchesOf(t, tag, fmt.Sprintf("late-%d.yaml", n), strings.ReplaceAll(lateFile, "{n}", fmt.Sprint(n))))
}

// A write that commits while an export reads is wholly in the export: the
// export does not show the write's relationship without its entities.
// (Not parallel: the hook is the package's.)
func TestExportHoldsAWriteWhollyOrNotAtAll(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	tag := importFixture(t, uri)
	written := false
	undo := neo4jstore.BetweenExportReads(func() {
		if !written {
			written = true
			importLate(t, s, tag, 1)
		}
	})
	defer undo()
	batches, err := s.ReadBatches(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !written {
		t.Fatal("the hook did not run: the test tests nothing")
	}
	i := slices.IndexFunc(batches, func(b kg.Batch) bool { return b.Origin == tag+"-late-1.yaml" })
	if i < 0 {
		t.Fatalf("the file imported during the export is missing from it")
	}
	if b := batches[i]; len(b.Entities) != 3 || len(b.Links) != 1 {
		t.Errorf("the file imported during the export has %d entities and %d relationships, want 3 (two people and their source) and 1", len(b.Entities), len(b.Links))
	}
}

// An export that a write overlaps every time it reads gives up, saying
// so, rather than returning a graph that never was.
func TestExportFailsClearlyWhenWritesNeverStop(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	tag := importFixture(t, uri)
	n := 0
	undo := neo4jstore.BetweenExportReads(func() {
		n++
		importLate(t, s, tag, n)
	})
	defer undo()
	_, err := s.ReadBatches(context.Background())
	if kg.ErrorCode(err) != kg.Unavailable || !strings.Contains(kg.ErrorMessage(err), "changed while") {
		t.Errorf("ReadBatches = %v, want UNAVAILABLE saying the graph changed while it was read", err)
	}
	if n < 2 {
		t.Errorf("%d reads, want the export to try again before giving up", n)
	}
}
