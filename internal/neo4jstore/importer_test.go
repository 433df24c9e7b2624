package neo4jstore_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// Three case files and an edit of two of them. {tag} keeps each test's IDs
// apart, since tests share the database. The edit moves person e from a to
// b, drops person p4 (and what joins it) and the MEMBER_OF from b, and
// moves rel/{tag}-moved to other ends; c refers to e and p4.
const (
	importA = `version: 1
sources:
  - id: source/{tag}-a
    title: Report A
    publisher: Someone
entities:
  - id: person/{tag}-p1
    type: Person
    name: P1
    cite: [source/{tag}-a#p1]
  - id: party/{tag}-x
    type: Party
    name: X
    cite: [source/{tag}-a#p1]
{e-in-a}relations:
  - type: LEADS
    from: person/{tag}-p1
    to: party/{tag}-x
    cite: [source/{tag}-a#p1]
`
	importE = `  - id: person/{tag}-e
    type: Person
    name: E
    cite: [source/{tag}-a#p2]
`
	importB = `version: 1
sources:
  - id: source/{tag}-b
    title: Report B
    publisher: Someone
entities:
  - id: person/{tag}-p2
    type: Person
    name: P2
    cite: [source/{tag}-b#p1]
  - id: party/{tag}-y
    type: Party
    name: Y
    cite: [source/{tag}-b#p1]
  - id: person/{tag}-p4
    type: Person
    name: P4
    cite: [source/{tag}-b#p2]
relations:
  - type: MEMBER_OF
    from: person/{tag}-p2
    to: party/{tag}-y
    cite: [source/{tag}-b#p1]
  - id: rel/{tag}-moved
    type: LEADS
    from: person/{tag}-p2
    to: party/{tag}-y
    role: chair
    cite: [source/{tag}-b#p1]
  - type: RELATIVE_OF
    from: person/{tag}-p4
    to: person/{tag}-p2
    cite: [source/{tag}-b#p2]
`
	importEditedB = `version: 1
sources:
  - id: source/{tag}-b
    title: Report B
    publisher: Someone
entities:
  - id: person/{tag}-p2
    type: Person
    name: P2
    cite: [source/{tag}-b#p1]
  - id: party/{tag}-y
    type: Party
    name: Y
    cite: [source/{tag}-b#p1]
  - id: person/{tag}-e
    type: Person
    name: E
    cite: [source/{tag}-b#p3]
relations:
  - id: rel/{tag}-moved
    type: LEADS
    from: person/{tag}-p2
    to: party/{tag}-x
    role: chair
    cite: [source/{tag}-b#p1]
`
	importC = `version: 1
sources:
  - id: source/{tag}-c
    title: Report C
    publisher: Someone
entities:
  - id: person/{tag}-c1
    type: Person
    name: C1
    cite: [source/{tag}-c#p1]
relations:
  - type: RELATIVE_OF
    from: person/{tag}-c1
    to: person/{tag}-e
    cite: [source/{tag}-c#p1]
  - type: ASSOCIATED_WITH
    from: person/{tag}-c1
    to: person/{tag}-p4
    cite: [source/{tag}-c#p1]
`
)

var importSeq atomic.Int64

// importFixture returns a tag unique to this run and test, and removes
// whatever the test wrote under it when the test ends.
func importFixture(t *testing.T, uri string) string {
	t.Helper()
	tag := fmt.Sprintf("imps%x-%d", time.Now().UnixNano(), importSeq.Add(1))
	t.Cleanup(func() {
		neo4jtest.Exec(t, uri, "MATCH (n:Entity) WHERE n.id CONTAINS $tag DETACH DELETE n", map[string]any{"tag": tag})
		neo4jtest.Exec(t, uri, "MATCH (f:CaseFile) WHERE f.name STARTS WITH $tag DELETE f", map[string]any{"tag": tag})
	})
	return tag
}

// batchesOf checks files, given as name and text pairs with {tag} filled
// in, as one import and returns their batches in the order given.
func batchesOf(t *testing.T, tag string, files ...string) []kg.Batch {
	t.Helper()
	var inputs []casefile.Input
	for i := 0; i+1 < len(files); i += 2 {
		inputs = append(inputs, casefile.Input{Name: tag + "-" + files[i], Src: []byte(strings.ReplaceAll(files[i+1], "{tag}", tag))})
	}
	checked, err := casefile.Check(inputs, casefile.Options{})
	if err != nil {
		t.Fatalf("fixture:\n%v", err)
	}
	out := make([]kg.Batch, len(checked))
	for i, f := range checked {
		out[i] = f.Batch
	}
	return out
}

// firstFiles and editedFiles are the fixture before and after the edit.
func firstFiles(t *testing.T, tag string) []kg.Batch {
	return batchesOf(t, tag, "a.yaml", strings.Replace(importA, "{e-in-a}", importE, 1), "b.yaml", importB, "c.yaml", importC)
}

func editedFiles(t *testing.T, tag string) []kg.Batch {
	return batchesOf(t, tag, "a.yaml", strings.Replace(importA, "{e-in-a}", "", 1), "b.yaml", importEditedB)
}

func importAll(t *testing.T, s *neo4jstore.Store, batches []kg.Batch) kg.ImportResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := s.Import(ctx, batches, admin)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.Refusal != nil {
		t.Fatalf("import refused: %v", res.Refusal)
	}
	return res
}

// graphUnder prints every entity, relationship and manifest of tag, one
// sorted line each, with tag written as {tag} so that graphs built under
// different tags compare. Manifests are compared without their hash: it is
// of the text, which holds the tag.
func graphUnder(t *testing.T, uri, tag string) string {
	t.Helper()
	recs := neo4jtest.Exec(t, uri, `
		MATCH (n:Entity) WHERE n.id CONTAINS $tag
		RETURN 'node ' + n.id AS key, labels(n) AS labels, properties(n) AS props
		UNION ALL
		MATCH (a)-[r]->(b) WHERE r.id CONTAINS $tag
		RETURN 'rel ' + type(r) + ' ' + r.id + ' ' + a.id + '->' + b.id AS key, [] AS labels, properties(r) AS props
		UNION ALL
		MATCH (f:CaseFile) WHERE f.name STARTS WITH $tag
		RETURN 'file ' + f.name AS key, [] AS labels, f{.entities, .links} AS props`,
		map[string]any{"tag": tag})
	lines := make([]string, len(recs))
	for i, r := range recs {
		key, _ := r.Get("key")
		raw, _ := r.Get("labels")
		var labels []string
		for _, l := range raw.([]any) {
			labels = append(labels, l.(string))
		}
		sort.Strings(labels)
		props, _ := r.Get("props")
		lines[i] = fmt.Sprint(key, " ", labels, " ", props)
	}
	sort.Strings(lines)
	return strings.ReplaceAll(strings.Join(lines, "\n"), tag, "{tag}")
}

func TestImportAgainChangesNothing(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	tag := importFixture(t, uri)
	files := firstFiles(t, tag)
	importAll(t, s, files)
	before := graphUnder(t, uri, tag)
	if n := strings.Count(before, "\n") + 1; n < 15 {
		t.Fatalf("the fixture wrote only %d lines of graph:\n%s", n, before)
	}

	res := importAll(t, s, files)
	unchanged := []string{tag + "-a.yaml", tag + "-b.yaml", tag + "-c.yaml"}
	if res.String() != (kg.ImportResult{}).String() || !slices.Equal(res.Unchanged, unchanged) {
		t.Errorf("importing the same files again: %s, skipped %v; want no change, skipped %v", res, res.Unchanged, unchanged)
	}
	if after := graphUnder(t, uri, tag); after != before {
		t.Errorf("importing the same files again changed the graph:\nbefore\n%s\nafter\n%s", before, after)
	}

	// Without their hashes the files are written again, entity by entity:
	// none may be created, deleted or given a new version.
	for i := range files {
		files[i].Hash = ""
	}
	res = importAll(t, s, files)
	if res.NodesCreated+res.NodesDeleted+res.RelationshipsCreated+res.RelationshipsDeleted != 0 || len(res.Unchanged) != 0 {
		t.Errorf("writing the same files again: %+v, want nothing created, deleted or skipped", res)
	}
	if after := graphUnder(t, uri, tag); after != before {
		t.Errorf("writing the same files again changed the graph:\nbefore\n%s\nafter\n%s", before, after)
	}
}

func TestImportOfSeveralFilesMatchesOneAtATime(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)

	// Together: the edited files in one call, a before b, the order in
	// which a file-by-file import would delete e before b defines it.
	together := importFixture(t, uri)
	importAll(t, s, firstFiles(t, together))
	importAll(t, s, editedFiles(t, together))
	want := graphUnder(t, uri, together)

	// One at a time, b cannot take e over: a, which defines it, is not
	// part of the import. The import is refused and writes nothing.
	single := importFixture(t, uri)
	importAll(t, s, firstFiles(t, single))
	before := graphUnder(t, uri, single)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := s.Import(ctx, editedFiles(t, single)[1:], admin)
	if err != nil {
		t.Fatal(err)
	}
	if res.Refusal == nil || res.Refusal.Code != kg.Conflict || !strings.Contains(res.Refusal.Message, "person/"+single+"-e (defined by "+single+"-a.yaml)") {
		t.Errorf("b taking e over from a outside the import: refusal %v, want a CONFLICT naming e and a", res.Refusal)
	}
	if got := graphUnder(t, uri, single); got != before {
		t.Errorf("the refused import changed the graph:\n%s", neo4jtest.LineDiff(before, got))
	}

	// Both versions of a and b in one call: the later batch of a file wins.
	twice := importFixture(t, uri)
	importAll(t, s, append(firstFiles(t, twice), editedFiles(t, twice)...))
	if got := graphUnder(t, uri, twice); got != want {
		t.Errorf("both versions in one call:\n%s\nthe edit in its own import:\n%s", got, want)
	}

	// What the edit must have done, lest all three agree on a wrong graph.
	recs := neo4jtest.Exec(t, uri, `
		OPTIONAL MATCH (e:Person {id: 'person/' + $tag + '-e'})
		OPTIONAL MATCH (c:Person {id: 'person/' + $tag + '-c1'})-[kin:RELATIVE_OF]->(e)
		OPTIONAL MATCH (a)-[m:LEADS {id: 'rel/' + $tag + '-moved'}]->(b)
		RETURN e.origin AS origin, e.version AS version, count(DISTINCT kin) AS kin,
			collect(DISTINCT a.id + '->' + b.id) AS moved,
			exists { MATCH (p:Entity {id: 'person/' + $tag + '-p4'}) } AS p4,
			exists { MATCH ()-[r:MEMBER_OF]->() WHERE r.id CONTAINS $tag } AS member,
			exists { MATCH ()-[r:ASSOCIATED_WITH]->() WHERE r.id CONTAINS $tag } AS associated`,
		map[string]any{"tag": together})
	got := fmt.Sprint(recs[0].Values)
	if want := fmt.Sprintf("[%[1]s-b.yaml 2 1 [person/%[1]s-p2->party/%[1]s-x] false false false]", together); got != want {
		t.Errorf("after the edit: e's origin, e's version, c1's ties to e, rel/moved, p4, MEMBER_OF, ties to p4 = %s\nwant %s", got, want)
	}
}

// admin imports as the command line does: removing facts is allowed.
var admin = kg.ImportOptions{Edit: kg.Edit{Actor: "test"}, MayRemove: true}

// The candidates for a "did you mean" are the IDs next to the one asked
// about, within its type, up to the limit on either side, in one
// statement.
func TestIDsNear(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	tag := importFixture(t, uri)
	importAll(t, s, firstFiles(t, tag))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ctx, n := neo4jstore.WithStatementCounter(ctx)
	// person/{tag}-c1, -e, -p1, -p2, -p4 and party/{tag}-x, -y are in the
	// graph.
	got, err := s.IDsNear(ctx, []string{"person/" + tag + "-p", "party/" + tag + "-x"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	want := []string{"party/" + tag + "-x", "party/" + tag + "-y", "person/" + tag + "-c1", "person/" + tag + "-e", "person/" + tag + "-p1", "person/" + tag + "-p2"}
	var mine []string
	for _, id := range got {
		if strings.Contains(id, tag) {
			mine = append(mine, id)
		}
	}
	if !slices.Equal(mine, want) {
		t.Errorf("got %q, want %q", mine, want)
	}
	if len(got) > 8 {
		t.Errorf("got %d IDs, want at most 2 on either side of each of 2", len(got))
	}
	if c := n.Load(); c != 1 {
		t.Errorf("%d statements, want one", c)
	}
}
