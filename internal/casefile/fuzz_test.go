package casefile

import (
	"reflect"
	"testing"
)

// FuzzCaseFile feeds arbitrary bytes to the checker. Whatever the input,
// Parse and Check answer with a file or with problems, never a panic; and a
// file Parse accepts is one Write can render and Parse reads back as the
// same facts, so an export never loses what an import took in. The seed
// corpus (testdata/fuzz/FuzzCaseFile) holds the bundled case files.
func FuzzCaseFile(f *testing.F) {
	f.Add([]byte("version: 1\n"))
	f.Add([]byte("version: 1\nentities:\n  - id: person/a\n    name: A\n    cite: [source/s#p1]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if _, err := Check([]Input{{Name: "fuzz.yaml", Src: src}}, Options{}); err != nil {
			if _, ok := err.(Problems); !ok {
				t.Fatalf("Check returned %T, want Problems: %v", err, err)
			}
		}
		file, err := Parse("fuzz.yaml", src)
		if err != nil {
			if _, ok := err.(Problems); !ok {
				t.Fatalf("Parse returned %T, want Problems: %v", err, err)
			}
			return
		}
		out, err := Write(file.Batch)
		if err != nil {
			t.Fatalf("an accepted file cannot be written: %v\ninput:\n%s", err, src)
		}
		again, err := Parse("fuzz.yaml", out)
		if err != nil {
			t.Fatalf("written file does not parse: %v\ninput:\n%s\nwritten:\n%s", err, src, out)
		}
		if !reflect.DeepEqual(sortBatch(again.Batch), sortBatch(file.Batch)) {
			t.Fatalf("round trip changed the facts\ninput:\n%s\nwritten:\n%s", src, out)
		}
	})
}
