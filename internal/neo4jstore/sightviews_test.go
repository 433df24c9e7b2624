package neo4jstore_test

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// The graph views answer a reader as a graph would where the facts hidden
// from them were never imported: these tests import a graph with
// restricted facts, and the same graph without what one reader may not
// see, and compare the answers.

// A sight is a reader the tests ask as.
type sight struct {
	name   string
	groups []string // nil: anonymous
	admin  bool
}

var sights = []sight{
	{name: "anonymous"},
	{name: "a", groups: []string{"a"}},
	{name: "b", groups: []string{"b"}},
	{name: "a+b", groups: []string{"a", "b"}},
	{name: "admin", admin: true},
}

func (s sight) ctx(ctx context.Context) context.Context {
	switch {
	case s.admin:
		return kg.WithPrincipal(ctx, kg.Principal{Name: "test-admin", Role: kg.Admin})
	case s.groups != nil:
		return kg.WithPrincipal(ctx, kg.Principal{Name: "test-" + s.name, Role: kg.Reader, Groups: s.groups})
	}
	return ctx
}

// sees reports whether the reader sees a fact restricted to groups
// (public when none).
func (s sight) sees(groups []string) bool {
	return kg.SightOf(s.ctx(context.Background())).Sees(groups)
}

// A synthetic fact of a random graph, written as a case-file entry.
type synthEntity struct {
	id, typ string
	groups  []string
	extra   string // more fields, as YAML
}

type synthRelation struct {
	typ, from, to string
	groups        []string
	secret        bool // also cites the restricted source
}

type synthGraph struct {
	secretGroups []string // the restricted source's
	entities     []synthEntity
	relations    []synthRelation
}

// randomGroups is public half of the time, else one or both of a and b.
func randomGroups(r *rand.Rand) []string {
	switch r.Intn(6) {
	case 0:
		return []string{"a"}
	case 1:
		return []string{"b"}
	case 2:
		return []string{"a", "b"}
	}
	return nil
}

// relationKinds are relationship types with the entity types they join.
var relationKinds = []struct {
	typ      string
	from, to []string
}{
	{"ASSOCIATED_WITH", []string{"person", "party", "organisation"}, []string{"person", "party", "organisation"}},
	{"RELATIVE_OF", []string{"person"}, []string{"person"}},
	{"MEMBER_OF", []string{"person"}, []string{"party", "organisation"}},
	{"DEFENDANT_IN", []string{"person"}, []string{"case"}},
	{"PARTICIPATED_IN", []string{"person", "party", "organisation"}, []string{"event"}},
	{"CONCERNS", []string{"case"}, []string{"event"}},
}

func randomGraph(r *rand.Rand) synthGraph {
	g := synthGraph{secretGroups: []string{[]string{"a", "b"}[r.Intn(2)]}}
	byType := map[string][]string{}
	add := func(typ, kind string, n int, extra func(i int) string) {
		for i := range n {
			id := fmt.Sprintf("%s/sight-%s-%s-%d", typ, copyMark, typ, i)
			g.entities = append(g.entities, synthEntity{id: id, typ: kind, groups: randomGroups(r), extra: extra(i)})
			byType[typ] = append(byType[typ], id)
		}
	}
	none := func(int) string { return "" }
	add("person", "Person", 5+r.Intn(4), none)
	add("party", "Party", 1+r.Intn(2), none)
	add("organisation", "Organisation", 1+r.Intn(2), none)
	add("case", "Case", 2+r.Intn(2), none)
	add("event", "Event", 2+r.Intn(3), func(i int) string {
		return fmt.Sprintf("    kind: protest\n    date: '2023-%02d-%02d'\n", 1+r.Intn(12), 1+i)
	})
	seen := map[string]bool{}
	for range 12 + r.Intn(14) {
		k := relationKinds[r.Intn(len(relationKinds))]
		from := byType[k.from[r.Intn(len(k.from))]]
		to := byType[k.to[r.Intn(len(k.to))]]
		rel := synthRelation{typ: k.typ, from: from[r.Intn(len(from))], to: to[r.Intn(len(to))], groups: randomGroups(r), secret: r.Intn(3) == 0}
		key := rel.typ + rel.from + rel.to
		if rel.from == rel.to || seen[key] {
			continue
		}
		seen[key] = true
		g.relations = append(g.relations, rel)
	}
	return g
}

// maxDegree is the most relationships of types (every type if none) that
// one entity has among the facts sight sees.
func (g synthGraph) maxDegree(reader kg.Sight, types []kg.RelType) int {
	kept := map[string]bool{}
	for _, e := range g.entities {
		kept[e.id] = reader.Sees(e.groups)
	}
	degree := map[string]int{}
	for _, l := range g.relations {
		if reader.Sees(l.groups) && kept[l.from] && kept[l.to] && (len(types) == 0 || slices.Contains(types, kg.RelType(l.typ))) {
			degree[l.from]++
			degree[l.to]++
		}
	}
	most := 0
	for _, d := range degree {
		most = max(most, d)
	}
	return most
}

func yamlGroups(groups []string) string {
	if len(groups) == 0 {
		return ""
	}
	return "    visibility: [" + strings.Join(groups, ", ") + "]\n"
}

// copyMark stands in the IDs of a synthetic graph for the name of one
// copy of it: the graph and its reductions are imported side by side,
// each under a name of its own, which leaves Neo4j's counts steady enough
// that it does not plan every statement anew after each import.
const copyMark = "copy"

// caseFile is the parts of a case file that state the graph as copy,
// leaving out what reader may not see: the facts, the relationships with
// an end left out, and the citations of a source left out.
func (g synthGraph) caseFile(reader sight, copy string) (sources, entities, relations string) {
	var src, ents, rels strings.Builder
	secret := reader.sees(g.secretGroups)
	src.WriteString("  - id: source/sight-copy-open\n    title: Open report\n    publisher: Tests\n")
	if secret {
		src.WriteString("  - id: source/sight-copy-secret\n    title: Secret report\n    publisher: Tests\n" + yamlGroups(g.secretGroups))
	}
	kept := map[string]bool{}
	for _, e := range g.entities {
		if !reader.sees(e.groups) {
			continue
		}
		kept[e.id] = true
		fmt.Fprintf(&ents, "  - id: %s\n    type: %s\n    name: %s\n%s    cite: [source/sight-copy-open#p1]\n%s", e.id, e.typ, e.id, e.extra, yamlGroups(e.groups))
	}
	for _, l := range g.relations {
		if !reader.sees(l.groups) || !kept[l.from] || !kept[l.to] {
			continue
		}
		cites := "source/sight-copy-open#p2"
		if l.secret && secret {
			cites += ", source/sight-copy-secret#p1"
		}
		fmt.Fprintf(&rels, "  - type: %s\n    from: %s\n    to: %s\n    cite: [%s]\n%s", l.typ, l.from, l.to, cites, yamlGroups(l.groups))
	}
	in := func(b *strings.Builder) string {
		return strings.ReplaceAll(b.String(), "sight-"+copyMark+"-", "sight-"+copy+"-")
	}
	return in(&src), in(&ents), in(&rels)
}

// importOnly clears the database and imports src as the only case file.
func importOnly(t *testing.T, s *neo4jstore.Store, uri, src string) {
	t.Helper()
	neo4jtest.Clear(t, uri)
	f, err := casefile.Parse("sight.yaml", []byte(src))
	if err != nil {
		t.Fatalf("the synthetic case file does not parse: %v\n%s", err, src)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.Import(ctx, []kg.Batch{f.Batch}, kg.ImportOptions{Edit: kg.Edit{Actor: "test"}, MayRemove: true}); err != nil {
		t.Fatalf("import: %v\n%s", err, src)
	}
}

// viewQuestion is one question to a graph view about the entities of
// copyMark, and its answer.
type viewQuestion struct {
	name string
	ask  func(ctx context.Context, s *neo4jstore.Store, in func(string) string) any
}

type viewAnswer struct {
	Value any
	Err   string
}

func answer(v any, err error) viewAnswer {
	if err != nil {
		return viewAnswer{Err: fmt.Sprintf("%s: %v", kg.ErrorCode(err), err)}
	}
	return viewAnswer{Value: v}
}

// questions are neighbourhoods and paths from random entities (hidden ones
// and unknown ones among them), timelines and a subgraph.
func (g synthGraph) questions(r *rand.Rand) []viewQuestion {
	ids := []string{"person/sight-" + copyMark + "-nobody"}
	for _, e := range g.entities {
		ids = append(ids, e.id)
	}
	var qs []viewQuestion
	for _, id := range ids {
		q := kg.NeighbourhoodQuery{ID: id, Depth: 1 + r.Intn(kg.MaxViewDepth), Limit: []int{1, 3, 5, 8, 50}[r.Intn(5)]}
		if r.Intn(4) == 0 {
			// One choice of types: each statement Neo4j plans anew costs
			// seconds on a busy machine.
			q.RelTypes = []kg.RelType{"ASSOCIATED_WITH", "MEMBER_OF"}
		}
		if r.Intn(4) == 0 {
			q.Types = []kg.EntityType{kg.Person, kg.Case}
		}
		qs = append(qs, viewQuestion{fmt.Sprintf("neighbourhood %+v", q), func(ctx context.Context, s *neo4jstore.Store, in func(string) string) any {
			q := q
			q.ID = in(q.ID)
			v, err := s.Neighbourhood(ctx, q)
			if err == nil && g.maxDegree(kg.SightOf(ctx), q.RelTypes) > q.Limit {
				// From a node with more relationships than the limit,
				// which of them the walk follows is Neo4j's order of
				// them, which two imports need not share: only that the
				// cap was reached is the same.
				return answer(v.Truncated, nil)
			}
			return answer(v, err)
		}})
		if r.Intn(3) == 0 {
			qs = append(qs, viewQuestion{"timeline of " + id, func(ctx context.Context, s *neo4jstore.Store, in func(string) string) any {
				return answer(s.Timeline(ctx, kg.TimelineQuery{Of: in(id)}))
			}})
		}
	}
	for range len(ids) {
		q := kg.PathsQuery{From: ids[r.Intn(len(ids))], To: ids[r.Intn(len(ids))], MaxLength: 1 + r.Intn(4), Limit: []int{1, 2, 10}[r.Intn(3)]}
		qs = append(qs, viewQuestion{fmt.Sprintf("paths %+v", q), func(ctx context.Context, s *neo4jstore.Store, in func(string) string) any {
			view, paths, err := s.Paths(ctx, kg.PathsQuery{From: in(q.From), To: in(q.To), MaxLength: q.MaxLength, Limit: q.Limit})
			return answer(struct {
				View  kg.GraphView
				Paths [][]string
			}{view, paths}, err)
		}})
	}
	sub := []string{ids[r.Intn(len(ids))], ids[r.Intn(len(ids))], ids[r.Intn(len(ids))], ids[r.Intn(len(ids))]}
	qs = append(qs, viewQuestion{fmt.Sprintf("subgraph %v", sub), func(ctx context.Context, s *neo4jstore.Store, in func(string) string) any {
		ids := make([]string, len(sub))
		for i, id := range sub {
			ids[i] = in(id)
		}
		return answer(s.Subgraph(ctx, ids))
	}})
	return qs
}

// Over random graphs with random facts restricted to groups a and b, each
// reader's neighbourhoods, paths, subgraphs and timelines are those of
// the same graph imported without what they may not see. Each graph and
// its reductions are imported side by side as copies of their own, which
// share nothing.
func TestSightViewsAnswerAsTheReducedGraph(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	neo4jtest.Clear(t, uri)
	t.Cleanup(func() { neo4jtest.Clear(t, uri) })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	type round struct {
		g       synthGraph
		qs      []viewQuestion
		readers []sight // besides admin, who must see the whole graph
	}
	n := rounds(t, 4)
	r := rand.New(rand.NewSource(24))
	var all []round
	var sources, entities, relations strings.Builder
	for i := range n {
		g := randomGraph(r)
		rd := round{g: g, qs: g.questions(r), readers: []sight{sights[r.Intn(4)], sights[4]}}
		if other := sights[r.Intn(4)]; other.name != rd.readers[0].name {
			rd.readers = append(rd.readers, other)
		}
		for _, copy := range append([]sight{{name: "whole", admin: true}}, rd.readers...) {
			src, ents, rels := g.caseFile(copy, copyName(i, copy))
			sources.WriteString(src)
			entities.WriteString(ents)
			relations.WriteString(rels)
		}
		all = append(all, rd)
	}
	importOnly(t, s, uri, "version: 2\nsources:\n"+sources.String()+"entities:\n"+entities.String()+"relations:\n"+relations.String())
	for i, rd := range all {
		// Every other round makes every node with more than one
		// relationship on a side a hub, whose edges a neighbourhood finds
		// by counting rather than reading (neighbourhoodQuery).
		neo4jstore.SetEdgeSpread(s, i%2)
		whole := copyName(i, sight{name: "whole"})
		for _, reader := range rd.readers {
			reduced := copyName(i, reader)
			for _, q := range rd.qs {
				got := askCopy(ctx, s, reader, q, whole)
				want := askCopy(ctx, s, reader, q, reduced)
				if got != want {
					t.Errorf("round %d, reader %s, %s:\n got %s\nwant %s (the graph without what they may not see)", i, reader.name, q.name, got, want)
				}
			}
		}
		if t.Failed() {
			src, ents, rels := rd.g.caseFile(sight{admin: true}, whole)
			t.Fatalf("the graph of the failing round:\nsources:\n%sentities:\n%srelations:\n%s", src, ents, rels)
		}
	}
}

// copyName names the copy of round i's graph that reader sees.
func copyName(i int, reader sight) string {
	return fmt.Sprintf("r%d-%s", i, strings.ReplaceAll(reader.name, "+", ""))
}

// askCopy asks q as reader of the copy, and gives the answer as text with
// the copy's name replaced by copyMark.
func askCopy(ctx context.Context, s *neo4jstore.Store, reader sight, q viewQuestion, copy string) string {
	in := func(id string) string { return strings.ReplaceAll(id, "sight-"+copyMark+"-", "sight-"+copy+"-") }
	got := fmt.Sprintf("%+v", q.ask(reader.ctx(ctx), s, in))
	return strings.ReplaceAll(got, "sight-"+copy+"-", "sight-"+copyMark+"-")
}

// sightCase holds the facts the targeted tests below look at: a
// restricted tie between two public people; a restricted organisation
// that alone joins gina and harry, and that also gives carol and dave a
// path shorter than their public one; a restricted person with a case.
const sightCase = `version: 2
sources:
  - id: source/t-open
    title: Open report
    publisher: Tests
entities:
  - {id: person/t-alice, type: Person, name: Alice, cite: [source/t-open#p1]}
  - {id: person/t-bob, type: Person, name: Bob, cite: [source/t-open#p1]}
  - {id: person/t-carol, type: Person, name: Carol, cite: [source/t-open#p1]}
  - {id: person/t-dave, type: Person, name: Dave, cite: [source/t-open#p1]}
  - {id: person/t-erin, type: Person, name: Erin, cite: [source/t-open#p1]}
  - {id: person/t-frank, type: Person, name: Frank, cite: [source/t-open#p1]}
  - {id: person/t-gina, type: Person, name: Gina, cite: [source/t-open#p1]}
  - {id: person/t-harry, type: Person, name: Harry, cite: [source/t-open#p1]}
  - {id: organisation/t-secret, type: Organisation, name: Secret, cite: [source/t-open#p1], visibility: [monitors]}
  - {id: person/t-hidden, type: Person, name: Hidden, cite: [source/t-open#p1], visibility: [monitors]}
  - {id: case/t-case, type: Case, name: Case, cite: [source/t-open#p1]}
  - {id: event/t-arrest, type: Event, name: Arrest, kind: arrest, date: '2024-01-02', cite: [source/t-open#p1]}
relations:
  - {type: RELATIVE_OF, from: person/t-alice, to: person/t-bob, cite: [source/t-open#p2], visibility: [monitors]}
  - {type: ASSOCIATED_WITH, from: person/t-carol, to: organisation/t-secret, cite: [source/t-open#p2]}
  - {type: ASSOCIATED_WITH, from: organisation/t-secret, to: person/t-dave, cite: [source/t-open#p2]}
  - {type: RELATIVE_OF, from: person/t-carol, to: person/t-erin, cite: [source/t-open#p2]}
  - {type: RELATIVE_OF, from: person/t-erin, to: person/t-frank, cite: [source/t-open#p2]}
  - {type: RELATIVE_OF, from: person/t-frank, to: person/t-dave, cite: [source/t-open#p2]}
  - {type: ASSOCIATED_WITH, from: person/t-gina, to: organisation/t-secret, cite: [source/t-open#p2]}
  - {type: ASSOCIATED_WITH, from: organisation/t-secret, to: person/t-harry, cite: [source/t-open#p2]}
  - {type: DEFENDANT_IN, from: person/t-hidden, to: case/t-case, cite: [source/t-open#p2]}
  - {type: SUBJECT_OF, from: person/t-hidden, to: event/t-arrest, cite: [source/t-open#p2]}
`

var (
	outsider = sight{name: "outsider", groups: []string{"others"}}
	member   = sight{name: "member", groups: []string{"monitors"}}
)

func sightStore(t *testing.T) *neo4jstore.Store {
	t.Helper()
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	importOnly(t, s, uri, sightCase)
	t.Cleanup(func() { neo4jtest.Clear(t, uri) })
	return s
}

// A relationship restricted to a group, between two public people, is
// drawn for the group's members alone.
func TestSightRestrictedRelationshipBetweenPublicEntities(t *testing.T) {
	s := sightStore(t)
	ctx := context.Background()
	tie := "RELATIVE_OF:person/t-alice->person/t-bob"
	for _, reader := range []sight{{name: "anonymous"}, outsider, member} {
		v, err := s.Neighbourhood(reader.ctx(ctx), kg.NeighbourhoodQuery{ID: "person/t-alice", Depth: 2, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"person/t-alice"}
		if reader.name == "member" {
			want = []string{"person/t-alice", "person/t-bob"}
		}
		if got := nodeIDs(v); !slices.Equal(got, want) {
			t.Errorf("%s: neighbourhood of alice holds %v, want %v", reader.name, got, want)
		}
		if _, drawn := findEdge(v, "RELATIVE_OF", "person/t-alice", "person/t-bob"); drawn != (reader.name == "member") {
			t.Errorf("%s: the restricted tie drawn: %v", reader.name, drawn)
		}
		sub, err := s.Subgraph(reader.ctx(ctx), []string{"person/t-alice", "person/t-bob"})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(sub.Edges) == 1 && sub.Edges[0].ID == tie; got != (reader.name == "member") || len(sub.Nodes) != 2 {
			t.Errorf("%s: subgraph of alice and bob: %+v", reader.name, sub)
		}
		_, paths, err := s.Paths(reader.ctx(ctx), kg.PathsQuery{From: "person/t-alice", To: "person/t-bob", MaxLength: 3, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if found := len(paths) > 0; found != (reader.name == "member") {
			t.Errorf("%s: paths from alice to bob: %v", reader.name, paths)
		}
	}
}

// A path never runs through a hidden node, and the shortest paths are the
// shortest among those the reader sees: Neo4j checks the conditions as it
// searches, not on the shortest paths it found.
func TestPathsSearchOnlyWhatIsSeen(t *testing.T) {
	s := sightStore(t)
	ctx := context.Background()
	tests := []struct {
		reader   sight
		from, to string
		want     [][]string
	}{
		{outsider, "person/t-gina", "person/t-harry", [][]string{}},
		{member, "person/t-gina", "person/t-harry", [][]string{{"person/t-gina", "organisation/t-secret", "person/t-harry"}}},
		{outsider, "person/t-carol", "person/t-dave", [][]string{{"person/t-carol", "person/t-erin", "person/t-frank", "person/t-dave"}}},
		{member, "person/t-carol", "person/t-dave", [][]string{{"person/t-carol", "organisation/t-secret", "person/t-dave"}}},
	}
	for _, tc := range tests {
		v, paths, err := s.Paths(tc.reader.ctx(ctx), kg.PathsQuery{From: tc.from, To: tc.to, MaxLength: 4, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(paths) != fmt.Sprint(tc.want) {
			t.Errorf("%s: paths from %s to %s: %v, want %v", tc.reader.name, tc.from, tc.to, paths, tc.want)
		}
		if _, shown := findNode(v, "organisation/t-secret"); shown && tc.reader.name != "member" {
			t.Errorf("%s: the hidden organisation is in the view", tc.reader.name)
		}
	}
}

// An entity out of the reader's sight answers as one the graph never held,
// with the same error; its members read it.
func TestSightHiddenIDAnswersAsUnknown(t *testing.T) {
	s := sightStore(t)
	ctx := context.Background()
	const hidden, unknown = "person/t-hidden", "person/t-never"
	asks := map[string]func(ctx context.Context, id string) error{
		"neighbourhood": func(ctx context.Context, id string) error {
			_, err := s.Neighbourhood(ctx, kg.NeighbourhoodQuery{ID: id, Depth: 1, Limit: 5})
			return err
		},
		"paths from": func(ctx context.Context, id string) error {
			_, _, err := s.Paths(ctx, kg.PathsQuery{From: id, To: "case/t-case", MaxLength: 2, Limit: 5})
			return err
		},
		"paths to": func(ctx context.Context, id string) error {
			_, _, err := s.Paths(ctx, kg.PathsQuery{From: "case/t-case", To: id, MaxLength: 2, Limit: 5})
			return err
		},
		"timeline": func(ctx context.Context, id string) error {
			_, err := s.Timeline(ctx, kg.TimelineQuery{Of: id})
			return err
		},
	}
	for name, ask := range asks {
		for _, reader := range []sight{{name: "anonymous"}, outsider} {
			got, want := ask(reader.ctx(ctx), hidden), ask(reader.ctx(ctx), unknown)
			if got == nil || want == nil || kg.ErrorCode(got) != kg.ErrorCode(want) ||
				strings.ReplaceAll(got.Error(), hidden, unknown) != want.Error() {
				t.Errorf("%s, %s: a hidden ID answers %v, an unknown one %v", name, reader.name, got, want)
			}
		}
		if err := ask(member.ctx(ctx), hidden); err != nil {
			t.Errorf("%s, member: %v", name, err)
		}
	}
	// The case is public, but its defendant's arrest is not its members'
	// alone: only members see it in the case's timeline.
	for _, reader := range []sight{outsider, member} {
		entries, err := s.Timeline(reader.ctx(ctx), kg.TimelineQuery{Of: "case/t-case"})
		if err != nil {
			t.Fatal(err)
		}
		if got := entryIndex(entries, "event/t-arrest", "arrest") >= 0; got != (reader.name == "member") {
			t.Errorf("%s: the arrest in the case's timeline: %v (%+v)", reader.name, got, entries)
		}
	}
}

// Stats counts what the reader sees: the hidden organisation and person
// and every relationship of theirs, and the restricted tie, are not
// counted for those outside the group.
func TestSightStatsCountWhatTheReaderSees(t *testing.T) {
	s := sightStore(t)
	type counts struct{ nodes, rels, people, orgs int64 }
	// Twelve entities and a source, ten relationships; the outsider does
	// not see two entities, the six relationships they are in, and the
	// tie between alice and bob.
	all, outside := counts{13, 10, 9, 1}, counts{11, 3, 8, 0}
	for _, tc := range []struct {
		reader sight
		want   counts
	}{{sight{name: "anonymous"}, outside}, {outsider, outside}, {member, all}, {sights[4], all}} {
		st, err := s.Stats(tc.reader.ctx(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		got := counts{nodes: st.Nodes, rels: st.Relationships}
		for _, c := range st.ByType {
			switch c.Type {
			case kg.Person:
				got.people = c.Count
			case kg.Organisation:
				got.orgs = c.Count
			}
		}
		if got != tc.want {
			t.Errorf("%s: stats %+v, want %+v", tc.reader.name, got, tc.want)
		}
	}
}
