package neo4jstore_test

// The graph's schema is declared in four places that no code derives from
// one another: the domain's lists (kg.EntityTypes, kg.Relations,
// kg.FieldRelTypes) and read model (kg.ReadFields), the API's
// schema.graphqls, the migrations' indexes and constraints, and the
// case-file spec (casefile.Fields). These tests hold them together, so a
// type, relationship or field added to one and forgotten in another fails
// here rather than at run time. docs/model.md says what to change.

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// The intentional differences, each with its reason; every other
// difference between the four declarations fails a test.
var (
	// apiOnly are fields every entity answers (the Entity interface) that
	// the store computes rather than reads from a property of the same
	// name (compile.go's entityField).
	apiOnly = []string{"id", "type", "name", "aliases", "contested", "visibility", "citations", "version"}
	// linkSpecials are the fields of a Link that are the relationship
	// itself rather than one of its properties (compile.go's link).
	linkSpecials = []string{"id", "relationship", "type", "direction", "entity", "contested", "visibility", "citations"}
	// unwritten are properties the read model reads on a type whose case
	// files cannot state them.
	unwritten = map[string]string{
		"Source.description": "the Entity interface gives every entity a description; a source's own title says what it is, so case files give sources none and it reads null",
	}
	// storeOnly are entity properties the store indexes that no case
	// file states.
	storeOnly = map[string]string{
		"origin":     "the case file an entity came from, written by the importer (002_case_files)",
		"searchText": "the transliterations and phonetic keys of the name and aliases, written by the importer for search (004_search)",
		"dupKeys":    "the duplicate rule's block keys of the name and aliases, written wherever searchText is, for the check after a save (019_duplicate_keys)",
		"groups":     "the groups a restricted fact may be read by, which a case file states as its visibility (020_visibility)",
	}
	// unreadEnds are ends of directly stated relationships that no field
	// of the type at that end reads: the relationship is read from its
	// other end, and from both through neighbours(id:) and graph views.
	// Keys are "Type - REL" for the start and "Type <- REL" for the end.
	unreadEnds = map[string]string{
		"Case - SUBJECT_OF":              "timeline(id:) of the case lists what happened to it (sent to court, closed) among the events it CONCERNS",
		"Organisation - PARTICIPATED_IN": "timeline(id:) of the organisation lists these events; Event.participants reads them from the event",
		"Organisation - ORGANISED":       "timeline(id:) of the organisation lists these events; Event.participants reads them from the event",
		"Organisation - SUBJECT_OF":      "timeline(id:) of the organisation lists these events; Event.participants reads them from the event",
		"Organisation <- ABOUT":          "timeline(id:) of the organisation lists the statements about it; Event.about reads them from the statement",
		"Party - ASSOCIATED_WITH":        "no typed field yet; Person.relations and Organisation.relations read it from the other end",
		"Party <- ASSOCIATED_WITH":       "no typed field yet; Person.relations and Organisation.relations read it from the other end",
		"Court - ISSUED":                 "no typed field yet; Event.participants reads a court's verdicts from the event",
		"Source - ABOUT":                 "no typed field yet; Party.mentions and Case.mentions read it from a party or case it is about",
		"Person <- ABOUT":                "no typed field yet; Event.about reads it from the statement",
		"Event <- ABOUT":                 "no typed field yet; Event.about reads it from the statement",
		"Person - ASSESSED":              "Person.assessments reads assessments of the person; Case.assessments and Person.assessments read one a person made from what was assessed",
	}
)

func loadAPISchema(t *testing.T) *ast.Schema {
	t.Helper()
	root, err := neo4jtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(root + "/schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(src)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// schemaRule is an index or constraint as a migration creates it.
type schemaRule struct {
	Name    string
	Kind    string   // INDEX, FULLTEXT INDEX or CONSTRAINT
	Rel     bool     // on a relationship type rather than labels
	On      []string // labels or relationship types
	Props   []string
	Version int // of the migration that creates it
}

var (
	createRule = regexp.MustCompile(`(?is)^CREATE\s+(FULLTEXT\s+)?(INDEX|CONSTRAINT)\s+(\w+)\s+IF\s+NOT\s+EXISTS\s+FOR\s+(?:\(\w*:([\w|]+)\)|\(\)-\[\w*:(\w+)\]-\(\))\s+(?:ON\s+(?:EACH\s+)?[\[(]([^\])]*)[\])]|REQUIRE\s+\(?([^)]*?)\)?\s+IS\s+UNIQUE)`)
	dropRule   = regexp.MustCompile(`(?i)^DROP\s+(INDEX|CONSTRAINT)\s+(\w+)`)
	anyCreate  = regexp.MustCompile(`(?i)^CREATE\s+(\w+\s+)?(INDEX|CONSTRAINT)`)
)

// migratedRules reads the embedded migrations' schema statements and
// returns the indexes and constraints a migrated graph has, by name.
func migratedRules(t *testing.T) map[string]schemaRule {
	t.Helper()
	ms, err := neo4jstore.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]schemaRule{}
	for _, m := range ms {
		for _, stmt := range m.Statements {
			if d := dropRule.FindStringSubmatch(stmt); d != nil {
				delete(out, d[2])
				continue
			}
			if !anyCreate.MatchString(stmt) {
				continue
			}
			c := createRule.FindStringSubmatch(stmt)
			if c == nil {
				t.Fatalf("%s: a schema statement this test cannot read: %s", m.File, stmt)
			}
			r := schemaRule{Name: c[3], Kind: strings.ToUpper(strings.TrimSpace(c[1]) + " " + c[2]), Version: m.Version}
			r.Kind = strings.TrimSpace(r.Kind)
			if c[5] != "" {
				r.Rel, r.On = true, []string{c[5]}
			} else {
				r.On = strings.Split(c[4], "|")
			}
			props := c[6] + c[7]
			for _, p := range strings.Split(props, ",") {
				_, name, _ := strings.Cut(strings.TrimSpace(p), ".")
				r.Props = append(r.Props, name)
			}
			if _, dup := out[r.Name]; dup {
				t.Errorf("%s: %s is created twice", m.File, r.Name)
			}
			out[r.Name] = r
		}
	}
	return out
}

func names[T ~string](ts []T) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	sort.Strings(out)
	return out
}

// sameSet fails unless got and want hold the same strings, naming what
// each lacks.
func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("%s: has %s, which the other does not", what, g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("%s: lacks %s", what, w)
		}
	}
	seen := map[string]bool{}
	for _, g := range got {
		if seen[g] {
			t.Errorf("%s: %s twice", what, g)
		}
		seen[g] = true
	}
}

func enumValues(t *testing.T, s *ast.Schema, name string) []string {
	t.Helper()
	def := s.Types[name]
	if def == nil || def.Kind != ast.Enum {
		t.Fatalf("schema.graphqls has no enum %s", name)
	}
	var out []string
	for _, v := range def.EnumValues {
		out = append(out, v.Name)
	}
	return out
}

// Every entity type is a GraphQL object type implementing Entity, a value
// of the EntityType enum, a type of the read model, a section of the
// case-file spec and a label of the search index, and nothing else is.
func TestSchemaEntityTypesAgree(t *testing.T) {
	api := loadAPISchema(t)
	want := names(kg.EntityTypes)

	var objects []string
	for _, def := range api.Types {
		if def.Kind == ast.Object && slices.Contains(def.Interfaces, "Entity") {
			objects = append(objects, def.Name)
		}
	}
	sameSet(t, "GraphQL types implementing Entity", objects, want)

	var enum []string
	for _, v := range enumValues(t, api, "EntityType") {
		i := slices.IndexFunc(kg.EntityTypes, func(et kg.EntityType) bool { return neo4jstore.EnumName(string(et)) == v })
		if i < 0 {
			enum = append(enum, v)
			continue
		}
		enum = append(enum, string(kg.EntityTypes[i]))
	}
	sameSet(t, "GraphQL enum EntityType", enum, want)

	var read []string
	for et := range kg.ReadFields {
		read = append(read, string(et))
	}
	sameSet(t, "kg.ReadFields", read, want)

	sameSet(t, "casefile spec sections", names(casefile.SpecTypes()), want)

	search, ok := migratedRules(t)["entity_search_2"]
	if !ok {
		t.Fatal("the migrations create no entity_search_2 index")
	}
	sameSet(t, "labels of the entity_search_2 index", search.On, want)
}

// Every relationship type is a value of the API's RelationType enum, read
// by some field of the read model, stated either directly or from the
// case-file field that names it, and has its id index.
func TestSchemaRelationshipTypesAgree(t *testing.T) {
	api := loadAPISchema(t)
	want := names(kg.AllRelTypes())
	sameSet(t, "kg.AllRelTypes", names(kg.AllRelTypes()), want) // no type twice

	sameSet(t, "GraphQL enum RelationType", enumValues(t, api, "RelationType"), want)

	readSet := map[string]bool{}
	for _, fields := range kg.ReadFields {
		for _, rf := range fields {
			for _, r := range rf.Rels {
				readSet[string(r)] = true
			}
		}
	}
	var read []string
	for r := range readSet {
		read = append(read, r)
	}
	sameSet(t, "relationship types the read model reads", read, want)

	// Field relationship types are written from case-file fields, the
	// others are stated under relations:.
	fieldRels := map[string]bool{}
	for _, et := range casefile.SpecTypes() {
		fs, _ := casefile.Fields(et)
		for _, f := range fs {
			if f.Rel != "" {
				fieldRels[string(f.Rel)] = true
			}
		}
	}
	var spec []string
	for r := range fieldRels {
		spec = append(spec, r)
	}
	sameSet(t, "relationship types case-file fields write", spec, names(kg.FieldRelTypes))
	for _, r := range kg.Relations {
		if fieldRels[string(r.Type)] {
			t.Errorf("%s is stated under relations: and also written from a field", r.Type)
		}
	}

	// One id index per type: Neo4j indexes relationship properties per
	// type, and imports and edge lookups find relationships by id. And
	// one groups index per type, through which counts find the
	// relationships restricted to groups (stats.go).
	indexed := map[string][]string{}
	for _, r := range migratedRules(t) {
		if !r.Rel {
			continue
		}
		prop := "id"
		if slices.Equal(r.Props, []string{"groups"}) {
			prop = "groups"
		}
		if wantName := "rel_" + strings.ToLower(r.On[0]) + "_" + prop; r.Kind != "INDEX" || r.Name != wantName || !slices.Equal(r.Props, []string{prop}) {
			t.Errorf("%s: a %s on %s(%v), want INDEX %s on (%s)", r.Name, r.Kind, r.On[0], r.Props, wantName, prop)
		}
		indexed[prop] = append(indexed[prop], r.On[0])
	}
	sameSet(t, "relationship types with an id index", indexed["id"], want)
	sameSet(t, "relationship types with a groups index", indexed["groups"], want)
}

// checkReadType fails unless the GraphQL type of a field is one the store
// answers for rf, and (for a property) one the case-file kind of its
// values fits.
func checkReadType(t *testing.T, api *ast.Schema, where string, fd *ast.FieldDefinition, rf kg.ReadField, kind string) {
	t.Helper()
	ty := fd.Type
	named := func(ty *ast.Type) string {
		if ty.Elem != nil {
			return ""
		}
		return ty.NamedType
	}
	listOf := func(ty *ast.Type) string {
		if ty.Elem == nil || !ty.NonNull || !ty.Elem.NonNull {
			return ""
		}
		return ty.Elem.NamedType
	}
	hasFirst := func() {
		if fd.Arguments.ForName("first") == nil {
			t.Errorf("%s: a list the store caps by its first argument, which it lacks", where)
		}
	}
	bad := func(want string) { t.Errorf("%s: GraphQL type %s, want %s", where, ty.String(), want) }
	switch rf.Kind {
	case kg.PropField:
		base := named(ty)
		if rf.List {
			base = listOf(ty)
			if base == "" {
				bad("a non-null list of non-null values: the store reads an absent list as empty")
				return
			}
		} else if base == "" {
			bad("a single value")
			return
		}
		def := api.Types[base]
		switch {
		case kind == "enum" || (kind == "words" && def.Kind == ast.Enum):
			if def.Kind != ast.Enum {
				bad("an enum: the case-file field takes a controlled list")
			}
		case kind == "text", kind == "link", kind == "duration", kind == "words":
			if base != "String" {
				bad("String")
			}
		case kind == "boolean":
			if base != "Boolean" {
				bad("Boolean")
			}
		case kind == "number", kind == "months":
			if base != "Int" {
				bad("Int")
			}
		default:
			t.Errorf("%s: no case-file kind to check its type against", where)
		}
	case kg.DateField:
		if named(ty) != "FuzzyDate" {
			bad("FuzzyDate")
		}
	case kg.OneField:
		want := "Entity"
		if len(rf.Targets) == 1 {
			want = string(rf.Targets[0])
		}
		if named(ty) != want || ty.NonNull {
			bad("nullable " + want + ": the entity may be missing")
		}
	case kg.ManyField:
		want := "Entity"
		if len(rf.Targets) == 1 {
			want = string(rf.Targets[0])
		}
		if listOf(ty) != want {
			bad("[" + want + "!]!")
		}
		hasFirst()
	case kg.LinksField:
		if listOf(ty) != "Link" {
			bad("[Link!]!")
		}
		hasFirst()
	}
}

// fieldKinds returns the case-file kind of each property of type et that
// its spec states, by property name; a duration also gives its months.
func fieldKinds(t *testing.T, et kg.EntityType) (map[string]casefile.FieldSpec, map[string]string) {
	t.Helper()
	fs, ok := casefile.Fields(et)
	if !ok {
		t.Fatalf("the case-file spec has no section for %s", et)
	}
	byName := map[string]casefile.FieldSpec{}
	kinds := map[string]string{}
	for _, f := range fs {
		byName[f.Name] = f
		kinds[f.Name] = f.Kind
		if f.Kind == "duration" {
			kinds[f.Name+"Months"] = "months"
		}
	}
	return byName, kinds
}

// Each entity type's GraphQL fields are the Entity interface's and the
// read model's fields of that type, with types that fit what the store
// answers; each property the read model reads is one the case-file spec
// states, of a kind the GraphQL type fits.
func TestSchemaReadModelMatchesTheAPI(t *testing.T) {
	api := loadAPISchema(t)
	iface := api.Types["Entity"]
	for _, et := range kg.EntityTypes {
		t.Run(string(et), func(t *testing.T) {
			def := api.Types[string(et)]
			if def == nil {
				t.Fatalf("no GraphQL type %s", et)
			}
			spec, kinds := fieldKinds(t, et)
			var own, read []string
			for _, fd := range def.Fields {
				if iface.Fields.ForName(fd.Name) == nil {
					own = append(own, fd.Name)
				}
			}
			for name := range kg.ReadFields[et] {
				read = append(read, name)
			}
			sameSet(t, fmt.Sprintf("fields of GraphQL %s beyond Entity's, against kg.ReadFields[%s]", et, et), own, read)
			for _, fd := range iface.Fields {
				if _, common := kg.CommonReadFields[fd.Name]; !common && !slices.Contains(apiOnly, fd.Name) {
					t.Errorf("Entity.%s: neither in kg.CommonReadFields nor one the store computes", fd.Name)
				}
			}
			fields := map[string]kg.ReadField{}
			for name, rf := range kg.CommonReadFields {
				fields[name] = rf
			}
			for name, rf := range kg.ReadFields[et] {
				if _, dup := fields[name]; dup {
					t.Errorf("%s.%s is in kg.CommonReadFields and kg.ReadFields", et, name)
				}
				fields[name] = rf
			}
			for name, rf := range fields {
				where := string(et) + "." + name
				fd := def.Fields.ForName(name)
				if fd == nil {
					t.Errorf("%s: in the read model, not in schema.graphqls", where)
					continue
				}
				prop := rf.Prop
				if prop == "" {
					prop = name
				}
				kind := kinds[prop]
				if reason, ok := unwritten[where]; ok && kind != "" {
					t.Errorf("%s: the case-file spec states it now; remove it from unwritten (%s)", where, reason)
				}
				if rf.Kind == kg.PropField || rf.Kind == kg.DateField {
					if kind == "" {
						if reason, ok := unwritten[where]; ok {
							t.Logf("%s: not in the case-file spec: %s", where, reason)
							kind = "text"
						} else {
							t.Errorf("%s: reads property %s, which the case-file spec of %s does not state", where, prop, et)
							continue
						}
					}
					if (rf.Kind == kg.DateField) != (kind == "date") {
						t.Errorf("%s: read as kind %d, but the case-file field is a %s", where, rf.Kind, kind)
					}
					if rf.List != (kind == "words") {
						t.Errorf("%s: read as a list %v, but the case-file field is a %s", where, rf.List, kind)
					}
				}
				checkReadType(t, api, where, fd, rf, kind)
				// Every entity states a required field, so the API
				// promises it; the others may be missing.
				if f, stated := spec[prop]; stated && rf.Kind == kg.PropField && !rf.List && f.Required != fd.Type.NonNull {
					want := map[bool]string{true: "non-null: the case-file field is required", false: "nullable: the case-file field is optional"}
					t.Errorf("%s: GraphQL type %s, want %s", where, fd.Type, want[f.Required])
				}
			}
		})
	}
}

// A Link's fields are the relationship itself and the properties the read
// model reads on it, which are the fields of a relation in a case file.
func TestSchemaLinkFieldsMatchRelations(t *testing.T) {
	api := loadAPISchema(t)
	def := api.Types["Link"]
	spec := map[string]string{}
	for _, f := range casefile.RelationFields() {
		spec[f.Name] = f.Kind
	}
	var own, read, stated []string
	for _, fd := range def.Fields {
		if !slices.Contains(linkSpecials, fd.Name) {
			own = append(own, fd.Name)
		}
	}
	for name, rf := range kg.LinkReadFields {
		read = append(read, name)
		fd := def.Fields.ForName(name)
		if fd == nil {
			continue
		}
		kind, ok := spec[name]
		if !ok {
			t.Errorf("Link.%s: a relation in a case file has no such field", name)
			continue
		}
		checkReadType(t, api, "Link."+name, fd, rf, kind)
	}
	for name := range spec {
		switch name {
		case "id", "type", "from", "to", "contested": // the relationship itself
		default:
			stated = append(stated, name)
		}
	}
	sameSet(t, "fields of GraphQL Link beyond the relationship's own, against kg.LinkReadFields", own, read)
	sameSet(t, "fields of a case file's relation, against kg.LinkReadFields", stated, read)
}

// reads reports whether type et has a field reading rel in direction dir
// (or both) to an entity of type other.
func reads(et kg.EntityType, rel kg.RelType, dir kg.Dir, other kg.EntityType) string {
	var found []string
	for name, rf := range kg.ReadFields[et] {
		if !slices.Contains(rf.Rels, rel) || (rf.Dir != dir && rf.Dir != kg.Both) {
			continue
		}
		if len(rf.Targets) == 0 || slices.Contains(rf.Targets, other) {
			found = append(found, name)
		}
	}
	sort.Strings(found)
	return strings.Join(found, ",")
}

func opposite(d kg.Dir) kg.Dir {
	if d == kg.Out {
		return kg.In
	}
	return kg.Out
}

// Each case-file field maps to a stored property or relationship that the
// read model reads under the same name, and a relationship a field writes
// is read from both of its ends.
func TestSchemaCaseFileFieldsAreRead(t *testing.T) {
	for _, et := range kg.EntityTypes {
		t.Run(string(et), func(t *testing.T) {
			byName, _ := fieldKinds(t, et)
			for name, f := range byName {
				where := string(et) + "." + name
				if name == "id" || name == "type" || slices.Contains(apiOnly, name) {
					continue
				}
				rf, ok := kg.ReadFields[et][name]
				if !ok {
					rf, ok = kg.CommonReadFields[name]
				}
				if !ok {
					t.Errorf("%s: a case-file field the read model does not read", where)
					continue
				}
				if rf.Prop != "" && rf.Prop != name {
					t.Errorf("%s: read from property %s, but the importer writes it as %s", where, rf.Prop, name)
				}
				switch f.Kind {
				case "ref", "refs":
					dir := kg.Out
					if f.Reverse {
						dir = kg.In
					}
					want := kg.OneField
					if f.Kind == "refs" {
						want = kg.ManyField
					}
					if rf.Kind != want || !slices.Contains(rf.Rels, f.Rel) || rf.Dir != dir {
						t.Errorf("%s: read as %+v, want a field of kind %d over %s in direction %d", where, rf, want, f.Rel, dir)
					}
					for _, target := range f.Targets {
						if reads(et, f.Rel, dir, target) == "" {
							t.Errorf("%s: no field of %s reads %s to a %s", where, et, f.Rel, target)
						}
						if reads(target, f.Rel, opposite(dir), et) == "" {
							t.Errorf("%s: no field of %s reads %s back to a %s", where, target, f.Rel, et)
						}
					}
				case "duration":
					if m, ok := kg.ReadFields[et][name+"Months"]; !ok || m.Kind != kg.PropField {
						t.Errorf("%s: a duration whose months (%sMonths) the read model does not read", where, name)
					}
				}
			}
		})
	}
}

// A relationship a case file states directly is read from each type it
// may start at and each type it may end at.
func TestSchemaRelationsAreReadFromBothEnds(t *testing.T) {
	for _, spec := range kg.Relations {
		for _, end := range []struct {
			dir          kg.Dir
			these, other []kg.EntityType
		}{{kg.Out, spec.From, spec.To}, {kg.In, spec.To, spec.From}} {
			for _, et := range end.these {
				found := false
				for _, other := range end.other {
					if reads(et, spec.Type, end.dir, other) != "" {
						found = true
					}
				}
				key := fmt.Sprintf("%s %s %s", et, map[kg.Dir]string{kg.Out: "-", kg.In: "<-"}[end.dir], spec.Type)
				reason, excepted := unreadEnds[key]
				switch {
				case !found && !excepted:
					t.Errorf("%s: no field of %s reads %s", key, et, spec.Type)
				case found && excepted:
					t.Errorf("%s: read now; remove it from unreadEnds (%s)", key, reason)
				}
			}
		}
	}
}

// The migrations index only properties the graph holds: an entity label's
// indexes name properties that the case-file spec states for it, or that
// the store itself writes.
func TestSchemaIndexesNameStoredProperties(t *testing.T) {
	for _, r := range migratedRules(t) {
		if r.Rel {
			continue
		}
		var types []kg.EntityType
		for _, l := range r.On {
			if l == "Entity" {
				types = kg.EntityTypes
				break
			}
			if slices.Contains(kg.EntityTypes, kg.EntityType(l)) {
				types = append(types, kg.EntityType(l))
			}
		}
		if len(types) == 0 {
			continue // a node of the store's own, such as (:Token)
		}
		for _, p := range r.Props {
			if _, ok := storeOnly[p]; ok {
				continue
			}
			stated := false
			for _, et := range types {
				byName, _ := fieldKinds(t, et)
				if _, ok := byName[p]; ok {
					stated = true
				}
			}
			if !stated {
				t.Errorf("%s indexes %v.%s, which no case file states for those types", r.Name, r.On, p)
			}
		}
	}
}

// A migrated graph has exactly the indexes and constraints the migrations
// create: each on what its statement names.
func TestMigratedGraphHasTheMigrationsIndexes(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := migratedRules(t)
	// Migrate creates its record's constraint before reading the record,
	// so no numbered migration can (migrate.go).
	want["schema_migration_version"] = schemaRule{On: []string{"SchemaMigration"}, Props: []string{"version"}}
	got := map[string]string{}
	for _, r := range neo4jtest.Exec(t, uri, "SHOW INDEXES YIELD name, type, labelsOrTypes, properties WHERE type <> 'LOOKUP' RETURN name, labelsOrTypes, properties", nil) {
		name, _ := r.Get("name")
		on, _ := r.Get("labelsOrTypes")
		props, _ := r.Get("properties")
		got[name.(string)] = fmt.Sprint(on, props)
	}
	for name, r := range want {
		on := slices.Clone(r.On)
		w := fmt.Sprint(on, r.Props)
		switch g, ok := got[name]; {
		case !ok:
			t.Errorf("%s: created by migration %d, missing from SHOW INDEXES", name, r.Version)
		case g != w:
			t.Errorf("%s: SHOW INDEXES has it on %s, the migration on %s", name, g, w)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: in the graph, but no migration creates it (or one drops it)", name)
		}
	}
}
