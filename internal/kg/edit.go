package kg

import "time"

// Edit says who makes a change through the API, and why.
type Edit struct {
	Actor  string
	Reason string
}

// Change is one entry of the audit trail: who changed what, when, and the
// fact before and after. Retracted facts stay visible here.
type Change struct {
	ID      string
	At      time.Time
	Actor   string
	Op      string // create, update, retract
	Target  string // the entity's or relationship's ID
	Kind    string // its type
	Reason  string
	Version int            // the entity's version after the change; 0 for relationships
	Before  map[string]any // nil on create
	After   map[string]any // nil on retract
}
