package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// importCase is a valid case file; {tag} makes its IDs unique to one test,
// since other tests of the package share the database. Malformed variants below break it
// in one place, so a half-written import would leave these IDs behind.
// Its source has no file field, so no paragraph is checked.
const importCase = `version: 1
sources:
  - id: source/{tag}-report
    title: A report
    publisher: Someone
entities:
  - id: person/{tag}-a
    type: Person
    name: A
    cite: [source/{tag}-report#p1]
  - id: party/{tag}-p
    type: Party
    name: P
    cite: [source/{tag}-report#p1]
  - id: case/{tag}-c
    type: Case
    name: Case against A
    cite: [source/{tag}-report#p2]
  - id: charge/{tag}-x
    type: Charge
    name: Charge against A
    case: case/{tag}-c
    defendant: person/{tag}-a
    status: brought
    date: 2023-02-10
    cite: [source/{tag}-report#p2]
relations:
  - type: LEADS
    from: person/{tag}-a
    to: party/{tag}-p
    role: leader
    cite: [source/{tag}-report#p1]
  - type: DEFENDANT_IN
    from: person/{tag}-a
    to: case/{tag}-c
    cite: [source/{tag}-report#p2]
`

// importCaseNodes and importCaseRels are what importCase writes: five
// entities; two relations and the two that charge fields become.
const importCaseNodes, importCaseRels = 5, 4

var importTagSeq atomic.Int64

// importTag returns a slug unique to this run and test, and removes
// whatever the test wrote under it when the test ends.
func importTag(tb testing.TB, uri string) string {
	tb.Helper()
	tag := fmt.Sprintf("imp%x-%d", time.Now().UnixNano(), importTagSeq.Add(1))
	tb.Cleanup(func() {
		neo4jtest.Exec(tb, uri, "MATCH (n:Entity) WHERE n.id CONTAINS $tag DETACH DELETE n", map[string]any{"tag": tag})
		neo4jtest.Exec(tb, uri, "MATCH (f:CaseFile) WHERE f.name STARTS WITH $tag DELETE f", map[string]any{"tag": tag})
	})
	return tag
}

// writeCase writes text, with {tag} filled in, to dir/name.
func writeCase(tb testing.TB, dir, name, tag, text string) string {
	tb.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(text, "{tag}", tag)), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// importRun runs `casegraph import` against the Neo4j at uri and returns
// what it printed to stdout and its error.
func importRun(tb testing.TB, uri string, args ...string) (string, error) {
	tb.Helper()
	env := map[string]string{"NEO4J_URI": uri, "CASEGRAPH_NEO4J_WAIT": "30s", "CASEGRAPH_LOG_LEVEL": "warn"}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errs strings.Builder
	err := run(ctx, append([]string{"import"}, args...), func(k string) string { return env[k] }, &out, &errs)
	if errs.Len() > 0 {
		tb.Logf("stderr: %s", errs.String())
	}
	return out.String(), err
}

// tagged counts the entities, relationships and case-file manifests in the
// graph that carry tag.
func tagged(tb testing.TB, uri, tag string) (nodes, rels, manifests int64) {
	tb.Helper()
	count := func(query string) int64 {
		recs := neo4jtest.Exec(tb, uri, query, map[string]any{"tag": tag})
		n, _ := recs[0].Get("n")
		return n.(int64)
	}
	return count("MATCH (n:Entity) WHERE n.id CONTAINS $tag RETURN count(n) AS n"),
		count("MATCH ()-[r]->() WHERE r.id CONTAINS $tag RETURN count(r) AS n"),
		count("MATCH (f:CaseFile) WHERE f.name STARTS WITH $tag RETURN count(f) AS n")
}

func TestImportWritesNothingFromAMalformedFile(t *testing.T) {
	uri := neo4jtest.URI(t)
	tests := []struct {
		name  string
		files []string // case files of one import: importCase and edits of it
		at    string   // file:line:column of the problem, file as 0, 1, ...
		want  string   // in the problem's message
	}{
		{
			name:  "one problem at the very end",
			files: []string{importCase + "  - type: RELATIVE_OF\n    from: person/{tag}-a\n    to: person/{tag}-a\n    start: 2023-02-30\n    cite: [source/{tag}-report#p1]\n"},
			at:    "0:40:12",
			want:  `start: "2023-02-30" is not a real date`,
		},
		{
			name:  "YAML broken on the last line",
			files: []string{importCase + "   note: misindented\n"},
			at:    "0:37:4",
			want:  "not valid YAML",
		},
		{
			name:  "a colon in a value without quotes",
			files: []string{strings.Replace(importCase, "    name: Case against A\n", "    name: Case: against A\n", 1)},
			at:    "0:17:15",
			want:  `not valid YAML: the value of name holds ": ", which YAML reads as the start of a field; put the value in quotes: name: "Case: against A"`,
		},
		{
			name:  "citation of an unknown source",
			files: []string{strings.Replace(importCase, "    cite: [source/{tag}-report#p1]\n", "    cite:\n      - source/{tag}-report#p1\n      - source/{tag}-memo#p1\n", 1)},
			at:    "0:12:9",
			want:  `citation of unknown source "source/{tag}-memo"`,
		},
		{
			name:  "reference to an unknown id",
			files: []string{strings.Replace(importCase, "    status: brought\n", "    article: legal-article/{tag}-999\n    status: brought\n", 1)},
			at:    "0:24:14",
			want:  `article of charge/{tag}-x: unknown id "legal-article/{tag}-999"`,
		},
		{
			name:  "wrong enumeration value",
			files: []string{strings.Replace(importCase, "status: brought", "status: sentenced", 1)},
			at:    "0:24:13",
			want:  `status "sentenced" is not allowed`,
		},
		{
			name:  "relation end of the wrong type",
			files: []string{strings.Replace(importCase, "    to: case/{tag}-c\n", "    to: party/{tag}-p\n", 1)},
			at:    "0:35:9",
			want:  "to of DEFENDANT_IN: party/{tag}-p is a Party, want Case",
		},
		{
			name: "a valid file and a malformed one",
			files: []string{
				importCase,
				"version: 1\nentities:\n  - id: person/{tag}-z\n    type: Person\n    name: Z\n    age: 40\n    cite: [source/{tag}-report#p1]\n",
			},
			at:   "1:6:5",
			want: `unknown field "age" for Person`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tag := importTag(t, uri)
			dir := t.TempDir()
			var paths []string
			for i, text := range tt.files {
				paths = append(paths, writeCase(t, dir, fmt.Sprintf("%s-%d.yaml", tag, i), tag, text))
			}
			out, err := importRun(t, uri, paths...)
			if err == nil {
				t.Fatalf("import succeeded, want an error; printed:\n%s", out)
			}
			if !strings.Contains(err.Error(), "nothing was written") {
				t.Errorf("error %q does not say that nothing was written", err)
			}
			var file, line, col int
			if _, err := fmt.Sscanf(tt.at, "%d:%d:%d", &file, &line, &col); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("%s:%d:%d: ", paths[file], line, col)
			problem := want + strings.ReplaceAll(tt.want, "{tag}", tag)
			if !strings.Contains(out, problem) {
				t.Errorf("printed\n%s\nwant a line containing %q", out, problem)
			}
			if n, r, m := tagged(t, uri, tag); n+r+m != 0 {
				t.Errorf("the graph holds %d entities, %d relationships and %d manifests of the rejected import", n, r, m)
			}
		})
	}
}

// A reference to an ID the graph holds, misspelt, is answered with the ID
// it may have meant; and an entity with a problem of its own is not also
// an unknown ID where the file refers to it.
func TestImportSuggestsIDsOfTheGraph(t *testing.T) {
	uri := neo4jtest.URI(t)
	tag := importTag(t, uri)
	dir := t.TempDir()
	if out, err := importRun(t, uri, writeCase(t, dir, tag+"-0.yaml", tag, importCase)); err != nil {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	later := "version: 2\nentities:\n" +
		"  - id: person/{tag}-b\n    type: Person\n    name: B\n    occupations: [jurnalist]\n    cite: [source/{tag}-report#p1]\n" +
		"relations:\n" +
		"  - type: RELATIVE_OF\n    from: person/{tag}-b\n    to: person/{tag}-aa\n    cite: [source/{tag}-reprot#p1]\n"
	path := writeCase(t, dir, tag+"-1.yaml", tag, later)
	out, err := importRun(t, uri, path)
	if err == nil {
		t.Fatalf("import succeeded, want an error; printed:\n%s", out)
	}
	for _, want := range []string{
		path + `:6:19: occupations "jurnalist" is not allowed: did you mean journalist? Want one of`,
		path + fmt.Sprintf(`:11:9: to of RELATIVE_OF: unknown id "person/%s-aa": did you mean person/%s-a`, tag, tag),
		path + fmt.Sprintf(`:12:12: citation of unknown source "source/%s-reprot": did you mean source/%s-report`, tag, tag),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("printed\n%s\nwant a line containing %q", out, want)
		}
	}
	if n := strings.Count(out, "\n"); n != 3 {
		t.Errorf("printed %d lines, want one for each of 3 problems:\n%s", n, out)
	}
}

func TestImportTwiceChangesNothingAndDryRunWritesNothing(t *testing.T) {
	uri := neo4jtest.URI(t)
	tag := importTag(t, uri)
	name := tag + ".yaml"
	path := writeCase(t, t.TempDir(), name, tag, importCase)

	out, err := importRun(t, uri, path)
	if err != nil {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	if want := path + ": written\n"; !strings.Contains(out, want) {
		t.Errorf("first import printed\n%s\nwant %q", out, want)
	}
	if n, r, m := tagged(t, uri, tag); n != importCaseNodes || r != importCaseRels || m != 1 {
		t.Fatalf("after the first import: %d entities, %d relationships, %d manifests; want %d, %d, 1\n%s", n, r, m, importCaseNodes, importCaseRels, out)
	}

	out, err = importRun(t, uri, path)
	if err != nil {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	for _, want := range []string{
		path + ": unchanged since its last import\n",
		"1 file in one transaction: 0 nodes created, 0 deleted; 0 relationships created, 0 deleted; 0 properties set\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("second import printed\n%s\nwant %q", out, want)
		}
	}
	if n, r, m := tagged(t, uri, tag); n != importCaseNodes || r != importCaseRels || m != 1 {
		t.Errorf("after the second import: %d entities, %d relationships, %d manifests; want %d, %d, 1", n, r, m, importCaseNodes, importCaseRels)
	}

	// The edited copy keeps the file name: the name is what ties a file to
	// what it wrote before.
	edited := strings.Replace(importCase, "    name: A\n", "    name: A. B.\n", 1)
	edited = strings.Replace(edited, "  - type: DEFENDANT_IN\n    from: person/{tag}-a\n    to: case/{tag}-c\n    cite: [source/{tag}-report#p2]\n", "", 1)
	editedPath := writeCase(t, t.TempDir(), name, tag, edited)
	out, err = importRun(t, uri, "-dry-run", editedPath)
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	for _, want := range []string{
		editedPath + ": would be written\n",
		"  update Person person/" + tag + "-a: name (" + name + ")\n",
		"  delete DEFENDANT_IN DEFENDANT_IN:person/" + tag + "-a->case/" + tag + "-c (" + name + ")\n",
		// Of the five entities and the LEADS still stated, only the person
		// differs; the charge's two reference fields go with the charge.
		"1 file: 2 changes, 5 facts unchanged (dry run: nothing written)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run printed\n%s\nwant %q", out, want)
		}
	}

	recs := neo4jtest.Exec(t, uri, `MATCH (p:Person {id: $person})
		RETURN p.name AS name, exists((p)-[:DEFENDANT_IN]->(:Case {id: $case})) AS defendant`,
		map[string]any{"person": "person/" + tag + "-a", "case": "case/" + tag + "-c"})
	if len(recs) != 1 {
		t.Fatalf("person/%s-a is gone after the dry run", tag)
	}
	if got, _ := recs[0].Get("name"); got != "A" {
		t.Errorf("after the dry run the name is %v, want A: the dry run wrote", got)
	}
	if got, _ := recs[0].Get("defendant"); got != true {
		t.Errorf("after the dry run DEFENDANT_IN is gone: the dry run wrote")
	}
}

// A party a later file writes again under its own ID and in another word
// order is reported, by the dry run and by the import, which it does not
// stop.
func TestImportReportsLikelyDuplicates(t *testing.T) {
	uri := neo4jtest.URI(t)
	tag := importTag(t, uri)
	dir := t.TempDir()
	first := strings.Replace(importCase, "    name: P\n", "    name: Free Steppe Party {tag}\n", 1)
	if out, err := importRun(t, uri, writeCase(t, dir, tag+"-0.yaml", tag, first)); err != nil {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	later := "version: 1\nentities:\n  - id: party/{tag}-q\n    type: Party\n    name: Party {tag} of the free steppe\n    cite: [source/{tag}-report#p1]\n"
	path := writeCase(t, dir, tag+"-1.yaml", tag, later)
	want := fmt.Sprintf("  likely duplicate: party/%s-q and party/%s-p: ", tag, tag)
	for _, args := range [][]string{{"-dry-run", path}, {path}} {
		out, err := importRun(t, uri, args...)
		if err != nil {
			t.Fatalf("import %v: %v\n%s", args, err, out)
		}
		if !strings.Contains(out, want) {
			t.Errorf("import %v printed\n%s\nwant a line starting %q", args, out, want)
		}
	}
	if n, _, _ := tagged(t, uri, tag); n != importCaseNodes+1 {
		t.Errorf("the graph holds %d entities of the test, want %d: a likely duplicate stopped the import", n, importCaseNodes+1)
	}
}

func TestImportFallsBackToOneTransactionPerGroup(t *testing.T) {
	uri := neo4jtest.URI(t)
	tag := importTag(t, uri)
	dir := t.TempDir()
	// Three independent files, one chunk. The middle one passes every
	// check, but Neo4j rejects it: two of its sources name one file, which
	// a constraint of this test's own forbids.
	constraint := "test_" + strings.ReplaceAll(tag, "-", "_")
	neo4jtest.Exec(t, uri, "CREATE CONSTRAINT "+constraint+" FOR (s:Source) REQUIRE s.file IS UNIQUE", nil)
	t.Cleanup(func() { neo4jtest.Exec(t, uri, "DROP CONSTRAINT "+constraint+" IF EXISTS", nil) })
	twins := "  - id: source/{tag}-twin-a\n    title: A\n    publisher: P\n    file: {tag}-twin.txt\n" +
		"  - id: source/{tag}-twin-b\n    title: B\n    publisher: P\n    file: {tag}-twin.txt\n"
	var paths []string
	for i, text := range []string{importCase, strings.Replace(importCase, "sources:\n", "sources:\n"+twins, 1), importCase} {
		sub := fmt.Sprintf("%s-%d", tag, i)
		paths = append(paths, writeCase(t, dir, sub+".yaml", sub, text))
	}

	out, err := importRun(t, uri, paths...)
	if err == nil {
		t.Fatalf("import succeeded, want Neo4j to reject %s; printed:\n%s", paths[1], out)
	}
	if msg := err.Error(); !strings.Contains(msg, "importing "+paths[1]+":") || !strings.Contains(msg, "that transaction was rolled back") ||
		strings.Contains(msg, paths[0]) || strings.Contains(msg, paths[2]) {
		t.Errorf("error %q should name %s alone and say its transaction was rolled back", msg, paths[1])
	}
	// First the three in one transaction, which Neo4j rolls back; then
	// one group at a time.
	first, rest, _ := strings.Cut(out, "\n")
	if chunk := "importing " + strings.Join(paths, ", ") + ": "; !strings.HasPrefix(first, chunk) ||
		!strings.HasSuffix(first, "(that transaction was rolled back); writing those files group by group") {
		t.Errorf("first printed %q, want the failure of %q and the fallback", first, chunk)
	}
	if want := paths[0] + ": written\n"; !strings.HasPrefix(rest, want) {
		t.Errorf("then printed\n%s\nwant %q", rest, want)
	}
	// The file before the rejected one lands; nothing of it or after it.
	for i, want := range [][3]int64{{importCaseNodes, importCaseRels, 1}, {0, 0, 0}, {0, 0, 0}} {
		if n, r, m := tagged(t, uri, fmt.Sprintf("%s-%d", tag, i)); [3]int64{n, r, m} != want {
			t.Errorf("file %d: %d entities, %d relationships, %d manifests in the graph; want %v", i, n, r, m, want)
		}
	}
}

func TestChunksKeepOrderWithinLimits(t *testing.T) {
	group := func(name string, files, entities int) []*casefile.File {
		g := make([]*casefile.File, files)
		for i := range g {
			g[i] = &casefile.File{Path: fmt.Sprintf("%s%d", name, i)}
		}
		g[0].Batch.Entities = make([]kg.Entity, entities)
		return g
	}
	groups := [][]*casefile.File{group("a", 1, 4), group("b", 2, 6), group("c", 1, 1), group("d", 1, 20), group("e", 1, 1), group("f", 1, 1)}
	var got []string
	for _, chunk := range chunks(groups, 3, 10) {
		var names []string
		for _, f := range slices.Concat(chunk...) {
			names = append(names, f.Path)
		}
		got = append(got, strings.Join(names, " "))
	}
	// At most 3 files and 10 entities a chunk; d alone exceeds them.
	if want := []string{"a0 b0 b1", "c0", "d0", "e0 f0"}; !slices.Equal(got, want) {
		t.Errorf("chunks: %q, want %q", got, want)
	}
}

// A file and the graph that both changed a fact since the file's last
// import: the command line refuses until told which side wins, and says
// who imported in the history.
func TestImportConflictNeedsAChoice(t *testing.T) {
	uri := neo4jtest.URI(t)
	tag := importTag(t, uri)
	dir := t.TempDir()
	name := tag + ".yaml"
	path := writeCase(t, dir, name, tag, importCase)
	if out, err := importRun(t, uri, "-as", "desk", path); err != nil {
		t.Fatalf("first import: %v\n%s", err, out)
	}

	s, person := editThroughTheAPI(t, uri, tag)
	path = writeCase(t, dir, name, tag, strings.Replace(importCase, "    name: A\n", "    name: A\n    description: filed\n", 1))
	out, err := importRun(t, uri, "-as", "desk", path)
	if err == nil || !strings.Contains(err.Error(), "choose which side wins") || !strings.Contains(err.Error(), "-on-conflict keep-graph or take-file") ||
		!strings.Contains(out, `conflict Person person/`+tag+`-a, description: changed in the graph and in the file since the file's last import; graph "edited", file then (none), file now "filed"`) {
		t.Fatalf("conflicting import: err %v, printed\n%s", err, out)
	}
	if d := description(t, uri, person); d != "edited" {
		t.Fatalf("the refused import wrote: description %v", d)
	}
	if out, err := importRun(t, uri, "-as", "desk", "-on-conflict", "take-file", path); err != nil {
		t.Fatalf("-on-conflict take-file: %v\n%s", err, out)
	}
	if d := description(t, uri, person); d != "filed" {
		t.Errorf("after take-file the description is %v, want the file's", d)
	}
	h, err := s.History(context.Background(), person)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[1].Actor != "desk" || !strings.HasPrefix(h[1].Reason, "import of "+name) || h[1].Before["description"] != "edited" {
		t.Errorf("history %+v, want the edit and then the import by desk that replaced it", h)
	}
}

// editThroughTheAPI gives importCase's person under tag the description
// "edited" as the API would (through the store), and returns the store and
// the person's ID.
func editThroughTheAPI(t *testing.T, uri, tag string) (*neo4jstore.Store, string) {
	t.Helper()
	s := neo4jtest.StoreAt(t, uri)
	person := kg.Entity{ID: "person/" + tag + "-a", Type: kg.Person, Props: map[string]any{"name": "A", "description": "edited"},
		Citations: []kg.Citation{{Source: "source/" + tag + "-report", Paragraph: 1}}}
	if _, err := s.SaveEntity(context.Background(), person, nil, 1, kg.Edit{Actor: "editor"}); err != nil {
		t.Fatal(err)
	}
	return s, person.ID
}

// description reads an entity's description behind the store's back.
func description(t *testing.T, uri, id string) any {
	t.Helper()
	d, _ := neo4jtest.Exec(t, uri, "MATCH (n:Entity {id: $id}) RETURN n.description AS d", map[string]any{"id": id})[0].Get("d")
	return d
}
