package casefile

import (
	"errors"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
)

// A graph that cannot be asked is not a problem of the input: Check returns
// the lookup's error with its code, so an API client hears UNAVAILABLE and
// retries instead of being told its input is wrong.
func TestCheckReturnsAFailedLookup(t *testing.T) {
	src := []byte("version: 1\nentities:\n  - id: person/a\n    type: person\n    name: A\n    cite: [source/s#p1]\n")
	away := kg.Wrap(kg.Unavailable, errors.New("connection refused"), "the database is unavailable")
	_, err := Check([]Input{{Name: "a.yaml", Src: src}}, Options{
		Known: func([]string) (map[string]Known, error) { return nil, away },
	})
	var ps Problems
	if errors.As(err, &ps) {
		t.Fatalf("a failed lookup was reported as problems of the input: %v", ps)
	}
	if kg.ErrorCode(err) != kg.Unavailable {
		t.Errorf("Check = %v (code %s), want the lookup's UNAVAILABLE", err, kg.ErrorCode(err))
	}
}
