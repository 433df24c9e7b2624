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
	Entities(ctx context.Context, ids []string, sel *kg.Selection) ([]map[string]any, error)
	ListEntities(ctx context.Context, types []kg.EntityType, order kg.EntityOrder, first, offset int) ([]string, int, error)
	Neighbourhood(ctx context.Context, q kg.NeighbourhoodQuery) (kg.GraphView, error)
	Paths(ctx context.Context, q kg.PathsQuery) (kg.GraphView, [][]string, error)
	Subgraph(ctx context.Context, ids []string) (kg.GraphView, error)
	Relationship(ctx context.Context, id string) (kg.GraphView, error)
	Timeline(ctx context.Context, q kg.TimelineQuery) ([]kg.TimelineEntry, error)
}

// Resolver holds the resolvers' dependencies.
type Resolver struct {
	Store Store
}
