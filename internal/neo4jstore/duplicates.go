package neo4jstore

import (
	"context"
	"slices"

	"github.com/casegraph/casegraph/internal/dedupe"
	"github.com/casegraph/casegraph/internal/kg"
)

// Candidates reads the entities of the given types (every type but
// sources when none) as the duplicate rule sees them, with the judgements
// of pairs, in one statement.
func (s *Store) Candidates(ctx context.Context, types []kg.EntityType) ([]dedupe.Candidate, map[[2]string]kg.Judgement, error) {
	labels := []string{}
	for _, t := range types {
		if !slices.Contains(kg.EntityTypes, t) {
			return nil, nil, kg.Errorf(kg.Invalid, "unknown entity type %q", t)
		}
		labels = append(labels, string(t))
	}
	res, err := s.readAnswer(ctx, `
		CALL () {
		  MATCH (n:Entity) WHERE NOT n:Source AND (size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels))
		  RETURN collect({id: n.id, type: [l IN labels(n) WHERE l <> 'Entity'][0],
		                  names: [x IN [n.name] + coalesce(n.aliases, []) + COLLECT { MATCH (a:Addition {target: n.id}) UNWIND a.aliases AS x RETURN x } WHERE x IS NOT NULL],
		                  context: COLLECT { MATCH (n)-[:LOCATED_IN|DEFENDANT_IN|HEARD_BY|IN_CODE]->(x:Entity) RETURN x.id }}) AS entities
		}
		CALL () {
		  MATCH (j:Judgement) RETURN collect({a: j.a, b: j.b, verdict: j.verdict, actor: j.actor, reason: j.reason, at: toString(j.at)}) AS judgements
		}
		RETURN entities, judgements`, map[string]any{"labels": labels})
	if err != nil {
		return nil, nil, translate(err, "reading duplicate candidates failed")
	}
	r := patRow(res.Records[0].AsMap())
	var out []dedupe.Candidate
	for _, e := range r.rows("entities") {
		out = append(out, dedupe.Candidate{ID: e.str("id"), Type: kg.EntityType(e.str("type")), Names: e.strs("names"), Context: e.strs("context")})
	}
	judged := map[[2]string]kg.Judgement{}
	for _, j := range r.rows("judgements") {
		judged[[2]string{j.str("a"), j.str("b")}] = kg.Judgement{A: j.str("a"), B: j.str("b"), Verdict: j.str("verdict"), Actor: j.str("actor"), Reason: j.str("reason"), At: j.str("at")}
	}
	return out, judged, nil
}

// JudgeDuplicates records whether two entities are one (SAME: merge them
// with MergeEntities) or not (DISTINCT: never suggested again), with who
// judged and why; a later judgement of the pair replaces it, and history
// keeps both.
func (s *Store) JudgeDuplicates(ctx context.Context, a, b, verdict string, edit kg.Edit) (kg.Judgement, error) {
	if a > b {
		a, b = b, a
	}
	if a == b {
		return kg.Judgement{}, kg.Errorf(kg.Invalid, "an entity is not a duplicate of itself")
	}
	if verdict != "SAME" && verdict != "DISTINCT" {
		return kg.Judgement{}, kg.Errorf(kg.Invalid, "verdict %q: want SAME or DISTINCT", verdict)
	}
	return write(ctx, s, edit, func(ctx context.Context, w *wtx) (kg.Judgement, error) {
		res, err := w.Run(ctx, `
			OPTIONAL MATCH (x:Entity {id: $a}) OPTIONAL MATCH (y:Entity {id: $b})
			WITH x, y WHERE x IS NOT NULL AND y IS NOT NULL
			MERGE (j:Judgement {pair: $a + ' ' + $b})
			WITH j, properties(j) AS before
			SET j.a = $a, j.b = $b, j.verdict = $verdict, j.actor = $actor, j.reason = $reason, j.at = datetime()
			RETURN before, toString(j.at) AS at`, map[string]any{"a": a, "b": b, "verdict": verdict, "actor": edit.Actor, "reason": edit.Reason})
		if err != nil {
			return kg.Judgement{}, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return kg.Judgement{}, err
		}
		if len(recs) == 0 {
			return kg.Judgement{}, kg.Errorf(kg.NotFound, "no entity has ID %q or %q", a, b)
		}
		r := patRow(recs[0].AsMap())
		before, _ := r["before"].(map[string]any)
		if len(before) <= 1 {
			before = nil
		}
		j := kg.Judgement{A: a, B: b, Verdict: verdict, Actor: edit.Actor, Reason: edit.Reason, At: r.str("at")}
		_, err = recordChanges(ctx, w, kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: "judge", Target: "judgement/" + a + " " + b, Kind: "Judgement",
			Before: jsonMap(before), After: map[string]any{"a": a, "b": b, "verdict": verdict}})
		return j, err
	})
}
