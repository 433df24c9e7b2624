package kg

// The answers of the analyst queries. Rows refer to entities by ID; the
// GraphQL layer fetches the fields a client selects for all IDs of a field
// in one more query, so no query grows with the number of rows.

// Hit is one search result.
type Hit struct {
	ID      string
	Type    EntityType
	Name    string
	Matched string  // the name or alias that matched best
	Score   float64 // higher is better; exact names rank first
	// Entity holds the fields SearchQuery.Selection asks for, when the
	// search could read them with the hit (see SearchQuery).
	Entity map[string]any
}

// SearchQuery asks for entities by name, alias or description.
type SearchQuery struct {
	Text  string
	Types []EntityType // empty: all
	First int
	// Selection, if set, asks for these fields of each hit. A selection
	// of the entity's own fields only is read with the hits; others are
	// left to the caller.
	Selection *Selection
}

// GraphNode and GraphEdge are the graph-shaped answers front ends draw.
type GraphNode struct {
	ID    string
	Type  EntityType
	Label string
	Props map[string]any // scalar properties, dates as their case-file text
}

type GraphEdge struct {
	ID        string
	Type      RelType
	Source    string // the start node's ID
	Target    string // the end node's ID
	Props     map[string]any
	Citations []Citation
}

// GraphView is a set of nodes and the edges among them. Truncated says a
// limit cut the answer.
type GraphView struct {
	Nodes     []GraphNode
	Edges     []GraphEdge
	Truncated bool
}

// The deepest neighbourhood and the longest path the store walks: both go
// into the statement's text, and the API's costs grow with them.
const (
	MaxViewDepth  = 3
	MaxPathLength = 6
)

// NeighbourhoodQuery asks for what lies within Depth steps of ID.
type NeighbourhoodQuery struct {
	ID       string
	Depth    int          // 1 to MaxViewDepth
	Types    []EntityType // node types to keep; empty: all
	RelTypes []RelType    // relationship types to walk; empty: all
	Limit    int          // most nodes
}

// PathsQuery asks for the shortest paths between two entities.
type PathsQuery struct {
	From, To  string
	MaxLength int // at most MaxPathLength
	Limit     int // most paths
}

// TimelineEntry is one dated step in the story of an entity.
type TimelineEntry struct {
	Date      Date
	Kind      string // an event kind, or one of TimelineSteps
	Entity    string // the ID of the event, charge, sentence or restriction
	Type      EntityType
	Title     string
	Citations []Citation
	// OrderCertain is false when the dates leave open whether a
	// neighbouring entry came before or after this one.
	OrderCertain bool
}

// TimelineQuery asks for the timeline of a person, case, organisation,
// party or place between two dates (zero values: open).
type TimelineQuery struct {
	Of       string
	From, To *Date
}

// ConvictionFilter narrows convictions: guilty charges with their sentence.
// Every set field must match; list fields match any of their values.
type ConvictionFilter struct {
	Articles         []string // legal-article IDs; a part matches its article
	Courts           []string
	Cities           []string // place IDs of the court's city
	RestrictionKinds []string // the person was subject to one of these in the case
	SentenceKinds    []string
	Parties          []string // the person leads or belongs to one of these
	Countries        []string // ISO 3166 codes: the case's jurisdiction, else the article's code's
	Categories       []string // offence categories of the charge
	From, To         *Date    // the whole of the conviction's date lies within
	Unpunished       *bool    // true: no sentence is for the charge (time-barred, say); false: one is
	// InForce asks about the sentence in force, after every later change,
	// rather than the sentence the convicting court imposed: for
	// SentenceKinds, Unpunished and counts by sentence kind.
	InForce bool
}

// Conviction is one guilty charge with its context. It is credited to
// the court that convicted: the court of the hearing that imposed the
// first sentence, not of a hearing that changed it later.
type Conviction struct {
	Person, Case, Charge, Article string // Person is a Group's ID when the sources do not name the people
	People                        int    // 1, or the Group's count
	Sentence, Court               string // "" where none is recorded
	InForce                       string // the sentence in force after later changes; "" where none
	Date                          *Date
	SentenceKind                  string
	TermMonths                    int // -1 where none
	Restrictions                  []string
	Changes                       []SentenceChange
}

// SentenceChange is a later hearing's change of a sentence.
type SentenceChange struct {
	Sentence, Change string // the new sentence; toughened, softened, replaced
	Court            string // "" where the source names none
	Proceeding       string
	Date             *Date
}

// ChargeChange is a charge reclassified and later re-initiated.
type ChargeChange struct {
	Case, Person                  string
	Original, Reclassified, Final string // charge IDs
	ReclassifiedOn, ReinitiatedOn *Date
	Months                        Span // from reclassification to re-initiation
	Dated                         bool // both dates are known
}

// CountDimension names what counts are grouped by.
type CountDimension string

const (
	ByArticle     CountDimension = "ARTICLE"
	ByCourt       CountDimension = "COURT"
	ByYear        CountDimension = "YEAR"
	ByRestriction CountDimension = "RESTRICTION_KIND"
	BySentence    CountDimension = "SENTENCE_KIND"
	ByCategory    CountDimension = "CATEGORY"
	ByCountry     CountDimension = "COUNTRY"
)

// GroupCount is the number of people convicted (in a case) sharing a
// key: Named people, and Unnamed ones the sources only count.
type GroupCount struct {
	Key            string // an entity ID, a year or a kind
	Label          string
	Named, Unnamed int
}

// People is everyone counted: named and unnamed.
func (g GroupCount) People() int { return g.Named + g.Unnamed }

// Shared is one thing two people or cases have in common.
type Shared struct {
	Kind    string // one of SharedKinds
	ID      string // an entity ID, or the kind value
	Label   string
	Reasons []string // how each side is tied to it
}

// CommonGround is what two people or cases share.
type CommonGround struct {
	A, B   string
	Shared []Shared
}

// SimilarCase is a case ranked by the features it shares with another.
type SimilarCase struct {
	Case    string
	Score   float64
	Reasons []string
}

// EntityOrder says how entity lists are sorted.
type EntityOrder struct {
	ByID bool // by ID instead of name
	Desc bool
}
