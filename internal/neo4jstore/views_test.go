package neo4jstore_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

const (
	mamai      = "person/zhanbolat-mamai"
	mamaiCase  = "case/zhanbolat-mamai-2022"
	mamaiParty = "party/democratic-party"
	iphrOrg    = "organisation/iphr"
)

// bundledStore is a store holding the bundled case files.
func bundledStore(t *testing.T) *neo4jstore.Store {
	t.Helper()
	s := neo4jtest.Store(t)
	neo4jtest.ImportBundled(t, s)
	return s
}

// oneStatement runs f under a statement counter and fails unless f sent
// exactly one statement: a view must not grow with its answer.
func oneStatement(t *testing.T, f func(ctx context.Context)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ctx, n := neo4jstore.WithStatementCounter(ctx)
	f(ctx)
	if got := n.Load(); got != 1 {
		t.Errorf("sent %d statements, want 1", got)
	}
}

func nodeIDs(v kg.GraphView) []string {
	out := make([]string, len(v.Nodes))
	for i, n := range v.Nodes {
		out[i] = n.ID
	}
	return out
}

func findNode(v kg.GraphView, id string) (kg.GraphNode, bool) {
	for _, n := range v.Nodes {
		if n.ID == id {
			return n, true
		}
	}
	return kg.GraphNode{}, false
}

func findEdge(v kg.GraphView, t kg.RelType, source, target string) (kg.GraphEdge, bool) {
	for _, e := range v.Edges {
		if e.Type == t && e.Source == source && e.Target == target {
			return e, true
		}
	}
	return kg.GraphEdge{}, false
}

// checkView checks what every view promises: nodes and edges sorted by ID,
// and no edge to a node outside the view.
func checkView(t *testing.T, v kg.GraphView) {
	t.Helper()
	ids := nodeIDs(v)
	if !sort.StringsAreSorted(ids) {
		t.Errorf("nodes are not sorted by ID: %v", ids)
	}
	if !sort.SliceIsSorted(v.Edges, func(i, j int) bool { return v.Edges[i].ID < v.Edges[j].ID }) {
		t.Errorf("edges are not sorted by ID")
	}
	for _, n := range v.Nodes {
		if n.Label == "" || n.Type == "" {
			t.Errorf("node %s has label %q and type %q", n.ID, n.Label, n.Type)
		}
	}
	for _, e := range v.Edges {
		if e.ID == "" || !slices.Contains(ids, e.Source) || !slices.Contains(ids, e.Target) {
			t.Errorf("edge %q %s -> %s leaves the view", e.ID, e.Source, e.Target)
		}
	}
}

func TestNeighbourhood(t *testing.T) {
	s := bundledStore(t)
	tests := []struct {
		name  string
		q     kg.NeighbourhoodQuery
		check func(t *testing.T, v kg.GraphView)
	}{
		{"depth 1 holds the party, the case and the cited LEADS edge",
			kg.NeighbourhoodQuery{ID: mamai, Depth: 1, Limit: 100},
			func(t *testing.T, v kg.GraphView) {
				ids := nodeIDs(v)
				for _, want := range []string{mamai, mamaiParty, mamaiCase} {
					if !slices.Contains(ids, want) {
						t.Errorf("nodes %v lack %s", ids, want)
					}
				}
				leads, ok := findEdge(v, "LEADS", mamai, mamaiParty)
				if !ok {
					t.Fatalf("no LEADS edge from %s to %s", mamai, mamaiParty)
				}
				if !slices.Contains(leads.Citations, kg.Citation{Source: "source/iphr-2023-04-mamai", Paragraph: 4}) {
					t.Errorf("LEADS cites %v, want source/iphr-2023-04-mamai#p4 among them", leads.Citations)
				}
				if leads.Props["role"] != "leader" {
					t.Errorf("LEADS props %v, want role leader", leads.Props)
				}
				if v.Truncated {
					t.Error("truncated below the limit")
				}
			}},
		{"depth 2 cut at 5 nodes keeps the start",
			kg.NeighbourhoodQuery{ID: mamai, Depth: 2, Limit: 5},
			func(t *testing.T, v kg.GraphView) {
				if !v.Truncated || len(v.Nodes) != 5 {
					t.Errorf("got %d nodes, truncated %v; want 5, truncated", len(v.Nodes), v.Truncated)
				}
				if _, ok := findNode(v, mamai); !ok {
					t.Error("the start node is missing")
				}
			}},
		{"types keep only those types besides the start",
			kg.NeighbourhoodQuery{ID: mamai, Depth: 2, Types: []kg.EntityType{kg.Party, kg.Case}, Limit: 100},
			func(t *testing.T, v kg.GraphView) {
				for _, n := range v.Nodes {
					if n.ID != mamai && n.Type != kg.Party && n.Type != kg.Case {
						t.Errorf("%s is a %s", n.ID, n.Type)
					}
				}
				if _, ok := findNode(v, mamaiCase); !ok {
					t.Errorf("nodes %v lack %s", nodeIDs(v), mamaiCase)
				}
			}},
		{"relTypes walk and draw only those relationships",
			kg.NeighbourhoodQuery{ID: mamai, Depth: 2, RelTypes: []kg.RelType{"LEADS"}, Limit: 100},
			func(t *testing.T, v kg.GraphView) {
				if _, ok := findNode(v, mamaiParty); !ok {
					t.Errorf("nodes %v lack %s", nodeIDs(v), mamaiParty)
				}
				if _, ok := findNode(v, mamaiCase); ok {
					t.Errorf("%s is reached without a LEADS step", mamaiCase)
				}
				for _, e := range v.Edges {
					if e.Type != "LEADS" {
						t.Errorf("edge %s is a %s", e.ID, e.Type)
					}
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oneStatement(t, func(ctx context.Context) {
				v, err := s.Neighbourhood(ctx, tt.q)
				if err != nil {
					t.Fatal(err)
				}
				checkView(t, v)
				tt.check(t, v)
			})
		})
	}
}

func TestNeighbourhoodRejects(t *testing.T) {
	s := bundledStore(t)
	tests := []struct {
		name string
		q    kg.NeighbourhoodQuery
		want kg.Code
	}{
		{"unknown ID", kg.NeighbourhoodQuery{ID: "person/nobody", Depth: 1, Limit: 10}, kg.NotFound},
		{"depth 0", kg.NeighbourhoodQuery{ID: mamai, Depth: 0, Limit: 10}, kg.Invalid},
		{"depth 4", kg.NeighbourhoodQuery{ID: mamai, Depth: 4, Limit: 10}, kg.Invalid},
		{"limit 0", kg.NeighbourhoodQuery{ID: mamai, Depth: 1}, kg.Invalid},
		{"unknown relationship type", kg.NeighbourhoodQuery{ID: mamai, Depth: 1, Limit: 10, RelTypes: []kg.RelType{"KNOWS]-() DETACH DELETE ()"}}, kg.Invalid},
		{"unknown entity type", kg.NeighbourhoodQuery{ID: mamai, Depth: 1, Limit: 10, Types: []kg.EntityType{"CaseFile"}}, kg.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Neighbourhood(context.Background(), tt.q)
			if got := kg.ErrorCode(err); got != tt.want {
				t.Errorf("error %v has code %s, want %s", err, got, tt.want)
			}
		})
	}
}

func TestPaths(t *testing.T) {
	s := bundledStore(t)
	tests := []struct {
		name      string
		q         kg.PathsQuery
		wantPaths bool
	}{
		{"Mamai to IPHR", kg.PathsQuery{From: mamai, To: iphrOrg, MaxLength: 4, Limit: 10}, true},
		{"IPHR to Mamai", kg.PathsQuery{From: iphrOrg, To: mamai, MaxLength: 6, Limit: 10}, true},
		{"one step is too short", kg.PathsQuery{From: mamai, To: iphrOrg, MaxLength: 1, Limit: 10}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oneStatement(t, func(ctx context.Context) {
				v, paths, err := s.Paths(ctx, tt.q)
				if err != nil {
					t.Fatal(err)
				}
				checkView(t, v)
				if !tt.wantPaths {
					if len(paths) != 0 || len(v.Nodes) != 0 || len(v.Edges) != 0 {
						t.Errorf("got %d paths, %d nodes, %d edges; want none", len(paths), len(v.Nodes), len(v.Edges))
					}
					return
				}
				if len(paths) == 0 || len(v.Edges) == 0 {
					t.Fatalf("got %d paths, %d edges; want some", len(paths), len(v.Edges))
				}
				ids := nodeIDs(v)
				for _, p := range paths {
					if p[0] != tt.q.From || p[len(p)-1] != tt.q.To || len(p)-1 > tt.q.MaxLength || len(p)-1 != len(paths[0])-1 {
						t.Errorf("path %v: want %s to %s, as short as the others, at most %d steps", p, tt.q.From, tt.q.To, tt.q.MaxLength)
					}
					for _, id := range p {
						if !slices.Contains(ids, id) {
							t.Errorf("path node %s is not in the view", id)
						}
					}
				}
			})
		})
	}
}

// Mamai reaches article 272 through two charges: the one first brought and
// the one re-initiated.
func TestPathsLimit(t *testing.T) {
	s := bundledStore(t)
	q := kg.PathsQuery{From: mamai, To: "legal-article/kz-cc-272", MaxLength: 6, Limit: 100}
	_, all, err := s.Paths(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 2 {
		t.Fatalf("got paths %v, want at least two", all)
	}
	q.Limit = 1
	v, cut, err := s.Paths(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(cut) != 1 || !v.Truncated || !slices.Equal(cut[0], all[0]) {
		t.Errorf("limit 1 gave %v, truncated %v; want [%v], truncated", cut, v.Truncated, all[0])
	}
	checkView(t, v)
	if len(v.Nodes) != len(cut[0]) {
		t.Errorf("the view holds %v, want only the nodes of %v", nodeIDs(v), cut[0])
	}
}

func TestPathsToItself(t *testing.T) {
	s := bundledStore(t)
	v, paths, err := s.Paths(context.Background(), kg.PathsQuery{From: mamai, To: mamai, MaxLength: 3, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || !slices.Equal(paths[0], []string{mamai}) || !slices.Equal(nodeIDs(v), []string{mamai}) || len(v.Edges) != 0 {
		t.Errorf("got paths %v, nodes %v, %d edges; want Mamai alone", paths, nodeIDs(v), len(v.Edges))
	}
}

func TestPathsRejects(t *testing.T) {
	s := bundledStore(t)
	tests := []struct {
		name string
		q    kg.PathsQuery
		want kg.Code
	}{
		{"unknown start", kg.PathsQuery{From: "person/nobody", To: iphrOrg, MaxLength: 3, Limit: 5}, kg.NotFound},
		{"unknown end", kg.PathsQuery{From: mamai, To: "organisation/nobody", MaxLength: 3, Limit: 5}, kg.NotFound},
		{"too long", kg.PathsQuery{From: mamai, To: iphrOrg, MaxLength: 7, Limit: 5}, kg.Invalid},
		{"no limit", kg.PathsQuery{From: mamai, To: iphrOrg, MaxLength: 3}, kg.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := s.Paths(context.Background(), tt.q)
			if got := kg.ErrorCode(err); got != tt.want {
				t.Errorf("error %v has code %s, want %s", err, got, tt.want)
			}
		})
	}
}

func TestSubgraph(t *testing.T) {
	s := bundledStore(t)
	oneStatement(t, func(ctx context.Context) {
		v, err := s.Subgraph(ctx, []string{mamaiParty, mamai, mamaiCase, "person/nobody"})
		if err != nil {
			t.Fatal(err)
		}
		checkView(t, v)
		if want := []string{mamaiCase, mamaiParty, mamai}; !slices.Equal(nodeIDs(v), want) {
			t.Errorf("nodes %v, want %v", nodeIDs(v), want)
		}
		for _, want := range []struct {
			t              kg.RelType
			source, target string
		}{{"LEADS", mamai, mamaiParty}, {"DEFENDANT_IN", mamai, mamaiCase}} {
			if _, ok := findEdge(v, want.t, want.source, want.target); !ok {
				t.Errorf("no %s edge from %s to %s", want.t, want.source, want.target)
			}
		}
	})
}

// Properties come back as the case file wrote them, without bookkeeping.
func TestViewProps(t *testing.T) {
	s := bundledStore(t)
	v, err := s.Subgraph(context.Background(), []string{mamaiCase, "sentence/mamai-2023-04-10", "source/iphr-2023-04-mamai"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id        string
		label     string
		want      map[string]any
		forbidden []string
	}{
		{mamaiCase, "Criminal case against Zhanbolat Mamai",
			map[string]any{"opened": "before 2022-04", "kind": "criminal", "name": "Criminal case against Zhanbolat Mamai"},
			[]string{"id", "origin", "citations", "sources", "openedText", "openedPrecision"}},
		{"sentence/mamai-2023-04-10", "Six-year suspended sentence for Zhanbolat Mamai",
			map[string]any{"date": "2023-04-10", "term": "P6Y", "termMonths": int64(72), "probation": true},
			[]string{"dateText", "datePrecision"}},
		{"source/iphr-2023-04-mamai", "", map[string]any{"date": "2023-04"}, []string{"citations"}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			n, ok := findNode(v, tt.id)
			if !ok {
				t.Fatalf("no node %s", tt.id)
			}
			if tt.label != "" && n.Label != tt.label {
				t.Errorf("label %q, want %q", n.Label, tt.label)
			}
			for k, want := range tt.want {
				if n.Props[k] != want {
					t.Errorf("props[%q] = %#v, want %#v", k, n.Props[k], want)
				}
			}
			for _, k := range tt.forbidden {
				if _, has := n.Props[k]; has {
					t.Errorf("props hold %q", k)
				}
			}
		})
	}
}

func mustDate(t *testing.T, s string) *kg.Date {
	t.Helper()
	d, err := kg.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

func entryIndex(entries []kg.TimelineEntry, id, kind string) int {
	return slices.IndexFunc(entries, func(e kg.TimelineEntry) bool { return e.Entity == id && e.Kind == kind })
}

func TestTimeline(t *testing.T) {
	s := bundledStore(t)
	const (
		verdict = "event/mamai-verdict-2023-04-10"
		arrest  = "event/mamai-arrest-2022-03"
	)
	tests := []struct {
		name    string
		q       kg.TimelineQuery
		has     [][2]string // entity and kind
		hasNot  []string
		ordered [2]string // the first entity comes before the second
	}{
		{"the case", kg.TimelineQuery{Of: mamaiCase},
			[][2]string{{verdict, "verdict"}, {arrest, "arrest"}, {"sentence/mamai-2023-04-10", "sentence"},
				{"charge/mamai-400", "charge"}, {"restriction/mamai-pre-trial-detention", "restriction-start"},
				{"restriction/mamai-pre-trial-detention", "restriction-end"}},
			[]string{"event/mamai-debt-relief-campaign", "event/iphr-call-drop-mamai-charges"},
			[2]string{arrest, verdict}},
		{"the case from January to April 2023", kg.TimelineQuery{Of: mamaiCase, From: mustDate(t, "2023-01"), To: mustDate(t, "2023-04")},
			[][2]string{{verdict, "verdict"}, {"charge/mamai-272-reinitiated", "charge"}},
			[]string{arrest, "event/mamai-trial-start-2022-11"},
			[2]string{"charge/mamai-272-reinitiated", verdict}},
		// A filter keeps only what certainly lies within it: IPHR's
		// statement is dated April 2023, so it may come after the 10th.
		{"the case on 10 April 2023 keeps what certainly happened that day", kg.TimelineQuery{Of: mamaiCase, From: mustDate(t, "2023-04-10"), To: mustDate(t, "2023-04-10")},
			[][2]string{{verdict, "verdict"}},
			[]string{"charge/mamai-272-reinitiated", "event/iphr-mamai-conviction-statement-2023-04"},
			[2]string{}},
		{"the person", kg.TimelineQuery{Of: mamai},
			[][2]string{{verdict, "verdict"}, {arrest, "arrest"}, {"restriction/mamai-house-arrest", "restriction-start"}},
			[]string{"event/mamai-police-written-warning"},
			[2]string{arrest, verdict}},
		{"the party", kg.TimelineQuery{Of: mamaiParty},
			[][2]string{{"event/democratic-party-protest-2021", "protest"}}, nil, [2]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oneStatement(t, func(ctx context.Context) {
				entries, err := s.Timeline(ctx, tt.q)
				if err != nil {
					t.Fatal(err)
				}
				if !sort.SliceIsSorted(entries, func(i, j int) bool { return kg.Compare(entries[i].Date, entries[j].Date) < 0 }) {
					t.Error("entries are not in date order")
				}
				for _, e := range entries {
					if e.Date.Text == "" || e.Title == "" || e.Type == "" || len(e.Citations) == 0 {
						t.Errorf("entry %+v lacks a date, title, type or citation", e)
					}
				}
				for _, h := range tt.has {
					if entryIndex(entries, h[0], h[1]) < 0 {
						t.Errorf("no %s entry for %s", h[1], h[0])
					}
				}
				for _, id := range tt.hasNot {
					if slices.ContainsFunc(entries, func(e kg.TimelineEntry) bool { return e.Entity == id }) {
						t.Errorf("%s is on the timeline", id)
					}
				}
				if tt.ordered[0] != "" {
					first := slices.IndexFunc(entries, func(e kg.TimelineEntry) bool { return e.Entity == tt.ordered[0] })
					second := slices.IndexFunc(entries, func(e kg.TimelineEntry) bool { return e.Entity == tt.ordered[1] })
					if first < 0 || second < 0 || first > second {
						t.Errorf("%s at %d, %s at %d: want the first before the second", tt.ordered[0], first, tt.ordered[1], second)
					}
				}
			})
		})
	}
}

func TestTimelineDates(t *testing.T) {
	s := bundledStore(t)
	entries, err := s.Timeline(context.Background(), kg.TimelineQuery{Of: mamaiCase})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id, kind, text string
		precision      kg.Precision
	}{
		{"event/mamai-verdict-2023-04-10", "verdict", "2023-04-10", kg.Day},
		{"event/mamai-arrest-2022-03", "arrest", "2022-03", kg.Month},
		{"charge/mamai-400", "charge", "before 2022-12", kg.Month},
		{"restriction/mamai-pre-trial-detention", "restriction-end", "2022-11", kg.Month},
	}
	for _, tt := range tests {
		i := entryIndex(entries, tt.id, tt.kind)
		if i < 0 {
			t.Errorf("no %s entry for %s", tt.kind, tt.id)
			continue
		}
		if d := entries[i].Date; d.Text != tt.text || d.Precision != tt.precision {
			t.Errorf("%s dated %q (%s), want %q (%s)", tt.id, d.Text, d.Precision, tt.text, tt.precision)
		}
	}
}

func TestTimelineRejects(t *testing.T) {
	s := bundledStore(t)
	tests := []struct {
		of   string
		want kg.Code
	}{
		{"charge/mamai-274", kg.Invalid},
		{"sentence/mamai-2023-04-10", kg.Invalid},
		{"person/nobody", kg.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.of, func(t *testing.T) {
			_, err := s.Timeline(context.Background(), kg.TimelineQuery{Of: tt.of})
			if got := kg.ErrorCode(err); got != tt.want {
				t.Errorf("error %v has code %s, want %s", err, got, tt.want)
			}
		})
	}
}

// A hub (a court shared by many cases) must not crowd out what is nearer,
// and a cap reached must show as truncated.
func TestNeighbourhoodNearestFirstPastAHub(t *testing.T) {
	s := neo4jtest.Store(t)
	uri := neo4jtest.URI(t)
	tag := fmt.Sprintf("hub%x", time.Now().UnixNano())
	t.Cleanup(func() {
		neo4jtest.Exec(t, uri, "MATCH (n:Entity) WHERE n.id CONTAINS $tag DETACH DELETE n", map[string]any{"tag": tag})
	})
	// start - a, start - b, b - hub, hub - 30 leaves
	neo4jtest.Exec(t, uri, `
		CREATE (s:Entity:Person {id: 'person/'+$tag+'-s', name: 'S'}),
		       (a:Entity:Person {id: 'person/'+$tag+'-a', name: 'A'}),
		       (b:Entity:Case {id: 'case/'+$tag+'-b', name: 'B'}),
		       (h:Entity:Court {id: 'court/'+$tag+'-h', name: 'H'}),
		       (s)-[:ASSOCIATED_WITH {id: 'rel/'+$tag+'-sa'}]->(a),
		       (s)-[:DEFENDANT_IN {id: 'rel/'+$tag+'-sb'}]->(b),
		       (b)-[:HEARD_BY {id: 'rel/'+$tag+'-bh'}]->(h)
		WITH h
		UNWIND range(10, 39) AS i
		CREATE (k:Entity:Case {id: 'case/'+$tag+'-leaf'+i, name: 'Leaf '+i})-[:HEARD_BY {id: 'rel/'+$tag+'-leaf'+i}]->(h)`,
		map[string]any{"tag": tag})
	// The hub's city is a hub too: the edge between them joins two nodes
	// with many relationships.
	neo4jtest.Exec(t, uri, `
		MATCH (h:Court {id: 'court/'+$tag+'-h'})
		CREATE (h)-[:LOCATED_IN {id: 'rel/'+$tag+'-hc'}]->(c:Entity:Place {id: 'place/'+$tag+'-c', name: 'C'})
		WITH c
		UNWIND range(10, 39) AS i
		CREATE (:Entity:Court {id: 'court/'+$tag+'-in-c'+i, name: 'Court '+i})-[:LOCATED_IN {id: 'rel/'+$tag+'-in-c'+i}]->(c)`,
		map[string]any{"tag": tag})
	// A lawyer in many cases who is a member of a party of many members:
	// the lawyer's edges are found from the cases, and the one to the
	// party from the lawyer's own group of memberships.
	neo4jtest.Exec(t, uri, `
		CREATE (l:Entity:Person {id: 'person/'+$tag+'-lawyer', name: 'Lawyer'})-[:MEMBER_OF {id: 'rel/'+$tag+'-lawyer'}]->(p:Entity:Party {id: 'party/'+$tag+'-big', name: 'Big party'})
		WITH l, p
		UNWIND range(1000, 2000) AS i
		CREATE (l)-[:LAWYER_IN {id: 'rel/'+$tag+'-lawyer'+i}]->(:Entity:Case {id: 'case/'+$tag+'-big'+i, name: 'Case '+i}),
		       (:Entity:Person {id: 'person/'+$tag+'-member'+i, name: 'Member '+i})-[:MEMBER_OF {id: 'rel/'+$tag+'-member'+i}]->(p)`,
		map[string]any{"tag": tag})
	start, hub := "person/"+tag+"-s", "court/"+tag+"-h"
	near := []string{start, "person/" + tag + "-a", "case/" + tag + "-b", hub}
	tests := []struct {
		q         kg.NeighbourhoodQuery
		nodes     int
		truncated bool
		must      []string
	}{
		{kg.NeighbourhoodQuery{ID: start, Depth: 3, Limit: 10}, 10, true, near},
		{kg.NeighbourhoodQuery{ID: start, Depth: 3, Limit: 5}, 5, true, near},
		{kg.NeighbourhoodQuery{ID: start, Depth: 2, Limit: 100}, 4, false, near},
		{kg.NeighbourhoodQuery{ID: hub, Depth: 1, Limit: 40}, 33, false, []string{hub, "case/" + tag + "-b", "place/" + tag + "-c"}},
		{kg.NeighbourhoodQuery{ID: hub, Depth: 1, Limit: 5, RelTypes: []kg.RelType{"LOCATED_IN"}}, 2, false, []string{hub, "place/" + tag + "-c"}},
		{kg.NeighbourhoodQuery{ID: "person/" + tag + "-lawyer", Depth: 1, Limit: 5, RelTypes: []kg.RelType{"MEMBER_OF"}}, 2, false, []string{"person/" + tag + "-lawyer", "party/" + tag + "-big"}},
		{kg.NeighbourhoodQuery{ID: "person/" + tag + "-lawyer", Depth: 1, Limit: 5, RelTypes: []kg.RelType{"LAWYER_IN"}}, 5, true, []string{"person/" + tag + "-lawyer"}},
		{kg.NeighbourhoodQuery{ID: "person/" + tag + "-lawyer", Depth: 2, Limit: 20}, 20, true, []string{"person/" + tag + "-lawyer"}},
		{kg.NeighbourhoodQuery{ID: hub, Depth: 1, Limit: 10}, 10, true, []string{hub}},
	}
	for _, tc := range tests {
		oneStatement(t, func(ctx context.Context) {
			v, err := s.Neighbourhood(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			checkView(t, v)
			ids := nodeIDs(v)
			if len(ids) != tc.nodes || v.Truncated != tc.truncated {
				t.Errorf("%+v: %d nodes, truncated %v; want %d, %v", tc.q, len(ids), v.Truncated, tc.nodes, tc.truncated)
			}
			for _, id := range tc.must {
				if !slices.Contains(ids, id) {
					t.Errorf("%+v: nodes %v lack %s", tc.q, ids, id)
				}
			}
			// Every relationship among the nodes kept is drawn.
			want := neo4jtest.Exec(t, uri, `
				MATCH (a:Entity)-[r]->(b:Entity)
				WHERE a.id IN $ids AND b.id IN $ids AND (size($rels) = 0 OR type(r) IN $rels)
				RETURN count(r) AS n`, map[string]any{"ids": ids, "rels": relNames(tc.q.RelTypes)})
			if n, _ := want[0].Get("n"); int64(len(v.Edges)) != n.(int64) {
				t.Errorf("%+v: %d edges, want the %d among the nodes", tc.q, len(v.Edges), n)
			}
		})
	}
}

func relNames(ts []kg.RelType) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, string(t))
	}
	return out
}
