package neo4jstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
	"github.com/casegraph/casegraph/internal/synth"
)

// The conviction rows and tallies answer Convictions and Counts exactly as
// the whole-graph statements did (OracleConvictions, OracleCounts), on the
// bundled files and a synthetic graph, before and after writes of every
// kind: the rows a write leaves are those a rebuild from scratch writes.
func TestConvictionRowsFollowWrites(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	neo4jtest.ImportBundled(t, s)
	// The synthetic graph goes when the test ends: the package's other
	// tests count the bundled convictions alone.
	t.Cleanup(func() {
		neo4jtest.Exec(t, uri, `MATCH (n) WHERE n.id CONTAINS '/`+synth.Prefix+`' OR n.id CONTAINS '/xx-`+synth.Prefix+`' OR n.name STARTS WITH '`+synth.Prefix+`'
			DETACH DELETE n`, nil)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.RebuildConvictionRows(ctx); err != nil {
			t.Error(err)
		}
	})
	files := synthFiles(t, 40)
	importFiles(t, s, files[:len(files)-1])
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	edit := kg.Edit{Actor: "test", Reason: "conviction rows"}
	// Kept answers, brought up to date after each write rather than
	// computed again, must equal the store's.
	kept := neo4jstore.Keep(s, 64<<20)
	// With room for half the graph's rows in a list, filters that match
	// more are paged by the store's own statement.
	_, n, err := s.Convictions(ctx, kg.ConvictionFilter{}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	small := neo4jstore.KeepRows(s, 64<<20, n/2)
	t.Logf("%d convictions; a small kept store keeps lists of %d", n, n/2)
	filters := convictionFilters(t, s, uri)
	sameAnswers(t, s, filters, "after the imports", everyFilter)
	sameKept(t, kept, s, filters, "after the imports")
	sameKept(t, small, s, filters, "after the imports, kept small")

	// The ids the writes use, from the graph.
	one := func(query string) string {
		t.Helper()
		recs := neo4jtest.Exec(t, uri, query, nil)
		if len(recs) == 0 {
			t.Fatalf("nothing found by %s", query)
		}
		v, _ := recs[0].Get("id")
		return v.(string)
	}
	sentence := one(`MATCH (x:Sentence)-[:FOR_CHARGE]->(:Charge {verdict: 'guilty'}) WHERE x.id STARTS WITH 'sentence/syn-' RETURN x.id AS id ORDER BY id LIMIT 1`)
	ban := one(`MATCH (p:Person)-[:SUBJECT_TO]->(x:Restriction) WHERE x.kind ENDS WITH '-ban' AND x.id STARTS WITH 'restriction/syn-' RETURN x.id AS id ORDER BY id LIMIT 1`)
	court := one(`MATCH (c:Court)<-[:IMPOSED_BY]-(:Sentence) WHERE c.id STARTS WITH 'court/syn-' RETURN c.id AS id, count(*) AS n ORDER BY n DESC, id LIMIT 1`)
	other := one(`MATCH (c:Court)<-[:HEARD_BY]-(:Case) WHERE c.id STARTS WITH 'court/syn-' AND c.id <> '` + court + `' RETURN c.id AS id ORDER BY id LIMIT 1`)
	article := one(`MATCH (a:LegalArticle)<-[:UNDER_ARTICLE]-(:Charge {verdict: 'guilty'}) WHERE NOT (a)-[:PART_OF]->() AND a.id STARTS WITH 'legal-article/xx-syn-' RETURN a.id AS id, count(*) AS n ORDER BY n DESC, id LIMIT 1`)
	parent := one(`MATCH (a:LegalArticle) WHERE NOT (a)-[:PART_OF]->() AND a.id <> '` + article + `' AND a.id STARTS WITH 'legal-article/xx-syn-' RETURN a.id AS id ORDER BY id LIMIT 1`)
	defendant := one(`MATCH (p:Person)-[:CHARGED_WITH]->(:Charge {verdict: 'guilty'}) WHERE p.id STARTS WITH 'person/syn-' AND NOT (p)-[:MEMBER_OF]->(:Party) RETURN p.id AS id ORDER BY id DESC LIMIT 1`)
	party := one(`MATCH (x:Party) RETURN x.id AS id ORDER BY id LIMIT 1`)
	charge := one(`MATCH (:Person)-[:CHARGED_WITH]->(c:Charge {verdict: 'guilty'}) WHERE c.id STARTS WITH 'charge/syn-' RETURN c.id AS id ORDER BY id DESC LIMIT 1`)
	kase := one(`MATCH (k:Case)-[:HAS_CHARGE]->(:Charge {verdict: 'guilty'}) WHERE k.id STARTS WITH 'case/syn-' RETURN k.id AS id ORDER BY id LIMIT 1`)
	city := one(`MATCH (:Court {id: '` + court + `'})-[:LOCATED_IN]->(p:Place) RETURN p.id AS id`)
	place := one(`MATCH (p:Place) WHERE p.id <> '` + city + `' AND p.id STARTS WITH 'place/syn-' RETURN p.id AS id ORDER BY id LIMIT 1`)

	steps := []struct {
		name  string
		write func() error
	}{
		{"a sentence's kind and term changed", func() error {
			return update(ctx, s, sentence, version(t, uri, sentence), edit, func(e *kg.Entity) { e.Props["kind"] = "suspended"; e.Props["termMonths"] = int64(7) })
		}},
		{"a ban added to another defendant", func() error {
			b, err := s.ReadEntity(ctx, ban)
			if err != nil {
				return err
			}
			e, links := renamed(b, ban, ban+"-copy")
			e.Props["kind"] = "political-activity-ban"
			for i, l := range links {
				if l.Type == "SUBJECT_TO" {
					links[i].From = defendant
					links[i].ID = strings.Replace(l.ID, l.From, defendant, 1)
				}
			}
			_, err = s.SaveEntity(ctx, e, links, 0, edit)
			return err
		}},
		{"a court renamed", func() error {
			return update(ctx, s, court, version(t, uri, court), edit, func(e *kg.Entity) { e.Props["name"] = "Renamed synthetic court" })
		}},
		{"a court moved to another place", func() error {
			return update(ctx, s, court, version(t, uri, court), edit, func(e *kg.Entity) {}, func(l *kg.Link) {
				if l.Type == "LOCATED_IN" {
					l.To = place
					l.ID = strings.Replace(l.ID, city, place, 1)
				}
			})
		}},
		{"an article made part of another", func() error {
			return s.SaveRelation(ctx, kg.Link{ID: "PART_OF:" + article + "->" + parent, Type: "PART_OF", From: article, To: parent, Props: map[string]any{}}, true, edit)
		}},
		{"an article renamed", func() error {
			return update(ctx, s, parent, version(t, uri, parent), edit, func(e *kg.Entity) { e.Props["name"] = "Renamed synthetic article" })
		}},
		{"a defendant joins a party", func() error {
			return s.SaveRelation(ctx, kg.Link{ID: "MEMBER_OF:" + defendant + "->" + party, Type: "MEMBER_OF", From: defendant, To: party, Props: map[string]any{}}, true, edit)
		}},
		{"the party membership retracted", func() error {
			_, err := s.RetractRelation(ctx, "MEMBER_OF", "MEMBER_OF:"+defendant+"->"+party, edit)
			return err
		}},
		{"the article's parent retracted", func() error {
			_, err := s.RetractRelation(ctx, "PART_OF", "PART_OF:"+article+"->"+parent, edit)
			return err
		}},
		{"two courts merged", func() error {
			return s.MergeEntities(ctx, other, court, version(t, uri, other), version(t, uri, court), edit)
		}},
		{"a case imported", func() error {
			importFiles(t, s, files[len(files)-1:])
			return nil
		}},
		{"a charge retracted", func() error {
			_, err := s.RetractEntity(ctx, charge, version(t, uri, charge), edit)
			return err
		}},
		{"a case retracted", func() error {
			_, err := s.RetractEntity(ctx, kase, version(t, uri, kase), edit)
			return err
		}},
	}
	for i, step := range steps {
		start := time.Now()
		if err := step.write(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		t.Logf("%s: written in %s", step.name, time.Since(start))
		filters := convictionFilters(t, s, uri)
		turn := i
		if i == len(steps)-1 {
			turn = everyFilter
		}
		sameAnswers(t, s, filters, step.name, turn)
		patches := kept.Patches()
		sameKept(t, kept, s, filters, step.name)
		if kept.Patches() == patches {
			t.Errorf("%s: no kept list of rows was brought up to date", step.name)
		}
		sameKept(t, small, s, filters, step.name+", kept small")
	}
	if small.StorePages() == 0 || small.Patches() == 0 {
		t.Errorf("kept small: %d pages from the store's statement and %d lists brought up to date; the test needs both", small.StorePages(), small.Patches())
	}

	// A record of changes that no longer reaches a kept list's version
	// (cut, as old records are): the list is read whole, and still right.
	// (other is the court the merge kept.)
	if err := update(ctx, s, other, version(t, uri, other), edit, func(e *kg.Entity) { e.Props["name"] = "Court renamed again" }); err != nil {
		t.Fatal(err)
	}
	neo4jtest.Exec(t, uri, `MATCH (c:GraphChange) DELETE c`, nil)
	patches := kept.Patches()
	sameKept(t, kept, s, convictionFilters(t, s, uri), "after the record was cut")
	if kept.Patches() != patches {
		t.Error("a kept list was brought up to date from a record that does not reach its version")
	}

	// What the writes left is what a rebuild writes.
	before := tallies(t, uri)
	if err := s.RebuildConvictionRows(ctx); err != nil {
		t.Fatal(err)
	}
	if after := tallies(t, uri); !reflect.DeepEqual(before, after) {
		t.Errorf("tallies kept through the writes differ from a rebuild:\n%s", neo4jtest.LineDiff(strings.Join(before, "\n"), strings.Join(after, "\n")))
	}
}

func synthFiles(t *testing.T, n int) []*casefile.File {
	t.Helper()
	var inputs []casefile.Input
	for _, f := range synth.Generate(n, 5) {
		inputs = append(inputs, casefile.Input{Name: f.Name, Src: f.Src})
	}
	checked, err := casefile.Check(inputs, casefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return checked
}

func importFiles(t *testing.T, s *neo4jstore.Store, files []*casefile.File) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for _, g := range casefile.Groups(files) {
		batches := make([]kg.Batch, len(g))
		for i, f := range g {
			batches[i] = f.Batch
		}
		if _, err := s.Import(ctx, batches, kg.ImportOptions{Edit: kg.Edit{Actor: "test"}, MayRemove: true}); err != nil {
			t.Fatalf("import: %v", err)
		}
	}
}

func version(t *testing.T, uri, id string) int {
	t.Helper()
	recs := neo4jtest.Exec(t, uri, `MATCH (n:Entity {id: $id}) RETURN n.version AS v`, map[string]any{"id": id})
	v, _ := recs[0].Get("v")
	return int(v.(int64))
}

// update rewrites one entity as it reads, changed by change and, for each
// link it owns, by links.
func update(ctx context.Context, s *neo4jstore.Store, id string, v int, edit kg.Edit, change func(*kg.Entity), links ...func(*kg.Link)) error {
	b, err := s.ReadEntity(ctx, id)
	if err != nil {
		return err
	}
	e := b.Entities[0]
	change(&e)
	for i := range b.Links {
		for _, f := range links {
			f(&b.Links[i])
		}
	}
	_, err = s.SaveEntity(ctx, e, b.Links, v, edit)
	return err
}

// renamed is an entity read, with a new ID in it and in its links.
func renamed(b kg.Batch, from, to string) (kg.Entity, []kg.Link) {
	e := b.Entities[0]
	e.ID = to
	var links []kg.Link
	for _, l := range b.Links {
		l.ID = strings.ReplaceAll(l.ID, from, to)
		l.Owner = to
		if l.From == from {
			l.From = to
		}
		if l.To == from {
			l.To = to
		}
		links = append(links, l)
	}
	return e, links
}

func tallies(t *testing.T, uri string) []string {
	t.Helper()
	var out []string
	for _, r := range neo4jtest.Exec(t, uri, `MATCH (x:Tally) RETURN x.id AS id, x.label AS label, x.named AS named, x.unnamed AS unnamed, x.pairs AS pairs ORDER BY id`, nil) {
		out = append(out, fmt.Sprint(r.Values...))
	}
	return out
}

// everyFilter is the turn of sameAnswers that counts under every filter.
const everyFilter = -1

// sameAnswers asks Convictions under each of filters, and Counts by every
// dimension, of the rows and of the oracle, and reports where they differ.
// Counts are asked without a filter and under a third of the filters, the
// third turn picks, or under all of them on everyFilter's turn: a write's
// rows stay until another rewrites them, so those that a third leaves
// unasked are compared on a later turn and at the end. (The oracle's
// counts read the whole graph: asking all of them after every write made
// this the package's slowest test.)
func sameAnswers(t *testing.T, s *neo4jstore.Store, filters []kg.ConvictionFilter, when string, turn int) {
	t.Helper()
	defer func(start time.Time) { t.Logf("%s: answers compared in %s", when, time.Since(start)) }(time.Now())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for j, f := range filters {
		name := fmt.Sprintf("%s: %+v", when, f)
		got, total, err := s.Convictions(ctx, f, neo4jstore.MaxConvictionPage, 0)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, wantTotal, err := s.OracleConvictions(ctx, f, neo4jstore.MaxConvictionPage, 0)
		if err != nil {
			t.Fatalf("%s: oracle: %v", name, err)
		}
		if total != wantTotal {
			t.Errorf("%s: %d convictions, the whole graph says %d", name, total, wantTotal)
		}
		if g, w := sortedJSON(t, got), sortedJSON(t, want); g != w {
			t.Errorf("%s: convictions differ:\n%s", name, neo4jtest.LineDiff(w, g))
		}
		if g, w := dates(got), dates(want); !reflect.DeepEqual(g, w) {
			t.Errorf("%s: convictions by date %v, the whole graph's %v", name, g, w)
		}
		if turn != everyFilter && j > 0 && j%3 != turn%3 {
			continue
		}
		for _, by := range []kg.CountDimension{kg.ByArticle, kg.ByCourt, kg.ByYear, kg.ByRestriction, kg.BySentence, kg.ByCategory, kg.ByCountry} {
			got, err := s.Counts(ctx, by, f)
			if err != nil {
				t.Fatalf("%s by %s: %v", name, by, err)
			}
			want, err := s.OracleCounts(ctx, by, f)
			if err != nil {
				t.Fatalf("%s by %s: oracle: %v", name, by, err)
			}
			if !reflect.DeepEqual(nonNil(got), nonNil(want)) {
				t.Errorf("%s by %s:\n got  %+v\n want %+v", name, by, got, want)
			}
		}
	}
}

// convictionFilters are a spread of filters over the graph as it is.
func convictionFilters(t *testing.T, s *neo4jstore.Store, uri string) []kg.ConvictionFilter {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	top := func(by kg.CountDimension) []string {
		got, err := s.OracleCounts(ctx, by, kg.ConvictionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			return []string{"none"}
		}
		return []string{got[0].Key}
	}
	pick := func(query string) []string {
		var out []string
		for _, r := range neo4jtest.Exec(t, uri, query, nil) {
			v, _ := r.Get("id")
			out = append(out, v.(string))
		}
		return out
	}
	date := func(s string) *kg.Date {
		d, err := kg.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	yes, no := true, false
	bans := []string{"political-activity-ban", "civic-activity-ban", "social-media-ban"}
	return []kg.ConvictionFilter{
		{},
		{InForce: true},
		{Articles: top(kg.ByArticle)},
		{Articles: top(kg.ByArticle), RestrictionKinds: bans},
		{Articles: pick(`MATCH (a:LegalArticle)-[:PART_OF]->(:LegalArticle) RETURN a.id AS id ORDER BY id LIMIT 3`)},
		{RestrictionKinds: bans},
		{SentenceKinds: top(kg.BySentence)},
		{SentenceKinds: []string{"suspended", "custodial"}, InForce: true},
		{Courts: top(kg.ByCourt)},
		{Cities: pick(`MATCH (:Court)-[:LOCATED_IN*1..2]->(p:Place) RETURN DISTINCT p.id AS id ORDER BY id LIMIT 4`)},
		{Parties: pick(`MATCH (:Person)-[:MEMBER_OF|LEADS]->(x:Party) RETURN DISTINCT x.id AS id ORDER BY id LIMIT 3`)},
		{Countries: top(kg.ByCountry)},
		{Categories: top(kg.ByCategory)},
		{From: date("2018"), To: date("2021-06")},
		{Unpunished: &yes},
		{Unpunished: &no, InForce: true},
		{Cities: pick(`MATCH (p:Place) RETURN p.id AS id ORDER BY id LIMIT 20`), RestrictionKinds: bans, From: date("2010")},
	}
}

// sameKept asks the kept store for pages of convictions under filters,
// and reports where they differ from the store's, in order.
func sameKept(t *testing.T, kept *neo4jstore.Kept, s *neo4jstore.Store, filters []kg.ConvictionFilter, when string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for _, f := range filters {
		// One page of the store's holds every conviction of the test's
		// graph: each kept page is compared with its slice of it.
		all, wantTotal, err := s.Convictions(ctx, f, neo4jstore.MaxConvictionPage, 0)
		if err != nil {
			t.Fatalf("%s: %+v: %v", when, f, err)
		}
		if wantTotal > len(all) {
			t.Fatalf("%s: %+v: %d convictions, more than a page: the comparison needs a smaller graph", when, f, wantTotal)
		}
		for _, p := range []struct{ first, offset int }{{neo4jstore.MaxConvictionPage, 0}, {5, 3}, {20, 1000}} {
			name := fmt.Sprintf("%s: %+v, %d from %d", when, f, p.first, p.offset)
			got, total, err := kept.Convictions(ctx, f, p.first, p.offset)
			if err != nil {
				t.Fatalf("%s: kept: %v", name, err)
			}
			want := all[min(p.offset, len(all)):min(p.offset+p.first, len(all))]
			if total != wantTotal {
				t.Errorf("%s: %d convictions kept, the store says %d", name, total, wantTotal)
			}
			if g, w := inOrder(t, got), inOrder(t, want); g != w {
				t.Errorf("%s: kept convictions differ:\n%s", name, neo4jtest.LineDiff(w, g))
			}
		}
	}
}

// inOrder is convictions one a line, in the order given.
func inOrder(t *testing.T, cs []kg.Conviction) string {
	return strings.Join(convictionLines(t, cs), "\n")
}

func convictionLines(t *testing.T, cs []kg.Conviction) []string {
	t.Helper()
	lines := make([]string, len(cs))
	for i, c := range cs {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		lines[i] = string(b)
	}
	return lines
}

func nonNil(g []kg.GroupCount) []kg.GroupCount {
	if g == nil {
		return []kg.GroupCount{}
	}
	return g
}

// sortedJSON is convictions one a line, sorted: the order of convictions
// of one date and charge is not part of the answer.
func sortedJSON(t *testing.T, cs []kg.Conviction) string {
	t.Helper()
	lines := convictionLines(t, cs)
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// dates are the convictions' dates in order.
func dates(cs []kg.Conviction) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		if c.Date != nil {
			out[i] = fmt.Sprint(*c.Date)
		}
	}
	return out
}
