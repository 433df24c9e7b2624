package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The write stream: while the readers run, an analyst's edits that touch
// convictions, at a steady rate, through casegraph's GraphQL API with an
// editor token. Two kinds alternate, on synthetic cases picked from the
// graph: a sentence's term changed (updateEntity, from the version read
// just before), and a political-activity ban added to a defendant
// (createEntity), which the convictions question of the mix filters on.
// Whatever the contender measured, the writes go to casegraph, so every
// contender reads a Neo4j that takes the same writes.

// writeTarget is a guilty defendant's case with its first sentence.
type writeTarget struct {
	Case, Person, Sentence, Source string
}

// writer sends the write stream.
type writer struct {
	url, token string
	driver     neo4j.DriverWithContext
	client     *http.Client
	targets    []writeTarget
	run        string // tells this run's new entities from another's

	mu      sync.Mutex
	lat     []int64 // microseconds, of the writes that succeeded
	errs    int
	first   string
	sent    int
	started time.Time
}

func newWriter(ctx context.Context, url, token, uri string) (*writer, error) {
	d, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		return nil, err
	}
	res, err := neo4j.ExecuteQuery(ctx, d, `
		MATCH (k:Case)-[:HAS_SENTENCE]->(s:Sentence)<-[:SENTENCED_TO]-(p:Person)
		WHERE k.id STARTS WITH 'case/syn-' AND s.id STARTS WITH 'sentence/syn-'
		WITH k, p, s ORDER BY k.id, s.id LIMIT 20000
		WITH k, head(collect([p.id, s.id])) AS ps
		RETURN k.id AS case, ps[0] AS person, ps[1] AS sentence
		ORDER BY case`, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase("neo4j"))
	if err != nil {
		d.Close(ctx)
		return nil, err
	}
	w := &writer{url: url, token: token, driver: d, run: fmt.Sprint(time.Now().UnixNano()),
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}, Timeout: time.Minute}}
	for _, r := range res.Records {
		m := r.AsMap()
		k := fmt.Sprint(m["case"])
		w.targets = append(w.targets, writeTarget{Case: k, Person: fmt.Sprint(m["person"]), Sentence: fmt.Sprint(m["sentence"]),
			Source: "source/" + strings.TrimPrefix(k, "case/") + "-a"})
	}
	if len(w.targets) == 0 {
		d.Close(ctx)
		return nil, fmt.Errorf("no synthetic sentences to write to")
	}
	return w, nil
}

func (w *writer) close() { w.driver.Close(context.Background()) }

// stream sends perSecond writes a second until ctx ends, each on its own
// goroutine so that a slow write does not slow the rate.
func (w *writer) stream(ctx context.Context, perSecond float64) {
	w.reset()
	tick := time.NewTicker(time.Duration(float64(time.Second) / perSecond))
	defer tick.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			t := time.Now()
			err := w.write(context.WithoutCancel(ctx), n)
			w.mu.Lock()
			defer w.mu.Unlock()
			w.sent++
			if err != nil {
				w.errs++
				if w.first == "" {
					w.first = err.Error()
				}
				return
			}
			w.lat = append(w.lat, time.Since(t).Microseconds())
		}(n)
	}
}

// write sends the nth write of the stream.
func (w *writer) write(ctx context.Context, n int) error {
	t := w.targets[(n/2)%len(w.targets)]
	cite := []string{t.Source + "#p1"}
	if n%2 == 0 {
		res, err := neo4j.ExecuteQuery(ctx, w.driver, `MATCH (s:Entity {id: $id}) RETURN s.version AS v`,
			map[string]any{"id": t.Sentence}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase("neo4j"))
		if err != nil {
			return err
		}
		if len(res.Records) == 0 {
			return fmt.Errorf("%s is gone", t.Sentence)
		}
		v, _ := res.Records[0].Get("v")
		return w.post(ctx, `mutation($id: ID!, $version: Int!, $set: JSON, $cite: [String!]!) {
			updateEntity(id: $id, version: $version, set: $set, cite: $cite, reason: "bench: term corrected") { id version } }`,
			map[string]any{"id": t.Sentence, "version": v, "cite": cite, "set": map[string]any{"term": fmt.Sprintf("P%dM", 6+n%30)}})
	}
	id := fmt.Sprintf("restriction/syn-bench-%s-%d", w.run, n)
	return w.post(ctx, `mutation($input: EntityInput!) { createEntity(input: $input) { id } }`,
		map[string]any{"input": map[string]any{"id": id, "type": "RESTRICTION", "cite": cite, "reason": "bench: ban reported",
			"fields": map[string]any{"name": "Ban added by the benchmark", "person": t.Person, "case": t.Case,
				"kind": "political-activity-ban", "basis": "sentence", "duration": "sentence"}}})
}

func (w *writer) post(ctx context.Context, query string, vars map[string]any) error {
	body, _ := json.Marshal(GraphQL{Query: query, Variables: vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+w.token)
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(b.Bytes(), []byte(`"errors"`)) {
		return fmt.Errorf("status %d: %.300s", resp.StatusCode, b.String())
	}
	return nil
}

// reset forgets what the stream did so far: the warm-up's writes.
func (w *writer) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lat, w.errs, w.first, w.sent, w.started = nil, 0, "", 0, time.Now()
}

// result is what the stream did since it started, or was reset.
func (w *writer) result() (Stats, []int64, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return stats(w.lat, w.errs, time.Since(w.started).Seconds()), w.lat, w.first
}
