package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// runToken runs `casegraph token ARGS...` against the Neo4j at uri and
// returns its stdout, stderr and error.
func runToken(tb testing.TB, uri string, args ...string) (string, string, error) {
	tb.Helper()
	env := map[string]string{"NEO4J_URI": uri}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"token"}, args...), func(k string) string { return env[k] }, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// cliTokenName returns a token name unique to this test and deletes the
// token when the test ends.
func cliTokenName(tb testing.TB, uri string) string {
	tb.Helper()
	name := fmt.Sprintf("cli-%x", time.Now().UnixNano())
	tb.Cleanup(func() {
		neo4jtest.Exec(tb, uri, "MATCH (t:Token {name: $name}) DELETE t", map[string]any{"name": name})
	})
	return name
}

func TestTokenCommands(t *testing.T) {
	uri := neo4jtest.URI(t)
	name := cliTokenName(t, uri)

	out, logs, err := runToken(t, uri, "create", "-role", "editor", "-name", name)
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, logs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[0]
	if len(lines) != 2 || !strings.HasPrefix(token, "cg_") || !strings.Contains(lines[1], "cannot be shown again") {
		t.Fatalf("token create printed %q, want the token and a line saying it cannot be shown again", out)
	}
	if strings.Contains(logs, token) {
		t.Errorf("the token appears in the logs:\n%s", logs)
	}
	p, err := neo4jtest.StoreAt(t, uri).Authenticate(context.Background(), token)
	if err != nil || !reflect.DeepEqual(p, kg.Principal{Name: name, Role: kg.Editor}) {
		t.Errorf("the printed token authenticates as %+v, %v", p, err)
	}

	if _, _, err := runToken(t, uri, "create", "-role", "admin", "-name", name); kg.ErrorCode(err) != kg.Conflict {
		t.Errorf("creating a second %s: %v, want %s", name, err, kg.Conflict)
	}

	out, _, err = runToken(t, uri, "list")
	if err != nil {
		t.Fatalf("token list: %v", err)
	}
	if !strings.HasPrefix(out, "NAME") || !regexp.MustCompile(regexp.QuoteMeta(name)+`\s+editor`).MatchString(out) || strings.Contains(out, token) {
		t.Errorf("token list does not show %s as editor (or shows its text):\n%s", name, out)
	}

	if out, _, err = runToken(t, uri, "revoke", name); err != nil || !strings.Contains(out, name) {
		t.Fatalf("token revoke: %q, %v", out, err)
	}
	if out, _, _ = runToken(t, uri, "list"); strings.Contains(out, name) {
		t.Errorf("token list still shows %s after revoke:\n%s", name, out)
	}
	if _, _, err := runToken(t, uri, "revoke", name); kg.ErrorCode(err) != kg.NotFound {
		t.Errorf("revoking %s twice: %v, want %s", name, err, kg.NotFound)
	}
}

// Mistakes in the arguments are reported before Neo4j is asked anything, so
// these need no database.
func TestTokenCommandUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "token needs a subcommand"},
		{[]string{"rotate"}, `unknown token subcommand "rotate"`},
		{[]string{"create", "-name", "x"}, `role "" is not one of reader, editor, admin`},
		{[]string{"create", "-role", "owner", "-name", "x"}, `role "owner" is not one of`},
		{[]string{"create", "-role", "reader"}, "token create takes -role, -name and -groups"},
		{[]string{"create", "-role", "reader", "-name", "x", "extra"}, "token create takes -role, -name and -groups"},
		{[]string{"list", "extra"}, "token list takes no arguments"},
		{[]string{"revoke"}, "token revoke takes one token name"},
		{[]string{"revoke", "a", "b"}, "token revoke takes one token name"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			// An address nothing listens on: reaching Neo4j would fail differently.
			_, _, err := runToken(t, "bolt://127.0.0.1:1", tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

// With CASEGRAPH_READ_ACCESS=token the service answers queries only for a
// token that the CLI created, and logs the token's name, never its text.
func TestServeRequiresTokensForReads(t *testing.T) {
	uri := neo4jtest.URI(t)
	name := cliTokenName(t, uri)
	out, _, err := runToken(t, uri, "create", "-role", "reader", "-name", name)
	if err != nil {
		t.Fatal(err)
	}
	token := strings.SplitN(out, "\n", 2)[0]
	base, logs := service(t, uri, map[string]string{"CASEGRAPH_READ_ACCESS": "token"})

	tests := []struct {
		name, authorization string
		want                int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"unknown token", "Bearer cg_" + strings.Repeat("x", 43), http.StatusUnauthorized},
		{"the created token", "Bearer " + token, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query":"{ stats { nodes } }"}`))
			req.Header.Set("Content-Type", "application/json")
			if tt.authorization != "" {
				req.Header.Set("Authorization", tt.authorization)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
	if !strings.Contains(logs.String(), `"actor":"`+name+`"`) {
		t.Errorf("no request log line names %s:\n%s", name, logs)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the token appears in the service's logs")
	}
	if !strings.Contains(logs.String(), `"read_access":"token"`) {
		t.Errorf("the logged configuration does not show read_access")
	}
}

// token create -groups makes a token of those groups, which token list
// shows; a bad group name is refused before Neo4j is asked.
func TestTokenCreateWithGroups(t *testing.T) {
	uri := neo4jtest.URI(t)
	name := cliTokenName(t, uri)
	out, logs, err := runToken(t, uri, "create", "-role", "reader", "-name", name, "-groups", "legal,field")
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, logs)
	}
	token := strings.SplitN(out, "\n", 2)[0]
	if !strings.Contains(out, "in field, legal") {
		t.Errorf("token create does not say the token's groups:\n%s", out)
	}
	p, err := neo4jtest.StoreAt(t, uri).Authenticate(context.Background(), token)
	if want := (kg.Principal{Name: name, Role: kg.Reader, Groups: []string{"field", "legal"}}); err != nil || !reflect.DeepEqual(p, want) {
		t.Errorf("the token authenticates as %+v, %v; want %+v", p, err, want)
	}
	if out, _, err = runToken(t, uri, "list"); err != nil || !regexp.MustCompile(regexp.QuoteMeta(name)+`\s+reader\s+field,legal\s`).MatchString(out) {
		t.Errorf("token list does not show %s's groups: %v\n%s", name, err, out)
	}
	if _, _, err := runToken(t, "bolt://127.0.0.1:1", "create", "-role", "reader", "-name", name+"-x", "-groups", "Legal Team"); kg.ErrorCode(err) != kg.Invalid {
		t.Errorf("-groups 'Legal Team': %v, want INVALID (before Neo4j is asked)", err)
	}
}
