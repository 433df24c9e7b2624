package neo4jstore

import (
	"context"

	"github.com/casegraph/casegraph/internal/dedupe"
	"github.com/casegraph/casegraph/internal/kg"
)

// The questions Kept keeps the answers of: each asks the Store, under a
// key of the question's name and arguments.

type page[T any] struct {
	Items []T
	Total int
}

func (k *Kept) Counts(ctx context.Context, by kg.CountDimension, f kg.ConvictionFilter) ([]kg.GroupCount, error) {
	return keep(ctx, k, "counts", []any{by, f}, func(ctx context.Context) ([]kg.GroupCount, error) {
		return k.Store.Counts(ctx, by, f)
	})
}

func (k *Kept) ChargeChanges(ctx context.Context) ([]kg.ChargeChange, error) {
	return keep(ctx, k, "chargeChanges", nil, k.Store.ChargeChanges)
}

func (k *Kept) SimilarCases(ctx context.Context, to string, first int) ([]kg.SimilarCase, error) {
	return keep(ctx, k, "similarCases", []any{to, first}, func(ctx context.Context) ([]kg.SimilarCase, error) {
		return k.Store.SimilarCases(ctx, to, first)
	})
}

func (k *Kept) ArrestsAfterProtests(ctx context.Context, withinMonths int) ([]kg.ProtestArrest, error) {
	return keep(ctx, k, "arrestsAfterProtests", []any{withinMonths}, func(ctx context.Context) ([]kg.ProtestArrest, error) {
		return k.Store.ArrestsAfterProtests(ctx, withinMonths)
	})
}

func (k *Kept) LaterChargedAssociates(ctx context.Context) ([]kg.Associate, error) {
	return keep(ctx, k, "laterChargedAssociates", nil, k.Store.LaterChargedAssociates)
}

func (k *Kept) PretrialDetention(ctx context.Context) ([]kg.PretrialRecord, error) {
	return keep(ctx, k, "pretrialDetention", nil, k.Store.PretrialDetention)
}

func (k *Kept) AssessedCases(ctx context.Context, minOrganisations int) ([]kg.AssessedCase, error) {
	return keep(ctx, k, "assessedCases", []any{minOrganisations}, func(ctx context.Context) ([]kg.AssessedCase, error) {
		return k.Store.AssessedCases(ctx, minOrganisations)
	})
}

func (k *Kept) ArticlePairs(ctx context.Context) ([]kg.ArticlePair, error) {
	return keep(ctx, k, "articlePairs", nil, k.Store.ArticlePairs)
}

func (k *Kept) ContestedClaims(ctx context.Context) ([]kg.ContestedClaim, error) {
	return keep(ctx, k, "contestedClaims", nil, k.Store.ContestedClaims)
}

func (k *Kept) Passages(ctx context.Context, q kg.PassageQuery) ([]kg.PassageHit, int, error) {
	p, err := keep(ctx, k, "passages", []any{q}, func(ctx context.Context) (page[kg.PassageHit], error) {
		hits, n, err := k.Store.Passages(ctx, q)
		return page[kg.PassageHit]{hits, n}, err
	})
	return p.Items, p.Total, err
}

func (k *Kept) Coverage(ctx context.Context, source string) (kg.Coverage, error) {
	return keep(ctx, k, "coverage", []any{source}, func(ctx context.Context) (kg.Coverage, error) {
		return k.Store.Coverage(ctx, source)
	})
}

func (k *Kept) Candidates(ctx context.Context, types []kg.EntityType) ([]dedupe.Candidate, map[[2]string]kg.Judgement, error) {
	type candidates struct {
		Candidates []dedupe.Candidate
		Judged     map[[2]string]kg.Judgement
	}
	c, err := keep(ctx, k, "candidates", []any{types}, func(ctx context.Context) (candidates, error) {
		cs, judged, err := k.Store.Candidates(ctx, types)
		return candidates{cs, judged}, err
	})
	return c.Candidates, c.Judged, err
}
