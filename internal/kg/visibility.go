package kg

import (
	"context"
	"slices"
	"strings"
)

// Visibility. A fact (an entity, a relationship, a source) is public, or
// restricted to named groups: only the members of one of them may read
// it. A bearer token belongs to groups; a request without one reads public
// facts alone. Admins read everything, since they curate the restricted
// material and may widen it.

// GroupsProp is the property a restricted fact keeps its groups in; a
// public fact has none.
const GroupsProp = "groups"

// MaxGroupName bounds a group's name, which appears in tokens and case
// files.
const MaxGroupName = 64

// ValidGroup reports whether name can name a group: lower-case letters,
// digits and single hyphens, at most MaxGroupName bytes.
func ValidGroup(name string) bool {
	return len(name) <= MaxGroupName && isSlug(name, true)
}

// Groups checks group names and returns them sorted, each once; none is
// an empty list, never nil.
func Groups(names []string) ([]string, error) {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if !ValidGroup(n) {
			return nil, Errorf(Invalid, "group %q must be lower-case letters, digits and single hyphens, at most %d of them", n, MaxGroupName)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Sight is what a request may read: every fact (All), or public facts and
// those restricted to one of Groups.
type Sight struct {
	All    bool
	Groups []string
}

// SightOf is the sight of the request ctx acts for.
func SightOf(ctx context.Context) Sight {
	p, ok := PrincipalFrom(ctx)
	switch {
	case !ok:
		return Sight{Groups: []string{}}
	case p.Role >= Admin:
		return Sight{All: true, Groups: []string{}}
	case p.Groups == nil:
		return Sight{Groups: []string{}}
	}
	return Sight{Groups: p.Groups}
}

// Sees reports whether a fact restricted to groups (public when none) is
// in sight.
func (s Sight) Sees(groups []string) bool {
	if len(groups) == 0 || s.All {
		return true
	}
	for _, g := range groups {
		if slices.Contains(s.Groups, g) {
			return true
		}
	}
	return false
}

// MayGiveVisibility checks that ctx's principal may give a fact the
// groups after (none: public) where it had before; existed is false for a
// new fact. Admins may give any. Others may name only their own groups,
// and may only narrow who reads a fact, never widen it: turning a
// restricted fact public, or adding a group, is an admin's decision.
func MayGiveVisibility(ctx context.Context, id string, before, after []string, existed bool) error {
	p, ok := PrincipalFrom(ctx)
	if !ok || p.Role >= Admin {
		return nil // the command line, which reaches Neo4j directly, or an admin
	}
	for _, g := range after {
		if !slices.Contains(p.Groups, g) {
			return Errorf(Forbidden, "%s: token %s is not in group %s; only an admin may restrict a fact to a group the token is not in", id, p.Name, g)
		}
	}
	if !existed || len(before) == 0 {
		return nil // a new fact, or a public one restricted: narrowing
	}
	if len(after) == 0 {
		return Errorf(Forbidden, "%s is restricted; making it public widens who reads it and needs the admin role", id)
	}
	for _, g := range after {
		if !slices.Contains(before, g) {
			return Errorf(Forbidden, "%s: adding group %s widens who reads it and needs the admin role", id, g)
		}
	}
	return nil
}

// Key names the sight: two sights with the same key see the same facts.
func (s Sight) Key() string {
	if s.All {
		return "all"
	}
	return "groups:" + strings.Join(s.Groups, ",")
}
