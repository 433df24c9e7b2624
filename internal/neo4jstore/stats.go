package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/casegraph/casegraph/internal/kg"
)

// statsQuery reads every count from Neo4j's count store in one round trip.
// The labels come from the fixed list kg.EntityTypes, never from input.
var statsQuery = func() string {
	var b strings.Builder
	b.WriteString("CALL () { MATCH (n) RETURN count(n) AS nodes } ")
	b.WriteString("CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } ")
	b.WriteString("RETURN nodes, relationships, [")
	for i, t := range kg.EntityTypes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("COUNT { MATCH (:" + string(t) + ") }")
	}
	b.WriteString("] AS byType")
	return b.String()
}()

// Stats counts nodes, relationships and entities by type.
func (s *Store) Stats(ctx context.Context) (kg.Stats, error) {
	res, err := s.readQuery(ctx, statsQuery, nil)
	if err != nil {
		return kg.Stats{}, translate(err, "reading graph statistics failed")
	}
	r := rowOf(res.Records[0], "reading graph statistics")
	st := kg.Stats{Nodes: int64(r.num("nodes")), Relationships: int64(r.num("relationships"))}
	if err := r.err(); err != nil {
		return kg.Stats{}, err
	}
	counts, err := listOf[int64](res.Records[0], "reading graph statistics", "byType")
	if err != nil {
		return kg.Stats{}, err
	}
	if len(counts) != len(kg.EntityTypes) {
		return kg.Stats{}, badColumn("reading graph statistics", "byType", fmt.Sprintf("%d counts, want one for each of %d types", len(counts), len(kg.EntityTypes)))
	}
	for i, t := range kg.EntityTypes {
		st.ByType = append(st.ByType, kg.TypeCount{Type: t, Count: counts[i]})
	}
	return st, nil
}
