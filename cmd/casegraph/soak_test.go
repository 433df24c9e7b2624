//go:build soak || overload

package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
	"github.com/casegraph/casegraph/internal/server"
)

// TestSoak runs steady mixed load against the service for SOAK_DURATION
// (10m unless set) and prints, every SOAK_INTERVAL (10s), the requests
// answered, their latency, and the process's goroutines, heap and resident
// memory. The service runs in this process so its goroutines can be
// counted; the load's own clients are a fixed handful, so growth is the
// service's. `make soak` runs it (scripts/soak.sh); it is not part of
// `make test`.
func TestSoak(t *testing.T) {
	duration := envDuration(t, "SOAK_DURATION", 10*time.Minute)
	interval := envDuration(t, "SOAK_INTERVAL", 10*time.Second)
	uri := neo4jtest.URI(t)
	store := neo4jtest.StoreAt(t, uri)
	neo4jtest.ImportBundled(t, store)
	token, err := store.CreateToken(context.Background(), fmt.Sprintf("soak-%d", time.Now().UnixNano()), kg.Editor, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Request logs at info would pile up in the test's log buffer and be
	// counted as the service's memory.
	base, _ := service(t, uri, map[string]string{"CASEGRAPH_RATE_LIMIT": "0", "CASEGRAPH_LOG_LEVEL": "warn"})
	c := loadClient{http: &http.Client{Timeout: time.Minute}, base: base, token: token}

	var reads []string
	for _, ex := range server.Examples() {
		reads = append(reads, ex.Query)
	}
	tl := &tally{}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	load := mix{readers: 3, writers: 1, reads: reads, cite: "source/iphr-2023-04-mamai#p3", pause: 20 * time.Millisecond}.run(ctx, c, tl)

	fmt.Printf("soak: %s of 3 readers (the %d GraphiQL examples) and 1 writer (createEntity) against %s\n", duration, len(reads), base)
	fmt.Printf("%8s %9s %7s %7s %8s %8s %11s %9s %8s\n", "elapsed", "requests", "req/s", "failed", "p50 ms", "p99 ms", "goroutines", "heap MiB", "RSS MiB")
	var samples []sample
	start, last := time.Now(), time.Now()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	// One sample per tick; the run ends with the sample that reaches the
	// duration, so its length and its table are bounded.
	for time.Since(start) < duration-interval/2 {
		<-tick.C
		s := tl.sample(time.Since(start))
		samples = append(samples, s)
		rate := float64(s.n) / time.Since(last).Seconds()
		last = time.Now()
		fmt.Printf("%8s %9d %7.1f %7d %8.1f %8.1f %11d %9.1f %8.1f\n", s.elapsed.Round(time.Second), s.total, rate, s.failed,
			ms(s.p50), ms(s.p99), s.goroutines, mib(s.heap), mib(s.rss))
	}
	stop()
	load.Wait()

	if tl.failedTotal > 0 {
		t.Errorf("%d of %d requests failed; the first: %s", tl.failedTotal, tl.total, tl.firstFailure)
	}
	if len(samples) < 2 {
		return
	}
	// Compare with the second sample: the first still sees caches filling.
	first, end := samples[1], samples[len(samples)-1]
	if end.goroutines > 2*first.goroutines+50 {
		t.Errorf("goroutines grew from %d to %d", first.goroutines, end.goroutines)
	}
	if end.rss > 2*first.rss+64<<20 {
		t.Errorf("resident memory grew from %.1f to %.1f MiB", mib(first.rss), mib(end.rss))
	}
}

type sample struct {
	elapsed          time.Duration
	total, n, failed int // all requests so far; those and the failed since the last sample
	p50, p99         time.Duration
	goroutines       int
	heap, rss        uint64
}

// tally counts the load's outcomes without keeping them, so the soak's own
// bookkeeping does not grow with its length.
type tally struct {
	mu                 sync.Mutex
	total, failedTotal int
	n, failed          int
	took               []time.Duration // since the last sample
	firstFailure       string
}

func (tl *tally) add(o outcome, _ string) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.total++
	tl.n++
	tl.took = append(tl.took, o.took)
	if !o.ok() {
		tl.failed++
		tl.failedTotal++
		if tl.firstFailure == "" {
			tl.firstFailure = o.String()
		}
	}
}

// sample reads and resets the counts since the last sample, and measures
// the process.
func (tl *tally) sample(elapsed time.Duration) sample {
	tl.mu.Lock()
	s := sample{elapsed: elapsed, total: tl.total, n: tl.n, failed: tl.failed}
	took := tl.took
	tl.n, tl.failed, tl.took = 0, 0, make([]time.Duration, 0, len(took))
	tl.mu.Unlock()
	if len(took) > 0 {
		slices.Sort(took)
		s.p50 = took[len(took)/2]
		s.p99 = took[len(took)*99/100]
	}
	s.goroutines, s.heap = memory()
	s.rss = residentBytes()
	return s
}

// residentBytes is the process's own VmRSS.
func residentBytes() uint64 { return residentBytesIn("/proc/self/status") }

// residentBytesIn is VmRSS from a /proc/PID/status file; 0 where there is
// none.
func residentBytesIn(status string) uint64 {
	b, err := os.ReadFile(status)
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func envDuration(tb testing.TB, name string, def time.Duration) time.Duration {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		tb.Fatalf("%s=%q is not a duration such as 10m", name, v)
	}
	return d
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
func mib(b uint64) float64       { return float64(b) / (1 << 20) }
