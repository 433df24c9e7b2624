package graph

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vektah/gqlparser/v2"
)

// Analysts' everyday queries must stay well inside the limits: the examples
// GraphiQL opens with use at most a quarter of the complexity budget and
// leave room for two more levels of nesting.
func TestExamplesStayWellInsideLimits(t *testing.T) {
	files, _ := filepath.Glob("../internal/server/examples/*.graphql")
	if len(files) == 0 {
		t.Fatal("no example queries found")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc, errs := gqlparser.LoadQuery(parsedSchema, string(src))
			if errs != nil {
				t.Fatalf("example does not validate: %v", errs)
			}
			for _, op := range doc.Operations {
				depth, cost := Measure(doc, op, nil)
				if depth > DefaultLimits.MaxDepth-2 || cost > DefaultLimits.MaxComplexity/4 {
					t.Errorf("depth %d, cost %d: want at most %d and %d", depth, cost, DefaultLimits.MaxDepth-2, DefaultLimits.MaxComplexity/4)
				}
			}
		})
	}
}

func TestMeasureWeighsListsByPageSize(t *testing.T) {
	tests := []struct {
		query       string
		depth, cost int
	}{
		{`{ stats { nodes } }`, 2, 2},
		{`{ node(id: "x") { id } }`, 2, 2},
		// entities(first: 10): 1 + 10 × (edges: 1 + 1 × node-subtree)
		{`{ entities(first: 10) { edges { node { id } } } }`, 4, 1 + 10*(1+(1+1))},
		{`{ entities(first: 10) { totalCount } }`, 2, 1 + 10},
		{`{ node(id: "x") { ... on Person { charges(first: 5) { sentences(first: 2) { kind } } } } }`, 4, 1 + 1 + 5*(1+2*1)},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(parsedSchema, tt.query)
			if errs != nil {
				t.Fatal(errs)
			}
			depth, cost := Measure(doc, doc.Operations[0], nil)
			if depth != tt.depth || cost != tt.cost {
				t.Errorf("depth %d cost %d, want %d and %d", depth, cost, tt.depth, tt.cost)
			}
		})
	}
}
