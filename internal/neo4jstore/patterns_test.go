package neo4jstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// The cross-case questions, asked of the bundled case files. Each answer
// below is what those files state; each question must cost one statement.

const (
	patMamai      = "person/zhanbolat-mamai"
	patMamaiCase  = "case/zhanbolat-mamai-2022"
	patIlyashev   = "person/alnur-ilyashev"
	patAbzhan     = "person/makhambet-abzhan"
	patAirport    = "case/almaty-airport-seizure"
	patArticle274 = "legal-article/kz-cc-274"
)

func patternStore(t *testing.T) *neo4jstore.Store {
	t.Helper()
	s := neo4jtest.StoreAt(t, neo4jtest.URI(t))
	neo4jtest.ImportBundled(t, s)
	return s
}

// patternCtx counts statements and checks, when the test ends, that the
// question sent exactly one.
func patternCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	ctx, n := neo4jstore.WithStatementCounter(ctx)
	t.Cleanup(func() {
		cancel()
		if got := n.Load(); got != 1 {
			t.Errorf("sent %d statements, want 1", got)
		}
	})
	return ctx
}

func persons(cs []kg.Conviction) []string {
	var out []string
	for _, c := range cs {
		if !slices.Contains(out, c.Person) {
			out = append(out, c.Person)
		}
	}
	return out
}

func TestConvictions(t *testing.T) {
	s := patternStore(t)
	bans := []string{"political-activity-ban", "civic-activity-ban", "social-media-ban"}
	tests := []struct {
		name   string
		filter kg.ConvictionFilter
		want   []string // persons that must be among the answers
		not    []string // persons that must not
	}{
		{"article 274 with a ban", kg.ConvictionFilter{Articles: []string{patArticle274}, RestrictionKinds: bans},
			[]string{patMamai, patIlyashev}, []string{patAbzhan}},
		{"article 274, any part", kg.ConvictionFilter{Articles: []string{patArticle274}},
			[]string{patMamai, patIlyashev, patAbzhan}, nil},
		{"suspended sentences", kg.ConvictionFilter{SentenceKinds: []string{"suspended"}},
			[]string{patMamai}, []string{patIlyashev, patAbzhan}},
		{"courts in Almaty", kg.ConvictionFilter{Cities: []string{"place/almaty"}},
			[]string{patMamai, patIlyashev}, []string{patAbzhan}},
		{"one court", kg.ConvictionFilter{Courts: []string{"court/almaty-court-mamai-trial"}},
			[]string{patMamai}, []string{patIlyashev, patAbzhan}},
		{"Democratic Party", kg.ConvictionFilter{Parties: []string{"party/democratic-party"}},
			[]string{patMamai}, []string{patIlyashev, patAbzhan}},
		{"in 2023", kg.ConvictionFilter{From: mustPatternDate(t, "2023"), To: mustPatternDate(t, "2023")},
			[]string{patMamai, patAbzhan}, []string{patIlyashev}},
		{"filters combine", kg.ConvictionFilter{Articles: []string{patArticle274}, SentenceKinds: []string{"custodial"}},
			[]string{patAbzhan}, []string{patMamai, patIlyashev}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := s.Convictions(patternCtx(t), tc.filter, 100, 0)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(got) {
				t.Errorf("total %d, but the one page holds %d", total, len(got))
			}
			ps := persons(got)
			for _, p := range tc.want {
				if !slices.Contains(ps, p) {
					t.Errorf("%s missing from %v", p, ps)
				}
			}
			for _, p := range tc.not {
				if slices.Contains(ps, p) {
					t.Errorf("%s should not be among %v", p, ps)
				}
			}
		})
	}
}

func TestConvictionContext(t *testing.T) {
	s := patternStore(t)
	got, _, err := s.Convictions(patternCtx(t), kg.ConvictionFilter{Articles: []string{patArticle274}, SentenceKinds: []string{"suspended"}}, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %d convictions, want Mamai's 274 charge: %+v", len(got), got)
	}
	c := got[0]
	if c.Charge != "charge/mamai-274" || c.Case != patMamaiCase || c.Article != patArticle274 ||
		c.Sentence != "sentence/mamai-2023-04-10" || c.Court != "court/almaty-court-mamai-trial" ||
		c.SentenceKind != "suspended" || c.TermMonths != 72 {
		t.Errorf("got %+v", c)
	}
	if c.Date == nil || c.Date.Text != "2023-04-10" {
		t.Errorf("date %+v, want the sentence date 2023-04-10", c.Date)
	}
	if !slices.Contains(c.Restrictions, "restriction/mamai-social-media-ban") || slices.Contains(c.Restrictions, "restriction/ilyashev-political-activity-ban") {
		t.Errorf("restrictions %v", c.Restrictions)
	}
	// With a city filter the court is worked out before paging; the row
	// must read the same.
	again, _, err := s.Convictions(patternCtx(t), kg.ConvictionFilter{Articles: []string{patArticle274}, SentenceKinds: []string{"suspended"}, Cities: []string{"place/almaty"}}, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || !reflect.DeepEqual(again[0], c) {
		t.Errorf("with a city filter got %+v, want %+v", again, c)
	}
}

func TestConvictionsPage(t *testing.T) {
	s := patternStore(t)
	f := kg.ConvictionFilter{Articles: []string{patArticle274}}
	all, total, err := s.Convictions(context.Background(), f, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if total < 3 || len(all) != total {
		t.Fatalf("total %d, %d rows", total, len(all))
	}
	for i := 1; i < len(all); i++ {
		if a, b := all[i-1].Date, all[i].Date; a != nil && b != nil && a.Start.Before(b.Start) {
			t.Errorf("not newest first: %s before %s", a.Text, b.Text)
		}
	}
	for _, offset := range []int{0, 1, total - 1, total} {
		page, n, err := s.Convictions(patternCtx(t), f, 1, offset)
		if err != nil {
			t.Fatal(err)
		}
		if n != total {
			t.Errorf("offset %d: total %d, want %d", offset, n, total)
		}
		switch {
		case offset < total && (len(page) != 1 || page[0].Charge != all[offset].Charge):
			t.Errorf("offset %d: got %+v, want %s", offset, page, all[offset].Charge)
		case offset == total && len(page) != 0:
			t.Errorf("past the end: got %+v", page)
		}
	}
}

func TestChargeChanges(t *testing.T) {
	s := patternStore(t)
	got, err := s.ChargeChanges(patternCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(got, func(c kg.ChargeChange) bool { return c.Final == "charge/mamai-272-reinitiated" })
	if i < 0 {
		t.Fatalf("Mamai's chain missing from %+v", got)
	}
	c := got[i]
	if c.Original != "charge/mamai-272" || c.Reclassified != "charge/mamai-400" || c.Case != patMamaiCase || c.Person != patMamai {
		t.Errorf("got %+v", c)
	}
	if c.ReclassifiedOn == nil || c.ReclassifiedOn.Text != "before 2022-12" || c.ReinitiatedOn == nil || c.ReinitiatedOn.Text != "2023-01" {
		t.Errorf("dates %+v, %+v", c.ReclassifiedOn, c.ReinitiatedOn)
	}
	// Reclassified some time before December 2022 and re-initiated in
	// January 2023: at least a month apart (30 November to 1 January), and
	// nothing bounds how long before December the reclassification came.
	if !c.Dated || c.Months != (kg.Span{Least: 1, Most: -1}) {
		t.Errorf("months %+v (dated %v), want at least 1 and no upper bound", c.Months, c.Dated)
	}
}

func TestCounts(t *testing.T) {
	s := patternStore(t)
	tests := []struct {
		by     kg.CountDimension
		filter kg.ConvictionFilter
		key    string
		count  int
	}{
		// Mamai, Abzhan (under parts 2 and 3, counted once) and Ilyashev.
		{kg.ByArticle, kg.ConvictionFilter{}, patArticle274, 3},
		{kg.ByArticle, kg.ConvictionFilter{}, "legal-article/kz-cc-194", 1},
		{kg.ByCourt, kg.ConvictionFilter{}, "court/almaty-court-mamai-trial", 1},
		// A court or city filter works the court out before counting.
		{kg.ByCourt, kg.ConvictionFilter{Cities: []string{"place/almaty"}}, "court/almaty-court-mamai-trial", 1},
		{kg.ByArticle, kg.ConvictionFilter{Courts: []string{"court/almaty-court-mamai-trial"}}, patArticle274, 1},
		{kg.ByYear, kg.ConvictionFilter{Articles: []string{patArticle274}}, "2023", 2},
		{kg.ByYear, kg.ConvictionFilter{Articles: []string{patArticle274}}, "2020", 1},
		{kg.ByRestriction, kg.ConvictionFilter{}, "political-activity-ban", 4},
		// Seven of the nine unnamed activists were also given compulsory labour.
		{kg.ByRestriction, kg.ConvictionFilter{}, "compulsory-labour", 7},
		{kg.BySentence, kg.ConvictionFilter{}, "suspended", 1},
		// Mamai's time-barred 378 charge is the one guilty charge with no sentence.
		{kg.ByArticle, kg.ConvictionFilter{Unpunished: ptr(true)}, "legal-article/kz-cc-378", 1},
		{kg.ByArticle, kg.ConvictionFilter{Unpunished: ptr(false)}, patArticle274, 3},
	}
	for _, tc := range tests {
		t.Run(string(tc.by)+" "+tc.key, func(t *testing.T) {
			got, err := s.Counts(patternCtx(t), tc.by, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(got, func(g kg.GroupCount) bool { return g.Key == tc.key })
			if i < 0 || got[i].People() != tc.count || got[i].Label == "" {
				t.Errorf("want %s counted %d, got %+v", tc.key, tc.count, got)
			}
			for j := 1; j < len(got); j++ {
				if got[j-1].People() < got[j].People() {
					t.Errorf("not ordered by count: %+v", got)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestUnpunishedConvictions(t *testing.T) {
	s := patternStore(t)
	tests := []struct {
		name       string
		unpunished bool
		want, not  string // charges that must and must not be among the answers
	}{
		{"time-barred without a sentence", true, "charge/mamai-378", "charge/mamai-274"},
		{"with a sentence", false, "charge/mamai-274", "charge/mamai-378"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := s.Convictions(patternCtx(t), kg.ConvictionFilter{Unpunished: &tc.unpunished}, 100, 0)
			if err != nil {
				t.Fatal(err)
			}
			var charges []string
			for _, c := range got {
				charges = append(charges, c.Charge)
				if (c.Sentence == "") != tc.unpunished {
					t.Errorf("%s has sentence %q", c.Charge, c.Sentence)
				}
			}
			if !slices.Contains(charges, tc.want) || slices.Contains(charges, tc.not) {
				t.Errorf("charges %v, want %s and not %s", charges, tc.want, tc.not)
			}
		})
	}
	recs := neo4jtest.Exec(t, neo4jtest.URI(t), "MATCH (c:Charge {id: $id}) RETURN c.status AS status", map[string]any{"id": "charge/mamai-378"})
	if len(recs) != 1 {
		t.Fatalf("charge/mamai-378 missing")
	}
	if status, _ := recs[0].Get("status"); status != "time-barred" {
		t.Errorf("charge/mamai-378 status %v, want time-barred", status)
	}
}

func TestCountsRejectsUnknownDimension(t *testing.T) {
	s := patternStore(t)
	if _, err := s.Counts(context.Background(), "COLOUR", kg.ConvictionFilter{}); kg.ErrorCode(err) != kg.Invalid {
		t.Errorf("got %v, want %s", err, kg.Invalid)
	}
}

func findShared(cg kg.CommonGround, kind, id string) (kg.Shared, bool) {
	for _, sh := range cg.Shared {
		if sh.Kind == kind && sh.ID == id {
			return sh, true
		}
	}
	return kg.Shared{}, false
}

func TestCommonGround(t *testing.T) {
	s := patternStore(t)
	tests := []struct {
		name, a, b string
		kind, id   string
		reasons    []string // each must be among the reasons
	}{
		{"two people share article 274", patMamai, patIlyashev, "article", patArticle274, []string{
			patMamai + " charged under it in " + patMamaiCase,
			patIlyashev + " charged under it in case/alnur-ilyashev-2020"}},
		{"and a ban", patMamai, patIlyashev, "restriction-kind", "political-activity-ban", nil},
		{"a part counts for its article", patMamai, patAbzhan, "article", patArticle274, []string{
			patAbzhan + " charged under legal-article/kz-cc-274-2 in case/makhambet-abzhan-2022"}},
		{"a person and a case share an event", patMamai, patAirport, "event", "event/january-2022-unrest", []string{
			patMamai + " took part in it"}},
		{"two cases share an assessing organisation", patMamaiCase, patAirport, "organisation", "organisation/iphr", nil},
		{"two cases share a city", patMamaiCase, patAirport, "place", "place/almaty", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cg, err := s.CommonGround(patternCtx(t), tc.a, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			sh, ok := findShared(cg, tc.kind, tc.id)
			if !ok {
				t.Fatalf("%s %s not shared: %+v", tc.kind, tc.id, cg.Shared)
			}
			if len(sh.Reasons) < 2 || sh.Label == "" {
				t.Errorf("want a label and a reason for each side: %+v", sh)
			}
			for _, r := range tc.reasons {
				if !slices.Contains(sh.Reasons, r) {
					t.Errorf("reason %q missing from %q", r, sh.Reasons)
				}
			}
		})
	}
}

func TestCommonGroundRejects(t *testing.T) {
	s := patternStore(t)
	tests := []struct {
		a, b string
		code kg.Code
	}{
		{patMamai, "person/nobody", kg.NotFound},
		{"case/nothing", patMamai, kg.NotFound},
		{patMamai, patArticle274, kg.Invalid},
		{"place/almaty", patMamaiCase, kg.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.a+" "+tc.b, func(t *testing.T) {
			if _, err := s.CommonGround(patternCtx(t), tc.a, tc.b); kg.ErrorCode(err) != tc.code {
				t.Errorf("got %v, want %s", err, tc.code)
			}
		})
	}
}

func TestSimilarCases(t *testing.T) {
	s := patternStore(t)
	got, err := s.SimilarCases(patternCtx(t), patMamaiCase, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d cases, want 3: %+v", len(got), got)
	}
	for i, c := range got {
		if c.Case == patMamaiCase {
			t.Errorf("the case itself is listed")
		}
		if i > 0 && (got[i-1].Score < c.Score || got[i-1].Score == c.Score && got[i-1].Case > c.Case) {
			t.Errorf("not ranked: %+v", got)
		}
	}
	// Ilyashev's case shares article 274 (3), its category, false
	// information (2), and two activity bans (2 each).
	i := slices.IndexFunc(got, func(c kg.SimilarCase) bool { return c.Case == "case/alnur-ilyashev-2020" })
	if i < 0 {
		t.Fatalf("Ilyashev's case not among the top three: %+v", got)
	}
	if got[i].Score != 9 || !slices.Contains(got[i].Reasons, "shared offence-category false-information") || !slices.ContainsFunc(got[i].Reasons, func(r string) bool {
		return strings.HasPrefix(r, "shared article "+patArticle274)
	}) {
		t.Errorf("got %+v", got[i])
	}
}

func TestSimilarCasesRejects(t *testing.T) {
	s := patternStore(t)
	tests := []struct {
		id    string
		first int
		code  kg.Code
	}{
		{"case/nothing", 5, kg.NotFound},
		{patMamai, 5, kg.Invalid},
	}
	for _, tc := range tests {
		if _, err := s.SimilarCases(patternCtx(t), tc.id, tc.first); kg.ErrorCode(err) != tc.code {
			t.Errorf("%s: got %v, want %s", tc.id, err, tc.code)
		}
	}
	if _, err := s.SimilarCases(context.Background(), patMamaiCase, 0); kg.ErrorCode(err) != kg.Invalid {
		t.Errorf("first 0: got %v, want %s", err, kg.Invalid)
	}
}

func TestArrestsAfterProtests(t *testing.T) {
	s := patternStore(t)
	tests := []struct {
		within   int
		protests []string // the protests Mamai's arrest follows within that time
	}{
		{1, nil},
		{3, []string{"event/january-2022-unrest"}},
		{24, []string{"event/democratic-party-protest-2021", "event/january-2022-unrest"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("within %d months", tc.within), func(t *testing.T) {
			got, err := s.ArrestsAfterProtests(patternCtx(t), tc.within)
			if err != nil {
				t.Fatal(err)
			}
			var protests []string
			for _, a := range got {
				if a.Person != patMamai {
					continue
				}
				protests = append(protests, a.Protest)
				if a.Party != "party/democratic-party" || a.Relation != "LEADS" || a.Role != "leader" || a.Arrest != "event/mamai-arrest-2022-03" {
					t.Errorf("got %+v", a)
				}
				if a.Months.Most < 0 || a.Months.Most > tc.within || a.ArrestDate == nil || a.ProtestDate == nil {
					t.Errorf("got %+v", a)
				}
				// January 2022 to March 2022: 1 to 3 months, never one invented number.
				if a.Protest == "event/january-2022-unrest" && (a.Months != kg.Span{Least: 1, Most: 3} || !slices.Contains(a.Via, "participated") || !slices.Contains(a.Via, "case-concerns")) {
					t.Errorf("got %+v", a)
				}
			}
			slices.Sort(protests)
			if !slices.Equal(protests, tc.protests) {
				t.Errorf("protests %v, want %v", protests, tc.protests)
			}
		})
	}
}

func TestPretrialDetention(t *testing.T) {
	s := patternStore(t)
	got, err := s.PretrialDetention(patternCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		person, verdict string
		months          []kg.Span // per period, in order of start
		open            bool
	}{
		// March to November 2022: 7 to 9 months, then house arrest with no end.
		{patMamai, "2023-04-10", []kg.Span{{Least: 7, Most: 9}, {Least: 0, Most: -1}}, true},
		// May 2023 to 29 November 2023.
		{"person/marat-zhylanbaev", "2023-11-29", []kg.Span{{Least: 6, Most: 7}}, false},
		// From 17 April 2020 until some time after 21 June 2020.
		{patIlyashev, "2020-06-22", []kg.Span{{Least: 2, Most: -1}}, true},
		{"person/aigerim-tleuzhan", "2023-07-11", []kg.Span{{Least: 0, Most: -1}}, true},
	}
	for _, tc := range tests {
		i := slices.IndexFunc(got, func(r kg.PretrialRecord) bool { return r.Person == tc.person })
		if i < 0 {
			t.Errorf("%s missing", tc.person)
			continue
		}
		r := got[i]
		var months []kg.Span
		for _, p := range r.Periods {
			months = append(months, p.Months)
		}
		if !slices.Equal(months, tc.months) || r.Open != tc.open || r.VerdictDate == nil || r.VerdictDate.Text != tc.verdict {
			t.Errorf("%s: got %+v", tc.person, r)
		}
	}
}

func TestAssessedCases(t *testing.T) {
	s := patternStore(t)
	got, err := s.AssessedCases(patternCtx(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(got, func(c kg.AssessedCase) bool { return c.Case == patAirport })
	if i < 0 {
		t.Fatalf("the patAirport case missing from %+v", got)
	}
	c := got[i]
	if !slices.Equal(c.Organisations, []string{"organisation/iphr", "organisation/kibhr"}) || len(c.Assessments) < 2 {
		t.Errorf("got %+v", c)
	}
	for _, id := range []string{"rel/airport-case-heard-by-specialised-court", "rel/airport-case-heard-by-nauryzbay-court"} {
		if !slices.Contains(c.Contested, id) {
			t.Errorf("contested %v, want %s", c.Contested, id)
		}
	}
	// IPHR alone assessed Mamai's case, three times over.
	if slices.ContainsFunc(got, func(c kg.AssessedCase) bool { return c.Case == patMamaiCase }) {
		t.Errorf("Mamai's case has one assessing organisation: %+v", got)
	}
}

func TestArticlePairs(t *testing.T) {
	s := patternStore(t)
	got, err := s.ArticlePairs(patternCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	has := func(a, b string) bool {
		return slices.ContainsFunc(got, func(p kg.ArticlePair) bool { return p.A == a && p.B == b && p.Count >= 1 })
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{"legal-article/kz-cc-272", patArticle274, true},
		{"legal-article/kz-cc-194", patArticle274, true},
		{patArticle274, "legal-article/kz-cc-378", true},
		// 400 was replaced by the re-initiated 272, never charged beside it.
		{"legal-article/kz-cc-272", "legal-article/kz-cc-400", false},
	}
	for _, tc := range tests {
		if has(tc.a, tc.b) != tc.want {
			t.Errorf("pair %s %s: want %v in %+v", tc.a, tc.b, tc.want, got)
		}
	}
}

func TestContestedClaims(t *testing.T) {
	s := patternStore(t)
	got, err := s.ContestedClaims(patternCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"rel/airport-case-heard-by-specialised-court", "rel/airport-case-heard-by-nauryzbay-court"} {
		i := slices.IndexFunc(got, func(c kg.ContestedClaim) bool { return c.ID == id })
		if i < 0 {
			t.Errorf("%s missing from %+v", id, got)
			continue
		}
		if c := got[i]; c.Type != "HEARD_BY" || c.About != patAirport || c.Note == "" || len(c.Sources) != 1 {
			t.Errorf("got %+v", c)
		}
	}
}

func mustPatternDate(t *testing.T, s string) *kg.Date {
	t.Helper()
	d, err := kg.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

// associatesCase ties three people to one organisation: a convicted under
// article 274 in September 2020; b charged under it later, dated only by
// the opening of b's case; c charged under it before a's conviction. {tag}
// keeps the IDs apart from the bundled data and other tests.
const associatesCase = `version: 1
sources:
  - id: source/{tag}-report
    title: A report
    publisher: Someone
entities:
  - id: organisation/{tag}-org
    type: Organisation
    name: Org
    cite: [source/{tag}-report#p1]
  - id: person/{tag}-a
    type: Person
    name: A
    cite: [source/{tag}-report#p1]
  - id: person/{tag}-b
    type: Person
    name: B
    cite: [source/{tag}-report#p1]
  - id: person/{tag}-c
    type: Person
    name: C
    cite: [source/{tag}-report#p1]
  - id: case/{tag}-a
    type: Case
    name: Case against A
    cite: [source/{tag}-report#p2]
  - id: case/{tag}-b
    type: Case
    name: Case against B
    opened: 2022-02
    cite: [source/{tag}-report#p2]
  - id: case/{tag}-c
    type: Case
    name: Case against C
    cite: [source/{tag}-report#p2]
  - id: charge/{tag}-a
    type: Charge
    name: Charge against A
    case: case/{tag}-a
    defendant: person/{tag}-a
    article: legal-article/kz-cc-274
    status: convicted
    verdict: guilty
    cite: [source/{tag}-report#p2]
  - id: sentence/{tag}-a
    type: Sentence
    name: Sentence of A
    case: case/{tag}-a
    person: person/{tag}-a
    charges: [charge/{tag}-a]
    date: 2020-09-15
    kind: fine
    cite: [source/{tag}-report#p2]
  - id: charge/{tag}-b
    type: Charge
    name: Charge against B
    case: case/{tag}-b
    defendant: person/{tag}-b
    article: legal-article/kz-cc-274-2
    status: pending
    cite: [source/{tag}-report#p2]
  - id: charge/{tag}-c
    type: Charge
    name: Charge against C
    case: case/{tag}-c
    defendant: person/{tag}-c
    article: legal-article/kz-cc-274
    status: brought
    date: 2019-06
    cite: [source/{tag}-report#p2]
relations:
  - type: WORKS_FOR
    from: person/{tag}-a
    to: organisation/{tag}-org
    cite: [source/{tag}-report#p1]
  - type: MEMBER_OF
    from: person/{tag}-b
    to: organisation/{tag}-org
    cite: [source/{tag}-report#p1]
  - type: WORKS_FOR
    from: person/{tag}-c
    to: organisation/{tag}-org
    cite: [source/{tag}-report#p1]
`

// importAssociates imports associatesCase under a tag unique to this run
// and removes what it wrote when the test ends.
func importAssociates(t *testing.T, s *neo4jstore.Store) string {
	t.Helper()
	uri := neo4jtest.URI(t)
	tag := fmt.Sprintf("assoc%x", time.Now().UnixNano())
	t.Cleanup(func() {
		neo4jtest.Exec(t, uri, "MATCH (n:Entity) WHERE n.id CONTAINS $tag DETACH DELETE n", map[string]any{"tag": tag})
		neo4jtest.Exec(t, uri, "MATCH (f:CaseFile) WHERE f.name STARTS WITH $tag DELETE f", map[string]any{"tag": tag})
	})
	path := filepath.Join(t.TempDir(), tag+".yaml")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(associatesCase, "{tag}", tag)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	files, err := casefile.Load([]string{path}, casefile.InGraph(ctx, s))
	if err != nil {
		t.Fatalf("fixture:\n%v", err)
	}
	if _, err := s.Import(ctx, []kg.Batch{files[0].Batch}, admin); err != nil {
		t.Fatalf("import: %v", err)
	}
	return tag
}

func TestLaterChargedAssociates(t *testing.T) {
	s := patternStore(t)

	// The bundled files tie no one to Mamai, Ilyashev or Abzhan who was
	// later charged under one of their articles: the airport defendants
	// share the January 2022 unrest with Mamai, but their charges name no
	// article.
	got, err := s.LaterChargedAssociates(patternCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range got {
		if slices.Contains([]string{patMamai, patIlyashev, patAbzhan}, a.Convicted) {
			t.Errorf("bundled data: got %+v", a)
		}
	}

	tag := importAssociates(t, s)
	got, err = s.LaterChargedAssociates(patternCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	var mine []kg.Associate
	for _, a := range got {
		if strings.Contains(a.Convicted, tag) || strings.Contains(a.Associate, tag) {
			mine = append(mine, a)
		}
	}
	tests := []struct {
		associate string
		want      bool
	}{
		{"person/" + tag + "-b", true},  // charged after the conviction, under a part of the article
		{"person/" + tag + "-c", false}, // charged before it
		{"person/" + tag + "-a", false}, // not their own associate
	}
	for _, tc := range tests {
		i := slices.IndexFunc(mine, func(a kg.Associate) bool { return a.Associate == tc.associate })
		if (i >= 0) != tc.want {
			t.Errorf("%s: found %v, want %v in %+v", tc.associate, i >= 0, tc.want, mine)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("got %+v, want one pair", mine)
	}
	a := mine[0]
	if a.Convicted != "person/"+tag+"-a" || a.Via != "organisation/"+tag+"-org" || a.Article != patArticle274 {
		t.Errorf("got %+v", a)
	}
	if a.ConvictedOn == nil || a.ConvictedOn.Text != "2020-09-15" || a.ChargedOn == nil || a.ChargedOn.Text != "2022-02" {
		t.Errorf("dates %+v, %+v; want the sentence date and the opening of the case", a.ConvictedOn, a.ChargedOn)
	}
}
