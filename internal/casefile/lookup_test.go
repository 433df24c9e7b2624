package casefile

import (
	"errors"
	"reflect"
	"slices"
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
// about the IDs next to it under the types the field allows.
func TestCheckSuggestsIDsOfTheGraph(t *testing.T) {
	graph := []string{"case/zhanbolat-mamai", "group/zhanbolat-mamai-supporters", "person/a", "person/zhanbolat-mamai", "person/zhanna-ospanova"}
	src := []byte("version: 1\nsources:\n  - id: source/s\n    title: S\n    publisher: P\nentities:\n" +
		"  - id: charge/a\n    type: Charge\n    name: C\n    case: case/zhanbolat-mamai\n    defendant: person/zhanbolat-mamay\n    status: brought\n    cite: [source/s#p1]\n")
	var asked [][]string
	_, err := Check([]Input{{Name: "a.yaml", Src: src}}, Options{
		Known: func(ids []string) (map[string]Known, error) {
			return map[string]Known{"case/zhanbolat-mamai": {Type: kg.Case}}, nil
		},
		Nearby: func(ids []string, limit int) ([]string, error) {
			asked = append(asked, ids)
			var out []string
			for _, id := range ids {
				// One on either side of id within its type, as the store
				// would answer a limit of 1.
				prefix, _, _ := strings.Cut(id, "/")
				i, _ := slices.BinarySearch(graph, id)
				for _, j := range []int{i - 1, i} {
					if j >= 0 && j < len(graph) && strings.HasPrefix(graph[j], prefix+"/") {
						out = append(out, graph[j])
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
	if !reflect.DeepEqual(asked, [][]string{{"group/zhanbolat-mamay", "person/zhanbolat-mamay"}}) {
		t.Errorf("asked the graph about %q, want once about the places of a person's and a group's ID", asked)
	}
}

// Without unknown IDs the graph is not asked for candidates.
func TestCheckAsksNoCandidatesWithoutUnknownIDs(t *testing.T) {
	src := []byte("version: 1\nsources:\n  - id: source/s\n    title: S\n    publisher: P\nentities:\n  - id: person/a\n    type: Person\n    name: A\n    cite: [source/s#p1]\n")
	_, err := Check([]Input{{Name: "a.yaml", Src: src}}, Options{
		Nearby: func([]string, int) ([]string, error) {
			t.Error("the graph was asked for candidates")
			return nil, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
}
