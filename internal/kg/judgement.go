package kg

// Judgement is someone's verdict on whether two entities are one.
type Judgement struct {
	A, B    string // A < B
	Verdict string // SAME or DISTINCT
	Actor   string
	Reason  string
	At      string
}

// Duplicate is an entity that an import or an edit wrote (or, in a dry
// run, would write) and another entity it is likely the same as.
type Duplicate struct {
	ID, Other string
	Reason    string
	Score     float64
}
