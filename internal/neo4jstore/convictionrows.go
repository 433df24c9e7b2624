package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// Conviction rows: the cross-case questions (Convictions, Counts) read a
// projection of the graph kept in Neo4j itself, not the graph. Each guilty
// charge of a person (or Group) in a case is one (:ConvictionRow) holding
// every part of the conviction's context that the filters, the counts and
// the page need, worked out once by convictionRowsQuery with the rules
// the whole-graph statements used (the court that convicted, the sentence
// in force, the uncertain dates). (:Tally) nodes hold the unfiltered counts
// by every dimension.
//
// Every write transaction keeps both current for what it touched (see
// wtx.touch and refreshRows): the cases whose rows could read an entity or
// relationship the write changes are found before the change and after it,
// and only their rows are written again, the tallies moving by the
// difference, before the commit. Being in the graph, the rows are shared by
// every server process on the same Neo4j, and a question after a write
// costs what it cost before it.
//
// A write that changes facts without saying what it touched rebuilds every
// case's rows: slow, but never wrong. BulkLoad and Migrate (a graph built by
// an older casegraph, or rows of an older rowsFormat) rebuild them all.

// rowsFormat is the version of what convictionRowsQuery writes. Raising it
// rebuilds the rows of every graph at the next start (ensureRows).
const rowsFormat = 1

// convictionRowsQuery writes the rows of the cases $cases, from the graph
// as it is, and returns what the tallies need of each (tallyColumns).
var convictionRowsQuery = `
UNWIND $cases AS id
MATCH (k:Entity {id: id}) WHERE k:Case
MATCH (p:Person|Group)-[:CHARGED_WITH]->(c:Charge {verdict: 'guilty'})<-[:HAS_CHARGE]-(k)
WITH p, c, k, head(COLLECT { MATCH (c)-[:UNDER_ARTICLE]->(x:LegalArticle) RETURN x ORDER BY x.id }) AS a,
     head(COLLECT { MATCH (x:Sentence)-[:FOR_CHARGE]->(c) WHERE NOT (x)-[:REPLACES]->(:Sentence)
                    RETURN x ORDER BY x.date, x.id }) AS s
WITH p, c, k, a, s, ` + sentenceInForce + ` AS sf
WITH p, c, k, a, s, sf, CASE WHEN s.date IS NOT NULL THEN s ELSE c END AS dated,
     ` + convictionCourt + ` AS court
WITH p, c, k, a, s, sf, dated, court, ` + convictionRestrictions + ` AS rs,
     CASE WHEN a IS NULL THEN null ELSE head(COLLECT { MATCH (a)-[:PART_OF*0..3]->(x:LegalArticle) WHERE NOT (x)-[:PART_OF]->(:LegalArticle)
                                                      RETURN x ORDER BY x.id }) END AS top
CREATE (r:ConvictionRow {
  case: k.id, person: p.id, charge: c.id, group: p:Group, count: p.count,
  article: a.id, top: top.id, topLabel: coalesce(top.name, top.id),
  category: c.category, country: ` + convictionCountry + `,
  sentence: s.id, sentenceKind: s.kind, sentenceTerm: s.termMonths,
  inForce: sf.id, inForceKind: sf.kind, inForceTerm: sf.termMonths,
  date: dated.date, dateText: dated.dateText, dateFirst: dated.dateEarliest, dateLast: dated.dateLatest,
  year: CASE WHEN dated.dateEarliest IS NOT NULL AND dated.dateLatest IS NOT NULL AND dated.dateEarliest.year = dated.dateLatest.year
             THEN toString(dated.date.year) END,
  court: court.id, courtLabel: coalesce(court.name, court.id),
  cities: CASE WHEN court IS NULL THEN [] ELSE COLLECT { MATCH (court)-[:LOCATED_IN*1..3]->(x:Place) RETURN DISTINCT x.id } END,
  restrictions: [x IN rs | x.id], restrictionKinds: [x IN rs | coalesce(x.kind, '')],
  restrictionCounts: [x IN rs | coalesce(x.count, -1)],
  parties: COLLECT { MATCH (p)-[:LEADS|MEMBER_OF|FOUNDED]->(x:Party) RETURN DISTINCT x.id }})
RETURN ` + tallyColumns

// tallyColumns are what a row gives the counts (countRows).
const tallyColumns = `r.case AS case, r.person AS person, r.group AS group, r.count AS count,
       r.top AS top, r.topLabel AS topLabel, r.category AS category, r.country AS country,
       r.sentenceKind AS sentenceKind, r.inForceKind AS inForceKind, r.year AS year,
       r.court AS court, r.courtLabel AS courtLabel, r.restrictionKinds AS restrictionKinds,
       r.restrictionCounts AS restrictionCounts`

// dropRowsQuery deletes the rows of $cases and returns what they gave the
// tallies.
const dropRowsQuery = `
MATCH (r:ConvictionRow) WHERE r.case IN $cases
WITH r, ` + tallyColumns + `
DELETE r
RETURN case, person, group, count, top, topLabel, category, country, sentenceKind, inForceKind, year,
       court, courtLabel, restrictionKinds, restrictionCounts`

// moveTalliesQuery adds the differences to the tallies; a tally that
// counts no one any more goes.
const moveTalliesQuery = `
UNWIND $deltas AS d
MERGE (t:Tally {id: d.dim + ' ' + d.key})
ON CREATE SET t.dim = d.dim, t.key = d.key, t.named = 0, t.unnamed = 0, t.pairs = 0
SET t.named = t.named + d.named, t.unnamed = t.unnamed + d.unnamed, t.pairs = t.pairs + d.pairs,
    t.label = coalesce(d.label, t.label)
WITH t WHERE t.pairs <= 0
DELETE t`

// caseReach gives, for each kind of entity that conviction rows read
// more of than its ID, how convictionRowsQuery reaches it from the cases
// (k) whose rows may read it (n): affectedCases follows it back. Entities
// read only by ID (a case, a party, an event) have none: only a change to
// a relationship of theirs matters, and a write touches that
// relationship's other end too (linkEnds).
var caseReach = func() map[kg.EntityType]string {
	// The charges a sentence (x) decides: through the sentence it replaces.
	const sentence = `MATCH (x)-[:REPLACES*0..8]->(:Sentence)-[:FOR_CHARGE]->(:Charge)<-[:HAS_CHARGE]-(k:Case) RETURN k`
	const charged = `MATCH (k:Case)-[:HAS_CHARGE]->(:Charge)-[:UNDER_ARTICLE]->(a)`
	court := `MATCH (n)<-[:LOCATED_IN*0..3]-(c:Court)
CALL (c) {
  MATCH (k:Case)-[:HEARD_BY]->(c) RETURN k
  UNION MATCH (k:Case)-[:HAS_PROCEEDING]->(:Proceeding)-[:HELD_BY]->(c) RETURN k
  UNION MATCH (c)<-[:HELD_BY]-(:Proceeding)<-[:IMPOSED_IN]-(x:Sentence) ` + sentence + `
  UNION MATCH (c)<-[:IMPOSED_BY]-(x:Sentence) ` + sentence + `
}
RETURN k`
	return map[kg.EntityType]string{
		kg.Charge:      `MATCH (k:Case)-[:HAS_CHARGE]->(n) RETURN k`,
		kg.Restriction: `MATCH (k:Case)-[:HAS_RESTRICTION]->(n) RETURN k`,
		kg.Sentence:    `MATCH (k:Case)-[:HAS_SENTENCE]->(n) RETURN k UNION WITH n AS x ` + sentence,
		kg.Proceeding: `MATCH (n)-[:REVIEWS*0..4]->(g:Proceeding)
CALL (g) {
  MATCH (k:Case)-[:HAS_PROCEEDING]->(g) RETURN k
  UNION MATCH (g)<-[:IMPOSED_IN]-(x:Sentence) ` + sentence + `
}
RETURN k`,
		kg.Person:       `MATCH (n)-[:CHARGED_WITH]->(:Charge)<-[:HAS_CHARGE]-(k:Case) RETURN k`,
		kg.Group:        `MATCH (n)-[:CHARGED_WITH]->(:Charge)<-[:HAS_CHARGE]-(k:Case) RETURN k`,
		kg.LegalArticle: `MATCH (n)<-[:PART_OF*0..3]-(a:LegalArticle) ` + charged + ` RETURN k`,
		kg.LegalCode:    `MATCH (n)<-[:IN_CODE]-(a:LegalArticle) ` + charged + ` RETURN k`,
		kg.Court:        court,
		kg.Place:        court,
	}
}()

// linkEnds returns the ends of a relationship whose cases a change to it
// may affect: the end that convictionRowsQuery reads the relationship
// from, which affectedCases follows back to the cases.
func linkEnds(t kg.RelType, from, to string) []string {
	switch t {
	case "CHARGED_WITH", "SUBJECT_TO", "TRIED_IN", "FOR_CHARGE":
		return []string{to}
	case "REPLACES", "REVIEWS":
		return []string{from, to}
	case "HAS_CHARGE", "HAS_SENTENCE", "HAS_RESTRICTION", "HAS_PROCEEDING", "HEARD_BY",
		"UNDER_ARTICLE", "PART_OF", "IN_CODE", "IMPOSED_IN", "IMPOSED_BY", "HELD_BY", "LOCATED_IN",
		"LEADS", "MEMBER_OF", "FOUNDED":
		return []string{from}
	}
	return nil
}

// touched is what a write has said it changes, for refreshRows.
type touched struct {
	said  bool            // touch or noFacts was called
	ids   map[string]bool // entities whose cases are found again after the work
	cases map[string]bool // cases found so far
}

// touch says the write is about to change the entities ids (their
// properties, or their being) and finds their cases as the graph stands,
// before the change; refreshRows finds them again after it.
func (w *wtx) touch(ctx context.Context, ids ...string) error {
	w.facts.said = true
	if w.facts.ids == nil {
		w.facts.ids, w.facts.cases = map[string]bool{}, map[string]bool{}
	}
	var fresh []string
	for _, id := range ids {
		if id != "" && !w.facts.ids[id] {
			w.facts.ids[id] = true
			fresh = append(fresh, id)
		}
	}
	cases, err := affectedCases(ctx, w, fresh)
	for _, k := range cases {
		w.facts.cases[k] = true
	}
	return err
}

// touchLinks says the write is about to change relationships, each given
// as a map with type, from and to (as allLinks and readRelation give them).
func (w *wtx) touchLinks(ctx context.Context, links ...map[string]any) error {
	var ids []string
	for _, l := range links {
		ids = append(ids, linkEnds(kg.RelType(str(l["type"])), str(l["from"]), str(l["to"]))...)
	}
	return w.touch(ctx, ids...)
}

// noFacts says the write changes nothing that conviction rows read
// (saved investigations, source texts, judgements of duplicates).
func (w *wtx) noFacts() { w.facts.said = true }

// affectedCases finds the cases whose rows may read the entities ids: a
// case itself, and for the other entities one statement per kind that
// reaches further (caseReach).
func affectedCases(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) ([]string, error) {
	byType := map[kg.EntityType][]string{}
	var out []string
	for _, id := range ids {
		t, _ := kg.TypeOfID(id)
		switch {
		case t == kg.Case:
			out = append(out, id)
		case caseReach[t] != "":
			byType[t] = append(byType[t], id)
		}
	}
	for _, t := range kg.EntityTypes {
		if len(byType[t]) == 0 {
			continue
		}
		res, err := tx.Run(ctx, `UNWIND $ids AS id
MATCH (n:Entity {id: id})
CALL (n) {
`+caseReach[t]+`
}
RETURN collect(DISTINCT k.id) AS cases`, map[string]any{"ids": byType[t]})
		if err != nil {
			return nil, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return nil, err
		}
		cases, err := listOf[string](rec, "finding the cases a write touched", "cases")
		if err != nil {
			return nil, err
		}
		out = append(out, cases...)
	}
	return out, nil
}

// refreshRows rewrites, before the commit, the rows of every case the
// write touched (all of them if it did not say) and moves the tallies. It
// returns what the write changed, for the record of changes.
func refreshRows(ctx context.Context, w *wtx) (graphChange, error) {
	if !w.facts.said {
		cases, err := allCases(ctx, w)
		if err != nil {
			return graphChange{}, err
		}
		return everything, rewriteRows(ctx, w, cases)
	}
	ids := sortedKeys(w.facts.ids)
	after, err := affectedCases(ctx, w, ids)
	if err != nil {
		return graphChange{}, err
	}
	for _, k := range after {
		w.facts.cases[k] = true
	}
	cases := sortedKeys(w.facts.cases)
	return graphChange{cases: cases}, rewriteRows(ctx, w, cases)
}

// allCases lists every case, and every case the rows name that is gone.
func allCases(ctx context.Context, tx neo4j.ManagedTransaction) ([]string, error) {
	res, err := tx.Run(ctx, `CALL () { MATCH (k:Case) RETURN k.id AS id UNION MATCH (r:ConvictionRow) RETURN DISTINCT r.case AS id }
		RETURN id ORDER BY id`, nil)
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		id, err := col[string](r, "listing the cases", "id")
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// rewriteRows writes the rows of cases anew and moves the tallies by the
// difference.
func rewriteRows(ctx context.Context, tx neo4j.ManagedTransaction, cases []string) error {
	if len(cases) == 0 {
		return nil
	}
	params := map[string]any{"cases": cases}
	old, err := collectRows(ctx, tx, "dropping conviction rows", dropRowsQuery, params)
	if err != nil {
		return err
	}
	fresh, err := collectRows(ctx, tx, "writing conviction rows", convictionRowsQuery, params)
	if err != nil {
		return err
	}
	deltas := tallyDeltas(old, fresh)
	if err := errors.Join(rowsErr(old), rowsErr(fresh)); err != nil {
		return err
	}
	if len(deltas) == 0 {
		return nil
	}
	_, err = tx.Run(ctx, moveTalliesQuery, map[string]any{"deltas": deltas})
	return err
}

// collectRows runs a statement in a transaction and returns its rows.
func collectRows(ctx context.Context, tx neo4j.ManagedTransaction, what, query string, params map[string]any) ([]row, error) {
	res, err := tx.Run(ctx, query, params)
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	return recordRows(recs, what), nil
}

// tallyDims are the dimensions the tallies keep, each with its name in a
// tally's ID.
var tallyDims = []kg.CountDimension{kg.ByArticle, kg.ByCourt, kg.ByYear, kg.ByRestriction, kg.BySentence, kg.ByCategory, kg.ByCountry}

// tallyDeltas is what the tallies gain from fresh rows and lose from old.
func tallyDeltas(old, fresh []row) []map[string]any {
	type key struct{ dim, key string }
	sum := map[key]*groupTally{}
	var order []key
	add := func(rows []row, sign int) {
		for _, dim := range tallyDims {
			for _, g := range countRows(rows, dim, false) {
				k := key{string(dim), g.Key}
				t := sum[k]
				if t == nil {
					t = &groupTally{}
					sum[k] = t
					order = append(order, k)
				}
				t.named += sign * g.Named
				t.unnamed += sign * g.Unnamed
				t.pairs += sign * g.pairs
				if sign > 0 {
					t.label = g.Label
				}
			}
		}
	}
	add(old, -1)
	add(fresh, 1)
	var out []map[string]any
	for _, k := range order {
		t := sum[k]
		if t.named == 0 && t.unnamed == 0 && t.pairs == 0 && t.label == "" {
			continue
		}
		d := map[string]any{"dim": k.dim, "key": k.key, "named": int64(t.named), "unnamed": int64(t.unnamed), "pairs": int64(t.pairs), "label": nil}
		if t.label != "" {
			d["label"] = t.label
		}
		out = append(out, d)
	}
	return out
}

type groupTally struct {
	named, unnamed, pairs int
	label                 string
}

// counted is one group of a count, with how many person-case pairs (or,
// by article, person-case-article triples) it holds, which says whether a
// tally still counts anyone.
type counted struct {
	kg.GroupCount
	pairs int
}

// countRows counts rows (of tallyColumns) by one dimension, as the
// whole-graph statements did: people convicted in a case, not charges; a
// Group as the people it stands for, or as the part of it a restriction
// binds. inForce counts by the sentence in force rather than the imposed.
func countRows(rows []row, by kg.CountDimension, inForce bool) []counted {
	type pair struct{ key, person, kase string }
	type who struct {
		group bool
		count int
		some  int64
		has   bool
	}
	byPair := map[pair]*who{}
	labels := map[string]string{}
	var pairs []pair
	for _, r := range rows {
		keys := rowKeys(r, by, inForce)
		for _, k := range keys {
			p := pair{k.key, r.str("person"), r.str("case")}
			if by == kg.ByArticle {
				// By article a Group counts once per article and case, as
				// the people it stands for, whichever row it came from.
				p.person += "\x00" + fmt.Sprint(unnamedOf(r))
			}
			w := byPair[p]
			if w == nil {
				w = &who{group: r.flag("group"), count: groupCount(r)}
				byPair[p] = w
				pairs = append(pairs, p)
				labels[k.key] = k.label
			}
			if k.some != nil && (!w.has || *k.some > w.some) {
				w.some, w.has = *k.some, true
			}
		}
	}
	groups := map[string]*counted{}
	var keys []string
	for _, p := range pairs {
		w := byPair[p]
		g := groups[p.key]
		if g == nil {
			g = &counted{GroupCount: kg.GroupCount{Key: p.key, Label: labels[p.key]}}
			groups[p.key] = g
			keys = append(keys, p.key)
		}
		g.pairs++
		switch {
		case by == kg.ByArticle:
			n := unnamedOfWho(w.group, w.count)
			if n == 0 {
				g.Named++
			}
			g.Unnamed += n
		case !w.group:
			g.Named++
		case w.has:
			g.Unnamed += int(w.some)
		default:
			g.Unnamed += w.count
		}
	}
	out := make([]counted, 0, len(keys))
	for _, k := range keys {
		out = append(out, *groups[k])
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Named+a.Unnamed != b.Named+b.Unnamed {
			return a.Named+a.Unnamed > b.Named+b.Unnamed
		}
		return a.Key < b.Key
	})
	return out
}

type rowKey struct {
	key, label string
	some       *int64
}

// rowKeys are the keys a row counts under by one dimension.
func rowKeys(r row, by kg.CountDimension, inForce bool) []rowKey {
	one := func(k, label string) []rowKey {
		if r.isNull(k) {
			return nil
		}
		l := r.str(label)
		return []rowKey{{key: r.str(k), label: l}}
	}
	switch by {
	case kg.ByArticle:
		return one("top", "topLabel")
	case kg.ByCourt:
		return one("court", "courtLabel")
	case kg.ByYear:
		return one("year", "year")
	case kg.ByCategory:
		return one("category", "category")
	case kg.ByCountry:
		return one("country", "country")
	case kg.BySentence:
		if inForce {
			return one("inForceKind", "inForceKind")
		}
		return one("sentenceKind", "sentenceKind")
	case kg.ByRestriction:
		kinds := r.strs("restrictionKinds")
		// A kind's count is null where the sources give none.
		counts, err := col[[]any](r.c, r.what, "restrictionCounts")
		r.keep(err)
		var out []rowKey
		for i, k := range kinds {
			if k == "" {
				continue
			}
			rk := rowKey{key: k, label: k}
			if i < len(counts) {
				if n, ok := counts[i].(int64); ok && n >= 0 {
					rk.some = &n
				}
			}
			out = append(out, rk)
		}
		return out
	}
	return nil
}

// unnamedOf is how many unnamed people a row's person stands for: 0 for a
// named person, the count of a Group.
func unnamedOf(r row) int { return unnamedOfWho(r.flag("group"), groupCount(r)) }

func unnamedOfWho(group bool, count int) int {
	if !group {
		return 0
	}
	return count
}

// groupCount is the count column of a row: a Group's count, 1 when the
// sources give none.
func groupCount(r row) int {
	if n, ok := r.optNum("count"); ok {
		return n
	}
	return 1
}

// readTallies returns the unfiltered counts by one dimension.
func (s *Store) readTallies(ctx context.Context, by kg.CountDimension) ([]kg.GroupCount, error) {
	res, err := s.readQuery(ctx, `
		MATCH (t:Tally) WHERE t.dim = $dim
		RETURN t.key AS key, t.label AS label, t.named AS named, t.unnamed AS unnamed
		ORDER BY named + unnamed DESC, key`, map[string]any{"dim": string(by)})
	if err != nil {
		return nil, err
	}
	return groupCounts(res)
}

// groupCounts reads records of key, label, named and unnamed.
func groupCounts(res *neo4j.EagerResult) ([]kg.GroupCount, error) {
	out := make([]kg.GroupCount, 0, len(res.Records))
	for _, rec := range res.Records {
		r := rowOf(rec, "reading counts")
		out = append(out, kg.GroupCount{Key: r.str("key"), Label: r.str("label"), Named: r.num("named"), Unnamed: r.num("unnamed")})
		if err := r.err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rebuildBatch is how many cases one transaction of a rebuild writes.
const rebuildBatch = 500

// RebuildConvictionRows writes the conviction rows of every case anew,
// and of every case the rows name that is gone, moving the tallies, a
// batch of cases per transaction, each under the graph's write lock so
// that writes running meanwhile keep theirs current. It repairs rows that
// writes made outside casegraph (Cypher typed into a console) left behind.
func (s *Store) RebuildConvictionRows(ctx context.Context) error {
	return s.rebuildRows(ctx, false)
}

// rebuildRows rebuilds the rows; from scratch drops every row and tally
// first, for rows of another format, whose tallies they cannot correct.
func (s *Store) rebuildRows(ctx context.Context, fromScratch bool) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	cases, err := neo4j.ExecuteWrite(ctx, sess, func(driverTx neo4j.ManagedTransaction) ([]string, error) {
		tx := s.transaction(driverTx, neo4j.AccessModeWrite)
		defer tx.endOpen()
		if _, err := tx.Run(ctx, writeLockQuery, nil); err != nil {
			return nil, err
		}
		if fromScratch {
			if _, err := tx.Run(ctx, "MATCH (x:ConvictionRow|Tally) DETACH DELETE x", nil); err != nil {
				return nil, err
			}
		}
		return allCases(ctx, tx)
	})
	if err != nil {
		return translate(err, "rebuilding conviction rows failed")
	}
	for start := 0; start < len(cases); start += rebuildBatch {
		batch := cases[start:min(start+rebuildBatch, len(cases))]
		_, err := neo4j.ExecuteWrite(ctx, sess, func(driverTx neo4j.ManagedTransaction) (struct{}, error) {
			tx := s.transaction(driverTx, neo4j.AccessModeWrite)
			defer tx.endOpen()
			if _, err := tx.Run(ctx, writeLockQuery, nil); err != nil {
				return struct{}{}, err
			}
			return struct{}{}, rewriteRows(ctx, tx, batch)
		})
		if err != nil {
			return translate(err, "rebuilding conviction rows failed")
		}
	}
	// The version first: rows marked current whose change kept answers
	// never heard of would be served stale.
	if _, err := s.execute(ctx, neo4j.AccessModeWrite, changeQuery, everything.params()); err != nil {
		return translate(err, "rebuilding conviction rows failed")
	}
	_, err = s.execute(ctx, neo4j.AccessModeWrite, `MERGE (g:GraphState {id: 'graph'}) SET g.rowsFormat = $format`,
		map[string]any{"format": int64(rowsFormat)})
	return translate(err, "rebuilding conviction rows failed")
}

// ensureRows rebuilds the conviction rows from scratch when the graph's
// were written by another rowsFormat, or never.
func (s *Store) ensureRows(ctx context.Context) error {
	res, err := s.execute(ctx, neo4j.AccessModeWrite, `OPTIONAL MATCH (g:GraphState {id: 'graph'}) RETURN g.rowsFormat AS format`, nil)
	if err != nil {
		return translate(err, "reading the conviction rows' format failed")
	}
	format, _, err := optCol[int64](res.Records[0], "reading the conviction rows' format", "format")
	if err != nil {
		return err
	}
	if format == rowsFormat {
		return nil
	}
	return s.rebuildRows(ctx, true)
}

// unfiltered says whether a filter asks for every conviction.
func unfiltered(f kg.ConvictionFilter) bool {
	return len(f.Articles) == 0 && len(f.Courts) == 0 && len(f.Cities) == 0 && len(f.RestrictionKinds) == 0 &&
		len(f.SentenceKinds) == 0 && len(f.Parties) == 0 && len(f.Countries) == 0 && len(f.Categories) == 0 &&
		f.From == nil && f.To == nil && f.Unpunished == nil && !f.InForce
}
