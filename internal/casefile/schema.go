package casefile

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/casegraph/casegraph/internal/kg"
)

// The JSON Schema is generated from the field tables in spec.go, so that an
// editor checks a case file by the same rules as Load. It cannot check what
// needs more than the one file: that references and cited sources exist,
// that cited paragraphs exist, that a date is a real day.

const (
	slugPattern     = `[a-z0-9]+(-[a-z0-9]+)*`
	groupPattern    = `^` + slugPattern + `$`
	citationPattern = `^source/` + slugPattern + `#p[1-9][0-9]*$`
	datePattern     = `^((before|after) )?[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?\??$`
	durationPattern = `^(P([0-9]+Y([0-9]+M)?|[0-9]+M)|life|sentence)$`
	linkPattern     = `^[Hh][Tt][Tt][Pp][Ss]?://[^/@\s]+([/?#]|$)`
)

// JSONSchema returns the draft 2020-12 JSON Schema of a case file, indented
// and ending in a newline; docs/casefile.schema.json is its output.
func JSONSchema() ([]byte, error) {
	raw, err := encode(schema())
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func schema() object {
	defs := object{
		{"date", object{
			{"description", "YYYY, YYYY-MM or YYYY-MM-DD, optionally after \"before \" or \"after \" and followed by \"?\" for an estimate"},
			// YAML reads an unquoted year as a number; Load takes it as text.
			{"anyOf", []any{
				object{{"type", "string"}, {"pattern", datePattern}},
				object{{"type", "integer"}, {"minimum", 1000}, {"maximum", 9999}},
			}},
		}},
		{"duration", object{
			{"description", "an ISO 8601 period in years and months (P6Y, P1Y6M, P3M), life, or sentence: as long as the sentence runs"},
			{"type", "string"},
			{"pattern", durationPattern},
		}},
		{"citations", object{
			{"description", "the paragraphs that state the fact: SOURCE-ID#pN"},
			{"type", "array"},
			{"minItems", 1},
			{"maxItems", maxItems},
			{"items", object{{"type", "string"}, {"pattern", citationPattern}, {"maxLength", maxLine}}},
		}},
		{"visibility", object{
			{"description", "who may read the fact: public, or the groups that may (docs/access.md)"},
			{"anyOf", []any{
				object{{"const", "public"}},
				object{{"type", "array"}, {"minItems", 1}, {"maxItems", maxItems},
					{"items", object{{"type", "string"}, {"pattern", groupPattern}, {"maxLength", kg.MaxGroupName}}}},
			}},
		}},
		{"source", sourceSchema()},
		{"entity", entitySchema()},
	}
	for _, t := range entityTypes() {
		defs = append(defs, member{string(t), entityTypeSchema(t)})
	}
	defs = append(defs, member{"relation", relationSchema()}, member{"addition", additionSchema()})
	list := func(def, doc string) object {
		// Load reads a key with no value as an empty list.
		return object{{"description", doc}, {"type", []string{"array", "null"}}, {"items", object{{"$ref", "#/$defs/" + def}}}}
	}
	return object{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"title", "casegraph case file"},
		{"description", "Cited facts about political prosecutions: the sources cited, the entities and the relations between them. See docs/case-files.md."},
		{"type", "object"},
		{"properties", object{
			{"version", object{{"description", "the case-file format version: 2, or 1 (charges may lack a category)"}, {"enum", []int{1, Version}}}},
			{"visibility", object{{"description", "the visibility of each fact of the file that states none of its own"}, {"$ref", "#/$defs/visibility"}}},
			{"sources", list("source", "the documents this file cites")},
			{"entities", list("entity", "people, parties, courts, articles, events, cases, charges, ...")},
			{"relations", list("relation", "typed links between entities, each with its own citations")},
			{"additions", list("addition", "aliases and citations this file adds to entities that other files define")},
		}},
		{"required", []string{"version"}},
		{"additionalProperties", false},
		{"$defs", defs},
	}
}

func sourceSchema() object {
	props := object{}
	for _, fd := range sourceFields {
		s := fieldSchema(fd)
		if fd.name == "id" {
			s = idSchema("stable ID: source/slug", kg.Source)
		}
		props = append(props, member{fd.name, s})
	}
	props = append(props, member{visibilityKey, object{{"$ref", "#/$defs/visibility"}}})
	return object{
		{"description", "a document that facts cite; it is the evidence, so it cites nothing itself"},
		{"type", "object"},
		{"properties", props},
		{"required", required(sourceFields, false)},
		{"additionalProperties", false},
	}
}

// entitySchema dispatches on type, so that each entity type allows exactly
// its own fields; the schema of each type closes the object.
func entitySchema() object {
	names := make([]string, 0, len(kg.EntityTypes))
	var cases []any
	for _, t := range entityTypes() {
		names = append(names, string(t))
		cases = append(cases, object{
			{"if", object{{"properties", object{{"type", object{{"const", string(t)}}}}}, {"required", []string{"type"}}}},
			{"then", object{{"$ref", "#/$defs/" + string(t)}}},
		})
	}
	return object{
		{"type", "object"},
		{"properties", object{{"type", object{{"description", "the entity type"}, {"enum", names}}}}},
		{"required", []string{"type"}},
		{"allOf", cases},
	}
}

func entityTypeSchema(t kg.EntityType) object {
	fields := fieldsOf(t)
	props := object{}
	for _, fd := range fields {
		s := fieldSchema(fd)
		switch fd.name {
		case "id":
			s = idSchema(fd.doc, t)
		case "type":
			s = object{{"description", fd.doc}, {"const", string(t)}}
		}
		props = append(props, member{fd.name, s})
	}
	props = append(props, member{"cite", object{{"$ref", "#/$defs/citations"}}})
	props = append(props, member{visibilityKey, object{{"$ref", "#/$defs/visibility"}}})
	return object{
		{"description", "a " + string(t) + "; its id starts with " + t.Prefix() + "/"},
		{"type", "object"},
		{"properties", props},
		{"required", required(fields, true)},
		{"additionalProperties", false},
	}
}

func additionSchema() object {
	props := object{}
	for _, fd := range additionFields {
		s := fieldSchema(fd)
		if fd.name == "id" {
			s = idSchema(fd.doc, entityTypes()...)
		}
		props = append(props, member{fd.name, s})
	}
	props = append(props, member{"cite", object{{"$ref", "#/$defs/citations"}}})
	return object{
		{"description", "what this file adds to an entity another case file defines; the entity's other fields stay with that file"},
		{"type", "object"},
		{"properties", props},
		{"required", required(additionFields, true)},
		{"additionalProperties", false},
	}
}

// relationSchema checks both ends' ID prefixes against the types the
// relation type joins.
func relationSchema() object {
	props := object{}
	for _, fd := range relationFields {
		s := fieldSchema(fd)
		switch fd.name {
		case "id":
			s = object{{"description", fd.doc}, {"type", "string"}, {"pattern", "^rel/" + slugPattern + "$"}}
		case "type":
			s = object{{"description", "the relation type"}, {"enum", relationTypes()}}
		case "from", "to":
			s = idSchema("the ID of the entity at this end", kg.EntityTypes...)
		}
		props = append(props, member{fd.name, s})
	}
	props = append(props, member{"cite", object{{"$ref", "#/$defs/citations"}}})
	props = append(props, member{visibilityKey, object{{"$ref", "#/$defs/visibility"}}})
	var cases []any
	for _, r := range kg.Relations {
		cases = append(cases, object{
			{"if", object{{"properties", object{{"type", object{{"const", string(r.Type)}}}}}, {"required", []string{"type"}}}},
			{"then", object{
				{"description", r.Meaning},
				{"properties", object{
					{"from", object{{"pattern", idPattern(r.From)}}},
					{"to", object{{"pattern", idPattern(r.To)}}},
				}},
			}},
		})
	}
	return object{
		{"type", "object"},
		{"properties", props},
		{"required", required(relationFields, true)},
		{"additionalProperties", false},
		{"allOf", cases},
	}
}

// fieldSchema describes a field's value by its kind, as Load's value reads it.
func fieldSchema(fd field) object {
	var s object
	if fd.doc != "" {
		s = append(s, member{"description", fd.doc})
	}
	switch fd.kind {
	case text:
		s = append(s, textSchema(fd.rule().Max)...)
	case link:
		s = append(s, member{"type", "string"}, member{"pattern", linkPattern}, member{"maxLength", fd.rule().Max})
	case words:
		item := textSchema(fd.rule().Max)
		if fd.values != nil {
			item = object{{"enum", fd.values}}
		}
		s = append(s, member{"type", "array"}, member{"maxItems", maxItems}, member{"items", item})
	case date:
		s = append(s, member{"$ref", "#/$defs/date"})
	case duration:
		s = append(s, member{"$ref", "#/$defs/duration"})
	case boolean:
		s = append(s, member{"type", "boolean"})
	case number:
		s = append(s, member{"type", "integer"}, member{"minimum", 1})
	case enum:
		s = append(s, member{"enum", fd.values})
	case ref:
		s = append(s, idSchema("", fd.targets...)...)
	case refs:
		s = append(s, member{"type", "array"}, member{"maxItems", maxItems}, member{"items", idSchema("", fd.targets...)})
	}
	return s
}

// textSchema accepts any non-blank scalar of up to max characters: YAML
// reads an unquoted 274 as a number, and Load takes it as text. The
// characters Load refuses (controls, invisible and bidirectional
// formatting) are not in the schema: a pattern naming them would have to
// hold them, invisible, in the file.
func textSchema(max int) object {
	return object{{"type", []string{"string", "number"}}, {"pattern", `\S`}, {"maxLength", max}}
}

func idSchema(doc string, types ...kg.EntityType) object {
	var s object
	if doc != "" {
		s = append(s, member{"description", doc})
	}
	return append(s, member{"type", "string"}, member{"pattern", idPattern(types)}, member{"maxLength", maxLine})
}

// idPattern matches the IDs of entities of the given types.
func idPattern(types []kg.EntityType) string {
	prefixes := make([]string, len(types))
	for i, t := range types {
		prefixes[i] = t.Prefix()
	}
	prefix := prefixes[0]
	if len(prefixes) > 1 {
		prefix = "(" + strings.Join(prefixes, "|") + ")"
	}
	return "^" + prefix + "/" + slugPattern + "$"
}

func required(fields []field, cite bool) []string {
	var out []string
	for _, fd := range fields {
		if fd.required {
			out = append(out, fd.name)
		}
	}
	if cite {
		out = append(out, "cite")
	}
	return out
}

// entityTypes are the types that may appear under entities:.
func entityTypes() []kg.EntityType {
	var out []kg.EntityType
	for _, t := range kg.EntityTypes {
		if t != kg.Source {
			out = append(out, t)
		}
	}
	return out
}

func relationTypes() []string {
	out := make([]string, len(kg.Relations))
	for i, r := range kg.Relations {
		out[i] = string(r.Type)
	}
	return out
}

// object is a JSON object that keeps its keys in the order they were added,
// so the schema follows the order of the field tables and regenerates byte
// for byte.
type object []member

type member struct {
	key string
	val any
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := encode(m.key)
		if err != nil {
			return nil, err
		}
		v, err := encode(m.val)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// encode is json.Marshal without HTML escaping, which would turn the
// schema's patterns and prose into \u003c soup.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
