package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
)

// mergeCmd joins runs of one contender, made in turns with the others so
// that drift in the machine or in Neo4j's caches falls on every contender
// alike, into one result.
func mergeCmd(args []string) error {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	out := fs.String("out", "", "write the merged result here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() == 0 {
		return fmt.Errorf("usage: load merge -out RESULT.json RUN.json...")
	}
	var runs []Result
	for _, f := range fs.Args() {
		r, err := readResult(f)
		if err != nil {
			return err
		}
		if r.LatenciesUS == nil {
			return fmt.Errorf("%s: no latencies to merge (a result of an older load run)", f)
		}
		runs = append(runs, r)
	}
	m, err := merge(runs)
	if err != nil {
		return err
	}
	printResult(os.Stdout, m)
	b, _ := json.MarshalIndent(m, "", " ")
	return os.WriteFile(*out, b, 0o644)
}

func readResult(file string) (Result, error) {
	var r Result
	b, err := os.ReadFile(file)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("%s: %w", file, err)
	}
	return r, nil
}

// merge adds up requests, errors and time, takes percentiles over every
// latency, the highest RSS and the CPU averaged over the time measured.
func merge(runs []Result) (Result, error) {
	m := Result{Target: runs[0].Target, Concurrency: runs[0].Concurrency, LatenciesUS: map[string][]int64{}}
	errs := map[string]int{}
	writeErrs := 0
	var cpu, neoCPU float64
	for _, r := range runs {
		if r.Target != m.Target || r.Concurrency != m.Concurrency {
			return Result{}, fmt.Errorf("cannot merge %s with %d clients into %s with %d", r.Target, r.Concurrency, m.Target, m.Concurrency)
		}
		m.Seconds += r.Seconds
		m.PeakRSSMB = fmax(m.PeakRSSMB, r.PeakRSSMB)
		cpu += r.CPUCores * r.Seconds
		neoCPU += r.Neo4jCores * r.Seconds
		if m.FirstError == "" {
			m.FirstError = r.FirstError
		}
		for name, ls := range r.LatenciesUS {
			m.LatenciesUS[name] = append(m.LatenciesUS[name], ls...)
		}
		for name, s := range r.ByQuery {
			errs[name] += s.Errors
		}
		if r.Writes != nil {
			m.WritesPerSecond = r.WritesPerSecond
			m.WriteLatencyUS = append(m.WriteLatencyUS, r.WriteLatencyUS...)
			writeErrs += r.Writes.Errors
			if m.FirstWriteError == "" {
				m.FirstWriteError = r.FirstWriteError
			}
		}
	}
	if m.Seconds > 0 {
		m.CPUCores, m.Neo4jCores = cpu/m.Seconds, neoCPU/m.Seconds
	}
	m.summarise(errs)
	if m.WritesPerSecond > 0 {
		st := stats(m.WriteLatencyUS, writeErrs, m.Seconds)
		m.Writes = &st
	}
	return m, nil
}
