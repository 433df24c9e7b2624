package server_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/server"
)

var update = flag.Bool("update", false, "rewrite the golden answers and docs/api.md")

// Every example GraphiQL opens with is answered from the bundled data in a
// real Neo4j and compared with its golden answer in testdata/golden; with
// -update the answers and the examples of docs/api.md are rewritten from
// what the API says.
func TestExamplesGolden(t *testing.T) {
	a := newAPI(t)
	apiDoc := filepath.Join("..", "..", "docs", "api.md")
	var doc strings.Builder
	doc.WriteString(apiDocHeader(t, apiDoc))
	for _, ex := range server.Examples() {
		r, _ := a.post(t, ex.Query, nil)
		if len(r.Errors) > 0 {
			t.Errorf("%s: errors %+v", ex.Name, r.Errors)
			continue
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, r.Data, "", "  "); err != nil {
			t.Fatal(err)
		}
		pretty.WriteByte('\n')
		golden := filepath.Join("testdata", "golden", ex.Name+".json")
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Errorf("%s: no golden answer (run the test with -update): %v", ex.Name, err)
			continue
		}
		if !bytes.Equal(want, pretty.Bytes()) {
			t.Errorf("%s: the answer differs from %s (run with -update if the change is intended):\n%s", ex.Name, golden, firstDiff(string(want), pretty.String()))
		}
		fmt.Fprintf(&doc, "## %s\n\n```graphql\n%s```\n\n<details><summary>Answer on the bundled data</summary>\n\n```json\n%s```\n\n</details>\n\n", title(ex), ex.Query, pretty.String())
	}
	if *update {
		if err := os.WriteFile(apiDoc, []byte(doc.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(apiDoc)
	if err != nil || string(got) != doc.String() {
		t.Errorf("docs/api.md is not current: run go test ./internal/server -run TestExamplesGolden -update")
	}
}

// title is the example's first comment line, or its name.
func title(ex server.Example) string {
	first, _, _ := strings.Cut(ex.Query, "\n")
	if t, ok := strings.CutPrefix(first, "# "); ok {
		return t
	}
	return ex.Name
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d vs %d lines", len(al), len(bl))
}

// apiDocHeader is the written part of docs/api.md: everything before its
// examples, which TestExamplesGolden writes.
func apiDocHeader(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, _, ok := strings.Cut(string(raw), "\n# Examples\n")
	if !ok {
		t.Fatalf("%s has no '# Examples' heading", path)
	}
	return head + "\n# Examples\n\nEach example below is a tab in GraphiQL and is answered here from the bundled data; the answers are the golden files of the API tests.\n\n"
}
