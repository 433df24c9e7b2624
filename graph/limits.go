package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/casegraph/casegraph/internal/kg"
)

// Limits refuses operations that nest too deep, would answer too much or
// would make the database work too hard, before any of them reaches the
// database, and spends the cost of those it lets through from the
// client's budget (see Budget).
//
// Complexity bounds the answer: a field costs one plus its children's
// cost, and a field that answers a list multiplies its children's cost by
// the items it may hold: the page size it asks for (first, or its
// default), the limit of a graph view, or for __type the longest such
// list in the schema. Cost bounds the work: what each root field makes the
// database do, by its arguments (see rootCost), plus one for every
// answerUnit of complexity.
type Limits struct {
	MaxDepth      int
	MaxComplexity int
	MaxCost       int
}

// DefaultLimits are the limits the server applies unless told otherwise;
// docs/api.md explains them.
var DefaultLimits = Limits{MaxDepth: 10, MaxComplexity: 100000, MaxCost: 200}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = Limits{}

func (Limits) ExtensionName() string { return "Limits" }

func (Limits) Validate(graphql.ExecutableSchema) error { return nil }

func (l Limits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if oc.Operation.Operation == ast.Mutation {
		if n := len(rootKeys(oc.Doc, oc.Operation.SelectionSet, map[string]bool{}, map[string]bool{})); n > 1 {
			return limitError("mutations", n, 1, fmt.Sprintf("the request holds %d mutations: send one per request, so that what becomes of each reaches you whatever becomes of the others", n))
		}
	}
	m := measure(oc.Doc, oc.Operation, oc.Variables, &l)
	oc.Stats.SetExtension(costExtension, m.Cost)
	// A measurement cut short at the first limit passed holds lower bounds.
	atLeast := ""
	if m.Partial {
		atLeast = "at least "
	}
	switch {
	case m.Schemas > 1:
		return limitError("introspection", m.Schemas, 1,
			fmt.Sprintf("the schema is asked for under %s%d names (__schema): ask for it once per request", atLeast, m.Schemas))
	case l.MaxDepth > 0 && m.Depth > l.MaxDepth:
		return limitError("depth", m.Depth, l.MaxDepth,
			fmt.Sprintf("query depth %s%d exceeds the limit of %d: nest fewer fields", atLeast, m.Depth, l.MaxDepth))
	case l.MaxComplexity > 0 && m.Complexity > l.MaxComplexity:
		return limitError("complexity", m.Complexity, l.MaxComplexity,
			fmt.Sprintf("query complexity %s%d exceeds the limit of %d: ask for smaller pages with first, smaller graph views with limit, or fewer nested lists", atLeast, m.Complexity, l.MaxComplexity))
	case l.MaxCost > 0 && m.Cost > l.MaxCost:
		return limitError("cost", m.Cost, l.MaxCost,
			fmt.Sprintf("query cost %s%d exceeds the limit of %d: neighbourhoods, paths, searches, subgraphs and cross-case questions cost by their arguments (docs/api.md); ask for fewer or smaller ones per request", atLeast, m.Cost, l.MaxCost))
	}
	if b, ok := ctx.Value(budgetKey{}).(Budget); ok {
		return b.Spend(m.Cost)
	}
	return nil
}

// rootKeys collects the response keys of a selection's fields, through
// fragments; seen stops fragment cycles. __typename is not a field that
// does anything.
func rootKeys(doc *ast.QueryDocument, set ast.SelectionSet, keys, seen map[string]bool) map[string]bool {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name != "__typename" {
				keys[sel.Alias] = true
			}
		case *ast.InlineFragment:
			rootKeys(doc, sel.SelectionSet, keys, seen)
		case *ast.FragmentSpread:
			if f := doc.Fragments.ForName(sel.Name); f != nil && !seen[sel.Name] {
				seen[sel.Name] = true
				rootKeys(doc, f.SelectionSet, keys, seen)
			}
		}
	}
	return keys
}

func limitError(limit string, got, max int, message string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    message,
		Extensions: map[string]any{"code": string(kg.Invalid), "limit": limit, "max": max, "actual": got},
	}
}

// A Budget is what one client may still spend. The server keeps one per
// client and puts it in the context of each of its requests; Limits spends
// the cost of every operation it lets through, or answers Spend's error
// instead of running the operation.
type Budget interface {
	Spend(cost int) *gqlerror.Error
}

type budgetKey struct{}

// WithBudget returns a context whose operations spend from b.
func WithBudget(ctx context.Context, b Budget) context.Context {
	return context.WithValue(ctx, budgetKey{}, b)
}

const costExtension = "casegraph.cost"

// CostOf returns the cost Limits measured for an operation, for the
// request's log line.
func CostOf(oc *graphql.OperationContext) (int, bool) {
	cost, ok := oc.Stats.GetExtension(costExtension).(int)
	return cost, ok
}

// Measurement is what an operation would cost, as Limits counts it.
type Measurement struct {
	Depth      int  // fields nested in fields
	Complexity int  // fields, times the items of the lists they are in
	Cost       int  // what the root fields make the database do, and the answer
	Schemas    int  // __schema fields at the root, under different names
	Partial    bool // measuring stopped at a limit: the numbers are lower bounds
}

// Measure returns the measurement of an operation with its variables.
func Measure(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) Measurement {
	return measure(doc, op, vars, nil)
}

// measure measures an operation. With limits it stops after the first root
// field that asks for the schema a second time or takes the operation
// past the depth or complexity limit: the operation is refused whatever
// follows, and an attack of a thousand aliases then costs the measuring of
// a few. Cost is summed to the end, so that it is reported in full; its
// root fields are few, as the work they ask for is in their arguments.
func measure(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, limits *Limits) Measurement {
	m := measurer{doc: doc, vars: vars, schemas: map[string]bool{}, limits: limits}
	depth, complexity := m.selectionSet(op.SelectionSet, 0, nil)
	return Measurement{
		Depth:      depth,
		Complexity: complexity,
		Cost:       saturatingAdd(m.work, complexity/answerUnit),
		Schemas:    len(m.schemas),
		Partial:    m.stopped,
	}
}

type measurer struct {
	doc      *ast.QueryDocument
	vars     map[string]any
	spent    int             // guards against pathological fragment fan-out
	work     int             // the root fields' cost so far
	schemas  map[string]bool // the names __schema is asked for under
	inSchema bool            // below __schema, whose size is fixed

	limits  *Limits // where to stop; nil measures everything
	depth   int     // the root fields' depth so far
	total   int     // the root fields' complexity so far
	stopped bool    // a limit was passed, and measuring stopped
}

// past records a root field's depth and complexity, and says whether the
// operation is now past a limit that stops measuring.
func (m *measurer) past(depth, complexity int) bool {
	m.depth, m.total = max(m.depth, depth), saturatingAdd(m.total, complexity)
	l := m.limits
	m.stopped = l != nil && (len(m.schemas) > 1 ||
		(l.MaxDepth > 0 && m.depth > l.MaxDepth) ||
		(l.MaxComplexity > 0 && m.total > l.MaxComplexity))
	return m.stopped
}

// selectionSet returns the depth and complexity of a selection set;
// fragments count where they are spread, and every branch counts, so the
// complexity is an upper bound whatever types the answer turns out to
// have. lists gives the items of the set's list fields that their own
// arguments do not say (a graph view's nodes and edges).
func (m *measurer) selectionSet(set ast.SelectionSet, level int, lists map[string]int) (depth, complexity int) {
	for _, s := range set {
		m.spent++
		if m.spent > 100000 {
			// Over the complexity limit whatever the depth: report it as
			// complexity, not as a depth the query may not have.
			return level, 1 << 30
		}
		var d, c int
		switch s := s.(type) {
		case *ast.Field:
			d, c = m.field(s, level, lists)
			if level == 0 && m.past(d, c) {
				return max(depth, d), saturatingAdd(complexity, c)
			}
		case *ast.InlineFragment:
			d, c = m.selectionSet(s.SelectionSet, level, lists)
		case *ast.FragmentSpread:
			if f := m.doc.Fragments.ForName(s.Name); f != nil {
				d, c = m.selectionSet(f.SelectionSet, level, lists)
			}
		}
		depth = max(depth, d)
		complexity = saturatingAdd(complexity, c)
		if m.stopped {
			break
		}
	}
	return depth, complexity
}

func (m *measurer) field(f *ast.Field, level int, lists map[string]int) (int, int) {
	var childLists map[string]int
	if level == 0 {
		var work int
		work, childLists = m.rootCost(f)
		m.work = saturatingAdd(m.work, work)
	}
	if len(f.SelectionSet) == 0 {
		return level + 1, 1
	}
	next := level + 1
	if f.Name == "ofType" {
		// A type reference's chain is linear: GraphiQL's schema query
		// nests it seven deep, and it must not count as depth.
		next = level
	}
	wasInSchema := m.inSchema
	m.inSchema = m.inSchema || f.Name == "__schema"
	depth, children := m.selectionSet(f.SelectionSet, next, childLists)
	m.inSchema = wasInSchema
	return depth, saturatingAdd(1, saturatingMul(m.items(f, lists), children))
}

// items is how many items a field's answer may hold: one unless it is a
// list whose length an argument, its graph view or the schema bounds.
func (m *measurer) items(f *ast.Field, lists map[string]int) int {
	if n, ok := lists[f.Name]; ok {
		return max(n, 1)
	}
	if f.Definition == nil {
		return 1
	}
	if f.Definition.Arguments.ForName("first") != nil {
		return pageSize(f, m.vars) // a list or a connection: each item costs
	}
	if f.ObjectDefinition != nil {
		if n, ok := boundedLists[f.ObjectDefinition.Name+"."+f.Name]; ok {
			return n
		}
	}
	if !m.inSchema && f.ObjectDefinition != nil {
		// Below __type: as long as the longest such list in the schema.
		if n, ok := introspectionLists()[f.ObjectDefinition.Name+"."+f.Name]; ok {
			return max(n, 1)
		}
	}
	return 1
}

// boundedLists are list fields without a first argument whose length
// input sets, up to a bound: counted at one item, a page of saved
// investigations would cost as little as a page of their names.
var boundedLists = map[string]int{
	"Investigation.entities":  kg.MaxInvestigationEntities,
	"Investigation.positions": kg.MaxInvestigationEntities,
	"Investigation.notes":     kg.MaxInvestigationEntities,
}

// pageSize is the first argument a list field gets, or its default.
func pageSize(f *ast.Field, vars map[string]any) int {
	n, ok := intArg(f.ArgumentMap(vars), "first")
	if !ok {
		return 1
	}
	return max(n, 1)
}

// intArg reads an integer argument, whether it came as a literal, a
// variable or a default.
func intArg(args map[string]any, name string) (int, bool) {
	switch n := args[name].(type) {
	case int:
		return n, true
	case int64:
		return int(max(min(n, 1<<30), -1<<30)), true
	case float64:
		return int(max(min(n, 1<<30), -1<<30)), true
	}
	return 0, false
}

func saturatingAdd(a, b int) int {
	if a > 1<<30-b {
		return 1 << 30
	}
	return a + b
}

func saturatingMul(a, b int) int {
	if a != 0 && b > (1<<30)/a {
		return 1 << 30
	}
	return a * b
}
