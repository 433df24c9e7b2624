package casefile

import (
	"reflect"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
)

// A file's visibility is each of its facts' unless the fact states its
// own; an entity's reference fields take the entity's.
func TestVisibilityOfFileAndFact(t *testing.T) {
	src := `version: 2
visibility: [monitors, lawyers, monitors]
sources:
  - id: source/r
    title: A report
    publisher: Someone
  - id: source/open
    title: An open report
    publisher: Someone
    visibility: public
entities:
  - id: person/a
    type: Person
    name: A
    cite: [source/r#p1]
  - id: case/a
    type: Case
    name: Case against A
    place: place/x
    cite: [source/r#p1]
    visibility: [lawyers]
  - id: place/x
    type: Place
    name: X
    cite: [source/open#p1]
    visibility: public
relations:
  - type: DEFENDANT_IN
    from: person/a
    to: case/a
    cite: [source/r#p2]
    visibility: public
`
	f, err := Parse("a.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for _, e := range f.Batch.Entities {
		got[e.ID] = e.Props[kg.GroupsProp]
	}
	for _, l := range f.Batch.Links {
		got[l.ID] = l.Props[kg.GroupsProp]
	}
	want := map[string]any{
		"source/r":                      []string{"lawyers", "monitors"},
		"source/open":                   nil,
		"person/a":                      []string{"lawyers", "monitors"},
		"case/a":                        []string{"lawyers"},
		"place/x":                       nil,
		"LOCATED_IN:case/a->place/x":    []string{"lawyers"},
		"DEFENDANT_IN:person/a->case/a": nil,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groups by fact:\n got %v\nwant %v", got, want)
	}
	// A public file's facts carry no groups at all.
	pub, err := Parse("b.yaml", []byte("version: 2\nsources:\n  - id: source/r\n    title: R\n    publisher: P\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, has := pub.Batch.Entities[0].Props[kg.GroupsProp]; has {
		t.Errorf("a public source has groups: %v", pub.Batch.Entities[0].Props)
	}
}
