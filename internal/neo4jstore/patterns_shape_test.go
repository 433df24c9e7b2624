package neo4jstore

import (
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
)

// A question of the conviction rows pays only for the filters it sets;
// the sentence in force is read only when asked for.
func TestRowsMatchingWritesOnlyWhatIsAsked(t *testing.T) {
	tests := []struct {
		name      string
		f         kg.ConvictionFilter
		has, lack []string
	}{
		{"no filter: the reader's sight alone", kg.ConvictionFilter{}, []string{"MATCH (r:ConvictionRow)\nWHERE " + rowSeen + "\n"},
			[]string{"AND", "$articles", "$parties", ":Charge"}},
		{"article only", kg.ConvictionFilter{Articles: []string{"legal-article/x"}},
			[]string{"$articles", "{charge: c.id}"}, []string{"$parties", "$restrictionKinds", "WHERE any"}},
		{"imposed sentences", kg.ConvictionFilter{SentenceKinds: []string{"fine"}}, []string{"r.sentenceKind IN $sentenceKinds"}, []string{"inForce"}},
		{"sentences in force", kg.ConvictionFilter{SentenceKinds: []string{"fine"}, InForce: true, Unpunished: new(bool)},
			[]string{"r.inForceKind IN $sentenceKinds", "(r.inForce IS NULL) = $unpunished"}, []string{"r.sentenceKind", "(r.sentence IS NULL)"}},
		{"a period and a city", kg.ConvictionFilter{From: &kg.Date{}, Cities: []string{"place/x"}},
			[]string{"r.dateFirst >= $from", "$cities"}, []string{"$to", "$courts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := rowsMatching(tt.f, false)
			hasAndLacks(t, q, tt.has, tt.lack)
		})
	}
}

// The whole-graph statements of the oracle (oracle_test.go) were written the
// same way: a question paid only for the filters it set and the context it
// used.
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
			hasAndLacks(t, q, tt.has, tt.lack)
		})
	}
}

// hasAndLacks checks that a statement holds every text of has and none of
// lack.
func hasAndLacks(t *testing.T, q string, has, lack []string) {
	t.Helper()
	for _, s := range has {
		if !strings.Contains(q, s) {
			t.Errorf("statement lacks %q:\n%s", s, q)
		}
	}
	for _, s := range lack {
		if strings.Contains(q, s) {
			t.Errorf("statement has %q:\n%s", s, q)
		}
	}
}
