package server_test

import (
	"encoding/json"
	"testing"
)

// A relationship read from its two ends is two objects to a client's
// cache, and a graph view's nodes and edges never take an entity's or a
// relationship's key.
func TestKeysNeverMeanTwoShapes(t *testing.T) {
	a := newAPI(t)
	r, _ := a.post(t, `{
		person: node(id: "person/zhanbolat-mamai") { ... on Person { memberships { id relationship direction entity { id } } } }
		party: node(id: "party/democratic-party") { ... on Party { members { id relationship direction entity { id } } } }
		neighbourhood(id: "person/zhanbolat-mamai", depth: 1) { nodes { id entity } edges { id relationship source } }
	}`, nil)
	noErrors(t, r)
	type link struct {
		ID, Relationship, Direction string
		Entity                      struct{ ID string }
	}
	var d struct {
		Person        struct{ Memberships []link }
		Party         struct{ Members []link }
		Neighbourhood struct {
			Nodes []struct{ ID, Entity string }
			Edges []struct{ ID, Relationship, Source string }
		}
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	const leads = "LEADS:person/zhanbolat-mamai->party/democratic-party"
	views := map[string]link{}
	for _, l := range append(d.Person.Memberships, d.Party.Members...) {
		if l.Relationship == leads {
			views[l.Direction] = l
		}
	}
	out, in := views["OUT"], views["IN"]
	if out.ID == "" || in.ID == "" || out.ID == in.ID {
		t.Fatalf("the two ends' views of %s: %+v and %+v, want two different IDs", leads, out, in)
	}
	if out.ID != "Link:OUT:"+leads || out.Entity.ID != "party/democratic-party" || in.Entity.ID != "person/zhanbolat-mamai" {
		t.Errorf("views %+v and %+v", out, in)
	}
	if len(d.Neighbourhood.Nodes) == 0 || len(d.Neighbourhood.Edges) == 0 {
		t.Fatalf("empty neighbourhood: %s", r.Data)
	}
	for _, n := range d.Neighbourhood.Nodes {
		if n.ID != "GraphNode:"+n.Entity {
			t.Errorf("node %+v: its key is not apart from its entity's ID", n)
		}
	}
	for _, e := range d.Neighbourhood.Edges {
		if e.ID != "GraphEdge:"+e.Relationship || e.Source == "" {
			t.Errorf("edge %+v: its key is not apart from its relationship's ID", e)
		}
	}
}
