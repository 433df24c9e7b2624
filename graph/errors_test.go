package graph

import (
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
)

func TestWriteOutcome(t *testing.T) {
	tests := []struct {
		code         kg.Code
		saved        kg.Saved
		wSaved, wTry string
	}{
		{kg.Invalid, kg.NotSaved, "NO", "NO"},
		{kg.Conflict, kg.NotSaved, "NO", "NO"},
		{kg.Forbidden, kg.NotSaved, "NO", "NO"},
		{kg.Unavailable, kg.NotSaved, "NO", "SAFE"},
		{kg.Unavailable, kg.MaybeSaved, "UNKNOWN", "SAME_KEY_ONLY"},
		{kg.NotFound, kg.SavedAnyway, "YES", "NO"},
	}
	for _, tt := range tests {
		saved, retry := writeOutcome(tt.code, tt.saved)
		if saved != tt.wSaved || retry != tt.wTry {
			t.Errorf("%s, saved %q: %s %s, want %s %s", tt.code, tt.saved, saved, retry, tt.wSaved, tt.wTry)
		}
	}
}
