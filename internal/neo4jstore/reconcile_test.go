package neo4jstore

import (
	"slices"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func TestReconcile(t *testing.T) {
	base := map[string]any{"name": "A", "description": "filed", "aliases": []string{"a"}}
	with := func(k string, v any) map[string]any {
		out := map[string]any{}
		for key, val := range base {
			out[key] = val
		}
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name        string
		base        map[string]any // nil: the file never stated the fact
		graph, file map[string]any
		take, clash []string
	}{
		{"nothing changed", base, base, base, nil, nil},
		{"only the file changed", base, base, with("description", "refiled"), []string{"description"}, nil},
		{"only the graph changed", base, with("description", "edited"), base, nil, nil},
		{"the graph added a field", base, with("note", "n"), base, nil, nil},
		{"the file removed a field", base, base, with("aliases", nil), []string{"aliases"}, nil},
		{"both changed alike", base, with("description", "same"), with("description", "same"), nil, nil},
		{"both changed differently", base, with("description", "edited"), with("description", "refiled"), nil, []string{"description"}},
		{"the graph removed what the file changed", base, with("description", nil), with("description", "refiled"), nil, []string{"description"}},
		{"a list read back from Neo4j", base, with("aliases", []any{"a"}), base, nil, nil},
		{"no base: equal sides agree", nil, base, base, nil, nil},
		{"no base: different sides clash", nil, with("name", "B"), base, nil, []string{"name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			take, clash := reconcile(canonical(tt.base), canonical(tt.graph), canonical(tt.file))
			if !slices.Equal(take, tt.take) || !slices.Equal(clash, tt.clash) {
				t.Errorf("take %v clash %v, want take %v clash %v", take, clash, tt.take, tt.clash)
			}
		})
	}
}

// A date is stored as its day, precision and text: a merge compares and
// takes them together, so it never mixes two dates' parts.
func TestReconcileKeepsAFieldsPartsTogether(t *testing.T) {
	date := func(day, precision, text string) map[string]any {
		d, _ := time.Parse(time.DateOnly, day)
		return map[string]any{"name": "E", "date": neo4j.DateOf(d), "datePrecision": precision, "dateText": text}
	}
	base := date("2022-01-01", "month", "2022-01")
	graph := date("2022-01-05", "day", "2022-01-05")
	file := date("2022-02-01", "month", "2022-02")
	take, clash := reconcile(canonical(base), canonical(graph), canonical(file))
	if len(take) != 0 || !slices.Equal(clash, []string{"date"}) {
		t.Fatalf("take %v clash %v, want the date as one clash", take, clash)
	}
	got := overlay(graph, file, clash)
	if got["dateText"] != "2022-02" || got["datePrecision"] != "month" {
		t.Errorf("taking the file's date gave %v", got)
	}
	if v := canonical(graph).decode("date"); v != "2022-01-05" {
		t.Errorf("a date reads as %v in reports, want its text", v)
	}
}
