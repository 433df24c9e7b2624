package neo4jstore

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// What a case file adds to an entity another file defines is an
// (:Addition {id, file, target, aliases, citations, sources}) node, one
// per file and entity. The entity's own properties stay its owner's, so
// the owner's three-way merge and history never see another file's
// names; reads join the two, and the entity's searchText, which the store
// derives, holds the added names too.

// aliasesOf is the Cypher of the aliases of the entity bound to v: its
// own, then those files add that it does not already have.
func aliasesOf(v string) string {
	return fmt.Sprintf("coalesce(%[1]s.aliases, []) + [added_alias IN COLLECT { MATCH (add:Addition {target: %[1]s.id}) WITH add ORDER BY add.file UNWIND add.aliases AS added_alias RETURN added_alias } WHERE NOT added_alias IN coalesce(%[1]s.aliases, [])]", v)
}

// citationsOf is the Cypher of the citations of the entity bound to v: its
// own, then those of what files add to it.
func citationsOf(v string) string {
	return fmt.Sprintf("coalesce(%[1]s.citations, []) + COLLECT { MATCH (add:Addition {target: %[1]s.id}) WITH add ORDER BY add.file UNWIND add.citations AS added_cite RETURN added_cite }", v)
}

// additionRow is the node an addition is kept as.
func additionRow(file string, a kg.Addition) map[string]any {
	p := flatten(map[string]any{}, a.Citations)
	if len(a.Aliases) > 0 {
		p["aliases"] = a.Aliases
	}
	p["id"], p["file"], p["target"] = kg.AdditionID(file, a.Target), file, a.Target
	return p
}

// mergeAdditions decides what becomes of what the changed files add to
// entities others define. Only its file states an addition, and nothing
// else edits it, so the file's side is the whole answer: written where it
// differs, removed where the file no longer states it.
func (m *merger) mergeAdditions(ctx context.Context, w *wtx, changed []kg.Batch) error {
	files := make([]string, len(changed))
	for i, b := range changed {
		files[i] = b.Origin
	}
	cur, err := collectProps(ctx, w, "UNWIND $ids AS file MATCH (a:Addition {file: file}) RETURN a.id AS id, properties(a) AS props", files)
	if err != nil {
		return err
	}
	for _, b := range changed {
		stated := map[string]bool{}
		for _, a := range b.Additions {
			row := additionRow(b.Origin, a)
			id := str(row["id"])
			stated[id] = true
			before := cur[id]
			switch {
			case before == nil:
				m.change("create", "Addition", id, b.Origin, nil)
				m.record(kg.Change{Op: "create", Target: id, Kind: "Addition", After: jsonMap(row)}, b.Origin)
			case sameAddition(before, row):
				m.plan.kept++
				continue
			default:
				m.change("update", "Addition", id, b.Origin, []string{"aliases", "cite"})
				m.record(kg.Change{Op: "update", Target: id, Kind: "Addition", Before: jsonMap(before), After: jsonMap(row)}, b.Origin)
			}
			m.plan.additions = append(m.plan.additions, row)
			m.plan.touched = append(m.plan.touched, a.Target)
		}
		for _, id := range slices.Sorted(maps.Keys(cur)) {
			if before := cur[id]; str(before["file"]) == b.Origin && !stated[id] {
				m.removeAddition(before, b.Origin)
			}
		}
	}
	return nil
}

// removeAddition plans an addition's removal, recorded as the import of
// why's doing.
func (m *merger) removeAddition(a map[string]any, why string) {
	id := str(a["id"])
	if slices.Contains(m.plan.goneAdds, id) {
		return
	}
	m.plan.goneAdds = append(m.plan.goneAdds, id)
	m.plan.touched = append(m.plan.touched, str(a["target"]))
	m.change("delete", "Addition", id, str(a["file"]), nil)
	m.record(kg.Change{Op: "retract", Target: id, Kind: "Addition", Before: jsonMap(a)}, why)
}

// sameAddition reports whether the graph holds an addition as row states it.
func sameAddition(cur, row map[string]any) bool {
	return slices.Equal(strs(cur["aliases"]), strs(row["aliases"])) && slices.Equal(strs(cur["citations"]), strs(row["citations"]))
}

// checkAddedTo refuses a set whose additions name an entity it removes,
// and removes with the entity what files outside the set add to it.
func (m *merger) checkAddedTo(ctx context.Context, w *wtx, batches []kg.Batch, gone map[string]bool, file map[string]string) error {
	for _, b := range batches {
		for _, a := range b.Additions {
			if gone[a.Target] {
				m.problems = append(m.problems, fmt.Sprintf("%s is removed, but %s still adds to it", a.Target, b.Origin))
			}
		}
	}
	added, err := collectProps(ctx, w, "UNWIND $ids AS target MATCH (a:Addition {target: target}) RETURN a.id AS id, properties(a) AS props", slices.Sorted(maps.Keys(gone)))
	if err != nil {
		return err
	}
	for _, id := range slices.Sorted(maps.Keys(added)) {
		a := added[id]
		if m.inSet[str(a["file"])] {
			continue // its file's import decides, above
		}
		target := str(a["target"])
		m.removeAddition(a, file[target]+" (it removes "+target+", the entity this adds to)")
	}
	return nil
}

// writeAdditions writes and removes the planned additions and derives
// anew the search text of the entities they add to and of the entities
// the import wrote, whose search text it set from their own names.
func (p *importPlan) writeAdditions(ctx context.Context, w *wtx, exec func(string, map[string]any) error) error {
	if len(p.goneAdds) > 0 {
		if err := exec("UNWIND $ids AS id MATCH (a:Addition {id: id}) DELETE a", map[string]any{"ids": p.goneAdds}); err != nil {
			return err
		}
	}
	if len(p.additions) > 0 {
		res, err := w.Run(ctx, `UNWIND $rows AS row
			MATCH (:Entity {id: row.target})
			MERGE (a:Addition {id: row.id})
			SET a = row
			RETURN collect(row.id) AS written`, map[string]any{"rows": p.additions})
		if err != nil {
			return err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return err
		}
		got, err := listOf[string](rec, "writing additions", "written")
		if err != nil {
			return err
		}
		if len(got) != len(p.additions) {
			for _, row := range p.additions {
				if !slices.Contains(got, str(row["id"])) {
					return kg.Errorf(kg.Conflict, "%s cannot be written: %s is not in the graph", str(row["id"]), str(row["target"]))
				}
			}
		}
	}
	var written []string
	for _, rows := range p.entities {
		for _, r := range rows {
			written = append(written, str(r["id"]))
		}
	}
	return refreshSearchText(ctx, w, append(written, p.touched...), p.touched)
}

// refreshSearchText derives the search text of those of ids that files add
// to, and of every one of changed, from their own names and the added
// ones. A write that sets an entity's properties from its owner's alone
// calls it after, with the entity among ids.
func refreshSearchText(ctx context.Context, tx neo4j.ManagedTransaction, ids, changed []string) error {
	if len(ids) == 0 {
		return nil
	}
	res, err := tx.Run(ctx, `UNWIND $ids AS id
		MATCH (n:Entity {id: id})
		WITH DISTINCT n, COLLECT { MATCH (a:Addition {target: n.id}) UNWIND a.aliases AS alias RETURN alias } AS added
		WHERE size(added) > 0 OR n.id IN $changed
		RETURN n.id AS id, n.name AS name, n.title AS title, coalesce(n.aliases, []) AS aliases, added`,
		map[string]any{"ids": ids, "changed": changed})
	if err != nil {
		return err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	rows := make([]map[string]any, len(recs))
	for i, rec := range recs {
		r := rowOf(rec, "reading names for search")
		props := namesRead(r, append(r.strs("aliases"), r.strs("added")...))
		id := r.str("id")
		t, _ := kg.TypeOfID(id)
		derived := nameProps(t, props)
		rows[i] = map[string]any{"id": id, "text": derived["searchText"], "keys": derived["dupKeys"]}
		if err := r.err(); err != nil {
			return err
		}
	}
	set, err := tx.Run(ctx, "UNWIND $rows AS row MATCH (n:Entity {id: row.id}) SET n.searchText = row.text, n.dupKeys = row.keys", map[string]any{"rows": rows})
	if err != nil {
		return err
	}
	_, err = set.Consume(ctx)
	return err
}
