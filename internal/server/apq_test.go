package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Automatic persisted queries: a client that sends only a query's hash is
// told the query is unknown, sends it once with the hash, and from then on
// the hash alone is enough.
func TestAutomaticPersistedQueries(t *testing.T) {
	a := newAPI(t)
	query := `{ node(id: "party/democratic-party") { ... on Party { name registrationStatus } } }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	send := func(body map[string]any) string {
		t.Helper()
		raw, _ := json.Marshal(body)
		resp, err := http.Post(a.url+"/graphql", "application/json", bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return b.String()
	}
	if got := send(map[string]any{"extensions": ext}); !strings.Contains(got, "PersistedQueryNotFound") {
		t.Fatalf("an unknown hash: %s", got)
	}
	if got := send(map[string]any{"query": query, "extensions": ext}); !strings.Contains(got, "UNREGISTERED") {
		t.Fatalf("registering the query: %s", got)
	}
	if got := send(map[string]any{"extensions": ext}); !strings.Contains(got, `"registrationStatus":"UNREGISTERED"`) {
		t.Fatalf("the hash alone: %s", got)
	}
}
