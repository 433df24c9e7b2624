package neo4jstore_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/dedupe"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// The duplicate check after a save, which reads the saved entity's blocks
// through the duplicate_keys index, finds what the rule finds comparing
// the entity with every entity of its type: for every bundled entity, on
// keys Migrate writes for a graph that had none, after a save of a near
// namesake, and with a pair judged distinct.
func TestDuplicatesOfIsTheWholeRule(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	neo4jtest.ImportBundled(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// A graph written before the keys: Migrate writes them.
	neo4jtest.Exec(t, uri, `MATCH (n:Entity) REMOVE n.dupKeys`, nil)
	neo4jtest.Exec(t, uri, `MATCH (g:GraphState) REMOVE g.dupKeysFormat`, nil)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if n := neo4jtest.Exec(t, uri, `MATCH (n:Entity) WHERE NOT n:Source AND n.name IS NOT NULL AND n.dupKeys IS NULL RETURN count(n) AS n`, nil); n[0].Values[0].(int64) != 0 {
		t.Fatalf("%d named entities without keys after Migrate", n[0].Values[0])
	}
	compare := func(when string) int {
		t.Helper()
		found := 0
		for _, typ := range []kg.EntityType{kg.Court, kg.Party, kg.Organisation, kg.Person, kg.Place, kg.Event} {
			cands, judged, err := s.Candidates(ctx, []kg.EntityType{typ})
			if err != nil {
				t.Fatal(err)
			}
			skip := func(a, b string) bool { return judged[[2]string{a, b}].Verdict == "DISTINCT" }
			for _, c := range cands {
				want := dedupe.PairsWith(cands, func(id string) bool { return id == c.ID }, skip)
				got, names, err := s.DuplicatesOf(ctx, c)
				if err != nil {
					t.Fatalf("%s: %s: %v", when, c.ID, err)
				}
				if len(got) == 0 && len(want) == 0 {
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: %s: the check found\n%+v\nthe whole rule\n%+v", when, c.ID, got, want)
				}
				for _, p := range got {
					other := p.A
					if other == c.ID {
						other = p.B
					}
					if names[other] == "" {
						t.Errorf("%s: %s: no name for %s", when, c.ID, other)
					}
				}
				found += len(got)
			}
		}
		return found
	}
	if compare("the bundled graph") == 0 {
		t.Fatal("no likely duplicates among the bundled entities: the comparison shows nothing")
	}

	// A near namesake of a bundled court, saved.
	cands, _, err := s.Candidates(ctx, []kg.EntityType{kg.Court})
	if err != nil {
		t.Fatal(err)
	}
	var court dedupe.Candidate
	for _, c := range cands {
		if len(c.Names) > 0 && len(c.Context) > 0 {
			court = c
			break
		}
	}
	if court.ID == "" {
		t.Fatal("no bundled court with a place")
	}
	edit := kg.Edit{Actor: "test", Reason: "duplicate check"}
	twin := kg.Entity{ID: "court/duplicate-check-twin", Type: kg.Court, Props: map[string]any{"name": court.Names[0] + " Court"},
		Citations: []kg.Citation{{Source: "source/iphr-2023-04-mamai", Paragraph: 1}}}
	if _, err := s.SaveEntity(ctx, twin, []kg.Link{{ID: "LOCATED_IN:" + twin.ID + "->" + court.Context[0], Type: kg.LocatedIn, From: twin.ID, To: court.Context[0],
		Owner: twin.ID, Field: "place", Props: map[string]any{}}}, 0, edit); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		neo4jtest.Exec(t, uri, `MATCH (n:Entity {id: 'court/duplicate-check-twin'}) DETACH DELETE n`, nil)
	})
	twinCand := dedupe.CandidateOf(twin, []kg.Link{{From: twin.ID, To: court.Context[0], Type: kg.LocatedIn}})
	pairs, _, err := s.DuplicatesOf(ctx, twinCand)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) == 0 {
		t.Fatalf("%q found no likely duplicate, though it names %q's court in its place", twin.Props["name"], court.Names[0])
	}
	compare("after a save")

	// Judged distinct, the pair is no longer offered.
	if _, err := s.JudgeDuplicates(ctx, pairs[0].A, pairs[0].B, "DISTINCT", edit); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		neo4jtest.Exec(t, uri, `MATCH (j:Judgement) WHERE j.a = $id OR j.b = $id DETACH DELETE j`, map[string]any{"id": twin.ID})
	})
	after, _, err := s.DuplicatesOf(ctx, twinCand)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(pairs)-1 {
		t.Errorf("after judging %s and %s distinct, %d pairs, want %d", pairs[0].A, pairs[0].B, len(after), len(pairs)-1)
	}
	compare("after a judgement")
}
