package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/server"
)

// Every way /graphql can refuse a request answers a GraphQL error with a
// code in extensions.code, whatever layer refuses it (the transports, the
// body's checks, gqlgen's persisted queries), and none repeats what the
// request sent: each request below carries echoMarker.
func TestTransportErrorsHaveACodeAndEchoNothing(t *testing.T) {
	h := emptyHandler(nil, nil)
	quoted := strings.ReplaceAll(echoMarker, `"`, `\"`)
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	_ = mw.WriteField("operations", `{"query": "{ `+quoted+` }"}`)
	_ = mw.WriteField("map", `{}`)
	_ = mw.Close()
	getQuery := func(params url.Values) string { return "/graphql?" + params.Encode() }
	apq := func(ext string) string {
		return `{"query": "{ __typename }", "extensions": {"persistedQuery": ` + ext + `}}`
	}
	tests := []struct {
		name, method, target, contentType, body string
		header                                  http.Header
		status                                  int
		code                                    string
		allow                                   string // the Allow header wanted, if any
	}{
		{"PUT", http.MethodPut, "/graphql", "application/json", `{"query": "{ ` + quoted + ` }"}`, nil, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "GET, POST, OPTIONS"},
		{"DELETE", http.MethodDelete, "/graphql", "", "", nil, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "GET, POST, OPTIONS"},
		{"PATCH", http.MethodPatch, "/graphql", "text/plain", echoMarker, nil, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "GET, POST, OPTIONS"},
		{"POST of text", http.MethodPost, "/graphql", "text/plain", echoMarker, nil, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"POST without a Content-Type", http.MethodPost, "/graphql", "", `{"query": "{ ` + quoted + ` }"}`, nil, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"POST of a Content-Type that does not parse", http.MethodPost, "/graphql", "application/json; " + echoMarker, `{"query": "{ __typename }"}`, nil, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"POST of a form", http.MethodPost, "/graphql", "application/x-www-form-urlencoded", "query=" + url.QueryEscape(echoMarker), nil, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"POST of a multipart form (uploads)", http.MethodPost, "/graphql", mw.FormDataContentType(), form.String(), nil, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"POST of application/graphql", http.MethodPost, "/graphql", "application/graphql", "{ " + echoMarker + " }", nil, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"body that is not JSON", http.MethodPost, "/graphql", "application/json", "not json " + echoMarker, nil, http.StatusBadRequest, "BAD_USER_INPUT", ""},
		{"body that is a batch", http.MethodPost, "/graphql", "application/json", `[{"query": "{ ` + quoted + ` }"}]`, nil, http.StatusBadRequest, "BAD_USER_INPUT", ""},
		{"body over the limit", http.MethodPost, "/graphql", "application/json", `{"query": "` + strings.Repeat(quoted, server.MaxBodyBytes/len(quoted)+1) + `"}`, nil, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", ""},
		{"body without a query", http.MethodPost, "/graphql", "application/json", `{"quer": "` + quoted + `"}`, nil, http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED", ""},
		{"GET variables that are not JSON", http.MethodGet, getQuery(url.Values{"query": {"{ __typename }"}, "variables": {echoMarker}}), "", "", nil, http.StatusBadRequest, "BAD_USER_INPUT", ""},
		{"GET variables that are no object", http.MethodGet, getQuery(url.Values{"query": {"{ __typename }"}, "variables": {`["` + quoted + `"]`}}), "", "", nil, http.StatusBadRequest, "BAD_USER_INPUT", ""},
		{"GET extensions that are not JSON", http.MethodGet, getQuery(url.Values{"query": {"{ __typename }"}, "extensions": {echoMarker}}), "", "", nil, http.StatusBadRequest, "BAD_USER_INPUT", ""},
		{"GET query string that is not URL encoding", http.MethodGet, "/graphql?query=%zz" + url.QueryEscape(echoMarker), "", "", nil, http.StatusBadRequest, "BAD_USER_INPUT", ""},
		{"event stream of text", http.MethodPost, "/graphql", "text/plain", echoMarker, http.Header{"Accept": {"text/event-stream"}}, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"event stream without a Content-Type", http.MethodPost, "/graphql", "", `{"query": "subscription { ` + quoted + ` }"}`, http.Header{"Accept": {"text/event-stream"}}, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"GET of a mutation", http.MethodGet, getQuery(url.Values{"query": {`mutation { __typename }`}, "operationName": {""}, "x": {echoMarker}}), "", "", nil, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "POST"},
		{"WebSocket upgrade", http.MethodGet, getQuery(url.Values{"query": {"{ __typename }"}, "x": {echoMarker}}), "", "", http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}, "Sec-WebSocket-Protocol": {"graphql-transport-ws"}}, http.StatusBadRequest, "BAD_USER_INPUT", ""},
		// Handshakes that pass a glance but not coder/websocket's checks,
		// which would quote the header in its answer.
		{"WebSocket without Connection: Upgrade", http.MethodGet, "/graphql", "", "", handshake("Connection", "keep-alive, "+echoMarker), http.StatusBadRequest, "BAD_USER_INPUT", ""},
		{"WebSocket key that is not base64", http.MethodGet, "/graphql", "", "", handshake("Sec-WebSocket-Key", echoMarker), http.StatusBadRequest, "BAD_USER_INPUT", ""},
		{"WebSocket key of other than 16 bytes", http.MethodGet, "/graphql", "", "", handshake("Sec-WebSocket-Key", "ZWNoby1tYXJrZXI="), http.StatusBadRequest, "BAD_USER_INPUT", ""},
		{"WebSocket with two keys", http.MethodGet, "/graphql", "", "", handshake("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "AQIDBAUGBwgJCgsMDQ4PEA=="), http.StatusBadRequest, "BAD_USER_INPUT", ""},
		{"WebSocket of another version", http.MethodGet, "/graphql", "", "", handshake("Sec-WebSocket-Version", "8, "+echoMarker), http.StatusBadRequest, "BAD_USER_INPUT", ""},
		{"WebSocket by POST", http.MethodPost, "/graphql", "application/json", `{"query": "{ ` + quoted + ` }"}`, handshake("Connection", "Upgrade"), http.StatusBadRequest, "BAD_USER_INPUT", ""},
		// An upgrade to another protocol whose name holds "websocket" is no
		// WebSocket: the request is answered as it is, here refused for
		// its variables.
		{"upgrade to x-websocket", http.MethodGet, getQuery(url.Values{"query": {"{ __typename }"}, "variables": {echoMarker}}), "", "", handshake("Upgrade", "x-websocket, "+echoMarker), http.StatusBadRequest, "BAD_USER_INPUT", ""},
		{"persisted query whose hash does not match", http.MethodPost, "/graphql", "application/json", apq(`{"version": 1, "sha256Hash": "` + quoted + `"}`), nil, http.StatusOK, "BAD_USER_INPUT", ""},
		{"persisted query extension that is no object", http.MethodPost, "/graphql", "application/json", apq(`"` + quoted + `"`), nil, http.StatusOK, "BAD_USER_INPUT", ""},
		{"persisted query of another version", http.MethodPost, "/graphql", "application/json", apq(`{"version": 2, "sha256Hash": "` + quoted + `"}`), nil, http.StatusOK, "BAD_USER_INPUT", ""},
		{"unknown persisted query", http.MethodPost, "/graphql", "application/json", `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + quoted + `"}}}`, nil, http.StatusOK, "PERSISTED_QUERY_NOT_FOUND", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			for k, v := range tt.header {
				r.Header[http.CanonicalHeaderKey(k)] = v
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			resp := w.Result()
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.status, raw)
			}
			if got := resp.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			if got := resp.Header.Get("Accept-Post"); (tt.status == http.StatusUnsupportedMediaType) != (got == "application/json") {
				t.Errorf("status %d with Accept-Post %q", resp.StatusCode, got)
			}
			var out response
			if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) == 0 {
				t.Fatalf("not a GraphQL error: %s", raw)
			}
			for _, e := range out.Errors {
				if e.Extensions["code"] != tt.code {
					t.Errorf("extensions.code %v, want %s: %s", e.Extensions["code"], tt.code, raw)
				}
			}
			if out.Data != nil {
				t.Errorf("a refused request answers data %s", out.Data)
			}
			for _, part := range []string{"echo", "marker", "script", "\u202e", `\u202e`} {
				if strings.Contains(string(raw), part) {
					t.Errorf("the answer repeats %q of the request: %s", part, raw)
				}
			}
			for k, v := range resp.Header {
				if strings.Contains(strings.Join(v, " "), "marker") {
					t.Errorf("header %s repeats the request: %q", k, v)
				}
			}
		})
	}
}

// handshake is the header of a WebSocket handshake that coder/websocket
// would accept, but with key set to values.
func handshake(key string, values ...string) http.Header {
	h := http.Header{
		"Connection":             {"Upgrade"},
		"Upgrade":                {"websocket"},
		"Sec-Websocket-Version":  {"13"},
		"Sec-Websocket-Key":      {"dGhlIHNhbXBsZSBub25jZQ=="},
		"Sec-Websocket-Protocol": {"graphql-transport-ws"},
	}
	h[http.CanonicalHeaderKey(key)] = values
	return h
}

// A mutation sent by GET is refused with 405 and Allow: POST, as GraphQL
// over HTTP asks, before it runs; a query of the same document, chosen by
// operationName, still runs by GET.
func TestGETOfAMutationIsMethodNotAllowed(t *testing.T) {
	h := emptyHandler(nil, nil)
	const doc = `query Q { __typename } mutation M { __typename }`
	for _, accept := range []string{"", "application/json", "application/graphql-response+json"} {
		t.Run("mutation, Accept "+accept, func(t *testing.T) {
			resp := serve(t, h, http.MethodGet, "/graphql?"+url.Values{"query": {doc}, "operationName": {"M"}}.Encode(), "", map[string]string{"Accept": accept})
			if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
				t.Errorf("status %d, Allow %q; want 405 and POST", resp.StatusCode, resp.Header.Get("Allow"))
			}
			raw, _ := io.ReadAll(resp.Body)
			var out response
			if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != "METHOD_NOT_ALLOWED" {
				t.Fatalf("want one METHOD_NOT_ALLOWED error: %s", raw)
			}
			if bytes.Contains(raw, []byte(`"data"`)) {
				t.Errorf("the refused mutation answers a data entry: %s", raw)
			}
		})
	}
	t.Run("query of the same document", func(t *testing.T) {
		resp := serve(t, h, http.MethodGet, "/graphql?"+url.Values{"query": {doc}, "operationName": {"Q"}}.Encode(), "", nil)
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || string(raw) != `{"data":{"__typename":"Query"}}` {
			t.Errorf("status %d: %s", resp.StatusCode, raw)
		}
	})
	t.Run("mutation by POST", func(t *testing.T) {
		resp := serve(t, h, http.MethodPost, "/graphql", `{"query": "mutation { __typename }"}`, nil)
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || string(raw) != `{"data":{"__typename":"Mutation"}}` {
			t.Errorf("status %d: %s", resp.StatusCode, raw)
		}
	})
}

// A subscription sent by GET is told where subscriptions go, as one sent
// by POST is: it is no mutation, which GET refuses with 405.
func TestSubscriptionOutsideAStreamIsToldWhereToGo(t *testing.T) {
	h := emptyHandler(nil, nil)
	const doc = `subscription { changes { id } }`
	body, _ := json.Marshal(map[string]string{"query": doc})
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/graphql?"+url.Values{"query": {doc}}.Encode(), nil),
		httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body)),
	} {
		t.Run(r.Method, func(t *testing.T) {
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			var out response
			if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || len(out.Errors) != 1 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if e := out.Errors[0]; e.Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(e.Message, "text/event-stream") || w.Code == http.StatusMethodNotAllowed {
				t.Errorf("status %d: %s", w.Code, w.Body)
			}
		})
	}
}

// A preflight from an allowed origin may ask for Apollo Client's
// client-awareness headers without any setting, and for a header of the
// front end's own once it is configured; one not configured is refused.
func TestCORSAllowsApolloHeadersAndConfiguredOnes(t *testing.T) {
	const origin = "https://desk.example.org"
	tests := []struct {
		name       string
		configured []string
		requested  string // as browsers send it: lower case, sorted
		allowed    bool
	}{
		{"Apollo's headers by default", nil, "apollographql-client-name,apollographql-client-version,authorization,content-type", true},
		{"a header not configured", nil, "content-type,x-trace-id", false},
		{"a configured header", []string{"X-Trace-Id"}, "content-type,x-trace-id", true},
		{"Apollo's headers beside a configured one", []string{"X-Trace-Id"}, "apollographql-client-name,x-trace-id", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := emptyHandler(nil, func(o *server.Options) {
				o.CORSOrigins = []string{origin}
				o.CORSHeaders = tt.configured
			})
			resp := serve(t, h, http.MethodOptions, "/graphql", "", map[string]string{
				"Origin":                         origin,
				"Access-Control-Request-Method":  "POST",
				"Access-Control-Request-Headers": tt.requested,
			})
			gotOrigin := resp.Header.Get("Access-Control-Allow-Origin")
			allowHeaders := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers"))
			if !tt.allowed {
				if gotOrigin != "" || allowHeaders != "" {
					t.Errorf("Access-Control-Allow-Origin %q, -Headers %q: the preflight should fail", gotOrigin, allowHeaders)
				}
				return
			}
			if gotOrigin != origin {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", gotOrigin, origin)
			}
			for h := range strings.SplitSeq(tt.requested, ",") {
				if !strings.Contains(allowHeaders, h) {
					t.Errorf("Access-Control-Allow-Headers %q lacks %s", allowHeaders, h)
				}
			}
		})
	}
}

// The answers that tell a client to wait carry Retry-After, and a page
// of an allowed origin may read it: rs/cors exposes it on every answer,
// the refusals of the limits and the token check included, which are
// written inside its handler.
func TestRetryAfterIsExposedToAllowedOrigins(t *testing.T) {
	const origin = "https://desk.example.org"
	unavailable := func(context.Context, string) (kg.Principal, error) {
		return kg.Principal{}, kg.Errorf(kg.Unavailable, "the database is unavailable")
	}
	tests := []struct {
		name   string
		edit   func(*server.Options)
		query  string
		header map[string]string
		status int
	}{
		// The first request spends the one unit of the burst; the second is
		// refused before its body is read.
		{"429 at the door", func(o *server.Options) { o.RateLimit, o.RateBurst = 0.001, 1 },
			`{ __typename }`, nil, http.StatusTooManyRequests},
		// The first request's cost of 20 leaves 10 of the 30; the second
		// is refused once its cost is known.
		{"429 for the request's cost", func(o *server.Options) { o.RateLimit, o.RateBurst = 0.001, 30 },
			`{ entities(first: 1) { totalCount } }`, nil, http.StatusTooManyRequests},
		{"503 checking a token", func(o *server.Options) { o.Authenticate = unavailable },
			`{ __typename }`, map[string]string{"Authorization": "Bearer some-token"}, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := emptyHandler(nil, func(o *server.Options) {
				o.CORSOrigins = []string{origin}
				tt.edit(o)
			})
			header := map[string]string{"Origin": origin}
			for k, v := range tt.header {
				header[k] = v
			}
			body, _ := json.Marshal(map[string]string{"query": tt.query})
			var resp *http.Response
			for range 2 {
				resp = serve(t, h, http.MethodPost, "/graphql", string(body), header)
			}
			if resp.StatusCode != tt.status || resp.Header.Get("Retry-After") == "" {
				raw, _ := io.ReadAll(resp.Body)
				t.Fatalf("status %d, Retry-After %q; want %d with Retry-After: %s", resp.StatusCode, resp.Header.Get("Retry-After"), tt.status, raw)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != origin {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, origin)
			}
			exposed := strings.Split(strings.ReplaceAll(resp.Header.Get("Access-Control-Expose-Headers"), " ", ""), ",")
			if !containsFold(exposed, "Retry-After") || !containsFold(exposed, "X-Request-ID") {
				t.Errorf("Access-Control-Expose-Headers %q, want Retry-After and X-Request-ID", resp.Header.Get("Access-Control-Expose-Headers"))
			}
		})
	}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// deadlineRecorder is a ResponseWriter that checks each write and flush
// of an event stream comes with a write deadline, as a connection's
// writer would let http.ResponseController set it.
type deadlineRecorder struct {
	*httptest.ResponseRecorder
	deadline time.Time // set since the last write
	writes   int
	bare     int // writes without a deadline
	last     time.Time
}

func (w *deadlineRecorder) SetWriteDeadline(t time.Time) error {
	w.deadline, w.last = t, t
	return nil
}

func (w *deadlineRecorder) check() {
	w.writes++
	if w.deadline.IsZero() {
		w.bare++
	}
	w.deadline = time.Time{}
}

func (w *deadlineRecorder) Write(b []byte) (int, error) {
	w.check()
	return w.ResponseRecorder.Write(b)
}

func (w *deadlineRecorder) Flush() {
	w.check()
	w.ResponseRecorder.Flush()
}

// Each event an event stream sends has a deadline to be written, so a
// client that stops reading loses its stream rather than holding it; the
// deadline is cleared when the stream ends, for the connection's next
// request.
func TestEventStreamWritesHaveADeadline(t *testing.T) {
	h := emptyHandler(nil, nil)
	r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query": "subscription { changes { id } }"}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "text/event-stream")
	w := &deadlineRecorder{ResponseRecorder: httptest.NewRecorder()}
	h.ServeHTTP(w, r)
	if !strings.Contains(w.Body.String(), "event: complete") {
		t.Fatalf("not an event stream: %s", w.Body)
	}
	if w.writes == 0 || w.bare > 0 {
		t.Fatalf("%d of %d writes had no deadline", w.bare, w.writes)
	}
	if !w.last.IsZero() {
		t.Fatalf("the stream ended with a write deadline of %v left on the connection", w.last)
	}
}
