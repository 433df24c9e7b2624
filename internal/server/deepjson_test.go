package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/server"
)

// nested is a JSON object n levels deep: {"a":{"a":...1...}}.
func nested(n int) string {
	return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n)
}

// nestedLiteral is the same as a GraphQL input literal: {a:{a:...}}.
func nestedLiteral(n int) string {
	return strings.Repeat(`{a:`, n) + "1" + strings.Repeat("}", n)
}

const createWithFields = `mutation($f: JSON!) { createEntity(input: {id: "person/deep", type: PERSON, fields: $f, cite: ["source/a#p1"]}) { id } }`

// deepBody is a POST body whose fields variable holds a note nested depth
// levels deep, below the three levels of the body, its variables and f.
func deepBody(depth int) string {
	body, _ := json.Marshal(map[string]any{"query": createWithFields})
	return strings.TrimSuffix(string(body), "}") + `,"variables":{"f":{"name":"x","note":` + nested(depth) + `}}}`
}

// deepRequests are the ways a client can send deeply nested JSON.
func deepRequests(depth int) map[string]*http.Request {
	post := deepBody(depth)
	literal, _ := json.Marshal(map[string]any{"query": `mutation { createEntity(input: {id: "person/deep", type: PERSON, fields: {name: "x", note: ` + nestedLiteral(depth) + `}, cite: ["source/a#p1"]}) { id } }`})
	get := url.Values{"query": {`{ stats { nodes } }`}, "variables": {`{"f":` + nested(depth) + `}`}}
	ext := url.Values{"query": {`{ stats { nodes } }`}, "extensions": {nested(depth)}}
	reqs := map[string]*http.Request{
		"POST variables": httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(post)),
		"JSON literal":   httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(literal))),
		"GET variables":  httptest.NewRequest(http.MethodGet, "/graphql?"+get.Encode(), nil),
		"GET extensions": httptest.NewRequest(http.MethodGet, "/graphql?"+ext.Encode(), nil),
	}
	for _, r := range reqs {
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer editor")
	}
	return reqs
}

func editorHandler() http.Handler {
	return emptyHandler(nil, func(o *server.Options) {
		o.Authenticate = principals{"editor": {Name: "editor", Role: kg.Editor}}.authenticate
	})
}

// Deep JSON is refused at model.MaxJSONDepth levels, wherever it comes:
// in a body or a GET request's parameters before a decoder walks it, and in
// a JSON argument written into the query before a resolver does. Each
// refusal says where the value goes too deep.
func TestDeepJSONIsRefused(t *testing.T) {
	h := editorHandler()
	tests := map[string]struct {
		status int
		want   string // in the message
		limit  string // extensions.limit, for refusals before GraphQL runs
	}{
		"POST variables": {http.StatusBadRequest, "the request body nests JSON more than 32 levels deep, at byte ", "jsonDepth"},
		"GET variables":  {http.StatusBadRequest, "the variables parameter nests JSON more than 32 levels deep, at byte 160: send at most 32", "jsonDepth"},
		"GET extensions": {http.StatusBadRequest, "the extensions parameter nests JSON more than 32 levels deep, at byte 160: send at most 32", "jsonDepth"},
		"JSON literal":   {http.StatusOK, `the JSON value nests more than 32 levels deep under "note": send at most 32`, ""},
	}
	for name, r := range deepRequests(9000) {
		if name == "JSON literal" {
			// The GraphQL parser allows 1,000 levels of its own; the
			// scalar refuses far below that.
			r = deepRequests(300)[name]
		}
		tt := tests[name]
		t.Run(name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			msg, ext := firstError(t, w.Result())
			if !strings.Contains(msg, tt.want) || ext["code"] != "BAD_USER_INPUT" {
				t.Errorf("error %q %v, want BAD_USER_INPUT saying %q", msg, ext, tt.want)
			}
			if tt.limit != "" && (ext["limit"] != tt.limit || ext["max"] != float64(model.MaxJSONDepth)) {
				t.Errorf("extensions %v, want limit %s and max %d", ext, tt.limit, model.MaxJSONDepth)
			}
		})
	}
	t.Run("POST variables say where", func(t *testing.T) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, deepRequests(9000)["POST variables"])
		msg, _ := firstError(t, w.Result())
		// The note's 30th object is the 33rd level; each {"a": is 5 bytes.
		body := deepBody(9000)
		at := strings.Index(body, `"note":`) + len(`"note":`) + 29*5
		if want := fmt.Sprintf("at byte %d:", at); !strings.Contains(msg, want) {
			t.Errorf("%q does not say %q", msg, want)
		}
	})
}

// Nesting up to the limit is no problem of its own: the request goes on to
// be judged by what it says.
func TestJSONWithinTheDepthLimitPasses(t *testing.T) {
	h := editorHandler()
	for name, r := range deepRequests(model.MaxJSONDepth - 5) {
		t.Run(name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if strings.Contains(w.Body.String(), "levels deep") {
				t.Errorf("refused for its depth: %s", w.Body)
			}
		})
	}
}

// BenchmarkDeepJSON shows what refusing a deep value costs: a 9,000-deep
// fields variable took 5 to 7 seconds of CPU before the depth limit, most
// of it writing and parsing the YAML entry built from it.
func BenchmarkDeepJSON(b *testing.B) {
	h := editorHandler()
	literal := func(depth int) string {
		body, _ := json.Marshal(map[string]any{"query": `mutation { createEntity(input: {id: "person/deep", type: PERSON, fields: {name: "x", note: ` + nestedLiteral(depth) + `}, cite: ["source/a#p1"]}) { id } }`})
		return string(body)
	}
	for _, bench := range []struct {
		name string
		body string
	}{
		{"POST variables 300 deep", deepBody(300)},
		{"POST variables 9000 deep", deepBody(9000)},
		{"JSON literal 300 deep", literal(300)},
	} {
		b.Run(bench.name, func(b *testing.B) {
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(bench.body))
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("Authorization", "Bearer editor")
				h.ServeHTTP(httptest.NewRecorder(), r)
			}
		})
	}
}
