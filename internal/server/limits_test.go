package server_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestLimitsRefuseOversizedQueries(t *testing.T) {
	a := newAPI(t)
	deep := `{ node(id: "person/zhanbolat-mamai") { ... on Person { charges { case { charges { case { charges { case { charges { case { charges { case { name } } } } } } } } } } } } }`
	costly := `{ entities(first: 100) { edges { node { ... on Person { charges(first: 500) { sentences(first: 10) { restrictions(first: 500) { kind } } } } } } } }`
	tokens := "{ " + strings.Repeat("stats { nodes } ", 4000) + "}"
	tests := []struct {
		name, query, code, mention string
	}{
		{"too deep", deep, "BAD_USER_INPUT", "depth"},
		{"too costly", costly, "BAD_USER_INPUT", "complexity"},
		{"too many tokens", tokens, "GRAPHQL_PARSE_FAILED", "token limit"},
		{"page too large", `{ entities(first: 1000) { totalCount } }`, "BAD_USER_INPUT", "first must be between 0 and 100"},
		{"bad cursor", `{ entities(after: "nonsense") { totalCount } }`, "BAD_USER_INPUT", "not a cursor"},
		{"neighbourhood too deep", `{ neighbourhood(id: "person/zhanbolat-mamai", depth: 4) { truncated } }`, "BAD_USER_INPUT", "depth"},
		{"paths too long", `{ paths(from: "person/zhanbolat-mamai", to: "organisation/iphr", maxLength: 7) { paths } }`, "BAD_USER_INPUT", "6"},
		{"bad date", `{ timeline(of: "case/zhanbolat-mamai-2022", from: "2023-02-30") { title } }`, "BAD_USER_INPUT", "from"},
		{"unknown entity", `{ neighbourhood(id: "person/nobody") { truncated } }`, "NOT_FOUND", "person/nobody"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, n := a.post(t, tt.query, nil)
			if len(r.Errors) == 0 {
				t.Fatalf("accepted: %s", r.Data)
			}
			e := r.Errors[0]
			if e.Extensions["code"] != tt.code || !strings.Contains(e.Message, tt.mention) {
				t.Errorf("error %q (%v), want code %s mentioning %q", e.Message, e.Extensions["code"], tt.code, tt.mention)
			}
			if strings.Contains(e.Message, "MATCH") || strings.Contains(e.Message, "Neo.") {
				t.Errorf("error leaks Cypher: %q", e.Message)
			}
			if tt.code != "NOT_FOUND" && n != 0 {
				t.Errorf("a refused query still sent %d statements", n)
			}
		})
	}
}

func TestOversizedBodyIsRefused(t *testing.T) {
	a := newAPI(t)
	body := `{"query": "{ stats { nodes } }", "variables": {"pad": "` + strings.Repeat("x", 2<<20) + `"}}`
	resp, err := http.Post(a.url+"/graphql", "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(raw), "exceeds the limit of 1048576 bytes") {
		t.Errorf("status %d, body %.200s; want 413 naming the limit", resp.StatusCode, raw)
	}
}
