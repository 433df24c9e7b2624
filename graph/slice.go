package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalSliceInOrder takes the place of gqlgen's
// graphql.MarshalSliceConcurrently in generated.go (internal/graphgen
// rewrites the calls). gqlgen marshals each element of a list of objects
// in a goroutine of its own, for fields whose resolvers wait on I/O.
// casegraph resolves only the fields of Query and Mutation; every object
// field below them reads what the root's statement already fetched, so
// those goroutines were pure cost: starting them, growing their stacks
// and waking whoever waits for them.
//
// Like gqlgen's, it gives each element a field context with its index,
// and turns a panic in one element into an error at that element's path
// and a null in its place.
func marshalSliceInOrder(ctx context.Context, length int, _ int64, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	for i := range length {
		childCtx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		if omitPanicHandler {
			ret[i] = marshalElement(childCtx, i)
		} else {
			ret[i] = marshalRecovering(childCtx, i, marshalElement)
		}
	}
	return ret
}

func marshalRecovering(ctx context.Context, i int, marshalElement func(ctx context.Context, i int) graphql.Marshaler) (m graphql.Marshaler) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			m = graphql.Null
		}
	}()
	return marshalElement(ctx, i)
}
