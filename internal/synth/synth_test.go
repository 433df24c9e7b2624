package synth_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/synth"
)

// The generated files must pass the same checks as hand-written ones, be
// marked synthetic, and be the same for the same seed.
func TestGenerate(t *testing.T) {
	files := synth.Generate(200, 3)
	inputs := make([]casefile.Input, len(files))
	for i, f := range files {
		inputs[i] = casefile.Input{Name: f.Name, Src: f.Src}
	}
	checked, err := casefile.Check(inputs, casefile.Options{})
	if err != nil {
		t.Fatalf("generated files do not check: %v", err)
	}
	for _, f := range checked {
		for _, e := range f.Batch.Entities {
			if !strings.Contains(e.ID, "/"+synth.Prefix) && !strings.Contains(e.ID, "/xx-"+synth.Prefix) {
				t.Errorf("%s: ID %s is not marked synthetic", f.Path, e.ID)
			}
			desc, _ := e.Props["description"].(string)
			note, _ := e.Props["note"].(string)
			if !strings.Contains(desc+note, synth.Marker) {
				t.Errorf("%s: %s does not say it is synthetic", f.Path, e.ID)
			}
		}
	}
	again := synth.Generate(200, 3)
	for i := range files {
		if !bytes.Equal(files[i].Src, again[i].Src) {
			t.Fatalf("%s differs between two runs with one seed", files[i].Name)
		}
	}
}
