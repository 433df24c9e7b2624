package graph

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

func TestMarshalSliceInOrder(t *testing.T) {
	recovered := func(_ context.Context, err any) error { return fmt.Errorf("recovered: %v", err) }
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, recovered)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{})
	var seen []int
	got := marshalSliceInOrder(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		seen = append(seen, i)
		if fc := graphql.GetFieldContext(ctx); fc.Index == nil || *fc.Index != i {
			t.Errorf("element %d: field context index %v", i, fc.Index)
		}
		if i == 1 {
			panic("element 1 breaks")
		}
		return graphql.MarshalInt(i)
	})
	var buf bytes.Buffer
	got.MarshalGQL(&buf)
	if buf.String() != "[0,null,2]" {
		t.Errorf("marshalled %s, want [0,null,2]", buf.String())
	}
	if len(seen) != 3 || seen[0] != 0 || seen[2] != 2 {
		t.Errorf("elements marshalled in the order %v", seen)
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || errs[0].Path.String() != "[1]" || errs[0].Message != "recovered: element 1 breaks" {
		t.Fatalf("errors %v, want one at index 1", errs)
	}
}
