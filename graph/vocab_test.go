package graph

import (
	"os"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
)

// vocabularies are the lists the values of each vocabulary enum come
// from: the case-file checker's, and the store's for what it computes.
func vocabularies() map[string][]string {
	return map[string][]string{
		"ChargeStatus":       casefile.Values(kg.Charge, "status"),
		"Verdict":            casefile.Values(kg.Charge, "verdict"),
		"ChargeChangeKind":   casefile.Values(kg.Charge, "change"),
		"OffenceCategory":    casefile.OffenceCategories,
		"SentenceKind":       casefile.SentenceKinds,
		"SentenceChangeKind": casefile.SentenceChanges,
		"RestrictionKind":    casefile.Values(kg.Restriction, "kind"),
		"RestrictionBasis":   casefile.Values(kg.Restriction, "basis"),
		"ProceedingStage":    casefile.ProceedingStages,
		"ProceedingOutcome":  casefile.ProceedingOutcomes,
		"EventKind":          casefile.Values(kg.Event, "kind"),
		"TimelineKind":       union(casefile.Values(kg.Event, "kind"), kg.TimelineSteps),
		"Occupation":         casefile.Values(kg.Person, "occupations"),
		"RegistrationStatus": casefile.Values(kg.Party, "registrationStatus"),
		"OrganisationKind":   casefile.Values(kg.Organisation, "kind"),
		"CourtLevel":         casefile.Values(kg.Court, "level"),
		"PlaceKind":          casefile.Values(kg.Place, "kind"),
		"CaseKind":           casefile.Values(kg.Case, "kind"),
		"AssessmentKind":     casefile.RelationValues("assessment"),
		"SharedKind":         kg.SharedKinds,
		"ProtestTie":         kg.ProtestTies,
		"ChangeOp":           kg.ChangeOps,
	}
}

// plainEnums are the schema's enums whose values are not stored in lower
// case with hyphens: labels, relationship types and the API's own options.
var plainEnums = []string{
	"EntityType", "RelationType", "CountDimension", "DuplicateVerdict", "ConflictSide",
	"EntityOrderField", "OrderDirection", "DatePrecision", "DateQualifier", "Direction",
}

func union(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, v := range l {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// Every value of a controlled list is a value of its enum, and every value
// of the enum one of the list, so neither can grow without the other.
func TestVocabularyEnumsMatchTheirLists(t *testing.T) {
	schema := NewExecutableSchema(Config{}).Schema()
	for name, list := range vocabularies() {
		t.Run(name, func(t *testing.T) {
			if len(list) == 0 {
				t.Fatal("no controlled list: the field it names has none")
			}
			def := schema.Types[name]
			if def == nil {
				t.Fatal("no such enum in the schema")
			}
			var declared []string
			for _, v := range def.EnumValues {
				declared = append(declared, v.Name)
			}
			for _, stored := range list {
				enum := model.EnumValue(stored)
				if !slices.Contains(declared, enum) {
					t.Errorf("%s (stored %s) is not a value of the enum", enum, stored)
				}
				if back := model.StoredValue(enum); back != stored {
					t.Errorf("%s round-trips to %s", stored, back)
				}
			}
			for _, enum := range declared {
				if !slices.Contains(list, model.StoredValue(enum)) {
					t.Errorf("%s is not in the controlled list %v", enum, list)
				}
			}
		})
	}
}

// Each enum of the schema is either a vocabulary, bound to model.Vocab in
// gqlgen.yml so its values are converted, or one of the plain enums.
func TestEveryEnumIsClassified(t *testing.T) {
	raw, err := os.ReadFile("../gqlgen.yml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Models map[string]struct {
			Model []string `yaml:"model"`
		} `yaml:"models"`
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	vocabs := vocabularies()
	for name, def := range NewExecutableSchema(Config{}).Schema().Types {
		if def.Kind != "ENUM" || def.BuiltIn {
			continue
		}
		_, isVocab := vocabs[name]
		bound := slices.Equal(cfg.Models[name].Model, []string{"github.com/casegraph/casegraph/graph/model.Vocab"})
		switch {
		case isVocab && !bound:
			t.Errorf("%s is a vocabulary but gqlgen.yml does not bind it to model.Vocab", name)
		case !isVocab && bound:
			t.Errorf("%s is bound to model.Vocab but has no controlled list in vocabularies()", name)
		case !isVocab && !slices.Contains(plainEnums, name):
			t.Errorf("%s is neither a vocabulary nor a plain enum: add it to one", name)
		}
	}
}
