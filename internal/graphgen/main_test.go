package main

import (
	"strings"
	"testing"
)

func TestRewrite(t *testing.T) {
	src := "package graph\n\nfunc f() {\n\tret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, el)\n\t_ = graphql.MarshalSliceConcurrently(ctx, 1, 0, false, el)\n}\n"
	got, err := rewrite([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(got), "marshalSliceInOrder(ctx,"); n != 2 || strings.Contains(string(got), "Concurrently") {
		t.Errorf("rewrote %d calls:\n%s", n, got)
	}
	if _, err := rewrite([]byte("package graph\n")); err == nil || !strings.Contains(err.Error(), "graph/slice.go") {
		t.Errorf("source without the call: error %v, want one pointing at graph/slice.go", err)
	}
}
