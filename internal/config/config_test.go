package config

import (
	"bytes"
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	finish := Bind(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse flags: %v", err)
	}
	return finish()
}

func TestDefaults(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Neo4jURI != "bolt://127.0.0.1:7687" || c.Neo4jDatabase != "neo4j" || c.Addr != "127.0.0.1:8080" {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if c.Neo4jWait != time.Minute || !c.Playground || c.LogLevel != slog.LevelInfo || len(c.CORSOrigins) != 0 {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if c.ReadAccess != ReadOpen {
		t.Errorf("ReadAccess = %q, want reads open by default", c.ReadAccess)
	}
	if c.AnswerCache != 64<<20 {
		t.Errorf("AnswerCache = %d, want answers kept by default", c.AnswerCache)
	}
	if c.MaxCost != 200 || c.MaxAnswerBytes != 4<<20 || c.Neo4jConnections != 64 || c.RequestConnections != 8 {
		t.Errorf("cost and connection limits: %+v", c)
	}
}

func TestFlagBeatsEnv(t *testing.T) {
	env := map[string]string{"CASEGRAPH_ADDR": ":9000", "NEO4J_DATABASE": "cases", "CASEGRAPH_CORS_ORIGINS": "https://a.example, https://b.example ,"}
	c, err := load(t, env, "-addr", ":9100")
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9100" {
		t.Errorf("Addr = %q, want the flag's :9100", c.Addr)
	}
	if c.Neo4jDatabase != "cases" {
		t.Errorf("Neo4jDatabase = %q, want the env's cases", c.Neo4jDatabase)
	}
	if strings.Join(c.CORSOrigins, " ") != "https://a.example https://b.example" {
		t.Errorf("CORSOrigins = %q", c.CORSOrigins)
	}
}

// A cluster is reached through a routing URI (neo4j://, with TLS
// neo4j+s:// or neo4j+ssc://), which docs/operations.md tells operators
// to use; a single server through bolt:// as well.
func TestAcceptsRoutingAndTLSURIs(t *testing.T) {
	for _, uri := range []string{
		"neo4j://core1.example:7687", "neo4j+s://cluster.example", "neo4j+ssc://10.0.0.5:7687",
		"bolt://127.0.0.1:7687", "bolt+s://db.example:7687", "bolt+ssc://db.example",
	} {
		c, err := load(t, map[string]string{"NEO4J_URI": uri})
		if err != nil {
			t.Errorf("NEO4J_URI=%s refused: %v", uri, err)
			continue
		}
		if c.Neo4jURI != uri {
			t.Errorf("NEO4J_URI=%s became %q", uri, c.Neo4jURI)
		}
	}
}

func TestInvalidValuesNameTheSetting(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"NEO4J_URI": "http://localhost:7474"}, "NEO4J_URI: scheme \"http\""},
		{map[string]string{"NEO4J_URI": "localhost"}, "NEO4J_URI:"},
		{map[string]string{"CASEGRAPH_REQUEST_TIMEOUT": "soon"}, "CASEGRAPH_REQUEST_TIMEOUT"},
		{map[string]string{"CASEGRAPH_LOG_LEVEL": "loud"}, "CASEGRAPH_LOG_LEVEL"},
		{map[string]string{"CASEGRAPH_PLAYGROUND": "maybe"}, "CASEGRAPH_PLAYGROUND"},
		{map[string]string{"CASEGRAPH_INTROSPECTION": "sometimes"}, "CASEGRAPH_INTROSPECTION"},
		{map[string]string{"CASEGRAPH_RATE_LIMIT": "fast"}, "CASEGRAPH_RATE_LIMIT"},
		{map[string]string{"CASEGRAPH_RATE_LIMIT": "-1"}, "CASEGRAPH_RATE_LIMIT"},
		{map[string]string{"CASEGRAPH_RATE_LIMIT": "NaN"}, "CASEGRAPH_RATE_LIMIT"},
		{map[string]string{"CASEGRAPH_RATE_BURST": "0"}, "CASEGRAPH_RATE_BURST"},
		{map[string]string{"CASEGRAPH_RATE_BURST": "1.5"}, "CASEGRAPH_RATE_BURST"},
		{map[string]string{"CASEGRAPH_ANSWER_CACHE": "-1"}, "CASEGRAPH_ANSWER_CACHE"},
		{map[string]string{"CASEGRAPH_ANSWER_CACHE": "many"}, "CASEGRAPH_ANSWER_CACHE"},
		{map[string]string{"CASEGRAPH_ANSWER_CACHE": "99999999999999"}, "CASEGRAPH_ANSWER_CACHE"},
		{map[string]string{"CASEGRAPH_MAX_COST": "0"}, "CASEGRAPH_MAX_COST"},
		{map[string]string{"CASEGRAPH_MAX_ANSWER_BYTES": "4MiB"}, "CASEGRAPH_MAX_ANSWER_BYTES"},
		{map[string]string{"CASEGRAPH_NEO4J_CONNECTIONS": "-5"}, "CASEGRAPH_NEO4J_CONNECTIONS"},
		{map[string]string{"CASEGRAPH_REQUEST_CONNECTIONS": "0"}, "CASEGRAPH_REQUEST_CONNECTIONS"},
		{map[string]string{"CASEGRAPH_NEO4J_CONNECTIONS": "16", "CASEGRAPH_REQUEST_CONNECTIONS": "32"}, "CASEGRAPH_REQUEST_CONNECTIONS: 32 is more than the 12"},
		{map[string]string{"CASEGRAPH_NEO4J_CONNECTIONS": "4", "CASEGRAPH_REQUEST_CONNECTIONS": "1"}, "CASEGRAPH_NEO4J_CONNECTIONS: 4 leaves the API none"},
		{map[string]string{"CASEGRAPH_READ_ACCESS": "closed"}, "CASEGRAPH_READ_ACCESS"},
		{map[string]string{"CASEGRAPH_READ_ACCESS": "Token"}, "CASEGRAPH_READ_ACCESS"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, err := load(t, tt.env)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestLogValueMasksSecrets(t *testing.T) {
	c, err := load(t, map[string]string{"NEO4J_PASSWORD": "s3cret-pass", "NEO4J_URI": "neo4j://admin:uri-secret@db.example:7687"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "config", c)
	out := buf.String()
	for _, secret := range []string{"s3cret-pass", "uri-secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("logged configuration contains secret %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, "db.example:7687") {
		t.Errorf("logged configuration lost the host: %s", out)
	}
}

func TestReadAccess(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"default", nil, nil, ReadOpen},
		{"env", map[string]string{"CASEGRAPH_READ_ACCESS": "token"}, nil, ReadToken},
		{"flag beats env", map[string]string{"CASEGRAPH_READ_ACCESS": "token"}, []string{"-read-access", "open"}, ReadOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, tt.env, tt.args...)
			if err != nil || c.ReadAccess != tt.want {
				t.Errorf("ReadAccess = %q, %v; want %q", c.ReadAccess, err, tt.want)
			}
		})
	}
}

func TestHardeningSettings(t *testing.T) {
	tests := []struct {
		name          string
		env           map[string]string
		args          []string
		introspection bool
		rate          float64
		burst         int
	}{
		{"defaults", nil, nil, true, 50, 100},
		{"introspection off", map[string]string{"CASEGRAPH_INTROSPECTION": "false"}, nil, false, 50, 100},
		{"rate limit off", map[string]string{"CASEGRAPH_RATE_LIMIT": "0"}, nil, true, 0, 100},
		{"fractional rate", map[string]string{"CASEGRAPH_RATE_LIMIT": "0.5", "CASEGRAPH_RATE_BURST": "3"}, nil, true, 0.5, 3},
		{"flags beat env", map[string]string{"CASEGRAPH_RATE_LIMIT": "5"}, []string{"-rate-limit", "7", "-rate-burst", "9", "-introspection=off"}, false, 7, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, tt.env, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if c.Introspection != tt.introspection || c.RateLimit != tt.rate || c.RateBurst != tt.burst {
				t.Errorf("introspection %v, rate %v, burst %d; want %v, %v, %d", c.Introspection, c.RateLimit, c.RateBurst, tt.introspection, tt.rate, tt.burst)
			}
		})
	}
}

// CORS origins are compared exactly, so each must be an origin as a
// browser sends it; what would open the API to every site is refused.
func TestCORSOrigins(t *testing.T) {
	tests := []struct {
		value string
		want  string // the origins as parsed, or the error's text
		ok    bool
	}{
		{"", "", true},
		{"https://desk.example.org, http://127.0.0.1:5173", "https://desk.example.org http://127.0.0.1:5173", true},
		{"HTTPS://Desk.Example.org:443/", "https://desk.example.org", true},
		{"http://[::1]:80", "http://[::1]", true},
		{"https://desk.example.org:8443", "https://desk.example.org:8443", true},
		{"*", `"*" would let every web site read the API`, false},
		{"https://desk.example.org,*", `"*" would let every web site read the API`, false},
		{"https://*.example.org", "wildcards are not supported", false},
		{"null", `"null" is the origin of sandboxed pages`, false},
		{"desk.example.org", "is not an origin", false},
		{"https://desk.example.org/app", "is not an origin", false},
		{"ftp://desk.example.org", "is not an origin", false},
		{"https://user@desk.example.org", "is not an origin", false},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			c, err := load(t, map[string]string{"CASEGRAPH_CORS_ORIGINS": tt.value})
			if !tt.ok {
				if err == nil || !strings.Contains(err.Error(), "CASEGRAPH_CORS_ORIGINS") || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error %v, want CASEGRAPH_CORS_ORIGINS: ...%s...", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(c.CORSOrigins, " "); got != tt.want {
				t.Errorf("CORSOrigins %q, want %q", got, tt.want)
			}
		})
	}
}

// The request headers browsers may send besides those always allowed:
// header names, from the variable or the flag; "*" is refused.
func TestCORSHeaders(t *testing.T) {
	tests := []struct {
		name string
		env  string
		args []string
		want string // the headers as parsed, or the error's text
		ok   bool
	}{
		{"unset", "", nil, "", true},
		{"two", "X-Client-Version, traceparent ,", nil, "X-Client-Version traceparent", true},
		{"flag over variable", "X-A", []string{"-cors-headers", "X-B"}, "X-B", true},
		{"star", "X-A,*", nil, `"*" is not supported`, false},
		{"not a name", "X Client", nil, `"X Client" is not a header name`, false},
		{"not ASCII", "X-Clïent", nil, "is not a header name", false},
		{"a colon", "X-Client:", nil, "is not a header name", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, map[string]string{"CASEGRAPH_CORS_HEADERS": tt.env}, tt.args...)
			if !tt.ok {
				if err == nil || !strings.Contains(err.Error(), "CASEGRAPH_CORS_HEADERS") || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error %v, want CASEGRAPH_CORS_HEADERS: ...%s...", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(c.CORSHeaders, " "); got != tt.want {
				t.Errorf("CORSHeaders %q, want %q", got, tt.want)
			}
		})
	}
}
