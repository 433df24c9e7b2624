package kg

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func TestGroupsAreCheckedSortedAndOnce(t *testing.T) {
	got, err := Groups([]string{"legal-team", "field-2", "legal-team"})
	if err != nil || !reflect.DeepEqual(got, []string{"field-2", "legal-team"}) {
		t.Errorf("Groups = %v, %v", got, err)
	}
	if got, err := Groups(nil); err != nil || got == nil || len(got) != 0 {
		t.Errorf("no groups = %#v, %v; want an empty list", got, err)
	}
	for _, bad := range []string{"", "Legal", "a b", "-a", "a--b", "a_b", strings.Repeat("a", MaxGroupName+1)} {
		if _, err := Groups([]string{bad}); ErrorCode(err) != Invalid {
			t.Errorf("group %q: %v, want INVALID", bad, err)
		}
	}
}

func TestSightOfEachReader(t *testing.T) {
	ctx := context.Background()
	member := WithPrincipal(ctx, Principal{Name: "m", Role: Reader, Groups: []string{"legal"}})
	editor := WithPrincipal(ctx, Principal{Name: "e", Role: Editor})
	admin := WithPrincipal(ctx, Principal{Name: "a", Role: Admin})
	tests := []struct {
		name   string
		ctx    context.Context
		groups []string
		sees   bool
	}{
		{"anyone, a public fact", ctx, nil, true},
		{"anyone, a restricted fact", ctx, []string{"legal"}, false},
		{"a member", member, []string{"field", "legal"}, true},
		{"a member of another group", member, []string{"field"}, false},
		{"an editor in no group", editor, []string{"legal"}, false},
		{"an editor, a public fact", editor, []string{}, true},
		{"an admin", admin, []string{"field"}, true},
	}
	for _, tt := range tests {
		if got := SightOf(tt.ctx).Sees(tt.groups); got != tt.sees {
			t.Errorf("%s: sees %v, want %v", tt.name, got, tt.sees)
		}
	}
	if g := SightOf(ctx).Groups; g == nil {
		t.Error("an anonymous sight's groups must be an empty list, not nil: it is a statement's parameter")
	}
}
