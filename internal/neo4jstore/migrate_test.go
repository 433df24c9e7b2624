package neo4jstore_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// previousRelease is the highest migration version of the last release
// that did not record its migrations: a graph it made has the schema of
// files 001 to this one and no (:SchemaMigration) nodes.
const previousRelease = 16

// These tests change the schema and the migration record of the leased
// database, so none of them runs in parallel; each leaves the record
// empty, which the next Migrate fills again.

// forgetMigrations deletes the migration record now and when the test ends.
func forgetMigrations(t *testing.T, uri string) {
	t.Helper()
	forget := func() { neo4jtest.Exec(t, uri, "MATCH (m:SchemaMigration) DELETE m", nil) }
	forget()
	t.Cleanup(forget)
}

// dropSchema removes every constraint and index but Neo4j's own lookup
// indexes, and the migration record: the graph is as before any migration.
func dropSchema(t *testing.T, uri string) {
	t.Helper()
	forgetMigrations(t, uri)
	for _, r := range neo4jtest.Exec(t, uri, "SHOW CONSTRAINTS YIELD name RETURN name", nil) {
		name, _ := r.Get("name")
		neo4jtest.Exec(t, uri, "DROP CONSTRAINT `"+name.(string)+"` IF EXISTS", nil)
	}
	for _, r := range neo4jtest.Exec(t, uri, "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name", nil) {
		name, _ := r.Get("name")
		neo4jtest.Exec(t, uri, "DROP INDEX `"+name.(string)+"` IF EXISTS", nil)
	}
}

// migrateAsBefore migrates the way releases up to previousRelease did:
// every schema statement of their files, each on its own, and no record.
func migrateAsBefore(t *testing.T, uri string) {
	t.Helper()
	ms, err := neo4jstore.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version > previousRelease {
			break
		}
		for _, stmt := range m.Statements {
			neo4jtest.Exec(t, uri, stmt, nil)
		}
	}
	neo4jtest.Exec(t, uri, "CALL db.awaitIndexes(300)", nil)
}

// recorded returns the record as "version file checksum" lines.
func recorded(t *testing.T, uri string) []string {
	t.Helper()
	var out []string
	for _, r := range neo4jtest.Exec(t, uri, "MATCH (m:SchemaMigration) RETURN m ORDER BY m.version", nil) {
		n, _ := r.Get("m")
		p := n.(interface{ GetProperties() map[string]any }).GetProperties()
		out = append(out, fmt.Sprint(p["version"], " ", p["file"], " ", p["checksum"]))
	}
	return out
}

// want returns the lines recorded says for ms.
func want(ms []neo4jstore.Migration) []string {
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprint(m.Version, " ", m.File, " ", m.Checksum))
	}
	return out
}

func status(t *testing.T, s *neo4jstore.Store) neo4jstore.MigrationReport {
	t.Helper()
	r, err := s.MigrationStatus(context.Background())
	if err != nil {
		t.Fatalf("migration status: %v", err)
	}
	return r
}

func TestMigrateRecordsEveryFileOnce(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	ctx := context.Background()
	ms, err := neo4jstore.Migrations()
	if err != nil || len(ms) < previousRelease {
		t.Fatalf("embedded migrations: %d, %v", len(ms), err)
	}
	latest := ms[len(ms)-1].Version
	dropSchema(t, uri)

	applied, err := s.Migrate(ctx)
	if err != nil {
		t.Fatalf("migrate a fresh graph: %v", err)
	}
	if fmt.Sprint(want(applied)) != fmt.Sprint(want(ms)) {
		t.Errorf("applied %v, want every file in order %v", want(applied), want(ms))
	}
	if got := recorded(t, uri); fmt.Sprint(got) != fmt.Sprint(want(ms)) {
		t.Errorf("recorded %v, want %v", got, want(ms))
	}
	r := status(t, s)
	if r.SchemaVersion != latest || r.Latest != latest || !r.Current() {
		t.Errorf("status after migrate: %+v, want schema version %d and current", r, latest)
	}
	recs := neo4jtest.Exec(t, uri, "SHOW CONSTRAINTS YIELD name WHERE name IN ['entity_id', 'schema_migration_version'] RETURN count(*) AS n", nil)
	if n, _ := recs[0].Get("n"); n != int64(2) {
		t.Errorf("constraints entity_id and schema_migration_version: %v present, want 2", n)
	}

	again, err := s.Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Errorf("second migrate applied %v (%v), want nothing", want(again), err)
	}

	// Processes that start at once on one Neo4j all succeed, and the
	// graph records each file once.
	t.Run("at once", func(t *testing.T) {
		stores := []*neo4jstore.Store{s, neo4jtest.StoreAt(t, uri), neo4jtest.StoreAt(t, uri)}
		forgetMigrations(t, uri)
		var wg sync.WaitGroup
		errs := make([]error, len(stores))
		for i, other := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = other.Migrate(ctx)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("process %d: %v", i, err)
			}
		}
		if got := recorded(t, uri); fmt.Sprint(got) != fmt.Sprint(want(ms)) {
			t.Errorf("recorded %v, want each file once: %v", got, want(ms))
		}
	})
}

// graphState is what the upgrade must leave as it was: the counts, the
// entities of a few case files with their properties and relationships,
// the graph version, and the answers to a few questions.
func graphState(t *testing.T, uri string, s *neo4jstore.Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"MATCH (n) WHERE NOT n:SchemaMigration RETURN count(n) AS nodes",
		"MATCH ()-[r]->() RETURN count(r) AS relationships",
		"OPTIONAL MATCH (g:GraphState {id: 'graph'}) RETURN properties(g) AS state",
		`MATCH (f:CaseFile) WHERE f.name IN ['mamai.yaml', 'common.yaml', 'sources.yaml', 'airport.yaml']
		 UNWIND f.entities AS id MATCH (n:Entity {id: id})
		 WITH n ORDER BY n.id
		 RETURN count(n) AS nodes, sum(count { (n)-[]->() }) AS rels, collect(properties(n)) AS props`,
	} {
		fmt.Fprintln(&b, neo4jtest.Exec(t, uri, q, nil)[0].Values)
	}
	for _, f := range mamaiFacts {
		fmt.Fprintln(&b, f.name, neo4jtest.Exec(t, uri, f.query, map[string]any{"iphr": iphr})[0].Values)
	}
	stats, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(&b, stats.ByType)
	return b.String()
}

// A graph made by the release before migrations were recorded holds data
// and the schema but no record: Migrate records every file and changes no
// data.
func TestMigrateUpgradesAGraphOfThePreviousRelease(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	ctx := context.Background()
	dropSchema(t, uri)
	migrateAsBefore(t, uri)
	neo4jtest.ImportBundled(t, s)

	ms, err := neo4jstore.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	before := status(t, s)
	if before.SchemaVersion != 0 || len(before.Migrations) != len(ms) {
		t.Fatalf("status of the old graph: %+v, want no version and every file listed", before)
	}
	for _, m := range before.Migrations {
		if m.State != neo4jstore.MigrationPending || !m.AppliedAt.IsZero() {
			t.Errorf("old graph: %s is %s, want pending", m.File, m.State)
		}
	}
	oldState := graphState(t, uri, s)
	oldStats, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if oldStats.ByType[0].Count == 0 {
		t.Fatal("the old graph holds no people: the bundled cases were not imported")
	}

	applied, err := s.Migrate(ctx)
	if err != nil {
		t.Fatalf("migrating the old graph: %v", err)
	}
	if len(applied) != len(ms) {
		t.Errorf("applied %d files, want all %d", len(applied), len(ms))
	}
	if got := recorded(t, uri); fmt.Sprint(got) != fmt.Sprint(want(ms)) {
		t.Errorf("recorded %v, want %v", got, want(ms))
	}
	after := status(t, s)
	if after.SchemaVersion != ms[len(ms)-1].Version || !after.Current() {
		t.Errorf("status after the upgrade: %+v", after)
	}
	if newState := graphState(t, uri, s); newState != oldState {
		t.Errorf("the upgrade changed the data:\nbefore %.500s\nafter  %.500s", oldState, newState)
	}
	newStats, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The records are the store's own nodes, which stats does not count.
	if newStats.Nodes != oldStats.Nodes || newStats.Relationships != oldStats.Relationships {
		t.Errorf("stats went from %+v to %+v; want them unchanged", oldStats, newStats)
	}
}

// releasedFiles returns the migration files as released, for sets that
// change or add to them.
func releasedFiles(t *testing.T) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	names, err := fs.Glob(os.DirFS("migrations"), "*.cypher")
	if err != nil || len(names) == 0 {
		t.Fatalf("migration files: %v, %v", names, err)
	}
	for _, n := range names {
		b, err := os.ReadFile("migrations/" + n)
		if err != nil {
			t.Fatal(err)
		}
		out[n] = &fstest.MapFile{Data: b}
	}
	return out
}

// openWith opens a store on uri whose migrations are files; it does not
// migrate.
func openWith(t *testing.T, uri string, files fs.FS) *neo4jstore.Store {
	t.Helper()
	s, err := neo4jstore.Open(neo4jstore.Options{URI: uri, Database: "neo4j", Migrations: files})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func TestMigrateRefusesAChangedOrNewerRecord(t *testing.T) {
	uri := neo4jtest.URI(t)
	neo4jtest.StoreAt(t, uri)
	ctx := context.Background()
	ms, err := neo4jstore.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	last := ms[len(ms)-1]
	// Each case leaves the last file unrecorded: a Migrate that went on
	// would record it.
	refused := func(t *testing.T, s *neo4jstore.Store, says ...string) {
		t.Helper()
		neo4jtest.Exec(t, uri, "MATCH (m:SchemaMigration {version: $v}) DELETE m", map[string]any{"v": last.Version})
		applied, err := s.Migrate(ctx)
		if err == nil || kg.ErrorCode(err) != kg.Conflict || len(applied) != 0 {
			t.Fatalf("Migrate = %v, %v; want a %s refusal and nothing applied", want(applied), err, kg.Conflict)
		}
		for _, w := range append(says, `database "neo4j"`) {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q does not say %q", err, w)
			}
		}
		if n := neo4jtest.Exec(t, uri, "MATCH (m:SchemaMigration {version: $v}) RETURN count(m) AS n", map[string]any{"v": last.Version})[0].Values[0]; n != int64(0) {
			t.Errorf("the refused Migrate recorded %s", last.File)
		}
	}

	t.Run("changed since applied", func(t *testing.T) {
		forgetMigrations(t, uri)
		neo4jtest.StoreAt(t, uri) // records the files as released
		files := releasedFiles(t)
		changed := ms[0].File
		files[changed] = &fstest.MapFile{Data: append(files[changed].Data, "CREATE INDEX entity_changed IF NOT EXISTS FOR (n:Entity) ON (n.changed);\n"...)}
		s := openWith(t, uri, files)
		refused(t, s, changed, "must never change")
		r := status(t, s)
		if r.Migrations[0].State != neo4jstore.MigrationChanged || r.Current() {
			t.Errorf("status: %+v, want %s %s", r.Migrations[0], changed, neo4jstore.MigrationChanged)
		}
		if n := neo4jtest.Exec(t, uri, "SHOW INDEXES YIELD name WHERE name = 'entity_changed' RETURN count(*) AS n", nil)[0].Values[0]; n != int64(0) {
			t.Error("the changed statement ran")
		}
	})

	t.Run("graph newer than this binary", func(t *testing.T) {
		forgetMigrations(t, uri)
		s := neo4jtest.StoreAt(t, uri)
		future := fmt.Sprintf("%03d_from_the_future.cypher", last.Version+1)
		neo4jtest.Exec(t, uri, "CREATE (:SchemaMigration {version: $v, file: $f, checksum: 'x', appliedAt: datetime()})", map[string]any{"v": last.Version + 1, "f": future})
		refused(t, s, future, fmt.Sprintf("schema version %d, newer than this casegraph knows (%d", last.Version+1, last.Version))
		r := status(t, s)
		if r.SchemaVersion != last.Version+1 || r.Migrations[len(r.Migrations)-1].State != neo4jstore.MigrationUnknown || r.Current() {
			t.Errorf("status: %+v, want version %d and %s unknown", r, last.Version+1, future)
		}
	})
}

// A data migration of a test's own runs once, after the files before it,
// however often Migrate runs.
func TestMigrateRunsADataMigrationOnce(t *testing.T) {
	uri := neo4jtest.URI(t)
	neo4jtest.StoreAt(t, uri)
	forgetMigrations(t, uri)
	t.Cleanup(func() {
		neo4jtest.Exec(t, uri, "MATCH (n) WHERE n:MigrateTestWidget OR n:MigrateTestRuns DELETE n", nil)
		neo4jtest.Exec(t, uri, "DROP CONSTRAINT migrate_test_widget IF EXISTS", nil)
	})
	ctx := context.Background()
	// These data statements are not idempotent, as a real migration's must
	// be: each run shows, as a count or as sizes added again.
	files := fstest.MapFS{
		"001_widgets.cypher": {Data: []byte(`// schema, then data that needs it
CREATE CONSTRAINT migrate_test_widget IF NOT EXISTS FOR (w:MigrateTestWidget) REQUIRE w.id IS UNIQUE;
UNWIND range(1, 5) AS i MERGE (:MigrateTestWidget {id: i});
MERGE (r:MigrateTestRuns {id: 1}) SET r.n = coalesce(r.n, 0) + 1;
`)},
		"002_sizes.cypher": {Data: []byte(`// in batches, which needs an auto-commit transaction
MATCH (w:MigrateTestWidget)
CALL (w) { SET w.size = coalesce(w.size, 0) + w.id * 10 } IN TRANSACTIONS OF 2 ROWS;
`)},
	}
	runs := func() string {
		return fmt.Sprint(neo4jtest.Exec(t, uri, `
			OPTIONAL MATCH (r:MigrateTestRuns) WITH r ORDER BY r.id
			WITH collect(r.n) AS runs
			OPTIONAL MATCH (w:MigrateTestWidget) WITH runs, w ORDER BY w.id
			RETURN runs, collect(w.size) AS sizes`, nil)[0].Values)
	}
	version := func() any {
		return neo4jtest.Exec(t, uri, "OPTIONAL MATCH (g:GraphState {id: 'graph'}) RETURN coalesce(g.version, 0) AS v", nil)[0].Values[0]
	}
	s := openWith(t, uri, files)
	v0 := version()
	applied, err := s.Migrate(ctx)
	if err != nil || len(applied) != 2 {
		t.Fatalf("first migrate: %v, %v; want both files", want(applied), err)
	}
	if got := runs(); got != "[[1] [10 20 30 40 50]]" {
		t.Errorf("after the first migrate: runs and sizes %s, want each file once and every size", got)
	}
	if v1 := version(); v1 != v0.(int64)+2 {
		t.Errorf("graph version went from %v to %v, want one raise per file that changed data", v0, v1)
	}
	again, err := s.Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Errorf("second migrate: %v, %v; want nothing applied", want(again), err)
	}
	files["003_more.cypher"] = &fstest.MapFile{Data: []byte("MERGE (r:MigrateTestRuns {id: 3}) SET r.n = coalesce(r.n, 0) + 1;\n")}
	third, err := openWith(t, uri, files).Migrate(ctx)
	if err != nil || len(third) != 1 || third[0].File != "003_more.cypher" {
		t.Errorf("with a new file: applied %v, %v; want only 003_more.cypher", want(third), err)
	}
	if got := runs(); got != "[[1 1] [10 20 30 40 50]]" {
		t.Errorf("after three migrates: runs and sizes %s, want each file once", got)
	}
	if r := status(t, s); r.SchemaVersion != 3 || !r.Current() {
		t.Errorf("status: %+v, want version 3, current", r)
	}
}

func TestReadMigrations(t *testing.T) {
	for _, c := range []struct {
		name  string
		files fstest.MapFS
		want  string // versions in order, or part of the error
	}{
		{"by number, not by name", fstest.MapFS{"10_b.cypher": {Data: []byte("RETURN 1;")}, "9_a.cypher": {Data: []byte("RETURN 2;")}}, "[9 10]"},
		{"a name without a version", fstest.MapFS{"widgets.cypher": {}}, "NNN_name.cypher"},
		{"two files of one version", fstest.MapFS{"001_a.cypher": {}, "1_b.cypher": {}}, "same version 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ms, err := neo4jstore.ReadMigrations(c.files)
			var got string
			if err != nil {
				got = err.Error()
			} else {
				var vs []int
				for _, m := range ms {
					vs = append(vs, m.Version)
				}
				got = fmt.Sprint(vs)
			}
			if !strings.Contains(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	// A comment may change after a release; a statement may not.
	a, _ := neo4jstore.ReadMigrations(fstest.MapFS{"1_a.cypher": {Data: []byte("// one\nRETURN 1;")}})
	b, _ := neo4jstore.ReadMigrations(fstest.MapFS{"1_a.cypher": {Data: []byte("// two\nRETURN 1;\n")}})
	c, _ := neo4jstore.ReadMigrations(fstest.MapFS{"1_a.cypher": {Data: []byte("RETURN 2;")}})
	if a[0].Checksum != b[0].Checksum || a[0].Checksum == c[0].Checksum {
		t.Errorf("checksums %s %s %s: want the first two equal and the third different", a[0].Checksum, b[0].Checksum, c[0].Checksum)
	}
}
