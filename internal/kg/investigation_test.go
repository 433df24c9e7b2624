package kg

import (
	"math"
	"strings"
	"testing"
)

func TestInvestigationCheck(t *testing.T) {
	ok := func() InvestigationContent {
		return InvestigationContent{Name: "A view", Entities: []string{"person/a", "case/b"},
			Positions: []Position{{Entity: "person/a", X: 1, Y: -1}}, Notes: []Note{{Entity: "case/b", Text: "Line one.\nLine two."}}}
	}
	if err := ok().Check(); err != nil {
		t.Fatalf("a good investigation: %v", err)
	}
	for _, c := range []struct {
		name string
		edit func(*InvestigationContent)
		want string
	}{
		{"no name", func(c *InvestigationContent) { c.Name = "" }, "input.name: give"},
		{"NaN", func(c *InvestigationContent) { c.Positions[0].X = math.NaN() }, "input.positions[0]: x and y must be finite"},
		{"infinite", func(c *InvestigationContent) { c.Positions[0].Y = math.Inf(-1) }, "input.positions[0]: x and y must be finite"},
		{"position of another", func(c *InvestigationContent) { c.Positions[0].Entity = "person/c" }, "input.positions[0].entity"},
		{"two positions of one", func(c *InvestigationContent) {
			c.Positions = append(c.Positions, Position{Entity: "person/a"})
		}, "input.positions[1].entity: person/a has one already"},
		{"empty note", func(c *InvestigationContent) { c.Notes[0].Text = " " }, "input.notes[0].text: empty"},
		{"not an ID", func(c *InvestigationContent) { c.Entities[1] = "investigation/x" }, "input.entities[1]"},
		{"too many", func(c *InvestigationContent) {
			c.Entities = make([]string, MaxInvestigationEntities+1)
		}, "input.entities: 1001 entities"},
		{"big state", func(c *InvestigationContent) {
			c.State = map[string]any{"s": strings.Repeat("x", MaxInvestigationState)}
		}, "input.filters.state"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := ok()
			c.edit(&in)
			err := in.Check()
			if ErrorCode(err) != Invalid || !strings.Contains(ErrorMessage(err), c.want) {
				t.Errorf("got %v, want %s with %q", err, Invalid, c.want)
			}
		})
	}
}

func TestCheckInvestigationID(t *testing.T) {
	for id, good := range map[string]bool{
		"investigation/mamai-network":               true,
		"investigation/2024":                        true,
		"investigation/":                            false,
		"investigation/Mamai":                       false,
		"investigation/a--b":                        false,
		"investigation/a/b":                         false,
		"person/zhanbolat-mamai":                    false,
		"investigation/" + strings.Repeat("a", 187): false,
		"investigation/" + strings.Repeat("a", 186): true,
	} {
		if err := CheckInvestigationID(id); (err == nil) != good {
			t.Errorf("CheckInvestigationID(%q) = %v", id, err)
		}
	}
}
