package neo4jstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

//go:embed migrations/*.cypher
var migrations embed.FS

// Migration is one schema statement and the file it comes from.
type Migration struct {
	File      string
	Statement string
}

// Migrations returns the embedded schema statements in file order.
func Migrations() ([]Migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.cypher")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Migration
	for _, name := range names {
		b, err := migrations.ReadFile(name)
		if err != nil {
			return nil, err
		}
		for _, stmt := range splitStatements(string(b)) {
			out = append(out, Migration{File: strings.TrimPrefix(name, "migrations/"), Statement: stmt})
		}
	}
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
// comment lines; schema statements never contain such a semicolon.
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

// Migrate applies every schema statement, each in its own transaction as
// Neo4j requires, and waits until the indexes are online. Statements use
// IF NOT EXISTS, so running Migrate again changes nothing.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	ms, err := Migrations()
	if err != nil {
		return 0, err
	}
	for _, m := range ms {
		if _, err := neo4j.ExecuteQuery(ctx, s.driver, m.Statement, nil, neo4j.EagerResultTransformer, s.write()...); err != nil && !alreadyExists(err) {
			return 0, translate(err, fmt.Sprintf("migration %s failed", m.File))
		}
	}
	if _, err := neo4j.ExecuteQuery(ctx, s.driver, "CALL db.awaitIndexes(300)", nil, neo4j.EagerResultTransformer, s.write()...); err != nil {
		return 0, translate(err, "waiting for indexes failed")
	}
	return len(ms), nil
}
