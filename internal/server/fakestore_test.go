package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/dedupe"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/server"
)

// emptyStore plays every storage role and holds nothing: every question
// gets an empty answer. It serves tests of the HTTP layer that need no
// data, and other fakes take the questions they do not ask from it.
type emptyStore struct{}

var _ graph.Storage = emptyStore{}

func (emptyStore) Stats(context.Context) (kg.Stats, error) { return kg.Stats{}, nil }
func (emptyStore) Entities(context.Context, []string, *kg.Selection) ([]map[string]any, error) {
	return nil, nil
}
func (emptyStore) EntitySets(_ context.Context, sets []kg.EntitySet) ([][]map[string]any, error) {
	return make([][]map[string]any, len(sets)), nil
}
func (emptyStore) ListEntities(context.Context, []kg.EntityType, kg.EntityOrder, int, int) ([]string, int, error) {
	return nil, 0, nil
}
func (emptyStore) Neighbourhood(context.Context, kg.NeighbourhoodQuery) (kg.GraphView, error) {
	return kg.GraphView{}, nil
}
func (emptyStore) Paths(context.Context, kg.PathsQuery) (kg.GraphView, [][]string, error) {
	return kg.GraphView{}, nil, nil
}
func (emptyStore) Subgraph(context.Context, []string) (kg.GraphView, error) {
	return kg.GraphView{}, nil
}
func (emptyStore) Relationship(_ context.Context, id string) (kg.GraphView, error) {
	return kg.GraphView{}, kg.Errorf(kg.NotFound, "no relationship with id %q", id)
}
func (emptyStore) Timeline(context.Context, kg.TimelineQuery) ([]kg.TimelineEntry, error) {
	return nil, nil
}
func (emptyStore) Search(context.Context, kg.SearchQuery) ([]kg.Hit, error) { return nil, nil }
func (emptyStore) Convictions(context.Context, kg.ConvictionFilter, int, int) ([]kg.Conviction, int, error) {
	return nil, 0, nil
}
func (emptyStore) Counts(context.Context, kg.CountDimension, kg.ConvictionFilter) ([]kg.GroupCount, error) {
	return nil, nil
}
func (emptyStore) ChargeChanges(context.Context) ([]kg.ChargeChange, error) { return nil, nil }
func (emptyStore) CommonGround(context.Context, string, string) (kg.CommonGround, error) {
	return kg.CommonGround{}, nil
}
func (emptyStore) SimilarCases(context.Context, string, int) ([]kg.SimilarCase, error) {
	return nil, nil
}
func (emptyStore) ArrestsAfterProtests(context.Context, int) ([]kg.ProtestArrest, error) {
	return nil, nil
}
func (emptyStore) PretrialDetention(context.Context) ([]kg.PretrialRecord, error) { return nil, nil }
func (emptyStore) AssessedCases(context.Context, int) ([]kg.AssessedCase, error)  { return nil, nil }
func (emptyStore) ArticlePairs(context.Context) ([]kg.ArticlePair, error)         { return nil, nil }
func (emptyStore) ContestedClaims(context.Context) ([]kg.ContestedClaim, error)   { return nil, nil }
func (emptyStore) LaterChargedAssociates(context.Context) ([]kg.Associate, error) {
	return nil, nil
}
func (emptyStore) Known(context.Context, []string) (map[string]kg.EntityType, map[string]string, error) {
	return map[string]kg.EntityType{}, map[string]string{}, nil
}
func (emptyStore) IDsNear(context.Context, []string, int) ([]string, error) {
	return nil, nil
}
func (emptyStore) ReadEntity(_ context.Context, id string) (kg.Batch, error) {
	return kg.Batch{}, kg.Errorf(kg.NotFound, "%s does not exist", id)
}
func (emptyStore) SaveEntity(context.Context, kg.Entity, []kg.Link, int, kg.Edit) (int, error) {
	return 1, nil
}
func (emptyStore) RetractEntity(_ context.Context, id string, _ int, _ kg.Edit) (string, error) {
	return "", kg.Errorf(kg.NotFound, "no entity with id %q", id)
}
func (emptyStore) SaveRelation(context.Context, kg.Link, bool, kg.Edit) error { return nil }
func (emptyStore) RetractRelation(_ context.Context, _ kg.RelType, id string, _ kg.Edit) (string, error) {
	return "", kg.Errorf(kg.NotFound, "no relationship with id %q", id)
}
func (emptyStore) History(context.Context, string) ([]kg.Change, error) { return nil, nil }
func (emptyStore) Import(context.Context, []kg.Batch, kg.ImportOptions) (kg.ImportResult, error) {
	return kg.ImportResult{}, nil
}
func (emptyStore) Passages(context.Context, kg.PassageQuery) ([]kg.PassageHit, int, error) {
	return nil, 0, nil
}
func (emptyStore) Coverage(_ context.Context, source string) (kg.Coverage, error) {
	return kg.Coverage{}, kg.Errorf(kg.NotFound, "no source has ID %q", source)
}
func (emptyStore) Quotes(context.Context, []kg.Citation) (map[string]string, map[string]bool, error) {
	return nil, nil, nil
}
func (emptyStore) Candidates(context.Context, []kg.EntityType) ([]dedupe.Candidate, map[[2]string]kg.Judgement, error) {
	return nil, nil, nil
}
func (emptyStore) DuplicatesOf(context.Context, dedupe.Candidate) ([]dedupe.Pair, map[string]string, error) {
	return nil, nil, nil
}
func (emptyStore) JudgeDuplicates(_ context.Context, a, b, _ string, _ kg.Edit) (kg.Judgement, error) {
	return kg.Judgement{}, kg.Errorf(kg.NotFound, "no entity has ID %q or %q", a, b)
}
func (emptyStore) SaveTexts(context.Context, map[string][]string, kg.Edit) (int, error) {
	return 0, nil
}
func (emptyStore) Paragraphs(context.Context, []string) (map[string]int, error) { return nil, nil }

// principals authenticates the tokens it lists by name.
type principals map[string]kg.Principal

func (p principals) authenticate(_ context.Context, token string) (kg.Principal, error) {
	if pr, ok := p[token]; ok {
		return pr, nil
	}
	return kg.Principal{}, kg.Errorf(kg.Unauthenticated, "the bearer token is not valid")
}

// emptyHandler is the real handler over an emptyStore; edit adjusts its
// options. Its logs go to log (io.Discard when nil).
func emptyHandler(log io.Writer, edit func(*server.Options)) http.Handler {
	if log == nil {
		log = io.Discard
	}
	o := server.Options{
		Resolver:   graph.NewResolver(emptyStore{}),
		Ready:      func(context.Context) error { return nil },
		Log:        slog.New(slog.NewJSONHandler(log, nil)),
		Playground: true,
	}
	if edit != nil {
		edit(&o)
	}
	return server.New(o)
}

func (emptyStore) MergeEntities(context.Context, string, string, int, int, kg.Edit) error { return nil }
