package main

import (
	"fmt"
	"slices"
)

// tableCmd prints runs side by side as Markdown, with each contender's
// throughput and latencies relative to the first run given.
func tableCmd(files []string) error {
	var rs []Result
	for _, f := range files {
		r, err := readResult(f)
		if err != nil {
			return err
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return fmt.Errorf("usage: load table RESULT.json...")
	}
	fmt.Println("| contender | req/s | p50 ms | p95 ms | p99 ms | errors | peak RSS MB | service CPU | Neo4j CPU |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rs {
		fmt.Printf("| %s | %.1f | %.1f | %.1f | %.1f | %d | %.0f | %.2f | %.2f |\n", r.Target, r.All.RPS, r.All.P50, r.All.P95, r.All.P99, r.All.Errors, r.PeakRSSMB, r.CPUCores, r.Neo4jCores)
	}
	fmt.Println()
	fmt.Print("| query |")
	for _, r := range rs {
		fmt.Printf(" %s p50 / p99 ms |", r.Target)
	}
	fmt.Println()
	fmt.Print("|---|")
	for range rs {
		fmt.Print("---:|")
	}
	fmt.Println()
	for _, name := range mix {
		if !slices.ContainsFunc(rs, func(r Result) bool { _, ok := r.ByQuery[name]; return ok }) {
			continue // not in this run (load run -only)
		}
		fmt.Printf("| %s |", name)
		for _, r := range rs {
			s := r.ByQuery[name]
			fmt.Printf(" %.1f / %.1f |", s.P50, s.P99)
		}
		fmt.Println()
	}
	if slices.ContainsFunc(rs, func(r Result) bool { return r.Writes != nil }) {
		fmt.Print("| (writes: sent/s, p50 / p99 ms, errors) |")
		for _, r := range rs {
			if r.Writes == nil {
				fmt.Print(" none |")
				continue
			}
			fmt.Printf(" %.1f/s, %.1f / %.1f, %d |", float64(r.Writes.Requests+r.Writes.Errors)/r.Seconds, r.Writes.P50, r.Writes.P99, r.Writes.Errors)
		}
		fmt.Println()
	}
	if len(rs) > 1 {
		base := rs[0]
		fmt.Println()
		for _, r := range rs[1:] {
			fmt.Printf("%s vs %s: throughput %.2f×, p50 %.2f×, p99 %.2f× (of %s's)\n", base.Target, r.Target,
				base.All.RPS/r.All.RPS, base.All.P50/r.All.P50, base.All.P99/r.All.P99, r.Target)
		}
	}
	return nil
}
