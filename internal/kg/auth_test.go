package kg

import (
	"context"
	"reflect"
	"testing"
)

func TestParseRoleRoundTrips(t *testing.T) {
	for _, r := range []Role{Reader, Editor, Admin} {
		t.Run(r.String(), func(t *testing.T) {
			got, err := ParseRole(r.String())
			if err != nil || got != r {
				t.Errorf("ParseRole(%q) = %v, %v; want %v", r.String(), got, err, r)
			}
		})
	}
	for _, s := range []string{"", "Admin", "owner", " reader"} {
		t.Run("refuses "+s, func(t *testing.T) {
			if _, err := ParseRole(s); ErrorCode(err) != Invalid {
				t.Errorf("ParseRole(%q) error = %v, want %s", s, err, Invalid)
			}
		})
	}
}

func TestRolesAreOrdered(t *testing.T) {
	if !(Reader < Editor && Editor < Admin) {
		t.Errorf("roles out of order: reader %d, editor %d, admin %d", Reader, Editor, Admin)
	}
	if Role(0).String() == "reader" {
		t.Error("the zero Role must not be a real role")
	}
}

func TestPrincipalFrom(t *testing.T) {
	if _, ok := PrincipalFrom(context.Background()); ok {
		t.Error("an empty context has a principal")
	}
	want := Principal{Name: "alice", Role: Editor}
	got, ok := PrincipalFrom(WithPrincipal(context.Background(), want))
	if !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("PrincipalFrom = %+v, %v; want %+v", got, ok, want)
	}
}

func TestRequire(t *testing.T) {
	as := func(name string, r Role) context.Context {
		return WithPrincipal(context.Background(), Principal{Name: name, Role: r})
	}
	tests := []struct {
		name     string
		ctx      context.Context
		min      Role
		wantCode Code // "" when allowed
		wantMsg  string
	}{
		{"no token, reading", context.Background(), Reader, Unauthenticated, "this needs a bearer token with the reader role"},
		{"no token, editing", context.Background(), Editor, Unauthenticated, "this needs a bearer token with the editor role"},
		{"reader reads", as("r", Reader), Reader, "", ""},
		{"reader edits", as("desk", Reader), Editor, Forbidden, "token desk has the reader role; this needs editor"},
		{"editor edits", as("e", Editor), Editor, "", ""},
		{"editor merges", as("ed", Editor), Admin, Forbidden, "token ed has the editor role; this needs admin"},
		{"admin merges", as("a", Admin), Admin, "", ""},
		{"admin reads", as("a", Admin), Reader, "", ""},
		{"roleless principal", as("zero", 0), Reader, Forbidden, "token zero has the Role(0) role; this needs reader"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Require(tt.ctx, tt.min)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("Require = %v, want nil", err)
				}
				return
			}
			if ErrorCode(err) != tt.wantCode || ErrorMessage(err) != tt.wantMsg {
				t.Errorf("Require = %s %q, want %s %q", ErrorCode(err), ErrorMessage(err), tt.wantCode, tt.wantMsg)
			}
		})
	}
}
