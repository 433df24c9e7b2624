package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/ftm"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

const bundledDir = "../../data/cases"

// runCmd runs one casegraph command against the Neo4j at uri and returns
// what it printed.
func runCmd(tb testing.TB, uri string, args ...string) string {
	tb.Helper()
	return runCmdEnv(tb, uri, nil, args...)
}

// runCmdEnv is runCmd with more environment variables.
func runCmdEnv(tb testing.TB, uri string, extraEnv map[string]string, args ...string) string {
	tb.Helper()
	out, errs, err := runOnceEnv(uri, extraEnv, args...)
	if err != nil {
		tb.Fatalf("casegraph %s: %v\n%s%s", strings.Join(args, " "), err, out, errs)
	}
	return out
}

// runOnce runs casegraph with args against uri and returns what it wrote
// to stdout and stderr.
func runOnce(uri string, args ...string) (string, string, error) {
	return runOnceEnv(uri, nil, args...)
}

func runOnceEnv(uri string, extraEnv map[string]string, args ...string) (string, string, error) {
	env := map[string]string{"NEO4J_URI": uri, "CASEGRAPH_NEO4J_WAIT": "30s", "CASEGRAPH_LOG_LEVEL": "warn"}
	maps.Copy(env, extraEnv)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errs strings.Builder
	err := run(ctx, args, func(k string) string { return env[k] }, &out, &errs)
	return out.String(), errs.String(), err
}

// export runs casegraph export with args.
func export(tb testing.TB, uri string, args ...string) (string, error) {
	tb.Helper()
	out, _, err := runOnce(uri, append([]string{"export"}, args...)...)
	return out, err
}

// bundledNames returns the file names of the bundled case files, which are
// the origins of what they write.
func bundledNames(tb testing.TB) []string {
	tb.Helper()
	paths, err := casefile.Expand([]string{bundledDir})
	if err != nil {
		tb.Fatal(err)
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	return names
}

// snapshot renders everything the named case files wrote (their entities,
// relationships and manifests, with every property and both ends) as one
// sorted string, so two states of the graph compare with ==.
func snapshot(tb testing.TB, uri string, names []string) string {
	tb.Helper()
	params := map[string]any{"names": names}
	var lines []string
	for _, r := range neo4jtest.Exec(tb, uri, `
		MATCH (n) WHERE (n:Entity AND n.origin IN $names) OR (n:CaseFile AND n.name IN $names)
		// A manifest's hash is of the file's text, which an export rewrites.
		RETURN labels(n) AS labels, n{.*, hash: null} AS props`, params) {
		labels, _ := r.Get("labels")
		props, _ := r.Get("props")
		ls := fmt.Sprint(labels)
		ls = strings.Join(slices.Sorted(slices.Values(strings.Fields(strings.Trim(ls, "[]")))), ",")
		lines = append(lines, fmt.Sprintf("node %s %v", ls, props))
	}
	for _, r := range neo4jtest.Exec(tb, uri, `
		MATCH (a)-[r]->(b) WHERE r.origin IN $names
		RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props`, params) {
		t, _ := r.Get("type")
		from, _ := r.Get("from")
		to, _ := r.Get("to")
		props, _ := r.Get("props")
		lines = append(lines, fmt.Sprintf("rel %s %s->%s %v", t, from, to, props))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestExportRoundTrip(t *testing.T) {
	uri := neo4jtest.URI(t)
	names := bundledNames(t)
	runCmd(t, uri, "import", bundledDir)
	before := snapshot(t, uri, names)
	if strings.Count(before, "\n") < 100 {
		t.Fatalf("the bundled data wrote only %d lines of graph:\n%s", strings.Count(before, "\n")+1, before)
	}

	dir := filepath.Join(t.TempDir(), "export")
	out, err := export(t, uri, dir)
	if err != nil {
		t.Fatalf("casegraph export %s: %v", dir, err)
	}
	// Other tests of this package may have imported files of their own;
	// the round trip concerns the bundled files.
	var exported []string
	for _, n := range names {
		p := filepath.Join(dir, n)
		if !strings.Contains(out, p+": ") {
			t.Errorf("export did not report %s:\n%s", p, out)
		}
		exported = append(exported, p)
	}
	if _, err := casefile.Load(exported, casefile.Options{}); err != nil {
		t.Fatalf("exported files do not load together:\n%v", err)
	}

	report := runCmd(t, uri, append([]string{"import"}, exported...)...)
	// The exported files differ in text from the bundled ones, so they are
	// written, not skipped; writing them must change nothing.
	counts := 0
	for _, line := range strings.Split(strings.TrimSpace(report), "\n") {
		if _, res, ok := strings.Cut(line, " in one transaction: "); ok {
			counts++
			if !strings.HasPrefix(res, "0 nodes created, 0 deleted; 0 relationships created, 0 deleted;") {
				t.Errorf("re-importing the export changed the graph: %s", line)
			}
		}
	}
	if counts != 1 {
		t.Errorf("re-importing the export reported %d transactions, want the %d files in one:\n%s", counts, len(names), report)
	}
	if after := snapshot(t, uri, names); after != before {
		t.Errorf("graph differs after importing the export:\n%s", neo4jtest.LineDiff(before, after))
	}
}

func TestExportRefusesToOverwrite(t *testing.T) {
	uri := neo4jtest.URI(t)
	runCmd(t, uri, "import", bundledDir)
	dir := t.TempDir()
	existing := filepath.Join(dir, bundledNames(t)[0])
	if err := os.WriteFile(existing, []byte("hand-written\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := export(t, uri, dir)
	if err == nil || !strings.Contains(err.Error(), "-force") {
		t.Fatalf("export over an existing file: err = %v, want a refusal naming -force", err)
	}
	if b, _ := os.ReadFile(existing); string(b) != "hand-written\n" {
		t.Errorf("refused export still changed %s", existing)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("refused export wrote %d files, want none beside the existing one", len(entries)-1)
	}
	if _, err := export(t, uri, "-force", dir); err != nil {
		t.Fatalf("casegraph export -force %s: %v", dir, err)
	}
	if b, _ := os.ReadFile(existing); !strings.HasPrefix(string(b), "# yaml-language-server:") {
		t.Errorf("export -force did not overwrite %s:\n%.200s", existing, b)
	}
}

// Through the graph, the bundled facts come out as FollowTheMoney
// entities exactly as they do straight from their files.
func TestExportFTM(t *testing.T) {
	uri := neo4jtest.URI(t)
	runCmd(t, uri, "import", bundledDir)
	file := filepath.Join(t.TempDir(), "casegraph.ftm.json")
	out := runCmd(t, uri, "export", "-format", "ftm", "-o", file)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if want := fmt.Sprintf("%s: %d FollowTheMoney entities\n", file, len(lines)); out != want {
		t.Errorf("export printed %q, want %q", out, want)
	}
	got := map[string]ftm.Entity{}
	for i, line := range lines {
		var e ftm.Entity
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		got[e.ID] = e
	}

	var batches []kg.Batch
	for _, f := range neo4jtest.BundledFiles(t) {
		batches = append(batches, f.Batch)
	}
	for _, want := range ftm.Convert(batches...) {
		if g := got[want.ID]; !reflect.DeepEqual(g, want) {
			gj, _ := json.MarshalIndent(g, "", " ")
			wj, _ := json.MarshalIndent(want, "", " ")
			t.Errorf("exported:\n%s\nfrom the files:\n%s", gj, wj)
		}
	}

	if _, err := export(t, uri, "-format", "ftm", "-o", file); err == nil || !strings.Contains(err.Error(), "-force") {
		t.Errorf("export over an existing file: err = %v, want a refusal naming -force", err)
	}
	if _, err := export(t, uri, "-format", "ftm", "-force", "-o", file); err != nil {
		t.Errorf("export -force: %v", err)
	}
	if stdout := runCmd(t, uri, "export", "-format", "ftm"); stdout != string(data) {
		t.Errorf("export to standard output differs from the file (%d and %d bytes)", len(stdout), len(data))
	}

	// make test runs the library's own check on the export of the running
	// service; here it runs where a python with followthemoney is named.
	if python := os.Getenv("CASEGRAPH_FTM_PYTHON"); python != "" {
		if out, err := exec.Command(python, "../../scripts/ftm_check.py", "check", file).CombinedOutput(); err != nil {
			t.Errorf("ftm_check.py: %v\n%s", err, out)
		}
	}
}

func TestExportUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-format", "ftm", "dir"}, "takes no directory"},
		{[]string{"-format", "xml", "dir"}, `unknown export format "xml"`},
		{[]string{"-o", "file", "dir"}, "-o is for -format ftm"},
		{[]string{}, "needs one directory"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			// The arguments are refused before any Neo4j is asked.
			_, _, err := runOnce("bolt://127.0.0.1:1", append([]string{"export"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
}
