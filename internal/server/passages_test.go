package server_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// Source texts: quotes of citations, the paragraph check against a text
// the graph holds, passage search and coverage.

// sourcesDir is where the source documents are; they are the publishers'
// words and not part of the project, so tests that read them need it set.
func sourcesDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CASEGRAPH_SOURCES_DIR")
	if dir == "" {
		t.Skip("CASEGRAPH_SOURCES_DIR is not set: the source texts are not on this machine")
	}
	return dir
}

func TestEveryMamaiCitationIsQuoted(t *testing.T) {
	dir := sourcesDir(t)
	a := newAPI(t)
	recs := neo4jtest.Exec(t, neo4jtest.URI(t), `
		MATCH (n:Entity {origin: 'mamai.yaml'}) RETURN collect(n.id) AS ids`, nil)
	raw, _ := recs[0].Get("ids")
	var ids []string
	for _, id := range raw.([]any) {
		ids = append(ids, id.(string))
	}
	if len(ids) < 25 {
		t.Fatalf("only %d entities of the Mamai file", len(ids))
	}
	body, _ := json.Marshal(ids)
	r, _ := a.post(t, fmt.Sprintf(`{ nodes(ids: %s) { ... on Entity { id citations { ref quote unquoted } } } }`, body), nil)
	noErrors(t, r)
	var d struct {
		Nodes []struct {
			ID        string
			Citations []struct {
				Ref      string
				Quote    *string
				Unquoted *string
			}
		}
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	report, _ := os.ReadFile(filepath.Join(dir, "2023-04-iphr-mamai-conviction.txt"))
	paras := casefile.Paragraphs(report, true)
	quoted := 0
	for _, n := range d.Nodes {
		for _, c := range n.Citations {
			if c.Quote == nil || *c.Quote == "" {
				t.Errorf("%s: %s has no quote (%v)", n.ID, c.Ref, c.Unquoted)
				continue
			}
			quoted++
			cite, err := kg.ParseCitation(c.Ref)
			if err == nil && cite.Source == "source/iphr-2023-04-mamai" && *c.Quote != paras[cite.Paragraph-1] {
				t.Errorf("%s quotes %.60q, want paragraph %d of the report", c.Ref, *c.Quote, cite.Paragraph)
			}
		}
	}
	if quoted < 50 {
		t.Errorf("only %d citations quoted", quoted)
	}

	// Citations answered outside the compiled reads are quoted too.
	r, _ = a.post(t, `{ timeline(of: "case/zhanbolat-mamai-2022") { citations { ref quote } } }`, nil)
	noErrors(t, r)
	if strings.Contains(string(r.Data), `"quote":null`) {
		t.Errorf("a timeline citation has no quote: %.300s", r.Data)
	}
}

func TestCitationOfAMissingParagraphIsRefused(t *testing.T) {
	a := newAPI(t)
	src := fmt.Sprintf("source/mt-text-%d", time.Now().UnixNano())
	cleanup(t, src)
	t.Cleanup(func() {
		neo4jtest.Exec(t, neo4jtest.URI(t), `MATCH (n) WHERE (n:Passage OR n:SourceText) AND n.source = $id DETACH DELETE n`, map[string]any{"id": src})
	})
	var lines []string
	for i := 1; i <= 10; i++ {
		lines = append(lines, fmt.Sprintf("Paragraph %d of a test report on a trial.", i))
	}
	content, _ := json.Marshal(strings.Join(lines, "\n\n"))
	r, _ := a.postAs(t, a.tokens[kg.Editor], fmt.Sprintf(`mutation { addSource(input: {id: %q, fields: {title: "Test report", publisher: "Tests", language: "en"}, content: %s}) { id } }`, src, content), nil)
	noErrors(t, r)
	// Storing the text is in the source's history, as an op the API has.
	r, _ = a.post(t, fmt.Sprintf(`{ history(id: %q) { op after } }`, src), nil)
	noErrors(t, r)
	if !strings.Contains(string(r.Data), `"op":"TEXT","after":{"paragraphs":10}`) {
		t.Errorf("history of the source: %s, want its text stored", r.Data)
	}

	// Nothing cites the text yet: every paragraph is uncited. A source no
	// graph holds is not found.
	r, _ = a.post(t, fmt.Sprintf(`{ coverage(source: %q) { held cited uncited { paragraph } } }`, src), nil)
	noErrors(t, r)
	if !strings.Contains(string(r.Data), `"held":true,"cited":[],"uncited":[{"paragraph":1}`) || !strings.Contains(string(r.Data), `{"paragraph":10}]`) {
		t.Errorf("coverage of a text nothing cites: %s", r.Data)
	}
	r, _ = a.post(t, `{ coverage(source: "source/no-such-report") { held } }`, nil)
	if code(r) != "NOT_FOUND" {
		t.Errorf("coverage of an unknown source: %+v, want NOT_FOUND", r.Errors)
	}

	person := a.person(t)
	r, _ = a.postAs(t, a.tokens[kg.Editor], fmt.Sprintf(`mutation { updateEntity(id: %q, version: 1, set: {occupations: ["activist"]}, cite: [%q]) { id } }`, person, src+"#p99"), nil)
	if code(r) != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "has only 10 paragraphs") {
		t.Errorf("updateEntity citing paragraph 99 of 10: %+v", r.Errors)
	}
	file := fmt.Sprintf("version: 2\nentities:\n  - id: %s-x\n    type: Person\n    name: Cited Twice\n    cite: [%s#p2, %s#p99]\n", person, src, src)
	body, _ := json.Marshal(file)
	r, _ = a.postAs(t, a.tokens[kg.Editor], fmt.Sprintf(`mutation { importCaseFile(name: "mt-text.yaml", content: %s) { ok problems { line column message } } }`, body), nil)
	noErrors(t, r)
	line := strings.Split(file, "\n")[5]
	at := fmt.Sprintf(`"line":6,"column":%d`, strings.Index(line, src+"#p99")+1)
	if !strings.Contains(string(r.Data), at) || !strings.Contains(string(r.Data), "has only 10 paragraphs") || strings.Contains(string(r.Data), `"ok":true`) {
		t.Errorf("importCaseFile citing paragraph 99 of 10: %s", r.Data)
	}

	// A paragraph the text has is quoted, and coverage lists the rest.
	r, _ = a.postAs(t, a.tokens[kg.Editor], fmt.Sprintf(`mutation { updateEntity(id: %q, version: 1, set: {occupations: ["activist"]}, cite: [%q, %q]) { id citations { ref quote } } }`, person, src+"#p2", src+"#p10"), nil)
	noErrors(t, r)
	if !strings.Contains(string(r.Data), `"quote":"Paragraph 10 of a test report on a trial."`) {
		t.Errorf("no quote of paragraph 10: %s", r.Data)
	}
	r, _ = a.post(t, fmt.Sprintf(`{ coverage(source: %q) { held paragraphs cited uncited { paragraph ref text } } }`, src), nil)
	noErrors(t, r)
	var d struct {
		Coverage struct {
			Held       bool
			Paragraphs int
			Cited      []int
			Uncited    []struct{ Paragraph int }
		}
	}
	_ = json.Unmarshal(r.Data, &d)
	var uncited []int
	for _, u := range d.Coverage.Uncited {
		uncited = append(uncited, u.Paragraph)
	}
	if !d.Coverage.Held || d.Coverage.Paragraphs != 10 || !slices.Equal(d.Coverage.Cited, []int{2, 10}) || !slices.Equal(uncited, []int{1, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("coverage %+v, want 2 and 10 cited and the other eight listed", d.Coverage)
	}

	// A shorter text would leave paragraph 10's citation with nothing to
	// quote: it is refused, and the text held stays.
	short, _ := json.Marshal(strings.Join(lines[:5], "\n"))
	r, _ = a.postAs(t, a.tokens[kg.Editor], fmt.Sprintf(`mutation { addSource(input: {id: %q, fields: {title: "Test report", publisher: "Tests", language: "en"}, content: %s}) { id } }`, src, short), nil)
	if code(r) != "CONFLICT" || !strings.Contains(r.Errors[0].Message, src+"#p10") {
		t.Errorf("a text shorter than its citations: %+v", r.Errors)
	}
	r, _ = a.post(t, fmt.Sprintf(`{ coverage(source: %q) { paragraphs } }`, src), nil)
	if !strings.Contains(string(r.Data), `"paragraphs":10`) {
		t.Errorf("the text held changed: %s", r.Data)
	}
}

func TestPassageSearchAcrossScripts(t *testing.T) {
	sourcesDir(t)
	a := newAPI(t)
	const russian = "source/rferl-mirror-2021-10-almaly-13-activists-ru"
	for _, q := range []string{"Алмалинский", "Almalinsky", "almalinskiy sud"} {
		r, _ := a.post(t, `query($q: String!) { passages(query: $q, first: 5) { totalCount edges { node { source { id } paragraph ref snippet { text match } citedBy { id } } } } }`, map[string]any{"q": q})
		noErrors(t, r)
		var d struct {
			Passages struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Source    struct{ ID string }
						Paragraph int
						Snippet   []struct {
							Text  string
							Match bool
						}
						CitedBy []struct{ ID string }
					}
				}
			}
		}
		_ = json.Unmarshal(r.Data, &d)
		i := slices.IndexFunc(d.Passages.Edges, func(e struct {
			Node struct {
				Source    struct{ ID string }
				Paragraph int
				Snippet   []struct {
					Text  string
					Match bool
				}
				CitedBy []struct{ ID string }
			}
		}) bool {
			return e.Node.Source.ID == russian
		})
		if i < 0 {
			t.Errorf("%q does not find the Russian report: %s", q, r.Data)
			continue
		}
		n := d.Passages.Edges[i].Node
		marked := slices.ContainsFunc(n.Snippet, func(p struct {
			Text  string
			Match bool
		}) bool {
			return p.Match && strings.HasPrefix(p.Text, "Алмалинск")
		})
		if !marked || len(n.CitedBy) == 0 {
			t.Errorf("%q: paragraph %d, snippet %+v, cited by %v; want the court's name marked and the facts citing it", q, n.Paragraph, n.Snippet, n.CitedBy)
		}
	}
	// Only the sources asked for.
	r, _ := a.post(t, `{ passages(query: "Алмалинский", sources: ["source/iphr-2023-04-mamai"]) { totalCount } }`, nil)
	noErrors(t, r)
	if !strings.Contains(string(r.Data), `"totalCount":0`) {
		t.Errorf("a search of the Mamai report finds the Almaly court: %s", r.Data)
	}
}
