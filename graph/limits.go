package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/casegraph/casegraph/internal/kg"
)

// Limits refuses operations that nest too deep or would cost too much
// before any of them reaches the database. A field costs one plus its
// children's cost; a field that pages (a list or a connection) multiplies
// its children's cost by the page size it asks for (first, or its default).
type Limits struct {
	MaxDepth      int
	MaxComplexity int
}

// DefaultLimits are the limits the server applies; docs/api.md explains them.
var DefaultLimits = Limits{MaxDepth: 10, MaxComplexity: 100000}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = Limits{}

func (Limits) ExtensionName() string { return "Limits" }

func (Limits) Validate(graphql.ExecutableSchema) error { return nil }

func (l Limits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	depth, cost := Measure(oc.Doc, oc.Operation, oc.Variables)
	switch {
	case l.MaxDepth > 0 && depth > l.MaxDepth:
		return limitError("depth", depth, l.MaxDepth, "nest fewer fields")
	case l.MaxComplexity > 0 && cost > l.MaxComplexity:
		return limitError("complexity", cost, l.MaxComplexity, "ask for smaller pages with first, or fewer nested lists")
	}
	return nil
}

func limitError(limit string, got, max int, hint string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf("query %s %d exceeds the limit of %d: %s", limit, got, max, hint),
		Extensions: map[string]any{"code": string(kg.Invalid), "limit": limit, "max": max, "actual": got},
	}
}

// Measure returns the depth and cost of an operation.
func Measure(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) (depth, cost int) {
	m := measurer{doc: doc, vars: vars}
	return m.selectionSet(op.SelectionSet, 0)
}

type measurer struct {
	doc   *ast.QueryDocument
	vars  map[string]any
	spent int // guards against pathological fragment fan-out
}

// selectionSet returns the depth and cost of a selection set; fragments
// count where they are spread, and every branch counts, so the cost is an
// upper bound whatever types the answer turns out to have.
func (m *measurer) selectionSet(set ast.SelectionSet, level int) (depth, cost int) {
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
			d, c = m.field(s, level)
		case *ast.InlineFragment:
			d, c = m.selectionSet(s.SelectionSet, level)
		case *ast.FragmentSpread:
			if f := m.doc.Fragments.ForName(s.Name); f != nil {
				d, c = m.selectionSet(f.SelectionSet, level)
			}
		}
		depth = max(depth, d)
		cost = saturatingAdd(cost, c)
	}
	return depth, cost
}

func (m *measurer) field(f *ast.Field, level int) (int, int) {
	if len(f.SelectionSet) == 0 {
		return level + 1, 1
	}
	next := level + 1
	if f.Name == "ofType" {
		// A type reference's chain is linear: GraphiQL's schema query
		// nests it seven deep, and it must not count as depth.
		next = level
	}
	depth, children := m.selectionSet(f.SelectionSet, next)
	mult := 1
	if f.Definition != nil && f.Definition.Arguments.ForName("first") != nil {
		mult = pageSize(f, m.vars) // a list or a connection: each item costs
	}
	return depth, saturatingAdd(1, saturatingMul(mult, children))
}

// pageSize is the first argument a list field gets, or its default.
func pageSize(f *ast.Field, vars map[string]any) int {
	if v, ok := f.ArgumentMap(vars)["first"]; ok {
		switch n := v.(type) {
		case int64:
			return int(max(n, 1))
		case int:
			return max(n, 1)
		}
	}
	if f.Definition != nil {
		if a := f.Definition.Arguments.ForName("first"); a != nil && a.DefaultValue != nil {
			if v, err := a.DefaultValue.Value(nil); err == nil {
				if n, ok := v.(int64); ok {
					return int(max(n, 1))
				}
			}
		}
	}
	return 1
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
