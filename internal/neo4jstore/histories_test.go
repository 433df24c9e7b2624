package neo4jstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// Case histories on the bundled data: convictions credited to the court
// that convicted, later changes listed with their own courts, group trials
// counted with the people the sources do not name, and uncertain dates
// kept uncertain.

const (
	almalyCourt     = "court/almaty-almaly-district-court"
	tougheningCourt = "court/almaty-court-akhmetov-toughening"
	akhmetov        = "person/ulasbek-akhmetov"
	akhmetovImposed = "sentence/akhmetov-2021-08-31"
	akhmetovInForce = "sentence/akhmetov-toughened-2021-10"
	thirteenCase    = "case/almaly-thirteen-2021"
	unnamedNine     = "group/almaly-2021-nine"
)

func TestConvictionIsCreditedToTheCourtThatConvicted(t *testing.T) {
	s := patternStore(t)
	got, _, err := s.Convictions(patternCtx(t), kg.ConvictionFilter{Courts: []string{almalyCourt}}, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(got, func(c kg.Conviction) bool { return c.Person == akhmetov })
	if i < 0 {
		t.Fatalf("Akhmetov is not among the Almaly court's convictions: %v", persons(got))
	}
	c := got[i]
	if c.Court != almalyCourt || c.Sentence != akhmetovImposed || c.InForce != akhmetovInForce || c.Date == nil || c.Date.Text != "2021-08-31" {
		t.Errorf("got %+v, want the Almaly court's sentence of 31 August 2021, with the toughened one in force", c)
	}
	if len(c.Changes) != 1 {
		t.Fatalf("changes %+v, want the one toughening", c.Changes)
	}
	ch := c.Changes[0]
	if ch.Sentence != akhmetovInForce || ch.Change != "toughened" || ch.Court != tougheningCourt ||
		ch.Proceeding != "proceeding/akhmetov-toughening" || ch.Date == nil || ch.Date.Text != "2021-10-20?" {
		t.Errorf("change %+v, want the toughening by the other Almaty court on 20 October", ch)
	}

	// The court that changed the sentence did not convict him.
	later, _, err := s.Convictions(context.Background(), kg.ConvictionFilter{Courts: []string{tougheningCourt}}, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(later) != 0 {
		t.Errorf("the court that toughened the sentence is credited with %v", persons(later))
	}
}

func TestSentenceInForceCanBeAskedAbout(t *testing.T) {
	s := patternStore(t)
	for _, inForce := range []bool{false, true} {
		got, _, err := s.Convictions(context.Background(), kg.ConvictionFilter{Courts: []string{almalyCourt}, InForce: inForce}, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(got, func(c kg.Conviction) bool { return c.Person == akhmetov })
		if i < 0 {
			t.Fatalf("in force %v: Akhmetov missing", inForce)
		}
		// 24 months imposed, 26 in force: the kind stays custodial.
		want := 24
		if inForce {
			want = 26
		}
		if got[i].TermMonths != want || got[i].Court != almalyCourt {
			t.Errorf("in force %v: term %d at %s, want %d at the Almaly court", inForce, got[i].TermMonths, got[i].Court, want)
		}
	}
}

func TestCountsByCourtGiveTheConvictingCourtEveryone(t *testing.T) {
	s := patternStore(t)
	got, err := s.Counts(patternCtx(t), kg.ByCourt, kg.ConvictionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(got, func(g kg.GroupCount) bool { return g.Key == almalyCourt })
	if i < 0 {
		t.Fatalf("no count for the Almaly court in %+v", got)
	}
	// Akhmetov and the four named of the thirteen, and the nine the
	// sources only count.
	if got[i].Named != 5 || got[i].Unnamed != 9 {
		t.Errorf("Almaly court: %+v, want 5 named and 9 unnamed", got[i])
	}
	if slices.ContainsFunc(got, func(g kg.GroupCount) bool { return g.Key == tougheningCourt }) {
		t.Errorf("the court that only toughened a sentence is counted: %+v", got)
	}
}

func TestGroupTrialCountsEveryoneTried(t *testing.T) {
	s := patternStore(t)
	got, _, err := s.Convictions(context.Background(), kg.ConvictionFilter{Courts: []string{almalyCourt}}, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	people := map[string]int{}
	for _, c := range got {
		if c.Case == thirteenCase {
			people[c.Person] = c.People
		}
	}
	named, all := 0, 0
	for id, n := range people {
		if id != unnamedNine {
			named++
		}
		all += n
	}
	if named != 4 || all != 13 || people[unnamedNine] != 9 {
		t.Errorf("the thirteen's convictions stand for %d people, %d named (%v); want 13, 4 named", all, named, people)
	}
	recs := neo4jtest.Exec(t, neo4jtest.URI(t), `
		MATCH (k:Case {id: $case})
		RETURN k.defendantCount AS tried, COUNT { (:Person)-[:DEFENDANT_IN]->(k) } AS named`, map[string]any{"case": thirteenCase})
	tried, _ := recs[0].Get("tried")
	namedInCase, _ := recs[0].Get("named")
	if tried != int64(13) || namedInCase != int64(4) {
		t.Errorf("the case says %v tried, %v named; want 13 and 4", tried, namedInCase)
	}

	byCategory, err := s.Counts(context.Background(), kg.ByCategory, kg.ConvictionFilter{Courts: []string{almalyCourt}})
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(byCategory, func(g kg.GroupCount) bool { return g.Key == "extremism" }); i < 0 || byCategory[i].Named != 5 || byCategory[i].Unnamed != 9 {
		t.Errorf("extremism at the Almaly court: %+v; the nine's charge has no article and must still count", byCategory)
	}
}

func TestConvictionsFilterByCountry(t *testing.T) {
	s := patternStore(t)
	kz, _, err := s.Convictions(context.Background(), kg.ConvictionFilter{Countries: []string{"KZ"}}, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	all, _, err := s.Convictions(context.Background(), kg.ConvictionFilter{}, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(kz) == 0 || len(kz) != len(all) {
		t.Errorf("%d convictions in KZ of %d; every bundled case is Kazakh", len(kz), len(all))
	}
	kgz, _, err := s.Convictions(context.Background(), kg.ConvictionFilter{Countries: []string{"KG"}}, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(kgz) != 0 {
		t.Errorf("convictions in Kyrgyzstan: %v", persons(kgz))
	}
}

func TestReclassificationSortsBeforeTheTrial(t *testing.T) {
	s := bundledStore(t)
	entries, err := s.Timeline(context.Background(), kg.TimelineQuery{Of: patMamaiCase})
	if err != nil {
		t.Fatal(err)
	}
	reclassified := entryIndex(entries, "charge/mamai-400", "charge")
	trial := entryIndex(entries, "event/mamai-trial-start-2022-11", "trial")
	if reclassified < 0 || trial < 0 || reclassified > trial {
		t.Fatalf("reclassification at %d, trial start at %d: the report puts the reclassification first", reclassified, trial)
	}
	// Before December 2022 and in November 2022: the dates alone leave
	// their order open, and the entries say so.
	if entries[reclassified].OrderCertain || entries[trial].OrderCertain {
		t.Errorf("order marked certain: %+v, %+v", entries[reclassified], entries[trial])
	}
	verdict := entryIndex(entries, "event/mamai-verdict-2023-04-10", "verdict")
	if verdict < 0 || verdict < trial {
		t.Errorf("verdict at %d, before the trial at %d", verdict, trial)
	}
}
