package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

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
		MATCH (n:Entity) WHERE size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels)
		WITH n ORDER BY `+key+`
		WITH collect(n.id) AS ids
		RETURN size(ids) AS total, ids[$offset..$offset + $first] AS page`,
		map[string]any{"labels": labels, "offset": offset, "first": first})
	if err != nil {
		return nil, 0, translate(err, "listing entities failed")
	}
	rec := res.Records[0]
	total, _, _ := neo4j.GetRecordValue[int64](rec, "total")
	page, _, _ := neo4j.GetRecordValue[[]any](rec, "page")
	ids := make([]string, len(page))
	for i, v := range page {
		ids[i], _ = v.(string)
	}
	return ids, int(total), nil
}
