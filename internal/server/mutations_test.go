package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

const cite = `["source/iphr-2023-04-mamai#p3"]`

func uniqueID(prefix string) string {
	return fmt.Sprintf("%s/mt-%d", prefix, time.Now().UnixNano())
}

// state is what the graph holds of an entity: its properties and its
// relationships, as text, "" when absent.
func state(t *testing.T, id string) string {
	t.Helper()
	recs := neo4jtest.Exec(t, neo4jtest.URI(t), `
		OPTIONAL MATCH (n:Entity {id: $id})
		RETURN properties(n) AS p, COLLECT { MATCH (n)-[r]-() RETURN r.id ORDER BY r.id } AS rels`, map[string]any{"id": id})
	p, _ := recs[0].Get("p")
	if p == nil {
		return ""
	}
	rels, _ := recs[0].Get("rels")
	return fmt.Sprint(p, rels)
}

// caseFileOf names a case file after the entity id it is to define, and
// removes both, with the file's manifest, when the test ends.
func caseFileOf(t *testing.T, id string) string {
	cleanup(t, id)
	_, rest, _ := strings.Cut(id, "/")
	name := strings.ReplaceAll(rest, "/", "-") + ".yaml"
	t.Cleanup(func() {
		neo4jtest.Exec(t, neo4jtest.URI(t), "MATCH (f:CaseFile {name: $n}) DELETE f", map[string]any{"n": name})
	})
	return name
}

func cleanup(t testing.TB, ids ...string) {
	t.Cleanup(func() {
		neo4jtest.Exec(t, neo4jtest.URI(t), "UNWIND $ids AS id MATCH (n:Entity {id: id}) DETACH DELETE n", map[string]any{"ids": ids})
	})
}

// person creates a person through the API as admin and returns its ID.
func (a *api) person(t *testing.T) string {
	t.Helper()
	id := uniqueID("person")
	cleanup(t, id)
	r, _ := a.postAs(t, a.tokens[kg.Admin], fmt.Sprintf(`mutation { createEntity(input: {id: %q, type: PERSON, fields: {name: "Test Person", aliases: ["T. Person"]}, cite: %s}) { id version } }`, id, cite), nil)
	noErrors(t, r)
	return id
}

func code(r response) string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func TestMutationsByRole(t *testing.T) {
	a := newAPI(t)
	type op struct {
		name  string
		need  kg.Role
		run   func(t *testing.T, token string) (response, string) // the answer and the ID to check
		setup bool                                                // runs on a fresh person
	}
	ops := []op{
		{"createEntity", kg.Editor, func(t *testing.T, tok string) (response, string) {
			id := uniqueID("person")
			cleanup(t, id)
			r, _ := a.postAs(t, tok, fmt.Sprintf(`mutation { createEntity(input: {id: %q, type: PERSON, fields: {name: "X"}, cite: %s}) { id } }`, id, cite), nil)
			return r, id
		}, false},
		{"addSource", kg.Editor, func(t *testing.T, tok string) (response, string) {
			id := uniqueID("source")
			cleanup(t, id)
			r, _ := a.postAs(t, tok, fmt.Sprintf(`mutation { addSource(input: {id: %q, fields: {title: "A report", publisher: "Someone"}}) { id } }`, id), nil)
			return r, id
		}, false},
		{"updateEntity", kg.Editor, func(t *testing.T, tok string) (response, string) {
			id := a.person(t)
			r, _ := a.postAs(t, tok, fmt.Sprintf(`mutation { updateEntity(id: %q, version: 1, set: {description: "changed"}, cite: %s) { id } }`, id, cite), nil)
			return r, id
		}, true},
		{"createRelation", kg.Editor, func(t *testing.T, tok string) (response, string) {
			id := a.person(t)
			r, _ := a.postAs(t, tok, fmt.Sprintf(`mutation { createRelation(input: {type: MEMBER_OF, from: %q, to: "party/democratic-party", fields: {role: "member"}, cite: %s}) { id } }`, id, cite), nil)
			return r, id
		}, true},
		{"retractRelation", kg.Admin, func(t *testing.T, tok string) (response, string) {
			id := a.person(t)
			r, _ := a.postAs(t, a.tokens[kg.Admin], fmt.Sprintf(`mutation { createRelation(input: {type: MEMBER_OF, from: %q, to: "party/democratic-party", cite: %s}) { id } }`, id, cite), nil)
			noErrors(t, r)
			r, _ = a.postAs(t, tok, fmt.Sprintf(`mutation { retractRelation(id: "MEMBER_OF:%s->party/democratic-party", type: MEMBER_OF, reason: "wrong") { op } }`, id), nil)
			return r, id
		}, true},
		{"retractEntity", kg.Admin, func(t *testing.T, tok string) (response, string) {
			id := a.person(t)
			r, _ := a.postAs(t, tok, fmt.Sprintf(`mutation { retractEntity(id: %q, version: 1, reason: "duplicate") { op } }`, id), nil)
			return r, id
		}, true},
		{"importCaseFile", kg.Editor, func(t *testing.T, tok string) (response, string) {
			id := uniqueID("person")
			name := caseFileOf(t, id)
			content := fmt.Sprintf("version: 1\nentities:\n  - id: %s\n    type: Person\n    name: Y\n    cite: %s\n", id, cite)
			body, _ := json.Marshal(content)
			r, _ := a.postAs(t, tok, fmt.Sprintf(`mutation { importCaseFile(name: %q, content: %s) { ok written } }`, name, body), nil)
			return r, id
		}, false},
	}
	roles := []struct {
		name string
		role kg.Role // 0: no token
	}{{"no token", 0}, {"reader", kg.Reader}, {"editor", kg.Editor}, {"admin", kg.Admin}}
	for _, o := range ops {
		for _, ro := range roles {
			t.Run(o.name+" as "+ro.name, func(t *testing.T) {
				tok := ""
				if ro.role != 0 {
					tok = a.tokens[ro.role]
				}
				// Refusals must leave the graph as it was: compare with a
				// dry run of the same setup.
				r, id := o.run(t, tok)
				allowed := ro.role >= o.need
				if allowed {
					noErrors(t, r)
					return
				}
				want := "FORBIDDEN"
				if ro.role == 0 {
					want = "UNAUTHENTICATED"
				}
				if got := code(r); got != want {
					t.Fatalf("code %q (%+v), want %s", got, r.Errors, want)
				}
				after := state(t, id)
				switch o.name {
				case "createEntity", "addSource", "importCaseFile":
					if after != "" {
						t.Errorf("a refused %s wrote %s", o.name, id)
					}
				case "updateEntity":
					if strings.Contains(after, "changed") || strings.Contains(after, "version:2") {
						t.Errorf("a refused update changed %s: %s", id, after)
					}
				case "createRelation":
					if strings.Contains(after, "MEMBER_OF") {
						t.Errorf("a refused createRelation wrote a relationship: %s", after)
					}
				case "retractRelation":
					if !strings.Contains(after, "MEMBER_OF") {
						t.Errorf("a refused retractRelation removed the relationship: %s", after)
					}
				case "retractEntity":
					if after == "" {
						t.Errorf("a refused retractEntity removed %s", id)
					}
				}
			})
		}
	}
}

func TestConcurrentUpdatesOneWins(t *testing.T) {
	a := newAPI(t)
	for round := 0; round < 3; round++ {
		id := a.person(t)
		var wg sync.WaitGroup
		codes := make([]string, 2)
		for i := range codes {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				r, _ := a.postAs(t, a.tokens[kg.Editor], fmt.Sprintf(`mutation { updateEntity(id: %q, version: 1, set: {description: "editor %d"}, cite: %s) { version } }`, id, i, cite), nil)
				codes[i] = code(r)
			}(i)
		}
		wg.Wait()
		ok, conflict := 0, 0
		for _, c := range codes {
			switch c {
			case "":
				ok++
			case "CONFLICT":
				conflict++
			}
		}
		if ok != 1 || conflict != 1 {
			t.Fatalf("round %d: answers %q, want one success and one CONFLICT", round, codes)
		}
		if s := state(t, id); !strings.Contains(s, "version:2") {
			t.Errorf("after one winning update the version is not 2: %s", s)
		}
	}
}

func TestAuditTrailKeepsEveryChange(t *testing.T) {
	a := newAPI(t)
	id := a.person(t)
	r, _ := a.postAs(t, a.tokens[kg.Editor], fmt.Sprintf(`mutation { updateEntity(id: %q, version: 1, set: {description: "a journalist"}, unset: ["aliases"], cite: %s, reason: "new source") { version } }`, id, cite), nil)
	noErrors(t, r)
	r, _ = a.postAs(t, a.tokens[kg.Admin], fmt.Sprintf(`mutation { retractEntity(id: %q, version: 2, reason: "duplicate of another person") { op } }`, id), nil)
	noErrors(t, r)
	r, _ = a.post(t, fmt.Sprintf(`{ history(id: %q) { op actor reason version before after } }`, id), nil)
	noErrors(t, r)
	var d struct {
		History []struct {
			Op, Actor     string
			Reason        *string
			Version       *int
			Before, After map[string]any
		}
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.History) != 3 {
		t.Fatalf("history has %d entries, want create, update, retract: %+v", len(d.History), d.History)
	}
	for i, want := range []string{"CREATE", "UPDATE", "RETRACT"} {
		h := d.History[i]
		if h.Op != want || !strings.HasPrefix(h.Actor, "test-") {
			t.Errorf("entry %d: op %q actor %q, want %s by a test token", i, h.Op, h.Actor, want)
		}
	}
	c, u, x := d.History[0], d.History[1], d.History[2]
	if c.Before != nil || c.After["name"] != "Test Person" {
		t.Errorf("create: before %v after %v", c.Before, c.After)
	}
	if u.Before["aliases"] == nil || u.After["aliases"] != nil || u.After["description"] != "a journalist" || u.Reason == nil || *u.Reason != "new source" {
		t.Errorf("update: before %v after %v reason %v", u.Before, u.After, u.Reason)
	}
	if x.After != nil || x.Before["description"] != "a journalist" {
		t.Errorf("retract: before %v after %v", x.Before, x.After)
	}
	if state(t, id) != "" {
		t.Errorf("the retracted entity is still in the graph")
	}
}

func TestInvalidMutationsWriteNothing(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name, fields, cite, mention string
		typ                         string
	}{
		{"unknown reference", `{name: "c", case: "case/zhanbolat-mamai-2022", defendant: "person/nobody-at-all", status: "brought", category: "mass-riots"}`, cite, "unknown id", "CHARGE"},
		{"reference of the wrong type", `{name: "c", case: "case/zhanbolat-mamai-2022", defendant: "person/zhanbolat-mamai", article: "person/zhanbolat-mamai", status: "brought", category: "mass-riots"}`, cite, "want LegalArticle", "CHARGE"},
		{"missing citation", `{name: "p"}`, `[]`, "cite", "PERSON"},
		{"citation of an unknown source", `{name: "p"}`, `["source/nowhere#p1"]`, "unknown source", "PERSON"},
		{"impossible date", `{name: "e", kind: "protest", date: "2023-02-30"}`, cite, "not a real date", "EVENT"},
		{"unknown field", `{name: "p", shoeSize: 44}`, cite, "unknown field", "PERSON"},
		{"misspelt reference", `{name: "c", case: "case/zhanbolat-mamai-2022", defendant: "person/zhanbolat-mamay", status: "brought", category: "mass-riots"}`, cite, `unknown id "person/zhanbolat-mamay": did you mean person/zhanbolat-mamai?`, "CHARGE"},
		{"misspelt field", `{name: "c", case: "case/zhanbolat-mamai-2022", defendent: "person/zhanbolat-mamai", status: "brought", category: "mass-riots"}`, cite, `unknown field "defendent" for Charge: did you mean defendant?`, "CHARGE"},
		{"misspelt enumeration", `{name: "c", case: "case/zhanbolat-mamai-2022", defendant: "person/zhanbolat-mamai", status: "convicetd", category: "mass-riots"}`, cite, `status "convicetd" is not allowed: did you mean convicted?`, "CHARGE"},
		{"wrong enumeration", `{name: "c", case: "case/zhanbolat-mamai-2022", defendant: "person/zhanbolat-mamai", status: "maybe", category: "mass-riots"}`, cite, "status", "CHARGE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := map[string]string{"CHARGE": "charge", "PERSON": "person", "EVENT": "event"}[tt.typ]
			id := uniqueID(prefix)
			cleanup(t, id)
			r, _ := a.postAs(t, a.tokens[kg.Editor], fmt.Sprintf(`mutation { createEntity(input: {id: %q, type: %s, fields: %s, cite: %s}) { id } }`, id, tt.typ, tt.fields, tt.cite), nil)
			if code(r) != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, tt.mention) {
				t.Fatalf("errors %+v, want BAD_USER_INPUT mentioning %q", r.Errors, tt.mention)
			}
			if s := state(t, id); s != "" {
				t.Errorf("a rejected mutation wrote %s", s)
			}
		})
	}
	t.Run("update of an unknown entity", func(t *testing.T) {
		r, _ := a.postAs(t, a.tokens[kg.Editor], `mutation { updateEntity(id: "person/nobody-at-all", version: 1, set: {description: "x"}, cite: `+cite+`) { id } }`, nil)
		if code(r) != "NOT_FOUND" {
			t.Errorf("errors %+v, want NOT_FOUND", r.Errors)
		}
	})
}

func TestImportCaseFileReportsProblemsWithTheirPlace(t *testing.T) {
	a := newAPI(t)
	id := uniqueID("person")
	cleanup(t, id)
	bad := fmt.Sprintf("version: 1\nentities:\n  - id: %s\n    type: Person\n    name: Z\n    cite: %s\n  - id: event/x-%d\n    type: Event\n    name: E\n    kind: protest\n    date: 2023-02-30\n    cite: %s\n", id, cite, time.Now().UnixNano(), cite)
	body, _ := json.Marshal(bad)
	r, _ := a.postAs(t, a.tokens[kg.Editor], fmt.Sprintf(`mutation { importCaseFile(name: "api-test.yaml", content: %s) { ok written problems { file line column message } } }`, body), nil)
	noErrors(t, r)
	var d struct {
		ImportCaseFile struct {
			Ok, Written bool
			Problems    []struct {
				File         string
				Line, Column int
				Message      string
			}
		}
	}
	_ = json.Unmarshal(r.Data, &d)
	rep := d.ImportCaseFile
	if rep.Ok || rep.Written || len(rep.Problems) != 1 {
		t.Fatalf("report %+v, want one problem and nothing written", rep)
	}
	p := rep.Problems[0]
	if p.File != "api-test.yaml" || p.Line != 11 || p.Column != 11 || !strings.Contains(p.Message, "not a real date") {
		t.Errorf("problem %+v, want api-test.yaml:11:11 about the date", p)
	}
	if state(t, id) != "" {
		t.Errorf("a file with a problem was partly written")
	}
}

func TestMergeFoldsOneRecordIntoAnother(t *testing.T) {
	a := newAPI(t)
	keep, remove := a.person(t), uniqueID("person")
	cleanup(t, remove)
	r, _ := a.postAs(t, a.tokens[kg.Admin], fmt.Sprintf(`mutation { createEntity(input: {id: %q, type: PERSON, fields: {name: "Test Persson"}, cite: %s}) { id } }`, remove, cite), nil)
	noErrors(t, r)
	r, _ = a.postAs(t, a.tokens[kg.Admin], fmt.Sprintf(`mutation { createRelation(input: {type: MEMBER_OF, from: %q, to: "party/democratic-party", fields: {role: "member"}, cite: %s}) { id } }`, remove, cite), nil)
	noErrors(t, r)
	merge := fmt.Sprintf(`mutation { mergeEntities(keep: %q, keepVersion: 1, remove: %q, removeVersion: 1, reason: "same person") { id aliases ... on Person { memberships { entity { id } } } } }`, keep, remove)

	r, _ = a.postAs(t, a.tokens[kg.Editor], merge, nil)
	if code(r) != "FORBIDDEN" || state(t, remove) == "" {
		t.Fatalf("an editor merged: %+v", r.Errors)
	}
	r, _ = a.postAs(t, a.tokens[kg.Admin], merge, nil)
	noErrors(t, r)
	var d struct {
		MergeEntities struct {
			Aliases     []string
			Memberships []struct{ Entity struct{ ID string } }
		}
	}
	_ = json.Unmarshal(r.Data, &d)
	m := d.MergeEntities
	if len(m.Memberships) != 1 || m.Memberships[0].Entity.ID != "party/democratic-party" {
		t.Errorf("the membership did not move to the kept entity: %+v", m)
	}
	if !strings.Contains(strings.Join(m.Aliases, "|"), "Test Persson") {
		t.Errorf("the removed entity's name is not an alias: %v", m.Aliases)
	}
	if state(t, remove) != "" {
		t.Errorf("the removed entity is still in the graph")
	}
	r, _ = a.post(t, fmt.Sprintf(`{ history(id: %q) { op } }`, remove), nil)
	if !strings.Contains(string(r.Data), `"MERGE"`) {
		t.Errorf("history of the removed entity lacks the merge: %s", r.Data)
	}
	r, _ = a.postAs(t, a.tokens[kg.Admin], merge, nil)
	if c := code(r); c != "CONFLICT" && c != "NOT_FOUND" {
		t.Errorf("merging again: %+v, want CONFLICT or NOT_FOUND", r.Errors)
	}
}

// Every mutation judges text as case files are judged: no control,
// invisible or bidirectional characters, no look-alike names, no values
// past their limits, and a source's url only http or https. A refusal
// writes nothing.
func TestMutationsRefuseHostileText(t *testing.T) {
	a := newAPI(t)
	admin := a.tokens[kg.Admin]
	tests := []struct {
		name    string
		mutate  func(t *testing.T) (query, id string)
		mention string
	}{
		{"zero-width space in a name", func(t *testing.T) (string, string) {
			id := uniqueID("person")
			return fmt.Sprintf(`mutation { createEntity(input: {id: %q, type: PERSON, fields: {name: "Zhanbolat\u200bMamai"}, cite: %s}) { id } }`, id, cite), id
		}, "name has U+200B at character 10, an invisible character"},
		{"right-to-left override in an alias", func(t *testing.T) (string, string) {
			id := uniqueID("person")
			return fmt.Sprintf(`mutation { createEntity(input: {id: %q, type: PERSON, fields: {name: "A", aliases: ["\u202eiamaM"]}, cite: %s}) { id } }`, id, cite), id
		}, "aliases: an item has U+202E"},
		{"name of half a megabyte", func(t *testing.T) (string, string) {
			id := uniqueID("person")
			return fmt.Sprintf(`mutation { createEntity(input: {id: %q, type: PERSON, fields: {name: %q}, cite: %s}) { id } }`, id, strings.Repeat("Mamai ", 85000)+"Mamai", cite), id
		}, "name is 510005 characters long: at most 200 are allowed"},
		{"javascript: url", func(t *testing.T) (string, string) {
			id := uniqueID("source")
			return fmt.Sprintf(`mutation { addSource(input: {id: %q, fields: {title: "A report", publisher: "Someone", url: "javascript:alert(1)"}}) { id } }`, id), id
		}, `url "javascript:alert(1)" is not a web address`},
		{"control character set by an update", func(t *testing.T) (string, string) {
			id := a.person(t)
			return fmt.Sprintf(`mutation { updateEntity(id: %q, version: 1, set: {description: "a\u001b[2Jb"}, cite: %s) { id } }`, id, cite), id
		}, "description has U+001B at character 2, a control character"},
		{"bidirectional isolate in a relation's note", func(t *testing.T) (string, string) {
			id := a.person(t)
			return fmt.Sprintf(`mutation { createRelation(input: {type: MEMBER_OF, from: %q, to: "party/democratic-party", fields: {note: "a\u2066b"}, cite: %s}) { id } }`, id, cite), id
		}, "note has U+2066"},
		{"control character in a reason", func(t *testing.T) (string, string) {
			id := a.person(t)
			return fmt.Sprintf(`mutation { retractEntity(id: %q, version: 1, reason: "dup\u0000licate") { op } }`, id), id
		}, "reason has U+0000 at character 4, a control character"},
		{"control character in a case file's name", func(t *testing.T) (string, string) {
			id := uniqueID("person")
			content, _ := json.Marshal(fmt.Sprintf("version: 1\nentities:\n  - id: %s\n    type: Person\n    name: Y\n    cite: %s\n", id, cite))
			return fmt.Sprintf(`mutation { importCaseFile(name: "a\u0007.yaml", content: %s) { ok } }`, content), id
		}, "name: \"a\\a.yaml\" must be a plain file name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			query, id := tt.mutate(t)
			cleanup(t, id)
			before := state(t, id)
			r, _ := a.postAs(t, admin, query, nil)
			if code(r) != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, tt.mention) {
				t.Fatalf("errors %+v, want BAD_USER_INPUT saying %q", r.Errors, tt.mention)
			}
			if after := state(t, id); after != before {
				t.Errorf("a refused mutation changed %s:\nbefore %s\nafter  %s", id, before, after)
			}
		})
	}
	t.Run("a case file with a look-alike name", func(t *testing.T) {
		id := uniqueID("person")
		cleanup(t, id)
		content, _ := json.Marshal(fmt.Sprintf("version: 1\nentities:\n  - id: %s\n    type: Person\n    name: Zhanbolat M\u0430mai\n    cite: %s\n", id, cite))
		r, _ := a.postAs(t, admin, fmt.Sprintf(`mutation { importCaseFile(name: "lookalike.yaml", content: %s) { ok problems { line column message } } }`, content), nil)
		noErrors(t, r)
		if !strings.Contains(string(r.Data), `"line":5,"column":11,"message":"name mixes Latin and Cyrillic letters`) || state(t, id) != "" {
			t.Errorf("answer %s, want the name refused at 5:11 and nothing written", r.Data)
		}
	})
}
