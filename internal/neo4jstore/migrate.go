package neo4jstore

// Migrations: how the graph's schema (and, when a model change needs it,
// its data) moves from one release to the next.
//
// Each file migrations/NNN_name.cypher is one migration; NNN is its version
// and files are applied in that order. A file holds statements separated by
// a semicolon at the end of a line; lines starting with // are comments.
//
// The graph records each applied file as a (:SchemaMigration {version,
// file, checksum, appliedAt}) node, unique by version; the schema version
// is the highest recorded one. Migrate applies, in order, only the files
// not yet recorded, and records each once all its statements succeeded.
// It refuses to touch the graph when:
//   - a recorded file's checksum (SHA-256 of its statements, comments
//     excluded) differs from this binary's: a released migration must never
//     change; add a new file instead;
//   - the graph records a migration this binary does not know: the graph
//     was migrated by a newer casegraph, and an older one must not run
//     against it.
//
// A graph from a release before this record existed has no records: all its
// files count as pending, and since every statement is idempotent (schema
// statements say IF NOT EXISTS; 010_uncertain_dates.cypher, a data
// migration, only matches dates not yet rewritten), applying them again
// changes nothing but the record.
//
// Rules for a migration's statements:
//   - Schema statements (CREATE/DROP ... INDEX|CONSTRAINT) use IF NOT
//     EXISTS / IF EXISTS and run each in its own transaction: Neo4j does not
//     let schema and data changes share one.
//   - Data statements are parameterless Cypher, each run as an auto-commit
//     transaction, so they may use CALL { ... } IN TRANSACTIONS to change
//     many nodes in batches. They must be idempotent (match only what still
//     needs the change, e.g. WHERE n.newProperty IS NULL): a statement may
//     run twice when two processes start at once on one Neo4j, or when a
//     process stops after a statement but before the file's record.
//   - After a file whose data statements changed something, Migrate raises
//     the graph version, so answers kept by running processes are not
//     served stale.
//   - A statement must not contain a line that ends with a semicolon other
//     than its last.
//
// Several processes may start at once on one Neo4j: each applies what it
// finds pending. Schema statements are idempotent and a lost race to create
// the same rule is ignored (alreadyExists); data statements are idempotent
// by the rule above; the record is MERGEd on its unique version, so one
// record per file results whoever writes it first.

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

//go:embed migrations/*.cypher
var embedded embed.FS

// migrationFiles is the embedded migrations directory, each file at its
// root, as Options.Migrations expects.
var migrationFiles = func() fs.FS {
	sub, err := fs.Sub(embedded, "migrations")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}()

// Migration is one file of migrations: its version, name, statements and
// checksum.
type Migration struct {
	Version    int
	File       string
	Statements []string
	// Checksum is the hex SHA-256 of the statements, so a comment may be
	// reworded after a release but a statement may not.
	Checksum string
}

var schemaStatement = regexp.MustCompile(`(?i)^(CREATE|DROP)\s+((RANGE|TEXT|POINT|FULLTEXT|LOOKUP|VECTOR)\s+)?(INDEX|CONSTRAINT)\b`)

// isSchema reports whether stmt changes the schema rather than data.
func isSchema(stmt string) bool { return schemaStatement.MatchString(stmt) }

var migrationName = regexp.MustCompile(`^([0-9]+)_[a-z0-9_]+\.cypher$`)

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) { return readMigrations(migrationFiles) }

// readMigrations reads every NNN_name.cypher at the root of src, in version
// order; a file named otherwise, or two files of one version, is an error.
func readMigrations(src fs.FS) ([]Migration, error) {
	names, err := fs.Glob(src, "*.cypher")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int]string{}
	for _, name := range names {
		m := migrationName.FindStringSubmatch(name)
		if m == nil {
			return nil, kg.Errorf(kg.Internal, "migration file %s: the name must be NNN_name.cypher (digits, then lower-case letters, digits and _)", name)
		}
		version, err := strconv.Atoi(m[1])
		if err != nil || version <= 0 {
			return nil, kg.Errorf(kg.Internal, "migration file %s: version %q is not a positive number", name, m[1])
		}
		if other, dup := seen[version]; dup {
			return nil, kg.Errorf(kg.Internal, "migration files %s and %s have the same version %d", other, name, version)
		}
		seen[version] = name
		b, err := fs.ReadFile(src, name)
		if err != nil {
			return nil, err
		}
		stmts := splitStatements(string(b))
		sum := sha256.Sum256([]byte(strings.Join(stmts, ";\n")))
		out = append(out, Migration{Version: version, File: name, Statements: stmts, Checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// alreadyExists reports the error of a schema statement that lost a race
// with the same statement run by another process at the same moment: IF
// NOT EXISTS does not cover that case, and the rule is in place either way.
func alreadyExists(err error) bool {
	var n4e *neo4j.Neo4jError
	if !errors.As(err, &n4e) {
		return false
	}
	switch n4e.Code {
	case "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
		"Neo.ClientError.Schema.IndexAlreadyExists",
		"Neo.ClientError.Schema.ConstraintAlreadyExists":
		return true
	}
	return false
}

// splitStatements splits a file on semicolons that end a line, dropping
// comment lines; a statement never contains such a semicolon.
func splitStatements(src string) []string {
	var stmts []string
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "//") {
			continue
		}
		cur.WriteString(t)
		cur.WriteByte(' ')
		if strings.HasSuffix(t, ";") {
			stmts = append(stmts, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		stmts = append(stmts, s)
	}
	return stmts
}

// MigrationState is where one migration stands in the graph.
type MigrationState string

const (
	MigrationApplied MigrationState = "applied"
	MigrationPending MigrationState = "pending"
	// MigrationChanged: recorded with a checksum other than this binary's.
	MigrationChanged MigrationState = "changed since applied"
	// MigrationUnknown: recorded in the graph but not in this binary, which
	// is older than the graph.
	MigrationUnknown MigrationState = "unknown to this casegraph"
)

// MigrationStatus is one migration as this binary and the graph know it.
type MigrationStatus struct {
	Version   int
	File      string
	State     MigrationState
	AppliedAt time.Time // zero when pending
}

// MigrationReport is what MigrationStatus finds.
type MigrationReport struct {
	// SchemaVersion is the highest version the graph records; 0 when it
	// records none.
	SchemaVersion int
	// Latest is the highest version this binary knows.
	Latest     int
	Migrations []MigrationStatus // by version
}

// Current reports whether every migration is applied and none changed or
// unknown.
func (r MigrationReport) Current() bool {
	for _, m := range r.Migrations {
		if m.State != MigrationApplied {
			return false
		}
	}
	return true
}

// schemaMigrationConstraint keeps one record per version, also when two
// processes record the same file at once. It is created before any record
// is read or written, so it cannot be a numbered migration itself.
const schemaMigrationConstraint = `CREATE CONSTRAINT schema_migration_version IF NOT EXISTS FOR (m:SchemaMigration) REQUIRE m.version IS UNIQUE`

// record is a (:SchemaMigration) node as read from the graph.
type record struct {
	file, checksum string
	appliedAt      time.Time
}

// records reads the applied migrations by version.
func (s *Store) records(ctx context.Context) (map[int]record, error) {
	res, err := s.execute(ctx, neo4j.AccessModeWrite, `
		MATCH (m:SchemaMigration)
		RETURN m.version AS version, m.file AS file, m.checksum AS checksum, m.appliedAt AS appliedAt`,
		nil)
	if err != nil {
		return nil, translate(err, "reading the applied migrations failed")
	}
	out := map[int]record{}
	for _, rec := range res.Records {
		r := rowOf(rec, "reading the applied migrations")
		version, file, checksum := r.num("version"), r.str("file"), r.str("checksum")
		if err := r.err(); err != nil {
			return nil, err
		}
		at, err := col[time.Time](rec, "reading the applied migrations", "appliedAt")
		if err != nil {
			return nil, err
		}
		out[int(version)] = record{file: file, checksum: checksum, appliedAt: at}
	}
	return out, nil
}

// report compares this binary's migrations with the graph's records.
func report(ms []Migration, recs map[int]record) MigrationReport {
	var r MigrationReport
	known := map[int]bool{}
	for _, m := range ms {
		known[m.Version] = true
		r.Latest = max(r.Latest, m.Version)
		st := MigrationStatus{Version: m.Version, File: m.File, State: MigrationPending}
		if rec, ok := recs[m.Version]; ok {
			st.AppliedAt = rec.appliedAt
			st.State = MigrationApplied
			if rec.file != m.File || rec.checksum != m.Checksum {
				st.State = MigrationChanged
			}
		}
		r.Migrations = append(r.Migrations, st)
	}
	for v, rec := range recs {
		r.SchemaVersion = max(r.SchemaVersion, v)
		if !known[v] {
			r.Migrations = append(r.Migrations, MigrationStatus{Version: v, File: rec.file, State: MigrationUnknown, AppliedAt: rec.appliedAt})
		}
	}
	sort.Slice(r.Migrations, func(i, j int) bool { return r.Migrations[i].Version < r.Migrations[j].Version })
	return r
}

// MigrationStatus reports each migration's state and the schema version
// without changing the graph.
func (s *Store) MigrationStatus(ctx context.Context) (MigrationReport, error) {
	ms, err := readMigrations(s.migrations)
	if err != nil {
		return MigrationReport{}, err
	}
	recs, err := s.records(ctx)
	if err != nil {
		return MigrationReport{}, err
	}
	return report(ms, recs), nil
}

// refusal says why Migrate will not touch the graph, or nil.
func (s *Store) refusal(r MigrationReport) error {
	for _, m := range r.Migrations {
		switch m.State {
		case MigrationChanged:
			return kg.Errorf(kg.Conflict, "database %q: migration %d (%s) was applied on %s with other statements than this casegraph's: a released migration must never change; restore the file as released and put the change in a new migration",
				s.db, m.Version, m.File, m.AppliedAt.UTC().Format(time.RFC3339))
		case MigrationUnknown:
			return kg.Errorf(kg.Conflict, "database %q is at schema version %d, newer than this casegraph knows (%d; migration %s is not in it): run the casegraph release that migrated it, or a newer one",
				s.db, r.SchemaVersion, r.Latest, m.File)
		}
	}
	return nil
}

// Migrate applies, in version order, the migrations the graph does not
// record, records each, and waits until the indexes are online. It returns
// the migrations it applied: none when the graph is current.
func (s *Store) Migrate(ctx context.Context) ([]Migration, error) {
	ms, err := readMigrations(s.migrations)
	if err != nil {
		return nil, err
	}
	if err := s.schemaStatement(ctx, schemaMigrationConstraint, "the schema migration record"); err != nil {
		return nil, err
	}
	recs, err := s.records(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.refusal(report(ms, recs)); err != nil {
		return nil, err
	}
	var applied []Migration
	for _, m := range ms {
		if _, done := recs[m.Version]; done {
			continue
		}
		if err := s.apply(ctx, m); err != nil {
			return applied, err
		}
		applied = append(applied, m)
	}
	if _, err := s.execute(ctx, neo4j.AccessModeWrite, "CALL db.awaitIndexes(300)", nil); err != nil {
		return applied, translate(err, "waiting for indexes failed")
	}
	if err := s.ensureDupKeys(ctx); err != nil {
		return applied, err
	}
	return applied, s.ensureRows(ctx)
}

// apply runs one migration's statements and records it.
func (s *Store) apply(ctx context.Context, m Migration) error {
	where := fmt.Sprintf("migration %s", m.File)
	changed := false
	for i, stmt := range m.Statements {
		if isSchema(stmt) {
			if err := s.schemaStatement(ctx, stmt, where); err != nil {
				return err
			}
			continue
		}
		c, err := s.dataStatement(ctx, stmt)
		if err != nil {
			return translate(err, fmt.Sprintf("%s failed at statement %d", where, i+1))
		}
		changed = changed || c
	}
	if changed {
		if _, err := s.execute(ctx, neo4j.AccessModeWrite, changeQuery, everything.params()); err != nil {
			return translate(err, where+": raising the graph version failed")
		}
	}
	// ON MATCH keeps the first record when another process applied the
	// same file at the same moment; the checksum is compared at next start.
	_, err := s.execute(ctx, neo4j.AccessModeWrite, `
		MERGE (r:SchemaMigration {version: $version})
		ON CREATE SET r.file = $file, r.checksum = $checksum, r.appliedAt = datetime()`,
		map[string]any{"version": m.Version, "file": m.File, "checksum": m.Checksum})
	return translate(err, where+": recording it failed")
}

// schemaStatement runs one schema statement in a transaction of its own.
func (s *Store) schemaStatement(ctx context.Context, stmt, where string) error {
	_, err := s.execute(ctx, neo4j.AccessModeWrite, stmt, nil)
	if err != nil && !alreadyExists(err) {
		return translate(err, where+" failed")
	}
	return nil
}

// dataStatement runs one data statement as an auto-commit transaction, the
// only kind in which CALL { ... } IN TRANSACTIONS may run, and reports
// whether it changed anything. Data statements are idempotent, so a
// transient failure is retried as a read would be.
func (s *Store) dataStatement(ctx context.Context, stmt string) (bool, error) {
	res, err := retryRead(ctx, maxRetryTime, func() (*neo4j.EagerResult, error) {
		return s.autoCommitOnce(ctx, neo4j.AccessModeWrite, stmt, nil, nil)
	})
	if err != nil {
		return false, err
	}
	return res.Summary.Counters().ContainsUpdates(), nil
}
