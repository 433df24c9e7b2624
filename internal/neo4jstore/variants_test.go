package neo4jstore

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
)

// A case's rows are written once per set of its restricted facts a
// reader may see, each with every set of groups that sees just those; a
// case that reads no restricted fact has one variant, everyone's.
func TestRowJobs(t *testing.T) {
	tests := []struct {
		name string
		sets []string
		want []string // each variant: case, groups it is written for, among, sights
	}{
		{"public", nil, []string{`case/k [] none none`}},
		{"one group", []string{",monitors"}, []string{
			`case/k [] ["monitors"] [""]`,
			`case/k ["monitors"] ["monitors"] [",monitors"]`,
		}},
		{"a fact of either group and one of monitors", []string{",lawyers,monitors", ",monitors"}, []string{
			`case/k [] ["lawyers" "monitors"] [""]`,
			`case/k ["lawyers"] ["lawyers" "monitors"] [",lawyers"]`,
			`case/k ["monitors"] ["lawyers" "monitors"] [",monitors" ",lawyers,monitors"]`,
		}},
		{"two groups that every fact holds together", []string{",a,b"}, []string{
			`case/k [] ["a" "b"] [""]`,
			`case/k ["a"] ["a" "b"] [",a" ",b" ",a,b"]`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs, err := rowJobs("case/k", tt.sets)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, j := range jobs {
				got = append(got, fmt.Sprintf("%s %s %s %s", j["case"], quoted(j["groups"]), quoted(j["among"]), quoted(j["sights"])))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("variants\n got %q\nwant %q", got, tt.want)
			}
		})
	}
	var many []string
	for i := 0; i <= maxRowGroups; i++ {
		many = append(many, fmt.Sprintf(",g%02d", i))
	}
	if _, err := rowJobs("case/k", many); kg.ErrorCode(err) != kg.Invalid || !strings.Contains(err.Error(), "case/k") {
		t.Errorf("facts of %d groups: %v, want an invalid input naming the case", len(many), err)
	}
}

// quoted is a list of strings quoted, or none.
func quoted(v any) string {
	if v == nil {
		return "none"
	}
	return fmt.Sprintf("%q", v)
}
