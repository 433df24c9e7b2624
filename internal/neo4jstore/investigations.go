package neo4jstore

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// Saved investigations are (:Investigation) nodes, apart from the graph's
// (:Entity) nodes so that no read of facts, export or count sees them.
// A reader sees an investigation without the entities out of its sight
// (kg.InvestigationContent.Without), and a writer's save keeps what it
// cannot see (Keeping).
// Their content is kept as one JSON text (content): it is read and written
// whole, never queried inside. Writes run through write like every other,
// with history records of kind Investigation.

const investigationKind = "Investigation"

// investigationColumns are what investigationOf reads of an (:Investigation) i.
// hidden lists the entities it names that the reader may not see, or is
// null for one saved before it kept their IDs apart (inSight reads them).
var investigationColumns = `i.id AS id, i.content AS content, i.createdBy AS createdBy,
	i.updatedBy AS updatedBy, i.updatedAt AS updatedAt, i.version AS version,
	[e IN i.entities WHERE EXISTS { MATCH (x:Entity {id: e}) WHERE NOT ` + seen("x") + ` }] AS hidden`

// SaveInvestigation creates an investigation (expectVersion 0) or replaces
// the content of one whose version is still expectVersion, and records the
// change. Every entity it names must be in the graph. It returns the new
// version.
func (s *Store) SaveInvestigation(ctx context.Context, id string, c kg.InvestigationContent, expectVersion int, edit kg.Edit) (int, error) {
	return write(ctx, s, "save_investigation", edit, func(ctx context.Context, w *wtx) (int, error) {
		w.noFacts()
		before, version, err := lockInvestigation(ctx, w, id, expectVersion)
		if err != nil {
			return 0, err
		}
		switch {
		case expectVersion == 0 && before != nil:
			return 0, kg.Errorf(kg.Conflict, "%s exists already (version %d): save it with its version to change it, or choose another id", id, version-1)
		case expectVersion > 0 && before == nil:
			return 0, kg.Errorf(kg.NotFound, "no investigation with id %q", id)
		}
		if err := checkEntitiesExist(ctx, w, c.Entities); err != nil {
			return 0, err
		}
		if before != nil {
			var was kg.InvestigationContent
			raw, err := json.Marshal(before)
			if err == nil {
				err = json.Unmarshal(raw, &was)
			}
			if err != nil {
				return 0, kg.Wrap(kg.Internal, err, "investigation "+id+" cannot be read")
			}
			hidden, err := hiddenEntities(ctx, w, was.Entities)
			if err != nil {
				return 0, err
			}
			c = c.Keeping(was, hidden)
		}
		content, err := json.Marshal(c)
		if err != nil {
			return 0, kg.Wrap(kg.Invalid, err, "the investigation cannot be stored")
		}
		if _, err := w.Run(ctx, `
			MERGE (i:Investigation {id: $id})
			ON CREATE SET i.createdBy = $actor
			SET i.name = $name, i.content = $content, i.entities = $entities, i.updatedBy = $actor, i.updatedAt = datetime(), i.version = $version`,
			map[string]any{"id": id, "actor": edit.Actor, "name": c.Name, "content": string(content), "entities": c.Entities, "version": int64(version)}); err != nil {
			return 0, err
		}
		op, after := "create", contentMap(string(content))
		if before != nil {
			op = "update"
		}
		_, err = recordChanges(ctx, w, kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: op, Target: id,
			Kind: investigationKind, Version: version, Before: before, After: after})
		return version, err
	})
}

// DeleteInvestigation removes an investigation whose version is still
// expectVersion; history keeps its content. Only its creator may delete
// it, unless mayDeleteOthers. It returns the ID of the history record.
func (s *Store) DeleteInvestigation(ctx context.Context, id string, expectVersion int, mayDeleteOthers bool, edit kg.Edit) (string, error) {
	return write(ctx, s, "delete_investigation", edit, func(ctx context.Context, w *wtx) (string, error) {
		w.noFacts()
		before, version, err := lockInvestigation(ctx, w, id, expectVersion)
		if err != nil {
			return "", err
		}
		if before == nil {
			return "", kg.Errorf(kg.NotFound, "no investigation with id %q", id)
		}
		res, err := w.Run(ctx, `
			MATCH (i:Investigation {id: $id})
			WITH i, i.createdBy AS createdBy
			CALL (i, createdBy) { WITH i WHERE createdBy = $actor OR $mayDeleteOthers DELETE i }
			RETURN createdBy`, map[string]any{"id": id, "actor": edit.Actor, "mayDeleteOthers": mayDeleteOthers})
		if err != nil {
			return "", err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return "", err
		}
		createdBy, err := col[string](rec, "deleting an investigation", "createdBy")
		if err != nil {
			return "", err
		}
		if createdBy != edit.Actor && !mayDeleteOthers {
			return "", kg.Errorf(kg.Forbidden, "%s was created by %s: deleting another's investigation needs the admin role", id, createdBy)
		}
		ids, err := recordChanges(ctx, w, kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: "retract", Target: id,
			Kind: investigationKind, Version: version, Before: before})
		if err != nil {
			return "", err
		}
		return ids[0], nil
	})
}

// lockInvestigation takes the investigation's write lock by raising its
// version, as lockEntity does an entity's, and checks the version the
// editor started from. before is the stored content, nil when there is
// no such investigation; version is the one the write gives it.
func lockInvestigation(ctx context.Context, tx neo4j.ManagedTransaction, id string, expect int) (before map[string]any, version int, err error) {
	rec, version, err := lockVersion(ctx, tx, "investigation", `
		MATCH (i:Investigation {id: $id})
		SET i.version = i.version + 1
		RETURN i.content AS content, i.version AS version, true AS visible`, id, expect)
	if rec == nil || err != nil {
		return nil, version, err
	}
	content, err := col[string](rec, "locking an investigation", "content")
	if err != nil {
		return nil, version, err
	}
	return contentMap(content), version, nil
}

// checkEntitiesExist refuses IDs the graph holds no entity for, naming
// them: a view of entities that are not there is a mistake, not a view.
func checkEntitiesExist(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	res, err := tx.Run(ctx, `
		UNWIND $ids AS id
		WITH id WHERE NOT EXISTS { MATCH (e:Entity {id: id}) WHERE `+seen("e")+` }
		RETURN collect(id) AS missing`, map[string]any{"ids": ids})
	if err != nil {
		return err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return err
	}
	names, err := listOf[string](rec, "checking that entities exist", "missing")
	if err != nil || len(names) == 0 {
		return err
	}
	more := ""
	if len(names) > 20 {
		more = " and " + strconv.Itoa(len(names)-20) + " more"
		names = names[:20]
	}
	return kg.Errorf(kg.Invalid, "input.entities: the graph holds no entity %s%s", strings.Join(names, ", "), more)
}

// Investigation returns one investigation; ok is false when there is none.
func (s *Store) Investigation(ctx context.Context, id string) (inv kg.Investigation, ok bool, err error) {
	res, err := s.readQuery(ctx, `MATCH (i:Investigation {id: $id}) RETURN `+investigationColumns, map[string]any{"id": id})
	if err != nil {
		return kg.Investigation{}, false, translate(err, "reading the investigation failed")
	}
	if len(res.Records) == 0 {
		return kg.Investigation{}, false, nil
	}
	inv, hidden, err := investigationOf(res.Records[0])
	if err != nil {
		return kg.Investigation{}, false, err
	}
	invs, err := s.inSight(ctx, []kg.Investigation{inv}, []map[string]bool{hidden})
	if err != nil {
		return kg.Investigation{}, false, err
	}
	return invs[0], true, nil
}

// inSight gives investigations as the reader of ctx sees them: without the
// entities it may not see, which their statement found (hidden), or, for
// those saved before it could, one more.
func (s *Store) inSight(ctx context.Context, invs []kg.Investigation, hidden []map[string]bool) ([]kg.Investigation, error) {
	var ids []string
	for i, inv := range invs {
		if hidden[i] == nil {
			ids = append(ids, inv.Entities...)
		}
	}
	if len(ids) > 0 {
		res, err := s.readQuery(ctx, hiddenQuery, map[string]any{"ids": ids})
		if err != nil {
			return nil, translate(err, "reading the investigations failed")
		}
		older, err := hiddenSet(res.Records)
		if err != nil {
			return nil, err
		}
		for i := range hidden {
			if hidden[i] == nil {
				hidden[i] = older
			}
		}
	}
	for i := range invs {
		invs[i].InvestigationContent = invs[i].Without(hidden[i])
	}
	return invs, nil
}

// hiddenQuery finds which of some entity IDs the reader may not see.
var hiddenQuery = `UNWIND $ids AS id MATCH (x:Entity {id: id}) WHERE NOT ` + seen("x") + ` RETURN collect(DISTINCT x.id) AS hidden`

// hiddenEntities is hiddenQuery in a transaction.
func hiddenEntities(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]bool, error) {
	res, err := tx.Run(ctx, hiddenQuery, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	return hiddenSet(recs)
}

func hiddenSet(recs []*neo4j.Record) (map[string]bool, error) {
	if len(recs) != 1 {
		return nil, kg.Errorf(kg.Internal, "reading hidden entities: %d rows, want 1", len(recs))
	}
	ids, err := listOf[string](recs[0], "reading hidden entities", "hidden")
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// ListInvestigations returns a page of investigations by name, then ID,
// and how many there are.
func (s *Store) ListInvestigations(ctx context.Context, first, offset int) ([]kg.Investigation, int, error) {
	res, err := s.readQuery(ctx, `
		CALL () { MATCH (i:Investigation) RETURN count(i) AS total }
		OPTIONAL CALL () {
			MATCH (i:Investigation)
			WITH i ORDER BY i.name, i.id SKIP $offset LIMIT $first
			RETURN `+investigationColumns+`
		}
		RETURN total, id, content, createdBy, updatedBy, updatedAt, version, hidden`,
		map[string]any{"first": int64(first), "offset": int64(offset)})
	if err != nil {
		return nil, 0, translate(err, "listing the investigations failed")
	}
	var out []kg.Investigation
	var hidden []map[string]bool
	total := 0
	for _, r := range res.Records {
		n, err := col[int64](r, "listing the investigations", "total")
		if err != nil {
			return nil, 0, err
		}
		total = int(n)
		if _, some, err := optCol[string](r, "listing the investigations", "id"); err != nil {
			return nil, 0, err
		} else if !some {
			continue // no investigation on this page
		}
		inv, h, err := investigationOf(r)
		if err != nil {
			return nil, 0, err
		}
		out, hidden = append(out, inv), append(hidden, h)
	}
	out, err = s.inSight(ctx, out, hidden)
	return out, total, err
}

// investigationOf maps a record of investigationColumns.
func investigationOf(r *neo4j.Record) (kg.Investigation, map[string]bool, error) {
	var inv kg.Investigation
	row := rowOf(r, "reading an investigation")
	inv.ID, inv.CreatedBy, inv.UpdatedBy = row.str("id"), row.str("createdBy"), row.str("updatedBy")
	content, version := row.str("content"), row.num("version")
	if err := row.err(); err != nil {
		return kg.Investigation{}, nil, err
	}
	inv.Version = version
	updatedAt, err := col[time.Time](r, "reading an investigation", "updatedAt")
	if err != nil {
		return kg.Investigation{}, nil, err
	}
	inv.UpdatedAt = updatedAt
	if err := json.Unmarshal([]byte(content), &inv.InvestigationContent); err != nil {
		return kg.Investigation{}, nil, kg.Wrap(kg.Internal, err, "investigation "+inv.ID+" cannot be read")
	}
	ids, known, err := optCol[[]any](r, "reading an investigation", "hidden")
	if err != nil || !known {
		return inv, nil, err
	}
	hidden := make(map[string]bool, len(ids))
	for _, id := range ids {
		if s, ok := id.(string); ok {
			hidden[s] = true
		}
	}
	return inv, hidden, nil
}

// contentMap is an investigation's stored content as history keeps it.
func contentMap(content string) map[string]any {
	var m map[string]any
	if err := json.Unmarshal([]byte(content), &m); err != nil {
		return map[string]any{"content": content}
	}
	return m
}
