package kg

import (
	"context"
	"fmt"
)

// Role is what a bearer token may do. Roles are ordered: each may do
// everything the ones below it may.
type Role int

// The zero Role is no role, so a Principal left unset grants nothing.
const (
	Reader Role = iota + 1 // read the graph
	Editor                 // and write facts
	Admin                  // and retract or merge entities
)

var roleNames = map[Role]string{Reader: "reader", Editor: "editor", Admin: "admin"}

func (r Role) String() string {
	if s, ok := roleNames[r]; ok {
		return s
	}
	return fmt.Sprintf("Role(%d)", int(r))
}

// ParseRole reads a role's name as String writes it.
func ParseRole(s string) (Role, error) {
	for r, name := range roleNames {
		if s == name {
			return r, nil
		}
	}
	return 0, Errorf(Invalid, "role %q is not one of reader, editor, admin", s)
}

// Principal is who a request acts for: the name of its bearer token, the
// token's role and the groups it belongs to (sorted; see Visibility).
type Principal struct {
	Name   string
	Role   Role
	Groups []string
}

type principalKey struct{}

// WithPrincipal returns a context that carries p to the code that checks
// permissions.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal of ctx, if a token authenticated one.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Require checks that ctx acts for a principal with at least role min. Every
// operation that writes calls it before it writes anything, so a refused
// request leaves the graph as it was.
func Require(ctx context.Context, min Role) error {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return Errorf(Unauthenticated, "this needs a bearer token with the %s role", min)
	}
	if p.Role < min {
		return Errorf(Forbidden, "token %s has the %s role; this needs %s", p.Name, p.Role, min)
	}
	return nil
}
