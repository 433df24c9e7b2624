package graph

import (
	"context"
	"reflect"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/casegraph/casegraph/internal/kg"
)

// The store answers a whole selection in one statement, so resolvers hand
// it what the client selected: gqlgen's selection sets turned into a
// kg.Selection with each entity field resolved for every type it may be.

// fieldSelection returns the selection of the current field.
func fieldSelection(ctx context.Context) (*kg.Selection, error) {
	fc := graphql.GetFieldContext(ctx)
	return buildSelection(graphql.GetOperationContext(ctx), fc.Field.Selections, fc.Field.Definition.Type.Name())
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
	return buildSelection(graphql.GetOperationContext(ctx), set, typ)
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
		if obj.Kind != ast.Object {
			continue // Entity is a possible type of Node, but not a concrete one
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
