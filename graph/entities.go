package graph

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/kg"
)

// fetch reads the entities with the given IDs as sel asks, in one store
// call, and decodes them in order; unknown IDs give nil.
func (r *Resolver) fetch(ctx context.Context, ids []string, sel *kg.Selection) ([]model.Entity, error) {
	if sel == nil || len(ids) == 0 {
		return make([]model.Entity, len(ids)), nil
	}
	rows, err := r.Lookups.Entities(ctx, ids, sel)
	if err != nil {
		return nil, err
	}
	return decodeEntities(rows, len(ids))
}

// fetchSelected fetches the entities with the given IDs as the current
// field's selection asks.
func (r *Resolver) fetchSelected(ctx context.Context, ids []string) ([]model.Entity, error) {
	sel, err := fieldSelection(ctx)
	if err != nil {
		return nil, err
	}
	return r.fetch(ctx, ids, sel)
}

// decodeEntities decodes a store's answer for n IDs: one entity per ID, in
// order, nil where the store has none.
func decodeEntities(rows []map[string]any, n int) ([]model.Entity, error) {
	out := make([]model.Entity, n)
	for i, row := range rows[:min(len(rows), n)] {
		var err error
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
	field := strings.Join(path, ".")
	es, err := r.entitiesOf(ctx, nil, map[string][]string{field: ids})
	if err != nil {
		return nil, err
	}
	return es[field], nil
}

// entitiesOf fetches, for each entity-valued field of a row type, the
// entities the rows name, in one round trip for all the fields. fields maps
// a field name, or a dotted path of them, to the IDs for it.
func (r *Resolver) entitiesOf(ctx context.Context, prefix []string, fields map[string][]string) (map[string]map[string]model.Entity, error) {
	out := make(map[string]map[string]model.Entity, len(fields))
	var names []string
	var sets []kg.EntitySet
	// In a fixed order, so that a question is always the same statement
	// and Neo4j plans it once.
	for _, field := range slices.Sorted(maps.Keys(fields)) {
		ids := fields[field]
		out[field] = map[string]model.Entity{}
		sel, err := selectionAt(ctx, append(append([]string{}, prefix...), strings.Split(field, ".")...)...)
		if err != nil {
			return nil, err
		}
		if sel != nil {
			names = append(names, field)
			sets = append(sets, kg.EntitySet{IDs: unique(ids), Selection: sel})
		}
	}
	if len(sets) == 0 {
		return out, nil
	}
	rows, err := r.Lookups.EntitySets(ctx, sets)
	if err != nil {
		return nil, err
	}
	for i, field := range names {
		es, err := decodeEntities(rows[i], len(sets[i].IDs))
		if err != nil {
			return nil, err
		}
		for j, id := range sets[i].IDs {
			if es[j] != nil {
				out[field][id] = es[j]
			}
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
