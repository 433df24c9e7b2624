package kg

// EntityType is a node label of the knowledge graph. Every entity node also
// carries the label Entity, which holds the one unique index on id.
type EntityType string

const (
	Person       EntityType = "Person"
	Party        EntityType = "Party"
	Organisation EntityType = "Organisation"
	Court        EntityType = "Court"
	LegalCode    EntityType = "LegalCode"
	LegalArticle EntityType = "LegalArticle"
	Place        EntityType = "Place"
	Event        EntityType = "Event"
	Case         EntityType = "Case"
	Charge       EntityType = "Charge"
	Sentence     EntityType = "Sentence"
	Restriction  EntityType = "Restriction"
	Source       EntityType = "Source"
	// Proceeding is one hearing of a case by one court: a first-instance
	// trial, an appeal, a cassation, a supervisory review or a retrial.
	Proceeding EntityType = "Proceeding"
	// Group stands for people the sources count but do not name, such as
	// nine of thirteen co-defendants.
	Group EntityType = "Group"
)

// EntityTypes is the fixed list of labels; Cypher that needs a label takes it
// from here, never from input.
var EntityTypes = []EntityType{
	Person, Party, Organisation, Court, LegalCode, LegalArticle, Place,
	Event, Case, Charge, Sentence, Restriction, Source, Proceeding, Group,
}

// Stats counts what the graph holds.
type Stats struct {
	Nodes         int64
	Relationships int64
	ByType        []TypeCount
}

// TypeCount is the number of entities of one type.
type TypeCount struct {
	Type  EntityType
	Count int64
}
