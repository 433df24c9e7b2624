// Package neo4jtest gives tests a real Neo4j: one of the test databases
// that `make test` starts, leased by one test process at a time, or a
// private one a test may stop, kill and start again. Only tests import it.
package neo4jtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
)

// URIEnv names the variable that points tests at running Neo4j servers:
// one bolt:// address, or several separated by commas. Tests clear the
// database they lease, so every address must be a throwaway Neo4j.
const URIEnv = "CASEGRAPH_TEST_NEO4J_URI"

// RequireEnv, when set, turns a missing Neo4j into a failure instead of a
// skip, so `make test` cannot pass without its integration tests.
const RequireEnv = "CASEGRAPH_REQUIRE_NEO4J"

// URI returns the address of the test Neo4j that this test process owns.
//
// `go test ./...` runs packages in parallel processes. Each process leases
// one of the servers URIEnv names for its whole run, waiting while all are
// leased, and clears its database first: a package's tests see only what
// they wrote, whichever package ran there before or runs beside it.
func URI(tb testing.TB) string {
	tb.Helper()
	Require(tb)
	list := os.Getenv(URIEnv)
	leaseOnce.Do(func() { leased, leaseErr = lease(tb, strings.Split(list, ",")) })
	if leaseErr != nil {
		tb.Fatal(leaseErr)
	}
	return leased
}

// Require skips the test when no test Neo4j is configured, or fails it
// when RequireEnv says one must be, without leasing one: for tests that
// start Neo4j servers of their own.
func Require(tb testing.TB) {
	tb.Helper()
	if os.Getenv(URIEnv) == "" {
		if os.Getenv(RequireEnv) != "" {
			tb.Fatalf("%s is set but %s is empty: integration tests need a Neo4j", RequireEnv, URIEnv)
		}
		tb.Skipf("%s is not set; `make test` starts a Neo4j and sets it", URIEnv)
	}
}

var (
	leaseOnce sync.Once
	leased    string
	leaseErr  error
	// leaseFile holds the lock of the leased server until the process
	// exits, which releases it.
	leaseFile *os.File
)

// lease takes the first of uris whose lock no other test process holds,
// waiting for one to be free, and clears its database.
func lease(tb testing.TB, uris []string) (string, error) {
	waiting := false
	for {
		for _, uri := range uris {
			uri = strings.TrimSpace(uri)
			if uri == "" {
				continue
			}
			f, err := tryLock(uri)
			if err != nil {
				return "", err
			}
			if f == nil {
				continue
			}
			leaseFile = f
			return uri, clear(uri)
		}
		if !waiting {
			tb.Logf("every test Neo4j in %s is leased by another test process; waiting", URIEnv)
			waiting = true
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tryLock takes the lock file of uri without waiting; it returns nil if
// another process holds it.
func tryLock(uri string) (*os.File, error) {
	sum := sha256.Sum256([]byte(uri))
	path := filepath.Join(os.TempDir(), "casegraph-test-neo4j-"+hex.EncodeToString(sum[:8])+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("test Neo4j lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, nil
		}
		return nil, fmt.Errorf("test Neo4j lock %s: %w", path, err)
	}
	return f, nil
}

// testMark labels the node that says tests own a database. A database
// that holds data but not this node was not made by tests, and clear
// refuses to touch it.
const testMark = "CasegraphTestDatabase"

// clear deletes everything in the database at uri but its schema.
func clear(uri string) error {
	d, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		return err
	}
	defer d.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, d, `
		OPTIONAL MATCH (m:`+testMark+`)
		WITH count(m) AS marked
		RETURN marked, COUNT { MATCH (n) WHERE NOT n:`+testMark+` } AS nodes`,
		nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase("neo4j"))
	if err != nil {
		return fmt.Errorf("test Neo4j at %s: %w", uri, err)
	}
	marked, _, _ := neo4j.GetRecordValue[int64](res.Records[0], "marked")
	nodes, _, _ := neo4j.GetRecordValue[int64](res.Records[0], "nodes")
	if marked == 0 && nodes > 0 {
		return fmt.Errorf("the Neo4j at %s holds %d nodes that tests did not write; %s must name throwaway servers, which tests clear", uri, nodes, URIEnv)
	}
	// CALL IN TRANSACTIONS needs an auto-commit transaction.
	sess := d.NewSession(ctx, neo4j.SessionConfig{DatabaseName: "neo4j"})
	defer sess.Close(ctx)
	for _, q := range []string{
		"MATCH (n) WHERE NOT n:" + testMark + " CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS",
		"MERGE (:" + testMark + ")",
	} {
		r, err := sess.Run(ctx, q, nil)
		if err == nil {
			_, err = r.Consume(ctx)
		}
		if err != nil {
			return fmt.Errorf("clearing the test Neo4j at %s: %w", uri, err)
		}
	}
	return nil
}

// Clear deletes everything in the test database at uri but its schema,
// as leasing it did: for a test that restores into an empty database.
// Like leasing, it refuses a database that tests did not write.
func Clear(tb testing.TB, uri string) {
	tb.Helper()
	if err := clear(uri); err != nil {
		tb.Fatal(err)
	}
}

// Store opens a migrated store on the leased test Neo4j, closed when the
// test ends.
func Store(tb testing.TB) *neo4jstore.Store {
	tb.Helper()
	return StoreAt(tb, URI(tb))
}

// StoreAt opens a migrated store on the Neo4j at uri.
func StoreAt(tb testing.TB, uri string) *neo4jstore.Store {
	tb.Helper()
	return StoreWith(tb, neo4jstore.Options{URI: uri, Database: "neo4j"})
}

// StoreWith opens a migrated store with options of the test's own.
func StoreWith(tb testing.TB, o neo4jstore.Options) *neo4jstore.Store {
	tb.Helper()
	s, err := neo4jstore.Open(o)
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
	// Facts removed behind the store's back (a test's cleanup) would
	// leave conviction rows that count them: rebuild those, as an operator
	// does after a change typed into a Neo4j console.
	c := res.Summary.Counters()
	if (c.NodesDeleted() > 0 || c.RelationshipsDeleted() > 0) && (strings.Contains(query, "Entity") || strings.Contains(query, "]->(")) {
		s, err := neo4jstore.Open(neo4jstore.Options{URI: uri, Database: "neo4j"})
		if err == nil {
			err = s.RebuildConvictionRows(ctx)
			_ = s.Close(context.Background())
		}
		if err != nil {
			tb.Fatalf("rebuilding conviction rows after %q: %v", query, err)
		}
	}
	return res.Records
}

// Server is a private Neo4j, run by the project's launcher script, that a
// test may stop and start on the same data.
type Server struct {
	URI      string
	Password string // of the neo4j user; "" when authentication is off
	root     string
	data     string // NEO4J_DATA_DIR, where the launcher writes neo4j.pid
	env      []string
}

// LaunchOption changes how Launch starts a server.
type LaunchOption func(*Server)

// WithPassword turns authentication on, with password (8 characters or
// more) for the neo4j user. Servers start without authentication.
func WithPassword(password string) LaunchOption {
	return func(s *Server) { s.Password = password }
}

// Launch starts a private Neo4j on a free loopback port with a throwaway
// data directory; it is stopped when the test ends.
func Launch(tb testing.TB, opts ...LaunchOption) *Server {
	tb.Helper()
	Require(tb) // private servers are integration tests too: skip or fail alike
	root, err := RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	port := FreePort(tb)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	data := tb.TempDir()
	s := &Server{URI: "bolt://" + addr, root: root, data: data}
	for _, o := range opts {
		o(s)
	}
	auth := "none"
	if s.Password != "" {
		auth = s.Password
	}
	s.env = append(os.Environ(),
		"NEO4J_BOLT_ADDRESS="+addr,
		"NEO4J_DATA_DIR="+data,
		"NEO4J_AUTH="+auth,
		"NEO4J_HEAP=512m",
		"NEO4J_PAGECACHE=64m",
	)
	tb.Cleanup(func() { s.script(tb, "stop") })
	s.Start(tb)
	return s
}

// auth is what a driver logs in to the server with.
func (s *Server) auth() neo4j.AuthToken {
	if s.Password == "" {
		return neo4j.NoAuth()
	}
	return neo4j.BasicAuth("neo4j", s.Password, "")
}

// Start starts the server (again) and waits until it answers a query:
// Bolt accepts connections seconds before a cold Neo4j, just recovered
// from a crash, answers one, and tests that time a client's recovery must
// not count Neo4j's own.
func (s *Server) Start(tb testing.TB) {
	tb.Helper()
	s.script(tb, "start")
	d, err := neo4j.NewDriverWithContext(s.URI, s.auth())
	if err != nil {
		tb.Fatal(err)
	}
	defer d.Close(context.Background())
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := neo4j.ExecuteQuery(ctx, d, "RETURN 1", nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase("neo4j"))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("neo4j at %s accepts connections but answers no query: %v", s.URI, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop stops the server and waits until its process has exited.
func (s *Server) Stop(tb testing.TB) { tb.Helper(); s.script(tb, "stop") }

// Pause stops the server's process with SIGSTOP, as a stall of the
// machine or a long garbage collection would: connections stay open and
// nothing answers. Resume lets it go on.
func (s *Server) Pause(tb testing.TB) {
	tb.Helper()
	pid := s.signal(tb, syscall.SIGSTOP)
	// A stopped process ignores the stop at the test's end.
	tb.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) })
}

// Resume continues a paused server.
func (s *Server) Resume(tb testing.TB) { tb.Helper(); s.signal(tb, syscall.SIGCONT) }

// Kill ends the server with SIGKILL, as a crash or the OOM killer would:
// no shutdown, no flush beyond what Neo4j has already made durable. It
// returns once the process has exited; Start brings it back on the same
// data, through Neo4j's recovery.
func (s *Server) Kill(tb testing.TB) {
	tb.Helper()
	pid := s.signal(tb, syscall.SIGKILL)
	// The launcher runs under setsid, so it is not our child and cannot be
	// waited for: watch it disappear (or turn zombie until init reaps it).
	deadline := time.Now().Add(30 * time.Second)
	for exists(pid) {
		if time.Now().After(deadline) {
			tb.Fatalf("neo4j (pid %d) still runs 30 s after SIGKILL", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// signal sends sig to the server's process and returns its PID.
func (s *Server) signal(tb testing.TB, sig syscall.Signal) int {
	tb.Helper()
	pid, err := s.Signal(sig)
	if err != nil {
		tb.Fatal(err)
	}
	return pid
}

// Signal sends sig to the server's process and returns its PID. Unlike
// Pause and Kill it reports failure instead of failing the test, so code
// that runs outside the test's goroutine (a hook of the code under test)
// may call it.
func (s *Server) Signal(sig syscall.Signal) (int, error) {
	raw, err := os.ReadFile(filepath.Join(s.data, "neo4j.pid"))
	if err != nil {
		return 0, fmt.Errorf("neo4j is not running: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		return 0, fmt.Errorf("neo4j.pid: %w", err)
	}
	// As scripts/neo4j.sh does: never signal a recycled PID.
	if cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err != nil || !bytes.Contains(cmd, []byte("casegraph.neo4j.Launcher")) {
		return 0, fmt.Errorf("pid %d in neo4j.pid is not the Neo4j launcher", pid)
	}
	if err := syscall.Kill(pid, sig); err != nil {
		return 0, fmt.Errorf("kill -%d %d: %w", sig, pid, err)
	}
	return pid, nil
}

// exists reports whether pid is a live process (a zombie is not).
func exists(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || (stat[i+2] != 'Z' && stat[i+2] != 'X')
}

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
	files := BundledFiles(tb)
	texts := map[string][]string{}
	for _, f := range files {
		// The source texts, where the machine has them (CASEGRAPH_SOURCES_DIR).
		maps.Copy(texts, f.Texts)
	}
	ImportFiles(tb, s, files, texts)
}

// ImportFiles imports checked case files, in the order their references
// need, and the texts of sources, as the command line does: as an admin,
// who reads and writes restricted facts too.
func ImportFiles(tb testing.TB, s *neo4jstore.Store, files []*casefile.File, texts map[string][]string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ctx = kg.WithPrincipal(ctx, kg.Principal{Name: "test", Role: kg.Admin})
	for _, g := range casefile.Groups(files) {
		batches := make([]kg.Batch, len(g))
		for i, f := range g {
			batches[i] = f.Batch
		}
		if _, err := s.Import(ctx, batches, kg.ImportOptions{Edit: kg.Edit{Actor: "test"}, MayRemove: true}); err != nil {
			tb.Fatalf("import: %v", err)
		}
	}
	if _, err := s.SaveTexts(ctx, texts, kg.Edit{Actor: "test"}); err != nil {
		tb.Fatalf("source texts: %v", err)
	}
}

// BundledFiles reads and checks the bundled case files, with the texts of
// their sources where the machine has them (CASEGRAPH_SOURCES_DIR).
func BundledFiles(tb testing.TB) []*casefile.File {
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
	return files
}

// LineDiff lists, sorted, the lines only one of two printouts has: "- " for
// those only in before, "+ " for those only in after.
func LineDiff(before, after string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	b, a := in(before), in(after)
	var out []string
	for l := range b {
		if !a[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range a {
		if !b[l] {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}
