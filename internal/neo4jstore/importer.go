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
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer leave()
	res, err := s.execute(ctx, neo4j.AccessModeRead, `
		UNWIND $ids AS id
		MATCH (n:Entity {id: id}) WHERE `+seen("n")+`
		RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS type, coalesce(n.origin, '') AS origin`,
		map[string]any{"ids": ids})
	if err != nil {
		return nil, nil, translate(err, "looking up existing entities failed")
	}
	types, origins := map[string]kg.EntityType{}, map[string]string{}
	for _, rec := range res.Records {
		r := rowOf(rec, "looking up existing entities")
		id := r.str("id")
		types[id], origins[id] = kg.EntityType(r.str("type")), r.str("origin")
		if err := r.err(); err != nil {
			return nil, nil, err
		}
	}
	return types, origins, nil
}

// IDsNear lists the IDs of entities next to each of ids in ID order, with
// its type's prefix: up to limit on either side. They are the candidates
// for a "did you mean" in place of an unknown ID. Each side is a range
// seek on the index of the ID constraint that stops at the limit; the
// prefix's IDs end before type + '0', since '0' follows '/'.
func (s *Store) IDsNear(ctx context.Context, ids []string, limit int) ([]string, error) {
	res, err := s.readQuery(ctx, `
		UNWIND $ids AS id
		WITH id, split(id, '/')[0] AS type
		CALL (id, type) {
			MATCH (n:Entity) WHERE n.id >= id AND n.id < type + '0' AND `+seen("n")+`
			RETURN n.id AS near ORDER BY near LIMIT $limit
			UNION
			MATCH (n:Entity) WHERE n.id >= type + '/' AND n.id < id AND `+seen("n")+`
			RETURN n.id AS near ORDER BY near DESC LIMIT $limit
		}
		RETURN DISTINCT near`,
		map[string]any{"ids": ids, "limit": limit})
	if err != nil {
		return nil, translate(err, "looking up nearby IDs failed")
	}
	near := make([]string, 0, len(res.Records))
	for _, r := range res.Records {
		id, err := col[string](r, "looking up nearby IDs", "near")
		if err != nil {
			return nil, err
		}
		near = append(near, id)
	}
	return near, nil
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
		return readWork(ctx, s, "planning the import failed", func(ctx context.Context, w *wtx) (kg.ImportResult, error) {
			var res kg.ImportResult
			err := importAndCheck(ctx, w, batches, o, &res)
			return res, err
		})
	}
	res, err := write(ctx, s, "import", o.Edit, func(ctx context.Context, w *wtx) (kg.ImportResult, error) {
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
	// Looking for likely duplicates reads whole types: it runs after the
	// commit, outside the graph's write lock, which other writes wait for.
	res.Duplicates, err = readWork(ctx, s, "looking for likely duplicates failed", func(ctx context.Context, w *wtx) ([]kg.Duplicate, error) {
		return importDuplicates(ctx, w, batches, res.Changes)
	})
	if err == nil {
		return res, nil
	}
	if res.Refusal == nil && len(res.Changes) > 0 {
		return res, &kg.Error{Code: kg.ErrorCode(err), Saved: kg.SavedAnyway, Err: err,
			Message: "the import was written, but looking for its likely duplicates failed (" + kg.ErrorMessage(err) + "); possibleDuplicates finds them later"}
	}
	return res, err
}

// readWork runs work in one read transaction, as planning does: the
// import's code reads through a wtx whichever transaction it is in.
func readWork[T any](ctx context.Context, s *Store, failure string, work func(context.Context, *wtx) (T, error)) (T, error) {
	var zero T
	leave, err := s.enter(ctx)
	if err != nil {
		return zero, err
	}
	defer leave()
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	out, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		w := s.transaction(tx, neo4j.AccessModeRead)
		defer w.endOpen()
		return work(ctx, w)
	})
	if err != nil {
		return zero, translate(err, failure)
	}
	return out.(T), nil
}

// importAndCheck plans the batches, then finds the likely duplicates of
// what they create or rename: a dry run, in one read transaction.
func importAndCheck(ctx context.Context, w *wtx, batches []kg.Batch, o kg.ImportOptions, res *kg.ImportResult) error {
	if err := importSets(ctx, w, batches, o, res); err != nil {
		return err
	}
	var err error
	res.Duplicates, err = importDuplicates(ctx, w, batches, res.Changes)
	return err
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
	// fields are the reference fields whose links are written anew: rows
	// of the owning entity's id and the field.
	fields   []map[string]any
	rehomed  []string                // entity IDs kept against their file: now the API's
	rehomedR map[kg.RelType][]string // likewise relationships
	history  []kg.Change
	files    []map[string]any // the manifests to write
	// restricted are the facts restricted before or after the import,
	// or touching an entity that is: the record of the import counts
	// them apart.
	restricted map[string]bool
	// additions are the rows of the (:Addition) nodes to write, goneAdds
	// the IDs of those to delete, and touched the entities whose added
	// names change with them.
	additions []map[string]any
	goneAdds  []string
	touched   []string
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
	m := &merger{plan: p, old: old, opts: o, inSet: map[string]bool{}, stated: statedBy(batches), definers: map[string][]string{}}
	for _, b := range changed {
		m.inSet[b.Origin] = true
		for _, e := range b.Entities {
			m.definers[e.ID] = append(m.definers[e.ID], b.Origin)
		}
		for _, l := range b.Links {
			key := manifestLink(l.Type, l.ID)
			m.definers[key] = append(m.definers[key], b.Origin)
		}
	}
	if err := m.read(ctx, w, changed); err != nil {
		return nil, err
	}
	m.checkSight(ctx, changed)
	for _, b := range changed {
		m.mergeEntities(b)
		m.mergeLinks(b)
		p.files = append(p.files, manifestRow(b))
	}
	for _, b := range changed {
		m.removeEntities(b)
		m.removeLinks(b)
	}
	if err := m.mergeAdditions(ctx, w, changed); err != nil {
		return nil, err
	}
	if err := m.checkRemovals(ctx, w, batches); err != nil {
		return nil, err
	}
	if err := m.checkCitations(ctx, w); err != nil {
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
	stated statedSet       // what any batch of the set states

	nodes map[string]map[string]any   // current entities by ID
	owned map[string][]map[string]any // the links each current entity owns (its reference fields)
	rels  map[string]map[string]any   // current relationships by manifestLink key, with from and to
	// definers names, per entity ID and manifest link, the files of the
	// set that state it.
	definers map[string][]string
	// taken lists the facts of a file outside the set that the set states.
	taken []string
	// problems refuse the set: facts it states that cannot stand.
	problems []string
	// forbidden refuse it too: facts its writer may not reach or widen.
	forbidden []string
}

// checkSight notes the restricted facts of the import, and refuses one
// through the API that reaches a fact out of its writer's sight (one its
// files state or stated), or gives a fact a visibility its writer may not
// give (kg.MayGiveVisibility), as the API's edits are. The command line
// and admins reach every fact.
func (m *merger) checkSight(ctx context.Context, changed []kg.Batch) {
	m.noteRestricted(changed)
	p, ok := kg.PrincipalFrom(ctx)
	if !ok || p.Role >= kg.Admin {
		return
	}
	sight := kg.SightOf(ctx)
	for _, id := range slices.Sorted(maps.Keys(m.nodes)) {
		if !sight.Sees(strs(m.nodes[id][kg.GroupsProp])) {
			m.forbidden = append(m.forbidden, id+" is a fact this token may not read")
		}
	}
	for _, key := range slices.Sorted(maps.Keys(m.rels)) {
		if !sight.Sees(strs(m.rels[key][kg.GroupsProp])) {
			m.forbidden = append(m.forbidden, key+" is a fact this token may not read")
		}
	}
	give := func(id string, cur, props map[string]any) {
		if err := kg.MayGiveVisibility(ctx, id, strs(cur[kg.GroupsProp]), strs(props[kg.GroupsProp]), cur != nil); err != nil {
			m.forbidden = append(m.forbidden, kg.ErrorMessage(err))
		}
	}
	for _, b := range changed {
		for _, e := range b.Entities {
			give(e.ID, m.nodes[e.ID], e.Props)
		}
		for _, l := range b.Links {
			give(l.ID, m.rels[manifestLink(l.Type, l.ID)], l.Props)
		}
	}
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
			if l.Owner == "" {
				addLink(manifestLink(l.Type, l.ID))
			}
		}
		old := m.old[b.Origin]
		for _, id := range old.entities {
			ids[id] = true
		}
		for _, key := range old.links {
			addLink(key)
		}
	}
	sorted := slices.Sorted(maps.Keys(ids))
	var err error
	m.nodes, err = collectProps(ctx, w, "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN n.id AS id, properties(n) AS props", sorted)
	if err != nil {
		return err
	}
	if m.owned, err = linksOf(ctx, w, sorted, true); err != nil {
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

// baseState is what a manifest tells of one fact.
type baseState int

const (
	notStated baseState = iota // the file did not state it at its last import
	stated                     // it did, as the base says
	// unknown: it did, but the manifest was written before bases were
	// kept, so what it stated is not known. Every difference between the
	// file and the graph is then a conflict: the graph may hold edits.
	unknown
)

// baseOf returns what file stated of a fact at its last import.
func (m *merger) baseOf(file, key string, entity bool) (facts, baseState) {
	man := m.old[file]
	if man.base != nil {
		f := man.base.Links[key]
		if entity {
			f = man.base.Entities[key]
		}
		if f == nil {
			return nil, notStated
		}
		return f, stated
	}
	if list := man.links; entity && slices.Contains(man.entities, key) || !entity && slices.Contains(list, key) {
		return nil, unknown
	}
	return nil, notStated
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

// Reasons of conflicts about a whole fact.
const (
	retractedChanged = "retracted in the graph, changed in the file since its last import"
	retractedUnknown = "not in the graph, though the file stated it before; what it stated then is not recorded"
	changedRemoved   = "changed in the graph, removed from the file since its last import"
	unknownRemoved   = "removed from the file; what it stated before is not recorded, so edits in the graph cannot be told apart"
)

// ownedIn returns the links of b that entity id owns (its reference
// fields), as properties with their type and ends.
func ownedIn(b kg.Batch, id string) []map[string]any {
	var out []map[string]any
	for _, l := range b.Links {
		if l.Owner == id {
			out = append(out, linkRow(l, b.Origin))
		}
	}
	return out
}

// linkRow is a relationship's properties with its type and ends, as
// linksOf reads one from the graph.
func linkRow(l kg.Link, origin string) map[string]any {
	p := linkProps(l, origin)
	p["type"], p["from"], p["to"] = string(l.Type), l.From, l.To
	return p
}

// mergeEntities decides, for every entity b states, what to write.
func (m *merger) mergeEntities(b kg.Batch) {
	for _, e := range b.Entities {
		file, fileLinks := nodeProps(e, b.Origin), ownedIn(b, e.ID)
		now := entityFacts(file, fileLinks)
		cur, curLinks := m.nodes[e.ID], m.owned[e.ID]
		owner := str(cur["origin"])
		base, bs := m.baseOf(b.Origin, e.ID, true)
		moving := false
		if cur != nil && owner != b.Origin && owner != "" {
			// Another file defines it: only a file of this import that
			// no longer states it may hand it over.
			if !m.inSet[owner] || slices.Contains(m.definers[e.ID], owner) {
				m.taken = append(m.taken, fmt.Sprintf("%s (defined by %s)", e.ID, owner))
				continue
			}
			base, bs = m.baseOf(owner, e.ID, true)
			moving = true
		}
		kind := string(e.Type)
		create := func(recreated bool) {
			m.writeEntity(e.Type, e.ID, file, 1)
			for _, l := range fileLinks {
				m.writeLink(kg.RelType(str(l["type"])), str(l["id"]), l, nil)
			}
			m.change("create", kind, e.ID, b.Origin, nil)
			if recreated {
				m.record(kg.Change{Op: "create", Target: e.ID, Kind: kind, Version: 1, After: snapshot(file, fileLinks)}, b.Origin)
			}
		}
		switch {
		case cur == nil && bs == notStated:
			create(false)
		case cur == nil && bs == stated && now.equal(base):
			m.plan.kept++ // retracted in the graph, unchanged in the file: stays retracted
		case cur == nil:
			reason := retractedChanged
			if bs == unknown {
				reason = retractedUnknown
			}
			if m.settle(kg.FactConflict{File: b.Origin, ID: e.ID, Kind: kind, Base: base.whole(), Now: now.whole(), Reason: reason}) {
				create(true)
			}
		default:
			graph := entityFacts(cur, curLinks)
			take, clash := reconcile(base, graph, now)
			m.plan.conflicts = append(m.plan.conflicts, conflictsOf(b.Origin, e.ID, kind, clash, base, graph, now)...)
			if m.opts.OnConflict == kg.TakeFile {
				take = append(take, clash...)
			}
			if len(take) == 0 && !moving {
				m.plan.kept++
				continue
			}
			refs := linkFields(curLinks, fileLinks)
			var props, fields []string
			for _, f := range take {
				if refs[f] {
					fields = append(fields, f)
				} else {
					props = append(props, f)
				}
			}
			if moving {
				// Its links are the new file's too.
				fields = slices.Sorted(maps.Keys(refs))
			}
			after := overlay(cur, file, props)
			after["origin"] = b.Origin
			maps.Copy(after, nameProps(e.Type, map[string]any{"name": after["name"], "title": after["title"], "aliases": strs(after["aliases"])}))
			version, _ := cur["version"].(int64)
			m.writeEntity(e.Type, e.ID, after, version+1)
			afterLinks := m.rewriteFields(e.ID, fields, curLinks, fileLinks)
			m.change("update", kind, e.ID, b.Origin, take)
			m.record(kg.Change{Op: "update", Target: e.ID, Kind: kind, Version: int(version + 1),
				Before: snapshot(cur, curLinks), After: snapshot(after, afterLinks)}, b.Origin)
		}
	}
}

// rewriteFields queues the links of the given reference fields of entity id
// to be written anew from the file's, and returns the links it owns after.
func (m *merger) rewriteFields(id string, fields []string, cur, file []map[string]any) []map[string]any {
	var after []map[string]any
	for _, l := range cur {
		if !slices.Contains(fields, str(l["field"])) {
			after = append(after, l)
		}
	}
	for _, f := range fields {
		m.plan.fields = append(m.plan.fields, map[string]any{"id": id, "field": f})
		for _, l := range file {
			if str(l["field"]) == f {
				m.writeLink(kg.RelType(str(l["type"])), str(l["id"]), l, nil)
				after = append(after, l)
			}
		}
	}
	return after
}

// linkFields names the reference fields among links.
func linkFields(sides ...[]map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, links := range sides {
		for _, l := range links {
			out[str(l["field"])] = true
		}
	}
	return out
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

// mergeLinks decides, for every relationship b states in its relations
// (those of reference fields go with their entity), what to write.
func (m *merger) mergeLinks(b kg.Batch) {
	for _, l := range b.Links {
		if l.Owner != "" {
			continue
		}
		key := manifestLink(l.Type, l.ID)
		file := linkProps(l, b.Origin)
		file["from"], file["to"] = l.From, l.To
		now := canonical(file)
		cur := m.rels[key]
		owner := str(cur["origin"])
		base, bs := m.baseOf(b.Origin, key, false)
		if cur != nil && owner != b.Origin && owner != "" && owner != apiOrigin {
			// Another file states it: only a file of this import that no
			// longer does may hand it over. One the API made is the file's
			// to take.
			if !m.inSet[owner] || slices.Contains(m.definers[key], owner) {
				m.taken = append(m.taken, fmt.Sprintf("%s %s (stated by %s)", l.Type, l.ID, owner))
				continue
			}
			base, bs = m.baseOf(owner, key, false)
		}
		kind := string(l.Type)
		switch {
		case cur == nil && bs == notStated:
			m.writeLink(l.Type, l.ID, file, nil)
			m.change("create", kind, l.ID, b.Origin, nil)
		case cur == nil && bs == stated && now.equal(base):
			m.plan.kept++
		case cur == nil:
			reason := retractedChanged
			if bs == unknown {
				reason = retractedUnknown
			}
			if m.settle(kg.FactConflict{File: b.Origin, ID: l.ID, Kind: kind, Base: base.whole(), Now: now.whole(), Reason: reason}) {
				m.writeLink(l.Type, l.ID, file, nil)
				m.change("create", kind, l.ID, b.Origin, nil)
				m.record(kg.Change{Op: "create", Target: l.ID, Kind: kind, After: jsonMap(file)}, b.Origin)
			}
		default:
			graph := canonical(cur)
			take, clash := reconcile(base, graph, now)
			m.plan.conflicts = append(m.plan.conflicts, conflictsOf(b.Origin, l.ID, kind, clash, base, graph, now)...)
			if m.opts.OnConflict == kg.TakeFile {
				take = append(take, clash...)
			}
			if len(take) == 0 && owner == b.Origin {
				m.plan.kept++
				continue
			}
			props := overlay(cur, file, take)
			props["origin"] = b.Origin
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
		if k != "from" && k != "to" && k != "type" {
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
	man := m.old[b.Origin]
	ids := man.entities
	if man.base != nil {
		ids = slices.Sorted(maps.Keys(man.base.Entities))
	}
	for _, id := range ids {
		cur := m.nodes[id]
		if m.stated.entities[id] || cur == nil || str(cur["origin"]) != b.Origin {
			continue
		}
		t, _ := kg.TypeOfID(id)
		base, bs := m.baseOf(b.Origin, id, true)
		if !m.mayRemove(b.Origin, id, string(t), entityFacts(cur, m.owned[id]), base, bs) {
			m.plan.rehomed = append(m.plan.rehomed, id)
			continue
		}
		m.plan.gone = append(m.plan.gone, map[string]any{"id": id, "origin": b.Origin})
		m.change("delete", string(t), id, b.Origin, nil)
	}
}

// mayRemove says whether a fact that file no longer states goes: yes if
// the graph holds it as the file stated it; otherwise it is a conflict,
// which only kg.TakeFile settles by removing it.
func (m *merger) mayRemove(file, id, kind string, graph, base facts, bs baseState) bool {
	if bs == stated && graph.equal(base) {
		return true
	}
	reason := changedRemoved
	if bs == unknown {
		reason = unknownRemoved
	}
	return m.settle(kg.FactConflict{File: file, ID: id, Kind: kind, Graph: graph.whole(), Base: base.whole(), Reason: reason})
}

// removeLinks does for relationships what removeEntities does for
// entities. Links of reference fields go with their entity.
func (m *merger) removeLinks(b kg.Batch) {
	man := m.old[b.Origin]
	keys := man.links
	if man.base != nil {
		keys = slices.Sorted(maps.Keys(man.base.Links))
	}
	for _, key := range keys {
		cur := m.rels[key]
		if m.stated.links[key] || cur == nil || str(cur["origin"]) != b.Origin || str(cur["owner"]) != "" {
			continue
		}
		t, id, _ := strings.Cut(key, " ")
		base, bs := m.baseOf(b.Origin, key, false)
		if !m.mayRemove(b.Origin, id, t, canonical(cur), base, bs) {
			m.plan.rehomedR[kg.RelType(t)] = append(m.plan.rehomedR[kg.RelType(t)], id)
			continue
		}
		m.plan.goneRels[kg.RelType(t)] = append(m.plan.goneRels[kg.RelType(t)], id)
		m.change("delete", t, id, b.Origin, nil)
		m.record(kg.Change{Op: "retract", Target: id, Kind: t, Before: jsonMap(cur)}, b.Origin)
	}
}

// checkRemovals reads what the entities to delete take with them (their
// relationships from other files and the API, which go too, each with its
// history), and refuses removing an entity that a file of the set still
// refers to.
func (m *merger) checkRemovals(ctx context.Context, w *wtx, batches []kg.Batch) error {
	p := m.plan
	if len(p.gone) == 0 {
		return nil
	}
	gone, origin := map[string]bool{}, map[string]string{}
	ids := make([]string, len(p.gone))
	for i, g := range p.gone {
		ids[i] = str(g["id"])
		gone[ids[i]] = true
		origin[ids[i]] = str(g["origin"])
	}
	if err := m.checkAddedTo(ctx, w, batches, gone, origin); err != nil {
		return err
	}
	for _, b := range batches {
		for _, l := range b.Links {
			for _, end := range []string{l.From, l.To} {
				if gone[end] {
					m.problems = append(m.problems, fmt.Sprintf("%s is removed, but %s still refers to it (%s %s)", end, b.Origin, l.Type, l.ID))
				}
			}
		}
	}
	goneRels := map[string]bool{}
	for t, ids := range p.goneRels {
		for _, id := range ids {
			goneRels[manifestLink(t, id)] = true
		}
	}
	attached, err := linksOf(ctx, w, ids, false)
	if err != nil {
		return err
	}
	for i, id := range ids {
		file := str(p.gone[i]["origin"])
		t, _ := kg.TypeOfID(id)
		for _, r := range attached[id] {
			key := manifestLink(kg.RelType(str(r["type"])), str(r["id"]))
			if goneRels[key] || str(r["owner"]) == id {
				continue // removed on its own, or a field of id: in id's record
			}
			goneRels[key] = true
			m.change("delete", str(r["type"]), str(r["id"]), str(r["origin"]), nil)
			m.record(kg.Change{Op: "retract", Target: str(r["id"]), Kind: str(r["type"]), Before: jsonMap(r)},
				file+" (it removes "+id+", an end of this relationship)")
		}
		version, _ := m.nodes[id]["version"].(int64)
		m.record(kg.Change{Op: "retract", Target: id, Kind: string(t), Version: int(version), Before: snapshot(m.nodes[id], attached[id])}, file)
	}
	return nil
}

// checkCitations refuses a plan that would leave a fact citing a source
// that is not in the graph: a fact it writes citing a source it removes or
// that is gone, or a fact it leaves as it is citing a source it removes.
func (m *merger) checkCitations(ctx context.Context, w *wtx) error {
	p := m.plan
	removed := map[string]bool{}
	for _, g := range p.gone {
		if t, _ := kg.TypeOfID(str(g["id"])); t == kg.Source {
			removed[str(g["id"])] = true
		}
	}
	written, writtenRels := map[string]bool{}, map[string]bool{}
	cited := map[string][]string{} // source -> facts written that cite it
	for _, rows := range p.entities {
		for _, r := range rows {
			written[str(r["id"])] = true
			for _, s := range strs(r["props"].(map[string]any)["sources"]) {
				cited[s] = append(cited[s], str(r["id"]))
			}
		}
	}
	for t, rows := range p.links {
		for _, r := range rows {
			writtenRels[manifestLink(t, str(r["id"]))] = true
			for _, s := range strs(r["props"].(map[string]any)["sources"]) {
				cited[s] = append(cited[s], string(t)+" "+str(r["id"]))
			}
		}
	}
	for _, r := range p.additions {
		for _, s := range strs(r["sources"]) {
			cited[s] = append(cited[s], str(r["id"]))
		}
	}
	var need []string
	for s, by := range cited {
		switch {
		case removed[s]:
			m.problems = append(m.problems, fmt.Sprintf("%s cannot be removed: facts the import writes cite it (%s); change their citations first", s, listed(by, 5)))
		case !written[s]:
			need = append(need, s)
		}
	}
	missing, err := missingSources(ctx, w, need)
	if err != nil {
		return err
	}
	for _, s := range missing {
		m.problems = append(m.problems, fmt.Sprintf("facts the import writes cite %s, which is not in the graph (%s)", s, listed(cited[s], 5)))
	}
	if len(removed) == 0 {
		return nil
	}
	var skipEntities, skipRels []string
	for id := range written {
		skipEntities = append(skipEntities, id)
	}
	for _, g := range p.gone {
		skipEntities = append(skipEntities, str(g["id"]))
	}
	for _, r := range p.additions {
		skipEntities = append(skipEntities, str(r["id"]))
	}
	skipEntities = append(skipEntities, p.goneAdds...)
	for key := range writtenRels {
		skipRels = append(skipRels, key)
	}
	for t, ids := range p.goneRels {
		for _, id := range ids {
			skipRels = append(skipRels, manifestLink(t, id))
		}
	}
	sources := slices.Sorted(maps.Keys(removed))
	citedBy, err := citing(ctx, w, sources, skipEntities, skipRels)
	if err != nil {
		return err
	}
	for _, s := range sources {
		if by := citedBy[s]; len(by) > 0 {
			m.problems = append(m.problems, fmt.Sprintf("%s cannot be removed: facts that stay cite it (%s); change their citations first", s, strings.Join(by, ", ")))
		}
	}
	return nil
}

// missingSources returns those of ids that are not sources in the graph.
func missingSources(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	res, err := tx.Run(ctx, `
		UNWIND $ids AS id
		OPTIONAL MATCH (s:Entity {id: id}) WHERE s:Source
		WITH id, s WHERE s IS NULL
		RETURN id ORDER BY id`, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(recs))
	for i, r := range recs {
		if out[i], err = col[string](r, "looking up cited sources", "id"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// noteRestricted records in the plan the facts restricted before or after
// the import, and the relationships with an end that is.
func (m *merger) noteRestricted(changed []kg.Batch) {
	r := map[string]bool{}
	for id, cur := range m.nodes {
		if len(strs(cur[kg.GroupsProp])) > 0 {
			r[id] = true
		}
	}
	for _, cur := range m.rels {
		if len(strs(cur[kg.GroupsProp])) > 0 || r[str(cur["from"])] || r[str(cur["to"])] {
			r[str(cur["id"])] = true
		}
	}
	for _, b := range changed {
		for _, e := range b.Entities {
			if len(strs(e.Props[kg.GroupsProp])) > 0 {
				r[e.ID] = true
			}
		}
	}
	for _, b := range changed {
		for _, l := range b.Links {
			if len(strs(l.Props[kg.GroupsProp])) > 0 || r[l.From] || r[l.To] {
				r[l.ID] = true
			}
		}
	}
	m.plan.restricted = r
}

// refuse decides whether the set may be written as planned.
func (m *merger) refuse() {
	p := m.plan
	switch {
	case len(m.forbidden) > 0:
		p.refusal = kg.Errorf(kg.Forbidden, "%s", strings.Join(m.forbidden, "; "))
		return
	case len(m.taken) > 0:
		p.refusal = kg.Errorf(kg.Conflict, "the import states facts that another case file states: %s; state each fact in one file", listed(m.taken, 20))
		return
	case len(m.problems) > 0:
		p.refusal = kg.Errorf(kg.Conflict, "%s", strings.Join(m.problems, "; "))
		return
	}
	var why []string
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

// apply writes a planned set: removals, the reference fields written anew,
// entities, relationships (each of which must find both ends), what is
// kept against its file, the manifests, and last the history, which the
// plan took from the facts before any of this.
func (p *importPlan) apply(ctx context.Context, w *wtx, o kg.ImportOptions, res *kg.ImportResult) error {
	run := func(query string, params map[string]any) (neo4j.ResultWithContext, error) {
		r, err := w.Run(ctx, query, params)
		if err != nil {
			return nil, err
		}
		return r, nil
	}
	count := func(r neo4j.ResultWithContext) error {
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
	exec := func(query string, params map[string]any) error {
		r, err := run(query, params)
		if err != nil {
			return err
		}
		return count(r)
	}
	if err := p.touch(ctx, w); err != nil {
		return err
	}
	for _, t := range kg.AllRelTypes() {
		if ids := p.goneRels[t]; len(ids) > 0 {
			if err := exec("UNWIND $ids AS id MATCH ()-[r:"+string(t)+" {id: id}]->() DELETE r", map[string]any{"ids": ids}); err != nil {
				return err
			}
		}
	}
	if len(p.gone) > 0 {
		if err := exec("UNWIND $rows AS row MATCH (n:Entity {id: row.id}) WHERE n.origin = row.origin DETACH DELETE n", map[string]any{"rows": p.gone}); err != nil {
			return err
		}
	}
	if len(p.fields) > 0 {
		if err := exec("UNWIND $rows AS row MATCH (n:Entity {id: row.id})-[r]-() WHERE r.owner = row.id AND r.field = row.field DELETE r", map[string]any{"rows": p.fields}); err != nil {
			return err
		}
	}
	for _, t := range kg.EntityTypes {
		if rows := p.entities[t]; len(rows) > 0 {
			if err := exec("UNWIND $rows AS row MERGE (n:Entity {id: row.id}) SET n = row.props, n:"+string(t), map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
	}
	// Relationships after every entity, so each finds both ends whichever
	// batch defines them.
	for _, t := range kg.AllRelTypes() {
		if rows := p.moved[t]; len(rows) > 0 {
			if err := exec(`UNWIND $rows AS row
				MATCH (x)-[old:`+string(t)+` {id: row.id}]->(y) WHERE x.id <> row.from OR y.id <> row.to
				DELETE old`, map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
		if rows := p.links[t]; len(rows) > 0 {
			r, err := run(`UNWIND $rows AS row
				MATCH (a:Entity {id: row.from})
				MATCH (b:Entity {id: row.to})
				MERGE (a)-[r:`+string(t)+` {id: row.id}]->(b)
				SET r = row.props
				RETURN collect(row.id) AS written`, map[string]any{"rows": rows})
			if err != nil {
				return err
			}
			rec, err := r.Single(ctx)
			if err != nil {
				return err
			}
			if err := count(r); err != nil {
				return err
			}
			got, err := listOf[string](rec, "writing relationships", "written")
			if err != nil {
				return err
			}
			if len(got) != len(rows) {
				// planSet refuses a set that removes what it refers to;
				// this is the last guard, which never writes half.
				for _, row := range rows {
					if !slices.Contains(got, str(row["id"])) {
						return kg.Errorf(kg.Conflict, "relationship %s %s cannot be written: %s or %s is not in the graph", t, str(row["id"]), str(row["from"]), str(row["to"]))
					}
				}
			}
		}
		if ids := p.rehomedR[t]; len(ids) > 0 {
			if err := exec("UNWIND $ids AS id MATCH ()-[r:"+string(t)+" {id: id}]->() SET r.origin = $api", map[string]any{"ids": ids, "api": apiOrigin}); err != nil {
				return err
			}
		}
	}
	if len(p.rehomed) > 0 {
		// An entity kept against its file, with the links of its fields.
		if err := exec(`UNWIND $ids AS id MATCH (n:Entity {id: id}) SET n.origin = $api
			WITH n, id MATCH (n)-[r]-() WHERE r.owner = id SET r.origin = $api`, map[string]any{"ids": p.rehomed, "api": apiOrigin}); err != nil {
			return err
		}
	}
	if err := p.writeAdditions(ctx, w, exec); err != nil {
		return err
	}
	if err := exec(`UNWIND $rows AS row MERGE (f:CaseFile {name: row.origin})
		SET f.entities = row.ids, f.links = row.links, f.hash = row.hash, f.base = row.base`, map[string]any{"rows": p.files}); err != nil {
		return err
	}
	history := p.history
	for _, f := range p.files {
		origin := str(f["origin"])
		// Those who may not see the file's restricted facts read counts of
		// its public ones: what the file would have written without them.
		counts, public := map[string]int{}, map[string]int{}
		for _, c := range p.changes {
			if c.File == origin {
				counts[c.Op]++
				if !p.restricted[c.ID] {
					public[c.Op]++
				}
			}
		}
		record := func(n map[string]int) map[string]any {
			r := map[string]any{"created": n["create"], "updated": n["update"], "deleted": n["delete"], "hash": f["hash"]}
			if o.OnConflict != kg.Refuse {
				r["onConflict"] = string(o.OnConflict)
			}
			return r
		}
		after, full := record(public), map[string]any(nil)
		if r := strs(f["restricted"]); len(r) > 0 {
			full = record(counts)
			full["restricted"] = r
		}
		history = append(history, kg.Change{Op: "import", Target: "casefile/" + origin, Kind: "CaseFile",
			Actor: o.Edit.Actor, Reason: o.Edit.Reason, After: after, FullAfter: full})
	}
	_, err := recordChanges(ctx, w, history...)
	return err
}

// touch tells the write what the plan changes, before it does: the
// entities written and removed, and the relationships written, moved and
// removed, at their ends as they are now and as they will be.
func (p *importPlan) touch(ctx context.Context, w *wtx) error {
	var ids []string
	for _, rows := range p.entities {
		for _, r := range rows {
			ids = append(ids, str(r["id"]))
		}
	}
	for _, r := range p.gone {
		ids = append(ids, str(r["id"]))
	}
	if err := w.touch(ctx, ids...); err != nil {
		return err
	}
	var links []map[string]any
	for t, rows := range p.links {
		for _, r := range rows {
			links = append(links, map[string]any{"type": string(t), "from": r["from"], "to": r["to"]})
		}
	}
	// Relationships removed or moved, at their ends as they are.
	was := map[kg.RelType][]string{}
	for t, ids := range p.goneRels {
		was[t] = append(was[t], ids...)
	}
	for t, rows := range p.moved {
		for _, r := range rows {
			links = append(links, map[string]any{"type": string(t), "from": r["from"], "to": r["to"]})
			was[t] = append(was[t], str(r["id"]))
		}
	}
	for t, ids := range was {
		if len(ids) == 0 {
			continue
		}
		ends, err := collectLinks(ctx, w, "UNWIND $ids AS id MATCH (a)-[r:"+string(t)+" {id: id}]->(b) RETURN type(r) AS type, a.id AS from, b.id AS to",
			map[string]any{"ids": ids})
		if err != nil {
			return err
		}
		links = append(links, ends...)
	}
	if len(p.fields) > 0 {
		ends, err := collectLinks(ctx, w, `UNWIND $rows AS row MATCH (n:Entity {id: row.id})-[r]-() WHERE r.owner = row.id AND r.field = row.field
			RETURN type(r) AS type, startNode(r).id AS from, endNode(r).id AS to`, map[string]any{"rows": p.fields})
		if err != nil {
			return err
		}
		links = append(links, ends...)
	}
	return w.touchLinks(ctx, links...)
}

// collectLinks runs a statement returning type, from and to.
func collectLinks(ctx context.Context, w *wtx, query string, params map[string]any) ([]map[string]any, error) {
	rows, err := collectRows(ctx, w, "reading the relationships an import changes", query, params)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		out[i] = map[string]any{"type": r.str("type"), "from": r.str("from"), "to": r.str("to")}
	}
	return out, rowsErr(rows)
}

// linksOf reads the relationships of the given entities, with their type
// and ends: every one, or with owned only those of their reference fields.
func linksOf(ctx context.Context, tx neo4j.ManagedTransaction, ids []string, owned bool) (map[string][]map[string]any, error) {
	out := map[string][]map[string]any{}
	if len(ids) == 0 {
		return out, nil
	}
	res, err := tx.Run(ctx, `
		UNWIND $ids AS id
		MATCH (n:Entity {id: id})-[r]-()
		WHERE NOT $owned OR r.owner = id
		RETURN id, r{.*, type: type(r), from: startNode(r).id, to: endNode(r).id} AS r ORDER BY id, r.id`,
		map[string]any{"ids": ids, "owned": owned})
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		r := rowOf(rec, "reading relationships")
		id, rel := r.str("id"), r.props("r")
		if err := r.err(); err != nil {
			return nil, err
		}
		out[id] = append(out[id], rel)
	}
	return out, nil
}

// citing returns, per source, up to five facts that cite it, leaving out
// the entities, additions and relationships (by manifest key) about to go.
func citing(ctx context.Context, tx neo4j.ManagedTransaction, sources, goneEntities, goneRels []string) (map[string][]string, error) {
	res, err := tx.Run(ctx, `
		UNWIND $sources AS src
		CALL (src) {
			MATCH (n:Entity) WHERE src IN n.sources AND NOT n.id IN $entities
			RETURN n.id AS by
			UNION
			MATCH ()-[r]->() WHERE src IN r.sources AND NOT (type(r) + ' ' + r.id) IN $rels
			RETURN type(r) + ' ' + r.id AS by
			UNION
			MATCH (a:Addition) WHERE src IN a.sources AND NOT a.id IN $entities
			RETURN a.id AS by
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
	for _, rec := range recs {
		r := rowOf(rec, "finding what cites sources")
		out[r.str("src")] = r.strs("by")
		if err := r.err(); err != nil {
			return nil, err
		}
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

// statedSet holds the entity IDs and manifest links that some batch of an
// import states, changed or not: those are never removed as gone.
type statedSet struct{ entities, links map[string]bool }

func statedBy(batches []kg.Batch) statedSet {
	s := statedSet{entities: map[string]bool{}, links: map[string]bool{}}
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
	owned := map[string][]map[string]any{}
	for _, l := range b.Links {
		if l.Owner != "" {
			owned[l.Owner] = append(owned[l.Owner], linkRow(l, b.Origin))
			continue
		}
		p := linkProps(l, b.Origin)
		p["from"], p["to"] = l.From, l.To
		out.Links[manifestLink(l.Type, l.ID)] = canonical(p)
	}
	for _, e := range b.Entities {
		out.Entities[e.ID] = entityFacts(nodeProps(e, b.Origin), owned[e.ID])
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
	return map[string]any{"origin": b.Origin, "ids": sortedKeys(ids), "links": sortedKeys(links), "hash": b.Hash, "base": string(raw),
		"restricted": restrictedSets(b)}
}

// restrictedSets are the visibilities of a file's restricted facts, each
// as its groups joined by commas: the record of the file's import counts
// them, so only a reader who sees them all sees the record.
func restrictedSets(b kg.Batch) []string {
	set := map[string]bool{}
	for _, e := range b.Entities {
		if g := strs(e.Props[kg.GroupsProp]); len(g) > 0 {
			set[strings.Join(g, ",")] = true
		}
	}
	for _, l := range b.Links {
		if g := strs(l.Props[kg.GroupsProp]); len(g) > 0 {
			set[strings.Join(g, ",")] = true
		}
	}
	return sortedKeys(set)
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
// states: the search text and duplicate keys, the version edits are checked against, and the
// entity whose field a relationship came from. Dry runs do not compare them
// and exports do not write them.
var derived = map[string]bool{"searchText": true, "dupKeys": true, "version": true, "owner": true}

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
	for _, rec := range recs {
		r := rowOf(rec, "reading manifests")
		name, raw := r.str("name"), r.optStr("base")
		m := manifest{entities: r.optStrs("entities"), links: r.optStrs("links"), hash: r.str("hash")}
		if err := r.err(); err != nil {
			return nil, err
		}
		if raw != "" {
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

// nodeProps and linkProps flatten a fact into Neo4j properties. A date is
// stored as a Neo4j date (the day it sorts by, kg.Date.Position) beside its
// first and last possible days, its precision and its case-file text; citations as "SOURCE#pN" strings beside the distinct
// source IDs, so "which sources state this" is one index lookup away.
func nodeProps(e kg.Entity, origin string) map[string]any {
	p := flatten(e.Props, e.Citations)
	p["id"], p["origin"] = e.ID, origin
	for k, v := range nameProps(e.Type, e.Props) {
		if v != nil {
			p[k] = v
		}
	}
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
			// The date itself sorts (kg.Date.Position); its first and last
			// possible days, where known, filter and bound durations.
			p[k] = neo4j.DateOf(v.Position())
			p[k+"Precision"] = string(v.Precision)
			p[k+"Text"] = v.Text
			if t, ok := v.Earliest(); ok {
				p[k+"Earliest"] = neo4j.DateOf(t)
			}
			if t, ok := v.Latest(); ok {
				p[k+"Latest"] = neo4j.DateOf(t)
			}
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
