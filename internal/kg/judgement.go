package kg

// Judgement is someone's verdict on whether two entities are one.
type Judgement struct {
	A, B    string // A < B
	Verdict string // SAME or DISTINCT
	Actor   string
	Reason  string
	At      string
}
