package neo4jstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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
// rebuilds the rows of every graph at the next start (ensureRows). 2: rows
// are written per sight (among, sights).
const rowsFormat = 2

// Visibility. A case's rows are what the graph gives them with the facts
// out of a reader's sight never imported, and that depends on the sight
// in no simple way: a hidden article leaves the next one to head a
// charge, a hidden hearing makes another the only one that convicted. So
// the rows of a case whose rows read restricted facts (reachQuery) are
// written once per variant: for each set of those facts' groups a reader
// may hold (rowJobs), the rows the case has when every fact restricted to
// groups outside the set is gone. Each of them (labelled Variant) holds
// among, the groups of the facts the case's rows read, sorted, and sights,
// each set of them (joined, each after a comma, "" for none) under which
// they are the case's rows; a reader sees the rows of the set of among it
// holds (rowSeen). The rows of a case that reads no restricted fact hold
// neither and are everyone's, which is what a question reads of nearly
// every row. The tallies count what a reader without groups sees: rows
// without among, and the variants for no group.

// maxRowGroups bounds the groups the facts of one case's rows may be
// restricted to: its variants are up to 2 to that power.
const maxRowGroups = 10

// rowSeen is the condition that the conviction row r is in the reader's
// sight: a row everyone sees is told by its label alone.
const rowSeen = `(NOT r:Variant OR ` + variantSeen + `)`

// variantSeen is the condition that the Variant row r is the reader's.
const variantSeen = `reduce(rs_s = '', rs_g IN [rs_g IN r.among WHERE $sightAll OR rs_g IN $sightGroups] | rs_s + ',' + rs_g) IN r.sights`

// rowSeenUnder is rowSeen of a row whose charge a question found under
// the articles $articles through the graph, paths out of sight included.
// A row everyone sees read no restricted fact of its charge's articles,
// so the path was in every sight; a Variant row holds the articles its
// charge is under in its sight (articles).
const rowSeenUnder = `(NOT r:Variant OR (` + variantSeen + ` AND any(a IN r.articles WHERE a IN $articles)))`

// rowPublic is the condition that the conviction row r is one a reader
// without groups sees, which the tallies count.
const rowPublic = `(NOT r:Variant OR '' IN r.sights)`

// jobSeen is see (patterns.go) for convictionRowsQuery: the facts bound
// to vs are in the sight of the variant being written, job.groups. A fact
// restricted to groups the reach of a case did not find is out of every
// variant's sight.
func jobSeen(vs ...string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = "(" + v + ".groups IS NULL OR any(job_g IN " + v + ".groups WHERE job_g IN job.groups))"
	}
	return strings.Join(parts, " AND ")
}

// convictionRowsQuery writes the rows of the variants $jobs (rowJobs), each
// the rows of a case in one sight, from the graph as it is, and returns
// what the tallies need of those a reader without groups sees
// (tallyColumns).
var convictionRowsQuery = `
UNWIND $jobs AS job
MATCH (k:Entity {id: job.case}) WHERE k:Case AND ` + jobSeen("k") + `
MATCH (p:Person|Group)-[pc:CHARGED_WITH]->(c:Charge {verdict: 'guilty'})<-[kc:HAS_CHARGE]-(k)
WHERE ` + jobSeen("p", "pc", "c", "kc") + `
WITH job, p, c, k, head(COLLECT { MATCH (c)-[ca:UNDER_ARTICLE]->(x:LegalArticle) WHERE ` + jobSeen("ca", "x") + ` RETURN x ORDER BY x.id }) AS a,
     head(COLLECT { MATCH (x:Sentence)-[xc:FOR_CHARGE]->(c)
                    WHERE ` + jobSeen("x", "xc") + ` AND NOT EXISTS { MATCH (x)-[xr:REPLACES]->(xy:Sentence) WHERE ` + jobSeen("xr", "xy") + ` }
                    RETURN x ORDER BY x.date, x.id }) AS s
WITH job, p, c, k, a, s, ` + sentenceInForce(jobSeen) + ` AS sf
WITH job, p, c, k, a, s, sf, CASE WHEN s.date IS NOT NULL THEN s ELSE c END AS dated,
     ` + convictionCourt(jobSeen) + ` AS court
WITH job, p, c, k, a, s, sf, dated, court, ` + convictionRestrictions(jobSeen) + ` AS rs,
     CASE WHEN a IS NULL THEN null ELSE head(COLLECT { MATCH tq = (a)-[:PART_OF*0..3]->(x:LegalArticle)
                                                      WHERE ` + pathSeen(jobSeen, "tq") + `
                                                        AND NOT EXISTS { MATCH (x)-[xp:PART_OF]->(xu:LegalArticle) WHERE ` + jobSeen("xp", "xu") + ` }
                                                      RETURN x ORDER BY x.id }) END AS top
CREATE (r:ConvictionRow {
  case: k.id, person: p.id, charge: c.id, group: p:Group, count: p.count,
  article: a.id, top: top.id, topLabel: coalesce(top.name, top.id),
  category: c.category, country: ` + convictionCountry(jobSeen) + `,
  sentence: s.id, sentenceKind: s.kind, sentenceTerm: s.termMonths,
  inForce: sf.id, inForceKind: sf.kind, inForceTerm: sf.termMonths,
  date: dated.date, dateText: dated.dateText, dateFirst: dated.dateEarliest, dateLast: dated.dateLatest,
  year: CASE WHEN dated.dateEarliest IS NOT NULL AND dated.dateLatest IS NOT NULL AND dated.dateEarliest.year = dated.dateLatest.year
             THEN toString(dated.date.year) END,
  court: court.id, courtLabel: coalesce(court.name, court.id),
  cities: CASE WHEN court IS NULL THEN [] ELSE COLLECT { MATCH cq = (court)-[:LOCATED_IN*1..3]->(x:Place) WHERE ` + pathSeen(jobSeen, "cq") + ` RETURN DISTINCT x.id } END,
  restrictions: [x IN rs | x.id], restrictionKinds: [x IN rs | coalesce(x.kind, '')],
  restrictionCounts: [x IN rs | coalesce(x.count, -1)],
  parties: COLLECT { MATCH (p)-[pl:LEADS|MEMBER_OF|FOUNDED]->(x:Party) WHERE ` + jobSeen("pl", "x") + ` RETURN DISTINCT x.id },
  articles: CASE WHEN job.among IS NULL THEN null ELSE COLLECT {
    MATCH aq = (c)-[:UNDER_ARTICLE]->(:LegalArticle)-[:PART_OF*0..3]->(x:LegalArticle) WHERE ` + pathSeen(jobSeen, "aq") + ` RETURN DISTINCT x.id } END,
  among: job.among, sights: job.sights})
FOREACH (variant IN CASE WHEN job.among IS NULL THEN [] ELSE [true] END | SET r:Variant)
WITH r WHERE ` + rowPublic + `
RETURN ` + tallyColumns

// tallyColumns are what a row gives the counts (countRows).
const tallyColumns = `r.case AS case, r.person AS person, r.group AS group, r.count AS count,
       r.top AS top, r.topLabel AS topLabel, r.category AS category, r.country AS country,
       r.sentenceKind AS sentenceKind, r.inForceKind AS inForceKind, r.year AS year,
       r.court AS court, r.courtLabel AS courtLabel, r.restrictionKinds AS restrictionKinds,
       r.restrictionCounts AS restrictionCounts`

// dropRowsQuery deletes the rows of $cases and returns what those a
// reader without groups saw gave the tallies.
var dropRowsQuery = `
MATCH (r:ConvictionRow) WHERE r.case IN $cases
WITH r, ` + rowPublic + ` AS public, ` + tallyColumns + `
DELETE r
WITH * WHERE public
RETURN case, person, group, count, top, topLabel, category, country, sentenceKind, inForceKind, year,
       court, courtLabel, restrictionKinds, restrictionCounts`

// reachQuery finds, for each case of $cases, the groups of every
// restricted fact that convictionRowsQuery may read for it, as sets
// (each group after a comma): the case, its charges and who was charged
// with them, their articles up the hierarchy and codes, their sentences
// and every sentence that replaced one, the hearings those were imposed
// in, those that reviewed them and who was tried there, the case's
// hearings, courts and their places, restrictions, and the parties of the
// charged. It reads more than the rows do (a sentence's court whether or
// not it convicted), which at worst writes variants that agree.
const reachQuery = `
UNWIND $cases AS id
MATCH (k:Entity {id: id}) WHERE k:Case
CALL (k) {
  RETURN [k] AS facts
  UNION ALL MATCH q = (k)-[:HAS_CHARGE]->(:Charge)<-[:CHARGED_WITH]-() RETURN nodes(q) + relationships(q) AS facts
  UNION ALL MATCH q = (k)-[:HAS_CHARGE]->(:Charge)<-[:CHARGED_WITH]-()-[:LEADS|MEMBER_OF|FOUNDED]->() RETURN nodes(q) + relationships(q) AS facts
  UNION ALL MATCH q = (k)-[:HAS_CHARGE]->(:Charge)-[:UNDER_ARTICLE]->()-[:PART_OF*0..4]->() RETURN nodes(q) + relationships(q) AS facts
  UNION ALL MATCH q = (k)-[:HAS_CHARGE]->(:Charge)-[:UNDER_ARTICLE]->()-[:IN_CODE]->() RETURN nodes(q) + relationships(q) AS facts
  UNION ALL MATCH q = (k)-[:HAS_CHARGE]->(:Charge)<-[:FOR_CHARGE]-(:Sentence)-[:REPLACES]->() RETURN nodes(q) + relationships(q) AS facts
  UNION ALL MATCH q = (k)-[:HAS_CHARGE]->(:Charge)<-[:FOR_CHARGE]-(:Sentence)<-[:REPLACES*0..9]-(x)
    CALL (x) {
      RETURN [] AS more
      UNION ALL MATCH m = (x)-[:IMPOSED_IN]->()<-[:REVIEWS*0..4]-() RETURN nodes(m) + relationships(m) AS more
      UNION ALL MATCH m = (x)-[:IMPOSED_IN]->()<-[:REVIEWS*0..4]-()<-[:TRIED_IN]-() RETURN nodes(m) + relationships(m) AS more
      UNION ALL MATCH m = (x)-[:IMPOSED_IN]->()-[:HELD_BY]->()-[:LOCATED_IN*0..3]->() RETURN nodes(m) + relationships(m) AS more
      UNION ALL MATCH m = (x)-[:IMPOSED_BY]->()-[:LOCATED_IN*0..3]->() RETURN nodes(m) + relationships(m) AS more
    }
    RETURN nodes(q) + relationships(q) + more AS facts
  UNION ALL MATCH q = (k)-[:HAS_PROCEEDING]->()-[:HELD_BY]->()-[:LOCATED_IN*0..3]->() RETURN nodes(q) + relationships(q) AS facts
  UNION ALL MATCH q = (k)-[:HAS_PROCEEDING]->()<-[:TRIED_IN]-() RETURN nodes(q) + relationships(q) AS facts
  UNION ALL MATCH q = (k)-[:HEARD_BY]->()-[:LOCATED_IN*0..3]->() RETURN nodes(q) + relationships(q) AS facts
  UNION ALL MATCH q = (k)-[:HAS_RESTRICTION]->()<-[:SUBJECT_TO]-() RETURN nodes(q) + relationships(q) AS facts
}
UNWIND facts AS x
WITH k, x WHERE x.groups IS NOT NULL
RETURN k.id AS case, collect(DISTINCT reduce(s = '', g IN x.groups | s + ',' + g)) AS sets`

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
// more of than its ID, or whose being in a reader's sight they read (a
// change of its groups), how convictionRowsQuery reaches it from the
// cases (k) whose rows may read it (n): affectedCases follows it back. It
// follows reachQuery. Entities read only by ID and never restricted apart
// from what they are read through have none: only a change to a
// relationship of theirs matters, and a write touches that
// relationship's other end too (linkEnds).
var caseReach = func() map[kg.EntityType]string {
	// The charges a sentence (x) decides: through the sentences it
	// replaces or that replace it.
	const sentence = `MATCH (x)-[:REPLACES*0..9]-(:Sentence)-[:FOR_CHARGE]->(:Charge)<-[:HAS_CHARGE]-(k:Case) RETURN k`
	const charged = `MATCH (k:Case)-[:HAS_CHARGE]->(:Charge)-[:UNDER_ARTICLE]->(a)`
	court := `MATCH (n)<-[:LOCATED_IN*0..3]-(c:Court)
CALL (c) {
  MATCH (k:Case)-[:HEARD_BY]->(c) RETURN k
  UNION MATCH (k:Case)-[:HAS_PROCEEDING]->(:Proceeding)-[:HELD_BY]->(c) RETURN k
  UNION MATCH (c)<-[:HELD_BY]-(:Proceeding)<-[:IMPOSED_IN]-(x:Sentence) ` + sentence + `
  UNION MATCH (c)<-[:IMPOSED_BY]-(x:Sentence) ` + sentence + `
}
RETURN k`
	proceeding := `CALL (g) {
  MATCH (k:Case)-[:HAS_PROCEEDING]->(g) RETURN k
  UNION MATCH (g)<-[:IMPOSED_IN]-(x:Sentence) ` + sentence + `
}
RETURN k`
	// Who is charged, or tried in a hearing whose verdict may overturn a
	// sentence.
	defendant := `CALL (n) {
  MATCH (n)-[:CHARGED_WITH]->(:Charge)<-[:HAS_CHARGE]-(k:Case) RETURN k
  UNION MATCH (n)-[:TRIED_IN]->(:Proceeding)-[:REVIEWS*0..4]->(g:Proceeding) ` + proceeding + `
}
RETURN k`
	return map[kg.EntityType]string{
		kg.Charge:       `MATCH (k:Case)-[:HAS_CHARGE]->(n) RETURN k`,
		kg.Restriction:  `MATCH (k:Case)-[:HAS_RESTRICTION]->(n) RETURN k`,
		kg.Sentence:     `MATCH (k:Case)-[:HAS_SENTENCE]->(n) RETURN k UNION WITH n AS x ` + sentence,
		kg.Proceeding:   `MATCH (n)-[:REVIEWS*0..4]->(g:Proceeding) ` + proceeding,
		kg.Person:       defendant,
		kg.Group:        defendant,
		kg.Party:        `MATCH (n)<-[:LEADS|MEMBER_OF|FOUNDED]-(:Person|Group)-[:CHARGED_WITH]->(:Charge)<-[:HAS_CHARGE]-(k:Case) RETURN k`,
		kg.LegalArticle: `MATCH (n)<-[:PART_OF*0..4]-(a:LegalArticle) ` + charged + ` RETURN k`,
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
	jobs, err := variants(ctx, tx, cases)
	if err != nil {
		return err
	}
	fresh, err := collectRows(ctx, tx, "writing conviction rows", convictionRowsQuery, map[string]any{"jobs": jobs})
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

// variants finds what the rows of cases read that is restricted
// (reachQuery) and returns the variants to write (rowJobs).
func variants(ctx context.Context, tx neo4j.ManagedTransaction, cases []string) ([]map[string]any, error) {
	res, err := tx.Run(ctx, reachQuery, map[string]any{"cases": cases})
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	sets := make(map[string][]string, len(recs))
	for _, rec := range recs {
		r := rowOf(rec, "finding what conviction rows read")
		sets[r.str("case")] = r.strs("sets")
		if err := r.err(); err != nil {
			return nil, err
		}
	}
	var jobs []map[string]any
	for _, k := range cases {
		js, err := rowJobs(k, sets[k])
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, js...)
	}
	return jobs, nil
}

// rowJobs are the variants of the rows of case kase, whose rows read
// facts restricted to sets (groups, each after a comma): one for a case
// that reads none, everyone's; else one per set of sets a reader may see,
// each with every set of groups of among that sees just those.
func rowJobs(kase string, sets []string) ([]map[string]any, error) {
	if len(sets) == 0 {
		return []map[string]any{{"case": kase, "groups": []string{}, "among": nil, "sights": nil}}, nil
	}
	restricted := make([][]string, len(sets))
	var among []string
	for i, set := range sets {
		restricted[i] = strings.Split(strings.TrimPrefix(set, ","), ",")
		among = append(among, restricted[i]...)
	}
	among = dedupeStrings(among)
	if len(among) > maxRowGroups {
		return nil, kg.Errorf(kg.Invalid, "the facts the convictions of %s read are restricted to %d groups, more than %d", kase, len(among), maxRowGroups)
	}
	var jobs []map[string]any
	byView := map[string]map[string]any{}
	for mask := 0; mask < 1<<len(among); mask++ {
		var held []string
		sight := ""
		for i, g := range among {
			if mask&(1<<i) != 0 {
				held = append(held, g)
				sight += "," + g
			}
		}
		// What a reader holding held sees of the restricted facts.
		view := make([]byte, len(restricted))
		for i, set := range restricted {
			view[i] = '0'
			if slices.ContainsFunc(set, func(g string) bool { return slices.Contains(held, g) }) {
				view[i] = '1'
			}
		}
		job := byView[string(view)]
		if job == nil {
			job = map[string]any{"case": kase, "groups": append([]string{}, held...), "among": among, "sights": []string{}}
			byView[string(view)] = job
			jobs = append(jobs, job)
		}
		job["sights"] = append(job["sights"].([]string), sight)
	}
	return jobs, nil
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
	slices.SortFunc(out, func(a, b counted) int { return compareCounts(a.GroupCount, b.GroupCount) })
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

// talliesQuery reads the tallies of one dimension, which count what a
// reader without groups sees, and the rows of the cases whose rows vary
// by sight where the reader sees other rows than those: the counts move
// by the rows the reader sees beside them (seen) and those it does not.
// How many pairs a tally counts, which says whether it counts anyone
// once moved, is read only when the counts move.
var talliesQuery = `
CALL () {
  WITH 0 AS none WHERE $sightAll OR any(g IN $sightGroups WHERE g <> '` + noGroup + `')
  MATCH (r:Variant)
  WITH r, ` + rowSeen + ` AS seen, ` + rowPublic + ` AS public
  WHERE seen <> public
  RETURN collect({seen: seen, ` + tallyMap + `}) AS variants
}
CALL (variants) {
  MATCH (t:Tally) WHERE t.dim = $dim
  RETURN collect({key: t.key, label: t.label, named: t.named, unnamed: t.unnamed,
                  pairs: CASE WHEN size(variants) = 0 THEN 1 ELSE t.pairs END}) AS tallies
}
RETURN tallies, variants`

// tallyMap is tallyColumns as the entries of a map.
var tallyMap = func() string {
	var parts []string
	for _, c := range strings.Split(tallyColumns, ",") {
		expr, name, _ := strings.Cut(strings.TrimSpace(c), " AS ")
		parts = append(parts, name+": "+expr)
	}
	return strings.Join(parts, ", ")
}()

// readTallies returns the unfiltered counts by one dimension, in the
// reader's sight.
func (s *Store) readTallies(ctx context.Context, by kg.CountDimension) ([]kg.GroupCount, error) {
	res, err := s.readQuery(ctx, talliesQuery, map[string]any{"dim": string(by)})
	if err != nil {
		return nil, err
	}
	rec := rowOf(res.Records[0], "reading counts")
	byKey := map[string]*counted{}
	var keys []string
	move := func(g counted, sign int) {
		c := byKey[g.Key]
		if c == nil {
			c = &counted{GroupCount: kg.GroupCount{Key: g.Key, Label: g.Label}}
			byKey[g.Key] = c
			keys = append(keys, g.Key)
		}
		c.Named += sign * g.Named
		c.Unnamed += sign * g.Unnamed
		c.pairs += sign * g.pairs
	}
	for _, t := range rec.rows("tallies") {
		move(counted{GroupCount: kg.GroupCount{Key: t.str("key"), Label: t.str("label"), Named: t.num("named"), Unnamed: t.num("unnamed")}, pairs: t.num("pairs")}, 1)
	}
	var seen, unseen []row
	for _, r := range rec.rows("variants") {
		if r.flag("seen") {
			seen = append(seen, r)
		} else {
			unseen = append(unseen, r)
		}
	}
	for _, g := range countRows(seen, by, false) {
		move(g, 1)
	}
	for _, g := range countRows(unseen, by, false) {
		move(g, -1)
	}
	if err := rec.err(); err != nil {
		return nil, err
	}
	out := make([]kg.GroupCount, 0, len(keys))
	for _, k := range keys {
		if c := byKey[k]; c.pairs > 0 {
			out = append(out, c.GroupCount)
		}
	}
	slices.SortFunc(out, compareCounts)
	return out, nil
}

// compareCounts orders counts as every count is: the most people first,
// then by key.
func compareCounts(a, b kg.GroupCount) int {
	return cmp.Or(cmp.Compare(b.Named+b.Unnamed, a.Named+a.Unnamed), strings.Compare(a.Key, b.Key))
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
