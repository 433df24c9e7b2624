package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/server"
)

// Browsers may call the API from the configured origins only: with none
// configured, no origin gets Access-Control-Allow-Origin, in a preflight
// or an actual request, so no web site can read the API through its
// visitors' browsers.
func TestCORSAllowsExactlyTheConfiguredOrigins(t *testing.T) {
	const allowed = "https://desk.example.org"
	origins := []string{allowed, "https://evil.example", "https://desk.example.org.evil.example", "http://desk.example.org", "null"}
	tests := []struct {
		name       string
		configured []string
		allowed    string // the one origin that may call; "" for none
	}{
		{"unset", nil, ""},
		{"one origin", []string{allowed}, allowed},
		// config refuses "*"; should it reach the handler, it matches no
		// origin rather than every one.
		{"a star is no pattern", []string{"*"}, ""},
	}
	for _, tt := range tests {
		h := emptyHandler(nil, func(o *server.Options) { o.CORSOrigins = tt.configured })
		for _, origin := range origins {
			want := ""
			if origin == tt.allowed {
				want = origin
			}
			t.Run(tt.name+"/preflight from "+origin, func(t *testing.T) {
				resp := serve(t, h, http.MethodOptions, "/graphql", "", map[string]string{
					"Origin":                         origin,
					"Access-Control-Request-Method":  "POST",
					"Access-Control-Request-Headers": "authorization,content-type",
				})
				if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
					t.Errorf("Access-Control-Allow-Origin %q, want %q", got, want)
				}
				allowHeaders := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers"))
				if gotAuth := strings.Contains(allowHeaders, "authorization"); gotAuth != (want != "") {
					t.Errorf("Access-Control-Allow-Headers %q for origin %s", allowHeaders, origin)
				}
			})
			t.Run(tt.name+"/request from "+origin, func(t *testing.T) {
				resp := serve(t, h, http.MethodPost, "/graphql", `{"query":"{ stats { nodes } }"}`, map[string]string{"Origin": origin})
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d", resp.StatusCode)
				}
				if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
					t.Errorf("Access-Control-Allow-Origin %q, want %q", got, want)
				}
				if !strings.Contains(resp.Header.Get("Vary"), "Origin") {
					t.Errorf("Vary %q lacks Origin: a cache could serve one origin's answer to another", resp.Header.Get("Vary"))
				}
			})
		}
	}
}
