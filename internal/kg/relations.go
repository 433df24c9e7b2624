package kg

// RelType is a relationship type of the graph.
type RelType string

// RelSpec says which entity types a relationship type joins.
type RelSpec struct {
	Type    RelType
	From    []EntityType
	To      []EntityType
	Meaning string
}

var (
	actors      = []EntityType{Person, Party, Organisation}
	partyOrOrg  = []EntityType{Party, Organisation}
	aboutTarget = []EntityType{Person, Party, Organisation, Case, Event}
)

// Relations lists the relationship types a case file may state directly.
var Relations = []RelSpec{
	{"LEADS", []EntityType{Person}, partyOrOrg, "leads it; role says how"},
	{"MEMBER_OF", []EntityType{Person}, partyOrOrg, "member"},
	{"FOUNDED", []EntityType{Person}, partyOrOrg, "founded it"},
	{"WORKS_FOR", []EntityType{Person}, []EntityType{Organisation}, "employed by"},
	{"OWNS", []EntityType{Person}, []EntityType{Organisation}, "owns it"},
	{"RELATIVE_OF", []EntityType{Person}, []EntityType{Person}, "family tie; role says which"},
	{"ASSOCIATED_WITH", actors, actors, "a tie a source states; role says what kind"},
	{"DEFENDANT_IN", []EntityType{Person, Group}, []EntityType{Case}, "defendant"},
	{"COMPLAINANT_IN", []EntityType{Person, Organisation}, []EntityType{Case}, "filed the complaint"},
	{"LAWYER_IN", []EntityType{Person}, []EntityType{Case}, "defence lawyer"},
	{"JUDGE_IN", []EntityType{Person}, []EntityType{Case}, "presiding judge"},
	{"PROSECUTOR_IN", []EntityType{Person, Organisation}, []EntityType{Case}, "prosecutor"},
	{"HEARD_BY", []EntityType{Case}, []EntityType{Court}, "the court that heard it; role: first-instance, appeal, cassation (a Proceeding says more)"},
	{"CONCERNS", []EntityType{Case}, []EntityType{Event}, "the events a case prosecutes"},
	{"PARTICIPATED_IN", actors, []EntityType{Event}, "took part; role: organiser, participant, speaker, witness"},
	{"ORGANISED", actors, []EntityType{Event}, "organised it"},
	{"SUBJECT_OF", []EntityType{Person, Party, Organisation, Case}, []EntityType{Event}, "the event happened to it"},
	{"ISSUED", []EntityType{Organisation, Person, Court}, []EntityType{Event}, "issued a statement, report or verdict"},
	{"ABOUT", []EntityType{Event, Source}, aboutTarget, "what a statement or report is about"},
	{"ASSESSED", []EntityType{Organisation, Person}, []EntityType{Case, Person}, "an assessment such as politically-motivated"},
	{"PRECEDED", []EntityType{Event}, []EntityType{Event}, "came before"},
	{"CAUSED", []EntityType{Event}, []EntityType{Event}, "caused"},
}

// Relationship types written from entity fields (see the case-file format).
const (
	LocatedIn    RelType = "LOCATED_IN"
	InCode       RelType = "IN_CODE"
	PartOf       RelType = "PART_OF"
	HasCharge    RelType = "HAS_CHARGE"
	ChargedWith  RelType = "CHARGED_WITH"
	UnderArticle RelType = "UNDER_ARTICLE"
	BroughtBy    RelType = "BROUGHT_BY"
	Supersedes   RelType = "SUPERSEDES"
	HasSentence  RelType = "HAS_SENTENCE"
	SentencedTo  RelType = "SENTENCED_TO"
	ImposedBy    RelType = "IMPOSED_BY"
	ForCharge    RelType = "FOR_CHARGE"
	SubjectTo    RelType = "SUBJECT_TO"
	HasMeasure   RelType = "HAS_RESTRICTION"
	Imposes      RelType = "IMPOSES"
	PublishedBy  RelType = "PUBLISHED_BY"
	// Proceedings: a case's hearings, the court of each, whom each tried,
	// the earlier hearing each reviews; the hearing that imposed a
	// sentence and the earlier sentence it replaced.
	HasProceeding RelType = "HAS_PROCEEDING"
	HeldBy        RelType = "HELD_BY"
	TriedIn       RelType = "TRIED_IN"
	Reviews       RelType = "REVIEWS"
	ImposedIn     RelType = "IMPOSED_IN"
	Replaces      RelType = "REPLACES"
)

// FieldRelTypes lists the relationship types written from entity fields.
var FieldRelTypes = []RelType{
	LocatedIn, InCode, PartOf, HasCharge, ChargedWith, UnderArticle, BroughtBy, Supersedes,
	HasSentence, SentencedTo, ImposedBy, ForCharge, SubjectTo, HasMeasure, Imposes, PublishedBy,
	HasProceeding, HeldBy, TriedIn, Reviews, ImposedIn, Replaces,
}

// AllRelTypes is every relationship type of the graph, the fixed list that
// Cypher takes types from.
func AllRelTypes() []RelType {
	out := make([]RelType, 0, len(Relations)+len(FieldRelTypes))
	for _, r := range Relations {
		out = append(out, r.Type)
	}
	return append(out, FieldRelTypes...)
}

// RelationSpec returns the spec of a directly stated relationship type.
func RelationSpec(t RelType) (RelSpec, bool) {
	for _, r := range Relations {
		if r.Type == t {
			return r, true
		}
	}
	return RelSpec{}, false
}
