package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// restrictedCase is a case file all restricted to the group monitors, and
// mixedCase a public one with restricted entries; {tag} makes their IDs
// this test's own.
const (
	restrictedCase = `version: 2
visibility: [monitors]
sources:
  - id: source/{tag}-memo
    title: A memo of the monitors
    publisher: Monitors
entities:
  - id: place/{tag}-town
    type: Place
    name: Town
    cite: [source/{tag}-memo#p1]
  - id: person/{tag}-witness
    type: Person
    name: Witness
    cite: [source/{tag}-memo#p1]
  - id: case/{tag}-case
    type: Case
    name: Case against the witness
    place: place/{tag}-town
    cite: [source/{tag}-memo#p2]
relations:
  - type: DEFENDANT_IN
    from: person/{tag}-witness
    to: case/{tag}-case
    cite: [source/{tag}-memo#p2]
`
	mixedCase = `version: 2
sources:
  - id: source/{tag}-report
    title: A public report
    publisher: Someone
entities:
  - id: person/{tag}-public
    type: Person
    name: Public Person
    cite: [source/{tag}-report#p1]
  - id: person/{tag}-hidden
    type: Person
    name: Hidden Person
    cite: [source/{tag}-report#p2]
    visibility: [lawyers, monitors]
relations:
  - type: ASSOCIATED_WITH
    from: person/{tag}-public
    to: person/{tag}-witness
    cite: [source/{tag}-memo#p3, source/{tag}-report#p3]
    visibility: [monitors]
  - type: RELATIVE_OF
    from: person/{tag}-public
    to: person/{tag}-hidden
    cite: [source/{tag}-report#p2]
`
)

// The command line reaches Neo4j directly and acts as an admin: importing
// restricted facts, importing them again, and exporting them keep them
// with their visibility, and the export imports back as the same graph.
func TestImportAndExportKeepRestrictedFacts(t *testing.T) {
	uri := neo4jtest.URI(t)
	tag := importTag(t, uri)
	dir := t.TempDir()
	names := []string{tag + "-restricted.yaml", tag + "-mixed.yaml"}
	restrictedPath := writeCase(t, dir, names[0], tag, restrictedCase)
	mixedPath := writeCase(t, dir, names[1], tag, mixedCase)
	runCmd(t, uri, "import", restrictedPath)
	// The public file relates a public person to the restricted witness,
	// whom only the graph holds now: the check must see it.
	runCmd(t, uri, "import", mixedPath)
	before := snapshot(t, uri, names)
	for _, want := range []string{
		"id:person/" + tag + "-witness", "id:case/" + tag + "-case", "id:source/" + tag + "-memo",
		"rel DEFENDANT_IN person/" + tag + "-witness->case/" + tag + "-case",
		"rel LOCATED_IN case/" + tag + "-case->place/" + tag + "-town",
		"rel ASSOCIATED_WITH person/" + tag + "-public->person/" + tag + "-witness",
	} {
		if !lineWith(before, want, "groups:[monitors]") {
			t.Errorf("no fact %s restricted to monitors after the import:\n%s", want, before)
		}
	}
	if !lineWith(before, "id:person/"+tag+"-hidden", "groups:[lawyers monitors]") {
		t.Errorf("the hidden person is not restricted to lawyers and monitors:\n%s", before)
	}
	if lineWith(before, "id:person/"+tag+"-public", "groups:") || lineWith(before, "rel RELATIVE_OF", "groups:") {
		t.Errorf("a public fact has groups:\n%s", before)
	}

	// Imported again, the files change nothing: the import sees the
	// restricted facts it wrote.
	again := runCmd(t, uri, "import", dir)
	if !strings.Contains(again, "0 nodes created, 0 deleted; 0 relationships created, 0 deleted;") && !strings.Contains(again, "unchanged") {
		t.Errorf("importing the files again changed the graph:\n%s", again)
	}
	if after := snapshot(t, uri, names); after != before {
		t.Fatalf("importing the files again changed the graph:\n%s", neo4jtest.LineDiff(before, after))
	}

	out := filepath.Join(t.TempDir(), "export")
	if _, err := export(t, uri, out); err != nil {
		t.Fatalf("casegraph export: %v", err)
	}
	restricted, err := os.ReadFile(filepath.Join(out, names[0]))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(restricted), "\nvisibility: [monitors]\n") || strings.Contains(string(restricted), "    visibility:") {
		t.Errorf("the restricted file is not exported restricted at its top:\n%s", restricted)
	}
	mixed, err := os.ReadFile(filepath.Join(out, names[1]))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(mixed), "\nvisibility:") || strings.Count(string(mixed), "    visibility:") != 2 {
		t.Errorf("the mixed file is not exported with a visibility on each of its two restricted entries:\n%s", mixed)
	}

	// An export for a group holds what its readers see, and no citation
	// of a source they may not see.
	for _, c := range []struct {
		groups       string
		has, hasNot  []string
		restrictedIn bool
	}{
		{"public", []string{"person/" + tag + "-public"}, []string{"hidden", "witness", "memo", "ASSOCIATED_WITH", "RELATIVE_OF", "visibility"}, false},
		{"lawyers", []string{"person/" + tag + "-public", "person/" + tag + "-hidden", "RELATIVE_OF"}, []string{"witness", "memo", "ASSOCIATED_WITH"}, false},
	} {
		shared := filepath.Join(t.TempDir(), "export-"+c.groups)
		if _, err := export(t, uri, "-groups", c.groups, shared); err != nil {
			t.Fatalf("casegraph export -groups %s: %v", c.groups, err)
		}
		mixed, err := os.ReadFile(filepath.Join(shared, names[1]))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range c.has {
			if !strings.Contains(string(mixed), want) {
				t.Errorf("export -groups %s: no %s in\n%s", c.groups, want, mixed)
			}
		}
		for _, not := range c.hasNot {
			if strings.Contains(string(mixed), not) {
				t.Errorf("export -groups %s: %s in\n%s", c.groups, not, mixed)
			}
		}
		if _, err := os.Stat(filepath.Join(shared, names[0])); err == nil {
			t.Errorf("export -groups %s wrote the file all restricted to monitors", c.groups)
		}
	}
	if _, err := export(t, uri, "-groups", "Monitors", filepath.Join(t.TempDir(), "bad")); err == nil || !strings.Contains(err.Error(), "-groups") {
		t.Errorf("export -groups with a bad group name: %v", err)
	}

	// The export imports into a graph without the files as the same facts.
	neo4jtest.Exec(t, uri, "MATCH (n:Entity) WHERE n.id CONTAINS $tag DETACH DELETE n", map[string]any{"tag": tag})
	neo4jtest.Exec(t, uri, "MATCH (f:CaseFile) WHERE f.name STARTS WITH $tag DELETE f", map[string]any{"tag": tag})
	runCmd(t, uri, "import", filepath.Join(out, names[0]))
	runCmd(t, uri, "import", filepath.Join(out, names[1]))
	if after := snapshot(t, uri, names); after != before {
		t.Errorf("the export imports back as another graph:\n%s", neo4jtest.LineDiff(before, after))
	}
}

// lineWith reports whether a line of the snapshot holds all of parts.
func lineWith(snapshot string, parts ...string) bool {
	for _, l := range strings.Split(snapshot, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			return true
		}
	}
	return false
}
