package main

import (
	"encoding/json"
	"slices"
	"testing"
)

func facts(t *testing.T, doc string) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	collect(v, &out)
	slices.Sort(out)
	return out
}

// The two servers shape a case differently; the facts must still match,
// and a missing charge must not.
func TestCollectComparesFactsNotShapes(t *testing.T) {
	cg := `{"node": {"id": "case/1", "name": "A", "courts": [{"role": "x", "entity": {"id": "court/1"}}],
		"charges": [{"id": "charge/1"}, {"id": "charge/2"}]}}`
	ng := `{"cases": [{"id": "case/1", "name": "A", "courtsConnection": {"edges": [{"node": {"id": "court/1"}}]},
		"charges": [{"id": "charge/2"}, {"id": "charge/1"}]}]}`
	short := `{"cases": [{"id": "case/1", "courtsConnection": {"edges": [{"node": {"id": "court/1"}}]},
		"charges": [{"id": "charge/2"}]}]}`
	if a, b := facts(t, cg), facts(t, ng); !slices.Equal(a, b) {
		t.Errorf("same data compared unequal: %v vs %v", a, b)
	}
	if a, b := facts(t, cg), facts(t, short); slices.Equal(a, b) {
		t.Errorf("a missing charge went unnoticed: %v", b)
	}
	// A graph view's keys and the entity and relationship they stand for.
	if a, b := facts(t, `{"nodes": [{"id": "GraphNode:person/1"}], "edges": [{"id": "GraphEdge:CHARGED_WITH:person/1->charge/1"}]}`),
		facts(t, `{"nodes": [{"id": "person/1"}], "edges": [{"id": "CHARGED_WITH:person/1->charge/1"}]}`); !slices.Equal(a, b) {
		t.Errorf("an edge compared unequal to its relationship: %v vs %v", a, b)
	}
	counts := facts(t, `{"counts": [{"key": "a", "label": "A", "count": 3}]}`)
	if !slices.Equal(counts, []string{"count=3", "key=a"}) {
		t.Errorf("counts: %v", counts)
	}
}

func TestSelectQueries(t *testing.T) {
	reqs := []Request{{Name: "node"}, {Name: "search"}, {Name: "node"}, {Name: "counts"}}
	got, err := selectQueries(reqs, "node,counts")
	if err != nil || len(got) != 3 || got[0].Name != "node" || got[2].Name != "counts" {
		t.Errorf("got %v, %v", got, err)
	}
	if all, _ := selectQueries(reqs, ""); len(all) != 4 {
		t.Errorf("no filter kept %d of 4", len(all))
	}
	if _, err := selectQueries(reqs, "nodes"); err == nil {
		t.Error("an unknown query name was accepted")
	}
}
