package neo4jstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// The conviction rows, the counts and the cross-case questions answer a
// reader as a graph where the facts out of the reader's sight were never
// imported answers everyone: on small random graphs whose facts are
// restricted at random to two groups, for each sight the answers of the
// whole graph are compared with those of the graph imported without the
// facts that sight does not hold (and without the relationships of facts
// gone), which is public.
func TestVisibilityAnswersAsTheReducedGraph(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	neo4jtest.ImportBundled(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	wipe := func() {
		t.Helper()
		neo4jtest.Exec(t, uri, `MATCH (n) WHERE n.id CONTAINS '/vt-' OR n.id CONTAINS '/xx-vt-' OR n.name STARTS WITH 'vt-' DETACH DELETE n`, nil)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.RebuildConvictionRows(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(wipe)

	sights := []struct {
		name string
		ctx  context.Context
		kg.Sight
	}{
		{"anonymous", ctx, kg.Sight{}},
		{"monitors", kg.WithPrincipal(ctx, kg.Principal{Name: "m", Role: kg.Reader, Groups: []string{"monitors"}}), kg.Sight{Groups: []string{"monitors"}}},
		{"lawyers", kg.WithPrincipal(ctx, kg.Principal{Name: "l", Role: kg.Reader, Groups: []string{"lawyers"}}), kg.Sight{Groups: []string{"lawyers"}}},
		{"both", kg.WithPrincipal(ctx, kg.Principal{Name: "b", Role: kg.Editor, Groups: []string{"lawyers", "monitors"}}), kg.Sight{Groups: []string{"lawyers", "monitors"}}},
		{"admin", kg.WithPrincipal(ctx, kg.Principal{Name: "a", Role: kg.Admin}), kg.Sight{All: true}},
	}
	n := rounds(t, 2)
	for round := 0; round < n; round++ {
		seed := int64(round + 1)
		files := visibilityGraph(t, seed)
		wipe()
		importFiles(t, s, files)
		kept := neo4jstore.Keep(s, 16<<20)
		got := make([]map[string]string, len(sights))
		for i, sg := range sights {
			got[i] = visibilityAnswers(t, s, kept, sg.ctx)
		}
		restricted := 0
		for _, f := range files {
			restricted += countRestricted(f.Batch)
		}
		for i, sg := range sights {
			wipe()
			var reduced []*casefile.File
			seen := visibleIDs(files, sg.Sight)
			for _, f := range files {
				g := *f
				g.Batch = reducedBatch(f.Batch, sg.Sight, seen)
				reduced = append(reduced, &g)
			}
			importFiles(t, s, reduced)
			want := visibilityAnswers(t, s, nil, ctx)
			for _, q := range sortedQuestions(want) {
				if got[i][q] != want[q] {
					t.Errorf("seed %d, %s, %s:\n%s", seed, sg.name, q, neo4jtest.LineDiff(want[q], got[i][q]))
				}
			}
		}
		t.Logf("seed %d: %d restricted facts", seed, restricted)
	}
}

func sortedQuestions(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// visibilityAnswers asks every question the rows and patterns answer, in
// ctx's sight, and gives each answer as text (an error's too). With kept,
// convictions are also asked of it.
func visibilityAnswers(t *testing.T, s *neo4jstore.Store, kept *neo4jstore.Kept, ctx context.Context) map[string]string {
	t.Helper()
	out := map[string]string{}
	text := func(v any, err error) string { return answerText(t, v, err) }
	yes := true
	filters := []kg.ConvictionFilter{
		{},
		{InForce: true},
		{Articles: []string{"legal-article/xx-vt-cc-1"}},
		{Articles: []string{"legal-article/xx-vt-cc-1-1"}, InForce: true},
		{Courts: []string{"court/vt-court-0", "court/vt-court-1"}},
		{Cities: []string{"place/vt-city-0"}},
		{Parties: []string{"party/vt-party-0", "party/vt-party-1"}},
		{RestrictionKinds: []string{"political-activity-ban"}},
		{SentenceKinds: []string{"custodial"}, InForce: true},
		{Unpunished: &yes},
		{Countries: []string{"XX"}},
		{Categories: []string{"mass-riots"}},
	}
	for _, f := range filters {
		name := convictionsQuestion(t, f)
		cs, n, err := s.Convictions(ctx, f, neo4jstore.MaxConvictionPage, 0)
		out[name] = text(struct {
			Total int
			Page  []kg.Conviction
		}{n, cs}, err)
		if kept != nil {
			for _, p := range []struct{ first, offset int }{{neo4jstore.MaxConvictionPage, 0}, {3, 2}} {
				kc, kn, err := kept.Convictions(ctx, f, p.first, p.offset)
				var want []kg.Conviction
				if p.offset < len(cs) {
					want = cs[p.offset:min(len(cs), p.offset+p.first)]
				}
				if g, w := text(kc, err), text(want, nil); g != w || kn != n {
					t.Errorf("%s, kept, %d from %d: %d convictions, the store's %d:\n%s", name, p.first, p.offset, kn, n, neo4jtest.LineDiff(w, g))
				}
			}
		}
		if len(f.Articles) > 0 || f.InForce || len(f.Courts) > 0 || (f.Articles == nil && f.Courts == nil && !f.InForce && f.Unpunished == nil && f.Cities == nil && f.Parties == nil && f.RestrictionKinds == nil && f.SentenceKinds == nil && f.Countries == nil && f.Categories == nil) {
			for _, by := range []kg.CountDimension{kg.ByArticle, kg.ByCourt, kg.ByYear, kg.ByRestriction, kg.BySentence, kg.ByCategory, kg.ByCountry} {
				out[fmt.Sprintf("counts by %s %s", by, convictionsQuestion(t, f))] = text(s.Counts(ctx, by, f))
			}
		}
	}
	out["chargeChanges"] = text(s.ChargeChanges(ctx))
	out["pretrialDetention"] = text(s.PretrialDetention(ctx))
	out["assessedCases"] = text(s.AssessedCases(ctx, 1))
	out["articlePairs"] = text(s.ArticlePairs(ctx))
	out["contestedClaims"] = text(s.ContestedClaims(ctx))
	out["laterChargedAssociates"] = text(s.LaterChargedAssociates(ctx))
	out["arrestsAfterProtests"] = text(s.ArrestsAfterProtests(ctx, 24))
	out["commonGround"] = text(s.CommonGround(ctx, "person/vt-1-0", "person/vt-2-0"))
	out["commonGround of cases"] = text(s.CommonGround(ctx, "case/vt-1", "case/vt-3"))
	out["similarCases"] = text(s.SimilarCases(ctx, "case/vt-2", 20))
	out["commonGround of the bundled"] = text(s.CommonGround(ctx, patMamai, patIlyashev))
	out["similarCases of the bundled"] = text(s.SimilarCases(ctx, patMamaiCase, 20))
	return out
}

// answerText is an answer, or its error, as text.
func answerText(t *testing.T, v any, err error) string {
	t.Helper()
	if err != nil {
		return "error: " + err.Error()
	}
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// convictionsQuestion names the question of convictions under f.
func convictionsQuestion(t *testing.T, f kg.ConvictionFilter) string {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return "convictions " + string(b)
}

// groupsOf is a fact's groups, none for a public one.
func groupsOf(props map[string]any) []string {
	g, _ := props[kg.GroupsProp].([]string)
	return g
}

func countRestricted(b kg.Batch) int {
	n := 0
	for _, e := range b.Entities {
		if len(groupsOf(e.Props)) > 0 {
			n++
		}
	}
	for _, l := range b.Links {
		if len(groupsOf(l.Props)) > 0 {
			n++
		}
	}
	return n
}

// visibleIDs are the entities of files in sight.
func visibleIDs(files []*casefile.File, sight kg.Sight) map[string]bool {
	out := map[string]bool{}
	for _, f := range files {
		for _, e := range f.Batch.Entities {
			if sight.Sees(groupsOf(e.Props)) {
				out[e.ID] = true
			}
		}
	}
	return out
}

// reducedBatch is b without what sight does not see, public: its entities
// out of sight, its relationships out of sight or with an end out of
// sight, and every fact's groups.
func reducedBatch(b kg.Batch, sight kg.Sight, seen map[string]bool) kg.Batch {
	strip := func(props map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range props {
			if k != kg.GroupsProp {
				out[k] = v
			}
		}
		return out
	}
	out := kg.Batch{Origin: b.Origin, Hash: b.Hash + "-reduced"}
	for _, e := range b.Entities {
		if seen[e.ID] {
			e.Props = strip(e.Props)
			out.Entities = append(out.Entities, e)
		}
	}
	for _, l := range b.Links {
		if sight.Sees(groupsOf(l.Props)) && seen[l.From] && seen[l.To] && (l.Owner == "" || seen[l.Owner]) {
			l.Props = strip(l.Props)
			out.Links = append(out.Links, l)
		}
	}
	for _, a := range b.Additions {
		if seen[a.Target] {
			out.Additions = append(out.Additions, a)
		}
	}
	return out
}

// visibilityGraph writes and checks a small random graph of four cases
// whose facts are restricted at random to monitors, lawyers or both:
// articles in a hierarchy, courts in cities, parties, hearings that
// convict, review and overturn, sentences that replace others, charges
// reclassified and re-initiated, restrictions, protests and arrests,
// assessments and contested facts.
func visibilityGraph(t *testing.T, seed int64) []*casefile.File {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	vis := func() string {
		switch r.Intn(8) {
		case 0:
			return "[monitors]"
		case 1:
			return "[lawyers]"
		case 2:
			return "[lawyers, monitors]"
		}
		return ""
	}
	var b strings.Builder
	line := func(indent int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	entity := func(id, typ string, fields ...string) {
		line(1, "- id: %s", id)
		line(2, "type: %s", typ)
		line(2, "name: %q", "vt-"+id)
		for i := 0; i+1 < len(fields); i += 2 {
			if fields[i+1] != "" {
				line(2, "%s: %s", fields[i], fields[i+1])
			}
		}
		if r.Intn(10) == 0 {
			line(2, "contested: true")
		}
		if v := vis(); v != "" {
			line(2, "visibility: %s", v)
		}
		line(2, "cite: [source/vt-src#p1]")
	}
	type rel struct{ typ, from, to, extra string }
	relations := func(rels []rel) {
		if len(rels) == 0 {
			return
		}
		b.WriteString("relations:\n")
		seen := map[string]bool{}
		for _, x := range rels {
			if seen[x.typ+x.from+x.to] {
				continue
			}
			seen[x.typ+x.from+x.to] = true
			line(1, "- type: %s", x.typ)
			line(2, "from: %s", x.from)
			line(2, "to: %s", x.to)
			if x.extra != "" {
				line(2, "%s", x.extra)
			}
			if r.Intn(10) == 0 {
				line(2, "contested: true")
			}
			if v := vis(); v != "" {
				line(2, "visibility: %s", v)
			}
			line(2, "cite: [source/vt-src#p2]")
		}
	}
	pick := func(xs ...string) string { return xs[r.Intn(len(xs))] }
	date := func(year int) string { return fmt.Sprintf("'%d-%02d-%02d'", year, 1+r.Intn(12), 1+r.Intn(28)) }

	var inputs []casefile.Input
	b.WriteString("version: 2\nsources:\n  - id: source/vt-src\n    title: vt report\n    publisher: vt\n")
	b.WriteString("entities:\n")
	entity("place/vt-country", "Place", "kind", "country")
	for i := 0; i < 3; i++ {
		entity(fmt.Sprintf("place/vt-city-%d", i), "Place", "kind", "city", "within", "place/vt-country")
	}
	entity("legal-code/xx-vt-cc", "LegalCode", "jurisdiction", "XX")
	articles := []string{"1", "2", "1-1", "1-1-1", "2-1", "3"}
	for _, a := range articles {
		parent := ""
		if i := strings.LastIndex(a, "-"); i > 0 {
			parent = "legal-article/xx-vt-cc-" + a[:i]
		}
		entity("legal-article/xx-vt-cc-"+a, "LegalArticle", "code", "legal-code/xx-vt-cc", "article", fmt.Sprintf("'%s'", a), "parent", parent)
	}
	for i := 0; i < 3; i++ {
		entity(fmt.Sprintf("court/vt-court-%d", i), "Court", "level", "city", "place", fmt.Sprintf("place/vt-city-%d", r.Intn(3)))
	}
	for i := 0; i < 2; i++ {
		entity(fmt.Sprintf("party/vt-party-%d", i), "Party", "registrationStatus", pick("unregistered", "registered"))
	}
	entity("organisation/vt-org-0", "Organisation", "kind", "ngo")
	entity("organisation/vt-org-1", "Organisation", "kind", "ngo")
	entity("event/vt-protest", "Event", "kind", "protest", "date", "'2019-03-01'")
	inputs = append(inputs, casefile.Input{Name: "vt-common.yaml", Src: []byte(b.String())})

	court := func() string { return fmt.Sprintf("court/vt-court-%d", r.Intn(3)) }
	article := func() string { return pick("", "legal-article/xx-vt-cc-"+articles[r.Intn(len(articles))]) }
	for i := 1; i <= 4; i++ {
		b.Reset()
		k := fmt.Sprintf("case/vt-%d", i)
		year := 2018 + r.Intn(3)
		b.WriteString("version: 2\nentities:\n")
		entity(k, "Case", "kind", "criminal", "jurisdiction", pick("", "XX"), "place", fmt.Sprintf("place/vt-city-%d", r.Intn(3)))
		var rels []rel
		people := []string{fmt.Sprintf("person/vt-%d-0", i), fmt.Sprintf("person/vt-%d-1", i)}
		for _, p := range people {
			entity(p, "Person")
			rels = append(rels, rel{"DEFENDANT_IN", p, k, ""})
			if r.Intn(2) == 0 {
				rels = append(rels, rel{"MEMBER_OF", p, fmt.Sprintf("party/vt-party-%d", r.Intn(2)), ""})
			}
			if r.Intn(2) == 0 {
				rels = append(rels, rel{"PARTICIPATED_IN", p, "event/vt-protest", ""})
			}
		}
		if i > 1 && r.Intn(2) == 0 {
			// Someone charged before, charged again.
			people = append(people, fmt.Sprintf("person/vt-%d-0", i-1))
		}
		arrest := fmt.Sprintf("event/vt-%d-arrest", i)
		entity(arrest, "Event", "kind", "arrest", "date", "'2019-06-01'")
		rels = append(rels, rel{"SUBJECT_OF", people[0], arrest, ""}, rel{"CONCERNS", k, "event/vt-protest", ""})
		for j := 0; j < 1+r.Intn(2); j++ {
			role := pick("first-instance", "first-instance", "appeal")
			rels = append(rels, rel{"HEARD_BY", k, court(), "role: " + role})
		}
		rels = append(rels, rel{"ASSESSED", fmt.Sprintf("organisation/vt-org-%d", r.Intn(2)), k, "assessment: politically-motivated"})
		first := fmt.Sprintf("proceeding/vt-%d-first", i)
		appeal := fmt.Sprintf("proceeding/vt-%d-appeal", i)
		entity(first, "Proceeding", "case", k, "stage", "first-instance", "court", pick(court(), ""), "defendants", "["+strings.Join(people[:2], ", ")+"]",
			"date", date(year), "outcome", "convicted")
		entity(appeal, "Proceeding", "case", k, "stage", "appeal", "court", court(), "reviews", first,
			"defendants", pick("", "["+people[0]+"]"), "date", date(year+1), "outcome", pick("upheld", "overturned", "sent-back", "softened"))
		for d, p := range people {
			var guilty []string
			prev := ""
			for j := 0; j < 1+r.Intn(3); j++ {
				c := fmt.Sprintf("charge/vt-%d-%d-%d", i, d, j)
				verdict, status := "guilty", "convicted"
				if r.Intn(4) == 0 {
					verdict, status = "not-guilty", "acquitted"
				}
				fields := []string{"case", k, "defendant", p, "article", article(), "verdict", verdict, "status", status,
					"category", pick("other", "mass-riots", "extremism"), "date", date(year)}
				if prev != "" && r.Intn(2) == 0 {
					fields = append(fields, "supersedes", prev, "change", pick("reclassified", "re-initiated"), "changeDate", date(year))
				}
				entity(c, "Charge", fields...)
				if verdict == "guilty" {
					guilty = append(guilty, c)
				}
				prev = c
			}
			entity(fmt.Sprintf("restriction/vt-%d-%d-det", i, d), "Restriction", "person", p, "case", k, "kind", pick("pre-trial-detention", "house-arrest"),
				"basis", "preventive-measure", "start", date(year-1), "end", date(year))
			if r.Intn(2) == 0 {
				entity(fmt.Sprintf("restriction/vt-%d-%d-ban", i, d), "Restriction", "person", p, "case", k, "kind", "political-activity-ban", "basis", "sentence")
			}
			if len(guilty) == 0 {
				continue
			}
			s := fmt.Sprintf("sentence/vt-%d-%d", i, d)
			kind := pick("custodial", "suspended", "fine")
			term := "P2Y"
			if kind == "fine" {
				term = ""
			}
			entity(s, "Sentence", "case", k, "person", p, "court", pick("", court()), "proceeding", pick(first, ""), "charges", "["+strings.Join(guilty, ", ")+"]",
				"date", date(year), "kind", kind, "term", term)
			if r.Intn(3) == 0 {
				// A second sentence for the same charges, of another date.
				entity(s+"-other", "Sentence", "case", k, "person", p, "charges", "["+guilty[0]+"]", "date", date(year), "kind", "custodial", "term", "P1Y")
			}
			if r.Intn(2) == 0 {
				entity(s+"-appeal", "Sentence", "case", k, "person", p, "proceeding", appeal, "replaces", s, "change", pick("softened", "toughened"),
					"charges", "["+strings.Join(guilty, ", ")+"]", "date", date(year+1), "kind", pick("custodial", "suspended"), "term", "P1Y")
			}
		}
		relations(rels)
		inputs = append(inputs, casefile.Input{Name: fmt.Sprintf("vt-case-%d.yaml", i), Src: []byte(b.String())})
	}
	files, err := casefile.Check(inputs, casefile.Options{})
	if err != nil {
		t.Fatalf("the random graph of seed %d: %v", seed, err)
	}
	return files
}
