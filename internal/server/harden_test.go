package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/server"
)

// serve sends one request to h and returns the response.
func serve(tb testing.TB, h http.Handler, method, target, body string, header map[string]string) *http.Response {
	tb.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

// firstError decodes a GraphQL-shaped error answer.
func firstError(tb testing.TB, resp *http.Response) (message string, extensions map[string]any) {
	tb.Helper()
	raw, _ := io.ReadAll(resp.Body)
	var out response
	if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) == 0 {
		tb.Fatalf("status %d, want a GraphQL error, got %s", resp.StatusCode, raw)
	}
	return out.Errors[0].Message, out.Errors[0].Extensions
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	h := emptyHandler(nil, nil)
	tests := []struct{ name, method, target, body string }{
		{"graphql", http.MethodPost, "/graphql", `{"query":"{ stats { nodes } }"}`},
		{"graphql error", http.MethodPost, "/graphql", `{"query":"{"}`},
		{"batch refused", http.MethodPost, "/graphql", `[]`},
		{"playground", http.MethodGet, "/", ""},
		{"asset", http.MethodGet, "/assets/graphiql.min.css", ""},
		{"health", http.MethodGet, "/healthz", ""},
		{"not found", http.MethodGet, "/nowhere", ""},
	}
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "no-referrer",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := serve(t, h, tt.method, tt.target, tt.body, nil)
			for k, v := range want {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			csp := resp.Header.Get("Content-Security-Policy")
			for _, d := range []string{"default-src 'none'", "frame-ancestors 'none'", "connect-src 'self'"} {
				if !strings.Contains(csp, d) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, d)
				}
			}
		})
	}
}

// The policy must let the GraphiQL page run: its scripts and styles come
// from this server and its inline script is allowed by hash, while no
// other inline script is.
func TestContentSecurityPolicyAllowsThePlayground(t *testing.T) {
	resp := serve(t, emptyHandler(nil, nil), http.MethodGet, "/", "", nil)
	raw, _ := io.ReadAll(resp.Body)
	page := string(raw)
	directives := map[string]string{}
	for _, d := range strings.Split(resp.Header.Get("Content-Security-Policy"), ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	scriptSrc := directives["script-src"]
	if strings.Contains(scriptSrc, "'unsafe-inline'") || strings.Contains(scriptSrc, "'unsafe-eval'") {
		t.Errorf("script-src %q allows any inline script", scriptSrc)
	}
	inline := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllStringSubmatch(page, -1)
	if len(inline) == 0 {
		t.Fatal("the page has no inline script; the test no longer checks the hash")
	}
	for _, m := range inline {
		sum := sha256.Sum256([]byte(m[1]))
		if hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(scriptSrc, hash) {
			t.Errorf("script-src %q does not allow the page's inline script (%s)", scriptSrc, hash)
		}
	}
	for _, m := range regexp.MustCompile(`<(?:script src|link rel="stylesheet" href)="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "/") || strings.HasPrefix(m[1], "//") {
			t.Errorf("the page loads %s from elsewhere, which 'self' does not allow", m[1])
		}
		if r := serve(t, emptyHandler(nil, nil), http.MethodGet, m[1], "", nil); r.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", m[1], r.StatusCode)
		}
	}
	for name, want := range map[string]string{"style-src": "'self'", "font-src": "data:", "connect-src": "'self'"} {
		if !strings.Contains(directives[name], want) {
			t.Errorf("%s %q, want it to allow %s", name, directives[name], want)
		}
	}
}

func TestBatchedRequestsAreRefused(t *testing.T) {
	h := emptyHandler(nil, nil)
	for _, body := range []string{
		`[{"query":"{ stats { nodes } }"},{"query":"{ stats { nodes } }"}]`,
		" \n\t[]",
	} {
		resp := serve(t, h, http.MethodPost, "/graphql", body, nil)
		msg, ext := firstError(t, resp)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(msg, "batching is not supported") || ext["limit"] != "batch" {
			t.Errorf("%q: status %d, %q %v; want 400 saying batching is not supported", body, resp.StatusCode, msg, ext)
		}
	}
	// An object body still works.
	if resp := serve(t, h, http.MethodPost, "/graphql", `{"query":"{ stats { nodes } }"}`, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("a single operation: status %d", resp.StatusCode)
	}
}

// A body over the limit whose length was not declared is cut off while
// being read and answered like a declared one.
func TestUndeclaredOversizedBodyIsRefused(t *testing.T) {
	body := `{"query":"{ stats { nodes } }","variables":{"pad":"` + strings.Repeat("x", server.MaxBodyBytes) + `"}}`
	r := httptest.NewRequest(http.MethodPost, "/graphql", io.MultiReader(bytes.NewReader([]byte(body))))
	r.ContentLength = -1
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	emptyHandler(nil, nil).ServeHTTP(w, r)
	msg, ext := firstError(t, w.Result())
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(msg, "exceeds the limit of 1048576 bytes") || ext["limit"] != "body" {
		t.Errorf("status %d, %q %v; want 413 naming the body limit", w.Code, msg, ext)
	}
}

func TestIntrospectionCanBeTurnedOff(t *testing.T) {
	tests := []struct {
		name, query  string
		off, refused bool
	}{
		{"on: __schema", `{ __schema { queryType { name } } }`, false, false},
		{"off: __schema", `{ __schema { queryType { name } } }`, true, true},
		{"off: __type", `{ __type(name: "Person") { name } }`, true, true},
		{"off: through a fragment", `{ ...F } fragment F on Query { __schema { types { name } } }`, true, true},
		{"off: through an inline fragment", `{ ... on Query { __type(name: "Person") { name } } }`, true, true},
		{"off: __typename stays", `{ __typename stats { nodes } }`, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := emptyHandler(nil, func(o *server.Options) { o.DisableIntrospection = tt.off })
			body, _ := json.Marshal(map[string]string{"query": tt.query})
			resp := serve(t, h, http.MethodPost, "/graphql", string(body), nil)
			raw, _ := io.ReadAll(resp.Body)
			var out response
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("not JSON: %s", raw)
			}
			refused := len(out.Errors) > 0
			if refused != tt.refused {
				t.Fatalf("refused = %v, want %v: %s", refused, tt.refused, raw)
			}
			if refused && (out.Errors[0].Extensions["limit"] != "introspection" || !strings.Contains(out.Errors[0].Message, "introspection is disabled")) {
				t.Errorf("error %+v does not name the introspection setting", out.Errors[0])
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	// A rate so slow no token comes back during the test.
	h := emptyHandler(nil, func(o *server.Options) {
		o.RateLimit = 0.001
		o.RateBurst = 2
		o.Authenticate = principals{
			"tok-a": {Name: "desk-a", Role: kg.Reader},
			"tok-b": {Name: "desk-b", Role: kg.Reader},
		}.authenticate
	})
	query := `{"query":"{ stats { nodes } }"}`
	send := func(addr, token string) *http.Response {
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(query))
		r.RemoteAddr = addr + ":40000"
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Forwarded-For", "192.0.2.99") // must not give a new budget
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Result()
	}
	steps := []struct {
		name, addr, token string
		want              int
	}{
		{"first of the burst", "192.0.2.1", "", http.StatusOK},
		{"second of the burst", "192.0.2.1", "", http.StatusOK},
		{"over the burst", "192.0.2.1", "", http.StatusTooManyRequests},
		{"another address has its own budget", "192.0.2.2", "", http.StatusOK},
		{"a token has its own budget", "192.0.2.1", "tok-a", http.StatusOK},
		{"the token again", "192.0.2.3", "tok-a", http.StatusOK},
		{"the token from a third address is the same client", "192.0.2.4", "tok-a", http.StatusTooManyRequests},
		{"another token", "192.0.2.4", "tok-b", http.StatusOK},
	}
	for _, s := range steps {
		resp := send(s.addr, s.token)
		if resp.StatusCode != s.want {
			t.Fatalf("%s: status %d, want %d", s.name, resp.StatusCode, s.want)
		}
		if s.want != http.StatusTooManyRequests {
			continue
		}
		msg, ext := firstError(t, resp)
		if ext["code"] != "RATE_LIMITED" || ext["limit"] != "rate" || !strings.Contains(msg, "rate limit of 0.001 cost units per second exceeded") {
			t.Errorf("%s: error %q %v", s.name, msg, ext)
		}
		if ra := resp.Header.Get("Retry-After"); ra == "" || ra == "0" {
			t.Errorf("%s: Retry-After %q, want a number of seconds", s.name, ra)
		}
		// The body was never read: the connection is not kept for it.
		if c := resp.Header.Get("Connection"); c != "close" {
			t.Errorf("%s: Connection %q, want close", s.name, c)
		}
	}
	// Health checks are not the API: they are never limited.
	for range 5 {
		r := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		r.RemoteAddr = "192.0.2.1:40000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("/healthz: status %d", w.Code)
		}
	}
}

// A client's budget is spent by what its requests cost, not by their
// number: a heavy neighbourhood takes what seventeen lookups would, and one
// the budget cannot pay for is refused with 429, Retry-After and its cost,
// before it runs.
func TestRateLimitCountsCost(t *testing.T) {
	var logs bytes.Buffer
	h := emptyHandler(&logs, func(o *server.Options) {
		o.RateLimit = 0.001 // no unit comes back during the test
		o.RateBurst = 30
	})
	send := func(addr, query string) *http.Response {
		body, _ := json.Marshal(map[string]string{"query": query})
		r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		r.RemoteAddr = addr + ":40000"
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Result()
	}
	const heavy = `{ neighbourhood(id: "person/x", depth: 3, limit: 400) { truncated } }` // 17 units
	const lookup = `{ node(id: "person/x") { id } }`                                      // 1 unit
	if resp := send("192.0.2.1", heavy); resp.StatusCode != http.StatusOK {
		t.Fatalf("a heavy request within the burst: status %d", resp.StatusCode)
	}
	resp := send("192.0.2.1", heavy) // 13 units left, 17 needed
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a heavy request over the budget: status %d, want 429", resp.StatusCode)
	}
	if ra := resp.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q, want a number of seconds", ra)
	}
	msg, ext := firstError(t, resp)
	if ext["code"] != "RATE_LIMITED" || ext["limit"] != "rate" || ext["cost"] != float64(17) || !strings.Contains(msg, "this request costs 17") {
		t.Errorf("error %q %v", msg, ext)
	}
	if strings.Contains(logs.String(), `"db_statements"`) {
		t.Error("a request refused by its budget reached the store")
	}
	// The refused request paid its first unit: 12 lookups are left.
	for i := range 12 {
		if resp := send("192.0.2.1", lookup); resp.StatusCode != http.StatusOK {
			t.Fatalf("lookup %d of the 12 left: status %d", i+1, resp.StatusCode)
		}
	}
	if resp := send("192.0.2.1", lookup); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a lookup with the budget spent: status %d, want 429", resp.StatusCode)
	}
	// A request that costs more than a whole burst runs on a full budget.
	const heavier = `{ a: neighbourhood(id: "person/x", depth: 3, limit: 400) { truncated } b: neighbourhood(id: "person/y", depth: 3, limit: 400) { truncated } }`
	if resp := send("192.0.2.2", heavier); resp.StatusCode != http.StatusOK {
		t.Errorf("a request of 34 units on a full budget of 30: status %d, want 200", resp.StatusCode)
	}
	if resp := send("192.0.2.2", lookup); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a lookup right after it: status %d, want 429 until the debt is repaid", resp.StatusCode)
	}
}

func TestRateLimitOff(t *testing.T) {
	h := emptyHandler(nil, nil) // RateLimit 0
	for i := range 300 {
		if resp := serve(t, h, http.MethodPost, "/graphql", `{"query":"{ stats { nodes } }"}`, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d", i, resp.StatusCode)
		}
	}
}

// Made-up tokens are looked up in Neo4j: each one an address sends costs
// it, and once its budget for them is spent the next token from there is
// refused before any lookup, until the budget refills. Other addresses are
// not affected.
func TestGuessedTokensAreRateLimited(t *testing.T) {
	lookups := 0
	h := emptyHandler(nil, func(o *server.Options) {
		o.RateLimit = 0.001
		o.RateBurst = 3
		o.Authenticate = func(_ context.Context, token string) (kg.Principal, error) {
			lookups++
			if token == "tok-a" {
				return kg.Principal{Name: "desk-a", Role: kg.Reader}, nil
			}
			return kg.Principal{}, kg.Errorf(kg.Unauthenticated, "the bearer token is not valid")
		}
	})
	send := func(token string, addr ...string) int {
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ stats { nodes } }"}`))
		r.RemoteAddr = "192.0.2.7:40000"
		if len(addr) > 0 {
			r.RemoteAddr = addr[0]
		}
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	for i := range 10 {
		want := http.StatusUnauthorized
		if i >= 3 {
			want = http.StatusTooManyRequests
		}
		if got := send(fmt.Sprintf("guess-%d", i)); got != want {
			t.Fatalf("made-up token %d: status %d, want %d", i, got, want)
		}
	}
	if lookups != 3 {
		t.Errorf("%d made-up tokens were looked up, want the 3 the budget allows", lookups)
	}
	if got := send("tok-a"); got != http.StatusTooManyRequests {
		t.Errorf("any token from the guessing address: status %d, want 429", got)
	}
	if got := send("tok-a", "192.0.2.8:40000"); got != http.StatusOK {
		t.Errorf("a valid token from another address: status %d, want 200", got)
	}
}

// However many readiness probes come, Neo4j is asked once a second at
// most: probes cannot take the connections the API needs.
func TestReadinessIsCheckedOnceASecond(t *testing.T) {
	var checks atomic.Int64
	h := emptyHandler(nil, func(o *server.Options) {
		o.Ready = func(context.Context) error { checks.Add(1); return nil }
	})
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			if w.Code != http.StatusOK {
				t.Errorf("/readyz: %d", w.Code)
			}
		})
	}
	wg.Wait()
	if n := checks.Load(); n != 1 {
		t.Errorf("50 probes at once asked Neo4j %d times, want once", n)
	}
}
