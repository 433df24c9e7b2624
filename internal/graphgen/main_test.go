package main

import (
	"strings"
	"testing"
)

const generated = `package graph

func (ec *executionContext) _Person(ctx context.Context, obj *model.Person) graphql.Marshaler {
	deferred := graphql.NewDeferredGroup(ctx)
	out.Values[0] = graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, el)
	return out
}

func (ec *executionContext) _Lazy(ctx context.Context, obj *model.Lazy) graphql.Marshaler {
	deferred := graphql.NewDeferredGroup(ctx)
	out.ResolveConcurrently(ec.OperationContext, &deferred, i, true, true, f)
	return graphql.MarshalSliceConcurrently(ctx, 1, 0, false, el)
}
`

func TestRewrite(t *testing.T) {
	got, err := rewrite([]byte(generated))
	if err != nil {
		t.Fatal(err)
	}
	person, lazy, _ := strings.Cut(string(got), "func (ec *executionContext) _Lazy")
	if n := strings.Count(string(got), "marshalSliceInOrder(ctx,"); n != 2 || strings.Contains(string(got), "Concurrently(ctx") {
		t.Errorf("rewrote %d list calls:\n%s", n, got)
	}
	if !strings.Contains(person, "var deferred graphql.DeferredGroup") || strings.Contains(person, "NewDeferredGroup") {
		t.Errorf("a marshaller without concurrent fields keeps making its @defer group:\n%s", person)
	}
	if !strings.Contains(lazy, "deferred := graphql.NewDeferredGroup(ctx)") {
		t.Errorf("a marshaller with a concurrent field lost its @defer group:\n%s", lazy)
	}
}

func TestRewriteNoticesChangedOutput(t *testing.T) {
	for name, src := range map[string]string{
		"no list call": "package graph\n\nfunc f() {\n\tdeferred := graphql.NewDeferredGroup(ctx)\n}\n",
		"no group":     "package graph\n\nfunc f() {\n\tgraphql.MarshalSliceConcurrently(ctx, 1, 0, false, el)\n}\n",
	} {
		if _, err := rewrite([]byte(src)); err == nil || !strings.Contains(err.Error(), "gqlgen's generated code has changed") {
			t.Errorf("%s: error %v", name, err)
		}
	}
}
