// Package graph is casegraph's GraphQL layer: the schema's resolvers, which
// read arguments, call the domain interfaces and convert the answers. It holds
// no Cypher; gqlgen generates the rest of the package from schema.graphqls.
package graph

//go:generate go -C .. tool gqlgen generate

import (
	"context"

	"github.com/casegraph/casegraph/internal/kg"
)

// Store is what the resolvers need from storage.
type Store interface {
	Stats(ctx context.Context) (kg.Stats, error)
}

// Resolver holds the resolvers' dependencies.
type Resolver struct {
	Store Store
}
