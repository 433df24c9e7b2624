package model

import (
	"strings"
	"testing"
)

// nestedValue is v inside n levels of objects and lists, alternating.
func nestedValue(n int, v any) any {
	for i := range n {
		if i%2 == 0 {
			v = map[string]any{"a": v}
		} else {
			v = []any{v}
		}
	}
	return v
}

func TestUnmarshalJSONObjectRefusesDeepValues(t *testing.T) {
	tests := []struct {
		name  string
		value any
		want  string // in the error; "" to accept
	}{
		{"flat fields", map[string]any{"name": "A", "aliases": []any{"B", "C"}}, ""},
		{"as deep as allowed", map[string]any{"note": nestedValue(MaxJSONDepth-1, "x")}, ""},
		{"a level too deep", map[string]any{"note": nestedValue(MaxJSONDepth, "x")}, `nests more than 32 levels deep under "note"`},
		{"far too deep", map[string]any{"name": "A", "note": nestedValue(100000, 1)}, `under "note"`},
		{"a list", []any{1}, "want a JSON object, got a list"},
		{"a string", "{}", "want a JSON object, got a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := UnmarshalJSONObject(tt.value)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
