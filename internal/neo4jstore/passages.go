package neo4jstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/casegraph/casegraph/internal/kg"
)

// A source's text is held as its paragraphs: (:Passage {source, n, text,
// searchText}) nodes, n counting from 1 as citations do, and one
// (:SourceText {source, hash, paragraphs}) node; neither touches the Source
// entity, whose fields are the case file's. Passages are not
// entities: they are the evidence, not facts about the world, so entity
// search, neighbourhoods and paths never meet them. Texts are the
// publishers' words and come from the sources directory of a deployment or
// through the API, never from the project.

// SaveTexts replaces the texts of sources the graph holds, each whole or
// not at all, and records a history entry for each source whose text
// changed. A text identical to the one held is left as it is.
func (s *Store) SaveTexts(ctx context.Context, texts map[string][]string, edit kg.Edit) (int, error) {
	if len(texts) == 0 {
		return 0, nil
	}
	rows := make([]map[string]any, 0, len(texts))
	for id, paras := range texts {
		ps := make([]map[string]any, len(paras))
		for i, p := range paras {
			ps[i] = map[string]any{"n": int64(i + 1), "text": p, "searchText": passageSearchText(p)}
		}
		rows = append(rows, map[string]any{"source": id, "hash": textHash(paras), "passages": ps})
	}
	return write(ctx, s, "save_texts", edit, func(ctx context.Context, w *wtx) (int, error) {
		w.noFacts()
		if err := checkShorterTexts(ctx, w, rows); err != nil {
			return 0, err
		}
		res, err := w.Run(ctx, `
			UNWIND $rows AS row
			MATCH (src:Entity {id: row.source}) WHERE src:Source AND `+seen("src")+`
			MERGE (t:SourceText {source: src.id})
			WITH src, row, t, t.hash AS before
			WHERE before IS NULL OR before <> row.hash
			CALL (src) { MATCH (p:Passage {source: src.id}) DELETE p }
			SET t.hash = row.hash, t.paragraphs = size(row.passages)
			WITH src, row, before
			CALL (src, row) {
			  UNWIND row.passages AS x
			  CREATE (:Passage {source: src.id, n: x.n, text: x.text, searchText: x.searchText})
			}
			RETURN src.id AS id, before IS NOT NULL AS replaced, size(row.passages) AS paragraphs`, map[string]any{"rows": rows})
		if err != nil {
			return 0, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return 0, err
		}
		if len(recs) == 0 {
			w.unchanged = true
			return 0, nil
		}
		changes := make([]kg.Change, len(recs))
		for i, rec := range recs {
			r := rowOf(rec, "loading source texts")
			op := "text"
			if r.flag("replaced") {
				op = "text-replaced"
			}
			changes[i] = kg.Change{Actor: edit.Actor, Reason: edit.Reason, Op: op, Target: r.str("id"), Kind: string(kg.Source),
				After: map[string]any{"paragraphs": int64(r.num("paragraphs"))}}
			if err := r.err(); err != nil {
				return 0, err
			}
		}
		_, err = recordChanges(ctx, w, changes...)
		return len(recs), err
	})
}

// checkShorterTexts refuses a changed text that lacks paragraphs facts
// cite: every citation of a held text names a paragraph it has.
func checkShorterTexts(ctx context.Context, w *wtx, rows []map[string]any) error {
	res, err := w.Run(ctx, `
		UNWIND $rows AS row
		OPTIONAL MATCH (t:SourceText {source: row.source})
		WITH row WHERE t IS NULL OR t.hash <> row.hash
		CALL (row) {
		  MATCH (e:Entity) WHERE row.source IN e.sources UNWIND e.citations AS c RETURN c
		  UNION
		  MATCH ()-[r]->() WHERE row.source IN r.sources UNWIND r.citations AS c RETURN c
		  UNION
		  MATCH (a:Addition) WHERE row.source IN a.sources UNWIND a.citations AS c RETURN c
		}
		WITH row, c WHERE c STARTS WITH row.source + '#p' AND toInteger(substring(c, size(row.source) + 2)) > size(row.passages)
		RETURN row.source AS source, size(row.passages) AS n, collect(DISTINCT c)[..5] AS beyond
		ORDER BY source LIMIT 1`, map[string]any{"rows": rows})
	if err != nil {
		return err
	}
	recs, err := res.Collect(ctx)
	if err != nil || len(recs) == 0 {
		return err
	}
	r := rowOf(recs[0], "checking shorter texts")
	source, n, beyond := r.str("source"), r.num("n"), r.strs("beyond")
	if err := r.err(); err != nil {
		return err
	}
	return kg.Errorf(kg.Conflict, "the new text of %s has %d paragraphs, but facts cite %s: change those citations first; nothing was written",
		source, n, strings.Join(beyond, ", "))
}

// textHash identifies a text by its paragraphs, so loading the same text
// again writes nothing.
func textHash(paras []string) string {
	h := sha256.New()
	for _, p := range paras {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// passageSearchText is what the passage index reads beside the text: its
// words transliterated to Latin, so a Latin query finds a Cyrillic text.
func passageSearchText(text string) string {
	return strings.Join(kg.Words(kg.Latin(text)), " ")
}

// Paragraphs returns, for those of the given sources whose text the graph
// holds, how many paragraphs it has.
func (s *Store) Paragraphs(ctx context.Context, sources []string) (map[string]int, error) {
	res, err := s.readQuery(ctx, `
		UNWIND $ids AS id
		MATCH (t:SourceText {source: id}) WHERE `+sourceSeen("id")+`
		RETURN t.source AS id, t.paragraphs AS n`, map[string]any{"ids": sources})
	if err != nil {
		return nil, translate(err, "reading source texts failed")
	}
	out := make(map[string]int, len(res.Records))
	for _, rec := range res.Records {
		r := rowOf(rec, "reading source texts")
		out[r.str("id")] = r.num("n")
		if err := r.err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// passageQuery turns what a user typed into a Lucene query for the
// passage_search index, as luceneQuery does for entities: only letters and
// digits reach the parser; each word matches as itself or transliterated
// to Latin (boost 4), as a prefix from three letters (2) and with one typo
// from four (1), the last three against the transliterated text, so a
// Cyrillic or a Latin query finds a text in either script.
func passageQuery(text string) string {
	exact, loose := queryClauses(text, false)
	if len(exact) == 0 {
		return ""
	}
	return "text:(" + strings.Join(exact, " ") + ")^2 searchText:(" + strings.Join(append(slices.Clone(exact), loose...), " ") + ")"
}

// MaxPassagePage bounds one page of passage search.
const MaxPassagePage = 50

// passagesStatement finds passages, pages them, and for the page's
// passages the facts that cite them: entities and relationships whose
// citations name the source and paragraph. Finding those reads every
// fact's citations once for the page.
var passagesStatement = `
CALL db.index.fulltext.queryNodes('passage_search', $query, {limit: $candidates}) YIELD node, score
WHERE (size($sources) = 0 OR node.source IN $sources) AND ` + sourceSeenParam + `
WITH node, score ORDER BY score DESC, node.source, node.n
WITH collect({source: node.source, n: node.n, text: node.text, score: score}) AS found
WITH size(found) AS total, found[$offset..$offset + $first] AS page
WITH total, page, [x IN page | x.source + '#p' + toString(x.n)] AS refs
CALL (refs) {
  MATCH (e:Entity) WHERE size(refs) > 0 AND any(c IN e.citations WHERE c IN refs) AND ` + seen("e") + `
  RETURN collect({id: e.id, cites: [c IN e.citations WHERE c IN refs]}) AS entities
}
CALL (refs) {
  MATCH (a)-[r]->(b) WHERE size(refs) > 0 AND r.id IS NOT NULL AND any(c IN r.citations WHERE c IN refs) AND ` + seenAll("r", "a", "b") + `
  RETURN collect({id: r.id, cites: [c IN r.citations WHERE c IN refs]}) AS relationships
}
CALL (refs) {
  MATCH (a:Addition) WHERE size(refs) > 0 AND any(c IN a.citations WHERE c IN refs)
  RETURN collect({id: a.target, cites: [c IN a.citations WHERE c IN refs]}) AS additions
}
RETURN total, page, entities + additions AS entities, relationships`

// Passages searches the paragraphs of the source texts the graph holds.
func (s *Store) Passages(ctx context.Context, q kg.PassageQuery) ([]kg.PassageHit, int, error) {
	if q.First < 1 || q.First > MaxPassagePage {
		return nil, 0, kg.Errorf(kg.Invalid, "first must be between 1 and %d", MaxPassagePage)
	}
	if q.Offset < 0 {
		return nil, 0, kg.Errorf(kg.Invalid, "offset must not be negative")
	}
	query := passageQuery(q.Text)
	if query == "" {
		return []kg.PassageHit{}, 0, nil
	}
	sources := q.Sources
	if sources == nil {
		sources = []string{}
	}
	res, err := s.readQuery(ctx, passagesStatement, map[string]any{
		"query": query, "sources": sources, "first": int64(q.First), "offset": int64(q.Offset),
		"candidates": int64(searchCandidates),
	})
	if err != nil {
		return nil, 0, translate(err, "passage search failed")
	}
	r := rowOf(res.Records[0], "passage search")
	citing := map[string][]string{}
	for _, kind := range []string{"entities", "relationships"} {
		for _, x := range r.rows(kind) {
			for _, c := range x.strs("cites") {
				citing[kind+" "+c] = append(citing[kind+" "+c], x.str("id"))
			}
		}
	}
	matcher := newWordMatcher(q.Text)
	var out []kg.PassageHit
	for _, x := range r.rows("page") {
		h := kg.PassageHit{Source: x.str("source"), Paragraph: x.num("n"), Text: x.str("text")}
		ref := h.Source + "#p" + strconv.Itoa(h.Paragraph)
		h.CitedBy, h.CitingRelations = sorted(citing["entities "+ref]), sorted(citing["relationships "+ref])
		h.Snippet = matcher.snippet(h.Text)
		out = append(out, h)
	}
	total := r.num("total")
	if err := r.err(); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

func sorted(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// coverageStatement lists, for one source whose text the graph holds,
// every paragraph with the facts that cite it.
var coverageStatement = `
OPTIONAL MATCH (src:Entity {id: $id}) WHERE src:Source AND ` + seen("src") + `
OPTIONAL MATCH (t:SourceText {source: $id}) WHERE src IS NOT NULL
// OPTIONAL: a source nothing cites, or none in sight, still gives its row.
OPTIONAL CALL (src) {
  MATCH (e:Entity) WHERE src IS NOT NULL AND $id IN e.sources AND ` + seen("e") + `
  UNWIND [c IN e.citations WHERE c STARTS WITH $prefix] AS c
  RETURN toInteger(substring(c, size($prefix))) AS n
  UNION
  MATCH (a)-[r]->(b) WHERE src IS NOT NULL AND $id IN r.sources AND ` + seenAll("r", "a", "b") + `
  UNWIND [c IN r.citations WHERE c STARTS WITH $prefix] AS c
  RETURN toInteger(substring(c, size($prefix))) AS n
  UNION
  MATCH (a:Addition) WHERE src IS NOT NULL AND $id IN a.sources
  UNWIND [c IN a.citations WHERE c STARTS WITH $prefix] AS c
  RETURN toInteger(substring(c, size($prefix))) AS n
}
WITH src, t, collect(DISTINCT n) AS cited
RETURN src IS NOT NULL AS found, t.paragraphs AS paragraphs, cited,
       CASE WHEN t IS NULL THEN [] ELSE COLLECT {
         MATCH (p:Passage {source: $id}) WHERE NOT p.n IN cited RETURN {n: p.n, text: p.text} AS x ORDER BY p.n
       } END AS uncited`

// Coverage says which paragraphs of a source's text facts cite, and which
// none does yet: what is left to encode.
func (s *Store) Coverage(ctx context.Context, source string) (kg.Coverage, error) {
	res, err := s.readQuery(ctx, coverageStatement, map[string]any{"id": source, "prefix": source + "#p"})
	if err != nil {
		return kg.Coverage{}, translate(err, "reading coverage failed")
	}
	r := rowOf(res.Records[0], "reading coverage")
	if !r.flag("found") {
		return kg.Coverage{}, r.errOr(kg.Errorf(kg.NotFound, "no source has ID %q", source))
	}
	c := kg.Coverage{Source: source}
	c.Paragraphs, c.Held = r.optNum("paragraphs")
	cited, err := listOf[int64](res.Records[0], "reading coverage", "cited")
	if err != nil {
		return kg.Coverage{}, err
	}
	for _, n := range cited {
		c.Cited = append(c.Cited, int(n))
	}
	slices.Sort(c.Cited)
	for _, x := range r.rows("uncited") {
		c.Uncited = append(c.Uncited, kg.Passage{Source: source, Paragraph: x.num("n"), Text: x.str("text")})
	}
	return c, r.err()
}

// Quotes returns the text of each cited paragraph the graph holds, by
// citation, and which of the cited sources' texts it holds at all.
func (s *Store) Quotes(ctx context.Context, cites []kg.Citation) (map[string]string, map[string]bool, error) {
	rows := make([]map[string]any, len(cites))
	for i, c := range cites {
		rows[i] = map[string]any{"source": c.Source, "n": int64(c.Paragraph), "ref": c.String()}
	}
	res, err := s.readQuery(ctx, `
		UNWIND $rows AS row
		OPTIONAL MATCH (src:Entity {id: row.source}) WHERE `+seen("src")+`
		OPTIONAL MATCH (p:Passage {source: row.source, n: row.n}) WHERE src IS NOT NULL
		RETURN row.ref AS ref, row.source AS source, p.text AS text,
		       src IS NOT NULL AND EXISTS { MATCH (:SourceText {source: row.source}) } AS held`, map[string]any{"rows": rows})
	if err != nil {
		return nil, nil, translate(err, "reading quotes failed")
	}
	quotes, held := map[string]string{}, map[string]bool{}
	for _, r := range res.Records {
		m := rowOf(r, "reading quotes")
		if t := m.optStr("text"); t != "" {
			quotes[m.str("ref")] = t
		}
		if m.flag("held") {
			held[m.str("source")] = true
		}
		if err := m.err(); err != nil {
			return nil, nil, err
		}
	}
	return quotes, held, nil
}
