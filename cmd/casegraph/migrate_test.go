package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// `migrate -status` lists what `migrate` would apply and exits non-zero
// until nothing is left; `migrate` applies it and says what it applied.
func TestMigrateStatusAndApply(t *testing.T) {
	uri := neo4jtest.URI(t)
	neo4jtest.StoreAt(t, uri)
	forget := func() { neo4jtest.Exec(t, uri, "MATCH (m:SchemaMigration) DELETE m", nil) }
	forget() // as on a graph that records no migration
	t.Cleanup(forget)
	ms, err := neo4jstore.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	latest := ms[len(ms)-1].Version

	out, _, err := runOnce(uri, "migrate", "-status")
	if !errors.Is(err, errNotCurrent) {
		t.Errorf("migrate -status on a graph with nothing recorded: error %v, want %v", err, errNotCurrent)
	}
	for _, m := range ms {
		if !regexp.MustCompile(fmt.Sprintf(`(?m)^%d +%s +pending$`, m.Version, regexp.QuoteMeta(m.File))).MatchString(out) {
			t.Errorf("migrate -status does not list %s as pending:\n%s", m.File, out)
		}
	}
	if !strings.Contains(out, fmt.Sprintf("schema version 0; this casegraph knows up to %d", latest)) {
		t.Errorf("migrate -status does not give the schema version 0:\n%s", out)
	}
	if n := neo4jtest.Exec(t, uri, "MATCH (m:SchemaMigration) RETURN count(m) AS n", nil)[0].Values[0]; n != int64(0) {
		t.Errorf("migrate -status recorded %v migrations", n)
	}

	out = runCmd(t, uri, "migrate")
	for _, m := range ms {
		if !strings.Contains(out, "applied "+m.File) {
			t.Errorf("migrate does not say it applied %s:\n%s", m.File, out)
		}
	}
	if !strings.Contains(out, fmt.Sprintf("at schema version %d", latest)) {
		t.Errorf("migrate does not give the new schema version %d:\n%s", latest, out)
	}

	out = runCmd(t, uri, "migrate", "-status")
	if strings.Contains(out, "pending") || !strings.Contains(out, fmt.Sprintf("schema version %d;", latest)) {
		t.Errorf("migrate -status after migrate:\n%s", out)
	}
	for _, m := range ms {
		if !regexp.MustCompile(fmt.Sprintf(`(?m)^%d +%s +\d{4}-\d\d-\d\dT`, m.Version, regexp.QuoteMeta(m.File))).MatchString(out) {
			t.Errorf("migrate -status does not give when %s was applied:\n%s", m.File, out)
		}
	}
	if out := runCmd(t, uri, "migrate"); !strings.Contains(out, "nothing to apply") || strings.Contains(out, "applied ") {
		t.Errorf("a second migrate:\n%s", out)
	}

	// A record that no longer matches its file is shown, and fails both.
	neo4jtest.Exec(t, uri, "MATCH (m:SchemaMigration {version: $v}) SET m.checksum = 'other'", map[string]any{"v": ms[0].Version})
	out, _, err = runOnce(uri, "migrate", "-status")
	if !errors.Is(err, errNotCurrent) || !regexp.MustCompile(fmt.Sprintf(`(?m)^%d +%s +changed since applied`, ms[0].Version, regexp.QuoteMeta(ms[0].File))).MatchString(out) {
		t.Errorf("migrate -status with a changed file: %v\n%s", err, out)
	}
	if _, _, err := runOnce(uri, "migrate"); err == nil || !strings.Contains(err.Error(), "must never change") {
		t.Errorf("migrate with a changed file: %v, want a refusal", err)
	}
}

// `migrate -rebuild-rows` repairs the conviction rows after a change made
// to Neo4j behind casegraph's back: counts follow the graph again.
func TestMigrateRebuildsConvictionRows(t *testing.T) {
	uri := neo4jtest.URI(t)
	neo4jtest.StoreAt(t, uri)
	// The row a case deleted by hand leaves behind, as casegraph wrote it.
	neo4jtest.Exec(t, uri, `CREATE (:ConvictionRow {case: 'case/gone-rebuild-test', person: 'person/gone', charge: 'charge/gone', group: false,
		category: 'rebuild-test-category', restrictions: [], restrictionKinds: [], restrictionCounts: [], cities: [], parties: []})`, nil)
	counted := func() bool {
		recs := neo4jtest.Exec(t, uri, "MATCH (r:ConvictionRow {category: 'rebuild-test-category'}) RETURN count(r) AS n", nil)
		return recs[0].Values[0] != int64(0)
	}
	if !counted() {
		t.Fatal("the stray row was not written")
	}
	out := runCmd(t, uri, "migrate", "-rebuild-rows")
	if !strings.Contains(out, "conviction rows rebuilt") {
		t.Errorf("migrate -rebuild-rows says:\n%s", out)
	}
	if counted() {
		t.Error("a row of a case that is not in the graph survived the rebuild")
	}
}
