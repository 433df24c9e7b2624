package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// The graph-shaped views front ends draw, and timelines. Each method sends
// one statement: the nodes and edges come back as lists of maps in a single
// row, so a view costs one round trip however large it is.

// Bounds of the view queries. Depths and lengths go into the statement text
// (Cypher takes no parameters there), so they are checked against these first.
const (
	maxViewDepth          = kg.MaxViewDepth
	maxViewPathLength     = kg.MaxPathLength
	maxTimelinePlaceDepth = 6 // how deep places nest: site, district, city, region, country
	// edgeSpread is how many relationships of a node on one side (or of
	// one type of it) a neighbourhood reads to find the edges among the
	// nodes it keeps; a hub's thousands are counted, not read.
	edgeSpread = 1000
)

// viewProjection turns the row's node and relationship lists into maps the
// Go side reads without knowing Neo4j's types. An edge's citations of
// sources out of the reader's sight are left out, as everywhere else
// (citationSeen): those sources are found once, among the few restricted
// facts the entity_groups index holds.
var viewProjection = `
CALL () {
  MATCH (x:Entity) WHERE x.groups IS NOT NULL AND x:Source AND NOT ` + seen("x") + `
  RETURN collect(x.id) AS unseen
}
RETURN [n IN nodes | {id: n.id, labels: labels(n), props: properties(n)}] AS nodes,
       [r IN rels | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r),
                     citations: [c IN r.citations WHERE NOT split(c, '#p')[0] IN unseen]}] AS edges`

// Neighbourhood returns the entities within q.Depth steps of q.ID, nearest
// first up to q.Limit nodes (the start included), and the edges among them.
// Walking goes through every node, but only nodes of q.Types are kept; with
// q.RelTypes set, only those relationships are walked and drawn.
func (s *Store) Neighbourhood(ctx context.Context, q kg.NeighbourhoodQuery) (kg.GraphView, error) {
	if q.Depth < 1 || q.Depth > maxViewDepth {
		return kg.GraphView{}, kg.Errorf(kg.Invalid, "depth must be between 1 and %d, not %d", maxViewDepth, q.Depth)
	}
	if q.Limit < 1 {
		return kg.GraphView{}, kg.Errorf(kg.Invalid, "limit must be at least 1, not %d", q.Limit)
	}
	rels, err := viewRelTypes(q.RelTypes)
	if err != nil {
		return kg.GraphView{}, err
	}
	types, err := viewEntityTypes(q.Types)
	if err != nil {
		return kg.GraphView{}, err
	}
	query := neighbourhoodQuery(q.Depth, rels)
	res, err := s.readQuery(ctx, query, map[string]any{"id": q.ID, "types": types, "rels": rels, "limit": q.Limit, "spread": cmp.Or(s.spread, edgeSpread)})
	if err != nil {
		return kg.GraphView{}, translate(err, "reading the neighbourhood failed")
	}
	if len(res.Records) == 0 {
		return kg.GraphView{}, kg.Errorf(kg.NotFound, "no entity %s", q.ID)
	}
	rec := res.Records[0]
	view, err := readView(rec)
	if err != nil {
		return kg.GraphView{}, translate(err, "reading the neighbourhood failed")
	}
	view.Truncated, err = col[bool](rec, "reading the neighbourhood", "truncated")
	return view, err
}

// neighbourhoodQuery walks depth levels out from the start, each level the
// nodes first met on it, in order of ID. The walk is capped so that its cost
// does not grow with the graph: from each node it follows at most $limit
// relationships, and it takes at most $limit new nodes per level, the first
// by ID, and stops once $limit nodes are found. A court or an article
// shared by thousands of cases thus costs no more than a small node; which
// of its neighbours are kept then follows Neo4j's order of its
// relationships, and truncated says that a cap was reached.
//
// The walk never steps on what the reader may not see, and every cap
// counts only what they see, so the answer is the one a graph without
// the hidden facts would give. Neo4j counts a node's relationships without
// reading them; only where that count passes a cap are the visible ones
// counted, and no further than the cap (sightCountOver).
func neighbourhoodQuery(depth int, types []string) string {
	rel := viewRelPattern(types)
	var b strings.Builder
	b.WriteString(`
MATCH (start:Entity {id: $id}) WHERE ` + seen("start") + `
WITH start, [start] AS met, [start] AS frontier, [] AS found, false AS cut`)
	for range depth {
		b.WriteString(`
CALL (met, frontier, found) {
  UNWIND CASE WHEN size(found) < $limit THEN frontier ELSE [] END AS a
  CALL (a) {
    MATCH (a)-[r` + rel + `]-(n:Entity)
    WHERE ` + seenAll("r", "n") + `
    RETURN n LIMIT $limit
  }
  WITH DISTINCT n WHERE NOT n IN met
  WITH n ORDER BY n.id LIMIT $limit
  RETURN collect(n) AS level
}
CALL (frontier, found) {
  UNWIND CASE WHEN size(found) < $limit THEN frontier ELSE [] END AS a
  WITH a WHERE ` + sightCountOver("(a)-[", rel, "]-(", "$limit") + `
  RETURN count(a) > 0 AS capped
}
WITH start, met + level AS met, level AS frontier,
     found + [n IN level WHERE size($types) = 0 OR any(l IN labels(n) WHERE l IN $types)] AS found,
     cut OR capped OR size(level) >= $limit AS cut`)
	}
	// The edges among the nodes kept, each read from its start node, as
	// most nodes have few outgoing relationships even when they have
	// thousands coming in (a court, an article). A node with more than
	// $spread going out (a lawyer in many cases) is busy: its edges are
	// read from their end nodes when those have at most $spread coming in,
	// and otherwise from its own groups (one type each) that hold at most
	// $spread, which Neo4j counts without reading them. An edge is thus
	// missed only if both its ends hold more than $spread relationships of
	// its type on its side.
	b.WriteString(`
WITH [start] + found[..$limit - 1] AS nodes, cut OR size(found) >= $limit AS truncated
CALL (nodes) {
  WITH nodes, [n IN nodes WHERE ` + sightCountOver("(n)-[", "", "]->(", "$spread") + `] AS busy
  CALL (nodes, busy) {
    UNWIND nodes AS a
    WITH a WHERE NOT a IN busy
    MATCH (a)-[r]->(b)
    WHERE b IN nodes AND (size($rels) = 0 OR type(r) IN $rels) AND ` + seen("r") + `
    RETURN collect(r) AS fromQuiet
  }
  CALL (nodes, busy) {
    UNWIND CASE WHEN size(busy) = 0 THEN [] ELSE nodes END AS b
    WITH b WHERE NOT ` + sightCountOver("(b)<-[", "", "]-(", "$spread") + `
    MATCH (b)<-[r]-(a)
    WHERE a IN busy AND (size($rels) = 0 OR type(r) IN $rels) AND ` + seen("r") + `
    RETURN collect(r) AS intoQuiet
  }
  CALL (nodes, busy) {
    UNWIND busy AS a
    WITH nodes, ` + groupEdges(types) + ` AS rs
    UNWIND rs AS r
    WITH r WHERE ` + seen("r") + `
    RETURN collect(r) AS fromBusy
  }
  UNWIND fromQuiet + intoQuiet + fromBusy AS r
  RETURN collect(DISTINCT r) AS rels
}` + viewProjection + `, truncated`)
	return b.String()
}

// Paths returns the shortest paths between q.From and q.To of at most
// q.MaxLength steps, up to q.Limit of them, as their union and as lists of
// node IDs. Paths that pass the same nodes over parallel relationships
// count once; the view keeps all their relationships. Unknown ends are
// NotFound; ends with no path between them give an empty view.
func (s *Store) Paths(ctx context.Context, q kg.PathsQuery) (kg.GraphView, [][]string, error) {
	if q.MaxLength < 1 || q.MaxLength > maxViewPathLength {
		return kg.GraphView{}, nil, kg.Errorf(kg.Invalid, "maxLength must be between 1 and %d, not %d", maxViewPathLength, q.MaxLength)
	}
	if q.Limit < 1 {
		return kg.GraphView{}, nil, kg.Errorf(kg.Invalid, "limit must be at least 1, not %d", q.Limit)
	}
	// allShortestPaths fails when both ends are one node, hence a <> b;
	// from an entity to itself the one path is the entity alone.
	// Paths are ordered by their node IDs so a limit always cuts the same
	// ones; all have the same length, so the joined IDs compare fairly.
	// An end out of the reader's sight is an unknown one. The path's
	// conditions hold of each node and relationship alone, so Neo4j checks
	// them as it searches (see TestPathsSearchOnlyWhatIsSeen): the
	// shortest paths found are the shortest among those the reader sees.
	// The search meets many nodes, and reading each one's groups is most
	// of what sight costs it; hiding, which the entity_groups index
	// finds among the few restricted entities, says whether there is any
	// the reader may not see, and the nodes are read only if there is.
	query := `
OPTIONAL MATCH (a:Entity {id: $from}) WHERE ` + seen("a") + `
OPTIONAL MATCH (b:Entity {id: $to}) WHERE ` + seen("b") + `
WITH a, b, EXISTS { MATCH (h:Entity) WHERE h.groups IS NOT NULL AND NOT ` + seen("h") + ` } AS hiding
CALL (a, b, hiding) {
  WITH a, b, hiding WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
  MATCH p = allShortestPaths((a)-[*..` + fmt.Sprint(q.MaxLength) + `]-(b))
  WHERE all(x IN nodes(p) WHERE x:Entity AND (NOT hiding OR ` + seen("x") + `)) AND all(y IN relationships(p) WHERE ` + seen("y") + `)
  WITH [x IN nodes(p) | x.id] AS ids, collect(p) AS ps
  ORDER BY reduce(k = '', i IN ids | k + i + ' ')
  LIMIT $limit + 1
  RETURN collect({ids: ids, ps: ps}) AS found
}
WITH a, b, found[..$limit] AS kept, size(found) > $limit AS truncated
CALL (a, b, kept) {
  UNWIND kept AS k
  UNWIND k.ps AS p
  UNWIND nodes(p) AS n
  WITH collect(DISTINCT n) AS nodes
  RETURN CASE WHEN a = b THEN [a] ELSE nodes END AS nodes
}
CALL (kept) {
  UNWIND kept AS k
  UNWIND k.ps AS p
  UNWIND relationships(p) AS r
  RETURN collect(DISTINCT r) AS rels
}` + viewProjection + `, truncated,
       CASE WHEN a = b THEN [[a.id]] ELSE [k IN kept | k.ids] END AS paths,
       a IS NOT NULL AS hasFrom, b IS NOT NULL AS hasTo`
	res, err := s.readQuery(ctx, query, map[string]any{"from": q.From, "to": q.To, "limit": q.Limit})
	if err != nil {
		return kg.GraphView{}, nil, translate(err, "finding paths failed")
	}
	rec := res.Records[0]
	r := rowOf(rec, "finding paths")
	hasFrom, hasTo, truncated := r.flag("hasFrom"), r.flag("hasTo"), r.flag("truncated")
	if err := r.err(); err != nil {
		return kg.GraphView{}, nil, err
	}
	switch {
	case !hasFrom:
		return kg.GraphView{}, nil, kg.Errorf(kg.NotFound, "no entity %s", q.From)
	case !hasTo:
		return kg.GraphView{}, nil, kg.Errorf(kg.NotFound, "no entity %s", q.To)
	}
	view, err := readView(rec)
	if err != nil {
		return kg.GraphView{}, nil, translate(err, "finding paths failed")
	}
	view.Truncated = truncated
	raw, err := listOf[[]any](rec, "finding paths", "paths")
	if err != nil {
		return kg.GraphView{}, nil, err
	}
	paths := make([][]string, 0, len(raw))
	for _, p := range raw {
		ids, ok := viewStrings(p)
		if !ok {
			return kg.GraphView{}, nil, badColumn("finding paths", "paths", fmt.Sprintf("a path of %T, want IDs", p))
		}
		paths = append(paths, ids)
	}
	return view, paths, nil
}

// Subgraph returns the entities with the given IDs and the edges among
// them. IDs the graph does not hold, or the reader may not see, are left
// out, not reported.
func (s *Store) Subgraph(ctx context.Context, ids []string) (kg.GraphView, error) {
	if len(ids) == 0 {
		return kg.GraphView{}, nil
	}
	query := `
UNWIND $ids AS id
MATCH (n:Entity {id: id}) WHERE ` + seen("n") + `
WITH collect(DISTINCT n) AS nodes
CALL (nodes) {
  UNWIND nodes AS a
  MATCH (a)-[r]->(b)
  WHERE b IN nodes AND ` + seen("r") + `
  RETURN collect(r) AS rels
}` + viewProjection
	res, err := s.readQuery(ctx, query, map[string]any{"ids": ids})
	if err != nil {
		return kg.GraphView{}, translate(err, "reading the subgraph failed")
	}
	view, err := readView(res.Records[0])
	if err != nil {
		return kg.GraphView{}, translate(err, "reading the subgraph failed")
	}
	return view, nil
}

// timelineTypes are the entity types that have a story to tell.
var timelineTypes = []kg.EntityType{kg.Person, kg.Case, kg.Organisation, kg.Party, kg.Place}

// timelineSteps are the branches of timelineQuery: a pattern from x to a
// dated step, a condition if any, and the step with which of its dates
// counts.
var timelineSteps = []struct{ pattern, where, step string }{
	{"(x:Person)-[:PARTICIPATED_IN|ORGANISED|SUBJECT_OF|ISSUED]->(e:Event)", "", "e AS item, e.kind AS kind, e.dateText AS text"},
	{"(x:Person)-[:DEFENDANT_IN]->(:Case)-[:CONCERNS|SUBJECT_OF]->(e:Event)", "", "e AS item, e.kind AS kind, e.dateText AS text"},
	{"(x:Person)-[:DEFENDANT_IN]->(:Case)<-[:ABOUT]-(e:Event)", "", "e AS item, e.kind AS kind, e.dateText AS text"},
	{"(x:Person)-[:CHARGED_WITH]->(c:Charge)", "", "c AS item, 'charge' AS kind, coalesce(c.dateText, c.changeDateText) AS text"},
	{"(x:Person)-[:SENTENCED_TO]->(s:Sentence)", "", "s AS item, 'sentence' AS kind, s.dateText AS text"},
	{"(x:Person)-[:TRIED_IN]->(g:Proceeding)", "", "g AS item, 'proceeding' AS kind, g.dateText AS text"},
	{"(x:Person)-[:TRIED_IN]->(g:Proceeding)", "", "g AS item, 'proceeding-start' AS kind, g.startText AS text"},
	{"(x:Person)-[:SUBJECT_TO]->(r:Restriction)", "", "r AS item, 'restriction-start' AS kind, r.startText AS text"},
	{"(x:Person)-[:SUBJECT_TO]->(r:Restriction)", "", "r AS item, 'restriction-end' AS kind, r.endText AS text"},
	{"(x:Case)-[:CONCERNS|SUBJECT_OF]->(e:Event)", "", "e AS item, e.kind AS kind, e.dateText AS text"},
	{"(x:Case)<-[:ABOUT]-(e:Event)", "", "e AS item, e.kind AS kind, e.dateText AS text"},
	{"(x:Case)<-[:DEFENDANT_IN]-(:Person)-[:SUBJECT_OF|PARTICIPATED_IN]->(e:Event)", "e.kind IN $arrestKinds", "e AS item, e.kind AS kind, e.dateText AS text"},
	{"(x:Case)-[:HAS_CHARGE]->(c:Charge)", "", "c AS item, 'charge' AS kind, coalesce(c.dateText, c.changeDateText) AS text"},
	{"(x:Case)-[:HAS_SENTENCE]->(s:Sentence)", "", "s AS item, 'sentence' AS kind, s.dateText AS text"},
	{"(x:Case)-[:HAS_PROCEEDING]->(g:Proceeding)", "", "g AS item, 'proceeding' AS kind, g.dateText AS text"},
	{"(x:Case)-[:HAS_PROCEEDING]->(g:Proceeding)", "", "g AS item, 'proceeding-start' AS kind, g.startText AS text"},
	{"(x:Case)-[:HAS_RESTRICTION]->(r:Restriction)", "", "r AS item, 'restriction-start' AS kind, r.startText AS text"},
	{"(x:Case)-[:HAS_RESTRICTION]->(r:Restriction)", "", "r AS item, 'restriction-end' AS kind, r.endText AS text"},
	{"(x)-[:ISSUED|ORGANISED|PARTICIPATED_IN|SUBJECT_OF]->(e:Event)", "x:Organisation OR x:Party", "e AS item, e.kind AS kind, e.dateText AS text"},
	{"(x)<-[:ABOUT]-(e:Event)", "x:Organisation OR x:Party", "e AS item, e.kind AS kind, e.dateText AS text"},
	{"(e:Event)-[:LOCATED_IN]->(:Place)-[:LOCATED_IN*0.." + fmt.Sprint(maxTimelinePlaceDepth) + "]->(x:Place)", "", "e AS item, e.kind AS kind, e.dateText AS text"},
}

// timelineQuery gathers every dated step of an entity, whatever its type:
// each branch starts with a label on x, so only the branches of x's type
// find anything. A branch returns the step and which of its dates counts;
// UNION drops a step reached twice, such as an event a person was subject of
// in their own case. A step counts only if the reader sees every node and
// relationship on the way to it, x included; its citations of sources they
// may not see are left out.
var timelineQuery = func() string {
	branches := make([]string, len(timelineSteps))
	for i, b := range timelineSteps {
		where := pathSeen(seenAll, "p")
		if b.where != "" {
			where = "(" + b.where + ") AND " + where
		}
		branches[i] = "MATCH p = " + b.pattern + "\n    WHERE " + where + "\n    RETURN " + b.step
	}
	return `
MATCH (x:Entity {id: $id}) WHERE ` + seen("x") + `
CALL (x) {
  CALL (x) {
    ` + strings.Join(branches, "\n    UNION\n    ") + `
  }
  WITH item, kind, text WHERE text IS NOT NULL
  RETURN collect({id: item.id, labels: labels(item), name: item.name, kind: kind, text: text,
                  citations: [c IN item.citations WHERE ` + citationSeen("c") + `]}) AS entries
}
RETURN entries`
}()

// timelineArrestKinds are the event kinds that count as a defendant's arrest in the
// timeline of their case.
var timelineArrestKinds = []string{"arrest"}

// Timeline returns the dated steps in the story of a person, case,
// organisation, party or place, in the order of kg.Compare. Undated steps
// are left out; with q.From or q.To set, so are steps not certain to lie
// within them (kg.Date.Within). A step whose order against a neighbour the
// dates leave open is marked so.
func (s *Store) Timeline(ctx context.Context, q kg.TimelineQuery) ([]kg.TimelineEntry, error) {
	if t, ok := kg.TypeOfID(q.Of); ok && !hasEntityType(timelineTypes, t) {
		return nil, kg.Errorf(kg.Invalid, "%s is a %s: timelines exist for people, cases, organisations, parties and places", q.Of, t)
	}
	res, err := s.readQuery(ctx, timelineQuery, map[string]any{"id": q.Of, "arrestKinds": timelineArrestKinds})
	if err != nil {
		return nil, translate(err, "reading the timeline failed")
	}
	if len(res.Records) == 0 {
		return nil, kg.Errorf(kg.NotFound, "no entity %s", q.Of)
	}
	entries := rowOf(res.Records[0], "reading the timeline")
	raw := entries.rows("entries")
	if err := entries.err(); err != nil {
		return nil, err
	}
	out := make([]kg.TimelineEntry, 0, len(raw))
	for _, m := range raw {
		e := kg.TimelineEntry{Entity: m.str("id"), Kind: m.str("kind"), Title: m.optStr("name")}
		text, labels, cites := m.str("text"), m.strs("labels"), m.optStrs("citations")
		if err := m.err(); err != nil {
			return nil, err
		}
		d, err := kg.ParseDate(text)
		if err != nil {
			return nil, kg.Wrap(kg.Internal, err, "reading the timeline failed")
		}
		if !d.Within(timelineBounds(q.From, q.To)) {
			continue
		}
		e.Date = d
		e.Type, _ = viewEntityType(labels)
		if e.Citations, err = viewCitations(cites); err != nil {
			return nil, kg.Wrap(kg.Internal, err, "reading the timeline failed")
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if c := kg.Compare(a.Date, b.Date); c != 0 {
			return c < 0
		}
		if a.Entity != b.Entity {
			return a.Entity < b.Entity
		}
		return a.Kind < b.Kind
	})
	for i := range out {
		out[i].OrderCertain = (i == 0 || kg.SurelyBefore(out[i-1].Date, out[i].Date)) &&
			(i == len(out)-1 || kg.SurelyBefore(out[i].Date, out[i+1].Date))
	}
	return out, nil
}

// timelineBounds turns a timeline's from and to into the days Within
// takes: from the first day of from to the day after the last of to, so
// "to 2023" keeps December 2023.
func timelineBounds(from, to *kg.Date) (*time.Time, *time.Time) {
	var f, t *time.Time
	if from != nil {
		x, _ := from.Earliest()
		f = &x
	}
	if to != nil {
		x, _ := to.Latest()
		x = x.AddDate(0, 0, 1)
		t = &x
	}
	return f, t
}

// groupEdges lists the relationships of each of types (every type if
// none) from the node a to a node in nodes, in the groups of a type that
// hold at most $spread of them that the reader sees. Neo4j counts a group
// without reading it; only a group over $spread is read, and no further
// than one past it, to count what the reader sees (sightCountOver). Reading
// a's hidden relationships instead would read all of a hub's.
func groupEdges(types []string) string {
	if len(types) == 0 {
		for _, t := range kg.AllRelTypes() {
			types = append(types, string(t))
		}
	}
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = "CASE WHEN " + sightCountOver("(a)-[", ":"+t, "]->(", "$spread") + " THEN [] ELSE [(a)-[r:" + t + "]->(b) WHERE b IN nodes | r] END"
	}
	return strings.Join(parts, " +\n      ")
}

// viewRelTypes checks relationship types against the fixed list, since
// they are written into the statement text.
func viewRelTypes(types []kg.RelType) ([]string, error) {
	known := map[kg.RelType]bool{}
	for _, t := range kg.AllRelTypes() {
		known[t] = true
	}
	out := []string{} // a list even when empty: null would fail the statements' filters
	seen := map[kg.RelType]bool{}
	for _, t := range types {
		if !known[t] {
			return nil, kg.Errorf(kg.Invalid, "%q is not a relationship type", t)
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, string(t))
		}
	}
	return out, nil
}

// viewRelPattern returns the type part of a relationship pattern: ":A|B", or
// nothing for every type.
func viewRelPattern(types []string) string {
	if len(types) == 0 {
		return ""
	}
	return ":" + strings.Join(types, "|")
}

// sightCountOver is the Cypher condition that more than bound (a
// parameter) of the relationships that open + rel + mid + ")" describes
// are in the reader's sight with their other end: open is the pattern up
// to the relationship's type, such as "(a)-[", rel its type part (see
// viewRelPattern) and mid the rest up to the other end, such as "]-(".
// Neo4j counts a node's relationships, by type and direction, without
// reading them; only when that count passes bound are the visible ones
// counted, and no further than one past bound.
// A CASE, since Cypher promises no order of evaluation for AND and OR:
// its branches are evaluated only when taken.
func sightCountOver(open, rel, mid, bound string) string {
	return "(CASE WHEN COUNT { " + open + rel + mid + ") } <= " + bound + " THEN false WHEN $sightAll THEN true" +
		" ELSE COUNT { MATCH " + open + "sight_r" + rel + mid + "sight_m) WHERE " + seenAll("sight_r", "sight_m") +
		" WITH sight_r LIMIT " + bound + " + 1 RETURN sight_r } > " + bound + " END)"
}

func viewEntityTypes(types []kg.EntityType) ([]string, error) {
	out := make([]string, 0, len(types))
	for _, t := range types {
		if !hasEntityType(kg.EntityTypes, t) {
			return nil, kg.Errorf(kg.Invalid, "%q is not an entity type", t)
		}
		out = append(out, string(t))
	}
	return out, nil
}

func hasEntityType(list []kg.EntityType, t kg.EntityType) bool {
	for _, x := range list {
		if x == t {
			return true
		}
	}
	return false
}

// viewEntityType picks the type label out of a node's labels.
func viewEntityType(labels []string) (kg.EntityType, bool) {
	for _, l := range labels {
		if t := kg.EntityType(l); hasEntityType(kg.EntityTypes, t) {
			return t, true
		}
	}
	return "", false
}

// readView builds a GraphView from the nodes and edges columns of
// viewProjection, sorted by ID so equal graphs compare equal.
func readView(rec *neo4j.Record) (kg.GraphView, error) {
	var view kg.GraphView
	r := rowOf(rec, "reading a graph view")
	nodes, edges := r.rows("nodes"), r.rows("edges")
	if err := r.err(); err != nil {
		return view, err
	}
	for _, m := range nodes {
		id, props, labels := m.str("id"), m.props("props"), m.strs("labels")
		if err := r.err(); err != nil {
			return view, err
		}
		t, ok := viewEntityType(labels)
		if !ok {
			return view, fmt.Errorf("node %v has no entity type among %v", id, labels)
		}
		n := kg.GraphNode{ID: id, Type: t, Props: viewProps(props)}
		if n.Label, _ = props["name"].(string); n.Label == "" {
			n.Label, _ = props["title"].(string)
		}
		view.Nodes = append(view.Nodes, n)
	}
	for _, m := range edges {
		props := m.props("props")
		e := kg.GraphEdge{ID: m.str("id"), Type: kg.RelType(m.str("type")), Source: m.str("source"), Target: m.str("target"), Props: viewProps(props)}
		if err := r.err(); err != nil {
			return view, err
		}
		cites := m.optStrs("citations")
		if err := r.err(); err != nil {
			return view, err
		}
		var err error
		if e.Citations, err = viewCitations(cites); err != nil {
			return view, fmt.Errorf("relationship %s: %w", e.ID, err)
		}
		view.Edges = append(view.Edges, e)
	}
	sort.Slice(view.Nodes, func(i, j int) bool { return view.Nodes[i].ID < view.Nodes[j].ID })
	sort.Slice(view.Edges, func(i, j int) bool { return view.Edges[i].ID < view.Edges[j].ID })
	return view, nil
}

// viewHidden are bookkeeping properties a view does not show: identity and
// provenance have fields of their own, and field only says how a case file
// wrote the relationship.
var viewHidden = map[string]bool{"id": true, "origin": true, "citations": true, "sources": true, "searchText": true, "dupKeys": true, "field": true, "version": true, "owner": true}

// dateBound reports whether k is a date's first or last possible day,
// stored beside it.
func dateBound(k string, props map[string]any) bool {
	for _, suffix := range []string{"Earliest", "Latest"} {
		if base, ok := strings.CutSuffix(k, suffix); ok && props[base+"Precision"] != nil {
			return true
		}
	}
	return false
}

// viewProps returns the scalar properties of a node or relationship as a
// client sees them: each date as its case-file text under its own name
// (its Neo4j date and precision siblings dropped), durations' months kept.
func viewProps(props map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range props {
		if viewHidden[k] {
			continue
		}
		if base, ok := strings.CutSuffix(k, "Precision"); ok && props[base+"Text"] != nil {
			continue
		}
		if base, ok := strings.CutSuffix(k, "Text"); ok && props[base+"Precision"] != nil {
			continue
		}
		if dateBound(k, props) {
			continue
		}
		if text, ok := props[k+"Text"].(string); ok && props[k+"Precision"] != nil {
			out[k] = text
			continue
		}
		switch v := v.(type) {
		case string, int64, float64, bool:
			out[k] = v
		case []any:
			if ss, ok := viewStrings(v); ok {
				out[k] = ss
			}
		}
	}
	return out
}

// viewStrings converts a list read from Neo4j to strings; ok is false when it
// holds anything else.
func viewStrings(v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, v == nil
	}
	out := make([]string, len(list))
	for i, x := range list {
		if out[i], ok = x.(string); !ok {
			return nil, false
		}
	}
	return out, true
}

func viewCitations(ss []string) ([]kg.Citation, error) {
	var out []kg.Citation
	for _, s := range ss {
		c, err := kg.ParseCitation(s)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
