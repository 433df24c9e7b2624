package neo4jstore

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// BulkLoad writes batches into a graph that holds none of them yet, as
// raw batched writes: one UNWIND statement per entity label and per
// relationship type over all the batches, rows in chunks of rowsPerTx per
// transaction. It skips what Import does to keep a re-import exact (reading
// manifests and current properties, removing what a file no longer
// states), but writes the same properties and the same manifests, so a
// later Import of the same files finds them unchanged. It is for loading
// large generated graphs; case files go through Import.
func (s *Store) BulkLoad(ctx context.Context, batches []kg.Batch, rowsPerTx int) (total kg.ImportResult, err error) {
	if rowsPerTx <= 0 {
		rowsPerTx = 5000
	}
	nodes := map[kg.EntityType][]any{}
	rels := map[kg.RelType][]any{}
	var manifests []any
	for _, b := range batches {
		for _, e := range b.Entities {
			props := nodeProps(e, b.Origin)
			props["version"] = int64(1)
			nodes[e.Type] = append(nodes[e.Type], map[string]any{"id": e.ID, "props": props})
		}
		for _, l := range b.Links {
			rels[l.Type] = append(rels[l.Type], map[string]any{"id": l.ID, "from": l.From, "to": l.To, "props": linkProps(l, b.Origin)})
		}
		manifests = append(manifests, manifestRow(b))
	}
	// The load commits chunk by chunk, so it raises the graph version at
	// the end whether or not it got through, even when ctx was cancelled:
	// otherwise answers kept before the load would still be given.
	defer func() {
		bumpCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, bumpErr := s.execute(bumpCtx, neo4j.AccessModeWrite, changeQuery, everything.params())
		if err == nil && bumpErr != nil {
			err = translate(bumpErr, "bulk load wrote the graph but could not raise its version")
		}
	}()
	write := func(query string, rows []any) error {
		for start := 0; start < len(rows); start += rowsPerTx {
			chunk := rows[start:min(start+rowsPerTx, len(rows))]
			res, err := s.execute(ctx, neo4j.AccessModeWrite, query, map[string]any{"rows": chunk})
			if err != nil {
				return translate(err, "bulk load failed")
			}
			c := res.Summary.Counters()
			total.NodesCreated += c.NodesCreated()
			total.RelationshipsCreated += c.RelationshipsCreated()
			total.PropertiesSet += c.PropertiesSet()
		}
		return nil
	}
	// Every entity first, so relationships across batches find both ends.
	for _, t := range kg.EntityTypes {
		if err := write("UNWIND $rows AS row MERGE (n:Entity {id: row.id}) SET n = row.props, n:"+string(t), nodes[t]); err != nil {
			return total, err
		}
	}
	for _, t := range kg.AllRelTypes() {
		q := `UNWIND $rows AS row
			MATCH (a:Entity {id: row.from})
			MATCH (b:Entity {id: row.to})
			MERGE (a)-[r:` + string(t) + ` {id: row.id}]->(b)
			SET r = row.props`
		if err := write(q, rels[t]); err != nil {
			return total, err
		}
	}
	if err := write("UNWIND $rows AS row MERGE (f:CaseFile {name: row.origin}) SET f.entities = row.ids, f.links = row.links, f.hash = row.hash, f.base = row.base", manifests); err != nil {
		return total, err
	}
	// The load bypasses the writes that keep conviction rows: write them
	// all, once, at the end.
	return total, s.RebuildConvictionRows(ctx)
}
