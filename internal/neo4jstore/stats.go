package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/casegraph/casegraph/internal/kg"
)

// statsQuery counts what the reader sees in one round trip: Neo4j's count
// store gives the entities, of each type, and the relationships, all of
// which join entities; from these it takes what the reader may not see,
// found through the groups indexes among the few restricted facts
// (020_visibility.cypher): the hidden entities, every relationship of
// theirs, and the hidden relationships between entities in sight. The
// labels and types come from the fixed lists kg.EntityTypes and
// kg.AllRelTypes, never from input.
var statsQuery = func() string {
	var b strings.Builder
	b.WriteString(`CALL () { MATCH (n:Entity) RETURN count(n) AS entities }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
CALL () {
  MATCH (n:Entity) WHERE n.groups IS NOT NULL AND NOT ` + seen("n") + `
  RETURN collect(n) AS hidden
}
CALL (hidden) {
  UNWIND hidden AS n
  MATCH (n)-[r]-()
  RETURN count(DISTINCT r) AS ofHidden
}
CALL () {
  CALL () {
    `)
	for i, t := range kg.AllRelTypes() {
		if i > 0 {
			b.WriteString("\n    UNION ALL\n    ")
		}
		b.WriteString("MATCH (a)-[r:" + string(t) + "]->(b) WHERE r.groups IS NOT NULL RETURN a, r, b")
	}
	b.WriteString(`
  }
  WITH r WHERE NOT ` + seen("r") + ` AND ` + seenAll("a", "b") + `
  RETURN count(r) AS unseen
}
RETURN entities - size(hidden) AS nodes, relationships - ofHidden - unseen AS relationships, [`)
	for i, t := range kg.EntityTypes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("COUNT { MATCH (:" + string(t) + ") } - size([n IN hidden WHERE n:" + string(t) + "])")
	}
	b.WriteString("] AS byType")
	return b.String()
}()

// Stats counts the entities, the relationships and the entities of each
// type that the reader sees: what a graph without the facts hidden from
// them would hold.
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
