package neo4jstore

import (
	"context"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// The whole-graph statements that answered Convictions and Counts before
// the conviction rows: kept here as the oracle the rows are tested against
// (convictionrows_test.go), so that a change to the rows' rules that these
// statements do not share shows up as a difference.

// convictionRows finds guilty charges with their context and applies a
// ConvictionFilter. It leaves p (the person, or a Group of people the
// sources do not name), k (case), c (charge), a (article), s (the sentence
// the convicting court imposed), sf (the sentence the filter asks about:
// s, or the one in force), d and dText (the date) in scope, and court as
// well when the filter names courts or cities (courtFirst). The sentence
// and date are worked out only if the filter or the statement after
// (need) uses them, null otherwise; the rest of a conviction's context is
// worked out by the statements that need it, for the rows that remain: a
// page of twenty does not pay for the courts of thousands. Only the
// filters f sets are written out, so Neo4j plans each shape of question
// for what it asks; values are always parameters.
//
// The imposed sentence is the first one for the charge that replaces no
// other; a later hearing's sentence that replaces it never moves the
// conviction to that hearing's court or date.
func convictionRows(f kg.ConvictionFilter, need rowsNeed) string {
	date := need.date || f.From != nil || f.To != nil
	sentence := need.sentence || date || courtFirst(f) || len(f.SentenceKinds) > 0 || f.Unpunished != nil
	var b strings.Builder
	if len(f.Articles) > 0 {
		// From the articles asked about, which hold far fewer charges than
		// the graph's guilty verdicts.
		b.WriteString(`MATCH (x:Entity) WHERE x.id IN $articles AND x:LegalArticle
MATCH (x)<-[:PART_OF*0..3]-(:LegalArticle)<-[:UNDER_ARTICLE]-(c:Charge {verdict: 'guilty'})
WITH DISTINCT c
MATCH (p:Person|Group)-[:CHARGED_WITH]->(c)<-[:HAS_CHARGE]-(k:Case)
`)
	} else {
		b.WriteString("MATCH (p:Person|Group)-[:CHARGED_WITH]->(c:Charge {verdict: 'guilty'})<-[:HAS_CHARGE]-(k:Case)\n")
	}
	// The filters that need no context go first.
	writeWhere(&b, []string{
		when(len(f.Parties) > 0, "EXISTS { MATCH (p)-[:LEADS|MEMBER_OF|FOUNDED]->(x:Party) WHERE x.id IN $parties }"),
		when(len(f.RestrictionKinds) > 0, "EXISTS { MATCH (p)-[:SUBJECT_TO]->(r:Restriction)<-[:HAS_RESTRICTION]-(k) WHERE r.kind IN $restrictionKinds }"),
		when(len(f.Categories) > 0, "c.category IN $categories"),
		when(len(f.Countries) > 0, convictionCountry(seenAll)+" IN $countries"),
	})
	b.WriteString("WITH p, c, k, head(COLLECT { MATCH (c)-[:UNDER_ARTICLE]->(x:LegalArticle) RETURN x ORDER BY x.id }) AS a,\n")
	if sentence {
		b.WriteString(`     head(COLLECT { MATCH (x:Sentence)-[:FOR_CHARGE]->(c) WHERE NOT (x)-[:REPLACES]->(:Sentence)
                    RETURN x ORDER BY x.date, x.id }) AS s
`)
	} else {
		b.WriteString("     null AS s\n")
	}
	if sentence && f.InForce {
		b.WriteString("WITH p, c, k, a, s, " + sentenceInForce(seenAll) + " AS sf\n")
	} else {
		b.WriteString("WITH p, c, k, a, s, s AS sf\n")
	}
	if date {
		b.WriteString(`WITH p, c, k, a, s, sf,
     CASE WHEN s.date IS NOT NULL THEN s ELSE c END AS dated
WITH p, c, k, a, s, sf, dated.date AS d, dated.dateText AS dText, dated.dateEarliest AS dFirst, dated.dateLatest AS dLast
`)
	} else {
		b.WriteString("WITH p, c, k, a, s, sf, null AS d, null AS dText, null AS dFirst, null AS dLast\n")
	}
	writeWhere(&b, []string{
		when(len(f.SentenceKinds) > 0, "sf.kind IN $sentenceKinds"),
		when(f.From != nil, "dFirst >= $from"),
		when(f.To != nil, "dLast < $to"),
		when(f.Unpunished != nil, "(sf IS NULL) = $unpunished"),
	})
	if courtFirst(f) {
		b.WriteString("WITH p, c, k, a, s, sf, d, dText, dFirst, dLast, " + convictionCourt(seenAll) + " AS court\n")
		writeWhere(&b, []string{
			when(len(f.Courts) > 0, "court.id IN $courts"),
			when(len(f.Cities) > 0, "EXISTS { MATCH (court)-[:LOCATED_IN*1..3]->(x:Place) WHERE x.id IN $cities }"),
		})
	}
	return b.String()
}

// rowsNeed says which parts of the context the statement after
// convictionRows uses, whatever the filter.
type rowsNeed struct{ sentence, date bool }

const convictionTopArticle = `head(COLLECT { MATCH (a)-[:PART_OF*0..3]->(x:LegalArticle) WHERE NOT (x)-[:PART_OF]->(:LegalArticle) RETURN x })`

// courtFirst says whether a filter needs each conviction's court before
// the rows are counted.
func courtFirst(f kg.ConvictionFilter) bool { return len(f.Courts) > 0 || len(f.Cities) > 0 }

// convictionsQuery orders and pages the rows, then works out the court,
// restrictions and later changes of the page's rows alone.
func convictionsQuery(f kg.ConvictionFilter) string {
	vars, carry, court := "p, c, k, a, s, sf, d, dText", "", convictionCourt(seenAll)
	if courtFirst(f) {
		vars, carry, court = vars+", court", ", court: court", "row.court"
	}
	return convictionRows(f, rowsNeed{sentence: true, date: true}) + `
WITH ` + vars + `
ORDER BY d IS NULL, d DESC, c.id
WITH collect({p: p, c: c, k: k, a: a, s: s, sf: sf, dText: dText` + carry + `}) AS rows
WITH size(rows) AS total, rows[$offset..$offset + $first] AS page
CALL (page) {
  UNWIND range(0, size(page) - 1) AS i
  WITH i, page[i] AS row
  WITH i, row, row.p AS p, row.c AS c, row.k AS k, row.s AS s
  WITH i, row, p, k, s, ` + court + ` AS court, ` + convictionRestrictions(seenAll) + ` AS rs,
       ` + sentenceInForce(seenAll) + ` AS inForce, ` + sentenceChanges(seenAll) + ` AS changes
  ORDER BY i
  RETURN collect({person: p.id, people: CASE WHEN p:Group THEN coalesce(p.count, 1) ELSE 1 END,
                  case: k.id, charge: row.c.id, article: row.a.id, sentence: s.id, court: court.id,
                  inForce: inForce.id, changes: changes,
                  date: row.dText, sentenceKind: row.sf.kind, termMonths: row.sf.termMonths, restrictions: [r IN rs | r.id]}) AS rows
}
RETURN total, rows AS page`
}

// countKeys gives, per dimension but ByArticle (countsByArticle), what a
// count needs of a conviction beyond convictionRows' scope (an expression,
// or ""), which of the context it uses, and the keys it counts a
// conviction under, as [key, label] pairs.
var countKeys = map[kg.CountDimension]struct {
	context string
	need    rowsNeed
	keys    string
}{
	kg.ByCourt: {convictionCourt(seenAll) + " AS court", rowsNeed{sentence: true},
		"CASE WHEN court IS NULL THEN [] ELSE [[court.id, coalesce(court.name, court.id)]] END"},
	kg.ByYear:        {"", rowsNeed{date: true}, "CASE WHEN dFirst IS NULL OR dLast IS NULL OR dFirst.year <> dLast.year THEN [] ELSE [[toString(d.year), toString(d.year)]] END"},
	kg.ByRestriction: {convictionRestrictions(seenAll) + " AS rs", rowsNeed{}, "[r IN rs WHERE r.kind IS NOT NULL | [r.kind, r.kind, r.count]]"},
	kg.BySentence:    {"", rowsNeed{sentence: true}, "CASE WHEN sf.kind IS NULL THEN [] ELSE [[sf.kind, sf.kind]] END"},
	kg.ByCategory:    {"", rowsNeed{}, "CASE WHEN c.category IS NULL THEN [] ELSE [[c.category, c.category]] END"},
	kg.ByCountry:     {convictionCountry(seenAll) + " AS country", rowsNeed{}, "CASE WHEN country IS NULL THEN [] ELSE [[country, country]] END"},
}

// peopleOf is how many unnamed people a conviction's p stands for: 0 for
// a named person, the count of a Group.
const peopleOf = "CASE WHEN p:Group THEN coalesce(p.count, 1) ELSE 0 END"

// countsByArticle follows convictionRows for counts by article. The
// article at the top of a charge's article depends on that article alone,
// so it is worked out once per article rather than once per charge: the
// whole-graph count walks the article hierarchy a few dozen times, not tens
// of thousands.
const countsByArticle = `
WITH a, collect(DISTINCT [p.id + ' ' + k.id, ` + peopleOf + `]) AS who
WITH ` + convictionTopArticle + ` AS top, who
WHERE top IS NOT NULL
UNWIND who AS w
WITH top, w[0] AS w, w[1] AS unnamed
WITH DISTINCT top, w, unnamed
WITH top, count(CASE WHEN unnamed = 0 THEN w END) AS named, sum(unnamed) AS unnamed
RETURN top.id AS key, coalesce(top.name, top.id) AS label, named, unnamed
ORDER BY named + unnamed DESC, key`

// countsQuery counts people convicted in a case, not charges: someone
// convicted under two parts of one article, or on three charges in one
// year, counts once for it. A Group counts as the people it stands for,
// apart from the named, or as the part of it a key names (a restriction
// that binds seven of nine).
func countsQuery(by kg.CountDimension, f kg.ConvictionFilter) string {
	if by == kg.ByArticle {
		return convictionRows(f, rowsNeed{}) + countsByArticle
	}
	k := countKeys[by]
	vars := "p, c, k, a, s, sf, d, dFirst, dLast"
	switch {
	case courtFirst(f) && by == kg.ByCourt:
		vars += ", court"
	case k.context != "":
		vars += ", " + k.context
	}
	return convictionRows(f, k.need) + `
WITH ` + vars + `
WITH p, k, ` + k.keys + ` AS keys
UNWIND keys AS key
WITH key[0] AS key, key[1] AS label, p, k, max(key[2]) AS some
WITH key, label, count(CASE WHEN NOT p:Group THEN 1 END) AS named,
     sum(CASE WHEN p:Group THEN coalesce(some, p.count, 1) ELSE 0 END) AS unnamed
RETURN key, label, named, unnamed
ORDER BY named + unnamed DESC, key`
}

// OracleConvictions answers as Convictions did before the conviction rows,
// from the whole graph.
func (s *Store) OracleConvictions(ctx context.Context, f kg.ConvictionFilter, first, offset int) ([]kg.Conviction, int, error) {
	params := convictionParams(f)
	params["first"], params["offset"] = int64(first), int64(offset)
	res, err := s.oracleRead(ctx, convictionsQuery(f), params)
	if err != nil {
		return nil, 0, err
	}
	return decodeConvictions(res)
}

// OracleCounts answers as Counts did before the conviction rows.
func (s *Store) OracleCounts(ctx context.Context, by kg.CountDimension, f kg.ConvictionFilter) ([]kg.GroupCount, error) {
	res, err := s.oracleRead(ctx, countsQuery(by, f), convictionParams(f))
	if err != nil {
		return nil, err
	}
	return groupCounts(res)
}

// oracleRead sends an oracle's statement, which reads the whole graph as
// the statements before visibility did, with the reader's sight for the
// parts it shares with the rows (which apply it).
func (s *Store) oracleRead(ctx context.Context, query string, params map[string]any) (*neo4j.EagerResult, error) {
	return s.send(ctx, query, withSight(ctx, params))
}
