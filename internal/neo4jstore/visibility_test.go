package neo4jstore_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// as is a context acting for a token of role in groups.
func as(name string, role kg.Role, groups ...string) context.Context {
	return kg.WithPrincipal(context.Background(), kg.Principal{Name: name, Role: role, Groups: groups})
}

// A write finds only what its writer may read: a fact out of sight is
// changed and removed as an unknown ID would be, a create cannot take its
// ID over, and a change that would reach a hidden relationship is
// refused. Only an admin widens who reads a fact. Each record of a change
// is as visible as every fact it names.
func TestWritesKeepToTheWritersSight(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	stamp := time.Now().UnixNano()
	secret := fmt.Sprintf("person/secret-%d", stamp)
	open := fmt.Sprintf("person/open-%d", stamp)
	unknown := fmt.Sprintf("person/nobody-%d", stamp)
	t.Cleanup(func() {
		neo4jtest.Exec(t, uri, "MATCH (n:Entity) WHERE n.id IN $ids DETACH DELETE n", map[string]any{"ids": []string{secret, open}})
		neo4jtest.Exec(t, uri, "MATCH (c:Change) WHERE c.target IN $ids OR c.target STARTS WITH 'rel/vis-' DELETE c", map[string]any{"ids": []string{secret, open}})
	})
	admin := as("root", kg.Admin)
	member := as("mona", kg.Editor, "monitors")
	outsider := as("otto", kg.Editor, "press")
	edit := kg.Edit{Actor: "test"}
	person := func(id, name string, groups ...string) kg.Entity {
		p := map[string]any{"name": name}
		if len(groups) > 0 {
			p["groups"] = groups
		}
		return kg.Entity{ID: id, Type: kg.Person, Props: p}
	}

	if _, err := s.SaveEntity(outsider, person(secret, "Witness", "monitors"), nil, 0, edit); err == nil || kg.ErrorCode(err) != kg.Forbidden {
		t.Fatalf("an editor restricted a fact to a group it is not in: %v", err)
	}
	if _, err := s.SaveEntity(member, person(secret, "Witness", "monitors"), nil, 0, edit); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveEntity(member, person(open, "Open"), nil, 0, edit); err != nil {
		t.Fatal(err)
	}

	// Out of sight, the ID answers as unknown; a create is refused.
	unknownUpdate := func(id string) string {
		_, err := s.SaveEntity(outsider, person(id, "Changed"), nil, 1, edit)
		return string(kg.ErrorCode(err)) + ": " + strings.ReplaceAll(kg.ErrorMessage(err), id, "ID")
	}
	if got, want := unknownUpdate(secret), unknownUpdate(unknown); got != want {
		t.Errorf("an update of a hidden entity answers %q, of an unknown one %q", got, want)
	}
	_, errHidden := s.RetractEntity(outsider, secret, 1, edit)
	_, errUnknown := s.RetractEntity(outsider, unknown, 1, edit)
	if kg.ErrorCode(errHidden) != kg.ErrorCode(errUnknown) || strings.ReplaceAll(kg.ErrorMessage(errHidden), secret, "ID") != strings.ReplaceAll(kg.ErrorMessage(errUnknown), unknown, "ID") {
		t.Errorf("a retraction of a hidden entity answers %v, of an unknown one %v", errHidden, errUnknown)
	}
	if _, err := s.SaveEntity(outsider, person(secret, "Overwritten"), nil, 0, edit); kg.ErrorCode(err) != kg.Conflict {
		t.Errorf("a create over a hidden entity's ID: %v, want CONFLICT", err)
	}

	// Widening is an admin's: a member may not make it public; an admin may.
	if _, err := s.SaveEntity(member, person(secret, "Witness"), nil, 1, edit); kg.ErrorCode(err) != kg.Forbidden {
		t.Errorf("an editor made a restricted fact public: %v", err)
	}
	if _, err := s.SaveEntity(member, person(secret, "Witness B", "monitors"), nil, 1, edit); err != nil {
		t.Errorf("a member could not change a restricted fact: %v", err)
	}

	// A restricted relationship between a public and a hidden entity
	// keeps the public one from an outsider's retraction.
	rel := kg.Link{ID: fmt.Sprintf("rel/vis-%d", stamp), Type: kg.RelType("ASSOCIATED_WITH"), From: open, To: secret, Props: map[string]any{"groups": []string{"monitors"}}}
	if _, ok := kg.RelationSpec(rel.Type); !ok {
		t.Fatalf("no relation type %s", rel.Type)
	}
	if err := s.SaveRelation(member, rel, true, edit); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RetractEntity(outsider, open, 1, edit); kg.ErrorCode(err) != kg.Forbidden {
		t.Errorf("an outsider's retraction of an entity with a hidden relationship: %v, want FORBIDDEN", err)
	}
	if _, err := s.RetractRelation(outsider, rel.Type, rel.ID, edit); kg.ErrorCode(err) != kg.NotFound {
		t.Errorf("an outsider's retraction of a hidden relationship: %v, want NOT_FOUND", err)
	}

	// History: the outsider sees none of the hidden facts' records.
	for _, id := range []string{secret, rel.ID} {
		for _, c := range []struct {
			ctx  context.Context
			want bool
		}{{outsider, false}, {context.Background(), false}, {member, true}, {admin, true}} {
			h, err := s.History(c.ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if (len(h) > 0) != c.want {
				t.Errorf("history of %s: %d records, want some: %v", id, len(h), c.want)
			}
		}
	}
	if _, err := s.SaveEntity(admin, person(secret, "Witness B"), nil, 2, edit); err != nil {
		t.Errorf("an admin could not make a fact public: %v", err)
	}

	// The record of a case file's import counts the facts it wrote.
	file := fmt.Sprintf("vis-%d.yaml", stamp)
	hidden := fmt.Sprintf("person/hidden-%d", stamp)
	t.Cleanup(func() {
		neo4jtest.Exec(t, uri, "MATCH (n:Entity {id: $id}) DETACH DELETE n", map[string]any{"id": hidden})
		neo4jtest.Exec(t, uri, "MATCH (c:Change) WHERE c.target IN $ids DELETE c", map[string]any{"ids": []string{hidden, "casefile/" + file}})
		neo4jtest.Exec(t, uri, "MATCH (f:CaseFile {name: $f}) DELETE f", map[string]any{"f": file})
	})
	b := kg.Batch{Origin: file, Hash: "h", Entities: []kg.Entity{person(hidden, "Hidden", "monitors")}}
	if _, err := s.Import(admin, []kg.Batch{b}, kg.ImportOptions{Edit: edit}); err != nil {
		t.Fatal(err)
	}
	// Through the API, an import is an edit like any other: it reaches no
	// fact out of its writer's sight, and widens none.
	refusal := func(ctx context.Context, b kg.Batch) error {
		res, err := s.Import(ctx, []kg.Batch{b}, kg.ImportOptions{Edit: edit})
		if err != nil {
			t.Fatal(err)
		}
		if res.Refusal == nil {
			return nil
		}
		return res.Refusal
	}
	if r := refusal(outsider, kg.Batch{Origin: file, Hash: "h2", Entities: []kg.Entity{person(hidden, "Hidden")}}); kg.ErrorCode(r) != kg.Forbidden {
		t.Errorf("an outsider's import of a file stating a hidden fact: %v, want FORBIDDEN", r)
	}
	if r := refusal(member, kg.Batch{Origin: file, Hash: "h3", Entities: []kg.Entity{person(hidden, "Hidden")}}); kg.ErrorCode(r) != kg.Forbidden {
		t.Errorf("a member's import making a restricted fact public: %v, want FORBIDDEN", r)
	}
	if r := refusal(member, kg.Batch{Origin: file, Hash: "h4", Entities: []kg.Entity{person(hidden, "Hidden too", "monitors")}}); r != nil {
		t.Errorf("a member's import changing a restricted fact within its group: %v", r)
	}
	// The record counts, for each reader, the facts it may see.
	for _, c := range []struct {
		ctx     context.Context
		created any
	}{{outsider, 0}, {context.Background(), 0}, {member, 1}, {admin, 1}} {
		h, err := s.History(c.ctx, "casefile/"+file)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) == 0 {
			t.Fatalf("no record of the import of %s", file)
		}
		if got := fmt.Sprint(h[0].After["created"]); got != fmt.Sprint(c.created) {
			t.Errorf("the import record of a file with a restricted fact counts %s created, want %v", got, c.created)
		}
	}

	// An investigation is read without the entities out of its reader's
	// sight; a save by such a reader keeps them. Its history names them,
	// so only those who see them read it.
	inv := fmt.Sprintf("investigation/vis-%d", stamp)
	t.Cleanup(func() {
		neo4jtest.Exec(t, uri, "MATCH (i:Investigation {id: $id}) DELETE i", map[string]any{"id": inv})
		neo4jtest.Exec(t, uri, "MATCH (c:Change {target: $id}) DELETE c", map[string]any{"id": inv})
	})
	content := kg.InvestigationContent{Name: "Vis", Entities: []string{open, hidden},
		Positions: []kg.Position{{Entity: hidden, X: 1, Y: 2}}, Notes: []kg.Note{{Entity: hidden, Text: "about the witness"}, {Entity: open, Text: "public"}}}
	if _, err := s.SaveInvestigation(member, inv, content, 0, edit); err != nil {
		t.Fatal(err)
	}
	read := func(ctx context.Context) kg.InvestigationContent {
		got, ok, err := s.Investigation(ctx, inv)
		if err != nil || !ok {
			t.Fatalf("reading %s: %v, found %v", inv, err, ok)
		}
		list, _, err := s.ListInvestigations(ctx, 500, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range list {
			if l.ID == inv && !reflect.DeepEqual(l.InvestigationContent, got.InvestigationContent) {
				t.Errorf("the list gives %s as %+v, the lookup as %+v", inv, l.InvestigationContent, got.InvestigationContent)
			}
		}
		return got.InvestigationContent
	}
	public := kg.InvestigationContent{Name: "Vis", Entities: []string{open}, Positions: []kg.Position{}, Notes: []kg.Note{{Entity: open, Text: "public"}}}
	for _, ctx := range []context.Context{outsider, context.Background()} {
		if got := read(ctx); !reflect.DeepEqual(got, public) {
			t.Errorf("an outsider reads the investigation as %+v, want %+v", got, public)
		}
		if h, err := s.History(ctx, inv); err != nil || len(h) > 0 {
			t.Errorf("an outsider reads %d history records of an investigation naming a hidden entity (%v)", len(h), err)
		}
	}
	if got := read(member); !reflect.DeepEqual(got, content) {
		t.Errorf("a member reads the investigation as %+v, want %+v", got, content)
	}
	// One saved before its entities were kept apart is read alike.
	neo4jtest.Exec(t, uri, "MATCH (i:Investigation {id: $id}) REMOVE i.entities", map[string]any{"id": inv})
	if got := read(outsider); !reflect.DeepEqual(got, public) {
		t.Errorf("an outsider reads an investigation saved before as %+v, want %+v", got, public)
	}
	renamed := public
	renamed.Name = "Renamed"
	if _, err := s.SaveInvestigation(outsider, inv, renamed, 1, edit); err != nil {
		t.Fatal(err)
	}
	kept := content
	kept.Name = "Renamed"
	kept.Notes = []kg.Note{{Entity: open, Text: "public"}, {Entity: hidden, Text: "about the witness"}}
	if got := read(member); !reflect.DeepEqual(got, kept) {
		t.Errorf("after an outsider's save, a member reads %+v, want %+v", got, kept)
	}
	named := func(id string) string {
		_, err := s.SaveInvestigation(outsider, fmt.Sprintf("investigation/other-%d", stamp), kg.InvestigationContent{Name: "X", Entities: []string{id}}, 0, edit)
		return string(kg.ErrorCode(err)) + ": " + strings.ReplaceAll(kg.ErrorMessage(err), id, "ID")
	}
	if got, want := named(hidden), named(unknown); got != want {
		t.Errorf("an outsider naming a hidden entity: %q; an unknown one: %q", got, want)
	}

	// A judgement of a pair with a hidden entity answers as one with an
	// unknown entity.
	judged := func(id string) string {
		_, err := s.JudgeDuplicates(outsider, open, id, "DISTINCT", kg.Edit{Actor: "otto", Reason: "r"})
		return string(kg.ErrorCode(err)) + ": " + strings.ReplaceAll(kg.ErrorMessage(err), id, "ID")
	}
	if got, want := judged(hidden), judged(unknown); got != want {
		t.Errorf("an outsider judging a hidden entity: %q; an unknown one: %q", got, want)
	}
}

// The store refuses a read that does not apply the reader's sight, and
// one that claims to read only its own nodes but reads facts; a reader's
// sight reaches the statement as parameters.
func TestEveryReadAppliesTheReadersSight(t *testing.T) {
	s := neo4jtest.Store(t)
	ctx := context.Background()
	for _, q := range []string{
		"MATCH (n:Entity) RETURN count(n) AS n",
		"MATCH (n:Person {id: $id}) RETURN n.id AS id",
	} {
		if _, err := s.ReadChecked(ctx, q, map[string]any{"id": "person/x"}); kg.ErrorCode(err) != kg.Internal {
			t.Errorf("a read without the reader's sight: %v, want it refused (INTERNAL)", err)
		}
	}
	for _, q := range []string{
		"MATCH (n:Entity) RETURN count(n) AS n",
		"MATCH (g:GraphState)-[r]->() RETURN count(r) AS n",
		"MATCH (t:Token), (p:Passage) RETURN count(p) AS n",
	} {
		if _, err := s.ReadOwn(ctx, q, nil); kg.ErrorCode(err) != kg.Internal {
			t.Errorf("%s read as the store's own: %v, want it refused (INTERNAL)", q, err)
		}
	}
	if _, err := s.ReadOwn(ctx, "OPTIONAL MATCH (g:GraphState {id: 'graph'}) RETURN g.version AS v", nil); err != nil {
		t.Errorf("a read of the store's own node: %v", err)
	}
	for _, c := range []struct {
		ctx    context.Context
		all    bool
		groups []any
	}{
		// A reader of no group is sent the empty name, which no fact can
		// be restricted to (noGroup).
		{ctx, false, []any{""}},
		{as("r", kg.Reader, "b", "a"), false, []any{"b", "a"}},
		{as("root", kg.Admin, "a"), true, []any{""}},
	} {
		res, err := s.ReadChecked(c.ctx, "RETURN $sightAll AS all, $sightGroups AS groups", nil)
		if err != nil {
			t.Fatal(err)
		}
		all, _ := res.Records[0].Get("all")
		groups, _ := res.Records[0].Get("groups")
		if all != c.all || !reflect.DeepEqual(groups, c.groups) {
			t.Errorf("the statement read sight %v %v, want %v %v", all, groups, c.all, c.groups)
		}
	}
}
