package neo4jstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// A token is tokenPrefix followed by 32 random bytes in unpadded base64url.
// The prefix lets people and secret scanners recognise one; the fixed shape
// lets Authenticate refuse garbage without asking Neo4j.
const (
	tokenPrefix  = "cg_"
	tokenBytes   = 32
	tokenTextLen = len(tokenPrefix) + 43 // base64.RawURLEncoding.EncodedLen(32)
)

// Authenticate trusts a token it has checked for TokenCacheTTL without
// asking Neo4j again, so a request costs no extra round trip. RevokeToken
// clears its own process's cache at once; another process running against
// the same database stops accepting a revoked token within TokenCacheTTL.
const (
	TokenCacheTTL  = 30 * time.Second
	tokenCacheSize = 1024
)

// tokenName keeps names short and printable: they appear in logs (as the
// request's actor) and in error messages.
var tokenName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// TokenInfo describes a token without its secret.
type TokenInfo struct {
	Name    string
	Role    kg.Role
	Groups  []string
	Created time.Time
}

// CreateToken makes a token with the given name, role and groups (whose
// restricted facts it may read) and returns its text. Only the text's
// SHA-256 is stored, so this is the only time anyone can see the token.
func (s *Store) CreateToken(ctx context.Context, name string, role kg.Role, groups []string) (string, error) {
	if !tokenName.MatchString(name) {
		return "", kg.Errorf(kg.Invalid, "token name %q must be 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit", name)
	}
	if _, err := kg.ParseRole(role.String()); err != nil {
		return "", err
	}
	groups, err := kg.Groups(groups)
	if err != nil {
		return "", err
	}
	secret := make([]byte, tokenBytes)
	if _, err := rand.Read(secret); err != nil {
		return "", kg.Wrap(kg.Internal, err, "cannot generate a token")
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(secret)
	_, err = s.execute(ctx, neo4j.AccessModeWrite, `
		CREATE (:Token {name: $name, hash: $hash, role: $role, groups: $groups, created: datetime()})`,
		map[string]any{"name": name, "hash": hashToken(token), "role": role.String(), "groups": groups})
	if err != nil {
		err = translate(err, "creating the token failed")
		if kg.ErrorCode(err) == kg.Conflict {
			// The hash is 256 random bits, so the constraint that failed is the name's.
			return "", kg.Wrap(kg.Conflict, err, fmt.Sprintf("a token named %q already exists; revoke it first or choose another name", name))
		}
		return "", err
	}
	return token, nil
}

// Authenticate returns the principal a token stands for, or an
// Unauthenticated error when the token is unknown or revoked.
func (s *Store) Authenticate(ctx context.Context, token string) (kg.Principal, error) {
	invalid := kg.Errorf(kg.Unauthenticated, "the bearer token is not valid")
	if len(token) != tokenTextLen || !strings.HasPrefix(token, tokenPrefix) {
		return kg.Principal{}, invalid
	}
	hash := hashToken(token)
	p, ok := s.tokens.Get(hash)
	s.metrics.CacheLookup(cacheTokens, ok)
	if ok {
		return p, nil
	}
	res, err := s.readOwn(ctx, `MATCH (t:Token {hash: $hash}) RETURN t.name AS name, t.role AS role, coalesce(t.groups, []) AS groups`,
		map[string]any{"hash": hash})
	if err != nil {
		return kg.Principal{}, translate(err, "checking the bearer token failed")
	}
	if len(res.Records) == 0 {
		return kg.Principal{}, invalid
	}
	r := rowOf(res.Records[0], "checking the bearer token")
	name, roleText, groups := r.str("name"), r.str("role"), r.strs("groups")
	if err := r.err(); err != nil {
		return kg.Principal{}, err
	}
	if len(groups) == 0 {
		groups = nil
	}
	role, err := kg.ParseRole(roleText)
	if err != nil {
		return kg.Principal{}, kg.Wrap(kg.Internal, err, "a stored token has an unknown role")
	}
	p = kg.Principal{Name: name, Role: role, Groups: groups}
	s.tokens.Add(hash, p)
	return p, nil
}

// ListTokens returns every token's name, role, groups and creation time,
// by name.
func (s *Store) ListTokens(ctx context.Context) ([]TokenInfo, error) {
	res, err := s.execute(ctx, neo4j.AccessModeRead, `
		MATCH (t:Token) RETURN t.name AS name, t.role AS role, coalesce(t.groups, []) AS groups, t.created AS created ORDER BY name`,
		nil)
	if err != nil {
		return nil, translate(err, "listing tokens failed")
	}
	out := make([]TokenInfo, 0, len(res.Records))
	for _, rec := range res.Records {
		var t TokenInfo
		r := rowOf(rec, "listing tokens")
		t.Name, t.Groups = r.str("name"), r.strs("groups")
		role := r.str("role")
		if err := r.err(); err != nil {
			return nil, err
		}
		if t.Role, err = kg.ParseRole(role); err != nil {
			return nil, kg.Wrap(kg.Internal, err, "a stored token has an unknown role")
		}
		if t.Created, err = col[time.Time](rec, "listing tokens", "created"); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// RevokeToken deletes the named token. This process refuses it from now on;
// others within TokenCacheTTL.
func (s *Store) RevokeToken(ctx context.Context, name string) error {
	res, err := s.execute(ctx, neo4j.AccessModeWrite, `
		MATCH (t:Token {name: $name}) WITH t, t.hash AS hash DELETE t RETURN hash`,
		map[string]any{"name": name})
	if err != nil {
		return translate(err, "revoking the token failed")
	}
	if len(res.Records) == 0 {
		return kg.Errorf(kg.NotFound, "there is no token named %q", name)
	}
	hash, err := col[string](res.Records[0], "revoking the token", "hash")
	if err != nil {
		return err
	}
	s.tokens.Remove(hash)
	return nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newTokenCache remembers up to tokenCacheSize successful lookups, by hash,
// for TokenCacheTTL each. Failed lookups are not remembered, so a new token
// works at once. The library sweeps expired entries from a goroutine of its
// own that never ends (it offers no way to stop it in v2): one per store,
// and a process opens one.
func newTokenCache() *expirable.LRU[string, kg.Principal] {
	return expirable.NewLRU[string, kg.Principal](tokenCacheSize, nil, TokenCacheTTL)
}
