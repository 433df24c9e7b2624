package neo4jtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// These tests check that scripts/neo4j.sh fails with one clear message, not
// a hang, when something it needs is missing or in the way.

// launcher runs scripts/neo4j.sh start from root with env added to a minimal
// environment, and returns its exit error and combined output.
func launcher(t *testing.T, root string, env ...string) (error, string) {
	t.Helper()
	c := exec.Command("bash", filepath.Join(root, "scripts", "neo4j.sh"), "start")
	c.Env = append([]string{"HOME=" + os.Getenv("HOME"), "NEO4J_DATA_DIR=" + t.TempDir(), "NEO4J_START_TIMEOUT=60"}, env...)
	out, err := c.CombinedOutput()
	return err, string(out)
}

// toolbox makes a PATH directory holding only the named commands.
func toolbox(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			t.Fatalf("%s not found: %v", n, err)
		}
		if err := os.Symlink(p, filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// unbuiltCopy copies the launcher script and sources, without a build, to a
// fresh root so the script must build before it can start.
func unbuiltCopy(t *testing.T) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	out, err := exec.Command("bash", "-c", `mkdir -p "$2/scripts" "$2/tools/neo4j" && cp "$1/scripts/neo4j.sh" "$2/scripts/" && cp -r "$1/tools/neo4j/pom.xml" "$1/tools/neo4j/src" "$2/tools/neo4j/"`, "_", root, dst).CombinedOutput()
	if err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	return dst
}

var basicTools = []string{"bash", "dirname", "cat", "tr", "grep", "timeout", "sed", "head", "readlink", "find", "mkdir", "rm", "mktemp"}

func TestLauncherNamesMissingJava(t *testing.T) {
	Require(t)
	err, out := launcher(t, unbuiltCopy(t), "PATH="+toolbox(t, basicTools...), "JVM_ROOT=/nonexistent", "NEO4J_BOLT_ADDRESS=127.0.0.1:"+fmt.Sprint(FreePort(t)))
	if err == nil || !strings.Contains(out, "Java 17 not found") || strings.Count(strings.TrimSpace(out), "\n") > 0 {
		t.Fatalf("exit %v, output %q; want one line saying Java 17 is missing", err, out)
	}
}

func TestLauncherNamesMissingMaven(t *testing.T) {
	Require(t)
	err, out := launcher(t, unbuiltCopy(t), "PATH="+toolbox(t, basicTools...), "NEO4J_BOLT_ADDRESS=127.0.0.1:"+fmt.Sprint(FreePort(t)))
	if err == nil || !strings.Contains(out, "mvn not found") {
		t.Fatalf("exit %v, output %q; want a message that Maven is missing", err, out)
	}
}

func TestLauncherRefusesBusyPort(t *testing.T) {
	Require(t)
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	err, out := launcher(t, root, "PATH="+os.Getenv("PATH"), "NEO4J_BOLT_ADDRESS="+l.Addr().String())
	if err == nil || !strings.Contains(out, l.Addr().String()+" is in use") {
		t.Fatalf("exit %v, output %q; want a message that the port is in use", err, out)
	}
}

func TestLauncherReportsFailedStart(t *testing.T) {
	Require(t)
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	err, out := launcher(t, root, "PATH="+os.Getenv("PATH"), "NEO4J_PAGECACHE=lots", "NEO4J_BOLT_ADDRESS=127.0.0.1:"+fmt.Sprint(FreePort(t)))
	if err == nil || !strings.Contains(out, "exited during start-up") || !strings.Contains(out, "casegraph-neo4j") {
		t.Fatalf("exit %v, output %q; want the failure with the tail of the launcher's log", err, out)
	}
}

func TestLauncherNamesAMalformedReplanInterval(t *testing.T) {
	Require(t)
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	err, out := launcher(t, root, "PATH="+os.Getenv("PATH"), "NEO4J_MIN_REPLAN_INTERVAL=soon", "NEO4J_BOLT_ADDRESS=127.0.0.1:"+fmt.Sprint(FreePort(t)))
	if err == nil || !strings.Contains(out, "NEO4J_MIN_REPLAN_INTERVAL 'soon' is not a duration") {
		t.Fatalf("exit %v, output %q; want a message naming the malformed interval", err, out)
	}
}
