package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// Every command that opens the store stops at the first login Neo4j
// refuses, saying which settings to fix, instead of waiting for Neo4j:
// each retry would count towards Neo4j's limit on failed logins (three in
// a row lock the user out for a while, right password and all).
func TestRefusedLoginFailsAtOnce(t *testing.T) {
	db := neo4jtest.Launch(t, neo4jtest.WithPassword("casegraph-test-password"))
	caseFile := filepath.Join(t.TempDir(), "empty.yaml")
	if err := os.WriteFile(caseFile, []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	commands := [][]string{{"serve"}, {"migrate"}, {"import", caseFile}, {"token", "list"}}
	logins := []struct {
		name, password string
		want           []string // in the error
	}{
		{"no password", "", []string{"NEO4J_PASSWORD is not set", `NEO4J_USER, now "neo4j"`}},
		{"wrong password", "not-the-password", []string{`refused user "neo4j" with the password in NEO4J_PASSWORD`, "check NEO4J_USER and NEO4J_PASSWORD"}},
	}
	for _, args := range commands {
		for _, login := range logins {
			t.Run(strings.Join(args[:1], " ")+" with "+login.name, func(t *testing.T) {
				env := map[string]string{
					"NEO4J_URI":            db.URI,
					"NEO4J_PASSWORD":       login.password,
					"CASEGRAPH_ADDR":       fmt.Sprintf("127.0.0.1:%d", neo4jtest.FreePort(t)),
					"CASEGRAPH_NEO4J_WAIT": "5s",
				}
				var stdout, stderr bytes.Buffer
				err := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
				if err == nil {
					t.Fatalf("%s logged in with %s", args[0], login.name)
				}
				for _, want := range append(login.want, "casegraph cannot log in to Neo4j") {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not say %q", err, want)
					}
				}
				if strings.Contains(stderr.String(), "waiting for Neo4j") {
					t.Errorf("%s tried to log in again:\n%s", args[0], stderr.String())
				}
				// One failure leaves the user unlocked: the right password
				// works at once (and resets Neo4j's count of failures).
				if err := loginOnce(db, db.Password); err != nil {
					t.Errorf("after %s with %s, the right password is refused: %v", args[0], login.name, err)
				}
			})
		}
	}
	t.Run("user locked out by failed logins", func(t *testing.T) {
		for range 3 {
			_ = loginOnce(db, "not-the-password")
		}
		env := map[string]string{"NEO4J_URI": db.URI, "NEO4J_PASSWORD": db.Password, "CASEGRAPH_NEO4J_WAIT": "5s"}
		var stderr bytes.Buffer
		err := run(context.Background(), []string{"migrate"}, func(k string) string { return env[k] }, &bytes.Buffer{}, &stderr)
		if err == nil || !strings.Contains(err.Error(), `refuses user "neo4j" for a while after failed logins in a row: check NEO4J_USER and NEO4J_PASSWORD`) {
			t.Errorf("error %v, want it to say the user is locked out for now", err)
		}
		if strings.Contains(stderr.String(), "waiting for Neo4j") {
			t.Errorf("migrate tried to log in again:\n%s", stderr.String())
		}
	})
}

// loginOnce logs in to db as neo4j with password, once, without retries.
func loginOnce(db *neo4jtest.Server, password string) error {
	d, err := neo4j.NewDriverWithContext(db.URI, neo4j.BasicAuth("neo4j", password, ""))
	if err != nil {
		return err
	}
	defer d.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = neo4j.ExecuteQuery(ctx, d, "RETURN 1", nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase("neo4j"))
	return err
}
