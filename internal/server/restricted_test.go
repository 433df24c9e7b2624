package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
	"github.com/casegraph/casegraph/internal/server"
)

// The differential proof that nothing restricted leaks (docs/access.md).
// Graph A holds the bundled cases and the test files of
// testdata/restricted, which add facts restricted to the group monitors:
// a whole restricted case, and restricted entries inside public cases.
// Graph B holds the same files with every restricted fact taken out, as
// if it had never been written. A reader outside the group must get from
// A exactly what anyone gets from B: the same data, IDs, counts, orders
// and errors, for every example and for a probe of every root field of
// Query, including probes that name restricted IDs and IDs neither graph
// holds. Members of the group, and admins, see the restricted facts in A.
//
// Each probe is a subtest, so what still differs shows by its name.
func TestRestrictedNeverLeaks(t *testing.T) {
	own := probesOf(loadSchema(t))
	probes := append(exampleProbes(), own...)
	t.Run("every root field has a probe", func(t *testing.T) { rootFieldsCovered(t, own) })

	a := newAPI(t)
	uri := neo4jtest.URI(t)
	// The package's other tests read the bundled data through the shared
	// API: put it back, with fresh tokens for them, however this test ends.
	t.Cleanup(func() { restoreBundled(t, a, uri) })

	withRestricted, texts := restrictedFixture(t)
	public, publicTexts := withoutRestricted(withRestricted, texts)
	if len(public) != len(withRestricted) {
		t.Fatalf("the public files are %d, the files %d: a file must stay, emptied, so that its imports are recorded alike", len(public), len(withRestricted))
	}

	start := time.Now()
	phase := func(what string) { t.Logf("%s: %v", what, time.Since(start).Round(time.Millisecond)) }
	// Graph B first: anyone's answers on it are what an outsider must get
	// from A.
	resetGraph(t, a, uri)
	neo4jtest.ImportFiles(t, a.store, public, publicTexts)
	phase("graph B imported")
	b := newReaders(t, a.store)
	saveProbeInvestigation(t, a, b.admin, false)
	onB := ask(t, a, b, probes, "B")
	phase("graph B asked")

	resetGraph(t, a, uri)
	neo4jtest.ImportFiles(t, a.store, withRestricted, texts)
	phase("graph A imported")
	readersA := newReaders(t, a.store)
	saveProbeInvestigation(t, a, readersA.admin, true)
	reads := slices.DeleteFunc(slices.Clone(probes), func(p probe) bool { return p.as != "" })
	onA := ask(t, a, readersA, reads, "A")
	phase("graph A asked")

	// Members of monitors and admins see what outsiders do not: asked
	// before the writes, which may change A if one is let through.
	showing := slices.DeleteFunc(slices.Clone(probes), func(p probe) bool { return len(p.shows) == 0 })
	members := ask(t, a, readersA.as(readersA.member), showing, "A-member")
	admins := ask(t, a, readersA.as(readersA.admin), showing, "A-admin")
	phase("graph A asked by a member and an admin")
	writes := slices.DeleteFunc(slices.Clone(probes), func(p probe) bool { return p.as == "" })
	maps.Copy(onA, ask(t, a, readersA, writes, "A"))
	phase("graph A written to by an outsider")

	for _, p := range probes {
		t.Run(p.name, func(t *testing.T) {
			gotB, gotA := onB[p.name], onA[p.name]
			if !p.fails && gotB.errors != "null" {
				t.Errorf("the public graph B answers %s with errors, so the comparison proves nothing: %s", p.name, gotB.errors)
			}
			if p.fails && gotB.errors == "null" {
				t.Errorf("the public graph B answers %s without the error the probe expects:\n%s", p.name, gotB.data)
			}
			if strings.Contains(gotB.errors, `"code": "GRAPHQL_`) {
				t.Errorf("the probe %s is not a valid request: %s", p.name, gotB.errors)
			}
			if p.fails && strings.Contains(gotB.errors, `"code": "INTERNAL"`) {
				t.Errorf("the public graph B answers %s with an internal error, not the one for an unknown ID, so the comparison proves nothing: %s", p.name, gotB.errors)
			}
			if gotA.errors != gotB.errors {
				t.Errorf("%s: an outsider's errors on A differ from those on B:\n A: %s\n B: %s", p.name, gotA.errors, gotB.errors)
			}
			if gotA.data != gotB.data {
				t.Errorf("%s: an outsider's data on A differ from those on B at %s\n(%s=DIR writes both answers whole)", p.name, firstDiff(gotB.data, gotA.data), dumpEnv)
			}
		})
	}

	for _, p := range showing {
		for _, reader := range []struct {
			name, who string
			got       map[string]answer
		}{{"member", "a member of monitors", members}, {"admin", "an admin", admins}} {
			t.Run(reader.name+"/"+p.name, func(t *testing.T) {
				g := reader.got[p.name]
				if g.errors != "null" {
					t.Errorf("%s asking %s gets errors: %s", reader.who, p.name, g.errors)
				}
				for _, id := range p.shows {
					if !strings.Contains(g.data, `"`+id+`"`) {
						t.Errorf("%s asking %s does not see %s:\n%s", reader.who, p.name, id, g.data)
					}
				}
				if g == onA[p.name] {
					t.Errorf("%s asking %s gets an outsider's answer", reader.who, p.name)
				}
			})
		}
	}
}

// probe is one request of the comparison.
type probe struct {
	name  string
	query string
	vars  map[string]any
	// as is who asks: "" for anyone (no token), or "editor", an editor
	// outside monitors, for the writes that must fail alike.
	as string
	// fails says the probe asks for an error, on B as on A: an ID
	// neither holds, or one hidden from the reader.
	fails bool
	// shows are restricted IDs a member of monitors must get in the answer.
	shows []string
}

// exampleProbes are the examples GraphiQL opens with.
func exampleProbes() []probe {
	var out []probe
	for _, ex := range server.Examples() {
		out = append(out, probe{name: "example/" + ex.Name, query: ex.Query})
	}
	return out
}

// answer is what a reader got, as canonical JSON texts.
type answer struct{ data, errors string }

// readers are the tokens a graph is asked with.
type readers struct {
	tokens map[string]string // by probe.as
	member string            // a reader in monitors
	admin  string
}

// newReaders makes the tokens of one graph: they live in the graph, which
// each reset clears.
func newReaders(t *testing.T, s *neo4jstore.Store) readers {
	t.Helper()
	ctx := context.Background()
	mk := func(name string, role kg.Role, groups []string) string {
		tok, err := s.CreateToken(ctx, name, role, groups)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// The same names on both graphs: a name shows in what a token saved.
	return readers{
		tokens: map[string]string{"": "", "editor": mk("restricted-test-editor", kg.Editor, []string{"lawyers"})},
		member: mk("restricted-test-member", kg.Reader, []string{"monitors"}),
		admin:  mk("restricted-test-admin", kg.Admin, nil),
	}
}

// as is r with every probe asked with token.
func (r readers) as(token string) readers {
	tokens := maps.Clone(r.tokens)
	for k := range tokens {
		tokens[k] = token
	}
	return readers{tokens: tokens, member: r.member, admin: r.admin}
}

// dumpEnv names a directory the test writes every answer to, one file a
// probe under a directory a graph and reader, to read what differs whole.
const dumpEnv = "CASEGRAPH_VISIBILITY_DUMP"

// ask sends every probe and keeps its answer.
func ask(t *testing.T, a *api, r readers, probes []probe, label string) map[string]answer {
	t.Helper()
	dump := os.Getenv(dumpEnv)
	out := make(map[string]answer, len(probes))
	type took struct {
		name string
		d    time.Duration
	}
	var slow []took
	defer func() {
		slices.SortFunc(slow, func(x, y took) int { return int(y.d - x.d) })
		for _, s := range slow[:min(3, len(slow))] {
			t.Logf("%s: %s took %v", label, s.name, s.d.Round(time.Millisecond))
		}
	}()
	for _, p := range probes {
		tok, ok := r.tokens[p.as]
		if !ok {
			t.Fatalf("probe %s: no token for %q", p.name, p.as)
		}
		start := time.Now()
		resp, _ := a.postAs(t, tok, p.query, p.vars)
		slow = append(slow, took{p.name, time.Since(start)})
		if strings.HasPrefix(p.name, "passages/") {
			resp.Data = rankless(t, resp.Data)
		}
		ans := normalised(t, resp)
		out[p.name] = ans
		if dump != "" {
			path := filepath.Join(dump, label, slug(p.name)+".json")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(p.query+"\n"+ans.errors+"\n"+ans.data+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

// normalised is an answer as canonical, indented JSON, with what two
// imports of the same facts may rightly answer differently replaced:
//   - updatedAt: when the probe's investigation was saved, a clock time;
//   - the ID of a history entry (change/ and 24 hex digits), drawn at
//     random when the change is recorded;
//   - extensions.requestId of an error: each request's own ID.
//
// Nothing else is changed; the probes ask for no other timestamp (the
// history's entries are asked without their at).
func normalised(t *testing.T, r response) answer {
	t.Helper()
	var data any
	if len(r.Data) > 0 {
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatal(err)
		}
	}
	data = withoutClock(data)
	var errs []map[string]any
	for _, e := range r.Errors {
		ext := maps.Clone(e.Extensions)
		delete(ext, "requestId")
		errs = append(errs, map[string]any{"message": e.Message, "path": e.Path, "extensions": ext})
	}
	return answer{data: indented(t, data), errors: indented(t, errs)}
}

func withoutClock(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "updatedAt" {
				v[k] = "(time of saving)"
				continue
			}
			v[k] = withoutClock(x)
		}
	case []any:
		for i, x := range v {
			v[i] = withoutClock(x)
		}
	case string:
		if randomChangeID.MatchString(v) {
			return "change/(random)"
		}
	}
	return v
}

var randomChangeID = regexp.MustCompile(`^change/[0-9a-f]{24}$`)

// rankless is a passages answer with its hits in the order of their
// references, without their cursors. Lucene scores a word by how rare it
// is across the whole passage index, restricted texts included, so a
// restricted text may shift the order of public hits a little: the one
// difference docs/access.md owns up to ("What a reader outside a group can
// still learn"). Which hits, how many, and everything of each stay
// compared.
func rankless(t *testing.T, raw json.RawMessage) json.RawMessage {
	t.Helper()
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil || data == nil {
		return raw
	}
	for _, conn := range data {
		c, _ := conn.(map[string]any)
		edges, _ := c["edges"].([]any)
		for _, e := range edges {
			if m, ok := e.(map[string]any); ok {
				delete(m, "cursor")
			}
		}
		slices.SortStableFunc(edges, func(a, b any) int {
			return strings.Compare(fmt.Sprint(a.(map[string]any)["node"]), fmt.Sprint(b.(map[string]any)["node"]))
		})
	}
	out, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func indented(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // IDs such as TYPE:from->to read as they are
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// restrictedFixture reads the bundled case files and the test files of
// testdata/restricted as one import, with the texts of their sources.
func restrictedFixture(t *testing.T) ([]*casefile.File, map[string][]string) {
	t.Helper()
	root, err := neo4jtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "restricted")
	paths, err := casefile.Expand([]string{filepath.Join(root, "data", "cases"), dir})
	if err != nil {
		t.Fatal(err)
	}
	files, err := casefile.Load(paths, casefile.Options{SourcesDir: os.Getenv("CASEGRAPH_SOURCES_DIR")})
	if err != nil {
		t.Fatalf("the case files with the restricted test files:\n%v", err)
	}
	texts, err := casefile.ReadTexts(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		maps.Copy(texts, f.Texts)
	}
	restricted := 0
	for _, f := range files {
		for _, e := range f.Batch.Entities {
			if e.Props[kg.GroupsProp] != nil {
				restricted++
			}
		}
	}
	if restricted == 0 {
		t.Fatal("the test files restrict nothing")
	}
	return files, texts
}

// withoutRestricted derives graph B's files from A's: every restricted
// entity and relationship taken out, with the relationships that touch a
// restricted entity and the citations of restricted sources, and the
// texts of those sources. A file keeps its name, so its imports are
// recorded alike, and a file all restricted stays, empty. It keeps its
// hash too, the digest of its text that the history of its imports
// shows: B's files are derived, with no text of their own, and a digest
// tells nothing of a text.
func withoutRestricted(files []*casefile.File, texts map[string][]string) ([]*casefile.File, map[string][]string) {
	hidden := map[string]bool{}
	for _, f := range files {
		for _, e := range f.Batch.Entities {
			if e.Props[kg.GroupsProp] != nil {
				hidden[e.ID] = true
			}
		}
	}
	cites := func(cs []kg.Citation) []kg.Citation {
		return slices.DeleteFunc(slices.Clone(cs), func(c kg.Citation) bool { return hidden[c.Source] })
	}
	out := make([]*casefile.File, 0, len(files))
	for _, f := range files {
		b := kg.Batch{Origin: f.Batch.Origin, Hash: f.Batch.Hash}
		for _, e := range f.Batch.Entities {
			if hidden[e.ID] {
				continue
			}
			e.Citations = cites(e.Citations)
			b.Entities = append(b.Entities, e)
		}
		for _, l := range f.Batch.Links {
			if l.Props[kg.GroupsProp] != nil || hidden[l.From] || hidden[l.To] {
				continue
			}
			l.Citations = cites(l.Citations)
			b.Links = append(b.Links, l)
		}
		for _, ad := range f.Batch.Additions {
			ad.Citations = cites(ad.Citations)
			b.Additions = append(b.Additions, ad)
		}
		out = append(out, &casefile.File{Path: f.Path, Batch: b})
	}
	public := maps.Clone(texts)
	maps.DeleteFunc(public, func(id string, _ []string) bool { return hidden[id] })
	return out, public
}

// resetGraph empties the test database and migrates it again.
func resetGraph(t *testing.T, a *api, uri string) {
	t.Helper()
	neo4jtest.Clear(t, uri)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := a.store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
}

// restoreBundled puts back what newAPI made: the bundled data, and a token
// per role.
func restoreBundled(t *testing.T, a *api, uri string) {
	resetGraph(t, a, uri)
	neo4jtest.ImportBundled(t, a.store)
	for _, role := range []kg.Role{kg.Reader, kg.Editor, kg.Admin} {
		tok, err := a.store.CreateToken(context.Background(), fmt.Sprintf("test-%s-%d", role, time.Now().UnixNano()), role, nil)
		if err != nil {
			t.Fatal(err)
		}
		a.tokens[role] = tok
	}
}

// saveProbeInvestigation saves investigation/restricted-test as admin:
// on A it names a restricted entity beside a public one, with a note on
// each; on B, whose graph lacks it, the public one alone.
func saveProbeInvestigation(t *testing.T, a *api, admin string, restricted bool) {
	t.Helper()
	entities := []any{"person/zhanbolat-mamai"}
	positions := []any{map[string]any{"entity": "person/zhanbolat-mamai", "x": 0, "y": 0}}
	notes := []any{map[string]any{"entity": "person/zhanbolat-mamai", "text": "Public note of the visibility test."}}
	if restricted {
		entities = append(entities, "person/test-witness-a")
		positions = append(positions, map[string]any{"entity": "person/test-witness-a", "x": 10, "y": 10})
		notes = append(notes, map[string]any{"entity": "person/test-witness-a", "text": "Note on the restricted witness."})
	}
	r, _ := a.postAs(t, admin, `mutation($in: InvestigationInput!) { saveInvestigation(input: $in, reason: "visibility test") { id } }`,
		map[string]any{"in": map[string]any{"id": "investigation/restricted-test", "name": "Visibility test", "entities": entities, "positions": positions, "notes": notes}})
	noErrors(t, r)
}

// rootFieldsCovered fails unless the probes ask every root field of Query
// that schema.graphqls declares, so a new question cannot be left out.
func rootFieldsCovered(t *testing.T, probes []probe) {
	schema := loadSchema(t)
	asked := map[string]bool{}
	for _, p := range probes {
		doc, err := parser.ParseQuery(&ast.Source{Name: p.name, Input: p.query})
		if err != nil {
			t.Fatalf("probe %s: %v", p.name, err)
		}
		for _, op := range doc.Operations {
			if op.Operation != ast.Query {
				continue
			}
			for _, sel := range op.SelectionSet {
				if f, ok := sel.(*ast.Field); ok {
					asked[f.Name] = true
				}
			}
		}
	}
	for _, f := range schema.Query.Fields {
		if !strings.HasPrefix(f.Name, "__") && !asked[f.Name] {
			t.Errorf("no probe asks Query.%s: add one to probesOf, with arguments that touch restricted facts", f.Name)
		}
	}
}

func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "schema.graphqls"))
	if err != nil {
		t.Fatal(err)
	}
	s, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(raw)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	return s
}
