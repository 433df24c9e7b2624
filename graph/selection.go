package graph

import (
	"context"
	"reflect"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/casegraph/casegraph/internal/kg"
)

// The store answers a whole selection in one statement, so resolvers hand
// it what the client selected: gqlgen's selection sets turned into a
// kg.Selection with each entity field resolved for every type it may be.

// fieldSelection returns the selection of the current field.
func fieldSelection(ctx context.Context) (*kg.Selection, error) {
	fc := graphql.GetFieldContext(ctx)
	return keptSelection(graphql.GetOperationContext(ctx), fc.Field.Selections, fc.Field.Definition.Type.Name())
}

// nestedSelection returns the selection set and type of the field reached
// from the current field by path (such as "edges", "node"), merging every
// alias of each step.
func nestedSelection(ctx context.Context, path ...string) (ast.SelectionSet, string) {
	fc := graphql.GetFieldContext(ctx)
	op := graphql.GetOperationContext(ctx)
	set, typ := fc.Field.Selections, fc.Field.Definition.Type.Name()
	for _, step := range path {
		var next ast.SelectionSet
		nextType := ""
		for _, f := range graphql.CollectFields(op, set, []string{typ}) {
			if f.Name == step {
				next = append(next, f.Selections...)
				nextType = f.Definition.Type.Name()
			}
		}
		if nextType == "" {
			return nil, ""
		}
		set, typ = next, nextType
	}
	return set, typ
}

// selectionAt is nestedSelection built into a kg.Selection; nil when the
// client did not select that path.
func selectionAt(ctx context.Context, path ...string) (*kg.Selection, error) {
	set, typ := nestedSelection(ctx, path...)
	if typ == "" {
		return nil, nil
	}
	return keptSelection(graphql.GetOperationContext(ctx), set, typ)
}

// Analysts and front ends send the same few documents again and again, and
// gqlgen keeps each parsed document, so the same selection set arrives as
// the same AST nodes. A selection built from nodes whose arguments and
// directives name no variable is the same every time: it is kept, keyed by
// the nodes' addresses, and marked Shared so the store keeps its Cypher too.
var selections, _ = lru.New[string, keptSet](1000)

// keptSet holds the AST nodes of its key, so that their addresses cannot be
// reused by other nodes while the entry lives.
type keptSet struct {
	set ast.SelectionSet
	sel *kg.Selection
}

// keptSelection is buildSelection, answered from selections when it can be.
func keptSelection(op *graphql.OperationContext, set ast.SelectionSet, typeName string) (*kg.Selection, error) {
	if usesVariables(op.Doc, set, map[string]bool{}) {
		return buildSelection(op, set, typeName)
	}
	key := setKey(set, typeName)
	if e, ok := selections.Get(key); ok {
		return e.sel, nil
	}
	sel, err := buildSelection(op, set, typeName)
	if err != nil {
		return nil, err
	}
	sel.Shared = true
	selections.Add(key, keptSet{set: set, sel: sel})
	return sel, nil
}

// setKey names a selection set by its type and the addresses of its nodes.
func setKey(set ast.SelectionSet, typeName string) string {
	b := make([]byte, 0, len(typeName)+12*len(set))
	b = append(b, typeName...)
	for _, s := range set {
		b = append(b, ' ')
		b = strconv.AppendUint(b, uint64(reflect.ValueOf(s).Pointer()), 36)
	}
	return string(b)
}

// usesVariables reports whether what set selects depends on the
// operation's variables: an argument given one, or a directive (@skip,
// @include) given one, in set or in the fragments it spreads. An unknown
// fragment counts as depending on them, so that nothing unusual is kept.
func usesVariables(doc *ast.QueryDocument, set ast.SelectionSet, seen map[string]bool) bool {
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			for _, a := range s.Arguments {
				if hasVariable(a.Value) {
					return true
				}
			}
			if directivesUseVariables(s.Directives) || usesVariables(doc, s.SelectionSet, seen) {
				return true
			}
		case *ast.InlineFragment:
			if directivesUseVariables(s.Directives) || usesVariables(doc, s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if directivesUseVariables(s.Directives) {
				return true
			}
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			f := doc.Fragments.ForName(s.Name)
			if f == nil || directivesUseVariables(f.Directives) || usesVariables(doc, f.SelectionSet, seen) {
				return true
			}
		}
	}
	return false
}

func directivesUseVariables(ds ast.DirectiveList) bool {
	for _, d := range ds {
		for _, a := range d.Arguments {
			if hasVariable(a.Value) {
				return true
			}
		}
	}
	return false
}

func hasVariable(v *ast.Value) bool {
	if v == nil {
		return false
	}
	if v.Kind == ast.Variable {
		return true
	}
	for _, c := range v.Children {
		if hasVariable(c.Value) {
			return true
		}
	}
	return false
}

func buildSelection(op *graphql.OperationContext, set ast.SelectionSet, typeName string) (*kg.Selection, error) {
	def := parsedSchema.Types[typeName]
	if def == nil {
		return nil, kg.Errorf(kg.Internal, "unknown type %s", typeName)
	}
	if !isEntity(def) {
		fields, err := selectedFields(op, graphql.CollectFields(op, set, []string{typeName}))
		return &kg.Selection{Fields: fields}, err
	}
	sel := &kg.Selection{ByType: map[kg.EntityType][]kg.SelectedField{}}
	for _, obj := range parsedSchema.GetPossibleTypes(def) {
		if obj.Kind != ast.Object || !isEntity(obj) {
			// Entity is a possible type of Node, but not a concrete one;
			// Investigation is a Node the store reads apart, never in an
			// entity's projection: an entity is never one.
			continue
		}
		satisfies := append([]string{obj.Name}, obj.Interfaces...)
		fields, err := selectedFields(op, graphql.CollectFields(op, set, satisfies))
		if err != nil {
			return nil, err
		}
		sel.ByType[kg.EntityType(obj.Name)] = fields
	}
	return sel, nil
}

// selectedFields groups collected fields by name: the store answers each
// field once per object, so two aliases of one field must ask the same
// arguments; their selections are merged.
func selectedFields(op *graphql.OperationContext, fields []graphql.CollectedField) ([]kg.SelectedField, error) {
	type group struct {
		args map[string]any
		set  ast.SelectionSet
		typ  string
	}
	var order []string
	groups := map[string]*group{}
	for _, f := range fields {
		args := f.ArgumentMap(op.Variables)
		g, seen := groups[f.Name]
		if !seen {
			groups[f.Name] = &group{args: args, set: f.Selections, typ: f.Definition.Type.Name()}
			order = append(order, f.Name)
			continue
		}
		if !reflect.DeepEqual(g.args, args) {
			return nil, kg.Errorf(kg.Invalid, "field %s is selected twice with different arguments; select it once per object", f.Name)
		}
		g.set = append(g.set, f.Selections...)
	}
	out := make([]kg.SelectedField, 0, len(order))
	for _, name := range order {
		g := groups[name]
		sf := kg.SelectedField{Name: name, Args: g.args}
		if len(g.set) > 0 {
			sub, err := buildSelection(op, g.set, g.typ)
			if err != nil {
				return nil, err
			}
			sf.Sel = sub
		}
		out = append(out, sf)
	}
	return out, nil
}

// isEntity reports whether values of def are entities: the Entity and Node
// interfaces and the types that implement them.
func isEntity(def *ast.Definition) bool {
	if def.Name == "Entity" || def.Name == "Node" {
		return true
	}
	for _, i := range def.Interfaces {
		if i == "Entity" {
			return true
		}
	}
	return false
}
