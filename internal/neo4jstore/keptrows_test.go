package neo4jstore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// A patched list of rows is the list read whole: the rows of the changed
// cases replaced by their fresh ones, in page order.
func TestPatchRowsEqualsReadingAgain(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	row := func() rowRef {
		day := int64(noDay)
		if r.IntN(5) > 0 {
			day = int64(r.IntN(40) - 20)
		}
		return rowRef{Case: fmt.Sprintf("case/%d", r.IntN(12)), Charge: fmt.Sprintf("charge/%d", r.IntN(30)),
			Person: fmt.Sprintf("person/%d", r.IntN(4)), Day: day}
	}
	for round := range 500 {
		var old, fresh []rowRef
		for range r.IntN(60) {
			old = append(old, row())
		}
		changed := []string{fmt.Sprintf("case/%d", r.IntN(12)), fmt.Sprintf("case/%d", r.IntN(12))}
		for range r.IntN(10) {
			x := row()
			x.Case = changed[r.IntN(2)]
			fresh = append(fresh, x)
		}
		slices.SortFunc(old, compareRows)
		slices.SortFunc(fresh, compareRows)
		want := slices.DeleteFunc(slices.Clone(old), func(x rowRef) bool { return slices.Contains(changed, x.Case) })
		want = append(want, fresh...)
		slices.SortStableFunc(want, compareRows)
		if got := patchRows(old, changed, fresh); !slices.Equal(got, want) {
			t.Fatalf("round %d: patched\n%v\nread again\n%v", round, got, want)
		}
	}
}

// Rows come newest first, undated last, then by charge, person and case.
func TestCompareRowsOrdersAsThePageQuery(t *testing.T) {
	rows := []rowRef{
		{Charge: "charge/b", Day: noDay},
		{Charge: "charge/a", Day: noDay},
		{Charge: "charge/z", Day: -3},
		{Charge: "charge/a", Person: "person/b", Day: 10},
		{Charge: "charge/a", Person: "person/a", Case: "case/b", Day: 10},
		{Charge: "charge/a", Person: "person/a", Case: "case/a", Day: 10},
		{Charge: "charge/c", Day: 11},
	}
	got := slices.Clone(rows)
	slices.SortFunc(got, compareRows)
	want := []rowRef{rows[6], rows[5], rows[4], rows[3], rows[2], rows[1], rows[0]}
	if !slices.Equal(got, want) {
		t.Errorf("ordered\n%v\nwant\n%v", got, want)
	}
}
