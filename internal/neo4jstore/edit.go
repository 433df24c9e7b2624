package neo4jstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
// the change. It returns the new version.
func (s *Store) SaveEntity(ctx context.Context, e kg.Entity, links []kg.Link, expectVersion int, edit kg.Edit) (int, error) {
	v, err := s.write1(ctx, func(ctx context.Context, tx neo4j.ManagedTransaction) (any, error) {
		before, origin, version, err := lockEntity(ctx, tx, e.ID, expectVersion)
		if err != nil {
			return nil, err
		}
		if expectVersion == 0 && before != nil {
			return nil, kg.Errorf(kg.Conflict, "%s already exists; update it with its version instead", e.ID)
		}
		if expectVersion > 0 && before == nil {
			return nil, kg.Errorf(kg.NotFound, "no entity with id %q", e.ID)
		}
		if origin == "" {
			origin = apiOrigin
		}
		beforeLinks, err := ownedLinks(ctx, tx, e.ID)
		if err != nil {
			return nil, err
		}
		props := nodeProps(e, origin)
		props["version"] = int64(version)
		if _, err := tx.Run(ctx, "MERGE (n:Entity {id: $id}) SET n = $props, n:"+string(e.Type), map[string]any{"id": e.ID, "props": props}); err != nil {
			return nil, err
		}
		if _, err := tx.Run(ctx, "MATCH (n:Entity {id: $id})-[r]-() WHERE r.owner = $id DELETE r", map[string]any{"id": e.ID}); err != nil {
			return nil, err
		}
		if err := writeLinks(ctx, tx, links, origin); err != nil {
			return nil, err
		}
		op := "create"
		var beforeSnap map[string]any
		if before != nil {
			op = "update"
			beforeSnap = snapshot(before, beforeLinks)
		}
		after := snapshot(props, linkSummaries(links))
		return version, recordChange(ctx, tx, kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: op, Target: e.ID, Kind: string(e.Type), Version: version, Before: beforeSnap, After: after})
	})
	if err != nil {
		return 0, err
	}
	return v.(int), nil
}

// RetractEntity removes an entity whose version is still expectVersion,
// with its relationships; the audit trail keeps what was removed.
func (s *Store) RetractEntity(ctx context.Context, id string, expectVersion int, edit kg.Edit) error {
	_, err := s.write1(ctx, func(ctx context.Context, tx neo4j.ManagedTransaction) (any, error) {
		before, _, version, err := lockEntity(ctx, tx, id, expectVersion)
		if err != nil {
			return nil, err
		}
		if before == nil {
			return nil, kg.Errorf(kg.NotFound, "no entity with id %q", id)
		}
		rels, err := allLinks(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Run(ctx, "MATCH (n:Entity {id: $id}) DETACH DELETE n", map[string]any{"id": id}); err != nil {
			return nil, err
		}
		t, _ := kg.TypeOfID(id)
		return nil, recordChange(ctx, tx, kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: "retract", Target: id, Kind: string(t), Version: version, Before: snapshot(before, rels)})
	})
	return err
}

// SaveRelation creates a relationship (create) or replaces one, and records
// the change.
func (s *Store) SaveRelation(ctx context.Context, l kg.Link, create bool, edit kg.Edit) error {
	_, err := s.write1(ctx, func(ctx context.Context, tx neo4j.ManagedTransaction) (any, error) {
		before, origin, err := readRelation(ctx, tx, l.Type, l.ID)
		if err != nil {
			return nil, err
		}
		switch {
		case create && before != nil:
			return nil, kg.Errorf(kg.Conflict, "relationship %s already exists", l.ID)
		case !create && before == nil:
			return nil, kg.Errorf(kg.NotFound, "no relationship with id %q", l.ID)
		}
		if origin == "" {
			origin = apiOrigin
		}
		if err := writeLinks(ctx, tx, []kg.Link{l}, origin); err != nil {
			return nil, err
		}
		op := "create"
		if before != nil {
			op = "update"
		}
		after := linkProps(l, origin)
		after["from"], after["to"] = l.From, l.To
		return nil, recordChange(ctx, tx, kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: op, Target: l.ID, Kind: string(l.Type), Before: before, After: after})
	})
	return err
}

// RetractRelation removes a relationship; the audit trail keeps it.
func (s *Store) RetractRelation(ctx context.Context, t kg.RelType, id string, edit kg.Edit) error {
	_, err := s.write1(ctx, func(ctx context.Context, tx neo4j.ManagedTransaction) (any, error) {
		before, _, err := readRelation(ctx, tx, t, id)
		if err != nil {
			return nil, err
		}
		if before == nil {
			return nil, kg.Errorf(kg.NotFound, "no relationship with id %q", id)
		}
		if _, err := tx.Run(ctx, "MATCH ()-[r:"+string(t)+" {id: $id}]->() DELETE r", map[string]any{"id": id}); err != nil {
			return nil, err
		}
		return nil, recordChange(ctx, tx, kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: "retract", Target: id, Kind: string(t), Before: before})
	})
	return err
}

// History lists the recorded changes of an entity or relationship, oldest
// first.
func (s *Store) History(ctx context.Context, id string) ([]kg.Change, error) {
	res, err := s.readQuery(ctx, `
		MATCH (c:Change {target: $id})
		RETURN c.id AS id, c.at AS at, c.actor AS actor, c.op AS op, c.kind AS kind, coalesce(c.reason, '') AS reason,
		       coalesce(c.version, 0) AS version, c.before AS before, c.after AS after
		ORDER BY c.at, c.seq`, map[string]any{"id": id})
	if err != nil {
		return nil, translate(err, "reading the history failed")
	}
	out := make([]kg.Change, 0, len(res.Records))
	for _, r := range res.Records {
		c := kg.Change{Target: id}
		c.ID, _, _ = neo4j.GetRecordValue[string](r, "id")
		c.At, _, _ = neo4j.GetRecordValue[time.Time](r, "at")
		c.Actor, _, _ = neo4j.GetRecordValue[string](r, "actor")
		c.Op, _, _ = neo4j.GetRecordValue[string](r, "op")
		c.Kind, _, _ = neo4j.GetRecordValue[string](r, "kind")
		c.Reason, _, _ = neo4j.GetRecordValue[string](r, "reason")
		v, _, _ := neo4j.GetRecordValue[int64](r, "version")
		c.Version = int(v)
		for key, dst := range map[string]*map[string]any{"before": &c.Before, "after": &c.After} {
			if raw, ok := r.AsMap()[key].(string); ok {
				if err := json.Unmarshal([]byte(raw), dst); err != nil {
					return nil, translate(err, "reading the history failed")
				}
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// write1 runs one unit of work in a write transaction and translates its
// errors; domain errors (conflicts) roll back without retries.
func (s *Store) write1(ctx context.Context, work func(context.Context, neo4j.ManagedTransaction) (any, error)) (any, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	kg.CountRoundTrip(ctx)
	out, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		out, err := work(ctx, tx)
		if err != nil {
			return nil, err
		}
		return out, bumpVersion(ctx, tx)
	})
	if err != nil {
		return nil, translate(err, "the change could not be saved")
	}
	return out, nil
}

// lockEntity takes the entity's write lock by bumping its version, then
// checks the version the editor started from: two editors who started from
// the same version cannot both win, because the second bump sees the first.
func lockEntity(ctx context.Context, tx neo4j.ManagedTransaction, id string, expect int) (before map[string]any, origin string, version int, err error) {
	res, err := tx.Run(ctx, `
		MATCH (n:Entity {id: $id})
		WITH n, properties(n) AS before
		SET n.version = coalesce(n.version, 0) + 1
		RETURN before, n.version AS version`, map[string]any{"id": id})
	if err != nil {
		return nil, "", 0, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, "", 0, err
	}
	if len(recs) == 0 {
		return nil, "", 1, nil
	}
	before, _, _ = neo4j.GetRecordValue[map[string]any](recs[0], "before")
	v, _, _ := neo4j.GetRecordValue[int64](recs[0], "version")
	if expect != 0 && int(v) != expect+1 {
		return nil, "", 0, kg.Errorf(kg.Conflict, "%s is at version %d, not %d: someone changed it since you read it; read it again and reapply your change", id, v-1, expect)
	}
	origin, _ = before["origin"].(string)
	return before, origin, int(v), nil
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
		out[i], _, _ = neo4j.GetRecordValue[map[string]any](r, "r")
	}
	return out, nil
}

func readRelation(ctx context.Context, tx neo4j.ManagedTransaction, t kg.RelType, id string) (map[string]any, string, error) {
	res, err := tx.Run(ctx, "MATCH (a)-[r:"+string(t)+" {id: $id}]->(b) RETURN r{.*, from: a.id, to: b.id} AS r", map[string]any{"id": id})
	if err != nil {
		return nil, "", err
	}
	recs, err := res.Collect(ctx)
	if err != nil || len(recs) == 0 {
		return nil, "", err
	}
	r, _, _ := neo4j.GetRecordValue[map[string]any](recs[0], "r")
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
		if n, _ := rec.Get("n"); n == int64(0) {
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

func recordChange(ctx context.Context, tx neo4j.ManagedTransaction, c kg.Change) error {
	id := make([]byte, 12)
	if _, err := rand.Read(id); err != nil {
		return err
	}
	params := map[string]any{
		"id": "change/" + hex.EncodeToString(id), "actor": c.Actor, "op": c.Op, "target": c.Target,
		"kind": c.Kind, "reason": c.Reason, "version": int64(c.Version), "before": nil, "after": nil,
	}
	for key, snap := range map[string]map[string]any{"before": c.Before, "after": c.After} {
		if snap == nil {
			continue
		}
		b, err := json.Marshal(snap)
		if err != nil {
			return err
		}
		params[key] = string(b)
	}
	_, err := tx.Run(ctx, `
		CREATE (c:Change {id: $id, at: datetime(), actor: $actor, op: $op, target: $target, kind: $kind,
		                  reason: $reason, version: $version, before: $before, after: $after,
		                  seq: COUNT { MATCH (p:Change {target: $target}) }})`, params)
	return err
}

// ReadEntity returns one entity as a case file states it: the entity and
// the field links it owns, so an edit can start from what is there.
func (s *Store) ReadEntity(ctx context.Context, id string) (kg.Batch, error) {
	res, err := s.readQuery(ctx, `
		MATCH (n:Entity {id: $id})
		RETURN labels(n) AS labels, properties(n) AS props,
		       COLLECT { MATCH (n)-[r]-() WHERE r.owner = $id
		                 RETURN {type: type(r), from: startNode(r).id, to: endNode(r).id, props: properties(r)} } AS links`,
		map[string]any{"id": id})
	if err != nil {
		return kg.Batch{}, translate(err, "reading the entity failed")
	}
	if len(res.Records) == 0 {
		return kg.Batch{}, kg.Errorf(kg.NotFound, "no entity with id %q", id)
	}
	rec := res.Records[0]
	t, ok := entityType(stringList(rec, "labels"))
	if !ok {
		return kg.Batch{}, kg.Errorf(kg.Internal, "entity %s has no type", id)
	}
	props, _, _ := neo4j.GetRecordValue[map[string]any](rec, "props")
	origin, _ := props["origin"].(string)
	e := kg.Entity{ID: id, Type: t}
	if e.Props, e.Citations, err = unflatten(props, "id", "origin"); err != nil {
		return kg.Batch{}, translate(err, "reading the entity failed")
	}
	b := kg.Batch{Origin: origin, Entities: []kg.Entity{e}}
	raw, _, _ := neo4j.GetRecordValue[[]any](rec, "links")
	for _, x := range raw {
		m, _ := x.(map[string]any)
		lp, _ := m["props"].(map[string]any)
		l := kg.Link{Type: kg.RelType(fmt.Sprint(m["type"])), From: fmt.Sprint(m["from"]), To: fmt.Sprint(m["to"]), Owner: id}
		l.ID, _ = lp["id"].(string)
		l.Field, _ = lp["field"].(string)
		if l.Props, l.Citations, err = unflatten(lp, "id", "origin", "field"); err != nil {
			return kg.Batch{}, translate(err, "reading the entity failed")
		}
		b.Links = append(b.Links, l)
	}
	return b, nil
}

// PlanImport is Plan with each change as one line of text.
func (s *Store) PlanImport(ctx context.Context, b kg.Batch) ([]string, int, error) {
	changes, unchanged, err := s.Plan(ctx, b)
	if err != nil {
		return nil, 0, err
	}
	lines := make([]string, len(changes))
	for i, c := range changes {
		lines[i] = c.Op + " " + c.Kind + " " + c.ID
		if len(c.Fields) > 0 {
			lines[i] += ": " + strings.Join(c.Fields, ", ")
		}
	}
	return lines, unchanged, nil
}

// ImportAs imports one batch on behalf of an editor, recording the import
// in the audit trail under the case file's name, in the same transaction.
func (s *Store) ImportAs(ctx context.Context, b kg.Batch, edit kg.Edit) error {
	_, err := s.write1(ctx, func(ctx context.Context, tx neo4j.ManagedTransaction) (any, error) {
		var res ImportResult
		if err := importBatch(ctx, tx, b, &res); err != nil {
			return nil, err
		}
		after := map[string]any{
			"nodesCreated": res.NodesCreated, "nodesDeleted": res.NodesDeleted,
			"relationshipsCreated": res.RelationshipsCreated, "relationshipsDeleted": res.RelationshipsDeleted,
			"entities": len(b.Entities), "relations": len(b.Links), "hash": b.Hash,
		}
		return nil, recordChange(ctx, tx, kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: "import", Target: "casefile/" + b.Origin, Kind: "CaseFile", After: after})
	})
	return err
}
