package kg

// Answers of the cross-case questions in the model notes that the types in
// query.go do not cover. Like those, rows refer to entities by ID.

// ProtestArrest is a leader or member of an unregistered party who was
// arrested or detained within some months after a protest.
type ProtestArrest struct {
	Person, Party string
	Relation      string   // LEADS or MEMBER_OF
	Role          string   // the role the tie states, "" where none
	Protest       string   // the protest or unrest event
	Via           []string // how the person is tied to it: ProtestTies
	Arrest        string   // the arrest or detention event
	ProtestDate   *Date
	ArrestDate    *Date
	Months        Span
}

// CustodyPeriod is one spell of pre-trial detention or house arrest.
type CustodyPeriod struct {
	Restriction string
	Kind        string // pre-trial-detention, house-arrest or custody
	Start, End  *Date
	Months      Span // Most -1 where open or undated
}

// PretrialRecord is what one person spent in custody before the verdict in
// one case.
type PretrialRecord struct {
	Person, Case string
	Periods      []CustodyPeriod // ordered by start
	Total        Span            // the sum of the periods
	Open         bool            // a period has no known end, so the total has no upper bound
	Sentence     string          // "" where none is recorded
	VerdictDate  *Date           // the sentence date
}

// Assessment is one organisation's judgement of a case.
type Assessment struct {
	Organisation string
	Assessment   string // politically-motivated, unfounded, …
	Note         string
	Sources      []string
}

// AssessedCase is a case that several organisations assessed.
type AssessedCase struct {
	Case          string
	Organisations []string // distinct, ordered
	Assessments   []Assessment
	Contested     []string // IDs of the case's facts that sources disagree on
}

// ArticlePair is two articles (at article level, parts folded in) charged
// together against one person in one case.
type ArticlePair struct {
	A, B    string // legal-article IDs, A < B
	Count   int    // prosecutions (person and case) with both
	Cases   []string
	Persons []string
}

// ContestedClaim is an entity or relationship that sources disagree on.
type ContestedClaim struct {
	ID      string
	Type    string // an entity type or a relationship type
	About   string // the entity the claim is about: a relationship's start, an entity's case or itself
	Other   string // a relationship's end; "" for an entity
	Note    string
	Sources []string
}

// Associate is someone who shares an organisation, party or event with a
// person convicted under an article and was later charged under it too.
type Associate struct {
	Convicted, Associate string // person IDs
	Via                  string // the shared organisation, party or event
	Article              string // the shared article, at article level
	ConvictedOn          *Date  // the sentence date, else the charge date
	ChargedOn            *Date  // the charge date, else when the associate's case opened or its earliest dated event
}
