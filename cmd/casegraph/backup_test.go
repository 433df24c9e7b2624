package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// notBackedUp are the labels of the nodes an export to case files leaves
// out, as docs/operations.md says under Backups: what the service keeps
// about its own running (tokens, history and the change feed, the graph
// version and the record of what each write changed, applied migrations
// and idempotency keys, import manifests) and
// what analysts save beside the facts (investigations, duplicate
// judgements). The test's own mark is not data.
var notBackedUp = []string{"Token", "Change", "GraphState", "GraphChange", "SchemaMigration", "Applied", "CaseFile",
	"Investigation", "Judgement", "CasegraphTestDatabase"}

// dumpGraph renders every node and relationship of the database at uri
// but those notBackedUp, with all their properties, as sorted lines, so
// two databases compare with ==. The version an entity's edits counted is
// left out: a restore starts each entity's count again.
func dumpGraph(tb testing.TB, uri string) string {
	tb.Helper()
	params := map[string]any{"skip": notBackedUp}
	var lines []string
	for _, r := range neo4jtest.Exec(tb, uri, `
		MATCH (n) WHERE none(l IN labels(n) WHERE l IN $skip)
		RETURN labels(n) AS labels, n{.*, version: null} AS props`, params) {
		labels, _ := r.Get("labels")
		props, _ := r.Get("props")
		lines = append(lines, fmt.Sprintf("node %s %s", sortedLabels(labels), canonicalJSON(tb, props)))
	}
	for _, r := range neo4jtest.Exec(tb, uri, `
		MATCH (a)-[r]->(b)
		WHERE none(l IN labels(a) + labels(b) WHERE l IN $skip)
		RETURN type(r) AS type, coalesce(a.id, elementId(a)) AS from, coalesce(b.id, elementId(b)) AS to, properties(r) AS props`, params) {
		t, _ := r.Get("type")
		from, _ := r.Get("from")
		to, _ := r.Get("to")
		props, _ := r.Get("props")
		lines = append(lines, fmt.Sprintf("rel %s %s->%s %s", t, from, to, canonicalJSON(tb, props)))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// textOf splits a dump into the lines of source's text and passages and
// the others.
func textOf(dump, source string) (rest, text string) {
	var r, x []string
	for _, l := range strings.Split(dump, "\n") {
		if strings.HasPrefix(l, "node ") && strings.Contains(l, `"source":"`+source+`"`) {
			x = append(x, l)
		} else {
			r = append(r, l)
		}
	}
	return strings.Join(r, "\n"), strings.Join(x, "\n")
}

func sortedLabels(labels any) string {
	var ls []string
	for _, l := range labels.([]any) {
		ls = append(ls, l.(string))
	}
	return strings.Join(slices.Sorted(slices.Values(ls)), ",")
}

// canonicalJSON renders a value with sorted keys (encoding/json sorts a
// map's), so equal property maps print alike.
func canonicalJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// mutate sends a mutation as token and fails the test on any error.
func mutate(t *testing.T, base, token, query string) json.RawMessage {
	t.Helper()
	status, r := postAs(t, base, token, query)
	if status != 200 || len(r.Errors) > 0 {
		t.Fatalf("%s: status %d, errors %+v", query, status, r.Errors)
	}
	return r.Data
}

// memoPassages searches the memo's passages for a word of its second
// paragraph, with the facts that cite each.
func memoPassages(t *testing.T, base string) string {
	t.Helper()
	status, r := postQuery(t, base, `{ passages(query: "zeppelin", sources: ["source/backup-memo"]) { totalCount edges { node { paragraph text citedBy { id } } } } }`)
	if status != 200 || len(r.Errors) > 0 {
		t.Fatalf("passages: status %d, errors %+v", status, r.Errors)
	}
	return string(r.Data)
}

// exampleAnswers asks every example query of the API (internal/server/
// examples) and returns the answers by file name.
func exampleAnswers(t *testing.T, base string) map[string]string {
	t.Helper()
	paths, err := filepath.Glob("../../internal/server/examples/*.graphql")
	if err != nil || len(paths) < 10 {
		t.Fatalf("example queries: %v (%d found)", err, len(paths))
	}
	out := map[string]string{}
	for _, p := range paths {
		q, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		status, r := postQuery(t, base, string(q))
		if status != 200 || len(r.Errors) > 0 {
			t.Fatalf("%s: status %d, errors %+v", filepath.Base(p), status, r.Errors)
		}
		out[filepath.Base(p)] = string(r.Data)
	}
	return out
}

// A backup is an export to case files; a restore imports them into an
// empty database. After the bundled cases and edits made through the API
// (an entity updated, one created, one retracted, a relationship added),
// the restored graph holds the same entities, properties, citations,
// relationships, additions and source texts, and answers every example
// query as the original did. A text sent with addSource, which no source
// document holds, comes back from the texts/ directory the export writes.
func TestBackupRestoresIntoAnEmptyDatabase(t *testing.T) {
	uri := neo4jtest.URI(t)
	neo4jtest.Clear(t, uri) // other tests of this package wrote here
	sources := map[string]string{"CASEGRAPH_SOURCES_DIR": os.Getenv("CASEGRAPH_SOURCES_DIR")}
	runCmdEnv(t, uri, sources, "import", bundledDir)

	// The example queries, asked at once, would exceed the rate limit.
	unlimited := map[string]string{"CASEGRAPH_RATE_LIMIT": "0"}
	base, _ := service(t, uri, unlimited)
	token := strings.SplitN(runCmd(t, uri, "token", "create", "-role", "admin", "-name", "backup-test"), "\n", 2)[0]
	var party struct{ Node struct{ Version int } }
	if err := json.Unmarshal(mutate(t, base, token, `{ node(id: "party/democratic-party") { ... on Party { version } } }`), &party); err != nil {
		t.Fatal(err)
	}
	mutate(t, base, token, fmt.Sprintf(`mutation { updateEntity(id: "party/democratic-party", version: %d,
		set: {description: "Unregistered opposition party; edited before the backup."},
		cite: ["source/iphr-2023-04-mamai#p4", "source/iphr-2023-04-mamai#p10"], reason: "backup test") { version } }`, party.Node.Version))
	mutate(t, base, token, `mutation { createEntity(input: {id: "person/backup-witness", type: PERSON,
		fields: {name: "Backup Witness", description: "Made through the API."}, cite: ["source/iphr-2023-04-mamai#p4"]}) { id } }`)
	mutate(t, base, token, `mutation { createRelation(input: {type: MEMBER_OF, from: "person/backup-witness",
		to: "party/democratic-party", fields: {role: "member"}, cite: ["source/iphr-2023-04-mamai#p10"]}) { id } }`)
	var inga struct{ Node struct{ Version int } }
	if err := json.Unmarshal(mutate(t, base, token, `{ node(id: "person/inga-imanbay") { ... on Person { version } } }`), &inga); err != nil {
		t.Fatal(err)
	}
	mutate(t, base, token, fmt.Sprintf(`mutation { retractEntity(id: "person/inga-imanbay", version: %d, reason: "backup test") { id } }`, inga.Node.Version))

	// A text sent with addSource is held only in the graph: no case file
	// and no source document carries it, so the export writes it beside
	// the case files. A fact cites it, so its citations must hold after.
	mutate(t, base, token, `mutation { addSource(input: {id: "source/backup-memo", fields: {title: "Backup memo", publisher: "Editors"},
		content: "The first paragraph.\n\n  The second paragraph, about a quarrelsome zeppelin.  \nThe third\tparagraph."}) { id } }`)
	mutate(t, base, token, `mutation { createEntity(input: {id: "person/memo-author", type: PERSON,
		fields: {name: "Memo Author"}, cite: ["source/backup-memo#p2"]}) { id } }`)

	before, onlyInGraph := textOf(dumpGraph(t, uri), "source/backup-memo")
	if strings.Count(onlyInGraph, "\n") < 3 || !strings.Contains(onlyInGraph, `"text":"The third\tparagraph."`) {
		t.Fatalf("the memo's text and passages are not in the graph:\n%s", onlyInGraph)
	}
	for _, want := range []string{"edited before the backup", `"id":"person/backup-witness"`, "rel MEMBER_OF person/backup-witness->party/democratic-party"} {
		if !strings.Contains(before, want) {
			t.Fatalf("the edits are not in the graph (%q missing):\n%s", want, before)
		}
	}
	if strings.Contains(before, "person/inga-imanbay") {
		t.Fatal("the retracted entity is still in the graph")
	}
	answers := exampleAnswers(t, base)
	memo := memoPassages(t, base)
	if !strings.Contains(memo, `"paragraph":2`) || !strings.Contains(memo, "person/memo-author") {
		t.Fatalf("the memo's cited paragraph is not found before the backup: %s", memo)
	}

	dir := filepath.Join(t.TempDir(), "backup")
	if _, err := export(t, uri, dir); err != nil {
		t.Fatalf("casegraph export: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "texts", "backup-memo.txt")); err != nil {
		t.Fatalf("the export wrote no file for the memo's text: %v", err)
	}
	if texts, _ := filepath.Glob(filepath.Join(dir, "texts", "*")); len(texts) != 1 {
		t.Errorf("the export should write only the text no source document holds; it wrote %v", texts)
	}
	neo4jtest.Clear(t, uri)
	if n := neo4jtest.Exec(t, uri, "MATCH (n) WHERE NOT n:CasegraphTestDatabase RETURN count(n) AS n", nil)[0].Values[0]; n != int64(0) {
		t.Fatalf("the database holds %v nodes after clearing", n)
	}
	runCmdEnv(t, uri, sources, "import", dir)

	after, text := textOf(dumpGraph(t, uri), "source/backup-memo")
	if after != before {
		t.Errorf("the restored graph differs from the one backed up:\n%s", neo4jtest.LineDiff(before, after))
	}
	if text != onlyInGraph {
		t.Errorf("the memo's text and passages differ after the restore:\n%s", neo4jtest.LineDiff(onlyInGraph, text))
	}
	restored, _ := service(t, uri, unlimited)
	if got := memoPassages(t, restored); got != memo {
		t.Errorf("passage search finds the memo differently after the restore:\nbefore: %s\nafter:  %s", memo, got)
	}
	for name, want := range exampleAnswers(t, restored) {
		if answers[name] != want {
			t.Errorf("%s answers differently after the restore:\nbefore: %s\nafter:  %s", name, answers[name], want)
		}
	}
}
