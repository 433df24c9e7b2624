package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Result is what one run measured.
type Result struct {
	Target      string           `json:"target"`
	Concurrency int              `json:"concurrency"`
	Seconds     float64          `json:"seconds"`
	All         Stats            `json:"all"`
	ByQuery     map[string]Stats `json:"byQuery"`
	PeakRSSMB   float64          `json:"peakRssMB"`  // of the service; 0 when there is none
	CPUCores    float64          `json:"cpuCores"`   // service CPU time over wall time
	Neo4jCores  float64          `json:"neo4jCores"` // Neo4j's, likewise
	FirstError  string           `json:"firstError,omitempty"`
	// LatenciesUS holds every answered request's latency in microseconds,
	// by query, so that runs of one contender can be merged (load merge).
	LatenciesUS map[string][]int64 `json:"latenciesUs"`
	// Writes are the write stream's, sent during the run (-writes-per-second),
	// apart from the reads.
	Writes          *Stats  `json:"writes,omitempty"`
	WriteLatencyUS  []int64 `json:"writeLatenciesUs,omitempty"`
	WritesPerSecond float64 `json:"writesPerSecond,omitempty"`
	FirstWriteError string  `json:"firstWriteError,omitempty"`
}

// Stats are throughput and latency percentiles in milliseconds.
type Stats struct {
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	RPS      float64 `json:"rps"`
	P50      float64 `json:"p50"`
	P95      float64 `json:"p95"`
	P99      float64 `json:"p99"`
}

func runCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	workload := fs.String("workload", "workload.json", "from load plan")
	target := fs.String("target", "casegraph", "casegraph, neo4j-graphql, cypher or http")
	url := fs.String("url", "http://127.0.0.1:8320/graphql", "GraphQL endpoint (casegraph, neo4j-graphql); the URL to GET (http)")
	uri := fs.String("neo4j-uri", "bolt://127.0.0.1:7725", "Neo4j (cypher)")
	conc := fs.Int("c", 8, "concurrent clients")
	dur := fs.Duration("d", 20*time.Second, "how long to run")
	warm := fs.Duration("warmup", 3*time.Second, "unmeasured run before")
	pid := fs.Int("pid", 0, "the service's process, for RSS and CPU")
	neoPID := fs.Int("neo4j-pid", 0, "Neo4j's process, for CPU")
	out := fs.String("out", "", "write the result as JSON here too")
	only := fs.String("only", "", "comma-separated queries to send (default: the whole mix), to time some apart from the rest")
	label := fs.String("label", "", "name of the contender in results (default: the target)")
	wps := fs.Float64("writes-per-second", 0, "also send this many writes a second, an analyst's edits that touch convictions, through casegraph's API")
	writeURL := fs.String("write-url", "http://127.0.0.1:8320/graphql", "casegraph's GraphQL endpoint, for the writes")
	writeToken := fs.String("write-token", "", "an editor token of that casegraph, for the writes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *label == "" {
		*label = *target
	}
	var w Workload
	b, err := os.ReadFile(*workload)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&w); err != nil {
		return err
	}
	if w.Requests, err = selectQueries(w.Requests, *only); err != nil {
		return err
	}
	do, closeFn, err := sender(*target, *url, *uri)
	if err != nil {
		return err
	}
	defer closeFn()

	var wr *writer
	if *wps > 0 {
		if wr, err = newWriter(ctx, *writeURL, *writeToken, *uri); err != nil {
			return err
		}
		defer wr.close()
		wctx, stopWrites := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); wr.stream(wctx, *wps) }()
		defer func() { stopWrites(); <-done }()
	}
	if *warm > 0 {
		drive(ctx, w.Requests, do, *conc, *warm)
	}
	if wr != nil {
		wr.reset()
	}
	procs := []*proc{newProc(*pid), newProc(*neoPID)}
	stopSampling := sampleRSS(procs[0])
	lat, errs, firstErr, elapsed := drive(ctx, w.Requests, do, *conc, *dur)
	peak := stopSampling()
	res := Result{Target: *label, Concurrency: *conc, Seconds: elapsed.Seconds(),
		PeakRSSMB: peak, CPUCores: procs[0].cores(), Neo4jCores: procs[1].cores(), FirstError: firstErr,
		LatenciesUS: map[string][]int64{}}
	for name, ls := range lat {
		us := make([]int64, len(ls))
		for i, l := range ls {
			us[i] = l.Microseconds()
		}
		res.LatenciesUS[name] = us
	}
	res.summarise(errs)
	if wr != nil {
		st, lat, first := wr.result()
		res.Writes, res.WriteLatencyUS, res.WritesPerSecond, res.FirstWriteError = &st, lat, *wps, first
	}
	printResult(os.Stdout, res)
	if *out != "" {
		b, _ := json.MarshalIndent(res, "", " ")
		return os.WriteFile(*out, b, 0o644)
	}
	return nil
}

// selectQueries keeps the requests of the named queries, or all for "".
func selectQueries(reqs []Request, only string) ([]Request, error) {
	if only == "" {
		return reqs, nil
	}
	names := strings.Split(only, ",")
	var out []Request
	for _, r := range reqs {
		if slices.Contains(names, r.Name) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-only %q: no such query in the workload (want some of %s)", only, strings.Join(mix, ", "))
	}
	return out, nil
}

// sender returns how one request is sent to the target.
func sender(target, url, uri string) (func(context.Context, Request) error, func(), error) {
	switch target {
	case "casegraph", "neo4j-graphql":
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: time.Minute}
		return func(ctx context.Context, r Request) error {
			q := r.Casegraph
			if target == "neo4j-graphql" {
				q = r.NeoGraphQL
			}
			_, err := post(ctx, client, url, q)
			return err
		}, func() {}, nil
	case "http":
		// No GraphQL and no Neo4j: the HTTP round trip alone.
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: time.Minute}
		return func(ctx context.Context, _ Request) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
			}
			return nil
		}, func() {}, nil
	case "cypher":
		d, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth(), func(c *neo4j.Config) { c.MaxConnectionPoolSize = 64 })
		if err != nil {
			return nil, nil, err
		}
		return func(ctx context.Context, r Request) error {
			// As casegraph sends its reads: without the run's deadline (with
			// one the driver starts a goroutine for every socket read), each
			// statement an auto-commit transaction routed to readers.
			ctx = context.WithoutCancel(ctx)
			for _, s := range r.Cypher {
				session := d.NewSession(ctx, neo4j.SessionConfig{DatabaseName: "neo4j", AccessMode: neo4j.AccessModeRead,
					BookmarkManager: d.ExecuteQueryBookmarkManager()})
				res, err := session.Run(ctx, s.Query, params(s.Params))
				if err == nil {
					_, err = res.Collect(ctx)
				}
				session.Close(ctx)
				if err != nil {
					return err
				}
			}
			return nil
		}, func() { d.Close(context.Background()) }, nil
	}
	return nil, nil, fmt.Errorf("unknown target %q", target)
}

// post sends one GraphQL request and returns the answer's body; an answer
// with errors is an error.
func post(ctx context.Context, client *http.Client, url string, q GraphQL) ([]byte, error) {
	body, _ := json.Marshal(q)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(b, []byte(`"errors"`)) {
		return nil, fmt.Errorf("status %d: %.200s", resp.StatusCode, b)
	}
	return b, nil
}

// params turns JSON-decoded parameters back into the driver's types:
// whole numbers as int64, as Cypher's LIMIT and SKIP need.
func params(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = value(v)
	}
	return out
}

func value(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = value(x)
		}
		return out
	case map[string]any:
		return params(v)
	}
	return v
}

// drive sends requests from conc clients for d, each client taking the
// next request of the mix in turn, and returns latencies by query name.
func drive(ctx context.Context, reqs []Request, do func(context.Context, Request) error, conc int, d time.Duration) (map[string][]time.Duration, map[string]int, string, time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var next atomic.Int64
	var mu sync.Mutex
	lat := map[string][]time.Duration{}
	errs := map[string]int{}
	firstErr := ""
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				r := reqs[int(next.Add(1)-1)%len(reqs)]
				t := time.Now()
				err := do(ctx, r)
				took := time.Since(t)
				if ctx.Err() != nil && err != nil {
					return // cut off by the end of the run, not a failure
				}
				mu.Lock()
				if err != nil {
					errs[r.Name]++
					if firstErr == "" {
						firstErr = r.Name + ": " + err.Error()
					}
				} else {
					lat[r.Name] = append(lat[r.Name], took)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return lat, errs, firstErr, time.Since(start)
}

// summarise works out the per-query and overall statistics from the
// latencies, the errors by query and the measured time.
func (r *Result) summarise(errs map[string]int) {
	r.ByQuery = map[string]Stats{}
	var all []int64
	allErrs := 0
	for name, ls := range r.LatenciesUS {
		r.ByQuery[name] = stats(ls, errs[name], r.Seconds)
		all = append(all, ls...)
	}
	for name, n := range errs {
		allErrs += n
		if _, ok := r.ByQuery[name]; !ok {
			r.ByQuery[name] = stats(nil, n, r.Seconds)
		}
	}
	r.All = stats(all, allErrs, r.Seconds)
}

func stats(us []int64, errs int, seconds float64) Stats {
	ls := slices.Clone(us)
	slices.Sort(ls)
	pct := func(p float64) float64 {
		if len(ls) == 0 {
			return 0
		}
		return float64(ls[min(len(ls)-1, int(p*float64(len(ls))))]) / 1000
	}
	return Stats{Requests: len(ls), Errors: errs, RPS: float64(len(ls)) / seconds, P50: pct(0.50), P95: pct(0.95), P99: pct(0.99)}
}

func printResult(out io.Writer, r Result) {
	fmt.Fprintf(out, "%s: %d clients, %.0f s; service peak RSS %.0f MB, CPU %.2f cores; Neo4j CPU %.2f cores\n",
		r.Target, r.Concurrency, r.Seconds, r.PeakRSSMB, r.CPUCores, r.Neo4jCores)
	fmt.Fprintf(out, "  %-14s %8s %8s %8s %8s %8s %7s\n", "query", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
	for _, name := range append(slices.Clone(mix), "all") {
		s, ok := r.ByQuery[name]
		if name == "all" {
			s, ok = r.All, true
		}
		if ok {
			fmt.Fprintf(out, "  %-14s %8d %8.1f %8.1f %8.1f %8.1f %7d\n", name, s.Requests, s.RPS, s.P50, s.P95, s.P99, s.Errors)
		}
	}
	if r.Writes != nil {
		s := r.Writes
		fmt.Fprintf(out, "  %-14s %8d %8.1f %8.1f %8.1f %8.1f %7d\n", "(writes)", s.Requests, s.RPS, s.P50, s.P95, s.P99, s.Errors)
	}
	if r.FirstError != "" {
		fmt.Fprintln(out, "  first error:", r.FirstError)
	}
	if r.FirstWriteError != "" {
		fmt.Fprintln(out, "  first write error:", r.FirstWriteError)
	}
}

// proc reads a process's CPU time and memory from /proc.
type proc struct {
	pid   int
	cpu0  float64
	start time.Time
}

func newProc(pid int) *proc {
	p := &proc{pid: pid, start: time.Now()}
	p.cpu0, _ = p.cpuSeconds()
	return p
}

// cpuSeconds is utime+stime from /proc/PID/stat, in clock ticks of 1/100 s.
func (p *proc) cpuSeconds() (float64, error) {
	if p.pid == 0 {
		return 0, errors.New("no process")
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	var ut, st float64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return (ut + st) / 100, nil
}

func (p *proc) cores() float64 {
	now, err := p.cpuSeconds()
	if err != nil {
		return 0
	}
	return (now - p.cpu0) / time.Since(p.start).Seconds()
}

func (p *proc) rssMB() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			var kb float64
			fmt.Sscan(strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:")), &kb)
			return kb / 1024
		}
	}
	return 0
}

// sampleRSS samples p's RSS every 100 ms until the returned function is
// called, which returns the peak.
func sampleRSS(p *proc) func() float64 {
	if p.pid == 0 {
		return func() float64 { return 0 }
	}
	done := make(chan struct{})
	peak := make(chan float64)
	go func() {
		max := p.rssMB()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				max = fmax(max, p.rssMB())
			case <-done:
				peak <- fmax(max, p.rssMB())
				return
			}
		}
	}()
	return func() float64 { close(done); return <-peak }
}

func fmax(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}
