package graph

import (
	"context"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/kg"
)

// fetch reads the entities with the given IDs as sel asks, in one store
// call, and decodes them in order; unknown IDs give nil.
func (r *Resolver) fetch(ctx context.Context, ids []string, sel *kg.Selection) ([]model.Entity, error) {
	out := make([]model.Entity, len(ids))
	if sel == nil || len(ids) == 0 {
		return out, nil
	}
	rows, err := r.Store.Entities(ctx, ids, sel)
	if err != nil {
		return nil, err
	}
	for i, row := range rows {
		if out[i], err = decodeEntity(row); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fetchAt fetches the entities for the field reached by path from the
// current field, keyed by ID. Rows that refer to entities call it once per
// entity-valued field, so the round trips do not grow with the rows.
func (r *Resolver) fetchAt(ctx context.Context, ids []string, path ...string) (map[string]model.Entity, error) {
	sel, err := selectionAt(ctx, path...)
	if err != nil || sel == nil {
		return map[string]model.Entity{}, err
	}
	uniq := unique(ids)
	es, err := r.fetch(ctx, uniq, sel)
	if err != nil {
		return nil, err
	}
	out := make(map[string]model.Entity, len(uniq))
	for i, id := range uniq {
		if es[i] != nil {
			out[id] = es[i]
		}
	}
	return out, nil
}

func unique(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	var out []string
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// entityTypes converts the API's enum values to labels.
func entityTypes(ts []model.EntityType) []kg.EntityType {
	out := make([]kg.EntityType, 0, len(ts))
	for _, t := range ts {
		for _, et := range kg.EntityTypes {
			if entityType(et) == t {
				out = append(out, et)
			}
		}
	}
	return out
}
