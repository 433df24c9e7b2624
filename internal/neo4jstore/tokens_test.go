package neo4jstore_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

var tokenSeq atomic.Int64

// tokenName returns a token name unique to this run and test, and deletes
// the token when the test ends, whether or not the test revoked it.
func tokenName(tb testing.TB, uri string) string {
	tb.Helper()
	name := fmt.Sprintf("test-%x-%d", time.Now().UnixNano(), tokenSeq.Add(1))
	tb.Cleanup(func() {
		neo4jtest.Exec(tb, uri, "MATCH (t:Token {name: $name}) DELETE t", map[string]any{"name": name})
	})
	return name
}

func createToken(tb testing.TB, s *neo4jstore.Store, name string, role kg.Role) string {
	tb.Helper()
	token, err := s.CreateToken(context.Background(), name, role, nil)
	if err != nil {
		tb.Fatalf("CreateToken(%q, %s): %v", name, role, err)
	}
	return token
}

func TestTokenLifecycle(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	ctx := context.Background()
	for _, role := range []kg.Role{kg.Reader, kg.Editor, kg.Admin} {
		t.Run(role.String(), func(t *testing.T) {
			name := tokenName(t, uri)
			before := time.Now().Add(-time.Minute) // the database clock may differ a little
			token := createToken(t, s, name, role)
			if !strings.HasPrefix(token, "cg_") || len(token) != 46 {
				t.Errorf("token %q is not cg_ and 43 base64url characters", token)
			}

			p, err := s.Authenticate(ctx, token)
			if err != nil || !reflect.DeepEqual(p, kg.Principal{Name: name, Role: role}) {
				t.Fatalf("Authenticate = %+v, %v; want %s with role %s", p, err, name, role)
			}

			list, err := s.ListTokens(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var found *neo4jstore.TokenInfo
			for i := range list {
				if list[i].Name == name {
					found = &list[i]
				}
			}
			if found == nil || found.Role != role || found.Created.Before(before) || found.Created.After(time.Now().Add(time.Minute)) {
				t.Errorf("ListTokens has %+v for %s, want role %s created just now", found, name, role)
			}

			if err := s.RevokeToken(ctx, name); err != nil {
				t.Fatalf("RevokeToken: %v", err)
			}
			if _, err := s.Authenticate(ctx, token); kg.ErrorCode(err) != kg.Unauthenticated {
				t.Errorf("Authenticate after revocation = %v, want %s at once in the revoking process", err, kg.Unauthenticated)
			}
			if err := s.RevokeToken(ctx, name); kg.ErrorCode(err) != kg.NotFound {
				t.Errorf("second RevokeToken = %v, want %s", err, kg.NotFound)
			}
		})
	}
}

func TestCreateTokenRefuses(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	taken := tokenName(t, uri)
	createToken(t, s, taken, kg.Reader)
	tests := []struct {
		name, tokenName string
		role            kg.Role
		want            kg.Code
	}{
		{"a name in use", taken, kg.Admin, kg.Conflict},
		{"an empty name", "", kg.Reader, kg.Invalid},
		{"a name with a space", "two words", kg.Reader, kg.Invalid},
		{"a name with a newline", "a\nb", kg.Reader, kg.Invalid},
		{"a name of 65 characters", strings.Repeat("x", 65), kg.Reader, kg.Invalid},
		{"no role", "no-role", 0, kg.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, err := s.CreateToken(context.Background(), tt.tokenName, tt.role, nil)
			if kg.ErrorCode(err) != tt.want || token != "" {
				t.Errorf("CreateToken = %q, %v; want no token and %s", token, err, tt.want)
			}
		})
	}
	recs := neo4jtest.Exec(t, uri, "MATCH (t:Token {name: $name}) RETURN t.role AS role", map[string]any{"name": taken})
	if len(recs) != 1 {
		t.Fatalf("%d tokens named %s, want 1", len(recs), taken)
	}
	if role, _ := recs[0].Get("role"); role != "reader" {
		t.Errorf("the conflicting create changed the role to %v", role)
	}
}

func TestAuthenticateRefusesUnknownTokens(t *testing.T) {
	s := neo4jtest.Store(t)
	tests := []struct{ name, token string }{
		{"empty", ""},
		{"prefix only", "cg_"},
		{"too short", "cg_abc"},
		{"well formed but never issued", "cg_" + strings.Repeat("A", 43)},
		{"wrong prefix", "xx_" + strings.Repeat("A", 43)},
		{"trailing space", "cg_" + strings.Repeat("A", 43) + " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := s.Authenticate(context.Background(), tt.token)
			if kg.ErrorCode(err) != kg.Unauthenticated || kg.ErrorMessage(err) != "the bearer token is not valid" {
				t.Errorf("Authenticate = %+v, %v; want %s \"the bearer token is not valid\"", p, err, kg.Unauthenticated)
			}
		})
	}
}

func TestTokenTextIsNotStored(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	name := tokenName(t, uri)
	token := createToken(t, s, name, kg.Admin)
	secret := strings.TrimPrefix(token, "cg_")

	recs := neo4jtest.Exec(t, uri, "MATCH (t:Token) RETURN t.name AS name, properties(t) AS props", nil)
	var mine bool
	for _, rec := range recs {
		n, _ := rec.Get("name")
		props, _ := rec.Get("props")
		for k, v := range props.(map[string]any) {
			if text := fmt.Sprint(v); strings.Contains(text, secret) {
				t.Errorf("token %v stores the token text in its %s property", n, k)
			}
		}
		if n == name {
			mine = true
			if _, ok := props.(map[string]any)["hash"]; !ok {
				t.Errorf("token %s has no hash: %v", name, props)
			}
		}
	}
	if !mine {
		t.Fatalf("token %s is not in the database", name)
	}
	if recs := neo4jtest.Exec(t, uri, "MATCH (t:Token {name: $name}) WHERE t:Entity RETURN t", map[string]any{"name": name}); len(recs) != 0 {
		t.Error("a token is an :Entity, so the graph's readers and export would see it")
	}
}

func TestAuthenticateCachesSuccessfulLookups(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	name := tokenName(t, uri)
	token := createToken(t, s, name, kg.Editor)

	for i, want := range []int64{1, 0} {
		ctx, n := neo4jstore.WithStatementCounter(context.Background())
		if _, err := s.Authenticate(ctx, token); err != nil {
			t.Fatal(err)
		}
		if n.Load() != want {
			t.Errorf("lookup %d sent %d statements, want %d", i+1, n.Load(), want)
		}
	}
	// A bad token is never cached, so each one is looked up.
	ctx, n := neo4jstore.WithStatementCounter(context.Background())
	for range 2 {
		_, _ = s.Authenticate(ctx, "cg_"+strings.Repeat("B", 43))
	}
	if n.Load() != 2 {
		t.Errorf("two bad lookups sent %d statements, want 2", n.Load())
	}
}

// Another process that revokes a token reaches this one through the cache's
// expiry: this test waits out TokenCacheTTL.
func TestRevocationElsewhereTakesEffectWithinTheCacheTTL(t *testing.T) {
	if testing.Short() {
		t.Skipf("waits %s", neo4jstore.TokenCacheTTL)
	}
	t.Parallel()
	uri := neo4jtest.URI(t)
	serving, revoking := neo4jtest.StoreAt(t, uri), neo4jtest.StoreAt(t, uri)
	name := tokenName(t, uri)
	token := createToken(t, revoking, name, kg.Reader)
	ctx := context.Background()
	if _, err := serving.Authenticate(ctx, token); err != nil {
		t.Fatal(err)
	}
	if err := revoking.RevokeToken(ctx, name); err != nil {
		t.Fatal(err)
	}
	time.Sleep(neo4jstore.TokenCacheTTL + 500*time.Millisecond)
	if _, err := serving.Authenticate(ctx, token); kg.ErrorCode(err) != kg.Unauthenticated {
		t.Errorf("Authenticate %s after revocation = %v, want %s", neo4jstore.TokenCacheTTL, err, kg.Unauthenticated)
	}
}

// A token's groups are checked, kept sorted and once, and given with its
// principal and in the list; a token without groups has none.
func TestTokenGroups(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	ctx := context.Background()
	name := tokenName(t, uri)
	token, err := s.CreateToken(ctx, name, kg.Reader, []string{"legal-team", "field", "legal-team"})
	if err != nil {
		t.Fatal(err)
	}
	want := kg.Principal{Name: name, Role: kg.Reader, Groups: []string{"field", "legal-team"}}
	if p, err := s.Authenticate(ctx, token); err != nil || !reflect.DeepEqual(p, want) {
		t.Errorf("Authenticate = %+v, %v; want %+v", p, err, want)
	}
	list, err := s.ListTokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	listed := false
	for _, info := range list {
		if info.Name == name {
			listed = reflect.DeepEqual(info.Groups, want.Groups)
		}
	}
	if !listed {
		t.Errorf("token list does not give %s with groups %v", name, want.Groups)
	}
	if _, err := s.CreateToken(ctx, tokenName(t, uri), kg.Reader, []string{"Legal Team"}); kg.ErrorCode(err) != kg.Invalid {
		t.Errorf("a group named %q: %v, want INVALID", "Legal Team", err)
	}
}
