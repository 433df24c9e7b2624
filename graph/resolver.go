// Package graph is casegraph's GraphQL layer: the schema's resolvers, which
// read arguments, call the domain interfaces and convert the answers. It holds
// no Cypher; gqlgen generates the rest of the package from schema.graphqls.
package graph

//go:generate go -C .. run ./internal/graphgen

import (
	"context"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/dedupe"
	"github.com/casegraph/casegraph/internal/feed"
	"github.com/casegraph/casegraph/internal/kg"
)

// The roles below are what the resolvers need from storage, one interface
// per group of questions, so that a fake implements only the questions its
// test asks. One neo4jstore.Store plays every role.

// Lookups finds entities by ID, lists them and counts the graph.
type Lookups interface {
	Stats(ctx context.Context) (kg.Stats, error)
	Entities(ctx context.Context, ids []string, sel *kg.Selection) ([]map[string]any, error)
	EntitySets(ctx context.Context, sets []kg.EntitySet) ([][]map[string]any, error)
	ListEntities(ctx context.Context, types []kg.EntityType, order kg.EntityOrder, first, offset int) ([]string, int, error)
}

// Views draws parts of the graph: around an entity, between two, a chosen
// set, one relationship, and an entity's timeline.
type Views interface {
	Neighbourhood(ctx context.Context, q kg.NeighbourhoodQuery) (kg.GraphView, error)
	Paths(ctx context.Context, q kg.PathsQuery) (kg.GraphView, [][]string, error)
	Subgraph(ctx context.Context, ids []string) (kg.GraphView, error)
	Relationship(ctx context.Context, id string) (kg.GraphView, error)
	Timeline(ctx context.Context, q kg.TimelineQuery) ([]kg.TimelineEntry, error)
}

// Searcher finds entities by their names and text.
type Searcher interface {
	Search(ctx context.Context, q kg.SearchQuery) ([]kg.Hit, error)
}

// Patterns answers the questions across cases: convictions and their
// counts, and the named patterns the schema offers.
type Patterns interface {
	Convictions(ctx context.Context, f kg.ConvictionFilter, first, offset int) ([]kg.Conviction, int, error)
	Counts(ctx context.Context, by kg.CountDimension, f kg.ConvictionFilter) ([]kg.GroupCount, error)
	ChargeChanges(ctx context.Context) ([]kg.ChargeChange, error)
	CommonGround(ctx context.Context, a, b string) (kg.CommonGround, error)
	SimilarCases(ctx context.Context, to string, first int) ([]kg.SimilarCase, error)
	ArrestsAfterProtests(ctx context.Context, withinMonths int) ([]kg.ProtestArrest, error)
	PretrialDetention(ctx context.Context) ([]kg.PretrialRecord, error)
	AssessedCases(ctx context.Context, minOrganisations int) ([]kg.AssessedCase, error)
	ArticlePairs(ctx context.Context) ([]kg.ArticlePair, error)
	ContestedClaims(ctx context.Context) ([]kg.ContestedClaim, error)
	LaterChargedAssociates(ctx context.Context) ([]kg.Associate, error)
}

// Sources reads the sources' texts: passages that match, how much of a
// source the graph cites, and the words a citation quotes.
type Sources interface {
	Passages(ctx context.Context, q kg.PassageQuery) ([]kg.PassageHit, int, error)
	Coverage(ctx context.Context, source string) (kg.Coverage, error)
	Quotes(ctx context.Context, cites []kg.Citation) (map[string]string, map[string]bool, error)
}

// Duplicates offers pairs of entities that may be one, and keeps the
// analysts' judgements of them.
type Duplicates interface {
	Candidates(ctx context.Context, types []kg.EntityType) ([]dedupe.Candidate, map[[2]string]kg.Judgement, error)
	// DuplicatesOf pairs one entity with the graph's, and names the others.
	DuplicatesOf(ctx context.Context, c dedupe.Candidate) ([]dedupe.Pair, map[string]string, error)
	JudgeDuplicates(ctx context.Context, a, b, verdict string, edit kg.Edit) (kg.Judgement, error)
}

// Editor writes entities, relationships, case files and sources' texts,
// and answers what checking an edit asks of the graph.
type Editor interface {
	casefile.Graph
	ReadEntity(ctx context.Context, id string) (kg.Batch, error)
	SaveEntity(ctx context.Context, e kg.Entity, links []kg.Link, expectVersion int, edit kg.Edit) (int, error)
	RetractEntity(ctx context.Context, id string, expectVersion int, edit kg.Edit) (string, error)
	MergeEntities(ctx context.Context, keep, remove string, keepVersion, removeVersion int, edit kg.Edit) error
	SaveRelation(ctx context.Context, l kg.Link, create bool, edit kg.Edit) error
	RetractRelation(ctx context.Context, t kg.RelType, id string, edit kg.Edit) (string, error)
	Import(ctx context.Context, batches []kg.Batch, o kg.ImportOptions) (kg.ImportResult, error)
	SaveTexts(ctx context.Context, texts map[string][]string, edit kg.Edit) (int, error)
}

// Histories tells the changes made to an entity or relationship.
type Histories interface {
	History(ctx context.Context, id string) ([]kg.Change, error)
}

// Storage is every role at once, as one store behind the whole API plays
// them.
type Storage interface {
	Lookups
	Views
	Searcher
	Patterns
	Sources
	Duplicates
	Editor
	Histories
}

// Investigations is what the saved investigations need from storage.
type Investigations interface {
	Investigation(ctx context.Context, id string) (kg.Investigation, bool, error)
	ListInvestigations(ctx context.Context, first, offset int) ([]kg.Investigation, int, error)
	SaveInvestigation(ctx context.Context, id string, c kg.InvestigationContent, expectVersion int, edit kg.Edit) (int, error)
	DeleteInvestigation(ctx context.Context, id string, expectVersion int, mayDeleteOthers bool, edit kg.Edit) (string, error)
}

// Changes is the feed of changes as they commit, for the changes
// subscription.
type Changes interface {
	Subscribe(ctx context.Context, client string, f feed.Filter) (*feed.Subscription, error)
}

// Resolver holds the resolvers' dependencies. A role left nil fails the
// questions that need it, as an internal error.
type Resolver struct {
	Lookups    Lookups
	Views      Views
	Searcher   Searcher
	Patterns   Patterns
	Sources    Sources
	Duplicates Duplicates
	Editor     Editor
	Histories  Histories
	// Changes is nil where the service offers no subscriptions.
	Changes Changes
	// Investigations is nil where the service keeps none.
	Investigations Investigations
}

// NewResolver is a Resolver whose every storage role is s.
func NewResolver(s Storage) *Resolver {
	return &Resolver{Lookups: s, Views: s, Searcher: s, Patterns: s, Sources: s, Duplicates: s, Editor: s, Histories: s}
}
