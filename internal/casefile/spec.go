package casefile

import (
	"slices"

	"github.com/casegraph/casegraph/internal/kg"
)

// kind is how a field's value is read.
type kind int

const (
	text     kind = iota // a string
	words                // a list of strings
	date                 // kg.Date
	duration             // kg.Duration
	boolean
	enum
	ref    // the ID of another entity: becomes a relationship
	refs   // a list of IDs
	link   // a web address: http or https
	number // a whole number of at least 1
)

// Limits of text values, in characters (Unicode code points), and of
// lists; docs/case-files.md lists them. They leave room well beyond the
// bundled files, whose longest values are: a name 81 characters, an alias
// 60, a title 111, a URL 219, a description 274, a note 378, and 7 items
// in a list.
const (
	maxLine        = 200    // a name, an alias, an ID and any other one-line value
	maxTitle       = 500    // a source's or an article's title
	maxURL         = 2000   // a source's url
	maxDescription = 2000   // one sentence, or a few
	maxProse       = 10_000 // notes, allegations, outcomes
	maxItems       = 100    // items of a list
)

// The text rules of the fields; a field without one is a line of up to
// maxLine characters.
var (
	lineText        = kg.TextRule{Max: maxLine}
	nameText        = kg.TextRule{Max: maxLine, Name: true}
	titleText       = kg.TextRule{Max: maxTitle}
	urlText         = kg.TextRule{Max: maxURL}
	descriptionText = kg.TextRule{Max: maxDescription, Prose: true}
	proseText       = kg.TextRule{Max: maxProse, Prose: true}
)

// field describes one field of a source, entity or relation. For ref and
// refs fields, rel is the relationship written, from the entity to the
// target, or from the target when reverse is set; edgeProps names sibling
// fields copied onto that relationship.
type field struct {
	name      string
	kind      kind
	doc       string
	required  bool
	values    []string
	targets   []kg.EntityType
	rel       kg.RelType
	reverse   bool
	edgeProps []string
	text      kg.TextRule // for text, words, ref, refs and link fields; zero is lineText
}

// rule is the text rule of the field's values.
func (f field) rule() kg.TextRule {
	if f.text == (kg.TextRule{}) {
		return lineText
	}
	return f.text
}

var (
	occupations = []string{"journalist", "activist", "teacher", "translator", "runner", "lawyer", "judge", "official", "prosecutor", "businessman", "politician", "rights-defender", "blogger", "official-former", "deputy", "other"}
	eventKinds  = []string{"protest", "dispersal", "unrest", "arrest", "detention", "search", "transfer", "charge", "trial", "hearing", "verdict", "appeal", "cassation", "statement", "report", "briefing", "press-conference", "registration-attempt", "election", "publication", "other"}
	chargeState = []string{"brought", "reclassified", "re-initiated", "convicted", "time-barred", "dropped", "acquitted", "pending"}
	restriction = []string{"pre-trial-detention", "house-arrest", "travel-ban", "movement-restriction", "probation", "compulsory-labour", "political-activity-ban", "civic-activity-ban", "social-media-ban", "public-office-ban", "custody", "other"}
	// SentenceKinds are the punishments sources in this field report;
	// docs/case-files.md says what each means.
	SentenceKinds = []string{"custodial", "suspended", "probation", "restricted-freedom", "compulsory-labour", "correctional-labour", "fine", "no-penalty"}
	// OffenceCategories group charges across articles and countries, and
	// charges whose source gives no article number.
	OffenceCategories = []string{"extremism", "terrorism", "mass-riots", "false-information", "inciting-discord", "insulting-officials", "assembly-rules", "violence-against-officials", "attack-on-facilities", "extortion", "corruption", "other"}
	// ProceedingStages are the hearings a case goes through.
	ProceedingStages = []string{"first-instance", "appeal", "cassation", "supervisory-review", "retrial", "other"}
	// ProceedingOutcomes are what a hearing decided.
	ProceedingOutcomes = []string{"convicted", "acquitted", "upheld", "toughened", "softened", "overturned", "sent-back", "refused", "pending", "other"}
	// SentenceChanges say how a sentence replaced an earlier one.
	SentenceChanges = []string{"toughened", "softened", "replaced"}
	people          = []kg.EntityType{kg.Person, kg.Group}
	assessments     = []string{"politically-motivated", "political-prisoner", "unfounded", "in-violation-of-international-standards", "other"}
)

// commonFields belong to every entity.
var commonFields = []field{
	{name: "id", kind: text, required: true, doc: "stable ID: kind/slug"},
	{name: "type", kind: text, required: true, doc: "the entity type"},
	{name: "name", kind: text, required: true, text: nameText, doc: "the name most sources use"},
	{name: "aliases", kind: words, text: nameText, doc: "other names, spellings and transliterations"},
	{name: "description", kind: text, text: descriptionText, doc: "one sentence in our own words"},
	{name: "contested", kind: boolean, doc: "sources disagree about it; say how in note"},
	{name: "note", kind: text, text: proseText, doc: "anything a reader should know about the claim"},
}

// typeFields are the fields of each entity type beyond the common ones.
var typeFields = map[kg.EntityType][]field{
	kg.Person: {
		{name: "occupations", kind: words, values: occupations, doc: "what the person does"},
	},
	kg.Party: {
		{name: "registrationStatus", kind: enum, values: []string{"registered", "unregistered", "banned", "unknown"}, doc: "state registration"},
		{name: "founded", kind: date},
		{name: "place", kind: ref, targets: []kg.EntityType{kg.Place}, rel: kg.LocatedIn},
	},
	kg.Organisation: {
		{name: "kind", kind: enum, values: []string{"ngo", "government-agency", "prosecutor", "law-enforcement", "media", "intergovernmental", "international-ngo", "political-movement", "company", "other"}},
		{name: "place", kind: ref, targets: []kg.EntityType{kg.Place}, rel: kg.LocatedIn},
	},
	kg.Court: {
		{name: "level", kind: enum, values: []string{"district", "interdistrict", "specialised", "city", "regional", "appeal", "supreme", "other"}},
		{name: "place", kind: ref, targets: []kg.EntityType{kg.Place}, rel: kg.LocatedIn},
	},
	kg.LegalCode: {
		{name: "jurisdiction", kind: text, required: true, doc: "ISO 3166-1 alpha-2 country code, such as KZ; the code's ID starts with it"},
	},
	kg.LegalArticle: {
		{name: "code", kind: ref, required: true, targets: []kg.EntityType{kg.LegalCode}, rel: kg.InCode},
		{name: "article", kind: text, required: true, doc: "the article's number, such as 274"},
		{name: "part", kind: text},
		{name: "item", kind: text},
		{name: "parent", kind: ref, targets: []kg.EntityType{kg.LegalArticle}, rel: kg.PartOf, doc: "the article a part belongs to"},
		{name: "title", kind: text, text: titleText, doc: "the article's subject in our own words"},
		{name: "category", kind: enum, values: OffenceCategories, doc: "the kind of offence the article defines"},
	},
	kg.Place: {
		{name: "kind", kind: enum, values: []string{"country", "region", "city", "district", "site"}},
		{name: "within", kind: ref, targets: []kg.EntityType{kg.Place}, rel: kg.LocatedIn},
	},
	kg.Event: {
		{name: "kind", kind: enum, required: true, values: eventKinds},
		{name: "date", kind: date},
		{name: "end", kind: date},
		{name: "place", kind: ref, targets: []kg.EntityType{kg.Place}, rel: kg.LocatedIn},
		{name: "partOf", kind: ref, targets: []kg.EntityType{kg.Event}, rel: kg.PartOf},
	},
	kg.Case: {
		{name: "kind", kind: enum, values: []string{"criminal", "administrative", "civil"}},
		{name: "opened", kind: date},
		{name: "place", kind: ref, targets: []kg.EntityType{kg.Place}, rel: kg.LocatedIn},
		{name: "jurisdiction", kind: text, doc: "ISO 3166-1 alpha-2 code of the country whose courts tried it, such as KZ"},
		{name: "defendantCount", kind: number, doc: "how many people the case tried, named or not, where a source gives the number"},
	},
	kg.Proceeding: {
		{name: "case", kind: ref, required: true, targets: []kg.EntityType{kg.Case}, rel: kg.HasProceeding, reverse: true},
		{name: "stage", kind: enum, required: true, values: ProceedingStages},
		{name: "court", kind: ref, targets: []kg.EntityType{kg.Court}, rel: kg.HeldBy, doc: "absent where the source names no court"},
		{name: "defendants", kind: refs, targets: people, rel: kg.TriedIn, reverse: true, doc: "the people (and groups) this hearing judged"},
		{name: "reviews", kind: ref, targets: []kg.EntityType{kg.Proceeding}, rel: kg.Reviews, doc: "the earlier hearing an appeal, cassation or review examined"},
		{name: "start", kind: date, doc: "when the hearing began"},
		{name: "date", kind: date, doc: "when the decision was given"},
		{name: "outcome", kind: enum, required: true, values: ProceedingOutcomes},
	},
	kg.Group: {
		{name: "count", kind: number, required: true, doc: "how many people the group stands for"},
	},
	kg.Charge: {
		{name: "case", kind: ref, required: true, targets: []kg.EntityType{kg.Case}, rel: kg.HasCharge, reverse: true},
		{name: "defendant", kind: ref, required: true, targets: people, rel: kg.ChargedWith, reverse: true},
		{name: "article", kind: ref, targets: []kg.EntityType{kg.LegalArticle}, rel: kg.UnderArticle},
		{name: "category", kind: enum, values: OffenceCategories, doc: "the kind of offence, so that charges group across articles and countries; required from version 2"},
		{name: "allegation", kind: text, text: proseText, doc: "what the charge alleges, in our own words"},
		{name: "status", kind: enum, required: true, values: chargeState},
		{name: "date", kind: date, doc: "when the charge was brought or last changed"},
		{name: "verdict", kind: enum, values: []string{"guilty", "not-guilty", "pending", "none"}},
		{name: "outcome", kind: text, text: proseText},
		{name: "accuser", kind: ref, targets: []kg.EntityType{kg.Organisation}, rel: kg.BroughtBy},
		{name: "supersedes", kind: ref, targets: []kg.EntityType{kg.Charge}, rel: kg.Supersedes, edgeProps: []string{"change", "changeDate"}},
		{name: "change", kind: enum, values: []string{"reclassified", "re-initiated", "merged"}, doc: "how this charge replaced the one it supersedes"},
		{name: "changeDate", kind: date},
	},
	kg.Sentence: {
		{name: "case", kind: ref, required: true, targets: []kg.EntityType{kg.Case}, rel: kg.HasSentence, reverse: true},
		{name: "person", kind: ref, required: true, targets: people, rel: kg.SentencedTo, reverse: true},
		{name: "court", kind: ref, targets: []kg.EntityType{kg.Court}, rel: kg.ImposedBy},
		{name: "proceeding", kind: ref, targets: []kg.EntityType{kg.Proceeding}, rel: kg.ImposedIn, doc: "the hearing that imposed it"},
		{name: "replaces", kind: ref, targets: []kg.EntityType{kg.Sentence}, rel: kg.Replaces, edgeProps: []string{"change"}, doc: "the earlier sentence a later hearing changed into this one"},
		{name: "change", kind: enum, values: SentenceChanges, doc: "how this sentence changed the one it replaces"},
		{name: "charges", kind: refs, targets: []kg.EntityType{kg.Charge}, rel: kg.ForCharge},
		{name: "date", kind: date},
		{name: "kind", kind: enum, required: true, values: SentenceKinds},
		{name: "term", kind: duration, doc: "the length; for a group, the shortest"},
		{name: "termUpTo", kind: duration, doc: "for a group whose terms differ, the longest"},
		{name: "regime", kind: text},
		{name: "probation", kind: boolean},
	},
	kg.Restriction: {
		{name: "person", kind: ref, required: true, targets: people, rel: kg.SubjectTo, reverse: true},
		{name: "count", kind: number, doc: "for a group, how many of it the restriction binds, where not all"},
		{name: "case", kind: ref, targets: []kg.EntityType{kg.Case}, rel: kg.HasMeasure, reverse: true},
		{name: "sentence", kind: ref, targets: []kg.EntityType{kg.Sentence}, rel: kg.Imposes, reverse: true},
		{name: "court", kind: ref, targets: []kg.EntityType{kg.Court}, rel: kg.ImposedBy},
		{name: "kind", kind: enum, required: true, values: restriction},
		{name: "basis", kind: enum, values: []string{"preventive-measure", "sentence"}},
		{name: "start", kind: date},
		{name: "end", kind: date},
		{name: "duration", kind: duration},
	},
}

// sourceFields are the fields of an entry under sources:.
var sourceFields = []field{
	{name: "id", kind: text, required: true},
	{name: "title", kind: text, required: true, text: titleText, doc: "the document's title, or a description where it has none"},
	{name: "publisher", kind: text, required: true, doc: "the publisher as the document names itself"},
	{name: "publishedBy", kind: ref, targets: []kg.EntityType{kg.Organisation}, rel: kg.PublishedBy},
	{name: "date", kind: date},
	{name: "url", kind: link, text: urlText, doc: "the document's web address: http or https"},
	{name: "file", kind: text, doc: "the file under the sources directory"},
	{name: "language", kind: text, doc: "ISO 639-1 code"},
	{name: "note", kind: text, text: proseText},
}

// relationFields are the fields of an entry under relations:.
var relationFields = []field{
	{name: "id", kind: text, doc: "rel/slug; needed where two relations share type and ends"},
	{name: "type", kind: text, required: true},
	{name: "from", kind: text, required: true},
	{name: "to", kind: text, required: true},
	{name: "role", kind: text},
	{name: "start", kind: date},
	{name: "end", kind: date},
	{name: "date", kind: date},
	{name: "status", kind: text},
	{name: "assessment", kind: enum, values: assessments},
	{name: "note", kind: text, text: proseText},
	{name: "contested", kind: boolean},
}

// additionFields are the fields of an entry under additions:, which adds
// names and citations to an entity another file defines.
var additionFields = []field{
	{name: "id", kind: text, required: true, doc: "the ID of the entity, which another case file of the import or the graph defines"},
	{name: "aliases", kind: words, text: nameText, doc: "other names, spellings and transliterations the cited sources give"},
}

// fieldsOf returns the fields an entity of type t may have. Callers must
// not change the slice: it is shared.
func fieldsOf(t kg.EntityType) []field {
	if t == kg.Source {
		return sourceFields
	}
	if fs, ok := entityFields[t]; ok {
		return fs
	}
	return commonFields[:len(commonFields):len(commonFields)]
}

// entityFields joins the common fields and each type's own once, rather
// than for every entity checked.
var entityFields = func() map[kg.EntityType][]field {
	m := make(map[kg.EntityType][]field, len(typeFields))
	for t, own := range typeFields {
		fs := append(append([]field{}, commonFields...), own...)
		m[t] = fs[:len(fs):len(fs)]
	}
	return m
}()

// Values is the controlled list a field of an entity type takes its
// values from, such as the restriction kinds for (kg.Restriction, "kind");
// nil for a field that takes free text or none. The API's enums are
// checked against these lists, so they cannot drift apart.
func Values(t kg.EntityType, name string) []string {
	return valuesIn(fieldsOf(t), name)
}

// RelationValues is the controlled list of a field of relations, such as
// assessment; nil for free text.
func RelationValues(name string) []string {
	return valuesIn(relationFields, name)
}

func valuesIn(fs []field, name string) []string {
	for _, f := range fs {
		if f.name == name {
			return f.values
		}
	}
	return nil
}

// kindNames are the kinds' names, as FieldSpec gives them.
var kindNames = [...]string{
	text: "text", words: "words", date: "date", duration: "duration", boolean: "boolean",
	enum: "enum", ref: "ref", refs: "refs", link: "link", number: "number",
}

// FieldSpec is what the spec says of one field of an entity. The read
// model (kg.ReadFields), the API schema and the store's migrations must
// agree with it; a test in internal/neo4jstore holds them together.
type FieldSpec struct {
	Name string
	// Kind is text, words, date, duration, boolean, enum, ref, refs, link
	// or number.
	Kind string
	// For ref and refs: the relationship written, from the entity to the
	// target unless Reverse, and the types the target may have.
	Rel     kg.RelType
	Reverse bool
	Targets []kg.EntityType
	// EdgeProps are fields whose values the relationship carries too.
	EdgeProps []string
	// Required: every entity of the type states it.
	Required bool
}

// Fields returns the spec of the fields an entity of type t may have in a
// case file (for kg.Source, an entry under sources:), and false when the
// spec has no section for t.
func Fields(t kg.EntityType) ([]FieldSpec, bool) {
	if _, ok := typeFields[t]; !ok && t != kg.Source {
		return nil, false
	}
	return specOf(fieldsOf(t)), true
}

// RelationFields returns the spec of the fields of an entry under
// relations:.
func RelationFields() []FieldSpec { return specOf(relationFields) }

// SpecTypes returns the entity types the spec has a section for.
func SpecTypes() []kg.EntityType {
	out := []kg.EntityType{kg.Source}
	for t := range typeFields {
		out = append(out, t)
	}
	return out
}

func specOf(fs []field) []FieldSpec {
	out := make([]FieldSpec, len(fs))
	for i, f := range fs {
		out[i] = FieldSpec{
			Name: f.name, Kind: kindNames[f.kind], Rel: f.rel, Reverse: f.reverse,
			Targets: slices.Clone(f.targets), EdgeProps: slices.Clone(f.edgeProps), Required: f.required,
		}
	}
	return out
}
