package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

func TestPossibleDuplicatesAndJudgements(t *testing.T) {
	a := newAPI(t)
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
	r, _ = a.post(t, fmt.Sprintf(`{ history(id: %q) { op actor reason } }`, "judgement/court/almaty-almaly-district-court "+id), nil)
	noErrors(t, r)
	if !strings.Contains(string(r.Data), `"op":"judge"`) || !strings.Contains(string(r.Data), "another court") {
		t.Errorf("the judgement is not in history: %s", r.Data)
	}
}
