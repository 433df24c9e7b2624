package neo4jstore

import (
	"context"
	"slices"
	"strings"

	"github.com/casegraph/casegraph/internal/dedupe"
	"github.com/casegraph/casegraph/internal/kg"
)

// candidatesQuery reads the entities of the given types (every type but
// sources when none) as the duplicate rule sees them, with the judgements
// of pairs, in one statement.
var candidatesQuery = `
		CALL () {
		  MATCH (n:Entity) WHERE NOT n:Source AND (size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels)) AND ` + seen("n") + `
		  RETURN collect(` + candidateMap + `) AS entities
		}
		CALL () {
		  MATCH (j:Judgement) RETURN collect({a: j.a, b: j.b, verdict: j.verdict, actor: j.actor, reason: j.reason, at: toString(j.at)}) AS judgements
		}
		RETURN entities, judgements`

// contextRels are the relationships the duplicate rule reads an entity's
// context from, as a Cypher alternation.
var contextRels = strings.Join(func() []string {
	out := make([]string, len(dedupe.ContextRels))
	for i, t := range dedupe.ContextRels {
		out[i] = string(t)
	}
	return out
}(), "|")

// Candidates reads the entities of the given types (every type but sources
// when none) as the duplicate rule sees them, and the judgements of pairs.
func (s *Store) Candidates(ctx context.Context, types []kg.EntityType) ([]dedupe.Candidate, map[[2]string]kg.Judgement, error) {
	labels, err := labelsOf(types)
	if err != nil {
		return nil, nil, err
	}
	res, err := s.readQuery(ctx, candidatesQuery, map[string]any{"labels": labels})
	if err != nil {
		return nil, nil, translate(err, "reading duplicate candidates failed")
	}
	return candidatesOf(res.Records[0])
}

func labelsOf(types []kg.EntityType) ([]string, error) {
	labels := []string{}
	for _, t := range types {
		if !slices.Contains(kg.EntityTypes, t) {
			return nil, kg.Errorf(kg.Invalid, "unknown entity type %q", t)
		}
		labels = append(labels, string(t))
	}
	return labels, nil
}

func candidatesOf(rec columns) ([]dedupe.Candidate, map[[2]string]kg.Judgement, error) {
	r := rowOf(rec, "reading duplicate candidates")
	var out []dedupe.Candidate
	for _, e := range r.rows("entities") {
		out = append(out, candidateOf(e))
	}
	judged := map[[2]string]kg.Judgement{}
	for _, j := range r.rows("judgements") {
		judged[[2]string{j.str("a"), j.str("b")}] = kg.Judgement{A: j.str("a"), B: j.str("b"), Verdict: j.str("verdict"), Actor: j.optStr("actor"), Reason: j.optStr("reason"), At: j.str("at")}
	}
	return out, judged, r.err()
}

// importDuplicates finds the likely duplicates of the entities an import
// creates or renames (their names, aliases or added aliases change) among
// the graph and the batches, leaving out pairs judged distinct. It reads
// within the import's transaction and takes the batches' entities as the
// files state them, so a dry run reports what the import would.
func importDuplicates(ctx context.Context, w *wtx, batches []kg.Batch, changes []kg.FactChange) ([]kg.Duplicate, error) {
	fresh := map[string]bool{}
	types := map[kg.EntityType]bool{}
	for _, c := range changes {
		id := c.ID
		if c.Kind == "Addition" {
			id = strings.TrimPrefix(c.ID, kg.AdditionID(c.File, ""))
		} else if c.Op == "update" && !slices.Contains(c.Fields, "name") && !slices.Contains(c.Fields, "aliases") {
			continue
		}
		t, ok := kg.TypeOfID(id)
		if c.Op == "delete" || !ok || t == kg.Source {
			continue
		}
		fresh[id] = true
		types[t] = true
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	labels := []string{}
	for t := range types {
		labels = append(labels, string(t))
	}
	res, err := w.Run(ctx, candidatesQuery, map[string]any{"labels": labels})
	if err != nil {
		return nil, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return nil, err
	}
	cands, judged, err := candidatesOf(rec)
	if err != nil {
		return nil, err
	}
	byID := map[string]int{}
	for i, c := range cands {
		byID[c.ID] = i
	}
	for _, b := range batches {
		for _, e := range b.Entities {
			if !fresh[e.ID] {
				continue
			}
			c := dedupe.CandidateOf(e, b.Links)
			if i, ok := byID[e.ID]; ok {
				cands[i] = c
			} else {
				byID[e.ID] = len(cands)
				cands = append(cands, c)
			}
		}
		for _, a := range b.Additions {
			if i, ok := byID[a.Target]; ok && fresh[a.Target] {
				cands[i].Names = append(cands[i].Names, a.Aliases...)
			}
		}
	}
	var out []kg.Duplicate
	for _, p := range dedupe.PairsWith(cands, func(id string) bool { return fresh[id] }, func(a, b string) bool {
		return judged[[2]string{a, b}].Verdict == "DISTINCT"
	}) {
		d := kg.Duplicate{ID: p.A, Other: p.B, Reason: p.Reason, Score: p.Score}
		if !fresh[p.A] {
			d.ID, d.Other = p.B, p.A
		}
		out = append(out, d)
	}
	return out, nil
}

// judgementKind is the kind of a judgement's history records.
const judgementKind = "Judgement"

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
	return write(ctx, s, "judge_duplicates", edit, func(ctx context.Context, w *wtx) (kg.Judgement, error) {
		w.noFacts()
		res, err := w.Run(ctx, `
			OPTIONAL MATCH (x:Entity {id: $a}) WHERE `+seen("x")+` OPTIONAL MATCH (y:Entity {id: $b}) WHERE `+seen("y")+`
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
		before, err := col[map[string]any](recs[0], "judging duplicates", "before")
		if err != nil {
			return kg.Judgement{}, err
		}
		if len(before) <= 1 {
			before = nil
		}
		at, err := col[string](recs[0], "judging duplicates", "at")
		if err != nil {
			return kg.Judgement{}, err
		}
		j := kg.Judgement{A: a, B: b, Verdict: verdict, Actor: edit.Actor, Reason: edit.Reason, At: at}
		_, err = recordChanges(ctx, w, kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: "judge", Target: "judgement/" + a + " " + b, Kind: judgementKind,
			Before: jsonMap(before), After: map[string]any{"a": a, "b": b, "verdict": verdict}})
		return j, err
	})
}
