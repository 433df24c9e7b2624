package model

import (
	"iter"
	"maps"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"github.com/casegraph/casegraph/internal/kg"
)

// MaxJSONDepth is how deeply JSON may nest: a request body, the variables
// and extensions of a GET request, and a value of the JSON scalar. The
// deepest a real request goes is about six levels (variables, an input,
// its fields, a list); a case-file entry built from a JSON value nests one
// more level per level of the value, and each level costs the YAML writer
// an indentation on every line below it, so a 9,000-deep value cost
// seconds of CPU before it was refused.
const MaxJSONDepth = 32

// The JSON scalar (gqlgen.yml binds it here) is gqlgen's map scalar with
// a depth limit on input.

// MarshalJSONObject writes a JSON value, as gqlgen's map scalar does.
func MarshalJSONObject(v map[string]any) graphql.Marshaler { return graphql.MarshalMap(v) }

// UnmarshalJSONObject reads a JSON argument, refusing one that nests deeper
// than MaxJSONDepth before anything walks it, and naming the field that
// does.
func UnmarshalJSONObject(v any) (map[string]any, error) {
	m, err := graphql.UnmarshalMap(v)
	if err != nil {
		return nil, kg.Errorf(kg.Invalid, "want a JSON object, got %s", jsonKind(v))
	}
	for k, x := range m {
		if tooDeep(x, 2) {
			return nil, kg.Errorf(kg.Invalid, "the JSON value nests more than %d levels deep under %s: send at most %d",
				MaxJSONDepth, kg.Quote(k), MaxJSONDepth)
		}
	}
	return m, nil
}

// tooDeep reports whether an object or list in v, which stands at level
// depth, stands deeper than MaxJSONDepth. It descends at most
// MaxJSONDepth levels, so a deep value costs no more than a shallow one of
// the same width.
func tooDeep(v any, depth int) bool {
	switch v := v.(type) {
	case map[string]any:
		return depth > MaxJSONDepth || anyTooDeep(maps.Values(v), depth+1)
	case []any:
		return depth > MaxJSONDepth || anyTooDeep(slices.Values(v), depth+1)
	}
	return false
}

func anyTooDeep(values iter.Seq[any], depth int) bool {
	for v := range values {
		if tooDeep(v, depth) {
			return true
		}
	}
	return false
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	}
	return "a number"
}
