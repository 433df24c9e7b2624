package neo4jstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// ImportResult counts what an import changed in the graph.
type ImportResult struct {
	NodesCreated, NodesDeleted                 int
	RelationshipsCreated, RelationshipsDeleted int
	PropertiesSet                              int
}

// Known returns, for the IDs that the graph holds, their type and the case
// file that defined them.
func (s *Store) Known(ctx context.Context, ids []string) (map[string]kg.EntityType, map[string]string, error) {
	res, err := neo4j.ExecuteQuery(ctx, s.driver, `
		UNWIND $ids AS id
		MATCH (n:Entity {id: id})
		RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS type, coalesce(n.origin, '') AS origin`,
		map[string]any{"ids": ids}, neo4j.EagerResultTransformer, s.read()...)
	if err != nil {
		return nil, nil, translate(err, "looking up existing entities failed")
	}
	types, origins := map[string]kg.EntityType{}, map[string]string{}
	for _, r := range res.Records {
		id, _, _ := neo4j.GetRecordValue[string](r, "id")
		t, _, _ := neo4j.GetRecordValue[string](r, "type")
		o, _, _ := neo4j.GetRecordValue[string](r, "origin")
		types[id], origins[id] = kg.EntityType(t), o
	}
	return types, origins, nil
}

// Import writes batches in one transaction: each entity and relationship is
// merged by ID and its properties replaced, and whatever a batch's file
// wrote before but no longer states is removed. Importing the same batch
// twice changes nothing.
func (s *Store) Import(ctx context.Context, batches []kg.Batch) (ImportResult, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	out, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var total ImportResult
		for _, b := range batches {
			if err := importBatch(ctx, tx, b, &total); err != nil {
				return nil, err
			}
		}
		return total, nil
	})
	if err != nil {
		return ImportResult{}, translate(err, "import failed")
	}
	return out.(ImportResult), nil
}

func importBatch(ctx context.Context, tx neo4j.ManagedTransaction, b kg.Batch, total *ImportResult) error {
	run := func(query string, params map[string]any) error {
		res, err := tx.Run(ctx, query, params)
		if err != nil {
			return err
		}
		sum, err := res.Consume(ctx)
		if err != nil {
			return err
		}
		c := sum.Counters()
		total.NodesCreated += c.NodesCreated()
		total.NodesDeleted += c.NodesDeleted()
		total.RelationshipsCreated += c.RelationshipsCreated()
		total.RelationshipsDeleted += c.RelationshipsDeleted()
		total.PropertiesSet += c.PropertiesSet()
		return nil
	}

	oldEntities, oldLinks, oldHash, err := readManifest(ctx, tx, b.Origin)
	if err != nil {
		return err
	}
	if b.Hash != "" && b.Hash == oldHash {
		// The file has not changed since it was imported; skipping it also
		// keeps the edits made through the API since then.
		return nil
	}
	newEntities := map[string]bool{}
	newLinks := map[string]bool{}
	for _, e := range b.Entities {
		newEntities[e.ID] = true
	}
	for _, l := range b.Links {
		newLinks[manifestLink(l.Type, l.ID)] = true
	}

	// Relationships the file no longer states go first, by type.
	stale := map[kg.RelType][]string{}
	for _, ml := range oldLinks {
		if !newLinks[ml] {
			t, id, _ := strings.Cut(ml, " ")
			stale[kg.RelType(t)] = append(stale[kg.RelType(t)], id)
		}
	}
	for _, t := range kg.AllRelTypes() {
		if ids := stale[t]; len(ids) > 0 {
			if err := run("UNWIND $ids AS id MATCH ()-[r:"+string(t)+" {id: id}]->() DELETE r", map[string]any{"ids": ids}); err != nil {
				return err
			}
		}
	}
	var goneEntities []string
	for _, id := range oldEntities {
		if !newEntities[id] {
			goneEntities = append(goneEntities, id)
		}
	}
	if len(goneEntities) > 0 {
		if err := run("UNWIND $ids AS id MATCH (n:Entity {id: id}) WHERE n.origin = $origin DETACH DELETE n",
			map[string]any{"ids": goneEntities, "origin": b.Origin}); err != nil {
			return err
		}
	}

	// Entities, one statement per type; labels come from the fixed list.
	// Only entities whose properties change are written, and each write
	// bumps the version that edits through the API are checked against.
	ids := make([]string, len(b.Entities))
	for i, e := range b.Entities {
		ids[i] = e.ID
	}
	current, err := collectProps(ctx, tx, "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN n.id AS id, properties(n) AS props", ids)
	if err != nil {
		return err
	}
	byType := map[kg.EntityType][]map[string]any{}
	for _, e := range b.Entities {
		props := nodeProps(e, b.Origin)
		have := current[e.ID]
		if _, same := compare("", e.ID, have, props); same {
			continue
		}
		version, _ := have["version"].(int64)
		props["version"] = version + 1
		byType[e.Type] = append(byType[e.Type], map[string]any{"id": e.ID, "props": props})
	}
	for _, t := range kg.EntityTypes {
		if rows := byType[t]; len(rows) > 0 {
			if err := run("UNWIND $rows AS row MERGE (n:Entity {id: row.id}) SET n = row.props, n:"+string(t), map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
	}

	// Relationships, one statement per type. A relationship whose ID now
	// joins other entities is moved rather than duplicated.
	links := map[kg.RelType][]map[string]any{}
	for _, l := range b.Links {
		links[l.Type] = append(links[l.Type], map[string]any{"id": l.ID, "from": l.From, "to": l.To, "props": linkProps(l, b.Origin)})
	}
	for _, t := range kg.AllRelTypes() {
		rows := links[t]
		if len(rows) == 0 {
			continue
		}
		q := `UNWIND $rows AS row
			OPTIONAL MATCH (x)-[old:` + string(t) + ` {id: row.id}]->(y) WHERE x.id <> row.from OR y.id <> row.to
			DELETE old
			WITH row
			MATCH (a:Entity {id: row.from})
			MATCH (b:Entity {id: row.to})
			MERGE (a)-[r:` + string(t) + ` {id: row.id}]->(b)
			SET r = row.props`
		if err := run(q, map[string]any{"rows": rows}); err != nil {
			return err
		}
	}

	ids = make([]string, 0, len(newEntities))
	for id := range newEntities {
		ids = append(ids, id)
	}
	mls := make([]string, 0, len(newLinks))
	for ml := range newLinks {
		mls = append(mls, ml)
	}
	sort.Strings(ids)
	sort.Strings(mls)
	return run("MERGE (f:CaseFile {name: $origin}) SET f.entities = $ids, f.links = $links, f.hash = $hash",
		map[string]any{"origin": b.Origin, "ids": ids, "links": mls, "hash": b.Hash})
}

func manifestLink(t kg.RelType, id string) string { return string(t) + " " + id }

// derived are the properties the store computes rather than a case file
// states: the search text, the version edits are checked against, and the
// entity whose field a relationship came from. Dry runs do not compare them
// and exports do not write them.
var derived = map[string]bool{"searchText": true, "version": true, "owner": true}

func readManifest(ctx context.Context, tx neo4j.ManagedTransaction, origin string) (entities, links []string, hash string, err error) {
	res, err := tx.Run(ctx, "MATCH (f:CaseFile {name: $origin}) RETURN f.entities AS entities, f.links AS links, coalesce(f.hash, '') AS hash", map[string]any{"origin": origin})
	if err != nil {
		return nil, nil, "", err
	}
	recs, err := res.Collect(ctx)
	if err != nil || len(recs) == 0 {
		return nil, nil, "", err
	}
	hash, _, _ = neo4j.GetRecordValue[string](recs[0], "hash")
	return stringList(recs[0], "entities"), stringList(recs[0], "links"), hash, nil
}

func stringList(r *neo4j.Record, key string) []string {
	raw, _, _ := neo4j.GetRecordValue[[]any](r, key)
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// nodeProps and linkProps flatten a fact into Neo4j properties. A date is
// stored as a Neo4j date (its earliest day) beside its precision and its
// case-file text; citations as "SOURCE#pN" strings beside the distinct
// source IDs, so "which sources state this" is one index lookup away.
func nodeProps(e kg.Entity, origin string) map[string]any {
	p := flatten(e.Props, e.Citations)
	p["id"], p["origin"] = e.ID, origin
	p["searchText"] = searchText(e)
	return p
}

func linkProps(l kg.Link, origin string) map[string]any {
	p := flatten(l.Props, l.Citations)
	p["id"], p["origin"] = l.ID, origin
	if l.Field != "" {
		p["field"] = l.Field
	}
	if l.Owner != "" {
		p["owner"] = l.Owner
	}
	return p
}

func flatten(props map[string]any, cites []kg.Citation) map[string]any {
	p := make(map[string]any, len(props)+2)
	for k, v := range props {
		switch v := v.(type) {
		case kg.Date:
			p[k] = neo4j.DateOf(v.Start)
			p[k+"Precision"] = string(v.Precision)
			p[k+"Text"] = v.Text
		case kg.Duration:
			// Months is always written, -1 for "life" and "sentence", so the
			// property reads back as a duration and not as plain text.
			p[k] = v.Text
			p[k+"Months"] = int64(v.Months)
		case int:
			p[k] = int64(v)
		default:
			p[k] = v
		}
	}
	if len(cites) > 0 {
		strs := make([]string, len(cites))
		var sources []string
		seen := map[string]bool{}
		for i, c := range cites {
			strs[i] = c.String()
			if !seen[c.Source] {
				seen[c.Source] = true
				sources = append(sources, c.Source)
			}
		}
		p["citations"], p["sources"] = strs, sources
	}
	return p
}

// fmtCounts is used by the CLI to print what changed.
func (r ImportResult) String() string {
	return fmt.Sprintf("%d nodes created, %d deleted; %d relationships created, %d deleted; %d properties set",
		r.NodesCreated, r.NodesDeleted, r.RelationshipsCreated, r.RelationshipsDeleted, r.PropertiesSet)
}
