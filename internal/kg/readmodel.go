package kg

// The read model: what each field of an entity, as the API names it, reads
// in the graph. The store compiles a Selection of these fields into one
// Cypher query, so a request's round trips do not grow with its depth.

// Dir is the direction a relationship is walked from the entity.
type Dir int

const (
	Out Dir = iota
	In
	Both
)

// FieldKind says how a field is read.
type FieldKind int

const (
	PropField  FieldKind = iota // a property, same name unless Prop says
	DateField                   // a date property, answered as its case-file text
	OneField                    // the single entity at the end of a relationship
	ManyField                   // the entities at the end of relationships
	LinksField                  // the relationships themselves, each with the entity at its other end
)

// ReadField describes one field.
type ReadField struct {
	Kind    FieldKind
	Prop    string // for PropField and DateField; empty: the field name
	List    bool   // a PropField holding a list (absent reads as empty)
	Rels    []RelType
	Dir     Dir
	Targets []EntityType      // empty: any entity
	Where   map[string]string // fixed conditions on the target's properties
}

func one(rel RelType, dir Dir, target EntityType) ReadField {
	return ReadField{Kind: OneField, Rels: []RelType{rel}, Dir: dir, Targets: []EntityType{target}}
}

func many(rel RelType, dir Dir, target EntityType) ReadField {
	return ReadField{Kind: ManyField, Rels: []RelType{rel}, Dir: dir, Targets: []EntityType{target}}
}

func links(dir Dir, rels ...RelType) ReadField {
	return ReadField{Kind: LinksField, Rels: rels, Dir: dir}
}

var (
	prop = ReadField{Kind: PropField}
	date = ReadField{Kind: DateField}
)

// CommonReadFields are read the same way on every entity; the store treats
// id, type, name, aliases, contested, citations and version specially.
// internal/neo4jstore/schema_test.go holds these lists, schema.graphqls,
// the case-file spec and the migrations together (docs/model.md, "Adding a
// type, field or relationship").
var CommonReadFields = map[string]ReadField{
	"description": prop,
	"note":        prop,
}

// ReadFields lists the fields of each entity type beyond the common ones.
var ReadFields = map[EntityType]map[string]ReadField{
	Person: {
		"occupations":  {Kind: PropField, List: true},
		"memberships":  links(Out, "LEADS", "MEMBER_OF", "FOUNDED"),
		"cases":        links(Out, "DEFENDANT_IN", "LAWYER_IN", "JUDGE_IN", "PROSECUTOR_IN", "COMPLAINANT_IN"),
		"charges":      many(ChargedWith, Out, Charge),
		"sentences":    many(SentencedTo, Out, Sentence),
		"restrictions": many(SubjectTo, Out, Restriction),
		"events":       links(Out, "PARTICIPATED_IN", "ORGANISED", "SUBJECT_OF", "ISSUED"),
		"relations":    links(Both, "RELATIVE_OF", "ASSOCIATED_WITH", "WORKS_FOR", "OWNS"),
		"assessments":  links(In, "ASSESSED"),
		"proceedings":  many(TriedIn, Out, Proceeding),
	},
	Party: {
		"registrationStatus": prop,
		"founded":            date,
		"place":              one(LocatedIn, Out, Place),
		"members":            links(In, "LEADS", "MEMBER_OF", "FOUNDED"),
		"events":             links(Out, "ORGANISED", "PARTICIPATED_IN", "SUBJECT_OF"),
		"mentions":           links(In, "ABOUT"),
	},
	Organisation: {
		"kind":        prop,
		"place":       one(LocatedIn, Out, Place),
		"people":      links(In, "LEADS", "MEMBER_OF", "FOUNDED", "WORKS_FOR", "OWNS"),
		"statements":  links(Out, "ISSUED"),
		"assessments": links(Out, "ASSESSED"),
		"reports":     many(PublishedBy, In, Source),
		"accusations": many(BroughtBy, In, Charge),
		"relations":   links(Both, "ASSOCIATED_WITH", "COMPLAINANT_IN", "PROSECUTOR_IN"),
	},
	Court: {
		"level":        prop,
		"place":        one(LocatedIn, Out, Place),
		"cases":        links(In, "HEARD_BY"),
		"proceedings":  many(HeldBy, In, Proceeding),
		"sentences":    many(ImposedBy, In, Sentence),
		"restrictions": many(ImposedBy, In, Restriction),
	},
	LegalCode: {
		"jurisdiction": prop,
		"articles":     many(InCode, In, LegalArticle),
	},
	LegalArticle: {
		"article":     prop,
		"part":        prop,
		"item":        prop,
		"title":       prop,
		"category":    prop,
		"code":        one(InCode, Out, LegalCode),
		"parent":      one(PartOf, Out, LegalArticle),
		"parts":       many(PartOf, In, LegalArticle),
		"charges":     many(UnderArticle, In, Charge),
		"convictions": {Kind: ManyField, Rels: []RelType{UnderArticle}, Dir: In, Targets: []EntityType{Charge}, Where: map[string]string{"verdict": "guilty"}},
	},
	Place: {
		"kind":    prop,
		"within":  one(LocatedIn, Out, Place),
		"located": links(In, LocatedIn),
	},
	Event: {
		"kind":         prop,
		"date":         date,
		"end":          date,
		"place":        one(LocatedIn, Out, Place),
		"partOf":       one(PartOf, Out, Event),
		"parts":        many(PartOf, In, Event),
		"participants": links(In, "PARTICIPATED_IN", "ORGANISED", "SUBJECT_OF", "ISSUED"),
		"cases":        many("CONCERNS", In, Case),
		"about":        links(Out, "ABOUT"),
		"related":      links(Both, "PRECEDED", "CAUSED"),
	},
	Case: {
		"kind":            prop,
		"opened":          date,
		"place":           one(LocatedIn, Out, Place),
		"defendants":      many("DEFENDANT_IN", In, Person),
		"defendantGroups": many("DEFENDANT_IN", In, Group),
		"defendantCount":  prop,
		"jurisdiction":    prop,
		"proceedings":     many(HasProceeding, Out, Proceeding),
		"people":          links(In, "DEFENDANT_IN", "LAWYER_IN", "JUDGE_IN", "PROSECUTOR_IN", "COMPLAINANT_IN"),
		"courts":          links(Out, "HEARD_BY"),
		"charges":         many(HasCharge, Out, Charge),
		"sentences":       many(HasSentence, Out, Sentence),
		"restrictions":    many(HasMeasure, Out, Restriction),
		"events":          many("CONCERNS", Out, Event),
		"assessments":     links(In, "ASSESSED"),
		"mentions":        links(In, "ABOUT"),
	},
	Charge: {
		"status":       prop,
		"verdict":      prop,
		"allegation":   prop,
		"outcome":      prop,
		"category":     prop,
		"group":        one(ChargedWith, In, Group),
		"date":         date,
		"change":       prop,
		"changeDate":   date,
		"case":         one(HasCharge, In, Case),
		"defendant":    one(ChargedWith, In, Person),
		"article":      one(UnderArticle, Out, LegalArticle),
		"accuser":      one(BroughtBy, Out, Organisation),
		"supersedes":   one(Supersedes, Out, Charge),
		"supersededBy": many(Supersedes, In, Charge),
		"sentences":    many(ForCharge, In, Sentence),
	},
	Sentence: {
		"kind":           prop,
		"term":           prop,
		"termMonths":     prop,
		"termUpTo":       prop,
		"termUpToMonths": prop,
		"change":         prop,
		"group":          one(SentencedTo, In, Group),
		"proceeding":     one(ImposedIn, Out, Proceeding),
		"replaces":       one(Replaces, Out, Sentence),
		"replacedBy":     many(Replaces, In, Sentence),
		"regime":         prop,
		"probation":      prop,
		"date":           date,
		"case":           one(HasSentence, In, Case),
		"person":         one(SentencedTo, In, Person),
		"court":          one(ImposedBy, Out, Court),
		"charges":        many(ForCharge, Out, Charge),
		"restrictions":   many(Imposes, Out, Restriction),
	},
	Restriction: {
		"kind":           prop,
		"basis":          prop,
		"start":          date,
		"end":            date,
		"duration":       prop,
		"durationMonths": prop,
		"person":         one(SubjectTo, In, Person),
		"group":          one(SubjectTo, In, Group),
		"count":          prop,
		"case":           one(HasMeasure, In, Case),
		"sentence":       one(Imposes, In, Sentence),
		"court":          one(ImposedBy, Out, Court),
	},
	Proceeding: {
		"stage":           prop,
		"outcome":         prop,
		"start":           date,
		"date":            date,
		"case":            one(HasProceeding, In, Case),
		"court":           one(HeldBy, Out, Court),
		"defendants":      many(TriedIn, In, Person),
		"defendantGroups": many(TriedIn, In, Group),
		"reviews":         one(Reviews, Out, Proceeding),
		"reviewedBy":      many(Reviews, In, Proceeding),
		"sentences":       many(ImposedIn, In, Sentence),
	},
	Group: {
		"count":        prop,
		"cases":        many("DEFENDANT_IN", Out, Case),
		"charges":      many(ChargedWith, Out, Charge),
		"sentences":    many(SentencedTo, Out, Sentence),
		"restrictions": many(SubjectTo, Out, Restriction),
		"proceedings":  many(TriedIn, Out, Proceeding),
	},
	Source: {
		"title":       prop,
		"publisher":   prop,
		"date":        date,
		"url":         prop,
		"file":        prop,
		"language":    prop,
		"publishedBy": one(PublishedBy, Out, Organisation),
	},
}

// LinkReadFields are the fields of a relationship seen from one end.
var LinkReadFields = map[string]ReadField{
	"role":       prop,
	"assessment": prop,
	"status":     prop,
	"note":       prop,
	"start":      date,
	"end":        date,
	"date":       date,
}

// Selection is the part of an answer a client asked for: for an entity,
// the fields of each type it may turn out to be; for any other object, its
// fields.
//
// A Selection is never changed once built. Shared marks one that many
// requests use, so that what the store derives from it can be kept.
type Selection struct {
	ByType map[EntityType][]SelectedField
	Fields []SelectedField
	Shared bool
}

// EntitySet asks for the same selection of several entities.
type EntitySet struct {
	IDs       []string
	Selection *Selection
}

// SelectedField is one field of a Selection with its arguments and, for an
// object-valued field, what to select of it.
type SelectedField struct {
	Name string
	Args map[string]any
	Sel  *Selection
}
