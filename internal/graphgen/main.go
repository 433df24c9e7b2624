// Command graphgen regenerates the GraphQL layer in graph/ from
// schema.graphqls and gqlgen.yml, as `gqlgen generate` does, and then
// takes two costs out of the generated code that casegraph does not need
// and gqlgen has no setting for: a goroutine for each element of a list
// (see graph/slice.go), and an empty @defer group made for every object
// marshalled. `go generate ./...` runs it.
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
	return rewriteFile(cfg.Exec.Filename)
}

func rewriteFile(path string) error {
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

var (
	// gqlgen's call for lists of objects, and graph's own function with
	// the same signature.
	concurrent = []byte("graphql.MarshalSliceConcurrently(")
	inOrder    = []byte("marshalSliceInOrder(")

	// Every object's marshaller makes a group for fields under @defer,
	// working out the object's path, a field set and a map. Only fields
	// resolved concurrently (with resolvers of their own) ever join it;
	// in a marshaller without any, the group stays empty and unused.
	newGroup     = []byte("deferred := graphql.NewDeferredGroup(ctx)")
	emptyGroup   = []byte("var deferred graphql.DeferredGroup")
	joinsGroup   = []byte("ResolveConcurrently(")
	funcBoundary = []byte("\nfunc ")
)

// rewrite fails when there is nothing to rewrite, so that a gqlgen that
// names or calls these functions differently is noticed, not ignored.
func rewrite(src []byte) ([]byte, error) {
	if !bytes.Contains(src, concurrent) {
		return nil, fmt.Errorf("no call of %s) found: gqlgen's generated code has changed, see graph/slice.go", concurrent)
	}
	if !bytes.Contains(src, newGroup) {
		return nil, fmt.Errorf("no %q found: gqlgen's generated code has changed", newGroup)
	}
	src = bytes.ReplaceAll(src, concurrent, inOrder)
	funcs := bytes.Split(src, funcBoundary)
	for i, f := range funcs {
		if !bytes.Contains(f, joinsGroup) {
			funcs[i] = bytes.ReplaceAll(f, newGroup, emptyGroup)
		}
	}
	return format.Source(bytes.Join(funcs, funcBoundary))
}
