package casefile

import (
	"os"
	"testing"
)

// sourcesDir is where the source documents are, when the machine has them.
func sourcesDir(t *testing.T) string {
	t.Helper()
	return os.Getenv("CASEGRAPH_SOURCES_DIR")
}

func TestBundledCaseFilesAreValid(t *testing.T) {
	paths, err := Expand([]string{"../../data/cases"})
	if err != nil {
		t.Fatal(err)
	}
	files, err := Load(paths, Options{SourcesDir: sourcesDir(t)})
	if err != nil {
		t.Fatalf("bundled case files do not validate:\n%v", err)
	}
	if len(files) != len(paths) || len(files) < 5 {
		t.Errorf("loaded %d of %d files", len(files), len(paths))
	}
}
