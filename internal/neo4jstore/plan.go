package neo4jstore

import (
	"context"
	"reflect"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// Change is one difference between a batch and the graph.
type Change struct {
	Op     string // create, update or delete
	Kind   string // the entity or relationship type
	ID     string
	Fields []string // for updates: the properties that differ
}

// Plan reports what importing b would change, without writing.
func (s *Store) Plan(ctx context.Context, b kg.Batch) (changes []Change, unchanged int, err error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer leave()
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	_, err = sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		changes, unchanged = nil, 0
		oldEntities, oldLinks, _, err := readManifest(ctx, tx, b.Origin)
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(b.Entities))
		for i, e := range b.Entities {
			ids[i] = e.ID
		}
		current, err := collectProps(ctx, tx, "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN n.id AS id, properties(n) AS props", ids)
		if err != nil {
			return nil, err
		}
		for _, e := range b.Entities {
			c, same := compare(string(e.Type), e.ID, current[e.ID], nodeProps(e, b.Origin))
			if same {
				unchanged++
			} else {
				changes = append(changes, c)
			}
		}
		byType := map[kg.RelType][]kg.Link{}
		for _, l := range b.Links {
			byType[l.Type] = append(byType[l.Type], l)
		}
		for _, t := range kg.AllRelTypes() {
			ls := byType[t]
			if len(ls) == 0 {
				continue
			}
			ids := make([]string, len(ls))
			for i, l := range ls {
				ids[i] = l.ID
			}
			current, err := collectProps(ctx, tx, "UNWIND $ids AS id MATCH (a)-[r:"+string(t)+" {id: id}]->(b) RETURN r.id AS id, r{.*, from: a.id, to: b.id} AS props", ids)
			if err != nil {
				return nil, err
			}
			for _, l := range ls {
				want := linkProps(l, b.Origin)
				want["from"], want["to"] = l.From, l.To
				c, same := compare(string(t), l.ID, current[l.ID], want)
				if same {
					unchanged++
				} else {
					changes = append(changes, c)
				}
			}
		}
		stated := map[string]bool{}
		for _, e := range b.Entities {
			stated[e.ID] = true
		}
		for _, id := range oldEntities {
			if !stated[id] {
				t, _ := kg.TypeOfID(id)
				changes = append(changes, Change{Op: "delete", Kind: string(t), ID: id})
			}
		}
		statedLinks := map[string]bool{}
		for _, l := range b.Links {
			statedLinks[manifestLink(l.Type, l.ID)] = true
		}
		for _, ml := range oldLinks {
			if !statedLinks[ml] {
				t, id, _ := strings.Cut(ml, " ")
				changes = append(changes, Change{Op: "delete", Kind: t, ID: id})
			}
		}
		return nil, nil
	})
	return changes, unchanged, translate(err, "planning the import failed")
}

func collectProps(ctx context.Context, tx neo4j.ManagedTransaction, query string, ids []string) (map[string]map[string]any, error) {
	res, err := tx.Run(ctx, query, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]any, len(recs))
	for _, r := range recs {
		id, _, _ := neo4j.GetRecordValue[string](r, "id")
		props, _, _ := neo4j.GetRecordValue[map[string]any](r, "props")
		out[id] = props
	}
	return out, nil
}

// compare leaves out the derived properties: they follow from what is
// compared and are not fields of the case file.
func compare(kind, id string, have, want map[string]any) (Change, bool) {
	if have == nil {
		return Change{Op: "create", Kind: kind, ID: id}, false
	}
	var diff []string
	for k, v := range want {
		if !derived[k] && !reflect.DeepEqual(normalize(have[k]), normalize(v)) {
			diff = append(diff, k)
		}
	}
	for k := range have {
		if _, ok := want[k]; !ok && !derived[k] {
			diff = append(diff, k)
		}
	}
	sort.Strings(diff)
	return Change{Op: "update", Kind: kind, ID: id, Fields: diff}, len(diff) == 0
}

// normalize makes values read from Neo4j comparable with values about to be
// written: lists come back as []any.
func normalize(v any) any {
	if ss, ok := v.([]string); ok {
		out := make([]any, len(ss))
		for i, s := range ss {
			out[i] = s
		}
		return out
	}
	return v
}
