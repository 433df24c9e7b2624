package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/server"
)

// FuzzVariables sends arbitrary queries, variables and bodies through the
// real handler over a store that holds nothing. However malformed the
// request, the answer is JSON and a client error, never a server error
// or a panic; the seed corpus (testdata/fuzz/FuzzVariables) holds the
// GraphiQL examples and known awkward bodies.
func FuzzVariables(f *testing.F) {
	f.Add(`{ stats { nodes } }`, []byte(`{}`), false)
	f.Add(`query($id: ID!) { node(id: $id) { id } }`, []byte(`{"id": "person/a"}`), false)
	f.Add(`query($f: Int) { entities(first: $f) { totalCount } }`, []byte(`{"f": 1e400}`), false)
	f.Add(`mutation($c: String!) { importCaseFile(name: "a.yaml", content: $c, dryRun: true) { created } }`, []byte(`{"c": "version: 1"}`), true)
	f.Add(``, []byte(`[{"query": "{ stats { nodes } }"}]`), false)

	logs := &lockedBuffer{}
	h := emptyHandler(logs, func(o *server.Options) {
		o.Authenticate = principals{"fuzz-editor": {Name: "fuzz-editor", Role: kg.Editor}}.authenticate
	})
	f.Fuzz(func(t *testing.T, query string, variables []byte, editor bool) {
		quoted, _ := json.Marshal(query)
		bodies := [][]byte{
			append(append(append([]byte(`{"query":`), quoted...), `,"variables":`...), append(variables, '}')...),
			variables, // as a whole body: arrays, numbers, garbage
		}
		var reqs []*http.Request
		for _, b := range bodies {
			r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
			r.Header.Set("Content-Type", "application/json")
			reqs = append(reqs, r)
		}
		get := url.Values{"query": {query}, "variables": {string(variables)}}
		reqs = append(reqs, httptest.NewRequest(http.MethodGet, "/graphql?"+get.Encode(), nil))
		for _, r := range reqs {
			if editor {
				r.Header.Set("Authorization", "Bearer fuzz-editor")
			}
			before := len(logs.String())
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code >= 500 {
				t.Fatalf("%s %s: status %d: %s", r.Method, r.URL, w.Code, w.Body)
			}
			if !json.Valid(w.Body.Bytes()) {
				t.Fatalf("%s %s: status %d, body is not JSON: %q", r.Method, r.URL, w.Code, w.Body)
			}
			if logged := logs.String()[before:]; strings.Contains(logged, `"level":"ERROR"`) {
				t.Fatalf("%s %s logged an error:\n%s", r.Method, r.URL, logged)
			}
		}
	})
}
