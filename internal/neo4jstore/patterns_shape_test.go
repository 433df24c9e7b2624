package neo4jstore

import (
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
)

// A question pays only for the filters it sets and the context it uses:
// the statement leaves the rest out.
func TestConvictionRowsWriteOnlyWhatIsAsked(t *testing.T) {
	tests := []struct {
		name      string
		f         kg.ConvictionFilter
		need      rowsNeed
		has, lack []string
	}{
		{"no filter, no context", kg.ConvictionFilter{}, rowsNeed{},
			nil, []string{"WHERE", "$", ":Sentence", "dateText", ":Court"}},
		{"article only", kg.ConvictionFilter{Articles: []string{"legal-article/x"}}, rowsNeed{},
			[]string{"$articles"}, []string{"$parties", "$restrictionKinds", ":Sentence", ":Court"}},
		{"the date needs the sentence", kg.ConvictionFilter{}, rowsNeed{date: true},
			[]string{":Sentence", "dateText"}, []string{"$from", "\nWHERE"}},
		{"a period filters on the date", kg.ConvictionFilter{From: &kg.Date{}}, rowsNeed{},
			[]string{":Sentence", "dFirst >= $from"}, []string{"$to", "$unpunished"}},
		{"a city works the court out first", kg.ConvictionFilter{Cities: []string{"place/x"}}, rowsNeed{},
			[]string{":Sentence", ":Court", "$cities"}, []string{"$courts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := convictionRows(tt.f, tt.need)
			for _, s := range tt.has {
				if !strings.Contains(q, s) {
					t.Errorf("statement lacks %q:\n%s", s, q)
				}
			}
			for _, s := range tt.lack {
				if strings.Contains(q, s) {
					t.Errorf("statement has %q:\n%s", s, q)
				}
			}
		})
	}
}
