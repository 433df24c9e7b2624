package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

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
	for _, rec := range recs {
		r := rowOf(rec, "reading what an import changes")
		id, props := r.str("id"), r.props("props")
		if err := r.err(); err != nil {
			return nil, err
		}
		out[id] = props
	}
	return out, nil
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
