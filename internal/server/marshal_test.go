package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/neo4jtest"
	"github.com/casegraph/casegraph/internal/server"
)

// gqlgen would marshal each element of a list of objects in a goroutine
// of its own: for the canned case, with its defendants, their charges,
// the case's charges and courts, that is over a dozen per request.
// graph marshals them in order (graph/slice.go), which go generate keeps
// only if it runs internal/graphgen.
func TestListsAreMarshalledInOrder(t *testing.T) {
	h := emptyHandler(nil, func(o *server.Options) { o.Resolver = &graph.Resolver{Lookups: cannedStore{}} })
	body := `{"query":"query Node($id: ID!) { node(id: $id) { ... on Case { id defendants { id name charges { id status } } charges { id article { id } } courts { role entity { id } } } } }","variables":{"id":"case/syn-1"}}`
	ask := func() {
		resp := serve(t, h, http.MethodPost, "/graphql", body, nil)
		answer, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || strings.Count(string(answer), `"status":"CONVICTED"`) != 6 {
			t.Fatalf("status %d: %s", resp.StatusCode, answer)
		}
	}
	ask()
	const requests = 50
	before := neo4jtest.GoroutinesCreated(t)
	for range requests {
		ask()
	}
	perRequest := float64(neo4jtest.GoroutinesCreated(t)-before) / requests
	t.Logf("%.1f goroutines started per request", perRequest)
	if perRequest > 2 {
		t.Errorf("%.1f goroutines started per request, want at most 2: are lists marshalled one goroutine per element again?", perRequest)
	}
}
