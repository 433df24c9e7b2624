// Package neo4jtest gives tests a real Neo4j: the shared test database that
// `make test` starts, or a private one a test may stop and start again. Only
// tests import it.
package neo4jtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
)

// URIEnv names the variable that points tests at a running Neo4j.
const URIEnv = "CASEGRAPH_TEST_NEO4J_URI"

// RequireEnv, when set, turns a missing Neo4j into a failure instead of a
// skip, so `make test` cannot pass without its integration tests.
const RequireEnv = "CASEGRAPH_REQUIRE_NEO4J"

// URI returns the address of the shared test Neo4j.
func URI(tb testing.TB) string {
	tb.Helper()
	uri := os.Getenv(URIEnv)
	if uri == "" {
		if os.Getenv(RequireEnv) != "" {
			tb.Fatalf("%s is set but %s is empty: integration tests need a Neo4j", RequireEnv, URIEnv)
		}
		tb.Skipf("%s is not set; `make test` starts a Neo4j and sets it", URIEnv)
	}
	return uri
}

// Store opens a migrated store on the shared test Neo4j, closed when the
// test ends.
func Store(tb testing.TB) *neo4jstore.Store {
	tb.Helper()
	return StoreAt(tb, URI(tb))
}

// StoreAt opens a migrated store on the Neo4j at uri.
func StoreAt(tb testing.TB, uri string) *neo4jstore.Store {
	tb.Helper()
	s, err := neo4jstore.Open(neo4jstore.Options{URI: uri, Database: "neo4j"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return s
}

// Exec runs one write statement directly through the driver, for setting up
// and inspecting test data without going through the code under test.
func Exec(tb testing.TB, uri, query string, params map[string]any) []*neo4j.Record {
	tb.Helper()
	d, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		tb.Fatal(err)
	}
	defer d.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, d, query, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase("neo4j"))
	if err != nil {
		tb.Fatalf("exec %q: %v", query, err)
	}
	return res.Records
}

// Server is a private Neo4j, run by the project's launcher script, that a
// test may stop and start on the same data.
type Server struct {
	URI  string
	root string
	env  []string
}

// Launch starts a private Neo4j on a free loopback port with a throwaway
// data directory; it is stopped when the test ends.
func Launch(tb testing.TB) *Server {
	tb.Helper()
	URI(tb) // private servers are integration tests too: skip or fail alike
	root, err := RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	port := FreePort(tb)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	s := &Server{
		URI:  "bolt://" + addr,
		root: root,
		env: append(os.Environ(),
			"NEO4J_BOLT_ADDRESS="+addr,
			"NEO4J_DATA_DIR="+tb.TempDir(),
			"NEO4J_AUTH=none",
			"NEO4J_HEAP=512m",
			"NEO4J_PAGECACHE=64m",
		),
	}
	tb.Cleanup(func() { s.script(tb, "stop") })
	s.Start(tb)
	return s
}

// Start starts the server (again) and waits until Bolt answers.
func (s *Server) Start(tb testing.TB) { tb.Helper(); s.script(tb, "start") }

// Stop stops the server and waits until its process has exited.
func (s *Server) Stop(tb testing.TB) { tb.Helper(); s.script(tb, "stop") }

func (s *Server) script(tb testing.TB, cmd string) {
	tb.Helper()
	c := exec.Command("bash", filepath.Join(s.root, "scripts", "neo4j.sh"), cmd)
	c.Env = s.env
	out, err := c.CombinedOutput()
	if err != nil {
		tb.Fatalf("neo4j.sh %s: %v\n%s", cmd, err, out)
	}
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// RepoRoot finds the repository root, the directory holding go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/casegraph/casegraph") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no casegraph go.mod above the working directory")
		}
		dir = parent
	}
}

// ImportBundled imports the bundled case files in data/cases into the store,
// as `make run` does. Importing is idempotent, so tests may share it.
func ImportBundled(tb testing.TB, s *neo4jstore.Store) {
	tb.Helper()
	root, err := RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	paths, err := casefile.Expand([]string{filepath.Join(root, "data", "cases")})
	if err != nil {
		tb.Fatal(err)
	}
	files, err := casefile.Load(paths, casefile.Options{SourcesDir: os.Getenv("CASEGRAPH_SOURCES_DIR")})
	if err != nil {
		tb.Fatalf("bundled case files:\n%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, g := range casefile.Groups(files) {
		batches := make([]kg.Batch, len(g))
		for i, f := range g {
			batches[i] = f.Batch
		}
		if _, err := s.Import(ctx, batches); err != nil {
			tb.Fatalf("import: %v", err)
		}
	}
}
