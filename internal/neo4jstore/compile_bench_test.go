package neo4jstore

import (
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
)

// caseSelection is the benchmark's node query: a case with its
// defendants' charges, its charges' articles and its courts.
func caseSelection() *kg.Selection {
	named := &kg.Selection{ByType: map[kg.EntityType][]kg.SelectedField{}}
	for _, t := range kg.EntityTypes {
		named.ByType[t] = []kg.SelectedField{{Name: "id"}, {Name: "name"}}
	}
	charge := &kg.Selection{ByType: map[kg.EntityType][]kg.SelectedField{
		kg.Charge: {{Name: "id"}, {Name: "status"}, {Name: "verdict"}, {Name: "article", Sel: named}},
	}}
	person := &kg.Selection{ByType: map[kg.EntityType][]kg.SelectedField{
		kg.Person: {{Name: "id"}, {Name: "name"}, {Name: "charges", Sel: charge}},
	}}
	courts := &kg.Selection{Fields: []kg.SelectedField{{Name: "role"}, {Name: "entity", Sel: named}}}
	return &kg.Selection{ByType: map[kg.EntityType][]kg.SelectedField{
		kg.Case: {
			{Name: "id"}, {Name: "name"}, {Name: "kind"}, {Name: "opened"},
			{Name: "defendants", Sel: person},
			{Name: "charges", Sel: charge},
			{Name: "courts", Sel: courts},
		},
	}}
}

func BenchmarkCompile(b *testing.B) {
	sel := caseSelection()
	b.ReportAllocs()
	for b.Loop() {
		c := &compiler{params: map[string]any{}}
		if _, err := c.entity("n", sel, 0); err != nil {
			b.Fatal(err)
		}
	}
}
