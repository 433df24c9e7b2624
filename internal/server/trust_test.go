package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// Facts must never vanish or change without a trace: these tests try the
// ways they did, through the API.

// trustFile is a small case file under tag: a source, two people, a party
// and what ties them. desc and extra vary it.
func trustFile(tag, desc, extra string) string {
	return fmt.Sprintf(`version: 1
sources:
  - id: source/%[1]s-report
    title: Report
    publisher: Someone
entities:
  - id: person/%[1]s-p
    type: Person
    name: P
    description: %[2]s
    cite: [source/%[1]s-report#p1]
  - id: person/%[1]s-q
    type: Person
    name: Q
    description: q
    cite: [source/%[1]s-report#p1]
  - id: party/%[1]s-x
    type: Party
    name: X
    cite: [source/%[1]s-report#p1]
%[3]srelations:
  - type: LEADS
    from: person/%[1]s-p
    to: party/%[1]s-x
    cite: [source/%[1]s-report#p1]
  - type: MEMBER_OF
    from: person/%[1]s-q
    to: party/%[1]s-x
    cite: [source/%[1]s-report#p2]
`, tag, desc, extra)
}

// trustTag is unique to one test run; what the test wrote under it is
// removed when it ends.
func trustTag(t *testing.T) string {
	t.Helper()
	tag := fmt.Sprintf("tr%x", time.Now().UnixNano())
	t.Cleanup(func() {
		uri := neo4jtest.URI(t)
		neo4jtest.Exec(t, uri, "MATCH (n:Entity) WHERE n.id CONTAINS $tag DETACH DELETE n", map[string]any{"tag": tag})
		neo4jtest.Exec(t, uri, "MATCH (f:CaseFile) WHERE f.name STARTS WITH $tag DELETE f", map[string]any{"tag": tag})
	})
	return tag
}

type importReport struct {
	Ok, Written bool
	Changes     []string
	Unchanged   int
	Refusal     *string
	RefusalCode *string
	Problems    []struct{ Message string }
	Conflicts   []struct {
		File, Target, Kind, Reason       string
		Field                            *string
		GraphValue, BaseValue, FileValue map[string]any
	}
}

const reportFields = `ok written changes unchanged refusal refusalCode problems { message } conflicts { file target kind field reason graphValue baseValue fileValue }`

// importAs imports content under name with token; args adds arguments
// such as `dryRun: true`.
func (a *api) importAs(t *testing.T, token, name, content, args string) importReport {
	t.Helper()
	r, _ := a.postAs(t, token, fmt.Sprintf(`mutation($c: String!) { importCaseFile(name: %q, content: $c %s) { %s } }`, name, args, reportFields), map[string]any{"c": content})
	noErrors(t, r)
	var d struct{ ImportCaseFile importReport }
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.ImportCaseFile.Problems) > 0 {
		t.Fatalf("import of %s found problems: %+v", name, d.ImportCaseFile.Problems)
	}
	return d.ImportCaseFile
}

type historyEntry struct {
	ID, Op, Actor, Kind string
	Reason              *string
	Version             *int
	Before, After       map[string]any
}

func (a *api) history(t *testing.T, id string) []historyEntry {
	t.Helper()
	r, _ := a.post(t, fmt.Sprintf(`{ history(id: %q) { id op actor kind reason version before after } }`, id), nil)
	noErrors(t, r)
	var d struct{ History []historyEntry }
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	return d.History
}

// tokenName is the name of the test token of role, as history records it.
func (a *api) tokenName(t *testing.T, role kg.Role) string {
	t.Helper()
	p, err := a.store.Authenticate(t.Context(), a.tokens[role])
	if err != nil {
		t.Fatal(err)
	}
	return p.Name
}

// graphOf prints what the graph holds under tag, one sorted line a fact.
func graphOf(t *testing.T, tag string) string {
	t.Helper()
	recs := neo4jtest.Exec(t, neo4jtest.URI(t), `
		MATCH (n:Entity) WHERE n.id CONTAINS $tag
		RETURN n.id + ' ' + toString(n.version) + ' ' + coalesce(n.description, '') + ' ' + n.origin AS line
		UNION ALL
		MATCH (a)-[r]->(b) WHERE r.id CONTAINS $tag
		RETURN type(r) + ' ' + r.id + ' ' + a.id + '->' + b.id + ' ' + coalesce(r.origin, '') AS line`,
		map[string]any{"tag": tag})
	lines := make([]string, len(recs))
	for i, r := range recs {
		l, _ := r.Get("line")
		lines[i] = l.(string)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestEditorImportCannotRemoveFacts(t *testing.T) {
	a := newAPI(t)
	editor, admin := a.tokens[kg.Editor], a.tokens[kg.Admin]

	// The attack as it was found: an empty file named like a bundled one.
	before := graphOf(t, "mamai")
	for _, dry := range []bool{true, false} {
		rep := a.importAs(t, editor, "mamai.yaml", "version: 1\n", fmt.Sprintf("dryRun: %v", dry))
		if rep.Ok || rep.Written || rep.RefusalCode == nil || *rep.RefusalCode != "FORBIDDEN" || !strings.Contains(*rep.Refusal, "needs the admin role") {
			t.Fatalf("editor emptying mamai.yaml (dry run %v): %+v, want a refusal that removing needs admin", dry, rep)
		}
		if !slices.Contains(rep.Changes, "delete Person person/zhanbolat-mamai") {
			t.Errorf("the refusal does not list what it would remove: %v", rep.Changes)
		}
	}
	if after := graphOf(t, "mamai"); after != before {
		t.Fatalf("a refused import changed the graph")
	}

	// An admin may, and the history keeps what went.
	tag := trustTag(t)
	name := tag + ".yaml"
	if rep := a.importAs(t, editor, name, trustFile(tag, "p", ""), ""); !rep.Ok || !rep.Written {
		t.Fatalf("first import: %+v", rep)
	}
	dry := a.importAs(t, admin, name, "version: 1\n", "dryRun: true")
	rep := a.importAs(t, admin, name, "version: 1\n", `reason: "withdrawn"`)
	if !dry.Ok || dry.Written || !rep.Ok || !rep.Written {
		t.Fatalf("admin removal: dry run %+v, import %+v", dry, rep)
	}
	sort.Strings(dry.Changes)
	sort.Strings(rep.Changes)
	if !slices.Equal(dry.Changes, rep.Changes) || len(rep.Changes) != 6 {
		t.Errorf("the dry run said %v, the import did %v; want the same six removals", dry.Changes, rep.Changes)
	}
	if g := graphOf(t, tag); g != "" {
		t.Errorf("after the removal the graph still holds:\n%s", g)
	}
	adminName := a.tokenName(t, kg.Admin)
	for _, id := range []string{"person/" + tag + "-p", "LEADS:person/" + tag + "-p->party/" + tag + "-x"} {
		h := a.history(t, id)
		if len(h) == 0 {
			t.Fatalf("%s left no history", id)
		}
		last := h[len(h)-1]
		if last.Op != "RETRACT" || last.Actor != adminName || last.Reason == nil || !strings.Contains(*last.Reason, "import of "+name+": withdrawn") || last.Before == nil || last.After != nil {
			t.Errorf("%s: last history entry %+v, want a retract by %s with the import and its reason and the last state", id, last, adminName)
		}
	}
	if h := a.history(t, "person/"+tag+"-p"); h[len(h)-1].Before["description"] != "p" {
		t.Errorf("the removed person's last state is not kept: %+v", h[len(h)-1].Before)
	}
	imports := a.history(t, "casefile/"+name)
	if len(imports) != 2 || imports[0].Actor != a.tokenName(t, kg.Editor) || imports[1].Actor != adminName || imports[1].After["deleted"] != float64(6) {
		t.Errorf("the imports are not in the history with who made them: %+v", imports)
	}
}

func TestCitedSourceCannotBeRemoved(t *testing.T) {
	a := newAPI(t)
	admin := a.tokens[kg.Admin]
	src := "source/iphr-2023-04-mamai"
	before := graphOf(t, "source/")

	// Emptying the bundled sources file would leave every fact without its
	// evidence: refused, in a dry run as in the import.
	for _, dry := range []bool{true, false} {
		rep := a.importAs(t, admin, "sources.yaml", "version: 1\n", fmt.Sprintf("dryRun: %v", dry))
		if rep.Ok || rep.Written || rep.RefusalCode == nil || *rep.RefusalCode != "CONFLICT" || !strings.Contains(*rep.Refusal, "cannot be removed: facts that stay cite it") {
			t.Fatalf("emptying sources.yaml (dry run %v): %+v, want a CONFLICT naming the citing facts", dry, rep)
		}
	}

	// Nor may a cited source be retracted or merged away.
	version := func() int {
		v, _ := neo4jtest.Exec(t, neo4jtest.URI(t), "MATCH (s:Source {id: $id}) RETURN s.version AS v", map[string]any{"id": src})[0].Get("v")
		return int(v.(int64))
	}
	r, _ := a.postAs(t, admin, fmt.Sprintf(`mutation { retractEntity(id: %q, version: %d, reason: "test") { op } }`, src, version()), nil)
	if code(r) != "CONFLICT" || !strings.Contains(r.Errors[0].Message, "facts cite it") {
		t.Errorf("retracting a cited source: %+v, want CONFLICT naming a fact that cites it", r.Errors)
	}
	other := uniqueID("source")
	cleanup(t, other)
	r, _ = a.postAs(t, admin, fmt.Sprintf(`mutation { addSource(input: {id: %q, fields: {title: "Copy", publisher: "Someone"}}) { id } }`, other), nil)
	noErrors(t, r)
	r, _ = a.postAs(t, admin, fmt.Sprintf(`mutation { mergeEntities(keep: %q, keepVersion: 1, remove: %q, removeVersion: %d, reason: "test") { id } }`, other, src, version()), nil)
	if code(r) != "CONFLICT" {
		t.Errorf("merging a cited source away: %+v, want CONFLICT", r.Errors)
	}

	// A source nothing cites goes, as before.
	r, _ = a.postAs(t, admin, fmt.Sprintf(`mutation { retractEntity(id: %q, version: 1, reason: "unused") { op } }`, other), nil)
	noErrors(t, r)
	if after := graphOf(t, "source/"); after != before {
		t.Errorf("refused removals changed the sources:\n%s", after)
	}
}

func TestReimportKeepsEditsMadeThroughTheAPI(t *testing.T) {
	a := newAPI(t)
	editor := a.tokens[kg.Editor]
	tag := trustTag(t)
	name := tag + ".yaml"
	p := "person/" + tag + "-p"
	if rep := a.importAs(t, editor, name, trustFile(tag, "as-filed", ""), ""); !rep.Written {
		t.Fatalf("first import: %+v", rep)
	}
	r, _ := a.postAs(t, editor, fmt.Sprintf(`mutation { updateEntity(id: %q, version: 1, set: {description: "as-edited", occupations: ["journalist"]}, cite: ["source/%s-report#p1"], reason: "new source") { version } }`, p, tag), nil)
	noErrors(t, r)

	// The same file with a comment: nothing it states changed, so the edit
	// stays.
	rep := a.importAs(t, editor, name, "# checked again\n"+trustFile(tag, "as-filed", ""), "")
	if !rep.Ok || rep.Written || len(rep.Conflicts) > 0 {
		t.Fatalf("re-import with a comment: %+v, want nothing written", rep)
	}
	if s := state(t, p); !strings.Contains(s, "as-edited") || !strings.Contains(s, "journalist") {
		t.Fatalf("the re-import overwrote the edit: %s", s)
	}

	// The file changes another fact: that is written, with its history.
	file2 := strings.Replace(trustFile(tag, "as-filed", ""), "description: q\n", "description: q2\n", 1)
	rep = a.importAs(t, editor, name, file2, "")
	if !rep.Ok || !rep.Written || !slices.Equal(rep.Changes, []string{"update Person person/" + tag + "-q: description"}) {
		t.Fatalf("re-import changing q: %+v", rep)
	}
	if h := a.history(t, "person/"+tag+"-q"); len(h) != 1 || h[0].Op != "UPDATE" || h[0].Before["description"] != "q" || h[0].After["description"] != "q2" || !strings.Contains(*h[0].Reason, "import of "+name) {
		t.Errorf("the import's update is not in q's history: %+v", h)
	}
	if s := state(t, p); !strings.Contains(s, "as-edited") {
		t.Fatalf("changing q overwrote p's edit: %s", s)
	}

	// The file changes the fact the API changed: a conflict, nothing
	// written, both values shown.
	file3 := strings.Replace(file2, "description: as-filed\n", "description: as-refiled\n", 1)
	for _, dry := range []string{"dryRun: true", ""} {
		rep = a.importAs(t, editor, name, file3, dry)
		if rep.Ok || rep.Written || rep.RefusalCode == nil || *rep.RefusalCode != "CONFLICT" || len(rep.Conflicts) != 1 {
			t.Fatalf("conflicting re-import (%s): %+v, want one conflict and nothing written", dry, rep)
		}
		c := rep.Conflicts[0]
		if c.Target != p || c.Field == nil || *c.Field != "description" || c.GraphValue["description"] != "as-edited" || c.BaseValue["description"] != "as-filed" || c.FileValue["description"] != "as-refiled" {
			t.Errorf("conflict %+v, want description: graph as-edited, base as-filed, file as-refiled", c)
		}
	}
	if s := state(t, p); !strings.Contains(s, "as-edited") {
		t.Fatalf("a refused import wrote: %s", s)
	}

	// Keeping the graph's side writes nothing of p, and the same file
	// does not conflict again.
	rep = a.importAs(t, editor, name, file3, "onConflict: KEEP_GRAPH")
	if !rep.Ok || len(rep.Conflicts) != 1 || !strings.Contains(state(t, p), "as-edited") {
		t.Fatalf("KEEP_GRAPH: %+v, %s", rep, state(t, p))
	}
	file4 := strings.Replace(file3, "description: as-refiled\n", "description: final\n", 1)
	rep = a.importAs(t, editor, name, file4, "onConflict: TAKE_FILE")
	if !rep.Ok || !rep.Written || !strings.Contains(state(t, p), "final") || !strings.Contains(state(t, p), "journalist") {
		t.Fatalf("TAKE_FILE: %+v, %s; want the file's description and the edit's occupation", rep, state(t, p))
	}
	h := a.history(t, p)
	if len(h) != 2 || h[0].Actor != a.tokenName(t, kg.Editor) || h[1].Before["description"] != "as-edited" || h[1].After["description"] != "final" {
		t.Errorf("p's history should hold the API edit and the import that overwrote it by choice: %+v", h)
	}
}

func TestConcurrentFirstImportsOfOneFileName(t *testing.T) {
	a := newAPI(t)
	for _, role := range []kg.Role{kg.Editor, kg.Admin} {
		for round := range 3 {
			tag := trustTag(t)
			name := tag + ".yaml"
			versions := []string{
				trustFile(tag, "one", ""),
				strings.ReplaceAll(trustFile(tag, "two", ""), tag+"-", tag+"-v2-"),
			}
			reports := make([]importReport, 2)
			var wg sync.WaitGroup
			for i := range versions {
				wg.Go(func() {
					body, _ := json.Marshal(map[string]any{"query": `mutation($c: String!, $n: String!) { importCaseFile(name: $n, content: $c) { ` + reportFields + ` } }`, "variables": map[string]any{"c": versions[i], "n": name}})
					r, _, err := a.send(a.tokens[role], body)
					if err != nil || len(r.Errors) > 0 {
						t.Errorf("import %d: %v %+v", i, err, r.Errors)
						return
					}
					var d struct{ ImportCaseFile importReport }
					_ = json.Unmarshal(r.Data, &d)
					reports[i] = d.ImportCaseFile
				})
			}
			wg.Wait()
			g := graphOf(t, tag)
			one, two := !strings.Contains(g, tag+"-v2-"), strings.Contains(g, tag+"-v2-") && !strings.Contains(g, "person/"+tag+"-p ")
			if !one && !two {
				t.Fatalf("%s, round %d: the graph holds both versions:\n%s\nreports %+v", role, round, g, reports)
			}
			// What the graph holds is what its last successful import
			// wrote, so importing that file again changes nothing.
			won := 0
			if two {
				won = 1
			}
			again := a.importAs(t, a.tokens[kg.Admin], name, versions[won], "dryRun: true")
			if !again.Ok || len(again.Changes) != 0 {
				t.Errorf("%s, round %d: the graph is not what version %d wrote: a dry run of it would change %v", role, round, won+1, again.Changes)
			}
			ok := 0
			for _, rep := range reports {
				if rep.Ok {
					ok++
				}
			}
			if role == kg.Editor && ok != 1 {
				t.Errorf("editors, round %d: %d imports went ahead, want one (the other would remove the first's facts)", round, ok)
			}
		}
	}
}

// send posts a body with token from any goroutine, without failing the
// test: it returns the answer, the HTTP status and any transport error.
func (a *api) send(token string, body []byte) (response, int, error) {
	req, err := http.NewRequest(http.MethodPost, a.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return response{}, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{}, 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, resp.StatusCode, err
	}
	var out response
	if err := json.Unmarshal(raw, &out); err != nil {
		return response{}, resp.StatusCode, fmt.Errorf("not JSON (%v): %s", err, raw)
	}
	return out, resp.StatusCode, nil
}

func TestCreateRelationRacingMergeSaysWhatHappened(t *testing.T) {
	a := newAPI(t)
	admin := a.tokens[kg.Admin]
	const rounds = 30
	racedSaved := 0
	for round := range rounds {
		from, into := a.person(t), a.person(t)
		create, _ := json.Marshal(map[string]any{"query": fmt.Sprintf(`mutation { createRelation(input: {type: MEMBER_OF, from: %q, to: "party/democratic-party", cite: %s}) { id } }`, from, cite)})
		merge, _ := json.Marshal(map[string]any{"query": fmt.Sprintf(`mutation { mergeEntities(keep: %q, keepVersion: 1, remove: %q, removeVersion: 1, reason: "same") { id } }`, into, from)})
		var wg sync.WaitGroup
		var created response
		var createErr error
		wg.Go(func() { created, _, createErr = a.send(admin, create) })
		wg.Go(func() {
			// The merge starts a little later each round, to meet the
			// create at every step of its way.
			time.Sleep(time.Duration(round) * time.Millisecond / 2)
			_, _, _ = a.send(admin, merge)
		})
		wg.Wait()
		if createErr != nil {
			t.Fatal(createErr)
		}
		// Whether the relationship was made is in the history of its ID,
		// whatever the merge did to it afterwards.
		rel := "MEMBER_OF:" + from + "->party/democratic-party"
		made := slices.ContainsFunc(a.history(t, rel), func(h historyEntry) bool { return h.Op == "CREATE" })
		if len(created.Errors) == 0 {
			if !made {
				t.Errorf("round %d: createRelation succeeded but nothing was saved", round)
			}
			continue
		}
		e := created.Errors[0].Extensions
		switch {
		case e["code"] == "INTERNAL":
			t.Errorf("round %d: createRelation answered INTERNAL: %+v", round, created.Errors)
		case e["saved"] == "YES":
			racedSaved++
			if !made || e["retry"] != "NO" {
				t.Errorf("round %d: an error saying the change was saved, but made=%v: %+v", round, made, created.Errors)
			}
		case e["saved"] == "NO":
			if made {
				t.Errorf("round %d: an error saying nothing was saved, but the relationship was made: %+v", round, created.Errors)
			}
		default:
			t.Errorf("round %d: an error of a write without saved: %+v", round, created.Errors)
		}
	}
	t.Logf("%d of %d creates were saved and then merged before they could be read back", racedSaved, rounds)
}

func TestIdempotencyKeys(t *testing.T) {
	a := newAPI(t)
	editor := a.tokens[kg.Editor]
	id := uniqueID("person")
	cleanup(t, id)
	create := func(name, key string) response {
		vars := map[string]any{"k": nil}
		if key != "" {
			vars["k"] = key
		}
		r, _ := a.postAs(t, editor, fmt.Sprintf(`mutation($k: String) { createEntity(input: {id: %q, type: PERSON, fields: {name: %q}, cite: %s}, idempotencyKey: $k) { id name version } }`, id, name, cite), vars)
		return r
	}
	key := fmt.Sprintf("key-%d", time.Now().UnixNano())
	first := create("Keyed", key)
	noErrors(t, first)
	again := create("Keyed", key)
	noErrors(t, again)
	if string(again.Data) != string(first.Data) {
		t.Errorf("the same request under the same key answered %s, then %s", first.Data, again.Data)
	}
	if h := a.history(t, id); len(h) != 1 {
		t.Errorf("a change sent twice under one key was made %d times", len(h))
	}
	if r := create("Other", key); code(r) != "CONFLICT" || r.Errors[0].Extensions["saved"] != "NO" || r.Errors[0].Extensions["retry"] != "NO" {
		t.Errorf("another change under a used key: %+v, want CONFLICT, not saved, no retry", r.Errors)
	}
	// Without a key, a create of the very same content is answered as
	// done, and one of other content as a conflict.
	if r := create("Keyed", ""); len(r.Errors) > 0 || string(r.Data) != string(first.Data) {
		t.Errorf("the same create without a key: %s %+v, want the entity as created", r.Data, r.Errors)
	}
	if r := create("Keyed differently", ""); code(r) != "CONFLICT" {
		t.Errorf("a create of other content: %+v, want CONFLICT", r.Errors)
	}
	if h := a.history(t, id); len(h) != 1 {
		t.Errorf("after the repeats the history holds %d changes, want the one create", len(h))
	}
	if r := create("Keyed", "short"); code(r) != "BAD_USER_INPUT" {
		t.Errorf("a key of 5 characters: %+v, want BAD_USER_INPUT", r.Errors)
	}

	// A retraction sent twice answers the same record.
	admin := a.tokens[kg.Admin]
	retract := fmt.Sprintf(`mutation { retractEntity(id: %q, version: 1, reason: "test", idempotencyKey: %q) { id op } }`, id, key+"-r")
	r1, _ := a.postAs(t, admin, retract, nil)
	noErrors(t, r1)
	r2, _ := a.postAs(t, admin, retract, nil)
	noErrors(t, r2)
	if string(r1.Data) != string(r2.Data) {
		t.Errorf("a retraction sent twice under one key answered %s, then %s", r1.Data, r2.Data)
	}
}

// placesFile is a case file under tag whose party has a place: a
// reference field, which the graph holds as a relationship of the party.
func placesFile(tag, place, partyDesc string, withParty bool) string {
	s := fmt.Sprintf(`version: 1
sources:
  - id: source/%[1]s-s
    title: Report
    publisher: Someone
  - id: source/%[1]s-t
    title: Another report
    publisher: Someone
entities:
  - id: place/%[1]s-a
    type: Place
    name: A
    cite: [source/%[1]s-s#p1]
  - id: place/%[1]s-b
    type: Place
    name: B
    cite: [source/%[1]s-s#p1]
  - id: place/%[1]s-c
    type: Place
    name: C
    cite: [source/%[1]s-s#p1]
`, tag)
	if withParty {
		s += fmt.Sprintf(`  - id: party/%[1]s-x
    type: Party
    name: X
    description: %[3]s
    place: place/%[1]s-%[2]s
    cite: [source/%[1]s-s#p1]
`, tag, place, partyDesc)
	}
	return s
}

// placesFixture imports placesFile with the party in place a, as token,
// under a tag of its own, and returns the tag and the file's name.
func (a *api) placesFixture(t *testing.T, token string) (tag, name string) {
	t.Helper()
	tag = trustTag(t)
	name = tag + ".yaml"
	if rep := a.importAs(t, token, name, placesFile(tag, "a", "x", true), ""); !rep.Ok {
		t.Fatalf("first import: %+v", rep)
	}
	return tag, name
}

// locatedIn lists where the graph says party x of tag is.
func locatedIn(t *testing.T, tag string) []string {
	t.Helper()
	var out []string
	for _, r := range neo4jtest.Exec(t, neo4jtest.URI(t), "MATCH (:Party {id: $id})-[:LOCATED_IN]->(p) RETURN p.id AS p ORDER BY p", map[string]any{"id": "party/" + tag + "-x"}) {
		p, _ := r.Get("p")
		out = append(out, p.(string))
	}
	return out
}

func TestReferenceFieldEditedOnBothSidesIsOneConflict(t *testing.T) {
	a := newAPI(t)
	editor := a.tokens[kg.Editor]
	tag, name := a.placesFixture(t, editor)
	x := "party/" + tag + "-x"
	r, _ := a.postAs(t, editor, fmt.Sprintf(`mutation { updateEntity(id: %q, version: 1, set: {place: "place/%s-b"}, cite: ["source/%s-s#p1"]) { version } }`, x, tag, tag), nil)
	noErrors(t, r)

	rep := a.importAs(t, editor, name, placesFile(tag, "c", "x", true), "")
	if rep.Ok || len(rep.Conflicts) != 1 || rep.Conflicts[0].Field == nil || *rep.Conflicts[0].Field != "place" {
		t.Fatalf("the file and the API both moved the party: %+v, want one conflict on place", rep)
	}
	c := rep.Conflicts[0]
	if fmt.Sprint(c.GraphValue["place"]) != fmt.Sprintf("[%s->place/%s-b]", x, tag) || fmt.Sprint(c.FileValue["place"]) != fmt.Sprintf("[%s->place/%s-c]", x, tag) {
		t.Errorf("conflict %+v, want the graph's place b and the file's place c", c)
	}
	if got := locatedIn(t, tag); !slices.Equal(got, []string{"place/" + tag + "-b"}) {
		t.Fatalf("after the refused import the party is in %v", got)
	}
	if rep := a.importAs(t, editor, name, placesFile(tag, "c", "x", true), "onConflict: TAKE_FILE"); !rep.Ok || !rep.Written {
		t.Fatalf("TAKE_FILE: %+v", rep)
	}
	if got := locatedIn(t, tag); !slices.Equal(got, []string{"place/" + tag + "-c"}) {
		t.Fatalf("after taking the file's place the party is in %v, want c alone", got)
	}
	// The party is whole: it can be edited again.
	v, _ := neo4jtest.Exec(t, neo4jtest.URI(t), "MATCH (n:Entity {id: $id}) RETURN n.version AS v", map[string]any{"id": x})[0].Get("v")
	r, _ = a.postAs(t, editor, fmt.Sprintf(`mutation { updateEntity(id: %q, version: %d, set: {description: "again"}, cite: ["source/%s-s#p1"]) { version } }`, x, v, tag), nil)
	noErrors(t, r)

	// A change of the place by the file alone is an update of the party,
	// which an editor may make: no removal.
	if rep := a.importAs(t, editor, name, placesFile(tag, "a", "x", true), "onConflict: KEEP_GRAPH"); !rep.Ok {
		t.Fatalf("moving the party back in the file: %+v", rep)
	}
	if got := locatedIn(t, tag); !slices.Equal(got, []string{"place/" + tag + "-a"}) {
		t.Errorf("after the file moved the party back it is in %v, want a", got)
	}
}

func TestKeepingAnEntityAgainstItsFileKeepsItsFields(t *testing.T) {
	a := newAPI(t)
	admin := a.tokens[kg.Admin]
	tag, name := a.placesFixture(t, admin)
	x := "party/" + tag + "-x"
	r, _ := a.postAs(t, admin, fmt.Sprintf(`mutation { updateEntity(id: %q, version: 1, set: {description: "edited"}, cite: ["source/%s-s#p1"]) { version } }`, x, tag), nil)
	noErrors(t, r)
	rep := a.importAs(t, admin, name, placesFile(tag, "a", "", false), "onConflict: KEEP_GRAPH")
	if !rep.Ok || len(rep.Conflicts) != 1 || rep.Conflicts[0].Target != x {
		t.Fatalf("dropping the edited party from its file, keeping the graph's: %+v", rep)
	}
	if got := locatedIn(t, tag); !slices.Equal(got, []string{"place/" + tag + "-a"}) {
		t.Errorf("the kept party lost its place: %v", got)
	}
	if s := state(t, x); !strings.Contains(s, "origin:api.yaml") || !strings.Contains(s, "edited") {
		t.Errorf("the kept party is not the API's now: %s", s)
	}
}

func TestImportCannotRemoveWhatItStillRefersTo(t *testing.T) {
	a := newAPI(t)
	admin := a.tokens[kg.Admin]
	tag, name := a.placesFixture(t, admin)
	without := strings.Replace(placesFile(tag, "a", "x", true), fmt.Sprintf("  - id: place/%[1]s-a\n    type: Place\n    name: A\n    cite: [source/%[1]s-s#p1]\n", tag), "", 1)
	rep := a.importAs(t, admin, name, without, "")
	if rep.Ok || rep.RefusalCode == nil || *rep.RefusalCode != "CONFLICT" || !strings.Contains(*rep.Refusal, "place/"+tag+"-a is removed, but "+name+" still refers to it") {
		t.Fatalf("removing a place the file still refers to: %+v", rep)
	}
	if got := locatedIn(t, tag); !slices.Equal(got, []string{"place/" + tag + "-a"}) {
		t.Errorf("after the refusal the party is in %v", got)
	}
}

func TestImportCannotLeaveACitationWithoutItsSource(t *testing.T) {
	a := newAPI(t)
	admin := a.tokens[kg.Admin]
	tag, name := a.placesFixture(t, admin)
	noS := func(text string) string {
		return strings.Replace(text, fmt.Sprintf("  - id: source/%s-s\n    title: Report\n    publisher: Someone\n", tag), "", 1)
	}
	// Dropping source s while facts the file writes still cite it.
	rep := a.importAs(t, admin, name, noS(placesFile(tag, "a", "moved", true)), "")
	if rep.Ok || rep.RefusalCode == nil || !strings.Contains(*rep.Refusal, "source/"+tag+"-s cannot be removed") {
		t.Fatalf("dropping a source the file's facts cite: %+v", rep)
	}
	// Dropping it while every fact moves to source t goes ahead, and
	// every fact still reads.
	moved := strings.ReplaceAll(noS(placesFile(tag, "a", "x", true)), "source/"+tag+"-s#p1", "source/"+tag+"-t#p1")
	if rep := a.importAs(t, admin, name, moved, ""); !rep.Ok || !rep.Written {
		t.Fatalf("dropping the source once nothing cites it: %+v", rep)
	}
	r, _ := a.post(t, fmt.Sprintf(`{ node(id: "party/%s-x") { ... on Entity { citations { ref } } } }`, tag), nil)
	noErrors(t, r)
	if !strings.Contains(string(r.Data), tag+"-t#p1") {
		t.Errorf("the party's citations: %s", r.Data)
	}
}

// A manifest written before bases were kept says which facts a file
// stated, not how: a difference from the graph may be an edit, so it is a
// conflict, and a fact the graph no longer holds is not brought back.
func TestImportAgainstAnOldManifestKeepsEdits(t *testing.T) {
	a := newAPI(t)
	editor := a.tokens[kg.Editor]
	tag := trustTag(t)
	name := tag + ".yaml"
	p, q := "person/"+tag+"-p", "person/"+tag+"-q"
	if rep := a.importAs(t, editor, name, trustFile(tag, "as-filed", ""), ""); !rep.Ok {
		t.Fatalf("first import: %+v", rep)
	}
	r, _ := a.postAs(t, editor, fmt.Sprintf(`mutation { updateEntity(id: %q, version: 1, set: {description: "as-edited"}, cite: ["source/%s-report#p1"]) { version } }`, p, tag), nil)
	noErrors(t, r)
	r, _ = a.postAs(t, a.tokens[kg.Admin], fmt.Sprintf(`mutation { retractEntity(id: %q, version: 1, reason: "test") { op } }`, q), nil)
	noErrors(t, r)
	neo4jtest.Exec(t, neo4jtest.URI(t), "MATCH (f:CaseFile {name: $n}) REMOVE f.base", map[string]any{"n": name})

	rep := a.importAs(t, editor, name, "# again\n"+trustFile(tag, "as-filed", ""), "")
	if rep.Ok || rep.Written {
		t.Fatalf("import against an old manifest: %+v, want conflicts and nothing written", rep)
	}
	ids := map[string]bool{}
	for _, c := range rep.Conflicts {
		ids[c.Target] = true
	}
	if !ids[p] || !ids[q] {
		t.Errorf("conflicts %+v, want p (edited) and q (retracted)", rep.Conflicts)
	}
	if !strings.Contains(state(t, p), "as-edited") || state(t, q) != "" {
		t.Errorf("the refused import wrote: p %s, q %s", state(t, p), state(t, q))
	}
}
