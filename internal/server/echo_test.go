package server_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// echoMarker stands for what a client sends: markup, a bidirectional
// override and text that must not come back in an answer.
const echoMarker = "<script>echo\u202emarker</script>"

// A body or query string that is not a GraphQL request is refused with a
// message that says what is wrong and where, and none of what was sent.
func TestBadRequestsAreNotEchoed(t *testing.T) {
	h := editorHandler()
	quoted := strings.ReplaceAll(echoMarker, `"`, `\"`)
	tests := []struct {
		name, method, target, body string
		want                       string
	}{
		{"body that is not JSON", http.MethodPost, "/graphql", "not json " + echoMarker, "the request body is not valid JSON (at byte 2)"},
		{"body that is a string", http.MethodPost, "/graphql", `"` + quoted + `"`, "the request body is a JSON string"},
		{"query of the wrong type", http.MethodPost, "/graphql", `{"query": ["` + quoted + `"]}`, "the request body's query is a JSON array"},
		{"variables of the wrong type", http.MethodPost, "/graphql", `{"query": "{ stats { nodes } }", "variables": "` + quoted + `"}`, "the request body's variables is a JSON string"},
		{"body cut short", http.MethodPost, "/graphql", `{"query": "` + quoted, "the request body ends inside its JSON"},
		{"empty body", http.MethodPost, "/graphql", "", "the request body is empty"},
		{"query string that is not URL encoding", http.MethodGet, "/graphql?query=%zz" + url.QueryEscape(echoMarker), "", "the query string is not valid URL encoding"},
		{"GET variables that are not JSON", http.MethodGet, "/graphql?" + url.Values{"query": {"{ stats { nodes } }"}, "variables": {echoMarker}}.Encode(), "", "the variables parameter is not valid JSON"},
		{"GET extensions that are not JSON", http.MethodGet, "/graphql?" + url.Values{"query": {"{ stats { nodes } }"}, "extensions": {echoMarker}}.Encode(), "", "the extensions parameter is not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := serve(t, h, tt.method, tt.target, tt.body, map[string]string{"Content-Type": "application/json"})
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(raw), tt.want) {
				t.Errorf("status %d, body %s; want 400 saying %q", resp.StatusCode, raw, tt.want)
			}
			for _, part := range []string{"echo", "marker", "script", "\u202e", `\u202e`, "zz"} {
				if strings.Contains(string(raw), part) {
					t.Errorf("the answer repeats %q of the request: %s", part, raw)
				}
			}
		})
	}
}

// Errors of the GraphQL parser and validator name what is at fault, as
// clients expect, but show no more than 200 characters of it, and
// characters that do not print only escaped.
func TestGraphQLErrorsShowLittleOfTheRequest(t *testing.T) {
	h := editorHandler()
	tests := []struct {
		name, body string
		want       string // in the message
	}{
		{"a field name of 100,000 characters", `{"query": "{ ` + strings.Repeat("a", 100000) + ` }"}`, `Cannot query field "aaaa`},
		{"a bidirectional override in a variable", `{"query": "query($t: [EntityType!]) { entities(types: $t, first: 1) { totalCount } }", "variables": {"t": ["PERSON\u202e"]}}`, `PERSON\u202e is not a valid EntityType`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := serve(t, h, http.MethodPost, "/graphql", tt.body, nil)
			msg, _ := firstError(t, resp)
			if !strings.Contains(msg, tt.want) {
				t.Errorf("message %q, want it to say %q", msg, tt.want)
			}
			if n := len([]rune(msg)); n > 201 {
				t.Errorf("message of %d characters repeats the request", n)
			}
			if strings.ContainsRune(msg, '\u202e') {
				t.Errorf("message %q holds the override itself", msg)
			}
		})
	}
}
