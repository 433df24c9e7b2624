package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// importTexts writes importCase and the given texts/ files (names and
// contents with {tag} filled in) to a directory and imports it.
func importTexts(t *testing.T, uri, tag string, texts map[string]string) (string, string, error) {
	t.Helper()
	dir := t.TempDir()
	writeCase(t, dir, tag+".yaml", tag, importCase)
	if err := os.MkdirAll(filepath.Join(dir, "texts"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range texts {
		writeCase(t, filepath.Join(dir, "texts"), strings.ReplaceAll(name, "{tag}", tag), tag, text)
	}
	out, err := importRun(t, uri, dir)
	return dir, out, err
}

// heldText returns the paragraphs the graph holds of source, in order.
func heldText(t *testing.T, uri, source string) []string {
	t.Helper()
	var out []string
	for _, r := range neo4jtest.Exec(t, uri, "MATCH (p:Passage {source: $s}) RETURN p.text AS text ORDER BY p.n", map[string]any{"s": source}) {
		text, _ := r.Get("text")
		out = append(out, text.(string))
	}
	return out
}

// The texts an export writes beside the case files are stored by an
// import of that directory; a malformed one, or one for a source the
// import does not define without a file, stops the import before anything
// is written, naming the file.
func TestImportStoresExportedTexts(t *testing.T) {
	uri := neo4jtest.URI(t)
	cleanTexts := func(tag string) {
		t.Cleanup(func() {
			neo4jtest.Exec(t, uri, "MATCH (n) WHERE (n:Passage OR n:SourceText) AND n.source CONTAINS $tag DELETE n", map[string]any{"tag": tag})
		})
	}

	t.Run("stored", func(t *testing.T) {
		tag := importTag(t, uri)
		cleanTexts(tag)
		_, out, err := importTexts(t, uri, tag, map[string]string{
			"{tag}-report.txt": "source: source/{tag}-report\n\nThe first paragraph.\n\nThe second paragraph.\n",
		})
		if err != nil {
			t.Fatalf("import: %v\n%s", err, out)
		}
		got := heldText(t, uri, "source/"+tag+"-report")
		if strings.Join(got, "|") != "The first paragraph.|The second paragraph." {
			t.Errorf("held paragraphs %q", got)
		}
		if !strings.Contains(out, "source texts stored: 1 source") {
			t.Errorf("the import does not report the stored text:\n%s", out)
		}
	})

	for _, c := range []struct{ name, file, text, want string }{
		{"malformed header", "{tag}-report.txt", "source: source/other\n\nText.\n", `the first line must be "source: source/{tag}-report"`},
		{"name not a slug", "{tag}-Report.txt", "source: source/{tag}-Report\n\nText.\n", "the name is not a source's slug"},
		{"paragraph against the rules", "{tag}-report.txt", "source: source/{tag}-report\n\nHidden\u202eoverride.\n", "paragraph 1"},
		{"source not defined by the import", "{tag}-memo.txt", "source: source/{tag}-memo\n\nText.\n", "no case file of this import defines source/{tag}-memo"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tag := importTag(t, uri)
			cleanTexts(tag)
			_, out, err := importTexts(t, uri, tag, map[string]string{c.file: c.text})
			file := filepath.Join("texts", strings.ReplaceAll(c.file, "{tag}", tag))
			if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), strings.ReplaceAll(c.want, "{tag}", tag)) ||
				!strings.Contains(err.Error(), "nothing was written") {
				t.Fatalf("error %v, want one naming %s, saying %q and that nothing was written; printed:\n%s", err, file, c.want, out)
			}
			if n, r, m := tagged(t, uri, tag); n+r+m != 0 {
				t.Errorf("the graph holds %d entities, %d relationships and %d manifests of the refused import", n, r, m)
			}
		})
	}

	// A text shorter than the citations of the case files passes its own
	// checks but not the graph's, which only the store can tell once the
	// facts are in: the case files stay written, the text is not, and the
	// error says so.
	t.Run("text shorter than its citations", func(t *testing.T) {
		tag := importTag(t, uri)
		cleanTexts(tag)
		_, out, err := importTexts(t, uri, tag, map[string]string{
			"{tag}-report.txt": "source: source/{tag}-report\n\nOnly one paragraph.\n",
		})
		if err == nil || !strings.Contains(err.Error(), "the case files were written") {
			t.Fatalf("error %v, want one saying the case files were written; printed:\n%s", err, out)
		}
		if n, _, _ := tagged(t, uri, tag); n != importCaseNodes {
			t.Errorf("the graph holds %d entities of the import, want %d", n, importCaseNodes)
		}
		if got := heldText(t, uri, "source/"+tag+"-report"); len(got) != 0 {
			t.Errorf("a text shorter than its citations was stored: %q", got)
		}
	})
}
