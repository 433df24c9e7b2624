package neo4jstore

import (
	"context"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

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
	rec := res.Records[0]
	var st kg.Stats
	if st.Nodes, _, err = neo4j.GetRecordValue[int64](rec, "nodes"); err != nil {
		return kg.Stats{}, translate(err, "reading graph statistics failed")
	}
	if st.Relationships, _, err = neo4j.GetRecordValue[int64](rec, "relationships"); err != nil {
		return kg.Stats{}, translate(err, "reading graph statistics failed")
	}
	counts, _, err := neo4j.GetRecordValue[[]any](rec, "byType")
	if err != nil {
		return kg.Stats{}, translate(err, "reading graph statistics failed")
	}
	for i, t := range kg.EntityTypes {
		n, _ := counts[i].(int64)
		st.ByType = append(st.ByType, kg.TypeCount{Type: t, Count: n})
	}
	return st, nil
}
