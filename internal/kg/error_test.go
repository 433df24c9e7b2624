package kg

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorCodeAndMessage(t *testing.T) {
	cause := errors.New("Neo.ClientError.Statement.SyntaxError: MATCH (n")
	tests := []struct {
		name     string
		err      error
		wantCode Code
		wantMsg  string
	}{
		{"coded", Errorf(NotFound, "no entity %q", "person/x"), NotFound, `no entity "person/x"`},
		{"wrapped coded", fmt.Errorf("loading: %w", Wrap(Unavailable, cause, "database unavailable")), Unavailable, "database unavailable"},
		{"plain error hides its text", cause, Internal, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.wantCode {
				t.Errorf("ErrorCode = %s, want %s", got, tt.wantCode)
			}
			if got := ErrorMessage(tt.err); got != tt.wantMsg {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.wantMsg)
			}
		})
	}
	if !errors.Is(Wrap(Unavailable, cause, "x"), cause) {
		t.Error("Wrap does not keep its cause for errors.Is")
	}
}
