package graph

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func TestUsesVariables(t *testing.T) {
	tests := []struct {
		query string
		want  bool
	}{
		{`{ node(id: "x") { id ... on Person { charges(first: 2) { id } } } }`, false},
		{`query($id: ID!) { node(id: $id) { id } }`, false}, // the root field's own argument is not below it
		{`query($n: Int) { node(id: "x") { ... on Person { charges(first: $n) { id } } } }`, true},
		{`query($t: [EntityType!]) { node(id: "x") { id } entities(types: $t) { totalCount } }`, false}, // nor another root field's
		{`query($b: Boolean!) { node(id: "x") { ... on Person { name @include(if: $b) } } }`, true},
		{`query($b: Boolean!) { node(id: "x") { ... on Person @skip(if: $b) { name } } }`, true},
		{`query($b: Boolean!) { node(id: "x") { ...P @include(if: $b) } } fragment P on Person { name }`, true},
		{`query($n: Int) { node(id: "x") { ...P } } fragment P on Person { charges(first: $n) { id } }`, true},
		{`{ node(id: "x") { ...P ...P } } fragment P on Person { name }`, false},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(parsedSchema, tt.query)
			if errs != nil {
				t.Fatal(errs)
			}
			set := doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet
			if got := usesVariables(doc, set, map[string]bool{}); got != tt.want {
				t.Errorf("usesVariables = %v, want %v", got, tt.want)
			}
		})
	}
}

// A selection set without variables is built once per document; one with
// variables is built for each request.
func TestKeptSelection(t *testing.T) {
	build := func(query string, vars map[string]any) (*graphql.OperationContext, ast.SelectionSet) {
		doc, errs := gqlparser.LoadQuery(parsedSchema, query)
		if errs != nil {
			t.Fatal(errs)
		}
		op := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0], Variables: vars}
		return op, doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet
	}
	op, set := build(`{ node(id: "x") { ... on Person { name charges { id } } } }`, nil)
	a, err := keptSelection(op, set, "Node")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := keptSelection(op, set, "Node")
	if a != b || !a.Shared {
		t.Errorf("constant selection: built twice (%p, %p) or not shared (%v)", a, b, a.Shared)
	}
	// The same text parsed again is other nodes: a selection of its own.
	op2, set2 := build(`{ node(id: "x") { ... on Person { name charges { id } } } }`, nil)
	if c, _ := keptSelection(op2, set2, "Node"); c == a {
		t.Error("a new document's nodes were answered with another document's selection")
	}

	const query = `query($n: Int) { node(id: "x") { ... on Person { charges(first: $n) { id } } } }`
	op, set = build(query, map[string]any{"n": 1})
	one, _ := keptSelection(op, set, "Node")
	op.Variables = map[string]any{"n": 2}
	two, _ := keptSelection(op, set, "Node")
	if one == two || one.Shared || two.Shared {
		t.Fatalf("selection with variables kept: %p %p", one, two)
	}
	if got := two.ByType["Person"][0].Args["first"]; got != int64(2) && got != 2 {
		t.Errorf("first = %v (%T), want 2", got, got)
	}
}

func TestHasVariableLooksIntoListsAndObjects(t *testing.T) {
	doc, errs := gqlparser.LoadQuery(parsedSchema, `query($t: EntityType!, $d: OrderDirection!) {
		entities(types: [PERSON, $t], orderBy: {field: NAME, direction: $d}, first: 2) { totalCount }
	}`)
	if errs != nil {
		t.Fatal(errs)
	}
	want := map[string]bool{"types": true, "orderBy": true, "first": false}
	for _, a := range doc.Operations[0].SelectionSet[0].(*ast.Field).Arguments {
		if got := hasVariable(a.Value); got != want[a.Name] {
			t.Errorf("%s: hasVariable = %v, want %v", a.Name, got, want[a.Name])
		}
	}
}

// A fragment on Investigation, a Node the store reads apart, asks nothing
// of an entity's projection: before, node(id:) of an entity with it failed
// with no read model for Investigation's fields.
func TestEntitySelectionLeavesOutNodesThatAreNotEntities(t *testing.T) {
	doc, errs := gqlparser.LoadQuery(parsedSchema, `{ node(id: "person/x") { id ... on Investigation { entityIds name } ... on Person { name } } }`)
	if errs != nil {
		t.Fatal(errs)
	}
	op := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0]}
	sel, err := buildSelection(op, doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet, "Node")
	if err != nil {
		t.Fatal(err)
	}
	if fields, ok := sel.ByType["Investigation"]; ok {
		t.Errorf("the entity selection holds Investigation's fields %+v", fields)
	}
	if len(sel.ByType["Person"]) != 2 || len(sel.ByType["Case"]) != 1 {
		t.Errorf("Person's fields %+v and Case's %+v, want id and name, and id", sel.ByType["Person"], sel.ByType["Case"])
	}
}
