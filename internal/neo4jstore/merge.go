package neo4jstore

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// MergeEntities folds remove into keep: two records of one real-world
// thing become one. keep gains remove's name and aliases as aliases and its
// citations, every relationship of remove is moved to keep (a relationship
// between the two is dropped), and remove is deleted. Both versions are
// checked as in an update; the audit trail records the merge on both IDs.
func (s *Store) MergeEntities(ctx context.Context, keep, remove string, keepVersion, removeVersion int, edit kg.Edit) error {
	if keep == remove {
		return kg.Errorf(kg.Invalid, "an entity cannot be merged into itself")
	}
	_, err := write(ctx, s, "merge_entities", edit, func(ctx context.Context, tx *wtx) (string, error) {
		kept, _, keptVersion, err := lockEntity(ctx, tx, keep, keepVersion)
		if err != nil {
			return "", err
		}
		gone, _, _, err := lockEntity(ctx, tx, remove, removeVersion)
		if err != nil {
			return "", err
		}
		if kept == nil || gone == nil {
			missing := keep
			if kept != nil {
				missing = remove
			}
			return "", kg.Errorf(kg.NotFound, "no entity with id %q", missing)
		}
		kt, _ := kg.TypeOfID(keep)
		rt, _ := kg.TypeOfID(remove)
		if kt != rt {
			return "", kg.Errorf(kg.Invalid, "%s is a %s and %s a %s: only entities of one type can be merged", keep, kt, remove, rt)
		}
		// A source's ID is in the citations of the facts that cite it:
		// folding it away would leave them citing nothing.
		if err := checkUncited(ctx, tx, remove); err != nil {
			return "", err
		}
		rels, err := allLinks(ctx, tx, remove)
		if err != nil {
			return "", err
		}
		if err := tx.touch(ctx, keep, remove); err != nil {
			return "", err
		}
		if err := tx.touchLinks(ctx, rels...); err != nil {
			return "", err
		}
		for _, r := range rels {
			if err := moveLink(ctx, tx, r, remove, keep); err != nil {
				return "", err
			}
		}
		merged := mergedProps(kt, kept, gone)
		if _, err := tx.Run(ctx, "MATCH (n:Entity {id: $id}) SET n += $props", map[string]any{"id": keep, "props": merged}); err != nil {
			return "", err
		}
		if _, err := tx.Run(ctx, "MATCH (n:Entity {id: $id}) DETACH DELETE n", map[string]any{"id": remove}); err != nil {
			return "", err
		}
		// What files added to the removed record now adds to the kept one.
		if _, err := tx.Run(ctx, "MATCH (a:Addition {target: $remove}) SET a.target = $keep", map[string]any{"remove": remove, "keep": keep}); err != nil {
			return "", err
		}
		if err := refreshSearchText(ctx, tx.ManagedTransaction, []string{keep}, nil); err != nil {
			return "", err
		}
		after := map[string]any{}
		for k, v := range kept {
			after[k] = v
		}
		for k, v := range merged {
			after[k] = v
		}
		_, err = recordChanges(ctx, tx,
			kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: "merge", Target: remove, Kind: string(rt), Before: snapshot(gone, rels), After: map[string]any{"mergedInto": keep}},
			kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: "merge", Target: keep, Kind: string(kt), Version: keptVersion, Before: snapshot(kept, nil), After: snapshot(after, []map[string]any{{"absorbed": remove}})})
		return keep, err
	})
	return err
}

// mergedProps are the properties keep gains: remove's name and aliases as
// aliases, the union of the citations and sources, and a search text and
// duplicate keys that find the merged entity under every name.
func mergedProps(t kg.EntityType, keep, remove map[string]any) map[string]any {
	aliases := strs(keep["aliases"])
	name, _ := keep["name"].(string)
	for _, a := range append([]string{str(remove["name"])}, strs(remove["aliases"])...) {
		if a != "" && a != name && !slices.Contains(aliases, a) {
			aliases = append(aliases, a)
		}
	}
	out := map[string]any{
		"aliases":   aliases,
		"citations": union(strs(keep["citations"]), strs(remove["citations"])),
		"sources":   union(strs(keep["sources"]), strs(remove["sources"])),
	}
	maps.Copy(out, nameProps(t, map[string]any{"name": name, "aliases": aliases}))
	return out
}

// moveLink recreates relationship r of from on to, with its ID rewritten
// where the ID names its ends; the old one goes when from is deleted.
func moveLink(ctx context.Context, tx neo4j.ManagedTransaction, r map[string]any, from, to string) error {
	t := kg.RelType(str(r["type"]))
	if !slices.Contains(kg.AllRelTypes(), t) {
		return kg.Errorf(kg.Internal, "relationship type %s is not in the fixed list", t)
	}
	start, end := str(r["from"]), str(r["to"])
	if start == from {
		start = to
	}
	if end == from {
		end = to
	}
	if start == end {
		return nil // a relationship between the two merged entities goes with remove
	}
	props := map[string]any{}
	for k, v := range r {
		switch k {
		case "type", "from", "to":
		default:
			props[k] = v
		}
	}
	id := str(r["id"])
	if !strings.HasPrefix(id, "rel/") {
		id = string(t) + ":" + start + "->" + end
	}
	props["id"] = id
	if owner := str(props["owner"]); owner == from {
		props["owner"] = to
	}
	_, err := tx.Run(ctx, `
		MATCH (a:Entity {id: $start}) MATCH (b:Entity {id: $end})
		MERGE (a)-[r:`+string(t)+` {id: $id}]->(b)
		SET r = $props`, map[string]any{"start": start, "end": end, "id": id, "props": props})
	return err
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strs(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func union(a, b []string) []string {
	out := append([]string{}, a...)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
