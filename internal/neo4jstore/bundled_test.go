package neo4jstore_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// The bundled data, imported into a real Neo4j, must state each fact of the
// Mamai report with the paragraph that states it. Each query returns the
// citations of the node or relationship that carries the fact; no row means
// the fact is missing.

const iphr = "source/iphr-2023-04-mamai"

var mamaiFacts = []struct {
	name  string
	query string
	cites []string // each must be among the fact's citations
}{
	{"Mamai leads the Democratic Party", `
		MATCH (:Person {id: 'person/zhanbolat-mamai'})-[r:LEADS]->(:Party {name: 'Democratic Party'})
		RETURN r.citations AS cites`, []string{iphr + "#p4"}},
	{"the Democratic Party is unregistered", `
		MATCH (p:Party {id: 'party/democratic-party', registrationStatus: 'unregistered'}) RETURN p.citations AS cites`,
		[]string{iphr + "#p4"}},
	{"Mamai is the defendant of his case", `
		MATCH (:Person {id: 'person/zhanbolat-mamai'})-[r:DEFENDANT_IN]->(:Case {id: 'case/zhanbolat-mamai-2022'}) RETURN r.citations AS cites`,
		[]string{iphr + "#p4"}},
	{"a charge under 272 was reclassified to 400", `
		MATCH (c400:Charge)-[r:SUPERSEDES {change: 'reclassified'}]->(c272:Charge),
		      (c400)-[:UNDER_ARTICLE]->(:LegalArticle {id: 'legal-article/kz-cc-400'}),
		      (c272)-[:UNDER_ARTICLE]->(:LegalArticle {id: 'legal-article/kz-cc-272'}),
		      (:Person {id: 'person/zhanbolat-mamai'})-[:CHARGED_WITH]->(c272)
		RETURN r.citations AS cites`, []string{iphr + "#p6"}},
	{"before the trial, which began in November 2022", `
		MATCH (:Person {id: 'person/zhanbolat-mamai'})-[:SUBJECT_OF|PARTICIPATED_IN|DEFENDANT_IN*1..2]-(e:Event {kind: 'trial', dateText: '2022-11', datePrecision: 'month'})
		RETURN e.citations AS cites`, []string{iphr + "#p6"}},
	{"the 272 charge was re-initiated in January 2023 and he was convicted on it", `
		MATCH (again:Charge {status: 'convicted', verdict: 'guilty'})-[r:SUPERSEDES {change: 're-initiated'}]->(:Charge)-[:SUPERSEDES {change: 'reclassified'}]->(:Charge),
		      (again)-[:UNDER_ARTICLE]->(:LegalArticle {id: 'legal-article/kz-cc-272'})
		WHERE r.changeDateEarliest = date('2023-01-01') AND r.changeDateLatest = date('2023-01-31') AND r.changeDatePrecision = 'month'
		RETURN r.citations AS cites`, []string{iphr + "#p6"}},
	{"the 274 false-information charge ended in conviction", `
		MATCH (:Person {id: 'person/zhanbolat-mamai'})-[:CHARGED_WITH]->(c:Charge {status: 'convicted', verdict: 'guilty'})-[:UNDER_ARTICLE]->(:LegalArticle {id: 'legal-article/kz-cc-274'})
		RETURN c.citations AS cites`, []string{iphr + "#p7"}},
	{"a government agency made the false-information accusation", `
		MATCH (:Person {id: 'person/zhanbolat-mamai'})-[:CHARGED_WITH]->(:Charge)-[r:BROUGHT_BY]->(:Organisation {kind: 'government-agency'})
		RETURN r.citations AS cites`, []string{iphr + "#p7"}},
	{"the 274 charge concerns his debt-relief campaigning", `
		MATCH (:Case {id: 'case/zhanbolat-mamai-2022'})-[r:CONCERNS]->(e:Event {id: 'event/mamai-debt-relief-campaign'})<-[:ORGANISED]-(:Person {id: 'person/zhanbolat-mamai'})
		RETURN r.citations AS cites`, []string{iphr + "#p7"}},
	{"article 378: guilty, no penalty, limitation period expired", `
		MATCH (:Person {id: 'person/zhanbolat-mamai'})-[:CHARGED_WITH]->(c:Charge {status: 'time-barred', verdict: 'guilty'})-[:UNDER_ARTICLE]->(:LegalArticle {id: 'legal-article/kz-cc-378'})
		WHERE c.outcome CONTAINS 'limitation' AND NOT EXISTS { (:Sentence)-[:FOR_CHARGE]->(c) }
		RETURN c.citations AS cites`, []string{iphr + "#p8"}},
	{"the 378 charge concerns the 2021 police dispersal of his party's protest", `
		MATCH (:Case {id: 'case/zhanbolat-mamai-2022'})-[r:CONCERNS]->(d:Event {kind: 'dispersal', dateText: '2021', datePrecision: 'year'})-[:PART_OF]->(p:Event {kind: 'protest'})<-[:ORGANISED]-(:Party {id: 'party/democratic-party'})
		RETURN r.citations AS cites`, []string{iphr + "#p8"}},
	{"the main charges relate to the January 2022 events", `
		MATCH (:Case {id: 'case/zhanbolat-mamai-2022'})-[r:CONCERNS]->(:Event {id: 'event/january-2022-unrest'})
		RETURN r.citations AS cites`, []string{iphr + "#p5"}},
	{"six-year suspended sentence with probation, on 10 April 2023, for 272 and 274", `
		MATCH (:Person {id: 'person/zhanbolat-mamai'})-[:SENTENCED_TO]->(s:Sentence {kind: 'suspended', term: 'P6Y', termMonths: 72, probation: true})
		WHERE s.date = date('2023-04-10') AND s.datePrecision = 'day'
		  AND COUNT { (s)-[:FOR_CHARGE]->(:Charge)-[:UNDER_ARTICLE]->(a:LegalArticle) WHERE a.id IN ['legal-article/kz-cc-272', 'legal-article/kz-cc-274'] } = 2
		RETURN s.citations AS cites`, []string{iphr + "#p4"}},
	{"the sentence was handed down by a court in Almaty", `
		MATCH (:Sentence {id: 'sentence/mamai-2023-04-10'})-[r:IMPOSED_BY]->(:Court)-[:LOCATED_IN]->(:Place {id: 'place/almaty'})
		RETURN r.citations AS cites`, []string{iphr + "#p4"}},
	{"bans on political, civic and social-media activity for the sentence's duration", `
		MATCH (s:Sentence {id: 'sentence/mamai-2023-04-10'})-[:IMPOSES]->(r:Restriction {duration: 'sentence'})
		WITH collect(r.kind) AS kinds, collect(r) AS rs
		WHERE all(k IN ['political-activity-ban', 'civic-activity-ban', 'social-media-ban'] WHERE k IN kinds)
		UNWIND rs AS r WITH r WHERE r.kind = 'social-media-ban'
		RETURN r.citations AS cites`, []string{iphr + "#p4"}},
	{"arrested in March 2022", `
		MATCH (:Person {id: 'person/zhanbolat-mamai'})-[:SUBJECT_OF]->(e:Event {kind: 'arrest', dateText: '2022-03', datePrecision: 'month'})
		RETURN e.citations AS cites`, []string{iphr + "#p9"}},
	{"pre-trial detention from March 2022, house arrest from November 2022", `
		MATCH (p:Person {id: 'person/zhanbolat-mamai'})-[:SUBJECT_TO]->(d:Restriction {kind: 'pre-trial-detention', basis: 'preventive-measure'}),
		      (p)-[:SUBJECT_TO]->(h:Restriction {kind: 'house-arrest'})
		WHERE d.startEarliest = date('2022-03-01') AND h.startEarliest = date('2022-11-01') AND h.startPrecision = 'month'
		RETURN h.citations AS cites`, []string{iphr + "#p9"}},
	{"IPHR and partners called for the charges to be dropped", `
		MATCH (:Organisation {id: 'organisation/iphr'})-[:ISSUED]->(e:Event {kind: 'statement'})-[r:ABOUT]->(:Case {id: 'case/zhanbolat-mamai-2022'})
		WHERE e.name CONTAINS 'drop'
		RETURN r.citations AS cites`, []string{iphr + "#p5"}},
	{"IPHR calls the charges politically motivated", `
		MATCH (:Organisation {id: 'organisation/iphr'})-[r:ASSESSED {assessment: 'politically-motivated'}]->(:Case {id: 'case/zhanbolat-mamai-2022'})
		RETURN r.citations AS cites`, []string{iphr + "#p10"}},
	{"he said he will appeal", `
		MATCH (:Person {id: 'person/zhanbolat-mamai'})-[:ISSUED]->(e:Event {kind: 'statement', id: 'event/mamai-appeal-statement-2023-04'})
		RETURN e.citations AS cites`, []string{iphr + "#p9"}},
	{"house arrest until the verdict takes legal force", `
		MATCH (h:Restriction {id: 'restriction/mamai-house-arrest'}) WHERE h.note CONTAINS 'legal force' OR h.description CONTAINS 'legal force'
		RETURN h.citations AS cites`, []string{iphr + "#p9"}},
	{"the March 2023 IPHR/KIBHR briefing paper", `
		MATCH (:Organisation {id: 'organisation/iphr'})-[:ISSUED]->(e:Event {kind: 'briefing', dateText: '2023-03'})<-[:ISSUED]-(:Organisation {id: 'organisation/kibhr'})
		RETURN e.citations AS cites`, []string{iphr + "#p11"}},
	{"the report itself is a source with publisher and file", `
		MATCH (s:Source {id: $iphr})-[:PUBLISHED_BY]->(:Organisation {id: 'organisation/iphr'})
		WHERE s.file = '2023-04-iphr-mamai-conviction.txt' AND s.publisher CONTAINS 'IPHR' AND s.dateText = '2023-04'
		RETURN ['` + iphr + `#p1'] AS cites`, []string{iphr + "#p1"}},
}

func TestBundledMamaiFacts(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	neo4jtest.ImportBundled(t, s)
	for _, f := range mamaiFacts {
		t.Run(f.name, func(t *testing.T) {
			recs := neo4jtest.Exec(t, uri, f.query, map[string]any{"iphr": iphr})
			if len(recs) == 0 {
				t.Fatal("the graph does not state this fact")
			}
			raw, _ := recs[0].Get("cites")
			var have []string
			for _, c := range raw.([]any) {
				have = append(have, c.(string))
			}
			for _, want := range f.cites {
				if !slices.Contains(have, want) {
					t.Errorf("fact is cited to %v, want it to cite %s", have, want)
				}
			}
		})
	}
}

// ids runs a query returning one list of IDs and gives it sorted.
func ids(t *testing.T, uri, query string, params map[string]any) []string {
	t.Helper()
	recs := neo4jtest.Exec(t, uri, query, params)
	if len(recs) != 1 {
		t.Fatalf("query returned %d rows, want 1", len(recs))
	}
	raw, _ := recs[0].Get("ids")
	var out []string
	for _, v := range raw.([]any) {
		out = append(out, v.(string))
	}
	sort.Strings(out)
	return out
}

func containsAll(t *testing.T, what string, have, want []string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(have, w) {
			t.Errorf("%s: %v lacks %s", what, have, w)
		}
	}
}

func TestBundledCrossCaseLinks(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	neo4jtest.ImportBundled(t, s)

	t.Run("article 274 connects Mamai, Abzhan and Ilyashev", func(t *testing.T) {
		got := ids(t, uri, `
			MATCH (p:Person)-[:CHARGED_WITH]->(:Charge)-[:UNDER_ARTICLE]->(:LegalArticle)-[:PART_OF*0..1]->(:LegalArticle {id: 'legal-article/kz-cc-274'})
			RETURN collect(DISTINCT p.id) AS ids`, nil)
		containsAll(t, "people charged under 274", got, []string{"person/zhanbolat-mamai", "person/makhambet-abzhan", "person/alnur-ilyashev"})
	})
	t.Run("activity bans connect Mamai, Zhylanbaev and Ilyashev", func(t *testing.T) {
		got := ids(t, uri, `
			MATCH (p:Person)-[:SUBJECT_TO]->(r:Restriction)
			WHERE r.kind IN ['political-activity-ban', 'civic-activity-ban', 'social-media-ban']
			RETURN collect(DISTINCT p.id) AS ids`, nil)
		containsAll(t, "people under activity bans", got, []string{"person/zhanbolat-mamai", "person/marat-zhylanbaev", "person/alnur-ilyashev"})
	})
	t.Run("the January 2022 events connect Mamai's case and the airport case", func(t *testing.T) {
		got := ids(t, uri, `
			MATCH (c:Case)-[:CONCERNS]->(:Event)-[:PART_OF*0..3]->(:Event {id: 'event/january-2022-unrest'})
			RETURN collect(DISTINCT c.id) AS ids`, nil)
		containsAll(t, "cases concerning January 2022", got, []string{"case/zhanbolat-mamai-2022", "case/almaty-airport-seizure"})
	})
	for _, org := range []string{"organisation/iphr", "organisation/kibhr"} {
		t.Run(org+" connects several cases", func(t *testing.T) {
			got := ids(t, uri, `
				MATCH (o:Organisation {id: $org})
				CALL (o) {
					MATCH (o)-[:ASSESSED]->(c:Case) RETURN c
					UNION
					MATCH (o)-[:ISSUED]->(:Event)-[:ABOUT]->(c:Case) RETURN c
					UNION
					MATCH (o)-[:ISSUED]->(:Event)-[:ABOUT]->(:Party)<-[:LEADS]-(:Person)-[:DEFENDANT_IN]->(c:Case) RETURN c
					UNION
					MATCH (o)<-[:PUBLISHED_BY]-(s:Source) MATCH (c:Case) WHERE s.id IN c.sources RETURN c
				}
				RETURN collect(DISTINCT c.id) AS ids`, map[string]any{"org": org})
			if len(got) < 2 {
				t.Errorf("%s is linked to cases %v, want at least two", org, got)
			}
		})
	}
	t.Run("the airport case's court is contested, each claim with its source", func(t *testing.T) {
		recs := neo4jtest.Exec(t, uri, `
			MATCH (:Case {id: 'case/almaty-airport-seizure'})-[r:HEARD_BY {contested: true}]->(c:Court)
			RETURN c.id AS court, r.sources AS sources ORDER BY court`, nil)
		if len(recs) != 2 {
			t.Fatalf("%d contested courts, want 2", len(recs))
		}
		seen := map[string]bool{}
		for _, r := range recs {
			srcs, _ := r.Get("sources")
			list := srcs.([]any)
			if len(list) != 1 {
				t.Errorf("claim %v cites %v, want exactly its own source", r.Values[0], list)
				continue
			}
			seen[fmt.Sprint(list[0])] = true
		}
		if len(seen) != 2 {
			t.Errorf("both court claims cite the same source: %v", seen)
		}
	})
	t.Run("shared entities exist once", func(t *testing.T) {
		for _, id := range []string{"organisation/iphr", "organisation/kibhr", "legal-article/kz-cc-274", "event/january-2022-unrest", "place/almaty"} {
			recs := neo4jtest.Exec(t, uri, "MATCH (n:Entity {id: $id}) RETURN count(n) AS n, count { (n)--() } AS degree", map[string]any{"id": id})
			if n, _ := recs[0].Get("n"); n != int64(1) {
				t.Errorf("%s exists %v times", id, n)
			}
		}
	})
}

func TestBundledImportIsIdempotent(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	neo4jtest.ImportBundled(t, s)
	snapshot := func() string {
		recs := neo4jtest.Exec(t, uri, `
			MATCH (f:CaseFile) WHERE f.name IN ['mamai.yaml', 'common.yaml', 'sources.yaml', 'airport.yaml']
			UNWIND f.entities AS id MATCH (n:Entity {id: id})
			WITH n ORDER BY n.id
			RETURN count(n) AS nodes, sum(count { (n)-[]->() }) AS rels, collect(properties(n)) AS props`, nil)
		return fmt.Sprint(recs[0].Values)
	}
	before := snapshot()
	res, err := s.Import(context.Background(), nil, admin)
	if err != nil || res.NodesCreated != 0 {
		t.Fatalf("empty import: %+v, %v", res, err)
	}
	neo4jtest.ImportBundled(t, s)
	if after := snapshot(); after != before {
		t.Errorf("a second import changed the graph:\nbefore %.300s\nafter  %.300s", before, after)
	}
}
