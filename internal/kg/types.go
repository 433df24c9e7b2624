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
)

// EntityTypes is the fixed list of labels; Cypher that needs a label takes it
// from here, never from input.
var EntityTypes = []EntityType{
	Person, Party, Organisation, Court, LegalCode, LegalArticle, Place,
	Event, Case, Charge, Sentence, Restriction, Source,
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
