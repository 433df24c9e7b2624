package graph

import (
	"os"
	"regexp"
	"testing"

	"github.com/vektah/gqlparser/v2"
)

// The queries the documents show are valid against the schema, so a
// reader who pastes one into GraphiQL gets an answer, not an error.
func TestDocumentedQueriesAreValid(t *testing.T) {
	block := regexp.MustCompile("(?s)```graphql\n(.*?)```")
	for _, path := range []string{"../README.md", "../docs/api.md", "../docs/clients.md"} {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		blocks := block.FindAllSubmatch(src, -1)
		if len(blocks) == 0 && path == "../README.md" {
			t.Fatalf("%s shows no queries", path)
		}
		for i, b := range blocks {
			if _, errs := gqlparser.LoadQuery(parsedSchema, string(b[1])); errs != nil {
				t.Errorf("%s, query %d: %v\n%s", path, i+1, errs, b[1])
			}
		}
	}
}
