package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/kg"
)

// flakyStore answers the two lookups these tests make: stats always fails
// as if Neo4j were away, and an entity's lookup fails by its ID. The
// embedded nil interface makes any other lookup panic, which the test
// would report.
type flakyStore struct{ graph.Lookups }

func (flakyStore) Stats(context.Context) (kg.Stats, error) {
	return kg.Stats{}, kg.Wrap(kg.Unavailable, errors.New("connection refused"), "the database is unavailable")
}

func (flakyStore) Entities(_ context.Context, ids []string, _ *kg.Selection) ([]map[string]any, error) {
	switch ids[0] {
	case "person/down":
		return nil, kg.Wrap(kg.Unavailable, errors.New("connection reset"), "the database is unavailable")
	case "person/bad":
		return nil, kg.Errorf(kg.Invalid, "not a good ID")
	case "person/busy":
		return nil, kg.Errorf(kg.Overloaded, "the service is busy")
	}
	return []map[string]any{nil}, nil
}

type statusResult struct {
	status     int
	retryAfter string
	body       map[string]json.RawMessage
	codes      []string
}

func serveStatus(tb testing.TB, accept, body string) statusResult {
	tb.Helper()
	h := New(Options{
		Resolver: &graph.Resolver{Lookups: flakyStore{}},
		Ready:    func(context.Context) error { return nil },
		Log:      slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := statusResult{status: rec.Code, retryAfter: rec.Header().Get("Retry-After")}
	if err := json.Unmarshal(rec.Body.Bytes(), &res.body); err != nil {
		tb.Fatalf("answer is not a JSON object: %v\n%s", err, rec.Body)
	}
	var errs []struct{ Extensions struct{ Code string } }
	if raw, ok := res.body["errors"]; ok {
		if err := json.Unmarshal(raw, &errs); err != nil {
			tb.Fatalf("errors: %v\n%s", err, raw)
		}
	}
	for _, e := range errs {
		res.codes = append(res.codes, e.Extensions.Code)
	}
	return res
}

func TestStatusWhenNeo4jIsAway(t *testing.T) {
	const jsonType, gqlType = "application/json", "application/graphql-response+json"
	tests := []struct {
		name, accept, query string
		want                int
		wantCodes           string
	}{
		{"nothing but an outage", jsonType, `{ stats { nodes } }`, http.StatusServiceUnavailable, "UNAVAILABLE"},
		// Root fields are nullable: the data entry is {"stats": null}, not
		// null, and GraphQL over HTTP then asks for a 2xx.
		{"nothing but an outage, graphql-response+json", gqlType, `{ stats { nodes } }`, http.StatusOK, "UNAVAILABLE"},
		{"data, and every error an outage", jsonType, `{ __typename node(id: "person/down") { id } }`, http.StatusServiceUnavailable, "UNAVAILABLE"},
		// GraphQL over HTTP: with this media type, data means 2xx (a MUST).
		{"data, and every error an outage, graphql-response+json", gqlType, `{ __typename node(id: "person/down") { id } }`, http.StatusOK, "UNAVAILABLE"},
		// Every root field is null, but the other error is the client's to
		// mend: retrying would not help.
		{"no field answers, an outage and another error", jsonType, `{ stats { nodes } node(id: "person/bad") { id } }`, http.StatusOK, "BAD_USER_INPUT UNAVAILABLE"},
		{"partial answer with another error", jsonType, `{ a: node(id: "person/down") { id } b: node(id: "person/bad") { id } }`, http.StatusOK, "BAD_USER_INPUT UNAVAILABLE"},
		{"another error only", jsonType, `{ node(id: "person/bad") { id } }`, http.StatusOK, "BAD_USER_INPUT"},
		{"no errors", jsonType, `{ __typename node(id: "person/none") { id } }`, http.StatusOK, ""},
		// Every connection the API may use is busy: retry, as for an outage.
		{"an overload", jsonType, `{ node(id: "person/busy") { id } }`, http.StatusServiceUnavailable, "OVERLOADED"},
		{"an overload, graphql-response+json", gqlType, `{ node(id: "person/busy") { id } }`, http.StatusOK, "OVERLOADED"},
		{"an overload and an outage", jsonType, `{ a: node(id: "person/busy") { id } b: node(id: "person/down") { id } }`, http.StatusServiceUnavailable, "OVERLOADED UNAVAILABLE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"query": tt.query})
			res := serveStatus(t, tt.accept, string(body))
			if res.status != tt.want {
				t.Errorf("status %d, want %d; body %s", res.status, tt.want, res.body)
			}
			// Root fields resolve concurrently, so errors come in any order.
			slices.Sort(res.codes)
			if got := strings.Join(res.codes, " "); got != tt.wantCodes {
				t.Errorf("error codes %q, want %q", got, tt.wantCodes)
			}
			wantRetry := ""
			if tt.want == http.StatusServiceUnavailable {
				wantRetry = "1"
			}
			if res.retryAfter != wantRetry {
				t.Errorf("Retry-After %q, want %q", res.retryAfter, wantRetry)
			}
			if _, ok := res.body["data"]; !ok {
				t.Errorf("an executed request's answer has no data entry: %s", res.body)
			}
		})
	}
}

// GraphQL over HTTP: request errors (the query never ran) are 200 for
// application/json clients and 400 for application/graphql-response+json
// ones, without a data entry, and a body without a query is a 400. A query
// refused by a limit never ran either.
func TestStatusOfRequestErrors(t *testing.T) {
	deep := `{"query":"{ node(id: \"person/x\") { ... on Person { charges { case { charges { case { charges { case { charges { case { charges { case { name } } } } } } } } } } } } }"}`
	tests := []struct {
		name, accept, body string
		want               int
		wantCode           string
		wantNullData       bool // "data": null rather than no data entry
	}{
		{"parse error, json", "application/json", `{"query":"{"}`, http.StatusOK, "GRAPHQL_PARSE_FAILED", false},
		{"parse error, no Accept", "", `{"query":"{"}`, http.StatusOK, "GRAPHQL_PARSE_FAILED", false},
		{"parse error, graphql-response+json", "application/graphql-response+json", `{"query":"{"}`, http.StatusBadRequest, "GRAPHQL_PARSE_FAILED", false},
		{"validation error, json", "application/json", `{"query":"{ nosuch }"}`, http.StatusOK, "GRAPHQL_VALIDATION_FAILED", false},
		{"validation error, graphql-response+json", "application/graphql-response+json", `{"query":"{ nosuch }"}`, http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED", false},
		{"variable error, json", "application/json", `{"query":"query($n: ID!) { node(id: $n) { id } }","variables":{"n":{"not":"an ID"}}}`, http.StatusOK, "GRAPHQL_VALIDATION_FAILED", false},
		{"over a limit", "application/json", deep, http.StatusOK, "BAD_USER_INPUT", false},
		// That media type allows no answer without data but a 4xx or 5xx.
		{"over a limit, graphql-response+json", "application/graphql-response+json", deep, http.StatusOK, "BAD_USER_INPUT", true},
		{"no query, json", "application/json", `{"qeury":"{ __typename }"}`, http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED", false},
		{"no query, graphql-response+json", "application/graphql-response+json", `{"qeury":"{ __typename }"}`, http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := serveStatus(t, tt.accept, tt.body)
			if res.status != tt.want {
				t.Errorf("status %d, want %d; body %s", res.status, tt.want, res.body)
			}
			if len(res.codes) == 0 || res.codes[0] != tt.wantCode {
				t.Errorf("error codes %v, want %s first", res.codes, tt.wantCode)
			}
			d, ok := res.body["data"]
			switch {
			case tt.wantNullData && (!ok || string(d) != "null"):
				t.Errorf("data %s, want null", d)
			case !tt.wantNullData && ok:
				t.Errorf("a request error carries data: %s", d)
			}
			if res.retryAfter != "" {
				t.Errorf("Retry-After %q on a request error", res.retryAfter)
			}
		})
	}
}

// A request whose context ended before its operation ran (its time ran
// out while it waited) is answered as a timeout, 503 with Retry-After; it
// once reached writeResponse with no answer at all and panicked.
func TestStatusOfARequestThatRanOutOfTime(t *testing.T) {
	var logs bytes.Buffer
	h := New(Options{
		Resolver: &graph.Resolver{Lookups: flakyStore{}},
		Ready:    func(context.Context) error { return nil },
		Log:      slog.New(slog.NewJSONHandler(&logs, nil)),
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ node(id: \"person/none\") { id } }"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" || !strings.Contains(rec.Body.String(), `"code":"UNAVAILABLE"`) {
		t.Errorf("status %d, Retry-After %q, body %s; want 503 and UNAVAILABLE", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if strings.Contains(logs.String(), "panic") {
		t.Errorf("the request panicked:\n%.500s", logs.String())
	}
}

// flakyEditor fails to retract a relationship in the ways a write can
// fail: by its ID, maybe saved, saved anyway, or not saved. The embedded nil
// interface makes any other write panic.
type flakyEditor struct{ graph.Editor }

func (flakyEditor) RetractRelation(_ context.Context, _ kg.RelType, id string, _ kg.Edit) (string, error) {
	switch id {
	case "rel/maybe":
		return "", &kg.Error{Code: kg.Unavailable, Saved: kg.MaybeSaved, Message: "the database did not confirm the change in time"}
	case "rel/saved":
		return "", &kg.Error{Code: kg.Overloaded, Saved: kg.SavedAnyway, Message: "saved, but reading it back failed"}
	}
	return "", kg.Wrap(kg.Unavailable, errors.New("connection refused"), "the change was not saved")
}

// A write that was, or may have been, saved is no outage: a 503 would
// tell proxies and clients' retry logic to send it again.
func TestStatusOfAWriteThatMayHaveBeenSaved(t *testing.T) {
	h := New(Options{
		Resolver: &graph.Resolver{Editor: flakyEditor{}},
		Ready:    func(context.Context) error { return nil },
		Log:      slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Authenticate: func(context.Context, string) (kg.Principal, error) {
			return kg.Principal{Name: "admin", Role: kg.Admin}, nil
		},
	})
	for id, want := range map[string]struct {
		status int
		saved  string
	}{"rel/maybe": {200, "UNKNOWN"}, "rel/saved": {200, "YES"}, "rel/down": {503, "NO"}} {
		body := `{"query":"mutation { retractRelation(id: \"` + id + `\", type: MEMBER_OF, reason: \"r\") { id } }"}`
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer cg_"+strings.Repeat("a", 43))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var got struct {
			Errors []struct{ Extensions map[string]any }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || len(got.Errors) != 1 {
			t.Fatalf("%s: %v %s", id, err, rec.Body)
		}
		if rec.Code != want.status || got.Errors[0].Extensions["saved"] != want.saved {
			t.Errorf("%s: status %d, saved %v; want %d and %s", id, rec.Code, got.Errors[0].Extensions["saved"], want.status, want.saved)
		}
	}
}
