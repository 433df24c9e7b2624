package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// graphiQLIntrospection is the schema query GraphiQL sends when it opens
// (graphql-js's getIntrospectionQuery with descriptions).
const graphiQLIntrospection = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`

// postRaw sends a query to the /graphql of the service at url and returns
// the status, the raw answer and the answer decoded.
func postRaw(t *testing.T, url, query string) (int, []byte, response) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	return postBody(t, url, body)
}

// aliased repeats field under n aliases in one query.
func aliased(n int, field string) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	b.WriteString("}")
	return b.String()
}

// Ninety neighbourhoods three levels deep in one request once took every
// connection to Neo4j, and other clients got UNAVAILABLE while Neo4j was
// well. Each costs what its depth and limit make Neo4j do, so the request
// is refused by its cost before any Cypher runs, however little of the
// views it asks to see; asking to see them all is refused by complexity.
func TestHeavyAliasesAreRefusedByTheirCost(t *testing.T) {
	a := newAPI(t)
	const heavy = `neighbourhood(id: "legal-article/kz-cc-274", depth: 3, limit: 400)`
	tests := []struct {
		name, selection, limit string
	}{
		{"little shown", "{ truncated }", "cost"},
		{"all shown", "{ truncated nodes { id type label } edges { id type source target } }", "complexity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			query := aliased(90, heavy+" "+tt.selection)
			// Several at once, as an attacker would send them, beside a
			// client asking a plain question.
			var wg sync.WaitGroup
			answers := make([]response, 4)
			statuses := make([]int, 4)
			for i := range answers {
				wg.Go(func() { statuses[i], _, answers[i] = postRaw(t, a.url, query) })
			}
			status, _, plain := postRaw(t, a.url, `{ node(id: "person/zhanbolat-mamai") { id } }`)
			wg.Wait()
			if status != http.StatusOK || len(plain.Errors) > 0 {
				t.Errorf("a plain lookup beside the attack: status %d, errors %+v", status, plain.Errors)
			}
			for i, r := range answers {
				if statuses[i] != http.StatusOK || len(r.Errors) == 0 {
					t.Fatalf("status %d, %d errors: the request ran", statuses[i], len(r.Errors))
				}
				e := r.Errors[0]
				if e.Extensions["code"] != "BAD_USER_INPUT" || e.Extensions["limit"] != tt.limit || !strings.Contains(e.Message, tt.limit) {
					t.Errorf("error %q %v, want the %s limit", e.Message, e.Extensions, tt.limit)
				}
				if r.Data != nil {
					t.Errorf("a refused request has data: %.100s", r.Data)
				}
			}
			// The plain lookup may be logged last; send a refused one alone.
			postRaw(t, a.url, query)
			if n := a.lastStatements(t); n != 0 {
				t.Errorf("the refused request sent %d statements", n)
			}
		})
	}
}

// Six hundred aliases of the schema in 40 KB once answered 33.6 MB, and four
// at once took the service to a gigabyte. The schema is asked for once per
// request or not at all: more is refused before anything is built, with a
// small answer, while GraphiQL's own schema query still works.
func TestRepeatedSchemaIsRefusedCheaply(t *testing.T) {
	a := newAPI(t)
	query := aliased(600, "__schema { types { name fields { name args { name } } } }")
	if len(query) > 64<<10 {
		t.Fatalf("the attack is %d bytes; it was meant to fit in 40 KB", len(query))
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			status, raw, r := postRaw(t, a.url, query)
			if status != http.StatusOK || len(r.Errors) == 0 {
				t.Errorf("status %d, %d errors: the request ran (%d bytes)", status, len(r.Errors), len(raw))
				return
			}
			e := r.Errors[0]
			if e.Extensions["code"] != "BAD_USER_INPUT" || e.Extensions["limit"] != "introspection" || e.Extensions["max"] != float64(1) {
				t.Errorf("error %q %v, want the introspection limit", e.Message, e.Extensions)
			}
			if len(raw) > 1<<10 {
				t.Errorf("the refusal is %d bytes", len(raw))
			}
		})
	}
	wg.Wait()

	status, raw, r := postRaw(t, a.url, graphiQLIntrospection)
	var schema struct {
		Schema struct {
			QueryType struct{ Name string }
			Types     []struct{ Name string }
		} `json:"__schema"`
	}
	if err := json.Unmarshal(r.Data, &schema); status != http.StatusOK || len(r.Errors) > 0 || err != nil {
		t.Fatalf("GraphiQL's schema query: status %d, errors %+v, %v", status, r.Errors, err)
	}
	if schema.Schema.QueryType.Name != "Query" || len(schema.Schema.Types) < 50 {
		t.Errorf("GraphiQL's schema query answered %d types, query type %q (%d bytes)", len(schema.Schema.Types), schema.Schema.QueryType.Name, len(raw))
	}
}
