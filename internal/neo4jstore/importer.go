package neo4jstore

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

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

// Import writes batches in one transaction, each merged three ways against
// what its file stated at its last import (see reconcile.go): what the file
// changed is written, edits made through the API since are kept, and the
// facts the file no longer states are removed, if o allows it. Every fact
// it updates or removes leaves its former state in the history, and so does
// the import itself, under casefile/NAME. Importing the same batch twice
// changes nothing.
//
// An import that would remove facts without o.MayRemove, or leave
// conflicts unsettled, or remove a source that other facts still cite, is
// refused as a whole: nothing is written and the result says why and
// lists what it would have done. A dry run plans with the same code, so it
// reports what the import would do against the graph as it is.
func (s *Store) Import(ctx context.Context, batches []kg.Batch, o kg.ImportOptions) (kg.ImportResult, error) {
	if o.DryRun {
		sess := s.session(ctx, neo4j.AccessModeRead)
		defer sess.Close(ctx)
		out, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			var res kg.ImportResult
			return res, importSets(ctx, &wtx{ManagedTransaction: tx}, batches, o, &res)
		})
		if err != nil {
			return kg.ImportResult{}, translate(err, "planning the import failed")
		}
		return out.(kg.ImportResult), nil
	}
	res, err := write(ctx, s, o.Edit, func(ctx context.Context, w *wtx) (kg.ImportResult, error) {
		var res kg.ImportResult
		if err := importSets(ctx, w, batches, o, &res); err != nil {
			return res, err
		}
		switch {
		case res.Refusal != nil:
			w.discard = true
		case len(res.Unchanged) == len(batches) || len(res.Changes) == 0:
			w.unchanged = true
		}
		return res, nil
	})
	if err != nil {
		return kg.ImportResult{}, translate(err, "import failed")
	}
	return res, nil
}

// importSets plans and writes runs of batches of distinct files as sets: a
// file given twice is planned again after its first batch is written, so
// the later batch wins as it would written on its own. It stops at the
// first refusal.
func importSets(ctx context.Context, w *wtx, batches []kg.Batch, o kg.ImportOptions, res *kg.ImportResult) error {
	for len(batches) > 0 {
		n := distinctOrigins(batches)
		p, err := planSet(ctx, w, batches[:n], o)
		if err != nil {
			return err
		}
		res.Unchanged = append(res.Unchanged, p.unchanged...)
		res.Changes = append(res.Changes, p.changes...)
		res.Kept += p.kept
		res.Conflicts = append(res.Conflicts, p.conflicts...)
		if p.refusal != nil {
			res.Refusal = p.refusal
			return nil
		}
		if !o.DryRun {
			if err := p.apply(ctx, w, o, res); err != nil {
				return err
			}
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

// importPlan is what importing one set of batches does to the graph.
type importPlan struct {
	unchanged []string
	changes   []kg.FactChange
	kept      int
	conflicts []kg.FactConflict
	refusal   *kg.Error

	entities map[kg.EntityType][]map[string]any // rows of id and props to write
	links    map[kg.RelType][]map[string]any    // rows of id, from, to and props
	moved    map[kg.RelType][]map[string]any    // rows of id, from and to whose ends change
	goneRels map[kg.RelType][]string            // relationships to delete
	gone     []map[string]any                   // rows of id and origin of entities to delete
	rehomed  []string                           // entity IDs kept against their file: now the API's
	rehomedR map[kg.RelType][]string            // likewise relationships
	history  []kg.Change
	files    []map[string]any // the manifests to write
}

// planSet reads what the set's changed files stated last time and what the
// graph holds of it, merges them and decides what to write.
func planSet(ctx context.Context, w *wtx, batches []kg.Batch, o kg.ImportOptions) (*importPlan, error) {
	p := &importPlan{entities: map[kg.EntityType][]map[string]any{}, links: map[kg.RelType][]map[string]any{},
		moved: map[kg.RelType][]map[string]any{}, goneRels: map[kg.RelType][]string{}, rehomedR: map[kg.RelType][]string{}}
	origins := make([]string, len(batches))
	for i, b := range batches {
		origins[i] = b.Origin
	}
	old, err := readManifests(ctx, w, origins)
	if err != nil {
		return nil, err
	}
	var changed []kg.Batch
	for _, b := range batches {
		if b.Hash != "" && b.Hash == old[b.Origin].hash {
			// Unchanged since its last import: skipping it keeps every edit
			// made through the API since.
			p.unchanged = append(p.unchanged, b.Origin)
			continue
		}
		changed = append(changed, b)
	}
	if len(changed) == 0 {
		return p, nil
	}
	m := &merger{plan: p, old: old, opts: o, inSet: map[string]bool{}, stated: statedBy(batches)}
	m.definers = map[string][]string{}
	for _, b := range changed {
		m.inSet[b.Origin] = true
		for _, e := range b.Entities {
			m.definers[e.ID] = append(m.definers[e.ID], b.Origin)
		}
	}
	if err := m.read(ctx, w, changed); err != nil {
		return nil, err
	}
	for _, b := range changed {
		m.mergeEntities(b)
		m.mergeLinks(b)
		p.files = append(p.files, manifestRow(b))
	}
	for _, b := range changed {
		m.removeEntities(b)
		m.removeLinks(b)
	}
	if err := m.checkRemovals(ctx, w); err != nil {
		return nil, err
	}
	m.refuse()
	return p, nil
}

// merger holds what planSet reads and decides.
type merger struct {
	plan   *importPlan
	old    map[string]manifest
	opts   kg.ImportOptions
	inSet  map[string]bool // the changed files of the set
	stated stated          // what any batch of the set states

	nodes map[string]map[string]any // current entities by ID
	rels  map[string]map[string]any // current relationships by manifestLink key, with from and to
	// detached are the relationships of entities to delete that no file
	// of the set removes itself: they go with their entity.
	detached map[string]map[string]any
	// definers names, per entity ID, the files of the set that state it.
	definers map[string][]string
	// taken lists the entities of a file outside the set that the set
	// states.
	taken []string
}

// read fetches the current state of every fact the changed files state or
// stated at their last import.
func (m *merger) read(ctx context.Context, w *wtx, changed []kg.Batch) error {
	ids := map[string]bool{}
	links := map[kg.RelType]map[string]bool{}
	addLink := func(key string) {
		t, id, _ := strings.Cut(key, " ")
		if links[kg.RelType(t)] == nil {
			links[kg.RelType(t)] = map[string]bool{}
		}
		links[kg.RelType(t)][id] = true
	}
	for _, b := range changed {
		for _, e := range b.Entities {
			ids[e.ID] = true
		}
		for _, l := range b.Links {
			addLink(manifestLink(l.Type, l.ID))
		}
		old := m.old[b.Origin]
		for _, id := range old.entities {
			ids[id] = true
		}
		for _, key := range old.links {
			addLink(key)
		}
	}
	var err error
	m.nodes, err = collectProps(ctx, w, "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN n.id AS id, properties(n) AS props", slices.Sorted(maps.Keys(ids)))
	if err != nil {
		return err
	}
	m.rels = map[string]map[string]any{}
	for _, t := range kg.AllRelTypes() {
		if len(links[t]) == 0 {
			continue
		}
		cur, err := collectProps(ctx, w, "UNWIND $ids AS id MATCH (a)-[r:"+string(t)+" {id: id}]->(b) RETURN r.id AS id, r{.*, from: a.id, to: b.id} AS props", slices.Sorted(maps.Keys(links[t])))
		if err != nil {
			return err
		}
		for id, props := range cur {
			m.rels[manifestLink(t, id)] = props
		}
	}
	return nil
}

// baseOf returns what file stated of a fact at its last import: nil if it
// did not state it. A manifest written before bases were kept has only the
// IDs; for those the graph stands in, as if nobody had edited them since.
func (m *merger) baseOf(file, key string, entity bool) facts {
	man := m.old[file]
	if man.base != nil {
		if entity {
			return man.base.Entities[key]
		}
		return man.base.Links[key]
	}
	if entity && slices.Contains(man.entities, key) {
		return canonical(m.nodes[key])
	}
	if !entity && slices.Contains(man.links, key) {
		return canonical(m.rels[key])
	}
	return nil
}

func (m *merger) change(op, kind, id, file string, fields []string) {
	m.plan.changes = append(m.plan.changes, kg.FactChange{Op: op, Kind: kind, ID: id, File: file, Fields: fields})
}

func (m *merger) record(c kg.Change, file string) {
	c.Actor = m.opts.Edit.Actor
	c.Reason = "import of " + file
	if m.opts.Edit.Reason != "" {
		c.Reason += ": " + m.opts.Edit.Reason
	}
	m.plan.history = append(m.plan.history, c)
}

// settle decides a whole fact at stake (retracted on one side, changed on
// the other): true takes the file's side. Without a side it records the
// conflict and keeps the graph's.
func (m *merger) settle(c kg.FactConflict) bool {
	m.plan.conflicts = append(m.plan.conflicts, c)
	return m.opts.OnConflict == kg.TakeFile
}

// mergeEntities decides, for every entity b states, what to write.
func (m *merger) mergeEntities(b kg.Batch) {
	for _, e := range b.Entities {
		file := nodeProps(e, b.Origin)
		now := canonical(file)
		cur := m.nodes[e.ID]
		owner := str(cur["origin"])
		base := m.baseOf(b.Origin, e.ID, true)
		if cur != nil && owner != b.Origin && owner != "" {
			// Another file defines it: only a file of this import that
			// no longer states it may hand it over.
			if !m.inSet[owner] || slices.Contains(m.definers[e.ID], owner) {
				m.taken = append(m.taken, fmt.Sprintf("%s (defined by %s)", e.ID, owner))
				continue
			}
			base = m.baseOf(owner, e.ID, true)
		}
		kind := string(e.Type)
		switch {
		case cur == nil && base == nil:
			m.writeEntity(e.Type, e.ID, file, 1)
			m.change("create", kind, e.ID, b.Origin, nil)
		case cur == nil && now.equal(base):
			m.plan.kept++ // retracted in the graph, unchanged in the file: stays retracted
		case cur == nil:
			if m.settle(kg.FactConflict{File: b.Origin, ID: e.ID, Kind: kind, Base: base.whole(), Now: now.whole(),
				Reason: "retracted in the graph, changed in the file since its last import"}) {
				m.writeEntity(e.Type, e.ID, file, 1)
				m.change("create", kind, e.ID, b.Origin, nil)
			}
		default:
			graph := canonical(cur)
			take, clash := reconcile(base, graph, now)
			m.plan.conflicts = append(m.plan.conflicts, conflictsOf(b.Origin, e.ID, kind, clash, base, graph, now)...)
			if m.opts.OnConflict == kg.TakeFile {
				take = append(take, clash...)
			}
			if len(take) == 0 && owner == b.Origin {
				m.plan.kept++
				continue
			}
			props := overlay(cur, file, take)
			props["origin"] = b.Origin
			props["searchText"] = searchText(kg.Entity{Props: map[string]any{"name": props["name"], "title": props["title"], "aliases": strs(props["aliases"])}})
			version, _ := cur["version"].(int64)
			m.writeEntity(e.Type, e.ID, props, version+1)
			m.change("update", kind, e.ID, b.Origin, take)
			m.record(kg.Change{Op: "update", Target: e.ID, Kind: kind, Version: int(version + 1),
				Before: snapshot(cur, nil), After: snapshot(props, nil)}, b.Origin)
		}
	}
}

func (m *merger) writeEntity(t kg.EntityType, id string, props map[string]any, version int64) {
	props["version"] = version
	m.plan.entities[t] = append(m.plan.entities[t], map[string]any{"id": id, "props": props})
}

// overlay returns cur's properties with the fields take names as file has
// them (removed where file has none).
func overlay(cur, file map[string]any, take []string) map[string]any {
	out := make(map[string]any, len(cur))
	for k, v := range cur {
		if !derived[k] {
			out[k] = v
		}
	}
	for _, field := range take {
		for k := range cur {
			if fieldOf(k, cur) == field {
				delete(out, k)
			}
		}
		for k, v := range file {
			if fieldOf(k, file) == field {
				out[k] = v
			}
		}
	}
	return out
}

// mergeLinks decides, for every relationship b states, what to write.
func (m *merger) mergeLinks(b kg.Batch) {
	for _, l := range b.Links {
		key := manifestLink(l.Type, l.ID)
		file := linkProps(l, b.Origin)
		file["from"], file["to"] = l.From, l.To
		now := canonical(file)
		cur := m.rels[key]
		base := m.baseOf(b.Origin, key, false)
		if owner := str(cur["origin"]); cur != nil && owner != b.Origin && m.inSet[owner] {
			base = m.baseOf(owner, key, false)
		}
		kind := string(l.Type)
		switch {
		case cur == nil && base == nil:
			m.writeLink(l.Type, l.ID, file, nil)
			m.change("create", kind, l.ID, b.Origin, nil)
		case cur == nil && now.equal(base):
			m.plan.kept++
		case cur == nil:
			if m.settle(kg.FactConflict{File: b.Origin, ID: l.ID, Kind: kind, Base: base.whole(), Now: now.whole(),
				Reason: "retracted in the graph, changed in the file since its last import"}) {
				m.writeLink(l.Type, l.ID, file, nil)
				m.change("create", kind, l.ID, b.Origin, nil)
			}
		default:
			graph := canonical(cur)
			take, clash := reconcile(base, graph, now)
			m.plan.conflicts = append(m.plan.conflicts, conflictsOf(b.Origin, l.ID, kind, clash, base, graph, now)...)
			if m.opts.OnConflict == kg.TakeFile {
				take = append(take, clash...)
			}
			if len(take) == 0 && str(cur["origin"]) == b.Origin {
				m.plan.kept++
				continue
			}
			props := overlay(cur, file, take)
			props["origin"] = b.Origin
			if owner, ok := file["owner"]; ok {
				props["owner"] = owner
			}
			m.writeLink(l.Type, l.ID, props, cur)
			m.change("update", kind, l.ID, b.Origin, take)
			m.record(kg.Change{Op: "update", Target: l.ID, Kind: kind, Before: jsonMap(cur), After: jsonMap(props)}, b.Origin)
		}
	}
}

// writeLink queues a relationship to write with props, which hold its
// ends; cur is what the graph holds, if anything.
func (m *merger) writeLink(t kg.RelType, id string, props, cur map[string]any) {
	from, to := str(props["from"]), str(props["to"])
	stored := make(map[string]any, len(props))
	for k, v := range props {
		if k != "from" && k != "to" {
			stored[k] = v
		}
	}
	if cur != nil && (str(cur["from"]) != from || str(cur["to"]) != to) {
		m.plan.moved[t] = append(m.plan.moved[t], map[string]any{"id": id, "from": from, "to": to})
	}
	m.plan.links[t] = append(m.plan.links[t], map[string]any{"id": id, "from": from, "to": to, "props": stored})
}

// removeEntities decides what becomes of the entities b stated last time
// and states no more: removed if the graph still holds them as the file
// stated them, a conflict if they were edited since.
func (m *merger) removeEntities(b kg.Batch) {
	stated := map[string]bool{}
	for _, e := range b.Entities {
		stated[e.ID] = true
	}
	man := m.old[b.Origin]
	ids := man.entities
	if man.base != nil {
		ids = slices.Sorted(maps.Keys(man.base.Entities))
	}
	for _, id := range ids {
		cur := m.nodes[id]
		if stated[id] || m.stated.entities[id] || cur == nil || str(cur["origin"]) != b.Origin {
			continue
		}
		t, _ := kg.TypeOfID(id)
		base, graph := m.baseOf(b.Origin, id, true), canonical(cur)
		if !graph.equal(base) && !m.settle(kg.FactConflict{File: b.Origin, ID: id, Kind: string(t), Graph: graph.whole(), Base: base.whole(),
			Reason: "changed in the graph, removed from the file since its last import"}) {
			m.plan.rehomed = append(m.plan.rehomed, id)
			continue
		}
		m.plan.gone = append(m.plan.gone, map[string]any{"id": id, "origin": b.Origin})
		m.change("delete", string(t), id, b.Origin, nil)
	}
}

// removeLinks does for relationships what removeEntities does for
// entities.
func (m *merger) removeLinks(b kg.Batch) {
	stated := map[string]bool{}
	for _, l := range b.Links {
		stated[manifestLink(l.Type, l.ID)] = true
	}
	man := m.old[b.Origin]
	keys := man.links
	if man.base != nil {
		keys = slices.Sorted(maps.Keys(man.base.Links))
	}
	for _, key := range keys {
		cur := m.rels[key]
		if stated[key] || m.stated.links[key] || cur == nil || str(cur["origin"]) != b.Origin {
			continue
		}
		t, id, _ := strings.Cut(key, " ")
		base, graph := m.baseOf(b.Origin, key, false), canonical(cur)
		if !graph.equal(base) && !m.settle(kg.FactConflict{File: b.Origin, ID: id, Kind: t, Graph: graph.whole(), Base: base.whole(),
			Reason: "changed in the graph, removed from the file since its last import"}) {
			m.plan.rehomedR[kg.RelType(t)] = append(m.plan.rehomedR[kg.RelType(t)], id)
			continue
		}
		m.plan.goneRels[kg.RelType(t)] = append(m.plan.goneRels[kg.RelType(t)], id)
		m.change("delete", t, id, b.Origin, nil)
		m.record(kg.Change{Op: "retract", Target: id, Kind: t, Before: jsonMap(cur)}, b.Origin)
	}
}

// checkRemovals reads what the entities to delete take with them (their
// other relationships, which go too and are listed) and refuses removing a
// source that facts which stay still cite.
func (m *merger) checkRemovals(ctx context.Context, w *wtx) error {
	p := m.plan
	if len(p.gone) == 0 && len(p.goneRels) == 0 {
		return nil
	}
	goneRels := map[string]bool{}
	for t, ids := range p.goneRels {
		for _, id := range ids {
			goneRels[manifestLink(t, id)] = true
		}
	}
	ids := make([]string, len(p.gone))
	for i, g := range p.gone {
		ids[i] = str(g["id"])
	}
	attached, err := linksOf(ctx, w, ids)
	if err != nil {
		return err
	}
	goneIDs := map[string]bool{}
	for _, id := range ids {
		goneIDs[id] = true
	}
	var sources []string
	for i, id := range ids {
		if t, _ := kg.TypeOfID(id); t == kg.Source {
			sources = append(sources, id)
		}
		file := str(p.gone[i]["origin"])
		t, _ := kg.TypeOfID(id)
		var rels []map[string]any
		for _, r := range attached[id] {
			rels = append(rels, r)
			key := manifestLink(kg.RelType(str(r["type"])), str(r["id"]))
			if goneRels[key] {
				continue
			}
			goneRels[key] = true
			by := str(r["origin"])
			m.change("delete", str(r["type"]), str(r["id"]), by, nil)
			m.record(kg.Change{Op: "retract", Target: str(r["id"]), Kind: str(r["type"]), Before: jsonMap(r)},
				file+" (it removes "+id+", an end of this relationship)")
		}
		version, _ := m.nodes[id]["version"].(int64)
		m.record(kg.Change{Op: "retract", Target: id, Kind: string(t), Version: int(version), Before: snapshot(m.nodes[id], rels)}, file)
	}
	if len(sources) == 0 {
		return nil
	}
	cited, err := citing(ctx, w, sources, ids, slices.Collect(maps.Keys(goneRels)))
	if err != nil {
		return err
	}
	for _, src := range sources {
		if by := cited[src]; len(by) > 0 {
			p.refusal = kg.Errorf(kg.Conflict, "%s cannot be removed: facts that stay cite it (%s); change their citations first", src, strings.Join(by, ", "))
			return nil
		}
	}
	return nil
}

// refuse decides whether the set may be written as planned.
func (m *merger) refuse() {
	p := m.plan
	if p.refusal != nil {
		return
	}
	var why []string
	if len(m.taken) > 0 {
		p.refusal = kg.Errorf(kg.Conflict, "the import states entities that another case file defines: %s; define each entity in one file", strings.Join(m.taken, ", "))
		return
	}
	if n := len(p.conflicts); n > 0 && m.opts.OnConflict == kg.Refuse {
		why = append(why, fmt.Sprintf("%d %s changed both in the graph and in the file since the file's last import; choose which side wins", n, plural(n, "fact was", "facts were")))
	}
	if !m.opts.MayRemove {
		var gone []string
		for _, c := range p.changes {
			if c.Op == "delete" {
				gone = append(gone, c.Kind+" "+c.ID)
			}
		}
		if len(gone) > 0 {
			p.refusal = kg.Errorf(kg.Forbidden, "the import would remove %d %s that the file no longer states (%s); removing facts needs the admin role", len(gone), plural(len(gone), "fact", "facts"), listed(gone, 20))
			if len(why) > 0 {
				p.refusal.Message += "; and " + strings.Join(why, "; ")
			}
			return
		}
	}
	if len(why) > 0 {
		p.refusal = kg.Errorf(kg.Conflict, "%s", strings.Join(why, "; "))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// listed names up to max items and says how many more there are.
func listed(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:max], ", "), len(items)-max)
}

// apply writes a planned set: history first, while the facts it records
// are still there to read, then removals, entities, relationships and the
// manifests.
func (p *importPlan) apply(ctx context.Context, w *wtx, o kg.ImportOptions, res *kg.ImportResult) error {
	run := func(query string, params map[string]any) error {
		r, err := w.Run(ctx, query, params)
		if err != nil {
			return err
		}
		sum, err := r.Consume(ctx)
		if err != nil {
			return err
		}
		c := sum.Counters()
		res.NodesCreated += c.NodesCreated()
		res.NodesDeleted += c.NodesDeleted()
		res.RelationshipsCreated += c.RelationshipsCreated()
		res.RelationshipsDeleted += c.RelationshipsDeleted()
		res.PropertiesSet += c.PropertiesSet()
		return nil
	}
	for _, t := range kg.AllRelTypes() {
		if ids := p.goneRels[t]; len(ids) > 0 {
			if err := run("UNWIND $ids AS id MATCH ()-[r:"+string(t)+" {id: id}]->() DELETE r", map[string]any{"ids": ids}); err != nil {
				return err
			}
		}
	}
	if len(p.gone) > 0 {
		if err := run("UNWIND $rows AS row MATCH (n:Entity {id: row.id}) WHERE n.origin = row.origin DETACH DELETE n", map[string]any{"rows": p.gone}); err != nil {
			return err
		}
	}
	for _, t := range kg.EntityTypes {
		if rows := p.entities[t]; len(rows) > 0 {
			if err := run("UNWIND $rows AS row MERGE (n:Entity {id: row.id}) SET n = row.props, n:"+string(t), map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
	}
	// Relationships after every entity, so each finds both ends whichever
	// batch defines them.
	for _, t := range kg.AllRelTypes() {
		if rows := p.moved[t]; len(rows) > 0 {
			if err := run(`UNWIND $rows AS row
				MATCH (x)-[old:`+string(t)+` {id: row.id}]->(y) WHERE x.id <> row.from OR y.id <> row.to
				DELETE old`, map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
		if rows := p.links[t]; len(rows) > 0 {
			if err := run(`UNWIND $rows AS row
				MATCH (a:Entity {id: row.from})
				MATCH (b:Entity {id: row.to})
				MERGE (a)-[r:`+string(t)+` {id: row.id}]->(b)
				SET r = row.props`, map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
		if ids := p.rehomedR[t]; len(ids) > 0 {
			if err := run("UNWIND $ids AS id MATCH ()-[r:"+string(t)+" {id: id}]->() SET r.origin = $api", map[string]any{"ids": ids, "api": apiOrigin}); err != nil {
				return err
			}
		}
	}
	if len(p.rehomed) > 0 {
		if err := run("UNWIND $ids AS id MATCH (n:Entity {id: id}) SET n.origin = $api", map[string]any{"ids": p.rehomed, "api": apiOrigin}); err != nil {
			return err
		}
	}
	if err := run(`UNWIND $rows AS row MERGE (f:CaseFile {name: row.origin})
		SET f.entities = row.ids, f.links = row.links, f.hash = row.hash, f.base = row.base`, map[string]any{"rows": p.files}); err != nil {
		return err
	}
	history := p.history
	for _, f := range p.files {
		origin := str(f["origin"])
		counts := map[string]int{}
		for _, c := range p.changes {
			if c.File == origin {
				counts[c.Op]++
			}
		}
		after := map[string]any{"created": counts["create"], "updated": counts["update"], "deleted": counts["delete"], "hash": f["hash"]}
		if o.OnConflict != kg.Refuse {
			after["onConflict"] = string(o.OnConflict)
		}
		history = append(history, kg.Change{Op: "import", Target: "casefile/" + origin, Kind: "CaseFile",
			Actor: o.Edit.Actor, Reason: o.Edit.Reason, After: after})
	}
	_, err := recordChanges(ctx, w, history...)
	return err
}

// linksOf reads every relationship of the given entities, with its type
// and ends.
func linksOf(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string][]map[string]any, error) {
	out := map[string][]map[string]any{}
	if len(ids) == 0 {
		return out, nil
	}
	res, err := tx.Run(ctx, `
		UNWIND $ids AS id
		MATCH (n:Entity {id: id})-[r]-()
		RETURN id, r{.*, type: type(r), from: startNode(r).id, to: endNode(r).id} AS r ORDER BY id, r.id`,
		map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		id, _, _ := neo4j.GetRecordValue[string](rec, "id")
		r, _, _ := neo4j.GetRecordValue[map[string]any](rec, "r")
		out[id] = append(out[id], r)
	}
	return out, nil
}

// citing returns, per source, up to five facts that cite it, leaving out
// the entities and relationships (by manifest key) about to go.
func citing(ctx context.Context, tx neo4j.ManagedTransaction, sources, goneEntities, goneRels []string) (map[string][]string, error) {
	res, err := tx.Run(ctx, `
		UNWIND $sources AS src
		CALL (src) {
			MATCH (n:Entity) WHERE src IN n.sources AND NOT n.id IN $entities
			RETURN n.id AS by
			UNION
			MATCH ()-[r]->() WHERE src IN r.sources AND NOT (type(r) + ' ' + r.id) IN $rels
			RETURN type(r) + ' ' + r.id AS by
		}
		WITH src, by ORDER BY by
		RETURN src, collect(by)[..5] AS by`,
		map[string]any{"sources": sources, "entities": goneEntities, "rels": goneRels})
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, r := range recs {
		src, _, _ := neo4j.GetRecordValue[string](r, "src")
		out[src] = stringList(r, "by")
	}
	return out, nil
}

// jsonMap is a property map as the history keeps it.
func jsonMap(props map[string]any) map[string]any {
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = jsonable(v)
	}
	return out
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

// base is what a file stated at its last import, fact by fact, kept in
// its manifest for the next import to merge against.
type base struct {
	Entities map[string]facts `json:"entities"`
	Links    map[string]facts `json:"links"`
}

func baseOf(b kg.Batch) base {
	out := base{Entities: make(map[string]facts, len(b.Entities)), Links: make(map[string]facts, len(b.Links))}
	for _, e := range b.Entities {
		out.Entities[e.ID] = canonical(nodeProps(e, b.Origin))
	}
	for _, l := range b.Links {
		p := linkProps(l, b.Origin)
		p["from"], p["to"] = l.From, l.To
		out.Links[manifestLink(l.Type, l.ID)] = canonical(p)
	}
	return out
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
	raw, _ := json.Marshal(baseOf(b)) // strings only: it cannot fail
	return map[string]any{"origin": b.Origin, "ids": sortedKeys(ids), "links": sortedKeys(links), "hash": b.Hash, "base": string(raw)}
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

// manifest is what a case file wrote at its last import. base is nil for
// a manifest written before bases were kept.
type manifest struct {
	entities, links []string
	hash            string
	base            *base
}

// readManifests reads the manifests of the named files that the graph
// holds, in one statement.
func readManifests(ctx context.Context, tx neo4j.ManagedTransaction, origins []string) (map[string]manifest, error) {
	res, err := tx.Run(ctx, `UNWIND $origins AS origin
		MATCH (f:CaseFile {name: origin})
		RETURN f.name AS name, f.entities AS entities, f.links AS links, coalesce(f.hash, '') AS hash, f.base AS base`,
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
		m := manifest{entities: stringList(r, "entities"), links: stringList(r, "links"), hash: hash}
		if raw, ok := r.AsMap()["base"].(string); ok {
			var b base
			if err := json.Unmarshal([]byte(raw), &b); err != nil {
				return nil, fmt.Errorf("the manifest of %s: %w", name, err)
			}
			m.base = &b
		}
		out[name] = m
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
