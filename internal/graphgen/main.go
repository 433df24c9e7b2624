// Command graphgen regenerates the GraphQL layer in graph/ from
// schema.graphqls and gqlgen.yml, as `gqlgen generate` does, and then has
// the generated code marshal the elements of a list one after the other
// instead of one goroutine each (see graph/slice.go). gqlgen has no
// setting for that. `go generate ./...` runs it.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen/config"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "graphgen:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		return err
	}
	if err := api.Generate(cfg); err != nil {
		return err
	}
	return marshalInOrder(cfg.Exec.Filename)
}

// concurrent is gqlgen's call for lists of objects; inOrder is graph's own
// function with the same signature.
var (
	concurrent = []byte("graphql.MarshalSliceConcurrently(")
	inOrder    = []byte("marshalSliceInOrder(")
)

func marshalInOrder(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	src, err = rewrite(src)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, src, 0o644)
}

// rewrite fails when there is nothing to rewrite, so that a gqlgen that
// names or calls the function differently is noticed, not ignored.
func rewrite(src []byte) ([]byte, error) {
	if !bytes.Contains(src, concurrent) {
		return nil, fmt.Errorf("no call of %s) found: gqlgen's generated code has changed, see graph/slice.go", concurrent)
	}
	return format.Source(bytes.ReplaceAll(src, concurrent, inOrder))
}
