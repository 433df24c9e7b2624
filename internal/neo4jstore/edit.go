package neo4jstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// The API's writes. Each runs in one transaction: the change, the links it
// implies and its audit record are written together or not at all.

// apiOrigin is the origin of entities and relationships created through the
// API; an export writes them to a case file of that name.
const apiOrigin = "api.yaml"

// SaveEntity creates an entity (expectVersion 0) or replaces one whose
// version is still expectVersion, with the field links it owns, and records
// the change. It returns the new version. Creating an entity that exists
// already with the very same content is answered as a success without
// writing: a client that sends a create again, not knowing whether the
// first was saved, learns that it was.
func (s *Store) SaveEntity(ctx context.Context, e kg.Entity, links []kg.Link, expectVersion int, edit kg.Edit) (int, error) {
	return write(ctx, s, "save_entity", edit, func(ctx context.Context, w *wtx) (int, error) {
		before, origin, version, err := lockEntity(ctx, w, e.ID, expectVersion)
		if err != nil {
			return 0, asUnknown(err, expectVersion == 0)
		}
		if expectVersion > 0 && before == nil {
			return 0, kg.Errorf(kg.NotFound, "no entity with id %q", e.ID)
		}
		if origin == "" {
			origin = apiOrigin
		}
		beforeLinks, err := ownedLinks(ctx, w, e.ID)
		if err != nil {
			return 0, err
		}
		if err := checkCited(ctx, w, e.Citations); err != nil {
			return 0, err
		}
		props := nodeProps(e, origin)
		if err := kg.MayGiveVisibility(ctx, e.ID, strs(before[kg.GroupsProp]), strs(props[kg.GroupsProp]), before != nil); err != nil {
			return 0, err
		}
		if err := checkNoneHidden(ctx, w, e.ID, true); err != nil {
			return 0, err
		}
		if expectVersion == 0 && before != nil {
			if sameEntity(before, beforeLinks, props, links, origin) {
				w.discard = true // lockEntity raised the version: undo it
				return version - 1, nil
			}
			return 0, kg.Errorf(kg.Conflict, "%s already exists with other content; update it with its version instead", e.ID)
		}
		props["version"] = int64(version)
		if err := w.touch(ctx, e.ID); err != nil {
			return 0, err
		}
		if err := w.touchLinks(ctx, append(slices.Clone(beforeLinks), linkMaps(links)...)...); err != nil {
			return 0, err
		}
		if _, err := w.Run(ctx, "MERGE (n:Entity {id: $id}) SET n = $props, n:"+string(e.Type), map[string]any{"id": e.ID, "props": props}); err != nil {
			return 0, err
		}
		// The names files add to it stay searchable.
		if err := refreshSearchText(ctx, w, []string{e.ID}, nil); err != nil {
			return 0, err
		}
		if _, err := w.Run(ctx, "MATCH (n:Entity {id: $id})-[r]-() WHERE r.owner = $id DELETE r", map[string]any{"id": e.ID}); err != nil {
			return 0, err
		}
		if err := writeLinks(ctx, w, links, origin); err != nil {
			return 0, err
		}
		op := "create"
		var beforeSnap map[string]any
		if before != nil {
			op = "update"
			beforeSnap = snapshot(before, beforeLinks)
		}
		after := snapshot(props, linkSummaries(links))
		_, err = recordChanges(ctx, w, kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: op, Target: e.ID, Kind: string(e.Type), Version: version, Before: beforeSnap, After: after})
		return version, err
	})
}

// sameEntity reports whether an entity the graph holds, with the links it
// owns, is what props and links would write.
func sameEntity(have map[string]any, haveLinks []map[string]any, props map[string]any, links []kg.Link, origin string) bool {
	if !canonical(have).equal(canonical(props)) || len(haveLinks) != len(links) {
		return false
	}
	byID := map[string]facts{}
	for _, l := range haveLinks {
		byID[str(l["type"])+" "+str(l["id"])] = canonical(l)
	}
	for _, l := range links {
		want := linkProps(l, origin)
		want["type"], want["from"], want["to"] = string(l.Type), l.From, l.To
		if !byID[manifestLink(l.Type, l.ID)].equal(canonical(want)) {
			return false
		}
	}
	return true
}

// RetractEntity removes an entity whose version is still expectVersion,
// with its relationships; the audit trail keeps what was removed. A source
// that facts cite is not removed: the error names them. It returns the ID
// of the history record.
func (s *Store) RetractEntity(ctx context.Context, id string, expectVersion int, edit kg.Edit) (string, error) {
	return write(ctx, s, "retract_entity", edit, func(ctx context.Context, w *wtx) (string, error) {
		before, _, version, err := lockEntity(ctx, w, id, expectVersion)
		if err != nil {
			return "", asUnknown(err, false)
		}
		if before == nil {
			return "", kg.Errorf(kg.NotFound, "no entity with id %q", id)
		}
		if err := checkNoneHidden(ctx, w, id, false); err != nil {
			return "", err
		}
		if err := checkUncited(ctx, w, id); err != nil {
			return "", err
		}
		rels, err := allLinks(ctx, w, id)
		if err != nil {
			return "", err
		}
		// What other files added to it goes with it, into history too.
		added, err := collectProps(ctx, w, "UNWIND $ids AS id MATCH (a:Addition {target: id}) RETURN a.id AS id, properties(a) AS props", []string{id})
		if err != nil {
			return "", err
		}
		if err := w.touch(ctx, id); err != nil {
			return "", err
		}
		if err := w.touchLinks(ctx, rels...); err != nil {
			return "", err
		}
		if _, err := w.Run(ctx, "MATCH (n:Entity {id: $id}) DETACH DELETE n WITH count(*) AS done MATCH (a:Addition {target: $id}) DELETE a", map[string]any{"id": id}); err != nil {
			return "", err
		}
		t, _ := kg.TypeOfID(id)
		changes := []kg.Change{{Actor: edit.Actor, Reason: edit.Reason, Op: "retract", Target: id, Kind: string(t), Version: version, Before: snapshot(before, rels)}}
		for _, aid := range slices.Sorted(maps.Keys(added)) {
			changes = append(changes, kg.Change{Actor: edit.Actor, Reason: "its entity " + id + " was retracted", Op: "retract", Target: aid, Kind: "Addition", Before: jsonMap(added[aid])})
		}
		ids, err := recordChanges(ctx, w, changes...)
		if err != nil {
			return "", err
		}
		return ids[0], nil
	})
}

// checkCited refuses a fact citing a source the graph does not hold. The
// API checks its input before it writes, outside the write lock; a source
// retracted meanwhile is caught here, inside it.
func checkCited(ctx context.Context, tx neo4j.ManagedTransaction, cites []kg.Citation) error {
	seen := map[string]bool{}
	var ids []string
	for _, c := range cites {
		if !seen[c.Source] {
			seen[c.Source] = true
			ids = append(ids, c.Source)
		}
	}
	missing, err := missingSources(ctx, tx, ids)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return kg.Errorf(kg.Invalid, "cite: %s is not a source in the graph", strings.Join(missing, ", "))
	}
	return nil
}

// checkUncited refuses to remove a source that facts cite: they would
// lose the evidence they stand on.
func checkUncited(ctx context.Context, tx neo4j.ManagedTransaction, id string) error {
	if t, _ := kg.TypeOfID(id); t != kg.Source {
		return nil
	}
	cited, err := citing(ctx, tx, []string{id}, []string{id}, nil)
	if err != nil {
		return err
	}
	if by := cited[id]; len(by) > 0 {
		return kg.Errorf(kg.Conflict, "%s cannot be removed: facts cite it (%s); change their citations first", id, strings.Join(by, ", "))
	}
	return nil
}

// SaveRelation creates a relationship (create) or replaces one, and records
// the change. Creating one that exists with the very same content is
// answered as a success without writing, as SaveEntity does.
func (s *Store) SaveRelation(ctx context.Context, l kg.Link, create bool, edit kg.Edit) error {
	_, err := write(ctx, s, "save_relation", edit, func(ctx context.Context, w *wtx) (string, error) {
		before, origin, err := readRelation(ctx, w, l.Type, l.ID)
		if err != nil {
			return "", asUnknown(err, create)
		}
		if origin == "" {
			origin = apiOrigin
		}
		if err := checkCited(ctx, w, l.Citations); err != nil {
			return "", err
		}
		after := linkProps(l, origin)
		after["from"], after["to"] = l.From, l.To
		if err := kg.MayGiveVisibility(ctx, l.ID, strs(before[kg.GroupsProp]), strs(after[kg.GroupsProp]), before != nil); err != nil {
			return "", err
		}
		switch {
		case create && before != nil && canonical(before).equal(canonical(after)):
			w.discard = true
			return l.ID, nil
		case create && before != nil:
			return "", kg.Errorf(kg.Conflict, "relationship %s already exists with other content; update it instead", l.ID)
		case !create && before == nil:
			return "", kg.Errorf(kg.NotFound, "no relationship with id %q", l.ID)
		}
		was := linkMaps([]kg.Link{l})
		if before != nil {
			was = append(was, withType(before, l.Type))
		}
		if err := w.touchLinks(ctx, was...); err != nil {
			return "", err
		}
		if err := writeLinks(ctx, w, []kg.Link{l}, origin); err != nil {
			return "", err
		}
		op := "create"
		if before != nil {
			op = "update"
		}
		_, err = recordChanges(ctx, w, kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: op, Target: l.ID, Kind: string(l.Type), Before: jsonMap(before), After: jsonMap(after)})
		return l.ID, err
	})
	return err
}

// RetractRelation removes a relationship; the audit trail keeps it. It
// returns the ID of the history record.
func (s *Store) RetractRelation(ctx context.Context, t kg.RelType, id string, edit kg.Edit) (string, error) {
	return write(ctx, s, "retract_relation", edit, func(ctx context.Context, w *wtx) (string, error) {
		before, _, err := readRelation(ctx, w, t, id)
		if err != nil {
			return "", asUnknown(err, false)
		}
		if before == nil {
			return "", kg.Errorf(kg.NotFound, "no relationship with id %q", id)
		}
		if err := w.touchLinks(ctx, withType(before, t)); err != nil {
			return "", err
		}
		if _, err := w.Run(ctx, "MATCH ()-[r:"+string(t)+" {id: $id}]->() DELETE r", map[string]any{"id": id}); err != nil {
			return "", err
		}
		ids, err := recordChanges(ctx, w, kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: "retract", Target: id, Kind: string(t), Before: jsonMap(before)})
		return ids[0], err
	})
}

// History lists the recorded changes of an entity or relationship, oldest
// first.
func (s *Store) History(ctx context.Context, id string) ([]kg.Change, error) {
	res, err := s.readQuery(ctx, `
		MATCH (c:Change {target: $id}) WHERE `+seenNeeds("c")+`
		RETURN `+changeColumns+`
		ORDER BY c.at, c.seq`, map[string]any{"id": id})
	if err != nil {
		return nil, translate(err, "reading the history failed")
	}
	return changesOf(res.Records, "reading the history failed")
}

// changeColumns are what changesOf reads of a (:Change) c.
var changeColumns = `c.id AS id, c.at AS at, c.actor AS actor, c.op AS op, c.target AS target, c.kind AS kind,
		       coalesce(c.reason, '') AS reason, coalesce(c.version, 0) AS version, coalesce(c.feed, 0) AS feed,
		       c.before AS before,
		       CASE WHEN c.fullAfter IS NOT NULL AND ` + seenEach("c.fullNeeds") + ` THEN c.fullAfter ELSE c.after END AS after`

// changesOf maps records of changeColumns to changes.
func changesOf(recs []*neo4j.Record, failed string) ([]kg.Change, error) {
	out := make([]kg.Change, 0, len(recs))
	what := strings.TrimSuffix(failed, " failed")
	for _, rec := range recs {
		var c kg.Change
		var err error
		if c.At, err = col[time.Time](rec, what, "at"); err != nil {
			return nil, err
		}
		r := rowOf(rec, what)
		c.ID, c.Actor, c.Op, c.Target, c.Kind = r.str("id"), r.optStr("actor"), r.str("op"), r.str("target"), r.optStr("kind")
		c.Reason, c.Version, c.Feed = r.str("reason"), r.num("version"), int64(r.num("feed"))
		for key, dst := range map[string]*map[string]any{"before": &c.Before, "after": &c.After} {
			if raw := r.optStr(key); raw != "" {
				if err := json.Unmarshal([]byte(raw), dst); err != nil {
					return nil, translate(err, failed)
				}
			}
		}
		if err := r.err(); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// lockEntity takes the entity's write lock by bumping its version, then
// checks the version the editor started from: two editors who started from
// the same version cannot both win, because the second bump sees the first.
func lockEntity(ctx context.Context, tx neo4j.ManagedTransaction, id string, expect int) (before map[string]any, origin string, version int, err error) {
	rec, version, err := lockVersion(ctx, tx, "entity", `
		MATCH (n:Entity {id: $id})
		WITH n, properties(n) AS before, `+seen("n")+` AS visible
		SET n.version = coalesce(n.version, 0) + 1
		RETURN before, n.version AS version, visible`, id, expect)
	if rec == nil || err != nil {
		return nil, "", version, err
	}
	if before, err = col[map[string]any](rec, "locking an entity", "before"); err != nil {
		return nil, "", version, err
	}
	origin, _ = before["origin"].(string)
	return before, origin, version, nil
}

// lockVersion runs query, which raises the version of what has ID id and
// returns it as version and whether it is in the writer's sight as
// visible (a kind of thing out of sight is a hiddenFact), and checks that it was expect (0: anything)
// before: so two writes that read the same version cannot both land. It
// returns the query's record, or none and version 1 when nothing has
// that ID.
func lockVersion(ctx context.Context, tx neo4j.ManagedTransaction, kind, query, id string, expect int) (*neo4j.Record, int, error) {
	res, err := tx.Run(ctx, query, map[string]any{"id": id})
	if err != nil {
		return nil, 0, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, 0, err
	}
	if len(recs) == 0 {
		return nil, 1, nil
	}
	if visible, err := col[bool](recs[0], "raising a version", "visible"); err != nil {
		return nil, 0, err
	} else if !visible {
		return nil, 0, hiddenFact{kind, id}
	}
	v, err := col[int64](recs[0], "raising a version", "version")
	if err != nil {
		return nil, 0, err
	}
	if expect != 0 && int(v) != expect+1 {
		return nil, 0, kg.Errorf(kg.Conflict, "%s is at version %d, not %d: someone changed it since you read it; read it again and reapply your change", id, v-1, expect)
	}
	return recs[0], int(v), nil
}

func ownedLinks(ctx context.Context, tx neo4j.ManagedTransaction, id string) ([]map[string]any, error) {
	return linkQuery(ctx, tx, "MATCH (n:Entity {id: $id})-[r]-() WHERE r.owner = $id", id)
}

func allLinks(ctx context.Context, tx neo4j.ManagedTransaction, id string) ([]map[string]any, error) {
	return linkQuery(ctx, tx, "MATCH (n:Entity {id: $id})-[r]-()", id)
}

func linkQuery(ctx context.Context, tx neo4j.ManagedTransaction, match, id string) ([]map[string]any, error) {
	res, err := tx.Run(ctx, match+" RETURN r{.*, type: type(r), from: startNode(r).id, to: endNode(r).id} AS r ORDER BY r.id", map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		if out[i], err = col[map[string]any](r, "reading relationships", "r"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func readRelation(ctx context.Context, tx neo4j.ManagedTransaction, t kg.RelType, id string) (map[string]any, string, error) {
	res, err := tx.Run(ctx, "MATCH (a)-[r:"+string(t)+" {id: $id}]->(b) RETURN r{.*, from: a.id, to: b.id} AS r, "+seenAll("r", "a", "b")+" AS visible", map[string]any{"id": id})
	if err != nil {
		return nil, "", err
	}
	recs, err := res.Collect(ctx)
	if err != nil || len(recs) == 0 {
		return nil, "", err
	}
	if visible, err := col[bool](recs[0], "reading a relationship", "visible"); err != nil {
		return nil, "", err
	} else if !visible {
		return nil, "", hiddenFact{"relationship", id}
	}
	r, err := col[map[string]any](recs[0], "reading a relationship", "r")
	if err != nil {
		return nil, "", err
	}
	origin, _ := r["origin"].(string)
	return r, origin, nil
}

// writeLinks merges relationships by ID as the importer does.
func writeLinks(ctx context.Context, tx neo4j.ManagedTransaction, links []kg.Link, origin string) error {
	for _, l := range links {
		q := `MATCH (x)-[old:` + string(l.Type) + ` {id: $id}]->(y) WHERE x.id <> $from OR y.id <> $to DELETE old`
		if _, err := tx.Run(ctx, q, map[string]any{"id": l.ID, "from": l.From, "to": l.To}); err != nil {
			return err
		}
		res, err := tx.Run(ctx, `
			MATCH (a:Entity {id: $from}) MATCH (b:Entity {id: $to})
			MERGE (a)-[r:`+string(l.Type)+` {id: $id}]->(b)
			SET r = $props
			RETURN count(r) AS n`, map[string]any{"id": l.ID, "from": l.From, "to": l.To, "props": linkProps(l, origin)})
		if err != nil {
			return err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return err
		}
		if n, err := col[int64](rec, "writing relationships", "n"); err != nil {
			return err
		} else if n == 0 {
			return kg.Errorf(kg.Invalid, "relationship %s: %s or %s does not exist", l.ID, l.From, l.To)
		}
	}
	return nil
}

func linkSummaries(links []kg.Link) []map[string]any {
	out := make([]map[string]any, len(links))
	for i, l := range links {
		out[i] = map[string]any{"id": l.ID, "type": string(l.Type), "from": l.From, "to": l.To}
	}
	return out
}

// snapshot is what the audit trail keeps of an entity: its stated
// properties and its relationships.
func snapshot(props map[string]any, links []map[string]any) map[string]any {
	out := make(map[string]any, len(props)+1)
	for k, v := range props {
		if !derived[k] || k == "version" {
			out[k] = jsonable(v)
		}
	}
	rels := make([]any, len(links))
	for i, l := range links {
		m := map[string]any{}
		for k, v := range l {
			m[k] = jsonable(v)
		}
		rels[i] = m
	}
	out["relationships"] = rels
	return out
}

// jsonable turns Neo4j values into what JSON can hold: dates as ISO text.
func jsonable(v any) any {
	switch x := v.(type) {
	case neo4j.Date:
		return x.Time().Format(time.DateOnly)
	case fmt.Stringer:
		return x.String()
	}
	return v
}

// recordChanges writes history records, in one statement, and returns
// their IDs.
func recordChanges(ctx context.Context, tx neo4j.ManagedTransaction, changes ...kg.Change) ([]string, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	ids := make([]string, len(changes))
	rows := make([]map[string]any, len(changes))
	for i, c := range changes {
		// The API answers an op as an enum value: one it does not know
		// would be an answer no client can read.
		if !slices.Contains(kg.ChangeOps, c.Op) {
			return nil, kg.Errorf(kg.Internal, "history has no op %q", c.Op)
		}
		raw := make([]byte, 12)
		if _, err := rand.Read(raw); err != nil {
			return nil, err
		}
		ids[i] = "change/" + hex.EncodeToString(raw)
		own, ends := changeFacts(c)
		row := map[string]any{
			"id": ids[i], "actor": c.Actor, "op": c.Op, "target": c.Target,
			"kind": c.Kind, "reason": c.Reason, "version": int64(c.Version), "before": nil, "after": nil,
			"needs": own, "ends": ends, "fullAfter": nil, "fullNeeds": strs(c.FullAfter["restricted"]),
		}
		for key, snap := range map[string]map[string]any{"before": c.Before, "after": c.After, "fullAfter": c.FullAfter} {
			if snap == nil {
				continue
			}
			b, err := json.Marshal(snap)
			if err != nil {
				return nil, err
			}
			row[key] = string(b)
		}
		rows[i] = row
	}
	// feed numbers the changes in commit order: writes hold the graph's
	// write lock (writeLockQuery), so the counter is raised by one
	// transaction at a time, and a number is visible only after every
	// lower one is (see ChangesAfter).
	_, err := tx.Run(ctx, `
		MERGE (g:GraphState {id: 'graph'})
		SET g.changes = coalesce(g.changes, 0) + size($rows)
		WITH g.changes - size($rows) AS base
		UNWIND range(0, size($rows) - 1) AS i
		WITH base + i + 1 AS feed, $rows[i] AS row
		WITH feed, row, row.needs + COLLECT {
		  UNWIND row.ends AS end MATCH (x:Entity {id: end}) WHERE x.groups IS NOT NULL
		  RETURN reduce(j = head(x.groups), g IN tail(x.groups) | j + ',' + g)
		} AS needs
		CREATE (c:Change {id: row.id, at: datetime(), actor: row.actor, op: row.op, target: row.target, kind: row.kind,
		                  reason: row.reason, version: row.version, before: row.before, after: row.after, feed: feed,
		                  seq: COUNT { MATCH (p:Change {target: row.target}) },
		                  needs: CASE WHEN size(needs) = 0 THEN null ELSE needs END,
		                  fullAfter: row.fullAfter, fullNeeds: row.fullNeeds})`, map[string]any{"rows": rows})
	return ids, err
}

// hiddenFact is the error of a write that finds its fact out of the
// writer's sight; asUnknown turns it into what the writer is told.
type hiddenFact struct{ kind, id string }

func (h hiddenFact) Error() string { return h.kind + " " + h.id + " is out of sight" }

// asUnknown answers a write to a fact out of the writer's sight as one to
// an unknown ID, as reads do; except a create, which cannot take the ID:
// writing over the fact would destroy it, so the writer learns only that
// the ID is taken (docs/access.md).
func asUnknown(err error, create bool) error {
	h, ok := err.(hiddenFact)
	switch {
	case !ok:
		return err
	case create:
		return kg.Errorf(kg.Conflict, "the ID %s is taken; choose another", h.id)
	}
	return kg.Errorf(kg.NotFound, "no %s with id %q", h.kind, h.id)
}

// checkNoneHidden refuses a change to entity id that would change or
// remove a relationship out of the writer's sight: its own field links
// (owned), or every relationship, which a retraction removes.
func checkNoneHidden(ctx context.Context, tx neo4j.ManagedTransaction, id string, owned bool) error {
	res, err := tx.Run(ctx, `MATCH (n:Entity {id: $id})-[r]-(m) WHERE (NOT $owned OR r.owner = $id) AND NOT (`+seenAll("r", "m")+`)
		RETURN count(r) AS hidden`, map[string]any{"id": id, "owned": owned})
	if err != nil {
		return err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return err
	}
	if n, err := col[int64](rec, "checking what a change reaches", "hidden"); err != nil {
		return err
	} else if n > 0 {
		return kg.Errorf(kg.Forbidden, "%s has relationships restricted to groups this token is not in; an admin may change it", id)
	}
	return nil
}

// changeFacts finds what a change's record is as visible as: the groups
// of each restricted state of the fact it records (before and after, each
// joined by commas), and the entities that state names, its ends and
// those of its relationships, whose groups recordChanges reads. A reader
// sees the record only if they see all of them: a record of a
// relationship names both its ends, and a snapshot its links' ends.
func changeFacts(c kg.Change) (own, ends []string) {
	own, ends = []string{}, []string{}
	if _, ok := kg.TypeOfID(c.Target); ok {
		ends = append(ends, c.Target) // as it is now: a source's new text
	}
	for _, snap := range []map[string]any{c.Before, c.After} {
		if g := strs(snap["groups"]); len(g) > 0 {
			own = append(own, strings.Join(g, ","))
		}
		own = append(own, strs(snap["restricted"])...) // a case file's import: its restricted facts'
		switch c.Kind {
		case investigationKind:
			ends = append(ends, strs(snap["entities"])...)
		case judgementKind:
			for _, k := range []string{"a", "b"} {
				if id, ok := snap[k].(string); ok {
					ends = append(ends, id)
				}
			}
		}
		for _, k := range []string{"from", "to"} {
			if id, ok := snap[k].(string); ok && id != "" {
				ends = append(ends, id)
			}
		}
		rels, _ := snap["relationships"].([]any)
		for _, r := range rels {
			l, _ := r.(map[string]any)
			if g := strs(l["groups"]); len(g) > 0 {
				own = append(own, strings.Join(g, ","))
			}
			for _, k := range []string{"from", "to"} {
				if id, ok := l[k].(string); ok && id != "" && id != c.Target {
					ends = append(ends, id)
				}
			}
		}
	}
	slices.Sort(own)
	slices.Sort(ends)
	return slices.Compact(own), slices.Compact(ends)
}

// ReadEntity returns one entity as a case file states it: the entity and
// the field links it owns, so an edit can start from what is there.
func (s *Store) ReadEntity(ctx context.Context, id string) (kg.Batch, error) {
	res, err := s.readQuery(ctx, `
		MATCH (n:Entity {id: $id}) WHERE `+seen("n")+`
		RETURN labels(n) AS labels, properties(n) AS props,
		       COLLECT { MATCH (n)-[r]-(m) WHERE r.owner = $id AND `+seenAll("r", "m")+`
		                 RETURN {type: type(r), from: startNode(r).id, to: endNode(r).id, props: properties(r)} } AS links`,
		map[string]any{"id": id})
	if err != nil {
		return kg.Batch{}, translate(err, "reading the entity failed")
	}
	if len(res.Records) == 0 {
		return kg.Batch{}, kg.Errorf(kg.NotFound, "no entity with id %q", id)
	}
	r := rowOf(res.Records[0], "reading an entity")
	t, ok := entityType(r.strs("labels"))
	props := r.props("props")
	links := r.rows("links")
	if err := r.err(); err != nil {
		return kg.Batch{}, err
	}
	if !ok {
		return kg.Batch{}, kg.Errorf(kg.Internal, "entity %s has no type", id)
	}
	origin, _ := props["origin"].(string)
	e := kg.Entity{ID: id, Type: t}
	if e.Props, e.Citations, err = unflatten(props, "id", "origin"); err != nil {
		return kg.Batch{}, translate(err, "reading the entity failed")
	}
	b := kg.Batch{Origin: origin, Entities: []kg.Entity{e}}
	for _, m := range links {
		lp := m.props("props")
		l := kg.Link{Type: kg.RelType(m.str("type")), From: m.str("from"), To: m.str("to"), Owner: id}
		if err := r.err(); err != nil {
			return kg.Batch{}, err
		}
		l.ID, _ = lp["id"].(string)
		l.Field, _ = lp["field"].(string)
		if l.Props, l.Citations, err = unflatten(lp, "id", "origin", "field"); err != nil {
			return kg.Batch{}, translate(err, "reading the entity failed")
		}
		b.Links = append(b.Links, l)
	}
	return b, nil
}

// linkMaps gives links as touchLinks takes them.
func linkMaps(links []kg.Link) []map[string]any {
	out := make([]map[string]any, len(links))
	for i, l := range links {
		out[i] = map[string]any{"type": string(l.Type), "from": l.From, "to": l.To}
	}
	return out
}

// withType is a relationship read without its type (readRelation), with it.
func withType(r map[string]any, t kg.RelType) map[string]any {
	return map[string]any{"type": string(t), "from": r["from"], "to": r["to"]}
}
