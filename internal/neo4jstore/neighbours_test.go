package neo4jstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// A made-up case from a neighbouring country, of the shapes the bundled
// data has not met yet: another country's code with an article number
// that may recur elsewhere, a trial of thirty of whom two are named, an
// appeal that overturns one conviction and a cassation that softens
// another. It is test data, not a record of real events.
const neighbourCase = `version: 2
sources:
  - id: source/test-neighbour-report
    title: Made-up report for tests
    publisher: casegraph tests
    language: en
entities:
  - id: legal-code/kg-test-cc
    type: LegalCode
    name: Test criminal code (KG)
    jurisdiction: KG
    cite: [source/test-neighbour-report#p1]
  - id: legal-article/kg-test-cc-272
    type: LegalArticle
    name: Test criminal code (KG), article 272
    code: legal-code/kg-test-cc
    article: '272'
    category: mass-riots
    cite: [source/test-neighbour-report#p1]
  - id: court/test-kg-district
    type: Court
    name: Test district court
    level: district
    cite: [source/test-neighbour-report#p1]
  - id: court/test-kg-appeal
    type: Court
    name: Test appeal court
    level: appeal
    cite: [source/test-neighbour-report#p1]
  - id: court/test-kg-supreme
    type: Court
    name: Test supreme court
    level: supreme
    cite: [source/test-neighbour-report#p1]
  - id: case/test-kg-thirty
    type: Case
    name: Test group trial of thirty
    jurisdiction: KG
    defendantCount: 30
    cite: [source/test-neighbour-report#p1]
  - id: person/test-kg-a
    type: Person
    name: Test Defendant A
    cite: [source/test-neighbour-report#p1]
  - id: person/test-kg-b
    type: Person
    name: Test Defendant B
    cite: [source/test-neighbour-report#p1]
  - id: group/test-kg-28
    type: Group
    name: Twenty-eight unnamed test defendants
    count: 28
    cite: [source/test-neighbour-report#p1]
  - {id: charge/test-kg-a, type: Charge, name: Riots (A), case: case/test-kg-thirty, defendant: person/test-kg-a, article: legal-article/kg-test-cc-272, category: mass-riots, status: convicted, verdict: guilty, cite: [source/test-neighbour-report#p1]}
  - {id: charge/test-kg-b, type: Charge, name: Riots (B), case: case/test-kg-thirty, defendant: person/test-kg-b, article: legal-article/kg-test-cc-272, category: mass-riots, status: convicted, verdict: guilty, cite: [source/test-neighbour-report#p1]}
  - {id: charge/test-kg-28, type: Charge, name: Riots (28), case: case/test-kg-thirty, defendant: group/test-kg-28, article: legal-article/kg-test-cc-272, category: mass-riots, status: convicted, verdict: guilty, cite: [source/test-neighbour-report#p1]}
  - id: proceeding/test-kg-trial
    type: Proceeding
    name: Test trial
    case: case/test-kg-thirty
    stage: first-instance
    court: court/test-kg-district
    defendants: [person/test-kg-a, person/test-kg-b, group/test-kg-28]
    date: '2024-03'
    outcome: convicted
    cite: [source/test-neighbour-report#p1]
  - id: proceeding/test-kg-appeal-a
    type: Proceeding
    name: Test appeal of A
    case: case/test-kg-thirty
    stage: appeal
    court: court/test-kg-appeal
    defendants: [person/test-kg-a]
    reviews: proceeding/test-kg-trial
    date: '2024-06'
    outcome: overturned
    cite: [source/test-neighbour-report#p1]
  - id: proceeding/test-kg-cassation-b
    type: Proceeding
    name: Test cassation of B
    case: case/test-kg-thirty
    stage: cassation
    court: court/test-kg-supreme
    defendants: [person/test-kg-b]
    reviews: proceeding/test-kg-trial
    date: '2024-09'
    outcome: softened
    cite: [source/test-neighbour-report#p1]
  - {id: sentence/test-kg-a, type: Sentence, name: A's sentence, case: case/test-kg-thirty, person: person/test-kg-a, proceeding: proceeding/test-kg-trial, charges: [charge/test-kg-a], date: '2024-03', kind: custodial, term: P5Y, cite: [source/test-neighbour-report#p1]}
  - {id: sentence/test-kg-b, type: Sentence, name: B's sentence, case: case/test-kg-thirty, person: person/test-kg-b, proceeding: proceeding/test-kg-trial, charges: [charge/test-kg-b], date: '2024-03', kind: custodial, term: P3Y, cite: [source/test-neighbour-report#p1]}
  - {id: sentence/test-kg-b-softened, type: Sentence, name: B's softened sentence, case: case/test-kg-thirty, person: person/test-kg-b, proceeding: proceeding/test-kg-cassation-b, replaces: sentence/test-kg-b, change: softened, charges: [charge/test-kg-b], date: '2024-09', kind: probation, term: P2Y, cite: [source/test-neighbour-report#p1]}
  - {id: sentence/test-kg-28, type: Sentence, name: The 28's sentence, case: case/test-kg-thirty, person: group/test-kg-28, proceeding: proceeding/test-kg-trial, charges: [charge/test-kg-28], date: '2024-03', kind: restricted-freedom, term: P1Y, termUpTo: P3Y, cite: [source/test-neighbour-report#p1]}
`

func TestCaseFromANeighbouringCountry(t *testing.T) {
	s := patternStore(t)
	files, err := casefile.Check([]casefile.Input{{Name: "test-neighbour.yaml", Src: []byte(neighbourCase)}}, casefile.InGraph(context.Background(), s))
	if err != nil {
		t.Fatalf("the made-up case does not fit the model:\n%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.Import(ctx, []kg.Batch{files[0].Batch}, kg.ImportOptions{Edit: kg.Edit{Actor: "test"}, MayRemove: true}); err != nil {
		t.Fatal(err)
	}
	// The rest of the package counts the bundled data alone.
	t.Cleanup(func() {
		neo4jtest.Exec(t, neo4jtest.URI(t), `
			MATCH (n) WHERE n.origin = 'test-neighbour.yaml' DETACH DELETE n`, nil)
		neo4jtest.Exec(t, neo4jtest.URI(t), `MATCH (f:CaseFile {name: 'test-neighbour.yaml'}) DETACH DELETE f`, nil)
	})

	kgz := kg.ConvictionFilter{Countries: []string{"KG"}}
	got, _, err := s.Convictions(ctx, kgz, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	byPerson := map[string]kg.Conviction{}
	for _, c := range got {
		byPerson[c.Person] = c
		if c.Court != "court/test-kg-district" {
			t.Errorf("%s credited to %q, want the district court that convicted", c.Person, c.Court)
		}
	}
	if len(got) != 3 || byPerson["group/test-kg-28"].People != 28 {
		t.Fatalf("KG convictions %+v, want A, B and the 28", got)
	}
	if a := byPerson["person/test-kg-a"]; a.Sentence != "sentence/test-kg-a" || a.InForce != "" {
		t.Errorf("A: imposed %q, in force %q; the appeal overturned it", a.Sentence, a.InForce)
	}
	b := byPerson["person/test-kg-b"]
	if b.InForce != "sentence/test-kg-b-softened" || len(b.Changes) != 1 || b.Changes[0].Court != "court/test-kg-supreme" || b.Changes[0].Change != "softened" {
		t.Errorf("B: %+v, want the cassation's softened sentence in force", b)
	}
	if g := byPerson["group/test-kg-28"]; g.InForce != "sentence/test-kg-28" {
		t.Errorf("the 28: in force %q, want their sentence, which nobody changed", g.InForce)
	}

	// Asked about the sentence in force, A has none and B's is probation.
	inForce := kgz
	inForce.InForce = true
	kinds, err := s.Counts(ctx, kg.BySentence, inForce)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{"probation": {1, 0}, "restricted-freedom": {0, 28}}
	if len(kinds) != len(want) {
		t.Errorf("sentence kinds in force %+v, want %v", kinds, want)
	}
	for _, k := range kinds {
		if w := want[k.Key]; k.Named != w[0] || k.Unnamed != w[1] {
			t.Errorf("%s in force: %+v, want %v", k.Key, k, w)
		}
	}
	unpunished := inForce
	unpunished.Unpunished = ptr(true)
	if got, _, err := s.Convictions(ctx, unpunished, 10, 0); err != nil || len(got) != 1 || got[0].Person != "person/test-kg-a" {
		t.Errorf("without a sentence in force: %v, %v; want A", persons(got), err)
	}

	// Counted by country and by article, the same number 272 in two codes
	// stays two articles.
	countries, err := s.Counts(ctx, kg.ByCountry, kg.ConvictionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(countries, func(g kg.GroupCount) bool { return g.Key == "KG" }); i < 0 || countries[i].Named != 2 || countries[i].Unnamed != 28 {
		t.Errorf("by country: %+v, want KG with 2 named and 28 unnamed", countries)
	}
	if !slices.ContainsFunc(countries, func(g kg.GroupCount) bool { return g.Key == "KZ" && g.Named > 0 }) {
		t.Errorf("by country: %+v, want KZ too", countries)
	}
	articles, err := s.Counts(ctx, kg.ByArticle, kg.ConvictionFilter{Articles: []string{"legal-article/kz-cc-272", "legal-article/kg-test-cc-272"}})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, a := range articles {
		keys = append(keys, a.Key)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"legal-article/kg-test-cc-272", "legal-article/kz-cc-272"}) {
		t.Errorf("article 272 counted as %v, want one per country", keys)
	}
}
