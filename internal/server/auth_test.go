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
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/graph"
	"github.com/casegraph/casegraph/internal/kg"
)

const (
	goodToken = "cg_good-token-text-that-must-never-be-logged"
	badToken  = "cg_bad-token-text-that-must-never-be-logged"
	downToken = "cg_token-while-the-database-is-away"
	busyToken = "cg_token-while-the-service-is-busy"
)

// fakeAuthenticate knows one token; the store's own tests cover the real
// lookup.
func fakeAuthenticate(_ context.Context, token string) (kg.Principal, error) {
	switch token {
	case goodToken:
		return kg.Principal{Name: "desk-almaty", Role: kg.Editor}, nil
	case downToken:
		return kg.Principal{}, kg.Wrap(kg.Unavailable, errors.New("connection refused"), "the database is unavailable")
	case busyToken:
		return kg.Principal{}, kg.Errorf(kg.Overloaded, "the service is busy")
	}
	return kg.Principal{}, kg.Errorf(kg.Unauthenticated, "the bearer token is not valid")
}

type authResult struct {
	status     int
	body       string
	principal  *kg.Principal // what the next handler saw; nil if not reached
	log        string
	retryAfter string
}

// serveAuth sends one request through the request log and bearerAuth to a
// handler that records the principal it sees.
func serveAuth(tb testing.TB, readAccess, authorization string) authResult {
	tb.Helper()
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	var res authResult
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := kg.PrincipalFrom(r.Context()); ok {
			res.principal = &p
		} else {
			res.principal = &kg.Principal{}
		}
		w.WriteHeader(http.StatusOK)
	})
	h := logRequests(log, noMetrics{}, nil, bearerAuth(Options{Authenticate: fakeAuthenticate, ReadAccess: readAccess, Log: log}, nil, next))
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res.status, res.body, res.log = rec.Code, rec.Body.String(), logs.String()
	res.retryAfter = rec.Header().Get("Retry-After")
	return res
}

func TestBearerAuth(t *testing.T) {
	editor := &kg.Principal{Name: "desk-almaty", Role: kg.Editor}
	anonymous := &kg.Principal{}
	tests := []struct {
		name          string
		readAccess    string
		authorization string
		wantStatus    int
		wantCode      kg.Code       // in the error body, when refused
		wantPrincipal *kg.Principal // seen by the next handler, when passed
	}{
		{"no header, reads open", ReadOpen, "", http.StatusOK, "", anonymous},
		{"no header, reads open by default", "", "", http.StatusOK, "", anonymous},
		{"no header, reads need a token", ReadToken, "", http.StatusUnauthorized, kg.Unauthenticated, nil},
		{"Bearer without a token", ReadOpen, "Bearer", http.StatusUnauthorized, kg.Unauthenticated, nil},
		{"Bearer and a space", ReadOpen, "Bearer ", http.StatusUnauthorized, kg.Unauthenticated, nil},
		{"Basic credentials", ReadOpen, "Basic YWxpY2U6c2VjcmV0", http.StatusUnauthorized, kg.Unauthenticated, nil},
		{"the bare token", ReadOpen, goodToken, http.StatusUnauthorized, kg.Unauthenticated, nil},
		{"two words after Bearer", ReadOpen, "Bearer " + goodToken + " extra", http.StatusUnauthorized, kg.Unauthenticated, nil},
		{"bad token, reads open", ReadOpen, "Bearer " + badToken, http.StatusUnauthorized, kg.Unauthenticated, nil},
		{"bad token, reads need a token", ReadToken, "Bearer " + badToken, http.StatusUnauthorized, kg.Unauthenticated, nil},
		{"database away", ReadOpen, "Bearer " + downToken, http.StatusServiceUnavailable, kg.Unavailable, nil},
		{"service busy", ReadOpen, "Bearer " + busyToken, http.StatusServiceUnavailable, kg.Overloaded, nil},
		{"good token, reads open", ReadOpen, "Bearer " + goodToken, http.StatusOK, "", editor},
		{"good token, reads need a token", ReadToken, "Bearer " + goodToken, http.StatusOK, "", editor},
		{"scheme in lower case", ReadToken, "bearer " + goodToken, http.StatusOK, "", editor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := serveAuth(t, tt.readAccess, tt.authorization)
			if res.status != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", res.status, tt.wantStatus, res.body)
			}
			if retry := res.status == http.StatusServiceUnavailable; retry != (res.retryAfter == "1") {
				t.Errorf("status %d with Retry-After %q", res.status, res.retryAfter)
			}
			switch {
			case tt.wantPrincipal == nil && res.principal != nil:
				t.Errorf("the request reached the handler as %+v", *res.principal)
			case tt.wantPrincipal != nil && (res.principal == nil || !reflect.DeepEqual(*res.principal, *tt.wantPrincipal)):
				t.Errorf("the handler saw %+v, want %+v", res.principal, *tt.wantPrincipal)
			}
			if tt.wantCode != "" {
				var body struct {
					Errors []struct {
						Message    string
						Extensions struct{ Code string }
					}
				}
				if err := json.Unmarshal([]byte(res.body), &body); err != nil || len(body.Errors) != 1 || body.Errors[0].Message == "" {
					t.Fatalf("body %s is not one GraphQL error (%v)", res.body, err)
				}
				if body.Errors[0].Extensions.Code != string(tt.wantCode) {
					t.Errorf("extensions.code %q, want %s", body.Errors[0].Extensions.Code, tt.wantCode)
				}
			}
			for _, secret := range []string{goodToken, badToken, downToken, busyToken, "YWxpY2U6c2VjcmV0"} {
				if strings.Contains(res.log, secret) || strings.Contains(res.body, secret) {
					t.Errorf("the token text appears in the log or the answer:\nlog: %s\nbody: %s", res.log, res.body)
				}
			}
		})
	}
}

func TestRequestLogNamesTheActor(t *testing.T) {
	res := serveAuth(t, ReadOpen, "Bearer "+goodToken)
	if !strings.Contains(res.log, `"actor":"desk-almaty"`) {
		t.Errorf("request log does not name the token:\n%s", res.log)
	}
	res = serveAuth(t, ReadToken, "")
	if strings.Contains(res.log, `"actor"`) || !strings.Contains(res.log, `"error_codes":["UNAUTHENTICATED"]`) {
		t.Errorf("refused request's log line:\n%s", res.log)
	}
}

// Only /graphql is behind tokens: health checks and GraphiQL stay open so
// probes and people can reach them.
func TestAuthGuardsOnlyTheGraphQLEndpoint(t *testing.T) {
	h := New(Options{
		Resolver:     &graph.Resolver{},
		Ready:        func(context.Context) error { return nil },
		Log:          slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Playground:   true,
		Authenticate: fakeAuthenticate,
		ReadAccess:   ReadToken,
	})
	tests := []struct {
		method, path, authorization string
		want                        int
	}{
		{http.MethodPost, "/graphql", "", http.StatusUnauthorized},
		{http.MethodGet, "/graphql?query=%7B__typename%7D", "", http.StatusUnauthorized},
		{http.MethodPost, "/graphql", "Bearer " + badToken, http.StatusUnauthorized},
		{http.MethodPost, "/graphql", "Bearer " + goodToken, http.StatusOK},
		{http.MethodGet, "/healthz", "", http.StatusOK},
		{http.MethodGet, "/readyz", "", http.StatusOK},
		{http.MethodGet, "/", "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path+" "+tt.authorization, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(`{"query":"{ __typename }"}`))
			req.Header.Set("Content-Type", "application/json")
			if tt.authorization != "" {
				req.Header.Set("Authorization", tt.authorization)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("status %d, want %d; body %s", rec.Code, tt.want, rec.Body)
			}
		})
	}
}

// An answer depends on the token that asked (its groups): no shared cache
// may keep it for another client.
func TestAnswersAreNotSharedAcrossTokens(t *testing.T) {
	h := New(Options{
		Resolver:     &graph.Resolver{},
		Ready:        func(context.Context) error { return nil },
		Log:          slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Authenticate: fakeAuthenticate,
		ReadAccess:   ReadOpen,
	})
	for _, authorization := range []string{"", "Bearer " + goodToken} {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query=%7B__typename%7D", nil)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if !slices.Contains(rec.Header().Values("Vary"), "Authorization") {
			t.Errorf("%q: Vary is %q, want it to name Authorization", authorization, rec.Header().Values("Vary"))
		}
		if cc := rec.Header().Get("Cache-Control"); authorization != "" && cc != "private, no-store" {
			t.Errorf("an answer to a token: Cache-Control %q, want private, no-store", cc)
		}
	}
}
