package graph

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
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

// A fragment that spreads others widely costs what it would expand to;
// past the measurer's budget it is refused as too complex, not reported
// with a depth the query does not have.
func TestFragmentBombIsTooComplex(t *testing.T) {
	var b strings.Builder
	b.WriteString("{ entities(first: 1) { edges { node { ...F0 } } } }\n")
	for i := range 12 {
		fmt.Fprintf(&b, "fragment F%d on Entity { id", i)
		if i < 11 {
			b.WriteString(strings.Repeat(fmt.Sprintf(" ...F%d", i+1), 6))
		}
		b.WriteString(" }\n")
	}
	doc, errs := gqlparser.LoadQuery(parsedSchema, b.String())
	if errs != nil {
		t.Fatal(errs)
	}
	err := DefaultLimits.MutateOperationContext(context.Background(), &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0]})
	if err == nil || err.Extensions["limit"] != "complexity" {
		t.Errorf("got %v, want the complexity limit", err)
	}
}

// GraphiQL fetches the schema with a query whose type references nest
// deeper than the depth limit; it must still pass, or the playground loses
// its documentation and completion.
func TestIntrospectionPassesTheLimits(t *testing.T) {
	query := `query IntrospectionQuery {
	  __schema {
	    queryType { name } mutationType { name }
	    types { ...FullType }
	    directives { name locations args { ...InputValue } }
	  }
	}
	fragment FullType on __Type {
	  kind name description
	  fields(includeDeprecated: true) { name args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
	  inputFields { ...InputValue }
	  interfaces { ...TypeRef }
	  enumValues(includeDeprecated: true) { name isDeprecated deprecationReason }
	  possibleTypes { ...TypeRef }
	}
	fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
	fragment TypeRef on __Type {
	  kind name
	  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
	}`
	doc, errs := gqlparser.LoadQuery(parsedSchema, query)
	if errs != nil {
		t.Fatal(errs)
	}
	depth, cost := Measure(doc, doc.Operations[0], nil)
	if depth > DefaultLimits.MaxDepth || cost > DefaultLimits.MaxComplexity {
		t.Errorf("introspection measures depth %d, cost %d: over the limits %+v", depth, cost, DefaultLimits)
	}
}

// Introspection that fans out (fields of types of fields …) is refused by
// validation before the limits are measured.
func TestNestedIntrospectionIsRefused(t *testing.T) {
	query := `{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }`
	if _, errs := gqlparser.LoadQuery(parsedSchema, query); errs == nil || !strings.Contains(errs.Error(), "introspection depth") {
		t.Errorf("nested introspection was not refused: %v", errs)
	}
}
