package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/dedupe"
	"github.com/casegraph/casegraph/internal/kg"
)

// maxDuplicatePairs bounds one answer of possibleDuplicates.
const maxDuplicatePairs = 100

func (r *Resolver) possibleDuplicates(ctx context.Context, types []model.EntityType, first *int) ([]*model.DuplicatePair, error) {
	n := intOr(first, 20)
	if n < 1 || n > maxDuplicatePairs {
		return nil, kg.Errorf(kg.Invalid, "first must be between 1 and %d, got %d", maxDuplicatePairs, n)
	}
	cands, judged, err := r.Duplicates.Candidates(ctx, entityTypes(types))
	if err != nil {
		return nil, err
	}
	pairs := dedupe.Pairs(cands, func(a, b string) bool { return judged[[2]string{a, b}].Verdict == "DISTINCT" })
	return r.duplicatePairs(ctx, pairs[:min(n, len(pairs))], judged, nil)
}

// duplicatePairs answers pairs as the API shows them, with the entities
// at both ends; an end not in the graph (a dry run's) is shown with the
// name names gives it.
func (r *Resolver) duplicatePairs(ctx context.Context, pairs []dedupe.Pair, judged map[[2]string]kg.Judgement, names map[string]string) ([]*model.DuplicatePair, error) {
	ids := map[string][]string{}
	for _, p := range pairs {
		ids["a"] = append(ids["a"], p.A)
		ids["b"] = append(ids["b"], p.B)
	}
	es, err := r.entitiesOf(ctx, nil, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.DuplicatePair, len(pairs))
	for i, p := range pairs {
		dp := &model.DuplicatePair{A: es["a"][p.A], B: es["b"][p.B], Reason: p.Reason, Score: p.Score}
		if dp.A == nil {
			dp.A = placeholder(p.A, typeOf(p.A), names[p.A])
		}
		if dp.B == nil {
			dp.B = placeholder(p.B, typeOf(p.B), names[p.B])
		}
		if j, ok := judged[pairKey(p.A, p.B)]; ok {
			dp.Judgement = judgement(j)
		}
		out[i] = dp
	}
	return out, nil
}

func pairKey(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

// importedDuplicates answers an import's likely duplicates, naming the
// file's entities that a dry run has not written.
func (r *Resolver) importedDuplicates(ctx context.Context, b kg.Batch, ds []kg.Duplicate) ([]*model.DuplicatePair, error) {
	pairs := make([]dedupe.Pair, len(ds))
	for i, d := range ds {
		pairs[i] = dedupe.Pair{A: d.ID, B: d.Other, Match: dedupe.Match{Reason: d.Reason, Score: d.Score}}
	}
	names := map[string]string{}
	for _, e := range b.Entities {
		names[e.ID], _ = e.Props["name"].(string)
	}
	return r.duplicatePairs(ctx, pairs, nil, names)
}

// duplicatesAfterSave tells the client of a create or rename which
// entities the saved one is likely the same as, in the response's
// extensions: a write is not refused for it, as the rule can be wrong.
func (r *Resolver) duplicatesAfterSave(ctx context.Context, e kg.Entity, links []kg.Link) {
	if e.Type == kg.Source {
		return
	}
	c := dedupe.CandidateOf(e, links)
	pairs, names, err := r.Duplicates.DuplicatesOf(ctx, c)
	if err != nil {
		graphql.RegisterExtension(ctx, "duplicatesUnchecked", "the duplicate check could not read the graph: "+kg.ErrorMessage(err))
		return
	}
	found := []map[string]any{}
	for _, p := range pairs {
		other := p.A
		if other == c.ID {
			other = p.B
		}
		found = append(found, map[string]any{"id": c.ID, "other": other, "otherName": names[other], "reason": p.Reason, "score": p.Score})
	}
	graphql.RegisterExtension(ctx, "duplicates", found)
}

func (r *Resolver) judgeDuplicates(ctx context.Context, a, b string, verdict model.DuplicateVerdict, reason string, key *string) (*model.DuplicateJudgement, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	edit, err := editOf(ctx, &reason, key)
	if err != nil {
		return nil, err
	}
	j, err := r.Duplicates.JudgeDuplicates(ctx, a, b, string(verdict), edit)
	if err != nil {
		return nil, err
	}
	return judgement(j), nil
}

func judgement(j kg.Judgement) *model.DuplicateJudgement {
	return &model.DuplicateJudgement{Verdict: model.DuplicateVerdict(j.Verdict), Actor: j.Actor, Reason: j.Reason, At: j.At}
}
