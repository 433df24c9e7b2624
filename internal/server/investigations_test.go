package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

const investigationFields = `id name description entityIds version createdBy updatedBy updatedAt
	entities { id name }
	positions { entity x y }
	filters { hiddenTypes hiddenRelationshipTypes state }
	notes { entity text }`

const saveInvestigation = `mutation($input: InvestigationInput!, $version: Int, $reason: String, $key: String) {
	saveInvestigation(input: $input, version: $version, reason: $reason, idempotencyKey: $key) { ` + investigationFields + ` } }`

const deleteInvestigation = `mutation($id: ID!, $version: Int!) {
	deleteInvestigation(id: $id, version: $version, reason: "done") { op target kind actor version } }`

type investigation struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	EntityIDs   []string `json:"entityIds"`
	Version     int      `json:"version"`
	CreatedBy   string   `json:"createdBy"`
	UpdatedBy   string   `json:"updatedBy"`
	UpdatedAt   string   `json:"updatedAt"`
	Entities    []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"entities"`
	Positions []struct {
		Entity string  `json:"entity"`
		X      float64 `json:"x"`
		Y      float64 `json:"y"`
	} `json:"positions"`
	Filters struct {
		HiddenTypes             []string       `json:"hiddenTypes"`
		HiddenRelationshipTypes []string       `json:"hiddenRelationshipTypes"`
		State                   map[string]any `json:"state"`
	} `json:"filters"`
	Notes []struct {
		Entity string `json:"entity"`
		Text   string `json:"text"`
	} `json:"notes"`
}

// newInvestigationID returns a fresh ID, its investigation and history
// removed when the test ends.
func newInvestigationID(t *testing.T) string {
	t.Helper()
	id := fmt.Sprintf("investigation/it-%d", time.Now().UnixNano())
	t.Cleanup(func() {
		neo4jtest.Exec(t, neo4jtest.URI(t), "MATCH (i:Investigation {id: $id}) DELETE i", map[string]any{"id": id})
	})
	return id
}

func investigationInput(id, name string, entities ...string) map[string]any {
	return map[string]any{"id": id, "name": name, "entities": entities}
}

// saveAs saves an investigation and decodes the answer.
func (a *api) saveInvestigationAs(t *testing.T, role kg.Role, input map[string]any, version int) (investigation, response) {
	t.Helper()
	r, _ := a.postAs(t, a.tokens[role], saveInvestigation, map[string]any{"input": input, "version": version})
	var out struct {
		SaveInvestigation investigation `json:"saveInvestigation"`
	}
	if len(r.Errors) == 0 {
		if err := json.Unmarshal(r.Data, &out); err != nil {
			t.Fatal(err)
		}
	}
	return out.SaveInvestigation, r
}

func readInvestigation(t *testing.T, a *api, token, id string) *investigation {
	t.Helper()
	r, _ := a.postAs(t, token, `query($id: ID!) { investigation(id: $id) { `+investigationFields+` } }`, map[string]any{"id": id})
	noErrors(t, r)
	var out struct {
		Investigation *investigation `json:"investigation"`
	}
	if err := json.Unmarshal(r.Data, &out); err != nil {
		t.Fatal(err)
	}
	return out.Investigation
}

func TestInvestigationSaveReadUpdate(t *testing.T) {
	a := newAPI(t)
	id := newInvestigationID(t)
	gone := a.person(t) // retracted below: the view keeps its ID, not the entity
	input := map[string]any{
		"id": id, "name": "Mamai and his party", "description": "Who stood with him.\nSecond line.",
		"entities":  []string{"person/zhanbolat-mamai", "party/democratic-party", gone},
		"positions": []map[string]any{{"entity": "person/zhanbolat-mamai", "x": 10.5, "y": -3}},
		"filters": map[string]any{"hiddenTypes": []string{"SOURCE", "LEGAL_CODE"}, "hiddenRelationshipTypes": []string{"MEMBER_OF"},
			"state": map[string]any{"zoom": 1.5, "layout": "force"}},
		"notes": []map[string]any{{"entity": "party/democratic-party", "text": "Unregistered."}},
	}
	created, r := a.saveInvestigationAs(t, kg.Editor, input, 0)
	noErrors(t, r)
	if created.Version != 1 || created.CreatedBy == "" || created.CreatedBy != created.UpdatedBy || len(created.Entities) != 3 {
		t.Fatalf("created: %+v", created)
	}
	if _, err := time.Parse(time.RFC3339Nano, created.UpdatedAt); err != nil {
		t.Errorf("updatedAt: %v", err)
	}

	// Anyone may read it, with no token, by its ID, as a node, and see it listed.
	got := readInvestigation(t, a, "", id)
	if got == nil {
		t.Fatal("an anonymous reader does not see the investigation")
	}
	if got.Name != "Mamai and his party" || got.Description != "Who stood with him.\nSecond line." ||
		strings.Join(got.EntityIDs, ",") != "person/zhanbolat-mamai,party/democratic-party,"+gone ||
		len(got.Positions) != 1 || got.Positions[0].X != 10.5 || got.Positions[0].Y != -3 ||
		strings.Join(got.Filters.HiddenTypes, ",") != "SOURCE,LEGAL_CODE" || strings.Join(got.Filters.HiddenRelationshipTypes, ",") != "MEMBER_OF" ||
		got.Filters.State["layout"] != "force" || len(got.Notes) != 1 || got.Notes[0].Text != "Unregistered." {
		t.Errorf("read back: %+v", got)
	}
	if got.Entities[0].ID != "person/zhanbolat-mamai" || got.Entities[0].Name == "" {
		t.Errorf("entities: %+v", got.Entities)
	}
	r, _ = a.post(t, `query($id: ID!) { node(id: $id) { id ... on Investigation { name version } } }`, map[string]any{"id": id})
	noErrors(t, r)
	if !strings.Contains(string(r.Data), `"name":"Mamai and his party"`) {
		t.Errorf("node(id:): %s", r.Data)
	}

	// A retracted entity drops out of entities, not out of entityIds.
	r, _ = a.postAs(t, a.tokens[kg.Admin], `mutation($id: ID!) { retractEntity(id: $id, version: 1, reason: "test") { id } }`, map[string]any{"id": gone})
	noErrors(t, r)
	got = readInvestigation(t, a, "", id)
	if len(got.Entities) != 2 || len(got.EntityIDs) != 3 {
		t.Errorf("after a retraction: entities %+v, entityIds %v", got.Entities, got.EntityIDs)
	}

	// An update from the version read; the same version again is stale.
	input["name"] = "Mamai's circle"
	input["entities"] = []string{"person/zhanbolat-mamai"}
	input["positions"], input["notes"], input["filters"] = nil, nil, nil
	updated, r := a.saveInvestigationAs(t, kg.Editor, input, 1)
	noErrors(t, r)
	if updated.Version != 2 || updated.Name != "Mamai's circle" || len(updated.EntityIDs) != 1 || len(updated.Notes) != 0 || updated.Filters.State != nil {
		t.Errorf("updated: %+v", updated)
	}
	input["name"] = "Lost update"
	_, r = a.saveInvestigationAs(t, kg.Editor, input, 1)
	if code(r) != "CONFLICT" || !strings.Contains(r.Errors[0].Message, "version 2, not 1") {
		t.Errorf("stale version: %+v", r.Errors)
	}
	if saved, _ := r.Errors[0].Extensions["saved"].(string); saved != "NO" {
		t.Errorf("stale version: extensions.saved = %q, want NO", saved)
	}
	// Creating it again is a conflict too: version 0 means new.
	_, r = a.saveInvestigationAs(t, kg.Editor, input, 0)
	if code(r) != "CONFLICT" || !strings.Contains(r.Errors[0].Message, "exists already") {
		t.Errorf("create over an existing one: %+v", r.Errors)
	}
	if got := readInvestigation(t, a, "", id); got.Name != "Mamai's circle" || got.Version != 2 {
		t.Errorf("after refused saves: %+v", got)
	}

	// History keeps who did what.
	r, _ = a.post(t, `query($id: ID!) { history(id: $id) { op kind actor version before after } }`, map[string]any{"id": id})
	noErrors(t, r)
	var h struct {
		History []struct {
			Op, Kind, Actor string
			Version         int
			Before, After   map[string]any
		} `json:"history"`
	}
	if err := json.Unmarshal(r.Data, &h); err != nil {
		t.Fatal(err)
	}
	if len(h.History) != 2 || h.History[0].Op != "CREATE" || h.History[1].Op != "UPDATE" || h.History[0].Kind != "Investigation" ||
		h.History[0].Actor != created.CreatedBy || h.History[1].Version != 2 ||
		h.History[1].Before["name"] != "Mamai and his party" || h.History[1].After["name"] != "Mamai's circle" {
		t.Errorf("history: %+v", h.History)
	}
}

func TestInvestigationIdempotencyKey(t *testing.T) {
	a := newAPI(t)
	id := newInvestigationID(t)
	vars := map[string]any{"input": investigationInput(id, "Once", "person/zhanbolat-mamai"), "key": fmt.Sprintf("key-%d", time.Now().UnixNano())}
	for i := 0; i < 2; i++ {
		r, _ := a.postAs(t, a.tokens[kg.Editor], saveInvestigation, vars)
		noErrors(t, r)
		if !strings.Contains(string(r.Data), `"version":1`) {
			t.Errorf("send %d: %s", i+1, r.Data)
		}
	}
	vars["input"] = investigationInput(id, "Another", "person/zhanbolat-mamai")
	r, _ := a.postAs(t, a.tokens[kg.Editor], saveInvestigation, vars)
	if code(r) != "CONFLICT" || !strings.Contains(r.Errors[0].Message, "idempotencyKey") {
		t.Errorf("the key with another change: %+v", r.Errors)
	}
}

func TestInvestigationRoles(t *testing.T) {
	a := newAPI(t)
	id := newInvestigationID(t)
	input := investigationInput(id, "Roles", "person/zhanbolat-mamai")
	r, _ := a.post(t, saveInvestigation, map[string]any{"input": input})
	if code(r) != "UNAUTHENTICATED" {
		t.Errorf("no token: %+v", r.Errors)
	}
	_, r = a.saveInvestigationAs(t, kg.Reader, input, 0)
	if code(r) != "FORBIDDEN" {
		t.Errorf("reader saves: %+v", r.Errors)
	}
	_, r = a.saveInvestigationAs(t, kg.Editor, input, 0)
	noErrors(t, r)

	// Another editor may change it but not delete it; its creator and an
	// admin may.
	other, err := a.store.CreateToken(context.Background(), fmt.Sprintf("test-other-editor-%d", time.Now().UnixNano()), kg.Editor, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, _ = a.postAs(t, other, saveInvestigation, map[string]any{"input": input, "version": 1})
	noErrors(t, r)
	r, _ = a.postAs(t, other, deleteInvestigation, map[string]any{"id": id, "version": 2})
	if code(r) != "FORBIDDEN" || !strings.Contains(r.Errors[0].Message, "admin") {
		t.Errorf("another editor deletes: %+v", r.Errors)
	}
	r, _ = a.postAs(t, a.tokens[kg.Reader], deleteInvestigation, map[string]any{"id": id, "version": 2})
	if code(r) != "FORBIDDEN" {
		t.Errorf("reader deletes: %+v", r.Errors)
	}
	r, _ = a.postAs(t, a.tokens[kg.Editor], deleteInvestigation, map[string]any{"id": id, "version": 1})
	if code(r) != "CONFLICT" {
		t.Errorf("stale delete: %+v", r.Errors)
	}
	if readInvestigation(t, a, "", id) == nil {
		t.Fatal("refused deletes deleted it")
	}
	r, _ = a.postAs(t, a.tokens[kg.Editor], deleteInvestigation, map[string]any{"id": id, "version": 2})
	noErrors(t, r)
	if !strings.Contains(string(r.Data), `"op":"RETRACT"`) || !strings.Contains(string(r.Data), `"kind":"Investigation"`) {
		t.Errorf("delete answered %s", r.Data)
	}
	if got := readInvestigation(t, a, "", id); got != nil {
		t.Errorf("deleted, still read: %+v", got)
	}
	r, _ = a.postAs(t, a.tokens[kg.Editor], deleteInvestigation, map[string]any{"id": id, "version": 3})
	if code(r) != "NOT_FOUND" {
		t.Errorf("delete again: %+v", r.Errors)
	}

	// An admin deletes another's.
	_, r = a.saveInvestigationAs(t, kg.Editor, input, 0)
	noErrors(t, r)
	r, _ = a.postAs(t, a.tokens[kg.Admin], deleteInvestigation, map[string]any{"id": id, "version": 1})
	noErrors(t, r)
	r, _ = a.post(t, `query($id: ID!) { history(id: $id) { op } }`, map[string]any{"id": id})
	noErrors(t, r)
	if want := `{"history":[{"op":"CREATE"},{"op":"UPDATE"},{"op":"RETRACT"},{"op":"CREATE"},{"op":"RETRACT"}]}`; string(r.Data) != want {
		t.Errorf("history: %s, want %s", r.Data, want)
	}
}

func TestInvestigationLimits(t *testing.T) {
	a := newAPI(t)
	id := newInvestigationID(t)
	many := make([]string, kg.MaxInvestigationEntities+1)
	for i := range many {
		many[i] = fmt.Sprintf("person/p%d", i)
	}
	with := func(k string, v any) map[string]any {
		in := investigationInput(id, "Limits", "person/zhanbolat-mamai")
		in[k] = v
		return in
	}
	for _, c := range []struct {
		name  string
		input map[string]any
		want  string
	}{
		{"bad id", investigationInput("person/zhanbolat-mamai", "x", "person/zhanbolat-mamai"), "input.id: "},
		{"id too long", investigationInput("investigation/"+strings.Repeat("a", 200), "x", "person/zhanbolat-mamai"), "input.id: "},
		{"empty name", with("name", " "), "input.name"},
		{"long name", with("name", strings.Repeat("n", 201)), "input.name is 201 characters long"},
		{"name with a line break", with("name", "a\nb"), "input.name"},
		{"long description", with("description", strings.Repeat("d", 2001)), "input.description is 2001 characters long"},
		{"too many entities", with("entities", many), "input.entities: 1001 entities, at most 1000"},
		{"bad entity ID", with("entities", []string{"person/zhanbolat-mamai", "nobody"}), `input.entities[1]: "nobody" is not an entity ID`},
		{"twice", with("entities", []string{"person/zhanbolat-mamai", "person/zhanbolat-mamai"}), "input.entities[1]: person/zhanbolat-mamai is listed twice"},
		{"unknown entities", with("entities", []string{"person/zhanbolat-mamai", "person/no-such-one", "case/no-such-case"}), "the graph holds no entity person/no-such-one, case/no-such-case"},
		{"position off the view", with("positions", []map[string]any{{"entity": "person/someone-else", "x": 1, "y": 2}}), `input.positions[0].entity: "person/someone-else" is not among input.entities`},
		{"huge position", with("positions", []map[string]any{{"entity": "person/zhanbolat-mamai", "x": 1e300, "y": 2}}), "input.positions[0]: x and y must be finite"},
		{"long note", with("notes", []map[string]any{{"entity": "person/zhanbolat-mamai", "text": strings.Repeat("t", 2001)}}), "input.notes[0].text is 2001 characters long"},
		{"hidden characters in a note", with("notes", []map[string]any{{"entity": "person/zhanbolat-mamai", "text": "a\u202eb"}}), "input.notes[0].text has U+202E"},
		{"two notes on one", with("notes", []map[string]any{{"entity": "person/zhanbolat-mamai", "text": "a"}, {"entity": "person/zhanbolat-mamai", "text": "b"}}), "input.notes[1].entity: person/zhanbolat-mamai has one already"},
		{"big state", with("filters", map[string]any{"state": map[string]any{"blob": strings.Repeat("s", kg.MaxInvestigationState)}}), "input.filters.state:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, r := a.saveInvestigationAs(t, kg.Editor, c.input, 0)
			if code(r) != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, c.want) {
				t.Errorf("got %+v, want BAD_USER_INPUT with %q", r.Errors, c.want)
			}
		})
	}
	if readInvestigation(t, a, "", id) != nil {
		t.Error("a refused investigation was saved")
	}
	r, _ := a.post(t, `{ investigation(id: "investigation/Bad ID") { id } }`, nil)
	if code(r) != "BAD_USER_INPUT" {
		t.Errorf("reading a malformed ID: %+v", r.Errors)
	}
}

func TestInvestigationsPages(t *testing.T) {
	a := newAPI(t)
	prefix := fmt.Sprintf("Pages %d", time.Now().UnixNano())
	var ids []string
	for _, name := range []string{"c", "a", "b"} {
		id := newInvestigationID(t)
		ids = append(ids, id)
		_, r := a.saveInvestigationAs(t, kg.Editor, investigationInput(id, prefix+" "+name, "person/zhanbolat-mamai"), 0)
		noErrors(t, r)
	}
	// Walk every page of two, keeping the order of this test's three.
	var names []string
	total, after := -1, any(nil)
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("pages do not end")
		}
		r, _ := a.post(t, `query($after: String) { investigations(first: 2, after: $after) {
			totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name entities { id } } } } }`, map[string]any{"after": after})
		noErrors(t, r)
		var out struct {
			Investigations struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   *string
				}
				Edges []struct {
					Node struct{ ID, Name string }
				}
			}
		}
		if err := json.Unmarshal(r.Data, &out); err != nil {
			t.Fatal(err)
		}
		c := out.Investigations
		if len(c.Edges) > 2 {
			t.Fatalf("a page of %d", len(c.Edges))
		}
		total = c.TotalCount
		for _, e := range c.Edges {
			if strings.HasPrefix(e.Node.Name, prefix) {
				names = append(names, strings.TrimPrefix(e.Node.Name, prefix+" "))
			}
		}
		if !c.PageInfo.HasNextPage {
			break
		}
		after = *c.PageInfo.EndCursor
	}
	if strings.Join(names, "") != "abc" || total < 3 {
		t.Errorf("listed %v of %d, want a, b, c by name", names, total)
	}
	r, _ := a.post(t, `{ investigations(first: 101) { totalCount } }`, nil)
	if code(r) != "BAD_USER_INPUT" {
		t.Errorf("first: 101: %+v", r.Errors)
	}

	// A page's entities come in one round trip, however many
	// investigations it holds.
	r, statements := a.post(t, `{ investigations(first: 3) { edges { node { entities { id name } } } } }`, nil)
	noErrors(t, r)
	if statements != 2 {
		t.Errorf("a page with its entities took %d statements, want 2 (the page, its entities)", statements)
	}
	// Each investigation may hold 1,000 entities, and its lists count so.
	r, _ = a.post(t, `{ investigations(first: 100) { edges { node { entities { id name } } } } }`, nil)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] == nil || !strings.Contains(r.Errors[0].Message, "complexity") {
		t.Errorf("a hundred investigations with their entities: %+v", r.Errors)
	}
}

// Saving and deleting an investigation reach a subscriber watching it.
func TestSubscriptionGetsInvestigationChanges(t *testing.T) {
	s := newSubscriptions(t)
	c := dialWS(t, s.url, "graphql-transport-ws", "Bearer "+s.reader.text)
	c.expect(t, "connection_ack")
	id := newInvestigationID(t)
	c.subscribe(t, changesQuery, map[string]any{"ids": []string{id}})
	s.waitSubscribed(t, 1)
	s.postAsEditor(t, saveInvestigation, map[string]any{"input": investigationInput(id, "Watched", "person/zhanbolat-mamai"), "reason": "seen live"})
	got := c.next(t)
	got.check(t, "CREATE", id, "Investigation", s.editor.name)
	if got.Version != 1 || got.Reason != "seen live" {
		t.Fatalf("got %+v, want version 1 and the reason", got)
	}
	s.postAsEditor(t, deleteInvestigation, map[string]any{"id": id, "version": 1})
	c.next(t).check(t, "RETRACT", id, "Investigation", s.editor.name)
}
