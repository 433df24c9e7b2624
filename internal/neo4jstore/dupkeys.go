package neo4jstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/dedupe"
	"github.com/casegraph/casegraph/internal/kg"
)

// Duplicate keys. A create or a rename tells the client which entities
// the saved one is likely the same as (DuplicatesOf). The rule compares
// only entities that share a block key (dedupe.BlockKeys), so the check
// reads only those: every entity but a source holds its keys in dupKeys,
// each hashed into a token that the full-text index duplicate_keys (its
// whitespace analyzer) keeps whole, and the check asks the index for each
// key of the saved entity. Reading every entity of its type instead took
// seconds per write at 100,000 cases. dupKeys is derived from the names
// wherever searchText is (nameProps), and Migrate writes it for graphs
// written before it (ensureDupKeys).

// dupKeysFormat is the version of what dupKeys holds; raising it writes
// every entity's again at the next start.
const dupKeysFormat = 1

// dupKeysBatch is how many entities ensureDupKeys writes at a time.
const dupKeysBatch = 5000

// blockToken is a block key as the index holds it.
func blockToken(key string) string {
	h := sha256.Sum256([]byte(key))
	return "b" + hex.EncodeToString(h[:8])
}

// nameProps are the properties derived from an entity's names (props'
// name, title and aliases): its search text, and its duplicate keys, nil
// for a source or an entity without names.
func nameProps(t kg.EntityType, props map[string]any) map[string]any {
	out := map[string]any{"searchText": searchText(kg.Entity{Props: props}), "dupKeys": nil}
	if t == kg.Source {
		return out
	}
	c := dedupe.Candidate{Type: t}
	if n, ok := props["name"].(string); ok && n != "" {
		c.Names = append(c.Names, n)
	}
	c.Names = append(c.Names, strs(props["aliases"])...)
	var tokens []string
	for _, k := range dedupe.BlockKeys(c) {
		tokens = append(tokens, blockToken(k))
	}
	if len(tokens) > 0 {
		out["dupKeys"] = strings.Join(tokens, " ")
	}
	return out
}

// namesRead are the names of a row with name and title columns, and
// aliases, as nameProps takes them.
func namesRead(r row, aliases []string) map[string]any {
	props := map[string]any{"aliases": aliases}
	for _, k := range []string{"name", "title"} {
		if v := r.optStr(k); v != "" {
			props[k] = v
		}
	}
	return props
}

// candidateMap is an entity (n) as the duplicate rule sees it.
var candidateMap = `{id: n.id, type: [l IN labels(n) WHERE l <> 'Entity'][0],
  names: [x IN [n.name] + coalesce(n.aliases, []) + COLLECT { MATCH (a:Addition {target: n.id}) UNWIND a.aliases AS x RETURN x } WHERE x IS NOT NULL],
  context: COLLECT { MATCH (n)-[r:` + contextRels + `]->(x:Entity) WHERE ` + seenAll("r", "x") + ` RETURN x.id }}`

// blockMembersQuery reads, for each of an entity's block tokens, the
// other entities that share it, as candidates, unless there are too many
// to pair by; and the judgements of pairs with the entity.
var blockMembersQuery = `
CALL () {
  MATCH (j:Judgement) WHERE j.a = $id OR j.b = $id
  RETURN collect({a: j.a, b: j.b, verdict: j.verdict}) AS judgements
}
CALL () {
  UNWIND range(0, size($tokens) - 1) AS i
  CALL (i) {
    CALL db.index.fulltext.queryNodes('duplicate_keys', $tokens[i], {limit: $limit}) YIELD node
    WITH node WHERE node.id <> $id AND ` + seen("node") + `
    RETURN collect(node) AS members
  }
  WITH i, CASE WHEN size(members) < $limit - 1 THEN members ELSE null END AS members
  RETURN collect({block: i, large: members IS NULL,
                  members: [n IN coalesce(members, []) | ` + candidateMap + `]}) AS blocks
}
RETURN judgements, blocks`

// DuplicatesOf finds the likely duplicates of c among the graph's
// entities of its type, as dedupe.PairsWith would over all of them, and
// the first name of each.
func (s *Store) DuplicatesOf(ctx context.Context, c dedupe.Candidate) ([]dedupe.Pair, map[string]string, error) {
	keys := dedupe.BlockKeys(c)
	if len(keys) == 0 || c.Type == kg.Source {
		return nil, nil, nil
	}
	tokens := make([]string, len(keys))
	for i, k := range keys {
		tokens[i] = blockToken(k)
	}
	res, err := s.readQuery(ctx, blockMembersQuery, map[string]any{"id": c.ID, "tokens": tokens, "limit": int64(dedupe.MaxBlock + 1)})
	if err != nil {
		return nil, nil, translate(err, "reading likely duplicates failed")
	}
	r := rowOf(res.Records[0], "reading likely duplicates")
	distinct := map[[2]string]bool{}
	for _, j := range r.rows("judgements") {
		distinct[[2]string{j.str("a"), j.str("b")}] = j.str("verdict") == "DISTINCT"
	}
	blocks := map[string][]dedupe.Candidate{}
	names := map[string]string{}
	for _, b := range r.rows("blocks") {
		key := keys[b.num("block")]
		if b.flag("large") {
			// More than PairsOf pairs by: a block it skips.
			blocks[key] = make([]dedupe.Candidate, dedupe.MaxBlock)
			continue
		}
		for _, m := range b.rows("members") {
			o := candidateOf(m)
			blocks[key] = append(blocks[key], o)
			if len(o.Names) > 0 {
				names[o.ID] = o.Names[0]
			}
		}
	}
	if err := r.err(); err != nil {
		return nil, nil, err
	}
	pairs := dedupe.PairsOf(c, blocks, func(a, b string) bool { return distinct[[2]string{a, b}] })
	return pairs, names, nil
}

// candidateOf reads a candidateMap.
func candidateOf(e row) dedupe.Candidate {
	return dedupe.Candidate{ID: e.str("id"), Type: kg.EntityType(e.str("type")), Names: e.strs("names"), Context: e.strs("context")}
}

// ensureDupKeys writes the duplicate keys of every entity when the graph's
// were written by another dupKeysFormat, or never, a batch at a time.
func (s *Store) ensureDupKeys(ctx context.Context) error {
	res, err := s.execute(ctx, neo4j.AccessModeWrite, `OPTIONAL MATCH (g:GraphState {id: 'graph'}) RETURN g.dupKeysFormat AS format`, nil)
	if err != nil {
		return translate(err, "reading the duplicate keys' format failed")
	}
	format, _, err := optCol[int64](res.Records[0], "reading the duplicate keys' format", "format")
	if err != nil || format == dupKeysFormat {
		return err
	}
	after := ""
	for {
		res, err := s.execute(ctx, neo4j.AccessModeRead, `MATCH (n:Entity) WHERE n.id > $after AND NOT n:Source
WITH n ORDER BY n.id LIMIT $batch
RETURN n.id AS id, n.name AS name, n.title AS title,
       coalesce(n.aliases, []) + COLLECT { MATCH (a:Addition {target: n.id}) UNWIND a.aliases AS x RETURN x } AS aliases`,
			map[string]any{"after": after, "batch": int64(dupKeysBatch)})
		if err != nil {
			return translate(err, "writing duplicate keys failed")
		}
		if len(res.Records) == 0 {
			break
		}
		rows := make([]map[string]any, len(res.Records))
		for i, rec := range res.Records {
			r := rowOf(rec, "reading names for duplicate keys")
			id := r.str("id")
			t, _ := kg.TypeOfID(id)
			rows[i] = map[string]any{"id": id, "keys": nameProps(t, namesRead(r, r.strs("aliases")))["dupKeys"]}
			if err := r.err(); err != nil {
				return err
			}
			after = id
		}
		if _, err := s.execute(ctx, neo4j.AccessModeWrite, `UNWIND $rows AS row MATCH (n:Entity {id: row.id}) SET n.dupKeys = row.keys`,
			map[string]any{"rows": rows}); err != nil {
			return translate(err, "writing duplicate keys failed")
		}
	}
	_, err = s.execute(ctx, neo4j.AccessModeWrite, `MERGE (g:GraphState {id: 'graph'}) SET g.dupKeysFormat = $format`,
		map[string]any{"format": int64(dupKeysFormat)})
	return translate(err, "writing duplicate keys failed")
}
