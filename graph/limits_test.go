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
	"github.com/vektah/gqlparser/v2/gqlerror"
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
				m := Measure(doc, op, nil)
				t.Logf("%+v", m)
				if m.Depth > DefaultLimits.MaxDepth-2 || m.Complexity > DefaultLimits.MaxComplexity/4 || m.Cost > DefaultLimits.MaxCost/2 {
					t.Errorf("%+v: want depth at most %d, complexity %d and cost %d", m, DefaultLimits.MaxDepth-2, DefaultLimits.MaxComplexity/4, DefaultLimits.MaxCost/2)
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
			m := Measure(doc, doc.Operations[0], nil)
			if m.Depth != tt.depth || m.Complexity != tt.cost {
				t.Errorf("depth %d complexity %d, want %d and %d", m.Depth, m.Complexity, tt.depth, tt.cost)
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
	m := Measure(doc, doc.Operations[0], nil)
	t.Logf("%+v", m)
	if m.Depth > DefaultLimits.MaxDepth || m.Complexity > DefaultLimits.MaxComplexity || m.Cost > DefaultLimits.MaxCost || m.Schemas != 1 {
		t.Errorf("introspection measures %+v: over the limits %+v", m, DefaultLimits)
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

// The root fields that make the database work cost by their arguments;
// the rest cost one lookup, plus one for every 1,000 fields of answer.
func TestRootFieldsCostByTheirArguments(t *testing.T) {
	tests := []struct {
		query string
		vars  map[string]any
		cost  int
	}{
		{`{ node(id: "x") { id } }`, nil, 1},
		{`{ stats { nodes } }`, nil, 1},
		{`{ __typename }`, nil, 0},
		{`{ neighbourhood(id: "x") { truncated } }`, nil, 1 + 1*100/75},
		{`{ neighbourhood(id: "x", depth: 3, limit: 400) { truncated } }`, nil, 1 + 3*400/75},
		{`query($d: Int, $l: Int) { neighbourhood(id: "x", depth: $d, limit: $l) { truncated } }`, map[string]any{"d": int64(3), "l": int64(500)}, 1 + 3*500/75},
		// Out of range: the resolver refuses it; it costs as the bound.
		{`{ neighbourhood(id: "x", depth: 30, limit: 100000) { truncated } }`, nil, 1 + 3*500/75},
		{`{ paths(from: "x", to: "y") { paths } }`, nil, 1 + 16/4 + 1},
		{`{ paths(from: "x", to: "y", maxLength: 6, limit: 100) { paths } }`, nil, 1 + 64/4 + 10},
		{`query($ids: [ID!]!) { subgraph(ids: $ids) { truncated } }`, map[string]any{"ids": make([]any, 120)}, 1 + 120/50},
		{`{ search(query: "x") { score } }`, nil, 1 + 10/10},
		{`{ search(query: "x", first: 100) { score } }`, nil, 1 + 100/10},
		{`{ commonGround(a: "x", b: "y") { shared { kind } } }`, nil, 2},
		{`{ convictions { totalCount } }`, nil, 20},
		{`{ a: counts(by: ARTICLE) { count } b: counts(by: YEAR) { count } }`, nil, 40},
		{`{ laterChargedAssociates { chargedOn { text } } }`, nil, 20},
		{`{ entities(first: 1) { totalCount } }`, nil, 20},
		// The answer: 1 + 100 × (1 + 1 × (1 + 1 + 100 × 1)) fields of it.
		{`{ nodes(ids: ["x"]) { ... on Person { charges(first: 100) { article { charges(first: 100) { id } } } } } }`, nil, 1 + 10301/1000},
		{`mutation { retractRelation(id: "x", type: MEMBER_OF, reason: "y") { id } }`, nil, 5},
		{`mutation($c: String!) { importCaseFile(name: "x.yaml", content: $c) { ok } }`, map[string]any{"c": strings.Repeat("x", 55000)}, 5 + 5},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(parsedSchema, tt.query)
			if errs != nil {
				t.Fatal(errs)
			}
			if m := Measure(doc, doc.Operations[0], tt.vars); m.Cost != tt.cost {
				t.Errorf("cost %d, want %d (%+v)", m.Cost, tt.cost, m)
			}
		})
	}
}

// A graph view's nodes and edges hold as many items as its limit allows,
// and the answer's complexity counts them so.
func TestGraphViewsCountTheirItems(t *testing.T) {
	doc, errs := gqlparser.LoadQuery(parsedSchema, `{ neighbourhood(id: "x", limit: 40) { nodes { id label } edges { id } } }`)
	if errs != nil {
		t.Fatal(errs)
	}
	// The view, then nodes and edges: one each, and their items' fields.
	if want := 1 + (1 + 40*2) + (1 + 80*1); Measure(doc, doc.Operations[0], nil).Complexity != want {
		t.Errorf("complexity %d, want %d", Measure(doc, doc.Operations[0], nil).Complexity, want)
	}
}

// refusal runs the limits over a query as the server would, with a budget.
func refusal(t *testing.T, query string, b Budget) *gqlerror.Error {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(parsedSchema, query)
	if errs != nil {
		t.Fatal(errs)
	}
	ctx := context.Background()
	if b != nil {
		ctx = WithBudget(ctx, b)
	}
	return DefaultLimits.MutateOperationContext(ctx, &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0]})
}

// Ninety aliased neighbourhoods three levels deep cost far more than one
// request may, however little of them the answer shows.
func TestManyHeavyAliasesAreRefusedByCost(t *testing.T) {
	query := "{ " + strings.Repeat(`neighbourhood(id: "legal-article/kz-cc-274", depth: 3, limit: 400) { truncated } `, 1)
	for i := range 89 {
		query += fmt.Sprintf(`a%d: neighbourhood(id: "legal-article/kz-cc-274", depth: 3, limit: 400) { truncated } `, i)
	}
	err := refusal(t, query+"}", nil)
	if err == nil || err.Extensions["limit"] != "cost" || err.Extensions["actual"] != 90*17 {
		t.Fatalf("got %v, want the cost limit with a cost of %d", err, 90*17)
	}
}

// The schema is the same however often it is asked for: once per request
// is enough, and more is refused before anything is built.
func TestSchemaOncePerRequest(t *testing.T) {
	tests := []struct {
		name, query string
		refused     bool
	}{
		{"once", `{ __schema { types { name } } }`, false},
		{"twice under one name, which GraphQL merges", `{ __schema { types { name } } __schema { queryType { name } } }`, false},
		{"twice under two names", `{ a: __schema { types { name } } b: __schema { types { name } } }`, true},
		{"through fragments", `{ ...A ...B } fragment A on Query { a: __schema { types { name } } } fragment B on Query { b: __schema { types { name } } }`, true},
		{"600 aliases", "{ " + strings.Repeat("x: __schema { types { name } } ", 1) + func() string {
			var b strings.Builder
			for i := range 599 {
				fmt.Fprintf(&b, "a%d: __schema { types { name fields { name args { name } } } } ", i)
			}
			return b.String()
		}() + "}", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := refusal(t, tt.query, nil)
			if refused := err != nil; refused != tt.refused {
				t.Fatalf("refused %v (%v), want %v", refused, err, tt.refused)
			}
			if tt.refused && (err.Extensions["limit"] != "introspection" || err.Extensions["max"] != 1) {
				t.Errorf("error %v does not name the introspection limit", err)
			}
			// Refused cheaply: measuring stops at the second name.
			if tt.refused && (err.Extensions["actual"] != 2 || !strings.Contains(err.Message, "at least 2 names")) {
				t.Errorf("error %v: the measuring went on past the second schema", err)
			}
		})
	}
}

// __type answers one type, but its lists are as long as the schema's
// longest: asked for under many names it is refused like any other field.
func TestTypeCountsItsLists(t *testing.T) {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range 150 {
		fmt.Fprintf(&b, `t%d: __type(name: "Query") { fields { name args { name type { name ofType { name } } } } } `, i)
	}
	b.WriteString("}")
	if err := refusal(t, b.String(), nil); err == nil || err.Extensions["limit"] != "complexity" {
		t.Errorf("got %v, want the complexity limit", err)
	}
	if err := refusal(t, `{ __type(name: "Person") { fields { name args { name } } } }`, nil); err != nil {
		t.Errorf("one __type was refused: %v", err)
	}
}

// budget records what it is asked to spend and refuses past its balance.
type budget struct {
	balance int
	spent   []int
}

func (b *budget) Spend(cost int) *gqlerror.Error {
	b.spent = append(b.spent, cost)
	if cost > b.balance {
		return &gqlerror.Error{Message: "over budget", Extensions: map[string]any{"code": "RATE_LIMITED"}}
	}
	b.balance -= cost
	return nil
}

// An operation within the limits spends its cost from the client's
// budget, and one the budget cannot pay for is refused with its error; an
// operation refused by a limit spends nothing.
func TestLimitsSpendTheClientsBudget(t *testing.T) {
	b := &budget{balance: 25}
	if err := refusal(t, `{ neighbourhood(id: "x", depth: 3, limit: 400) { truncated } }`, b); err != nil {
		t.Fatalf("refused within the budget: %v", err)
	}
	if err := refusal(t, `{ neighbourhood(id: "x", depth: 3, limit: 400) { truncated } }`, b); err == nil || err.Extensions["code"] != "RATE_LIMITED" {
		t.Fatalf("got %v, want the budget's refusal", err)
	}
	if err := refusal(t, `{ a: __schema { description } b: __schema { description } }`, b); err == nil {
		t.Fatal("two schemas were not refused")
	}
	if fmt.Sprint(b.spent) != "[17 17]" {
		t.Errorf("spent %v, want [17 17]", b.spent)
	}
}

// Mutations answer with non-null types, so a second mutation's failure
// would null the first one's answer, saved or not: one per request.
func TestOneMutationPerRequest(t *testing.T) {
	const one = `retractRelation(id: "rel/x", type: MEMBER_OF, reason: "r") { id }`
	tests := []struct {
		name, query string
		refused     bool
	}{
		{"one", `mutation { ` + one + ` }`, false},
		{"one with __typename", `mutation { __typename ` + one + ` }`, false},
		{"one asked twice under one name", `mutation { ` + one + ` ` + one + ` }`, false},
		{"two aliases", `mutation { a: ` + one + ` b: ` + one + ` }`, true},
		{"through a fragment", `mutation { a: ` + one + ` ...F } fragment F on Mutation { b: ` + one + ` }`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := refusal(t, tt.query, nil)
			if refused := err != nil; refused != tt.refused {
				t.Fatalf("refused %v (%v), want %v", refused, err, tt.refused)
			}
			if tt.refused && err.Extensions["limit"] != "mutations" {
				t.Errorf("error %v does not name the mutations limit", err)
			}
		})
	}
}
