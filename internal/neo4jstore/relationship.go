package neo4jstore

import (
	"context"
	"strings"

	"github.com/casegraph/casegraph/internal/kg"
)

// relationshipQuery finds a relationship by ID through the id index of each
// type; the types come from the fixed list.
var relationshipQuery = func() string {
	var parts []string
	for _, t := range kg.AllRelTypes() {
		parts = append(parts, "MATCH (a)-[r:"+string(t)+" {id: $id}]->(b) WHERE "+seenAll("r", "a", "b")+" RETURN r")
	}
	return "CALL () { " + strings.Join(parts, " UNION ALL ") + " } WITH r LIMIT 1 " +
		"WITH [startNode(r), endNode(r)] AS nodes, [r] AS rels" + viewProjection
}()

// Relationship returns one relationship by its ID, with its two ends.
func (s *Store) Relationship(ctx context.Context, id string) (kg.GraphView, error) {
	res, err := s.readQuery(ctx, relationshipQuery, map[string]any{"id": id})
	if err != nil {
		return kg.GraphView{}, translate(err, "reading the relationship failed")
	}
	if len(res.Records) == 0 {
		return kg.GraphView{}, kg.Errorf(kg.NotFound, "no relationship with id %q", id)
	}
	view, err := readView(res.Records[0])
	if err != nil {
		return kg.GraphView{}, translate(err, "reading the relationship failed")
	}
	return view, nil
}
