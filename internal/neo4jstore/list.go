package neo4jstore

import (
	"context"

	"github.com/casegraph/casegraph/internal/kg"
)

// ListEntities returns one page of entity IDs of the given types (all when
// empty) and how many there are in all, in one statement.
func (s *Store) ListEntities(ctx context.Context, types []kg.EntityType, order kg.EntityOrder, first, offset int) ([]string, int, error) {
	labels := make([]string, len(types))
	for i, t := range types {
		labels[i] = string(t)
	}
	// The sort key and direction come from this fixed choice, never from input.
	key, dir := "coalesce(n.name, n.title), n.id", "ASC"
	if order.ByID {
		key = "n.id"
	}
	if order.Desc {
		dir = "DESC"
	}
	if order.ByID {
		key += " " + dir
	} else {
		key = "coalesce(n.name, n.title) " + dir + ", n.id " + dir
	}
	res, err := s.readQuery(ctx, `
		MATCH (n:Entity) WHERE (size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels)) AND `+seen("n")+`
		WITH n ORDER BY `+key+`
		WITH collect(n.id) AS ids
		RETURN size(ids) AS total, ids[$offset..$offset + $first] AS page`,
		map[string]any{"labels": labels, "offset": offset, "first": first})
	if err != nil {
		return nil, 0, translate(err, "listing entities failed")
	}
	r := rowOf(res.Records[0], "listing entities")
	ids, total := r.strs("page"), r.num("total")
	if err := r.err(); err != nil {
		return nil, 0, err
	}
	return ids, total, nil
}
