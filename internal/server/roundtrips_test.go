package server_test

import (
	"testing"
)

// Each root field is answered with a fixed number of Cypher statements,
// whatever the number of results or the depth of the selection. A change
// that adds one fails here.
func TestRoundTripsDoNotGrow(t *testing.T) {
	a := newAPI(t)
	deep := `
		... on Person {
			name
			memberships { role entity { name ... on Party { members { entity { name } citations { source { title } } } } } }
			charges {
				article { name convictions { defendant { name charges { article { name } } } } }
				supersedes { supersedes { name } }
				sentences { court { name place { within { name } } } restrictions { kind } }
			}
			citations { paragraph source { title publishedBy { name } } }
		}`
	tests := []struct {
		name  string
		query string
		want  int
	}{
		{"one entity, shallow", `{ node(id: "person/zhanbolat-mamai") { id } }`, 1},
		{"one entity, six levels deep", `{ node(id: "person/zhanbolat-mamai") {` + deep + `} }`, 1},
		{"five entities, six levels deep", `{ nodes(ids: ["person/zhanbolat-mamai", "person/alnur-ilyashev", "person/makhambet-abzhan", "person/marat-zhylanbaev", "person/aigerim-tleuzhan"]) {` + deep + `} }`, 1},
		{"a page of entities with nested fields", `{ entities(types: [PERSON], first: 3) { totalCount edges { node {` + deep + `} } } }`, 2},
		{"neighbourhood without sources", `{ neighbourhood(id: "person/zhanbolat-mamai", depth: 2) { nodes { id } edges { id sources { ref } } } }`, 1},
		{"neighbourhood with cited sources", `{ neighbourhood(id: "person/zhanbolat-mamai", depth: 2) { nodes { id } edges { id sources { source { title } } } } }`, 2},
		{"search with the hits' own fields", `{ search(query: "Mamai", first: 20) { score entity { __typename id name ... on Person { aliases } } } }`, 1},
		{"search with a fragment on one type", `{ search(query: "Mamai", first: 20) { entity { __typename ... on Party { name } } } }`, 1},
		{"search with entities", `{ search(query: "Mamai", first: 20) { score entity { name ... on Person { charges { article { name } } } } } }`, 2},
		{"convictions with three entity fields", `{ convictions(first: 50) { totalCount edges { node { person { name memberships { entity { name } } } case { name } court { name place { name } } } } } }`, 2},
		{"common ground with shared entities", `{ commonGround(a: "person/zhanbolat-mamai", b: "person/alnur-ilyashev") { a { name } b { name } shared { entity { name } } } }`, 2},
		{"relationship with both ends and sources", `{ relationship(id: "rel/airport-case-heard-by-specialised-court") { from { name } to { name } citations { source { title } } } }`, 2},
		{"timeline with entities and sources", `{ timeline(of: "case/zhanbolat-mamai-2022") { title entity { id name } citations { source { title } } } }`, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, n := a.post(t, tt.query, nil)
			noErrors(t, r)
			if n != tt.want {
				t.Errorf("%d Cypher statements, want %d", n, tt.want)
			}
		})
	}
}
