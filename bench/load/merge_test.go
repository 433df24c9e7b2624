package main

import (
	"math"
	"strings"
	"testing"
)

func TestMergeJoinsRunsOfOneContender(t *testing.T) {
	a := Result{Target: "casegraph", Concurrency: 8, Seconds: 2, PeakRSSMB: 40, CPUCores: 0.5, Neo4jCores: 1,
		LatenciesUS: map[string][]int64{"node": {1000, 2000, 3000}, "search": {10000}}}
	a.summarise(map[string]int{"search": 1})
	b := Result{Target: "casegraph", Concurrency: 8, Seconds: 6, PeakRSSMB: 45, CPUCores: 0.9, Neo4jCores: 1.4,
		LatenciesUS: map[string][]int64{"node": {4000, 5000, 6000, 7000}, "paths": {8000}}, FirstError: "paths: boom"}
	b.summarise(map[string]int{"paths": 2})

	m, err := merge([]Result{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if m.Seconds != 8 || m.PeakRSSMB != 45 || m.FirstError != "paths: boom" {
		t.Errorf("seconds %v, peak RSS %v, first error %q; want 8, 45 and b's error", m.Seconds, m.PeakRSSMB, m.FirstError)
	}
	// CPU is averaged over the time measured: (0.5·2 + 0.9·6) / 8.
	if math.Abs(m.CPUCores-0.8) > 1e-9 || math.Abs(m.Neo4jCores-1.3) > 1e-9 {
		t.Errorf("CPU %v and Neo4j %v cores; want 0.8 and 1.3", m.CPUCores, m.Neo4jCores)
	}
	node := m.ByQuery["node"]
	if node.Requests != 7 || node.P50 != 4 || node.P99 != 7 || node.RPS != 7.0/8 {
		t.Errorf("node %+v; want 7 requests over 8 s, p50 4 ms and p99 7 ms over both runs", node)
	}
	if m.ByQuery["search"].Errors != 1 || m.ByQuery["paths"].Errors != 2 || m.All.Errors != 3 || m.All.Requests != 9 {
		t.Errorf("errors %+v / %+v, all %+v; want each run's errors kept and 9 answered requests", m.ByQuery["search"], m.ByQuery["paths"], m.All)
	}

	b.Target = "cypher"
	if _, err := merge([]Result{a, b}); err == nil || !strings.Contains(err.Error(), "cannot merge cypher") {
		t.Errorf("merging two contenders: %v; want a refusal", err)
	}
}
