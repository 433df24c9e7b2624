package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/server"
)

// cannedStore answers every entity lookup with the same case, so a
// benchmark measures the HTTP and GraphQL layers without Neo4j. Its other
// lookups are emptyStore's.
type cannedStore struct{ emptyStore }

func cannedCase(id string) map[string]any {
	var defendants, charges []any
	for i := range 3 {
		var own []any
		for j := range 2 {
			ch := fmt.Sprintf("charge/syn-%d-%d", i, j)
			own = append(own, map[string]any{"__typename": "Charge", "id": ch, "status": "convicted", "verdict": "guilty"})
			charges = append(charges, map[string]any{"__typename": "Charge", "id": ch, "status": "convicted",
				"article": map[string]any{"__typename": "LegalArticle", "id": "legal-article/xx-syn-cc-101", "name": "Article 101"}})
		}
		defendants = append(defendants, map[string]any{"__typename": "Person", "id": fmt.Sprintf("person/syn-%d", i), "name": "Synthetic Person", "charges": own})
	}
	return map[string]any{"__typename": "Case", "id": id, "name": "Synthetic case", "kind": "criminal",
		"opened": map[string]any{"text": "2022-01"}, "defendants": defendants, "charges": charges,
		"courts": []any{map[string]any{"id": "rel/x", "role": "first-instance", "entity": map[string]any{"__typename": "Court", "id": "court/syn-1", "name": "Court"}}}}
}

func (cannedStore) Entities(_ context.Context, ids []string, _ *kg.Selection) ([]map[string]any, error) {
	out := make([]map[string]any, len(ids))
	for i, id := range ids {
		out[i] = cannedCase(id)
	}
	return out, nil
}

// BenchmarkNodeQuery is the benchmark mix's ID lookup through the whole
// handler: what the service adds to each request on top of Neo4j.
func BenchmarkNodeQuery(b *testing.B) {
	benchmarkNodeQuery(b, emptyHandler(nil, func(o *server.Options) { o.Resolver = &graph.Resolver{Lookups: cannedStore{}} }))
}

func benchmarkNodeQuery(b *testing.B, h http.Handler) {
	body := `{"query":"query Node($id: ID!) { node(id: $id) { ... on Case { id name kind opened { text } defendants { id name charges { id status verdict } } charges { id status article { id name } } courts { role entity { id name } } } } }","variables":{"id":"case/syn-000887"}}`
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "xx-syn-cc-101") {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
