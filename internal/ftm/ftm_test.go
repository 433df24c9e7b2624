package ftm_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/ftm"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// model is testdata/model.json: the schemata the export uses, as the
// pinned followthemoney package defines them (scripts/ftm_check.py model).
type model struct {
	Version   string   `json:"followthemoney"`
	Countries []string `json:"countries"`
	Languages []string `json:"languages"`
	Schemata  map[string]struct {
		Schemata   []string `json:"schemata"`
		Required   []string `json:"required"`
		Properties map[string]struct {
			Type      string `json:"type"`
			Range     string `json:"range"`
			MaxLength int    `json:"maxLength"`
		} `json:"properties"`
	} `json:"schemata"`
}

func loadModel(tb testing.TB) model {
	tb.Helper()
	data, err := os.ReadFile("testdata/model.json")
	if err != nil {
		tb.Fatal(err)
	}
	var m model
	if err := json.Unmarshal(data, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

var (
	idForm   = regexp.MustCompile(`^casegraph\.[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$`)
	typeForm = map[string]*regexp.Regexp{
		"date": regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`),
		"url":  regexp.MustCompile(`^https?://`),
	}
)

// checkModel holds entities to the model as scripts/ftm_check.py does,
// short of cleaning each value with the library itself.
func checkModel(t *testing.T, m model, ents []ftm.Entity) {
	t.Helper()
	schemaOf := map[string]string{}
	for _, e := range ents {
		if !idForm.MatchString(e.ID) || len(e.ID) > 200 {
			t.Errorf("%s: not a valid casegraph FtM ID", e.ID)
		}
		if _, dup := schemaOf[e.ID]; dup {
			t.Errorf("%s: ID used twice", e.ID)
		}
		schemaOf[e.ID] = e.Schema
	}
	for _, e := range ents {
		s, ok := m.Schemata[e.Schema]
		if !ok {
			t.Errorf("%s: schema %s is not in the model", e.ID, e.Schema)
			continue
		}
		for _, r := range s.Required {
			if len(e.Properties[r]) == 0 {
				t.Errorf("%s: %s requires %s", e.ID, e.Schema, r)
			}
		}
		for name, values := range e.Properties {
			p, ok := s.Properties[name]
			if !ok {
				t.Errorf("%s: %s has no property %s", e.ID, e.Schema, name)
				continue
			}
			for _, v := range values {
				if v == "" || v != strings.TrimSpace(v) || utf8.RuneCountInString(v) > p.MaxLength {
					t.Errorf("%s: %s %q is empty, untrimmed or longer than %d", e.ID, name, v, p.MaxLength)
				}
				if re := typeForm[p.Type]; re != nil && !re.MatchString(v) ||
					p.Type == "country" && !slices.Contains(m.Countries, v) ||
					p.Type == "language" && !slices.Contains(m.Languages, v) {
					t.Errorf("%s: %s %q is not an FtM %s", e.ID, name, v, p.Type)
				}
				if p.Type != "entity" {
					continue
				}
				target, ok := m.Schemata[schemaOf[v]]
				if !ok || !slices.Contains(target.Schemata, p.Range) {
					t.Errorf("%s: %s refers to %s (%s), want a %s", e.ID, name, v, schemaOf[v], p.Range)
				}
			}
		}
	}
}

// bundled converts the bundled case files, as the graph holds them after
// an import.
func bundled(t *testing.T) ([]ftm.Entity, []kg.Batch) {
	t.Helper()
	var batches []kg.Batch
	for _, f := range neo4jtest.BundledFiles(t) {
		batches = append(batches, f.Batch)
	}
	return ftm.Convert(batches...), batches
}

func TestBundledDataFitsModel(t *testing.T) {
	ents, batches := bundled(t)
	exported := 0
	for _, b := range batches {
		for _, e := range b.Entities {
			if e.Type != kg.LegalCode && e.Type != kg.LegalArticle && e.Type != kg.Group {
				exported++
			}
		}
	}
	checkModel(t, loadModel(t), ents)
	if len(ents) <= exported {
		t.Errorf("%d FtM entities for %d exported casegraph entities: the relationships are missing", len(ents), exported)
	}
	if again := ftm.Convert(batches...); !reflect.DeepEqual(again, ents) {
		t.Error("a second conversion of the same facts differs")
	}
}

// fixture converts testdata/fixture.yaml and returns its entities by ID.
func fixture(t *testing.T) (map[string]ftm.Entity, []ftm.Entity) {
	t.Helper()
	src, err := os.ReadFile("testdata/fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files, err := casefile.Check([]casefile.Input{{Name: "fixture.yaml", Src: src}}, casefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ents := ftm.Convert(files[0].Batch)
	byID := map[string]ftm.Entity{}
	for _, e := range ents {
		byID[e.ID] = e
	}
	return byID, ents
}

func TestFixtureFitsModel(t *testing.T) {
	_, ents := fixture(t)
	checkModel(t, loadModel(t), ents)
}

// The followthemoney library itself reads the bundled data and the
// fixture, where CASEGRAPH_FTM_PYTHON names a python that has it; make
// test sets it.
func TestLibraryAccepts(t *testing.T) {
	python := os.Getenv("CASEGRAPH_FTM_PYTHON")
	if python == "" {
		t.Skip("CASEGRAPH_FTM_PYTHON names no python with followthemoney installed; make test sets it")
	}
	_, fixed := fixture(t)
	all, _ := bundled(t)
	for name, ents := range map[string][]ftm.Entity{"fixture": fixed, "bundled": all} {
		path := filepath.Join(t.TempDir(), name+".ftm.json")
		var buf bytes.Buffer
		if err := ftm.Write(&buf, ents); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(python, "../../scripts/ftm_check.py", "check", path).CombinedOutput()
		if err != nil {
			t.Errorf("%s: %v\n%s", name, err, out)
		}
	}
}

func TestMapping(t *testing.T) {
	byID, _ := fixture(t)
	p := func(props ...string) map[string][]string {
		m := map[string][]string{}
		for i := 0; i < len(props); i += 2 {
			m[props[i]] = append(m[props[i]], props[i+1])
		}
		return m
	}
	report := []string{"proof", "casegraph.source.report", "sourceUrl", "https://example.org/reports/2023/report.html", "publisher", "Example Watch"}
	notice := []string{"proof", "casegraph.source.notice", "publisher", "Example Court Press"}
	for _, tc := range []struct {
		name, id, schema string
		props            map[string][]string
	}{
		{"a source is a Document, its language in ISO 639-3", "casegraph.source.report", "Document", p(
			"title", "A report", "publisher", "Example Watch", "sourceUrl", "https://example.org/reports/2023/report.html",
			"language", "rus", "fileName", "report.html")},
		{"a language FtM lacks and a month go as they can", "casegraph.source.notice", "Document", p(
			"title", "A notice", "publisher", "Example Court Press", "publishedAt", "2023-04",
			"fileName", "notice", "summary", "language: xx")},
		{"a person cites every source", "casegraph.person.defendant", "Person", p(append(append([]string{
			"name", "Ann Defendant", "alias", "Anna Defendant", "description", "A journalist.",
			"profession", "journalist", "profession", "politician", "topics", "role.journo"}, report...), notice...)...)},
		{"a party is an Organization", "casegraph.party.opposition", "Organization", p(append([]string{
			"name", "Opposition Party", "status", "unregistered", "incorporationDate", "2019-05", "topics", "pol.party",
			"addressEntity", "casegraph.place.country", "address", "Country"}, report...)...)},
		{"a prosecutor's office is a PublicBody", "casegraph.organisation.prosecutors", "PublicBody", p(append([]string{
			"name", "Prosecutor's Office", "classification", "prosecutor", "topics", "gov.judicial"}, report...)...)},
		{"a court is a PublicBody", "casegraph.court.district", "PublicBody", p(append([]string{
			"name", "District Court", "classification", "court", "topics", "gov.judicial", "summary", "level: district",
			"addressEntity", "casegraph.place.city", "address", "City, Country"}, report...)...)},
		{"a place is an Address inside its places", "casegraph.place.city", "Address", p(append([]string{
			"name", "City", "full", "City, Country", "city", "City", "summary", "kind: city"}, report...)...)},
		{"a bounded date and an unknown country go into the summary", "casegraph.case.defendant", "CourtCase", p(append([]string{
			"name", "Case against Ann Defendant", "type", "criminal",
			"summary", "defendantCount: 3; jurisdiction: XX; opened: before 2022-04",
			"addressEntity", "casegraph.place.city", "address", "City, Country"}, report...)...)},
		{"an estimated date too", "casegraph.event.protest", "Event", p(append([]string{
			"name", "Protest", "keywords", "event", "date", "2022-01-05", "notes", "Sources disagree on the end.",
			"summary", "contested: yes; end: 2022-01-07?; kind: protest",
			"addressEntity", "casegraph.place.city", "location", "City, Country"}, report...)...)},
		{"a hearing is an Event of its court and defendants", "casegraph.proceeding.trial", "Event", p(append([]string{
			"name", "Trial", "keywords", "proceeding", "startDate", "2022", "date", "2023-04-10",
			"organizer", "casegraph.court.district", "involved", "casegraph.person.defendant",
			"summary", "outcome: convicted; stage: first-instance; defendants: Two unnamed co-defendants (2 people)"}, notice...)...)},
		{"a charge names its article", "casegraph.charge.news", "Event", p(append([]string{
			"name", "Spreading news", "keywords", "charge", "description", "Posted a report.",
			"involved", "casegraph.person.defendant", "organizer", "casegraph.organisation.prosecutors",
			"summary", "category: false-information; status: convicted; verdict: guilty; article: Criminal Code, article 1 (Spreading news)"}, report...)...)},
		{"a group's charge names the group", "casegraph.charge.group-news", "Event", p(append([]string{
			"name", "Spreading news (the two others)", "keywords", "charge",
			"summary", "category: false-information; status: convicted; verdict: guilty; defendant: Two unnamed co-defendants (2 people)"}, report...)...)},
		{"a sentence is an Event, not a Sanction", "casegraph.sentence.prison", "Event", p(append([]string{
			"name", "Prison term", "keywords", "sentence", "date", "2023-04-10", "involved", "casegraph.person.defendant",
			"organizer", "casegraph.court.district", "summary", "kind: custodial; term: P5Y"}, notice...)...)},
		{"a restriction has its span", "casegraph.restriction.detention", "Event", p(append([]string{
			"name", "Pre-trial detention", "keywords", "restriction", "startDate", "2022-03", "endDate", "2023-04-10",
			"involved", "casegraph.person.defendant", "summary", "basis: preventive-measure; kind: pre-trial-detention"}, report...)...)},
		{"a defendant is a CourtCaseParty", "casegraph.defendant-in.person.defendant.case.defendant", "CourtCaseParty", p(append([]string{
			"party", "casegraph.person.defendant", "case", "casegraph.case.defendant", "role", "defendant"}, report...)...)},
		{"a leader is a director", "casegraph.leads.person.defendant.party.opposition", "Directorship", p(append([]string{
			"director", "casegraph.person.defendant", "organization", "casegraph.party.opposition", "role", "chair",
			"startDate", "2020"}, report...)...)},
		{"a company owned is an Ownership", "casegraph.owns.person.defendant.organisation.paper", "Ownership", p(append([]string{
			"owner", "casegraph.person.defendant", "asset", "casegraph.organisation.paper"}, report...)...)},
		{"a husband is the relative", "casegraph.relative-of.person.husband.person.defendant", "Family", p(append([]string{
			"relative", "casegraph.person.husband", "person", "casegraph.person.defendant", "relationship", "husband"}, report...)...)},
		{"two people associate", "casegraph.associated-with.person.lawyer.person.defendant", "Associate", p(append([]string{
			"person", "casegraph.person.lawyer", "associate", "casegraph.person.defendant", "relationship", "friend",
			"summary", "status: former"}, report...)...)},
		{"a tie without an FtM schema is an UnknownLink", "casegraph.associated-with.person.lawyer.party.opposition", "UnknownLink", p(append([]string{
			"subject", "casegraph.person.lawyer", "object", "casegraph.party.opposition", "role", "associated with: adviser",
			"status", "former"}, report...)...)},
		{"a field link too, with its owner's sources", "casegraph.has-charge.case.defendant.charge.news", "UnknownLink", p(append([]string{
			"subject", "casegraph.case.defendant", "object", "casegraph.charge.news", "role", "has charge"}, report...)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, ok := byID[tc.id]
			if !ok {
				t.Fatalf("no entity %s", tc.id)
			}
			if e.Schema != tc.schema {
				t.Errorf("schema %s, want %s", e.Schema, tc.schema)
			}
			if !reflect.DeepEqual(e.Properties, tc.props) {
				got, _ := json.MarshalIndent(e.Properties, "", " ")
				want, _ := json.MarshalIndent(tc.props, "", " ")
				t.Errorf("properties:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestLeftOut(t *testing.T) {
	byID, _ := fixture(t)
	for _, id := range []string{
		"casegraph.legal-code.xx-cc", "casegraph.legal-article.xx-cc-1", "casegraph.group.two-others",
		"casegraph.defendant-in.group.two-others.case.defendant",
		"casegraph.in-code.legal-article.xx-cc-1.legal-code.xx-cc",
		"casegraph.located-in.place.city.place.country",
	} {
		if _, ok := byID[id]; ok {
			t.Errorf("%s is exported; it should not be", id)
		}
	}
}

func TestIDs(t *testing.T) {
	if got := ftm.ID("legal-article/kz-cc-274-2"); got != "casegraph.legal-article.kz-cc-274-2" {
		t.Errorf("ID = %s", got)
	}
	long := "person/" + strings.Repeat("a", 193) // as long as a casegraph ID may be
	b := kg.Batch{
		Entities: []kg.Entity{
			{ID: long, Type: kg.Person, Props: map[string]any{"name": "A"}},
			{ID: "person/b", Type: kg.Person, Props: map[string]any{"name": "B"}},
		},
		Links: []kg.Link{
			{ID: "rel/friends", Type: "ASSOCIATED_WITH", From: "person/b", To: long},
			{ID: "ASSOCIATED_WITH:" + long + "->person/b", Type: "ASSOCIATED_WITH", From: long, To: "person/b"},
		},
	}
	ents := ftm.Convert(b)
	if len(ents) != 4 {
		t.Fatalf("got %d entities, want 4", len(ents))
	}
	// Entities come first, then relationships, each sorted by casegraph ID.
	if ents[3].ID != "casegraph.rel.friends" {
		t.Errorf("a relation's own ID: %s", ents[3].ID)
	}
	for _, i := range []int{0, 2} {
		if id := ents[i].ID; len(id) > 200 || !idForm.MatchString(id) || !strings.HasPrefix(id, "casegraph.sha1.") {
			t.Errorf("a long ID: %s", id)
		}
	}
	if ents[0].ID == ents[2].ID {
		t.Errorf("an entity and a relationship share the ID %s", ents[0].ID)
	}
	slices.Reverse(b.Entities)
	slices.Reverse(b.Links)
	if again := ftm.Convert(b); !reflect.DeepEqual(again, ents) {
		t.Errorf("the same facts in another order give other entities:\n%v\nthen\n%v", ents, again)
	}
	if got := ents[3].Properties["associate"]; !slices.Equal(got, []string{ents[0].ID}) {
		t.Errorf("a relationship refers to %v, want the hashed %s", got, ents[0].ID)
	}
}

func TestCodesAgreeWithModel(t *testing.T) {
	m := loadModel(t)
	if !slices.Equal(ftm.Countries, m.Countries) {
		t.Errorf("the mapping's countries differ from the model's:\n%v\n%v", ftm.Countries, m.Countries)
	}
	for two, three := range ftm.Languages {
		if !slices.Contains(m.Languages, three) {
			t.Errorf("language %s: the model has no %s", two, three)
		}
	}
}

// The model the tests read must be the one make test installs.
func TestModelIsPinned(t *testing.T) {
	req, err := os.ReadFile("../../scripts/ftm-requirements.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := "followthemoney==" + loadModel(t).Version + "\n"
	if !strings.Contains(string(req), want) {
		t.Errorf("scripts/ftm-requirements.txt does not pin %q: regenerate testdata/model.json with the pinned followthemoney", strings.TrimSpace(want))
	}
}
