package casefile

import (
	"reflect"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
)

// mixedVisibility is a file restricted at its top whose entries widen or
// narrow it.
const mixedVisibility = `version: 2
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

// A file's visibility is each of its facts' unless the fact states its
// own; an entity's reference fields take the entity's.
func TestVisibilityOfFileAndFact(t *testing.T) {
	f, err := Parse("a.yaml", []byte(mixedVisibility))
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

// A written file states visibility as a hand-written one would: at its
// top when every fact shares it, else on each restricted fact; either
// reads back as the same batch.
func TestWriteKeepsVisibility(t *testing.T) {
	const restricted = `version: 2
visibility: [monitors]
sources:
  - id: source/r
    title: A report
    publisher: Someone
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
relations:
  - type: DEFENDANT_IN
    from: person/a
    to: case/a
    cite: [source/r#p2]
`
	for _, tt := range []struct {
		name, src string
		top       bool   // the written file states visibility at its top
		entries   int    // and on this many entries
		want      string // a line the written file holds
	}{
		{"restricted.yaml", restricted, true, 0, "visibility: [monitors]"},
		{"mixed.yaml", mixedVisibility, false, 3, "    visibility: [lawyers]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := parseFile(t, tt.name, []byte(tt.src))
			out, err := Write(want)
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			text := string(out)
			if got := strings.Contains(text, "\nvisibility:"); got != tt.top {
				t.Errorf("visibility at the top: %v, want %v:\n%s", got, tt.top, text)
			}
			if got := strings.Count(text, "    visibility:"); got != tt.entries {
				t.Errorf("%d entries state their visibility, want %d:\n%s", got, tt.entries, text)
			}
			if !strings.Contains(text, tt.want) {
				t.Errorf("the written file lacks %q:\n%s", tt.want, text)
			}
			got := parseFile(t, tt.name, out)
			if !reflect.DeepEqual(sortBatch(got), sortBatch(want)) {
				t.Errorf("batch changed in the round trip; written file:\n%s", text)
			}
		})
	}
	// An addition cannot be restricted, so a file with one states the
	// visibility of each restricted fact, even when all share it.
	b := parseFile(t, "added.yaml", []byte(restricted))
	b.Additions = []kg.Addition{{Target: "place/elsewhere", Aliases: []string{"Elsewhere"}, Citations: []kg.Citation{{Source: "source/r", Paragraph: 3}}}}
	out, err := Write(b)
	if err != nil {
		t.Fatal(err)
	}
	if text := string(out); strings.Contains(text, "\nvisibility:") || strings.Count(text, "    visibility: [monitors]") != 4 {
		t.Errorf("a file with an addition states visibility at its top, or not on each of its four facts:\n%s", text)
	}
	if got := parseFile(t, "added.yaml", out); !reflect.DeepEqual(sortBatch(got), sortBatch(b)) {
		t.Errorf("batch changed in the round trip:\n%s", out)
	}
}
