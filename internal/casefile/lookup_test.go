package casefile

import (
	"errors"
	"reflect"
	"strings"
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

// IDs the graph holds are suggested for an unknown one, from one question
// about the IDs that start like it and are of a type the field allows.
func TestCheckSuggestsIDsOfTheGraph(t *testing.T) {
	graph := []string{"person/zhanbolat-mamai", "person/zhanna-ospanova", "group/zhanbolat-mamai-supporters", "case/zhanbolat-mamai"}
	src := []byte("version: 1\nsources:\n  - id: source/s\n    title: S\n    publisher: P\nentities:\n" +
		"  - id: charge/a\n    type: Charge\n    name: C\n    case: case/zhanbolat-mamai\n    defendant: person/zhanbolat-mamay\n    status: brought\n    cite: [source/s#p1]\n")
	var asked [][]string
	_, err := Check([]Input{{Name: "a.yaml", Src: src}}, Options{
		Known: func(ids []string) (map[string]Known, error) {
			return map[string]Known{"case/zhanbolat-mamai": {Type: kg.Case}}, nil
		},
		Candidates: func(prefixes []string, limit int) ([]string, error) {
			asked = append(asked, prefixes)
			if limit < 1 {
				t.Errorf("limit %d", limit)
			}
			var out []string
			for _, id := range graph {
				for _, p := range prefixes {
					if strings.HasPrefix(id, p) {
						out = append(out, id)
					}
				}
			}
			return out, nil
		},
	})
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 {
		t.Fatalf("want one problem, got %v", err)
	}
	want := `defendant of charge/a: unknown id "person/zhanbolat-mamay": did you mean person/zhanbolat-mamai? If not,`
	if !strings.Contains(ps[0].Message, want) {
		t.Errorf("got %q, want it to say %q", ps[0].Message, want)
	}
	if !reflect.DeepEqual(asked, [][]string{{"group/z", "person/z"}}) {
		t.Errorf("asked the graph for %q, want once for the starts of a person's and a group's ID", asked)
	}
}

// Without unknown IDs the graph is not asked for candidates.
func TestCheckAsksNoCandidatesWithoutUnknownIDs(t *testing.T) {
	src := []byte("version: 1\nsources:\n  - id: source/s\n    title: S\n    publisher: P\nentities:\n  - id: person/a\n    type: Person\n    name: A\n    cite: [source/s#p1]\n")
	_, err := Check([]Input{{Name: "a.yaml", Src: src}}, Options{
		Candidates: func([]string, int) ([]string, error) {
			t.Error("the graph was asked for candidates")
			return nil, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
}
