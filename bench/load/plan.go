package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/server"
	"github.com/casegraph/casegraph/internal/synth"
)

// Workload is the mix: requests, each in the form of every contender.
type Workload struct {
	Requests []Request `json:"requests"`
}

// Request is one question asked three ways.
type Request struct {
	Name       string      `json:"name"`
	Casegraph  GraphQL     `json:"casegraph"`
	NeoGraphQL GraphQL     `json:"neo4jGraphql"`
	Cypher     []Statement `json:"cypher"`
}

// GraphQL is a query document with its variables.
type GraphQL struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
}

// Statement is one Cypher statement casegraph sent, with its parameters.
type Statement struct {
	Query  string         `json:"query"`
	Params map[string]any `json:"params"`
}

// mix lists the queries, in the order the generator cycles through them.
var mix = []string{"node", "search", "neighbourhood", "paths", "convictions", "counts"}

func planCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	uri := fs.String("neo4j-uri", "bolt://127.0.0.1:7725", "Neo4j holding a synthetic graph")
	dir := fs.String("queries", "bench", "directory with queries/ (casegraph) and neo4j-graphql/queries/")
	per := fs.Int("per", 20, "variable sets per query")
	seed := fs.Int64("seed", 7, "seed for picking variables")
	out := fs.String("out", "workload.json", "where to write the workload")
	answers := fs.Int("answer-cache", 64, "megabytes of answers kept, as CASEGRAPH_ANSWER_CACHE of the server measured")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := neo4jstore.Open(neo4jstore.Options{URI: *uri, Database: "neo4j"})
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	driver, err := neo4j.NewDriverWithContext(*uri, neo4j.NoAuth())
	if err != nil {
		return err
	}
	defer driver.Close(context.Background())

	ids, err := sample(ctx, driver)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewSource(*seed))
	handler := server.New(server.Options{
		Resolver: graph.NewResolver(neo4jstore.Keep(store, *answers<<20)), Ready: store.Ping,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), RequestTimeout: time.Minute,
	})

	var w Workload
	for _, name := range mix {
		cg, err := os.ReadFile(filepath.Join(*dir, "queries", name+".graphql"))
		if err != nil {
			return err
		}
		ng, err := os.ReadFile(filepath.Join(*dir, "neo4j-graphql", "queries", name+".graphql"))
		if err != nil {
			return err
		}
		n := *per
		if name == "counts" {
			n = 1
		}
		for i := 0; i < n; i++ {
			vars := variables(name, r, ids)
			req := Request{Name: name, Casegraph: GraphQL{Query: string(cg), Variables: vars}}
			// The statements of the second asking are what the server sends
			// in steady state: with answers kept, a repeated cross-case
			// question costs a read of the graph version.
			_, err := capture(ctx, handler, req.Casegraph)
			if err != nil {
				return fmt.Errorf("%s %v: %w", name, vars, err)
			}
			stmts, err := capture(ctx, handler, req.Casegraph)
			if err != nil {
				return fmt.Errorf("%s %v: %w", name, vars, err)
			}
			req.Cypher = stmts
			req.NeoGraphQL = GraphQL{Query: string(ng), Variables: peerVariables(name, vars, stmts)}
			w.Requests = append(w.Requests, req)
		}
	}
	b, err := json.MarshalIndent(w, "", " ")
	if err != nil {
		return err
	}
	fmt.Printf("planned %d requests from %d defendants and %d cases\n", len(w.Requests), len(ids.defendants), len(ids.cases))
	return os.WriteFile(*out, b, 0o644)
}

type sampleIDs struct{ defendants, cases []string }

// sample lists the synthetic defendants and cases to pick from.
func sample(ctx context.Context, d neo4j.DriverWithContext) (sampleIDs, error) {
	res, err := neo4j.ExecuteQuery(ctx, d, `
		MATCH (p:Person)-[:DEFENDANT_IN]->(k:Case) WHERE k.id STARTS WITH 'case/syn-'
		RETURN collect(DISTINCT p.id) AS defendants, collect(DISTINCT k.id) AS cases`,
		nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase("neo4j"))
	if err != nil {
		return sampleIDs{}, err
	}
	var s sampleIDs
	for _, key := range []string{"defendants", "cases"} {
		raw, _ := res.Records[0].Get(key)
		for _, v := range raw.([]any) {
			if key == "cases" {
				s.cases = append(s.cases, v.(string))
			} else {
				s.defendants = append(s.defendants, v.(string))
			}
		}
	}
	if len(s.cases) == 0 {
		return s, fmt.Errorf("no synthetic cases in the graph: load some with casegraph gen")
	}
	return s, nil
}

func variables(name string, r *rand.Rand, ids sampleIDs) map[string]any {
	pick := func(xs []string) string { return xs[r.Intn(len(xs))] }
	switch name {
	case "node":
		return map[string]any{"id": pick(ids.cases)}
	case "search":
		return map[string]any{"q": synth.PersonName(r)}
	case "neighbourhood":
		return map[string]any{"id": pick(ids.defendants)}
	case "paths":
		return map[string]any{"from": pick(ids.defendants), "to": pick(ids.defendants)}
	case "convictions":
		// The popular articles, where the filter has most to do.
		return map[string]any{"article": fmt.Sprintf("legal-article/xx-syn-cc-%d", 100+r.Intn(5))}
	}
	return nil
}

// peerVariables are the @neo4j/graphql query's variables: the same, but
// search takes the Lucene query, exact forms and candidate count casegraph
// used.
func peerVariables(name string, vars map[string]any, stmts []Statement) map[string]any {
	if name != "search" {
		return vars
	}
	p := stmts[0].Params
	return map[string]any{"query": p["query"], "exact": p["exact"], "candidates": p["candidates"]}
}

// capture sends one request through the handler and returns the Cypher it
// ran; an answer with errors is an error.
func capture(ctx context.Context, h http.Handler, q GraphQL) ([]Statement, error) {
	var mu sync.Mutex
	var stmts []Statement
	ctx = neo4jstore.WithStatementLog(ctx, func(query string, params map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		stmts = append(stmts, Statement{Query: query, Params: params})
	})
	body, _ := json.Marshal(q)
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
		return nil, fmt.Errorf("casegraph answered %d: %.300s", rec.Code, rec.Body.String())
	}
	return stmts, nil
}
