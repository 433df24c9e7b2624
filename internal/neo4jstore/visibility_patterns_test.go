package neo4jstore_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// restrictedFile adds to the bundled Mamai case what only monitors may
// read (visibility is the file's, {{vis}}): a sentence for his article 378
// charge, which the bundled files leave unpunished; a detention; a charge
// reclassified and re-initiated; an assessment; a contested claim.
const restrictedFile = `version: 2
visibility: {{vis}}
sources:
  - id: source/vr-report
    title: A monitors' report
    publisher: Monitors
    visibility: public
entities:
  - id: sentence/vr-mamai-378
    type: Sentence
    name: A fine for article 378 (restricted)
    case: case/zhanbolat-mamai-2022
    person: person/zhanbolat-mamai
    charges: [charge/mamai-378]
    date: '2023-03-01'
    kind: fine
    cite: [source/vr-report#p1]
  - id: restriction/vr-mamai-detention
    type: Restriction
    name: A detention the monitors recorded
    person: person/zhanbolat-mamai
    case: case/zhanbolat-mamai-2022
    kind: pre-trial-detention
    basis: preventive-measure
    start: '2022-02-01'
    end: '2022-03-01'
    cite: [source/vr-report#p2]
  - id: charge/vr-first
    type: Charge
    name: First charge (restricted)
    case: case/zhanbolat-mamai-2022
    defendant: person/zhanbolat-mamai
    category: other
    status: dropped
    verdict: none
    cite: [source/vr-report#p3]
  - id: charge/vr-second
    type: Charge
    name: Second charge (restricted)
    case: case/zhanbolat-mamai-2022
    defendant: person/zhanbolat-mamai
    category: other
    status: dropped
    verdict: none
    supersedes: charge/vr-first
    change: reclassified
    changeDate: '2022-04-01'
    cite: [source/vr-report#p3]
  - id: charge/vr-third
    type: Charge
    name: Third charge (restricted)
    case: case/zhanbolat-mamai-2022
    defendant: person/zhanbolat-mamai
    category: other
    status: convicted
    verdict: guilty
    date: '2022-09-01'
    supersedes: charge/vr-second
    change: re-initiated
    changeDate: '2022-09-01'
    contested: true
    note: The monitors doubt it.
    cite: [source/vr-report#p3]
relations:
  - type: ASSESSED
    from: organisation/kz-government-agency-debt-accusation
    to: case/zhanbolat-mamai-2022
    assessment: politically-motivated
    cite: [source/vr-report#p4]
`

func importRestricted(t *testing.T, s *neo4jstore.Store, vis string) {
	t.Helper()
	f, err := casefile.Parse("vr-mamai.yaml", []byte(strings.ReplaceAll(restrictedFile, "{{vis}}", vis)))
	if err != nil {
		t.Fatal(err)
	}
	importFiles(t, s, []*casefile.File{f})
}

// The cross-case questions of the bundled files, with a few facts of the
// Mamai case restricted to monitors: a reader without groups, or of
// another group, gets what the bundled files alone answer; a monitor and
// an admin get the restricted facts too; made public by a new import of
// the file, everyone does; and rows written by an older casegraph are
// rewritten per sight by Migrate.
func TestVisibilityOfPatternsOnTheBundledFiles(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	neo4jtest.ImportBundled(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		neo4jtest.Exec(t, uri, `MATCH (n) WHERE n.id CONTAINS '/vr-' OR n.name = 'vr-mamai.yaml' DETACH DELETE n`, nil)
		neo4jtest.Exec(t, uri, `MATCH (:Organisation {id: 'organisation/kz-government-agency-debt-accusation'})-[r:ASSESSED]->(:Case {id: $k}) DELETE r`, map[string]any{"k": patMamaiCase})
		if err := s.RebuildConvictionRows(ctx); err != nil {
			t.Error(err)
		}
	})
	monitor := kg.WithPrincipal(ctx, kg.Principal{Name: "m", Role: kg.Reader, Groups: []string{"monitors"}})
	lawyer := kg.WithPrincipal(ctx, kg.Principal{Name: "l", Role: kg.Reader, Groups: []string{"lawyers"}})
	admin := kg.WithPrincipal(ctx, kg.Principal{Name: "a", Role: kg.Admin})
	kept := neo4jstore.Keep(s, 16<<20)

	public := visibilityAnswers(t, s, kept, ctx)
	importRestricted(t, s, "[monitors]")
	for name, reader := range map[string]context.Context{"anonymous": ctx, "a lawyer": lawyer} {
		got := visibilityAnswers(t, s, kept, reader)
		for _, q := range sortedQuestions(public) {
			if got[q] != public[q] {
				t.Errorf("%s, %s: the restricted facts show:\n%s", name, q, neo4jtest.LineDiff(public[q], got[q]))
			}
		}
	}
	seesRestricted := func(who string, reader context.Context) {
		t.Helper()
		cs, _, err := kept.Convictions(reader, kg.ConvictionFilter{Articles: []string{"legal-article/kz-cc-378"}}, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(cs, func(c kg.Conviction) bool { return c.Charge == "charge/mamai-378" })
		if i < 0 || cs[i].Sentence != "sentence/vr-mamai-378" || cs[i].SentenceKind != "fine" {
			t.Errorf("%s: the conviction under 378 is %+v, want it with the restricted fine", who, cs)
		}
		counts, err := s.Counts(reader, kg.BySentence, kg.ConvictionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(counts, func(g kg.GroupCount) bool { return g.Key == "fine" }) {
			t.Errorf("%s: counts by sentence %+v, want the restricted fine", who, counts)
		}
		changes, err := s.ChargeChanges(reader)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(changes, func(c kg.ChargeChange) bool { return c.Final == "charge/vr-third" }) {
			t.Errorf("%s: charge changes %+v, want the restricted ones", who, changes)
		}
		pre, err := s.PretrialDetention(reader)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(jsonOf(t, pre), "restriction/vr-mamai-detention") {
			t.Errorf("%s: pre-trial detention %s, want the restricted detention", who, jsonOf(t, pre))
		}
		assessed, err := s.AssessedCases(reader, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(jsonOf(t, assessed), "kz-government-agency-debt-accusation") {
			t.Errorf("%s: assessed cases %s, want the restricted assessment", who, jsonOf(t, assessed))
		}
		contested, err := s.ContestedClaims(reader)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(contested, func(c kg.ContestedClaim) bool { return c.ID == "charge/vr-third" && c.About == patMamaiCase }) {
			t.Errorf("%s: contested claims %+v, want the restricted charge", who, contested)
		}
	}
	seesRestricted("a monitor", monitor)
	seesRestricted("an admin", admin)
	sameTallies := func(when string) {
		t.Helper()
		before := tallies(t, uri)
		if err := s.RebuildConvictionRows(ctx); err != nil {
			t.Fatal(err)
		}
		if after := tallies(t, uri); !slices.Equal(before, after) {
			t.Errorf("%s: the tallies kept through the writes differ from a rebuild:\n%s", when, neo4jtest.LineDiff(strings.Join(before, "\n"), strings.Join(after, "\n")))
		}
	}
	sameTallies("the file restricted")
	all := convictionsQuestion(t, kg.ConvictionFilter{})
	if !strings.Contains(public[all], `"Charge": "charge/mamai-378"`) || strings.Contains(public[all], "vr-") {
		t.Fatalf("the public conviction under 378 is missing, or a restricted fact shows:\n%s", public[all])
	}

	// Older rows, written before rows were kept per sight, are written
	// again by Migrate.
	neo4jtest.Exec(t, uri, `MATCH (r:ConvictionRow) REMOVE r.among, r.sights, r:Variant`, nil)
	neo4jtest.Exec(t, uri, `MATCH (g:GraphState {id: 'graph'}) SET g.rowsFormat = 1`, nil)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got := visibilityAnswers(t, s, kept, ctx); got[all] != public[all] {
		t.Errorf("after Migrate, anonymous convictions:\n%s", neo4jtest.LineDiff(public[all], got[all]))
	}
	seesRestricted("a monitor, after Migrate", monitor)

	// The file again, public: its facts' rows are written anew for all.
	importRestricted(t, s, "public")
	seesRestricted("anonymous, the file public", ctx)
	seesRestricted("a lawyer, the file public", lawyer)
	sameTallies("the file public")
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
