package neo4jstore

import (
	"context"
	"regexp"
	"strings"

	"github.com/casegraph/casegraph/internal/kg"
)

// Visibility is applied here, in the statements the store builds, and
// nowhere else (docs/access.md). A restricted fact, an entity or a
// relationship, holds the groups that may read it in its groups
// property; a public one has none. Every read statement is sent with
// the reader's sight as two parameters, $sightAll and $sightGroups
// (withSight), and readQuery refuses one that does not use them, so a new
// question cannot forget visibility. A statement keeps a fact only where
// seen holds of it; a relationship, only where seen holds of it and of
// both its ends.

const (
	sightAllParam    = "sightAll"
	sightGroupsParam = "sightGroups"
)

// seen is the Cypher condition that the fact bound to v, a node or a
// relationship, is in the reader's sight. v is a variable of the
// statement, never input.
func seen(v string) string {
	return "($sightAll OR " + v + ".groups IS NULL OR any(sight_g IN " + v + ".groups WHERE sight_g IN $sightGroups))"
}

// seenAll is seen of each of vs, joined by AND.
func seenAll(vs ...string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = seen(v)
	}
	return strings.Join(parts, " AND ")
}

// pathSeen is the Cypher condition that every node and relationship of
// the path bound to q is in sight, as see tells it (seenAll is the
// reader's).
func pathSeen(see func(...string) string, q string) string {
	return "all(" + q + "_n IN nodes(" + q + ") WHERE " + see(q+"_n") + ") AND all(" + q + "_r IN relationships(" + q + ") WHERE " + see(q+"_r") + ")"
}

// citationSeen is the Cypher condition that the citation bound to x
// (SOURCE#pN) cites a source in the reader's sight.
func citationSeen(x string) string {
	return "($sightAll OR NOT EXISTS { MATCH (cited:Entity {id: split(" + x + ", '#p')[0]}) WHERE NOT " + seen("cited") + " })"
}

// citedSeen is the properties of the fact bound to v with its citations
// and cited sources, but those of sources out of the reader's sight.
func citedSeen(v string) string {
	return v + "{.*, citations: [c IN coalesce(" + v + ".citations, []) WHERE " + citationSeen("c") + "], " +
		"sources: [s IN coalesce(" + v + ".sources, []) WHERE " + sourceSeen("s") + "]}"
}

// sourceSeen is the Cypher condition that the source whose ID is the
// expression id is in the reader's sight: a source's text and passages
// are as visible as the source.
func sourceSeen(id string) string {
	return "($sightAll OR EXISTS { MATCH (src_seen:Entity {id: " + id + "}) WHERE " + seen("src_seen") + " })"
}

// sourceSeenParam is sourceSeen of a passage bound to node.
var sourceSeenParam = sourceSeen("node.source")

// seenNeeds is the Cypher condition that a record bound to v that
// depends on several facts is in sight: its needs list holds, for each
// restricted fact it depends on, that fact's groups joined by commas, and
// the reader must see every one. A record of public facts has none.
func seenNeeds(v string) string { return seenEach(v + ".needs") }

// seenEach is seenNeeds of the list of joined group sets list.
func seenEach(list string) string {
	return "($sightAll OR " + list + " IS NULL OR all(sight_n IN " + list + " WHERE any(sight_g IN split(sight_n, ',') WHERE sight_g IN $sightGroups)))"
}

// withSight adds the sight of ctx's reader to params, which may be nil.
func withSight(ctx context.Context, params map[string]any) map[string]any {
	return withSightOf(kg.SightOf(ctx), params)
}

// writerSight is the sight of a write: its writer's, or every fact for a
// write without a principal, which only the command line and the store's
// own work make (the API's writes all have one: kg.Require).
func writerSight(ctx context.Context) kg.Sight {
	if _, ok := kg.PrincipalFrom(ctx); !ok {
		return kg.Sight{All: true, Groups: []string{}}
	}
	return kg.SightOf(ctx)
}

// withSightOf adds sight to params, which may be nil.
func withSightOf(sight kg.Sight, params map[string]any) map[string]any {
	if params == nil {
		params = make(map[string]any, 2)
	}
	params[sightAllParam] = sight.All
	params[sightGroupsParam] = sightGroups(sight.Groups)
	return params
}

// noGroup stands for the groups of a reader who holds none. Neo4j keys a
// plan by the sizes of its list parameters, in buckets (none, one, two to
// ten, …): without it, every statement would be planned once for
// anonymous readers and again for readers of one group, and the largest
// take seconds to plan. No fact can be restricted to it (kg.ValidGroup
// refuses the empty name), so it widens no one's sight.
const noGroup = ""

// sightGroups is the $sightGroups of a reader holding groups.
func sightGroups(groups []string) []string {
	if len(groups) == 0 {
		return []string{noGroup}
	}
	return groups
}

// usesSight reports whether a statement reads the reader's sight.
func usesSight(query string) bool {
	return strings.Contains(query, "$"+sightAllParam)
}

// ownLabels are the labels of the store's own nodes, which hold no
// facts: versions, change records, tokens, saved investigations and
// migrations. A statement that reads them alone needs no sight (readOwn).
var ownLabels = map[string]bool{"GraphState": true, "GraphChange": true, "Token": true, "Investigation": true, "SchemaMigration": true}

// nodeLabels finds the labels of a statement's node patterns.
var nodeLabels = regexp.MustCompile(`\(\s*\w*\s*:\s*([A-Za-z|:]+)`)

// readsOwnOnly reports whether a statement reads only the store's own
// nodes: no relationship, and no label but theirs.
func readsOwnOnly(query string) bool {
	if strings.Contains(query, "-[") || strings.Contains(query, "]-") {
		return false
	}
	ms := nodeLabels.FindAllStringSubmatch(query, -1)
	if len(ms) == 0 {
		return false
	}
	for _, m := range ms {
		for _, l := range strings.FieldsFunc(m[1], func(r rune) bool { return r == '|' || r == ':' }) {
			if !ownLabels[l] {
				return false
			}
		}
	}
	return true
}

// sightKey names a sight in the keys of kept answers, which are kept per
// sight and never given across.
func sightKey(ctx context.Context) string {
	return kg.SightOf(ctx).Key() + "\x00"
}
