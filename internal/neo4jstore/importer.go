package neo4jstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// ImportResult counts what an import changed in the graph. Unchanged
// names the files skipped because their content had not changed since
// their last import.
type ImportResult struct {
	NodesCreated, NodesDeleted                 int
	RelationshipsCreated, RelationshipsDeleted int
	PropertiesSet                              int
	Unchanged                                  []string
}

// Known returns, for the IDs that the graph holds, their type and the case
// file that defined them.
func (s *Store) Known(ctx context.Context, ids []string) (map[string]kg.EntityType, map[string]string, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer leave()
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
// twice changes nothing. The batches are written as one set, a few
// statements whatever their number, so an ID one batch states is never
// removed as gone from another batch of the same call.
func (s *Store) Import(ctx context.Context, batches []kg.Batch) (ImportResult, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	out, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var total ImportResult
		if err := importBatches(ctx, tx, batches, &total); err != nil {
			return total, err
		}
		if len(total.Unchanged) == len(batches) {
			return total, nil
		}
		return total, bumpVersion(ctx, tx)
	})
	if err != nil {
		return ImportResult{}, translate(err, "import failed")
	}
	return out.(ImportResult), nil
}

func importBatch(ctx context.Context, tx neo4j.ManagedTransaction, b kg.Batch, total *ImportResult) error {
	return importBatches(ctx, tx, []kg.Batch{b}, total)
}

// importBatches writes runs of batches of distinct files as sets: a file
// given twice is written again in a later set, so the later batch wins as
// it would written on its own.
func importBatches(ctx context.Context, tx neo4j.ManagedTransaction, batches []kg.Batch, total *ImportResult) error {
	for len(batches) > 0 {
		n := distinctOrigins(batches)
		if err := importSet(&writer{ctx: ctx, tx: tx, total: total}, batches[:n]); err != nil {
			return err
		}
		batches = batches[n:]
	}
	return nil
}

// distinctOrigins returns the length of the longest prefix of batches in
// which no file appears twice.
func distinctOrigins(batches []kg.Batch) int {
	seen := map[string]bool{}
	for i, b := range batches {
		if seen[b.Origin] {
			return i
		}
		seen[b.Origin] = true
	}
	return len(batches)
}

func importSet(w *writer, batches []kg.Batch) error {
	origins := make([]string, len(batches))
	for i, b := range batches {
		origins[i] = b.Origin
	}
	old, err := readManifests(w.ctx, w.tx, origins)
	if err != nil {
		return err
	}
	var changed []kg.Batch
	for _, b := range batches {
		if b.Hash != "" && b.Hash == old[b.Origin].hash {
			// The file has not changed since it was imported; skipping it
			// also keeps the edits made through the API since then.
			w.total.Unchanged = append(w.total.Unchanged, b.Origin)
			continue
		}
		changed = append(changed, b)
	}
	if len(changed) == 0 {
		return nil
	}
	if err := w.deleteStale(changed, old, statedBy(batches)); err != nil {
		return err
	}
	if err := w.writeEntities(changed); err != nil {
		return err
	}
	if err := w.writeLinks(changed); err != nil {
		return err
	}
	return w.writeManifests(changed)
}

// writer runs the statements of one import and sums their counters.
type writer struct {
	ctx   context.Context
	tx    neo4j.ManagedTransaction
	total *ImportResult
}

func (w *writer) run(query string, params map[string]any) error {
	res, err := w.tx.Run(w.ctx, query, params)
	if err != nil {
		return err
	}
	sum, err := res.Consume(w.ctx)
	if err != nil {
		return err
	}
	c := sum.Counters()
	w.total.NodesCreated += c.NodesCreated()
	w.total.NodesDeleted += c.NodesDeleted()
	w.total.RelationshipsCreated += c.RelationshipsCreated()
	w.total.RelationshipsDeleted += c.RelationshipsDeleted()
	w.total.PropertiesSet += c.PropertiesSet()
	return nil
}

// stated holds the entity IDs and manifest links that some batch of an
// import states, changed or not: those are never removed as gone.
type stated struct{ entities, links map[string]bool }

func statedBy(batches []kg.Batch) stated {
	s := stated{entities: map[string]bool{}, links: map[string]bool{}}
	for _, b := range batches {
		for _, e := range b.Entities {
			s.entities[e.ID] = true
		}
		for _, l := range b.Links {
			s.links[manifestLink(l.Type, l.ID)] = true
		}
	}
	return s
}

// deleteStale removes what the changed files wrote before but no batch
// states any more: relationships first, by type, then entities, each only
// if its origin is still the file that no longer defines it.
func (w *writer) deleteStale(changed []kg.Batch, old map[string]manifest, keep stated) error {
	rels := map[kg.RelType][]string{}
	var gone []map[string]any
	seen := map[string]bool{}
	for _, b := range changed {
		m := old[b.Origin]
		for _, ml := range m.links {
			if !keep.links[ml] && !seen[ml] {
				seen[ml] = true
				t, id, _ := strings.Cut(ml, " ")
				rels[kg.RelType(t)] = append(rels[kg.RelType(t)], id)
			}
		}
		for _, id := range m.entities {
			if !keep.entities[id] {
				gone = append(gone, map[string]any{"id": id, "origin": b.Origin})
			}
		}
	}
	for _, t := range kg.AllRelTypes() {
		if ids := rels[t]; len(ids) > 0 {
			if err := w.run("UNWIND $ids AS id MATCH ()-[r:"+string(t)+" {id: id}]->() DELETE r", map[string]any{"ids": ids}); err != nil {
				return err
			}
		}
	}
	if len(gone) == 0 {
		return nil
	}
	return w.run("UNWIND $rows AS row MATCH (n:Entity {id: row.id}) WHERE n.origin = row.origin DETACH DELETE n",
		map[string]any{"rows": gone})
}

// writeEntities writes entities, one statement per type; labels come from
// the fixed list. Only entities whose properties change are written, and
// each write bumps the version that edits through the API are checked
// against.
func (w *writer) writeEntities(changed []kg.Batch) error {
	var ids []string
	for _, b := range changed {
		for _, e := range b.Entities {
			ids = append(ids, e.ID)
		}
	}
	current, err := collectProps(w.ctx, w.tx, "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN n.id AS id, properties(n) AS props", ids)
	if err != nil {
		return err
	}
	byType := map[kg.EntityType][]map[string]any{}
	for _, b := range changed {
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
	}
	for _, t := range kg.EntityTypes {
		if rows := byType[t]; len(rows) > 0 {
			if err := w.run("UNWIND $rows AS row MERGE (n:Entity {id: row.id}) SET n = row.props, n:"+string(t), map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeLinks writes relationships, one statement per type, after every
// entity, so a relationship finds both ends whichever batch defines them.
func (w *writer) writeLinks(changed []kg.Batch) error {
	links := map[kg.RelType][]map[string]any{}
	movable := map[kg.RelType][]map[string]any{}
	for _, b := range changed {
		for _, l := range b.Links {
			links[l.Type] = append(links[l.Type], map[string]any{"id": l.ID, "from": l.From, "to": l.To, "props": linkProps(l, b.Origin)})
			if l.ID != derivedLinkID(l) {
				movable[l.Type] = append(movable[l.Type], map[string]any{"id": l.ID, "from": l.From, "to": l.To})
			}
		}
	}
	for _, t := range kg.AllRelTypes() {
		if err := w.moveLinks(t, movable[t]); err != nil {
			return err
		}
		if rows := links[t]; len(rows) > 0 {
			q := `UNWIND $rows AS row
				MATCH (a:Entity {id: row.from})
				MATCH (b:Entity {id: row.to})
				MERGE (a)-[r:` + string(t) + ` {id: row.id}]->(b)
				SET r = row.props`
			if err := w.run(q, map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
	}
	return nil
}

// derivedLinkID is the ID a relationship gets unless it is given one
// (rel/...): it names both ends, so a relationship of that ID cannot join
// other entities.
func derivedLinkID(l kg.Link) string { return string(l.Type) + ":" + l.From + "->" + l.To }

// moveLinks removes relationships of type t whose ID the rows now give to
// other ends, so that writing them moves rather than duplicates them.
func (w *writer) moveLinks(t kg.RelType, rows []map[string]any) error {
	if len(rows) == 0 {
		return nil
	}
	return w.run(`UNWIND $rows AS row
		MATCH (x)-[old:`+string(t)+` {id: row.id}]->(y) WHERE x.id <> row.from OR y.id <> row.to
		DELETE old`, map[string]any{"rows": rows})
}

// writeManifests records, per file, what it now states and its hash.
func (w *writer) writeManifests(changed []kg.Batch) error {
	rows := make([]map[string]any, len(changed))
	for i, b := range changed {
		rows[i] = manifestRow(b)
	}
	return w.run("UNWIND $rows AS row MERGE (f:CaseFile {name: row.origin}) SET f.entities = row.ids, f.links = row.links, f.hash = row.hash",
		map[string]any{"rows": rows})
}

func manifestRow(b kg.Batch) map[string]any {
	ids := map[string]bool{}
	for _, e := range b.Entities {
		ids[e.ID] = true
	}
	links := map[string]bool{}
	for _, l := range b.Links {
		links[manifestLink(l.Type, l.ID)] = true
	}
	return map[string]any{"origin": b.Origin, "ids": sortedKeys(ids), "links": sortedKeys(links), "hash": b.Hash}
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func manifestLink(t kg.RelType, id string) string { return string(t) + " " + id }

// derived are the properties the store computes rather than a case file
// states: the search text, the version edits are checked against, and the
// entity whose field a relationship came from. Dry runs do not compare them
// and exports do not write them.
var derived = map[string]bool{"searchText": true, "version": true, "owner": true}

// manifest is what a case file wrote at its last import.
type manifest struct {
	entities, links []string
	hash            string
}

func readManifest(ctx context.Context, tx neo4j.ManagedTransaction, origin string) (entities, links []string, hash string, err error) {
	ms, err := readManifests(ctx, tx, []string{origin})
	m := ms[origin]
	return m.entities, m.links, m.hash, err
}

// readManifests reads the manifests of the named files that the graph
// holds, in one statement.
func readManifests(ctx context.Context, tx neo4j.ManagedTransaction, origins []string) (map[string]manifest, error) {
	res, err := tx.Run(ctx, `UNWIND $origins AS origin
		MATCH (f:CaseFile {name: origin})
		RETURN f.name AS name, f.entities AS entities, f.links AS links, coalesce(f.hash, '') AS hash`,
		map[string]any{"origins": origins})
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]manifest, len(recs))
	for _, r := range recs {
		name, _, _ := neo4j.GetRecordValue[string](r, "name")
		hash, _, _ := neo4j.GetRecordValue[string](r, "hash")
		out[name] = manifest{entities: stringList(r, "entities"), links: stringList(r, "links"), hash: hash}
	}
	return out, nil
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
