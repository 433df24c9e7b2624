package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"
)

// checkCmd asks every request of the workload of casegraph and of the
// @neo4j/graphql server once and compares what they answer: the IDs,
// group keys and counts, whatever the shape around them. Throughput means
// little if the contenders do not return the same data.
func checkCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	workload := fs.String("workload", "workload.json", "from load plan")
	cg := fs.String("casegraph", "http://127.0.0.1:8320/graphql", "casegraph's GraphQL endpoint")
	ng := fs.String("neo4j-graphql", "http://127.0.0.1:8321/graphql", "the @neo4j/graphql server's endpoint")
	if err := fs.Parse(args); err != nil {
		return err
	}
	raw, err := os.ReadFile(*workload)
	if err != nil {
		return err
	}
	var w Workload
	if err := json.Unmarshal(raw, &w); err != nil {
		return fmt.Errorf("%s: %w", *workload, err)
	}
	client := &http.Client{Timeout: time.Minute}
	agree, total := map[string]int{}, map[string]int{}
	var first []string
	for _, r := range w.Requests {
		a, err := answer(ctx, client, *cg, r.Casegraph)
		if err != nil {
			return fmt.Errorf("casegraph, %s: %w", r.Name, err)
		}
		b, err := answer(ctx, client, *ng, r.NeoGraphQL)
		if err != nil {
			return fmt.Errorf("neo4j-graphql, %s: %w", r.Name, err)
		}
		total[r.Name]++
		if slices.Equal(a, b) {
			agree[r.Name]++
		} else if len(first) < 3 {
			first = append(first, fmt.Sprintf("  %s %v:\n    casegraph     %.300v\n    neo4j-graphql %.300v", r.Name, r.Casegraph.Variables, a, b))
		}
	}
	for _, name := range mix {
		if total[name] > 0 {
			fmt.Printf("%-14s %d of %d answers agree\n", name, agree[name], total[name])
		}
	}
	if len(first) > 0 {
		fmt.Println("first differences:\n" + strings.Join(first, "\n"))
	}
	return nil
}

// answer posts q and returns the sorted facts of its data: every value of
// an id, key, count or totalCount field.
func answer(ctx context.Context, client *http.Client, url string, q GraphQL) ([]string, error) {
	b, err := post(ctx, client, url, q)
	if err != nil {
		return nil, err
	}
	var out struct {
		Data any `json:"data"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("%w: %.300s", err, b)
	}
	var facts []string
	collect(out.Data, &facts)
	slices.Sort(facts)
	return facts, nil
}

func collect(v any, facts *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch k {
			case "id", "key", "count", "totalCount":
				// A graph view keys its nodes GraphNode:ID and its edges
				// GraphEdge:ID, apart from the entity's or relationship's
				// own ID; the entity or relationship is the fact.
				if id, ok := x.(string); ok && k == "id" {
					x = strings.TrimPrefix(strings.TrimPrefix(id, "GraphEdge:"), "GraphNode:")
				}
				*facts = append(*facts, fmt.Sprintf("%s=%v", k, x))
			default:
				collect(x, facts)
			}
		}
	case []any:
		for _, x := range v {
			collect(x, facts)
		}
	}
}
