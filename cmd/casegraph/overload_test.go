//go:build overload

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// TestOverload measures what abusive clients do to a normal one: the
// normal client (an ID lookup and a search, in turns, 40 a second at
// most) runs alone for OVERLOAD_DURATION (30s unless set), and as long
// while abusers send the attacks docs/reliability.md lists, each from an
// address of its own, so the rate limit sees separate clients. The two
// runs take turns in OVERLOAD_ROUNDS rounds (3 unless set), so that other
// work on the machine falls on both alike. The
// service runs in a process of its own (TestOverloadService), with its
// default settings, so the clients' work and memory are not counted as
// its own. It prints the normal client's latency in both runs, their
// ratio, its 503s and failures, the service's peak resident memory, and
// what each abuser got; it fails only if the normal client got a 503 or
// an error. With OVERLOAD_CASES set, that many synthetic cases are loaded
// beside the bundled ones first; with OVERLOAD_PROFILE set, a CPU profile
// of the service during the abused run is written there. With
// OVERLOAD_ADDRESSES set, the abuser sending the largest allowed request
// spreads its requests over that many addresses, as many clients would,
// which the per-client rate limit does not stop. The abusers wait out the
// Retry-After of a 429; with OVERLOAD_FLOOD=1 they send again at once, a
// flood of requests whose sending takes the machine's CPU as well.
//
// `make overload` runs it (scripts/soak.sh with SOAK_TAGS=overload);
// it is not part of `make test`.
func TestOverload(t *testing.T) {
	duration := envDuration(t, "OVERLOAD_DURATION", 30*time.Second)
	uri := neo4jtest.URI(t)
	store := neo4jtest.StoreAt(t, uri)
	if n := os.Getenv("OVERLOAD_CASES"); n != "" {
		env := map[string]string{"NEO4J_URI": uri, "CASEGRAPH_LOG_LEVEL": "warn"}
		var out bytes.Buffer
		if err := run(context.Background(), []string{"gen", "-cases", n, "-seed", "1", "-bulk"}, func(k string) string { return env[k] }, &out, io.Discard); err != nil {
			t.Fatalf("gen: %v\n%s", err, out.String())
		}
		fmt.Print(out.String())
	}
	neo4jtest.ImportBundled(t, store)
	svc := startService(t, uri)
	base := svc.base

	normal := newLoopbackClient(net.IPv4(127, 0, 0, 1))
	reads := []string{
		`{ node(id: "person/zhanbolat-mamai") { id ... on Person { name aliases charges { name status } } } }`,
		`{ search(query: "Mamay", first: 5) { score entity { id name } } }`,
	}
	// Warm Neo4j (its plans, and the JIT of a JVM just started) and the
	// service's caches first: a cold quiet run would flatter the ratio.
	runNormal(context.Background(), normal, base, reads, 15*time.Second)

	rounds := 3
	if n, err := strconv.Atoi(os.Getenv("OVERLOAD_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	spread, _ := strconv.Atoi(os.Getenv("OVERLOAD_ADDRESSES"))
	obey := os.Getenv("OVERLOAD_FLOOD") != "1"
	fmt.Printf("overload: a normal client (%d reads in turns) for %s quiet and %s beside the abusers, in %d rounds, against %s\n",
		len(reads), duration, duration, rounds, base)
	var quiet, abused normalStats
	peak := &peakMemory{pid: svc.cmd.Process.Pid}
	abusers := newAbusers(base, max(spread, 1), obey)
	for round := range rounds {
		quiet.add(runNormal(context.Background(), normal, base, reads, duration/time.Duration(rounds)))

		ctx, stop := context.WithCancel(context.Background())
		abusers.start(ctx)
		time.Sleep(2 * time.Second) // the abusers reach their pace
		go peak.watch(ctx)
		var profiled chan struct{}
		if round == 0 {
			profiled = svc.profile(t, os.Getenv("OVERLOAD_PROFILE"), duration/time.Duration(rounds))
		}
		abused.add(runNormal(context.Background(), normal, base, reads, duration/time.Duration(rounds)))
		stop()
		abusers.wait()
		if profiled != nil {
			<-profiled
		}
	}
	quiet.sum()
	abused.sum()

	fmt.Printf("\n| run | requests | p50 ms | p99 ms | max ms | 503s | other failures |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range []struct {
		name string
		s    normalStats
	}{{"quiet", quiet}, {"abused", abused}} {
		fmt.Printf("| %s | %d | %.1f | %.1f | %.1f | %d | %d |\n", r.name, r.s.n, ms(r.s.p50), ms(r.s.p99), ms(r.s.max), r.s.unavailable, r.s.failed)
	}
	ratio := float64(abused.p99) / float64(max(quiet.p99, time.Microsecond))
	fmt.Printf("\np99 abused / quiet: %.2f (target: at most 3); 503s while abused: %d; the service's peak resident memory while abused: %.0f MiB\n\n",
		ratio, abused.unavailable, mib(peak.max()))
	abusers.print()

	if abused.unavailable > 0 || abused.failed > 0 || quiet.failed > 0 || quiet.unavailable > 0 {
		t.Errorf("the normal client got %d 503s and %d other failures while abused (%d and %d quiet); the first: %s",
			abused.unavailable, abused.failed, quiet.unavailable, quiet.failed, abused.firstFailure+quiet.firstFailure)
	}
}

// newLoopbackClient is an HTTP client whose connections come from the
// loopback address ip, so the service sees it as a client of its own.
func newLoopbackClient(ip net.IP) *http.Client {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: 10 * time.Second}
	return &http.Client{
		Timeout:   2 * time.Minute,
		Transport: &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 16},
	}
}

type normalStats struct {
	n, unavailable, failed int
	took                   []time.Duration
	p50, p99, max          time.Duration
	firstFailure           string
}

// add counts another run's requests into s.
func (s *normalStats) add(o normalStats) {
	s.n, s.unavailable, s.failed = s.n+o.n, s.unavailable+o.unavailable, s.failed+o.failed
	s.took = append(s.took, o.took...)
	if s.firstFailure == "" {
		s.firstFailure = o.firstFailure
	}
}

// sum sets the percentiles of the latencies counted.
func (s *normalStats) sum() {
	if len(s.took) > 0 {
		slices.Sort(s.took)
		s.p50, s.p99, s.max = s.took[len(s.took)/2], s.took[len(s.took)*99/100], s.took[len(s.took)-1]
	}
}

// runNormal sends reads in turns for d, pausing 25 ms between requests, so
// the client stays within the default rate limit on its own.
func runNormal(ctx context.Context, c *http.Client, base string, reads []string, d time.Duration) normalStats {
	var s normalStats
	for end := time.Now().Add(d); time.Now().Before(end) && ctx.Err() == nil; {
		o := (loadClient{http: c, base: base}).post(reads[s.n%len(reads)])
		s.n++
		switch {
		case o.err == nil && o.status == http.StatusServiceUnavailable:
			s.unavailable++
		case !o.ok():
			s.failed++
		}
		if !o.ok() && s.firstFailure == "" {
			s.firstFailure = o.String()
		}
		if o.err == nil {
			s.took = append(s.took, o.took)
		}
		time.Sleep(25 * time.Millisecond)
	}
	return s
}

// abuse is one abuser: what it sends, how many of it at once, and from
// which loopback address (127.0.0.host, or with spread, 127.0.1.1 and on).
type abuse struct {
	name     string
	host     int
	parallel int
	query    string
	unread   bool // send, and never read the answer
	spread   bool // use every address OVERLOAD_ADDRESSES allows, in turns
}

// abuseQueries are the attacks, each the largest of its kind: the alias
// bombs as they were found, the largest neighbourhood request the limits
// allow, and a large answer nobody reads.
func abuseQueries() []abuse {
	aliased := func(n int, field string) string {
		var b strings.Builder
		b.WriteString("{ ")
		for i := range n {
			fmt.Fprintf(&b, "a%d: %s ", i, field)
		}
		return b.String() + "}"
	}
	const view = `{ truncated nodes { id type label } edges { id type source target } }`
	return []abuse{
		{name: "90 aliased neighbourhoods (depth 3, limit 400)", host: 2, parallel: 4,
			query: aliased(90, `neighbourhood(id: "legal-article/kz-cc-274", depth: 3, limit: 400) { truncated nodes { id } }`)},
		{name: "600 aliased __schema", host: 3, parallel: 4,
			query: aliased(600, "__schema { types { name fields { name args { name } } } }")},
		// 7 × (21 for the walk + 7 for the answer) = 196 of the 200 allowed.
		{name: "largest allowed: 7 neighbourhoods (depth 3, limit 500)", host: 4, parallel: 4, spread: true,
			query: aliased(7, `neighbourhood(id: "legal-article/kz-cc-274", depth: 3, limit: 500) `+view)},
		{name: "never reads: the largest neighbourhood, 16 connections", host: 5, parallel: 16, unread: true,
			query: `{ neighbourhood(id: "legal-article/kz-cc-274", depth: 3, limit: 500) { truncated nodes { id type label properties } edges { id type source target properties sources { ref source { title } } } } }`},
	}
}

// abusers runs the abusers, and counts for each its answers by status and
// first error code.
type abusers struct {
	base      string
	addresses int
	obey      bool

	wg      sync.WaitGroup
	clients []*http.Client
	mu      sync.Mutex
	order   []string
	counts  map[string]map[string]int
}

func newAbusers(base string, addresses int, obey bool) *abusers {
	return &abusers{base: base, addresses: addresses, obey: obey, counts: map[string]map[string]int{}}
}

// start sets the abusers going until ctx ends.
func (a *abusers) start(ctx context.Context) {
	base, addresses, obey := a.base, a.addresses, a.obey
	a.clients, a.order = nil, nil
	for _, ab := range abuseQueries() {
		name := ab.name
		clients := []*http.Client{newLoopbackClient(net.IPv4(127, 0, 0, byte(ab.host)))}
		if ab.spread && addresses > 1 {
			name += fmt.Sprintf(", from %d addresses", addresses)
			clients = clients[:0]
			for i := range addresses {
				clients = append(clients, newLoopbackClient(net.IPv4(127, 0, 1+byte(i/250), 1+byte(i%250))))
			}
		}
		a.clients = append(a.clients, clients...)
		a.order = append(a.order, name)
		if a.counts[name] == nil {
			a.counts[name] = map[string]int{}
		}
		body, _ := json.Marshal(map[string]string{"query": ab.query})
		for g := range ab.parallel {
			a.wg.Go(func() {
				for n := g; ctx.Err() == nil; n += ab.parallel {
					var got string
					if ab.unread {
						got = sendUnread(ctx, base, ab.host, body)
					} else {
						// Spread over many addresses, a 429 on one is no
						// reason to wait: the next address has its budget.
						got = send(ctx, clients[n%len(clients)], base, body, obey && len(clients) == 1)
					}
					a.mu.Lock()
					a.counts[name][got]++
					a.mu.Unlock()
				}
			})
		}
	}
}

// wait waits for the abusers to stop, and closes the connections their
// clients keep, so the service can shut down without waiting for them.
func (a *abusers) wait() {
	a.wg.Wait()
	for _, c := range a.clients {
		c.CloseIdleConnections()
	}
}

func (a *abusers) print() {
	fmt.Printf("| abuser | answers |\n|---|---|\n")
	for _, name := range a.order {
		var parts []string
		for got, n := range a.counts[name] {
			parts = append(parts, fmt.Sprintf("%d × %s", n, got))
		}
		sort.Strings(parts)
		fmt.Printf("| %s | %s |\n", name, strings.Join(parts, ", "))
	}
}

// send posts body and sums up the answer as its status and first error
// code; with obey, a 429 waits out its Retry-After.
func send(ctx context.Context, c *http.Client, base string, body []byte, obey bool) string {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "stopped"
		}
		return "no answer"
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r struct {
		Errors []struct{ Extensions struct{ Code, Limit string } }
	}
	_ = json.Unmarshal(raw, &r)
	got := strconv.Itoa(resp.StatusCode)
	if len(r.Errors) > 0 {
		got += " " + r.Errors[0].Extensions.Code
		if l := r.Errors[0].Extensions.Limit; l != "" {
			got += " (" + l + ")"
		}
	}
	if obey && resp.StatusCode == http.StatusTooManyRequests {
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(secs) * time.Second):
		}
	}
	return got
}

// sendUnread posts body on a connection of its own and holds it for a
// minute, past the server's write timeout, without reading the answer;
// then it looks whether the server has given the connection up.
func sendUnread(ctx context.Context, base string, host int, body []byte) string {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(host))}}
	conn, err := dialer.DialContext(ctx, "tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		return "no connection"
	}
	defer conn.Close()
	_ = conn.(*net.TCPConn).SetReadBuffer(4 << 10)
	if _, err := fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: casegraph\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		return "send failed"
	}
	select {
	case <-ctx.Done():
		return "held unread to the end of the run"
	case <-time.After(time.Minute):
	}
	if closedByPeer(conn) {
		return "held unread 60 s, closed by the server"
	}
	return "held unread 60 s, still open"
}

// closedByPeer drains what the server sent and reports whether it has
// closed the connection: an EOF or a reset rather than a read timeout.
func closedByPeer(conn net.Conn) bool {
	buf := make([]byte, 64<<10)
	for {
		_ = conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		if _, err := conn.Read(buf); err != nil {
			ne, ok := err.(net.Error)
			return !ok || !ne.Timeout()
		}
	}
}

// overloadService is casegraph serve in a process of its own.
type overloadService struct {
	cmd       *exec.Cmd
	base      string
	pprofAddr string
}

// TestOverloadService is the service TestOverload starts: this test
// binary, run again with OVERLOAD_SERVE=1, serving until it is
// interrupted. It does nothing in an ordinary run.
func TestOverloadService(t *testing.T) {
	if os.Getenv("OVERLOAD_SERVE") != "1" {
		t.Skip("started by TestOverload")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, []string{"serve"}, os.Getenv, os.Stdout, os.Stderr); err != nil {
		t.Fatal(err)
	}
}

// startService starts TestOverloadService against the Neo4j at uri, with
// the default limits, and waits until it answers; it is interrupted when
// the test ends.
func startService(t *testing.T, uri string) *overloadService {
	t.Helper()
	s := &overloadService{
		base:      fmt.Sprintf("http://127.0.0.1:%d", neo4jtest.FreePort(t)),
		pprofAddr: fmt.Sprintf("127.0.0.1:%d", neo4jtest.FreePort(t)),
	}
	s.cmd = exec.Command(os.Args[0], "-test.run=^TestOverloadService$", "-test.timeout=0")
	s.cmd.Env = append(os.Environ(), "OVERLOAD_SERVE=1", "NEO4J_URI="+uri,
		"CASEGRAPH_ADDR="+strings.TrimPrefix(s.base, "http://"), "CASEGRAPH_PPROF_ADDR="+s.pprofAddr,
		"CASEGRAPH_LOG_LEVEL=error", "CASEGRAPH_SHUTDOWN_TIMEOUT=5s")
	var logs syncBuffer
	s.cmd.Stdout, s.cmd.Stderr = &logs, &logs
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		if err := s.cmd.Wait(); err != nil {
			t.Logf("the service ended with %v:\n%s", err, tail(logs.String(), 20))
		}
	})
	waitUntil(t, 90*time.Second, "the service answers /healthz", func() bool {
		resp, err := http.Get(s.base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return s
}

// profile writes a CPU profile of the service over the next d to path,
// closing the returned channel when done; with no path it does nothing.
func (s *overloadService) profile(t *testing.T, path string, d time.Duration) chan struct{} {
	done := make(chan struct{})
	if path == "" {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", s.pprofAddr, int(d.Seconds())))
		if err != nil {
			t.Errorf("profile: %v", err)
			return
		}
		defer resp.Body.Close()
		f, err := os.Create(path)
		if err != nil {
			t.Errorf("profile: %v", err)
			return
		}
		defer f.Close()
		_, _ = io.Copy(f, resp.Body)
	}()
	return done
}

// peakMemory samples a process's resident memory.
type peakMemory struct {
	pid  int
	mu   sync.Mutex
	peak uint64
}

func (p *peakMemory) watch(ctx context.Context) {
	for ctx.Err() == nil {
		rss := residentBytesIn(fmt.Sprintf("/proc/%d/status", p.pid))
		p.mu.Lock()
		p.peak = max(p.peak, rss)
		p.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (p *peakMemory) max() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peak
}
