package kg

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// An investigation is a named view of the graph an analyst keeps on the
// server: which entities it shows, where, what it hides and what the
// analyst noted. It states no facts, so it is checked here rather than by
// the case-file rules, and it is not an entity: exports and the read
// model never see it.

// InvestigationPrefix starts every investigation's ID.
const InvestigationPrefix = "investigation/"

// The bounds of an investigation: a view a person can look at, with room
// to spare, and nothing that makes one request heavy.
const (
	MaxInvestigationEntities = 1000
	MaxInvestigationState    = 20000 // bytes of the explorer's own state, as JSON
	maxInvestigationID       = 200
)

var (
	investigationName = TextRule{Max: 200}
	investigationText = TextRule{Max: 2000, Prose: true}
)

// Investigation is a saved view.
type Investigation struct {
	ID string
	InvestigationContent
	CreatedBy, UpdatedBy string
	UpdatedAt            time.Time
	Version              int
}

// InvestigationContent is what an editor writes; the rest is the
// store's.
type InvestigationContent struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Entities    []string       `json:"entities"`
	Positions   []Position     `json:"positions,omitempty"`
	HiddenTypes []EntityType   `json:"hiddenTypes,omitempty"`
	HiddenRels  []RelType      `json:"hiddenRelationshipTypes,omitempty"`
	State       map[string]any `json:"state,omitempty"`
	Notes       []Note         `json:"notes,omitempty"`
}

// Position is where an entity is drawn.
type Position struct {
	Entity string  `json:"entity"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
}

// Note is an analyst's text on an entity of the view.
type Note struct {
	Entity string `json:"entity"`
	Text   string `json:"text"`
}

// IsInvestigationID reports whether id names an investigation, well
// formed or not: such IDs never name entities.
func IsInvestigationID(id string) bool { return strings.HasPrefix(id, InvestigationPrefix) }

// CheckInvestigationID refuses an ID that is not investigation/ and a slug.
func CheckInvestigationID(id string) error {
	slug, ok := strings.CutPrefix(id, InvestigationPrefix)
	if !ok || !isSlug(slug, true) || len(id) > maxInvestigationID {
		return Errorf(Invalid, "id: %s is not an investigation ID: investigation/ and words of lower-case letters and digits joined by hyphens, at most %d characters in all, such as investigation/mamai-network", Quote(id), maxInvestigationID)
	}
	return nil
}

// Check returns what is wrong with an investigation's content, naming the
// input field, or nil. It does not ask whether the entities exist.
func (c InvestigationContent) Check() error {
	if strings.TrimSpace(c.Name) == "" {
		return Errorf(Invalid, "input.name: give the investigation a name")
	}
	if err := investigationName.Check(c.Name); err != nil {
		return Errorf(Invalid, "input.name %v", err)
	}
	if err := investigationText.Check(c.Description); err != nil {
		return Errorf(Invalid, "input.description %v", err)
	}
	if len(c.Entities) > MaxInvestigationEntities {
		return Errorf(Invalid, "input.entities: %d entities, at most %d are allowed", len(c.Entities), MaxInvestigationEntities)
	}
	in := make(map[string]bool, len(c.Entities))
	for i, id := range c.Entities {
		if !ValidID(id) {
			return Errorf(Invalid, "input.entities[%d]: %s is not an entity ID", i, Quote(id))
		}
		if in[id] {
			return Errorf(Invalid, "input.entities[%d]: %s is listed twice", i, id)
		}
		in[id] = true
	}
	placed := map[string]bool{}
	for i, p := range c.Positions {
		where := fmt.Sprintf("input.positions[%d]", i)
		if err := inView(where, p.Entity, in, placed); err != nil {
			return err
		}
		for _, v := range []float64{p.X, p.Y} {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e9 {
				return Errorf(Invalid, "%s: x and y must be finite numbers between -1e9 and 1e9", where)
			}
		}
	}
	noted := map[string]bool{}
	for i, n := range c.Notes {
		where := fmt.Sprintf("input.notes[%d]", i)
		if err := inView(where, n.Entity, in, noted); err != nil {
			return err
		}
		if strings.TrimSpace(n.Text) == "" {
			return Errorf(Invalid, "%s.text: empty; leave the note out instead", where)
		}
		if err := investigationText.Check(n.Text); err != nil {
			return Errorf(Invalid, "%s.text %v", where, err)
		}
	}
	if c.State != nil {
		raw, err := json.Marshal(c.State)
		if err != nil {
			return Errorf(Invalid, "input.filters.state: %v", err)
		}
		if len(raw) > MaxInvestigationState {
			return Errorf(Invalid, "input.filters.state: %d bytes as JSON, at most %d are allowed", len(raw), MaxInvestigationState)
		}
	}
	return nil
}

// inView refuses a position or note for an entity the view does not hold,
// or a second one for the same entity.
func inView(where, id string, in, seen map[string]bool) error {
	if !in[id] {
		return Errorf(Invalid, "%s.entity: %s is not among input.entities", where, Quote(id))
	}
	if seen[id] {
		return Errorf(Invalid, "%s.entity: %s has one already", where, id)
	}
	seen[id] = true
	return nil
}

// Without is the investigation as a reader who may not see the entities
// hidden sees it: without them, their positions and notes. The explorer's
// state, which may name them in ways this package does not read, goes
// too when any is hidden.
func (c InvestigationContent) Without(hidden map[string]bool) InvestigationContent {
	if !c.names(hidden) {
		return c
	}
	out := c
	out.Entities = slices.DeleteFunc(slices.Clone(c.Entities), func(id string) bool { return hidden[id] })
	out.Positions = slices.DeleteFunc(slices.Clone(c.Positions), func(p Position) bool { return hidden[p.Entity] })
	out.Notes = slices.DeleteFunc(slices.Clone(c.Notes), func(n Note) bool { return hidden[n.Entity] })
	out.State = nil
	return out
}

// Keeping is c, saved by a writer who may not see the entities hidden,
// with what before held of them: a writer cannot remove what it cannot
// see. The state is before's when the writer could not see it whole.
func (c InvestigationContent) Keeping(before InvestigationContent, hidden map[string]bool) InvestigationContent {
	if !before.names(hidden) {
		return c
	}
	out := c
	for _, id := range before.Entities {
		if hidden[id] {
			out.Entities = append(slices.Clone(out.Entities), id)
		}
	}
	for _, p := range before.Positions {
		if hidden[p.Entity] {
			out.Positions = append(slices.Clone(out.Positions), p)
		}
	}
	for _, n := range before.Notes {
		if hidden[n.Entity] {
			out.Notes = append(slices.Clone(out.Notes), n)
		}
	}
	out.State = before.State
	return out
}

// names reports whether c names any of ids.
func (c InvestigationContent) names(ids map[string]bool) bool {
	return slices.ContainsFunc(c.Entities, func(id string) bool { return ids[id] })
}
