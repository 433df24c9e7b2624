package neo4jstore

import (
	"testing"

	lru "github.com/hashicorp/golang-lru/v2"
)

// A shared selection is compiled once per place in a statement; each
// statement gets its own copy of the parameters.
func TestProjectKeepsSharedSelections(t *testing.T) {
	kept, _ := lru.New[projectionKey, projection](10)
	s := &Store{projections: kept, metrics: noMetrics{}}
	sel := caseSelection()
	sel.Shared = true

	first := map[string]any{}
	a, err := s.project(sel, "n", "s0_", first)
	if err != nil {
		t.Fatal(err)
	}
	if kept.Len() != 1 || len(first) == 0 {
		t.Fatalf("kept %d projections, %d parameters; want 1 and some", kept.Len(), len(first))
	}
	first["s0_p0"] = "changed by a caller"
	second := map[string]any{}
	b, _ := s.project(sel, "n", "s0_", second)
	if a != b {
		t.Errorf("the same selection compiled to two statements:\n%s\n%s", a, b)
	}
	if second["s0_p0"] == "changed by a caller" {
		t.Error("a caller's change to its parameters reached the kept ones")
	}
	if len(second) != len(first) {
		t.Errorf("%d parameters the second time, %d the first", len(second), len(first))
	}

	// Elsewhere in a statement: parameters of its own names.
	third := map[string]any{}
	c, _ := s.project(sel, "n", "s1_", third)
	if c == a || third["s1_p0"] == nil || kept.Len() != 2 {
		t.Errorf("second place: %d kept, parameters %v", kept.Len(), third)
	}

	// A selection built for one request is compiled and not kept.
	own := caseSelection()
	if _, err := s.project(own, "n", "s0_", map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if kept.Len() != 2 {
		t.Errorf("an unshared selection was kept: %d kept", kept.Len())
	}
}
