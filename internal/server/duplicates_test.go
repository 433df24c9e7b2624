package server_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

func TestPossibleDuplicatesAndJudgements(t *testing.T) {
	a := newAPI(t)
	const almaly = "court/almaty-almaly-district-court"
	const query = `{ possibleDuplicates(types: [PERSON, COURT], first: 50) { a { id } b { id } reason score judgement { verdict actor reason } } }`
	// The two Dosmambetovas of the bundled data: no source says whether
	// they are one woman, which is for an analyst to judge.
	r, _ := a.post(t, query, nil)
	noErrors(t, r)
	if !strings.Contains(string(r.Data), `"a":{"id":"person/lazzat-dosmambetova"},"b":{"id":"person/lyazzat-dosmambetova"}`) {
		t.Fatalf("the Dosmambetovas are not suggested: %s", r.Data)
	}

	// A court written again by a new author is suggested beside the one
	// the bundle has.
	id := uniqueID("court")
	cleanup(t, id)
	r, _ = a.postAs(t, a.tokens[kg.Editor], fmt.Sprintf(`mutation { createEntity(input: {id: %q, type: COURT, fields: {name: "Almalinsky District Court", place: "place/almaty"}, cite: %s}) { id } }`, id, cite), nil)
	noErrors(t, r)
	if others := likelyDuplicates(r, id); !slices.Contains(others, almaly) {
		t.Errorf("createEntity does not tell of the Almaly court: duplicates %v, extensions %v", others, r.Extensions)
	}
	r, _ = a.post(t, query, nil)
	noErrors(t, r)
	pair := fmt.Sprintf(`"a":{"id":"court/almaty-almaly-district-court"},"b":{"id":%q}`, id)
	if !strings.Contains(string(r.Data), pair) {
		t.Errorf("the new court is not paired with the Almaly court: %s", r.Data)
	}

	// A reader may not judge; an editor's DISTINCT stops the suggestion.
	t.Cleanup(func() {
		neo4jtest.Exec(t, neo4jtest.URI(t), `MATCH (j:Judgement) WHERE j.b = $id DELETE j`, map[string]any{"id": id})
	})
	judge := fmt.Sprintf(`mutation { judgeDuplicates(a: %q, b: "court/almaty-almaly-district-court", verdict: DISTINCT, reason: "another court, said the reporter") { verdict actor } }`, id)
	if r, _ = a.postAs(t, a.tokens[kg.Reader], judge, nil); code(r) != "FORBIDDEN" {
		t.Errorf("a reader judged: %+v", r.Errors)
	}
	r, _ = a.postAs(t, a.tokens[kg.Editor], judge, nil)
	noErrors(t, r)
	r, _ = a.post(t, query, nil)
	noErrors(t, r)
	if strings.Contains(string(r.Data), id) {
		t.Errorf("a pair judged distinct is suggested again: %s", r.Data)
	}
	// Renamed after the judgement, it is not reported again.
	r, _ = a.postAs(t, a.tokens[kg.Editor], fmt.Sprintf(`mutation { updateEntity(id: %q, version: 1, set: {aliases: ["Almalinskiy raionnyi sud"]}, cite: %s) { version } }`, id, cite), nil)
	noErrors(t, r)
	if others := likelyDuplicates(r, id); r.Extensions["duplicates"] == nil || slices.Contains(others, almaly) {
		t.Errorf("a rename after a DISTINCT judgement reports the pair again (or was not checked): %v, extensions %v", others, r.Extensions)
	}
	r, _ = a.post(t, fmt.Sprintf(`{ history(id: %q) { op actor reason } }`, "judgement/court/almaty-almaly-district-court "+id), nil)
	noErrors(t, r)
	if !strings.Contains(string(r.Data), `"op":"JUDGE"`) || !strings.Contains(string(r.Data), "another court") {
		t.Errorf("the judgement is not in history: %s", r.Data)
	}
}

// likelyDuplicates reads the IDs that a write's response extensions name
// as likely duplicates of id.
func likelyDuplicates(r response, id string) []string {
	ds, _ := r.Extensions["duplicates"].([]any)
	var others []string
	for _, d := range ds {
		m, _ := d.(map[string]any)
		if m["id"] == id && m["reason"] != "" {
			o, _ := m["other"].(string)
			others = append(others, o)
		}
	}
	return others
}

func TestImportReportsLikelyDuplicates(t *testing.T) {
	a := newAPI(t)
	id := uniqueID("court")
	name := caseFileOf(t, id)
	// A new author's file names the Almaly court its own way.
	content := fmt.Sprintf("version: 1\nentities:\n  - id: %s\n    type: Court\n    name: Almaly district court of Almaty\n    place: place/almaty\n    cite: %s\n", id, cite)
	body, _ := json.Marshal(content)
	for _, dry := range []bool{true, false} {
		r, _ := a.postAs(t, a.tokens[kg.Editor], fmt.Sprintf(`mutation { importCaseFile(name: %q, content: %s, dryRun: %v) { ok written duplicates { a { id name } b { id } reason score } } }`, name, body, dry), nil)
		noErrors(t, r)
		var d struct {
			ImportCaseFile struct {
				Ok, Written bool
				Duplicates  []struct {
					A      struct{ ID, Name string }
					B      struct{ ID string }
					Reason string
					Score  float64
				}
			}
		}
		if err := json.Unmarshal(r.Data, &d); err != nil {
			t.Fatal(err)
		}
		rep := d.ImportCaseFile
		if !rep.Ok || rep.Written == dry {
			t.Fatalf("dry run %v: report %+v", dry, rep)
		}
		found := false
		for _, p := range rep.Duplicates {
			if p.A.ID == id && p.B.ID == "court/almaty-almaly-district-court" && p.A.Name == "Almaly district court of Almaty" && p.Reason != "" && p.Score > 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("dry run %v: the Almaly court is not reported as a likely duplicate: %+v", dry, rep.Duplicates)
		}
	}
}
