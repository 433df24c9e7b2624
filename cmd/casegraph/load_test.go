package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
)

// Load for the fault and soak tests: clients that record what they got
// instead of failing the test, since only the test goroutine may.

// outcome is one request of the load, as its client saw it.
type outcome struct {
	start  time.Time
	took   time.Duration
	status int
	codes  []string // extensions.code of each error
	saved  []string // extensions.saved of each error: NO, UNKNOWN or YES for a write
	first  string   // the first error's message, for failure reports
	err    error    // the request got no HTTP answer at all
	id     string   // the entity a write created, when it says it did
}

func (o outcome) ok() bool { return o.err == nil && o.status == http.StatusOK && len(o.codes) == 0 }

// unavailable: the service answered, and said only that Neo4j is away.
func (o outcome) unavailable() bool {
	if o.err != nil || o.status != http.StatusServiceUnavailable || len(o.codes) == 0 {
		return false
	}
	for _, c := range o.codes {
		if c != string(kg.Unavailable) {
			return false
		}
	}
	return true
}

// maybeSaved: a write whose commit was sent when Neo4j went away, so it
// may have been saved; it answers 200, never 503, with only UNAVAILABLE
// and saved UNKNOWN (docs/api.md, "Editing").
func (o outcome) maybeSaved() bool { return o.onlyUnavailable(kg.MaybeSaved) }

// savedAnyway: a write that was saved before Neo4j went away, while it was
// being read back for the answer; it answers 200 with only UNAVAILABLE and
// saved YES, and counts as acknowledged.
func (o outcome) savedAnyway() bool { return o.onlyUnavailable(kg.SavedAnyway) }

// onlyUnavailable: a 200 whose every error is UNAVAILABLE with the given
// saved state.
func (o outcome) onlyUnavailable(saved kg.Saved) bool {
	if o.err != nil || o.status != http.StatusOK || len(o.codes) == 0 {
		return false
	}
	for i, c := range o.codes {
		if c != string(kg.Unavailable) || o.saved[i] != string(saved) {
			return false
		}
	}
	return true
}

func (o outcome) String() string {
	if o.err != nil {
		return fmt.Sprintf("no answer: %v", o.err)
	}
	return fmt.Sprintf("status %d, codes %v (%q)", o.status, o.codes, o.first)
}

// loadClient sends GraphQL requests from the load goroutines; it records
// instead of failing the test, which only the test goroutine may do.
type loadClient struct {
	http  *http.Client
	base  string
	token string
}

func (c loadClient) post(query string) outcome {
	o := outcome{start: time.Now()}
	body, _ := json.Marshal(map[string]any{"query": query})
	req, err := http.NewRequest(http.MethodPost, c.base+"/graphql", bytes.NewReader(body))
	if err != nil {
		o.err = err
		return o
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		o.err = err
		return o
	}
	defer resp.Body.Close()
	o.status = resp.StatusCode
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		o.err = err
		return o
	}
	var r struct {
		Data struct {
			CreateEntity struct{ ID string }
		}
		Errors []struct {
			Message    string
			Extensions struct{ Code, Saved string }
		}
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		o.err = fmt.Errorf("answer is not JSON: %v: %.200s", err, raw)
		return o
	}
	for _, e := range r.Errors {
		o.codes = append(o.codes, e.Extensions.Code)
		o.saved = append(o.saved, e.Extensions.Saved)
	}
	if len(r.Errors) > 0 {
		o.first = r.Errors[0].Message
	}
	o.id = r.Data.CreateEntity.ID
	o.took = time.Since(o.start)
	return o
}

// sink takes the load's outcomes; write names the entity a write meant to
// create ("" for reads).
type sink interface{ add(o outcome, write string) }

// recorder keeps every outcome of the load.
type recorder struct {
	mu       sync.Mutex
	outcomes []outcome
	acked    []string // IDs of writes answered as saved
}

func (r *recorder) add(o outcome, write string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outcomes = append(r.outcomes, o)
	if write != "" && (o.ok() && o.id == write || o.savedAnyway()) {
		r.acked = append(r.acked, write)
	}
}

func (r *recorder) snapshot() ([]outcome, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]outcome(nil), r.outcomes...), append([]string(nil), r.acked...)
}

// mix is a steady load: readers cycling through reads, and writers creating
// people who cite the paragraph cite, each pausing between requests.
type mix struct {
	readers, writers int
	reads            []string
	cite             string
	pause            time.Duration
}

// run keeps the load going until ctx ends; wait for the returned group.
func (m mix) run(ctx context.Context, c loadClient, out sink) *sync.WaitGroup {
	var wg sync.WaitGroup
	pace := func() bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(m.pause):
			return true
		}
	}
	for i := range m.readers {
		wg.Go(func() {
			for n := 0; pace(); n++ {
				out.add(c.post(m.reads[(i+n)%len(m.reads)]), "")
			}
		})
	}
	prefix := time.Now().UnixNano()
	for i := range m.writers {
		wg.Go(func() {
			for n := 0; pace(); n++ {
				id := fmt.Sprintf("person/load-%d-%d-%d", prefix, i, n)
				q := fmt.Sprintf(`mutation { createEntity(input: {id: %q, type: PERSON, fields: {name: "Load Test %d %d"}, cite: [%q]}) { id } }`, id, i, n, m.cite)
				out.add(c.post(q), id)
			}
		})
	}
	return &wg
}

// memory returns the goroutine count and the live heap after a collection.
func memory() (int, uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return runtime.NumGoroutine(), m.HeapAlloc
}

// waitUntil polls cond until it holds, failing the test after limit.
func waitUntil(tb testing.TB, limit time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("not within %s: %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
