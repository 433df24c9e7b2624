package neo4jstore

import (
	"strings"
	"testing"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/casegraph/casegraph/internal/kg"
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

// A field selected alike for every type an entity may be is written once,
// not once per type: the planning of a statement grows with its size, and
// an interface's fields asked of a list of nodes would repeat fifteen
// times. A field that differs by type keeps a branch per type.
func TestEntityWritesASharedFieldOnce(t *testing.T) {
	citations := &kg.Selection{Fields: []kg.SelectedField{{Name: "paragraph"}, {Name: "quote"}}}
	sel := &kg.Selection{ByType: map[kg.EntityType][]kg.SelectedField{}}
	for _, typ := range kg.EntityTypes {
		sel.ByType[typ] = []kg.SelectedField{{Name: "id"}, {Name: "name"}, {Name: "type"}, {Name: "citations", Sel: citations}}
	}
	sel.ByType[kg.Case] = append(sel.ByType[kg.Case], kg.SelectedField{Name: "kind"})
	c := &compiler{params: map[string]any{}}
	cypher, err := c.entity("n", sel, 0)
	if err != nil {
		t.Fatal(err)
	}
	for what, want := range map[string]int{
		"coalesce(n.name, n.title)":              1, // name, alike for all
		"MATCH (q:Passage":                       1, // a citation's quote, alike for all
		"'PERSON'":                               1, // type, one branch a type
		"'CASE'":                                 1,
		"kind: CASE WHEN n:Case THEN n.kind END": 1, // selected for one type
	} {
		if got := strings.Count(cypher, what); got != want {
			t.Errorf("%q is written %d times, want %d:\n%s", what, got, want, cypher)
		}
	}
}
