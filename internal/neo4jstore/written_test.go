package neo4jstore

import (
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
)

// The importer writes each case-file field as the property the read model
// reads: checked on every entity of the bundled case files, as nodeProps
// flattens it. schema_test.go checks the declarations; this checks what
// the import makes of them.
func TestImportWritesWhatTheReadModelReads(t *testing.T) {
	paths, err := casefile.Expand([]string{filepath.Join("..", "..", "data", "cases")})
	if err != nil {
		t.Fatal(err)
	}
	files, err := casefile.Load(paths, casefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The properties entityField (compile.go) reads itself.
	computed := map[string]bool{"name": true, "aliases": true, "contested": true}
	seen := map[string]bool{}
	for _, f := range files {
		for _, e := range f.Batch.Entities {
			props := nodeProps(e, f.Batch.Origin)
			for field := range e.Props {
				seen[string(e.Type)+"."+field] = true
				if computed[field] {
					if _, ok := props[field]; !ok {
						t.Errorf("%s: %s is not written as %s", e.ID, field, field)
					}
					continue
				}
				rf, ok := kg.ReadFields[e.Type][field]
				if !ok {
					rf, ok = kg.CommonReadFields[field]
				}
				if !ok {
					t.Errorf("%s: the read model reads no %s.%s", e.ID, e.Type, field)
					continue
				}
				name := rf.Prop
				if name == "" {
					name = field
				}
				key := name
				if rf.Kind == kg.DateField {
					key = name + "Text" // what readField answers a date from
				}
				if _, ok := props[key]; !ok {
					t.Errorf("%s: %s is written as %v, but the read model reads %s", e.ID, field, slices.Sorted(maps.Keys(props)), key)
				}
				if d, isDuration := e.Props[field].(kg.Duration); isDuration {
					if m, ok := kg.ReadFields[e.Type][field+"Months"]; !ok || props[field+"Months"] != int64(d.Months) || m.Kind != kg.PropField {
						t.Errorf("%s: %sMonths is not written, or not read", e.ID, field)
					}
				}
			}
		}
	}
	t.Logf("%d fields seen", len(seen))
	if len(seen) < 40 {
		t.Errorf("the bundled files state only %d fields: too few for this test to say much", len(seen))
	}
}
