package graph

import (
	"context"

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
	cands, judged, err := r.Store.Candidates(ctx, entityTypes(types))
	if err != nil {
		return nil, err
	}
	pairs := dedupe.Pairs(cands, func(a, b string) bool { return judged[[2]string{a, b}].Verdict == "DISTINCT" })
	pairs = pairs[:min(n, len(pairs))]
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
			dp.A = placeholder(p.A, typeOf(p.A), "")
		}
		if dp.B == nil {
			dp.B = placeholder(p.B, typeOf(p.B), "")
		}
		if j, ok := judged[[2]string{p.A, p.B}]; ok {
			dp.Judgement = judgement(j)
		}
		out[i] = dp
	}
	return out, nil
}

func (r *Resolver) judgeDuplicates(ctx context.Context, a, b string, verdict model.DuplicateVerdict, reason string, key *string) (*model.DuplicateJudgement, error) {
	if err := kg.Require(ctx, editRole); err != nil {
		return nil, err
	}
	edit, err := editOf(ctx, &reason, key)
	if err != nil {
		return nil, err
	}
	j, err := r.Store.JudgeDuplicates(ctx, a, b, string(verdict), edit)
	if err != nil {
		return nil, err
	}
	return judgement(j), nil
}

func judgement(j kg.Judgement) *model.DuplicateJudgement {
	return &model.DuplicateJudgement{Verdict: model.DuplicateVerdict(j.Verdict), Actor: j.Actor, Reason: j.Reason, At: j.At}
}
