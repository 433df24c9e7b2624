package neo4jstore

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/casegraph/casegraph/internal/kg"
)

// The cross-case questions of the model notes. Each method sends one
// statement, so a question costs one round trip however many rows it finds.
// Dates come back as their case-file text and are parsed here, so "March
// 2022" stays a month.

// monthsCypher rounds the days between two Neo4j dates to months. Rounding
// days rather than counting calendar months keeps "2022-03 to 2022-11" at 8
// and "17 April to 21 June" at 2.
func monthsCypher(from, to string) string {
	return "toInteger(round(duration.inDays(" + from + ", " + to + ").days / 30.4375))"
}

// when returns cond if on, else "".
func when(on bool, cond string) string {
	if on {
		return cond
	}
	return ""
}

// writeWhere writes a WHERE clause of the conditions that are not "".
func writeWhere(b *strings.Builder, conds []string) {
	var set []string
	for _, c := range conds {
		if c != "" {
			set = append(set, c)
		}
	}
	if len(set) > 0 {
		b.WriteString("WHERE " + strings.Join(set, "\n  AND ") + "\n")
	}
}

// The parts of a conviction's context that convictionRows leaves out, as
// expressions over p, c, k, a and s, in which see(v...) is the condition
// that the facts bound to v are in sight: the reader's (seenAll) where a
// question reads the graph, a variant's (jobSeen) where conviction rows
// are written. A path never runs through a fact out of sight, nor does a
// pattern that must not match (NOT EXISTS) find one.
//
// The court is the one that convicted: the court of the hearing that
// imposed the sentence, or the court the sentence names; failing both, the
// court of the case's one first-instance hearing that convicted, then the
// case's one first-instance court if sources agree on it. Where two
// sources name different courts no court is guessed.
func convictionCourt(see func(...string) string) string {
	return `coalesce(
       head(COLLECT { MATCH (s)-[ci:IMPOSED_IN]->(cg:Proceeding)-[ch:HELD_BY]->(x:Court) WHERE ` + see("ci", "cg", "ch", "x") + ` RETURN x ORDER BY x.id }),
       head(COLLECT { MATCH (s)-[cb:IMPOSED_BY]->(x:Court) WHERE ` + see("cb", "x") + ` RETURN x ORDER BY x.id }),
       CASE WHEN COUNT { MATCH (k)-[kg:HAS_PROCEEDING]->(g:Proceeding {outcome: 'convicted'})
                         WHERE g.stage IN ['first-instance', 'retrial'] AND ` + see("kg", "g") + `
                           AND EXISTS { MATCH (p)-[pt:TRIED_IN]->(g) WHERE ` + see("pt") + ` } } = 1
         THEN head(COLLECT { MATCH (p)-[pt:TRIED_IN]->(g:Proceeding {outcome: 'convicted'})<-[kg:HAS_PROCEEDING]-(k)
                             WHERE g.stage IN ['first-instance', 'retrial'] AND ` + see("pt", "g", "kg") + `
                             MATCH (g)-[gh:HELD_BY]->(x:Court) WHERE ` + see("gh", "x") + ` RETURN x ORDER BY x.id })
       END,
       CASE WHEN COUNT { MATCH (k)-[h:HEARD_BY]->(hc:Court) WHERE coalesce(h.role, 'first-instance') = 'first-instance' AND ` + see("h", "hc") + ` } = 1
         THEN head(COLLECT { MATCH (k)-[h:HEARD_BY]->(x:Court)
                             WHERE coalesce(h.role, 'first-instance') = 'first-instance' AND NOT coalesce(h.contested, false) AND ` + see("h", "x") + `
                             RETURN x })
       END)`
}

func convictionRestrictions(see func(...string) string) string {
	return `COLLECT { MATCH (p)-[ps:SUBJECT_TO]->(r:Restriction)<-[kr:HAS_RESTRICTION]-(k) WHERE ` + see("ps", "r", "kr") + ` RETURN r ORDER BY r.id }`
}

// convictionCountry is the country: the case's jurisdiction, else the
// code of the charge's article, else of another charge in the case.
func convictionCountry(see func(...string) string) string {
	return `coalesce(k.jurisdiction,
       head(COLLECT { MATCH (c)-[cu:UNDER_ARTICLE]->(ca:LegalArticle)-[ci:IN_CODE]->(x:LegalCode) WHERE ` + see("cu", "ca", "ci", "x") + `
                      RETURN x.jurisdiction ORDER BY x.jurisdiction }),
       head(COLLECT { MATCH (k)-[kh:HAS_CHARGE]->(kc:Charge)-[cu:UNDER_ARTICLE]->(ca:LegalArticle)-[ci:IN_CODE]->(x:LegalCode)
                      WHERE ` + see("kh", "kc", "cu", "ca", "ci", "x") + `
                      RETURN x.jurisdiction ORDER BY x.jurisdiction }))`
}

// sentenceInForce is the sentence in force: the last of the sentences
// that replaced s, one after another (s itself if none did), unless a
// later hearing overturned it, acquitted or sent the case back for that
// person.
func sentenceInForce(see func(...string) string) string {
	return `CASE WHEN s IS NULL THEN null ELSE head(COLLECT {
         MATCH fq = (s)<-[:REPLACES*0..8]-(x:Sentence) WHERE ` + pathSeen(see, "fq") + `
           AND NOT EXISTS { MATCH (x)<-[fr:REPLACES]-(fy:Sentence) WHERE ` + see("fr", "fy") + ` }
           AND NOT EXISTS { MATCH (x)-[fi:IMPOSED_IN]->(fg:Proceeding) WHERE ` + see("fi", "fg") + `
                            MATCH fp = (fg)<-[:REVIEWS*1..4]-(g:Proceeding)
                            WHERE g.outcome IN ['overturned', 'acquitted', 'sent-back'] AND ` + pathSeen(see, "fp") + `
                              AND (NOT EXISTS { MATCH (g)<-[ft:TRIED_IN]-(fo) WHERE ` + see("ft", "fo") + ` }
                                   OR EXISTS { MATCH (p)-[ft:TRIED_IN]->(g) WHERE ` + see("ft") + ` }) }
         RETURN x ORDER BY length(fq) DESC, x.id }) END`
}

// sentenceChanges are the later changes of s, oldest first.
func sentenceChanges(see func(...string) string) string {
	return `CASE WHEN s IS NULL THEN [] ELSE COLLECT {
         MATCH cq = (s)<-[:REPLACES*1..8]-(x:Sentence) WHERE ` + pathSeen(see, "cq") + `
         WITH x, length(cq) AS n, last(relationships(cq)) AS r
         RETURN {sentence: x.id, change: coalesce(r.change, x.change), date: x.dateText,
                 proceeding: head(COLLECT { MATCH (x)-[xi:IMPOSED_IN]->(g:Proceeding) WHERE ` + see("xi", "g") + ` RETURN g.id ORDER BY g.id }),
                 court: coalesce(head(COLLECT { MATCH (x)-[xi:IMPOSED_IN]->(xg:Proceeding)-[xh:HELD_BY]->(y:Court) WHERE ` + see("xi", "xg", "xh", "y") + `
                                                RETURN y.id ORDER BY y.id }),
                                 head(COLLECT { MATCH (x)-[xb:IMPOSED_BY]->(y:Court) WHERE ` + see("xb", "y") + ` RETURN y.id ORDER BY y.id }))}
         ORDER BY n, x.id } END`
}

// sourcesSeen is the sources property of the fact bound to v, but those
// out of the reader's sight: the fact stands, its source stays unknown.
func sourcesSeen(v string) string {
	return "[src IN " + v + ".sources WHERE " + sourceSeen("src") + "]"
}

// convictionParams turns a filter into parameters. Empty lists, never
// nulls, so the Cypher can test size(); To is exclusive of the day after
// the period it names, so "to 2023" includes all of 2023.
func convictionParams(f kg.ConvictionFilter) map[string]any {
	list := func(v []string) []string {
		if v == nil {
			return []string{}
		}
		return v
	}
	params := map[string]any{
		"articles":         list(f.Articles),
		"courts":           list(f.Courts),
		"cities":           list(f.Cities),
		"restrictionKinds": list(f.RestrictionKinds),
		"sentenceKinds":    list(f.SentenceKinds),
		"parties":          list(f.Parties),
		"countries":        list(f.Countries),
		"categories":       list(f.Categories),
		"from":             nil,
		"to":               nil,
		"unpunished":       nil,
	}
	if f.From != nil {
		from, _ := f.From.Earliest()
		params["from"] = neo4j.DateOf(from)
	}
	if f.To != nil {
		to, _ := f.To.Latest()
		params["to"] = neo4j.DateOf(to.AddDate(0, 0, 1))
	}
	if f.Unpunished != nil {
		params["unpunished"] = *f.Unpunished
	}
	return params
}

// MaxConvictionPage bounds one page of convictions.
const MaxConvictionPage = 500

// rowsMatching finds the conviction rows (r) a filter asks for, of every
// case or, with ofCases, of the cases $cases alone. Only the filters f sets
// are written out, so Neo4j plans each shape of question for what it asks;
// values are always parameters. Rows under given articles are found from
// the articles, through the graph's index-backed hierarchy, which hold far
// fewer charges than the rows are.
func rowsMatching(f kg.ConvictionFilter, ofCases bool) string {
	var b strings.Builder
	switch {
	case ofCases:
		b.WriteString("MATCH (r:ConvictionRow) WHERE r.case IN $cases\n")
		if len(f.Articles) > 0 {
			b.WriteString(`MATCH (c:Entity {id: r.charge}) WHERE c:Charge AND c.verdict = 'guilty'
  AND EXISTS { MATCH (c)-[:UNDER_ARTICLE]->(:LegalArticle)-[:PART_OF*0..3]->(x:LegalArticle) WHERE x.id IN $articles }
`)
		}
		b.WriteString("WITH r\n")
	case len(f.Articles) > 0:
		b.WriteString(`MATCH (x:Entity) WHERE x.id IN $articles AND x:LegalArticle
MATCH (x)<-[:PART_OF*0..3]-(:LegalArticle)<-[:UNDER_ARTICLE]-(c:Charge {verdict: 'guilty'})
WITH DISTINCT c
MATCH (r:ConvictionRow {charge: c.id})
`)
	default:
		b.WriteString("MATCH (r:ConvictionRow)\n")
	}
	sentence, unpunished := "r.sentenceKind", "r.sentence"
	if f.InForce {
		sentence, unpunished = "r.inForceKind", "r.inForce"
	}
	seen := rowSeen
	if len(f.Articles) > 0 {
		// The articles were followed through the graph, paths out of
		// sight included.
		seen = rowSeenUnder
	}
	writeWhere(&b, []string{
		seen,
		when(len(f.Parties) > 0, "any(x IN r.parties WHERE x IN $parties)"),
		when(len(f.RestrictionKinds) > 0, "any(x IN r.restrictionKinds WHERE x IN $restrictionKinds)"),
		when(len(f.Categories) > 0, "r.category IN $categories"),
		when(len(f.Countries) > 0, "r.country IN $countries"),
		when(len(f.SentenceKinds) > 0, sentence+" IN $sentenceKinds"),
		when(f.From != nil, "r.dateFirst >= $from"),
		when(f.To != nil, "r.dateLast < $to"),
		when(f.Unpunished != nil, "("+unpunished+" IS NULL) = $unpunished"),
		when(len(f.Courts) > 0, "r.court IN $courts"),
		when(len(f.Cities) > 0, "any(x IN r.cities WHERE x IN $cities)"),
	})
	return b.String()
}

// convictionPageQuery orders and pages the rows, then works out the later
// changes of the page's sentences alone.
func convictionPageQuery(f kg.ConvictionFilter) string {
	return rowsMatching(f, false) + `WITH r ORDER BY r.date IS NULL, r.date DESC, r.charge, r.person, r.case
WITH collect(r) AS rows
WITH size(rows) AS total, rows[$offset..$offset + $first] AS page
` + pageOfRows(f)
}

// pageOfRows answers a page of rows (page) and the total: the rows'
// fields, and the later changes of their sentences.
func pageOfRows(f kg.ConvictionFilter) string {
	kind, term := "row.sentenceKind", "row.sentenceTerm"
	if f.InForce {
		kind, term = "row.inForceKind", "row.inForceTerm"
	}
	return `CALL (page) {
  UNWIND range(0, size(page) - 1) AS i
  WITH i, page[i] AS row
  OPTIONAL MATCH (s:Entity {id: row.sentence})
  WITH i, row, ` + sentenceChanges(seenAll) + ` AS changes
  ORDER BY i
  RETURN collect({person: row.person, people: CASE WHEN row.group THEN coalesce(row.count, 1) ELSE 1 END,
                  case: row.case, charge: row.charge, article: row.article, sentence: row.sentence, court: row.court,
                  inForce: row.inForce, changes: changes, date: row.dateText, sentenceKind: ` + kind + `,
                  termMonths: ` + term + `, restrictions: row.restrictions}) AS rows
}
RETURN total, rows AS page`
}

// checkPage refuses a page out of bounds.
func checkPage(first, offset int) error {
	if first < 1 || first > MaxConvictionPage {
		return kg.Errorf(kg.Invalid, "first must be between 1 and %d", MaxConvictionPage)
	}
	if offset < 0 {
		return kg.Errorf(kg.Invalid, "offset must not be negative")
	}
	return nil
}

// Convictions returns a page of guilty charges matching f, newest first,
// and how many there are in all.
func (s *Store) Convictions(ctx context.Context, f kg.ConvictionFilter, first, offset int) ([]kg.Conviction, int, error) {
	if err := checkPage(first, offset); err != nil {
		return nil, 0, err
	}
	params := convictionParams(f)
	params["first"], params["offset"] = int64(first), int64(offset)
	res, err := s.readQuery(ctx, convictionPageQuery(f), params)
	if err != nil {
		return nil, 0, translate(err, "reading convictions failed")
	}
	return decodeConvictions(res)
}

// decodeConvictions reads the page and total of a convictions statement.
func decodeConvictions(res *neo4j.EagerResult) ([]kg.Conviction, int, error) {
	rec := rowOf(res.Records[0], "reading convictions")
	var out []kg.Conviction
	for _, r := range rec.rows("page") {
		term := -1
		if m, ok := r.optNum("termMonths"); ok {
			term = m
		}
		var changes []kg.SentenceChange
		for _, x := range r.rows("changes") {
			changes = append(changes, kg.SentenceChange{
				Sentence: x.str("sentence"), Change: x.optStr("change"), Court: x.optStr("court"),
				Proceeding: x.optStr("proceeding"), Date: x.date("date"),
			})
		}
		out = append(out, kg.Conviction{
			Person: r.str("person"), People: r.num("people"), Case: r.str("case"), Charge: r.str("charge"), Article: r.optStr("article"),
			Sentence: r.optStr("sentence"), Court: r.optStr("court"), InForce: r.optStr("inForce"), Date: r.date("date"),
			SentenceKind: r.optStr("sentenceKind"), TermMonths: term, Restrictions: r.strs("restrictions"), Changes: changes,
		})
	}
	total := rec.num("total")
	if err := rec.err(); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

var chargeChangesQuery = `
MATCH (final:Charge)-[r2:SUPERSEDES {change: 're-initiated'}]->(mid:Charge)-[r1:SUPERSEDES {change: 'reclassified'}]->(orig:Charge)
WHERE ` + seenAll("final", "r2", "mid", "r1", "orig") + `
RETURN head(COLLECT { MATCH (k:Case)-[kh:HAS_CHARGE]->(final) WHERE ` + seenAll("k", "kh") + ` RETURN k.id ORDER BY k.id }) AS case,
       head(COLLECT { MATCH (p:Person|Group)-[pc:CHARGED_WITH]->(final) WHERE ` + seenAll("p", "pc") + ` RETURN p.id ORDER BY p.id }) AS person,
       orig.id AS original, mid.id AS reclassified, final.id AS final,
       r1.changeDateText AS reclassifiedOn, r2.changeDateText AS reinitiatedOn
ORDER BY case, final`

// ChargeChanges returns the charges that were reclassified and later
// re-initiated, with how long that took: a range where the sources bound
// the dates rather than state them.
func (s *Store) ChargeChanges(ctx context.Context) ([]kg.ChargeChange, error) {
	res, err := s.readQuery(ctx, chargeChangesQuery, nil)
	if err != nil {
		return nil, translate(err, "reading charge changes failed")
	}
	out := make([]kg.ChargeChange, 0, len(res.Records))
	for _, rec := range res.Records {
		r := rowOf(rec, "reading charge changes")
		c := kg.ChargeChange{
			Case: r.optStr("case"), Person: r.optStr("person"),
			Original: r.str("original"), Reclassified: r.str("reclassified"), Final: r.str("final"),
			ReclassifiedOn: r.date("reclassifiedOn"), ReinitiatedOn: r.date("reinitiatedOn"),
		}
		if err := r.err(); err != nil {
			return nil, err
		}
		if c.ReclassifiedOn != nil && c.ReinitiatedOn != nil {
			c.Months, c.Dated = kg.MonthsBetween(*c.ReclassifiedOn, *c.ReinitiatedOn), true
		}
		out = append(out, c)
	}
	return out, nil
}

// Counts groups the convictions matching f by one dimension.
func (s *Store) Counts(ctx context.Context, by kg.CountDimension, f kg.ConvictionFilter) ([]kg.GroupCount, error) {
	if !slices.Contains(tallyDims, by) {
		return nil, kg.Errorf(kg.Invalid, "cannot count by %q", by)
	}
	if unfiltered(f) {
		out, err := s.readTallies(ctx, by)
		return out, translate(err, "counting convictions failed")
	}
	res, err := s.readQuery(ctx, rowsMatching(f, false)+"RETURN "+tallyColumns, convictionParams(f))
	if err != nil {
		return nil, translate(err, "counting convictions failed")
	}
	rows := recordRows(res.Records, "counting convictions")
	groups := countRows(rows, by, f.InForce)
	if err := rowsErr(rows); err != nil {
		return nil, err
	}
	out := make([]kg.GroupCount, len(groups))
	for i, g := range groups {
		out[i] = g.GroupCount
	}
	return out, nil
}

// tiesOf lists what a person or a case (n) is tied to, one row per tie:
// kind, id, label and a reason. A person is seen with their cases, a case
// with its defendants, so that a person and a case compare like for like;
// ties through charges, sentences and restrictions stay within those
// person-case pairs, so a co-defendant's charges are not a person's own.
var tiesOf = `
CALL (n) {
  WITH n,
       CASE WHEN n:Person THEN [n] ELSE COLLECT {
         MATCH (q:Person)-[d:DEFENDANT_IN]->(n) WHERE ` + seenAll("q", "d") + ` RETURN q
         UNION MATCH (q:Person)-[qc:CHARGED_WITH]->(qx:Charge)<-[nc:HAS_CHARGE]-(n) WHERE ` + seenAll("q", "qc", "qx", "nc") + ` RETURN q } END AS ps,
       CASE WHEN n:Case THEN [n] ELSE COLLECT {
         MATCH (n)-[d:DEFENDANT_IN]->(q:Case) WHERE ` + seenAll("d", "q") + ` RETURN q
         UNION MATCH (n)-[nc:CHARGED_WITH]->(qx:Charge)<-[qc:HAS_CHARGE]-(q:Case) WHERE ` + seenAll("nc", "qx", "qc", "q") + ` RETURN q } END AS ks
  CALL (n, ps, ks) {
    UNWIND ps AS p
    MATCH (p)-[pc:CHARGED_WITH]->(c:Charge)<-[kc:HAS_CHARGE]-(k:Case) WHERE k IN ks AND ` + seenAll("pc", "c", "kc") + `
    MATCH tq = (c)-[:UNDER_ARTICLE]->(a:LegalArticle)-[:PART_OF*0..3]->(t:LegalArticle)
    WHERE ` + pathSeen(seenAll, "tq") + ` AND NOT EXISTS { MATCH (t)-[tp:PART_OF]->(tu:LegalArticle) WHERE ` + seenAll("tp", "tu") + ` }
    RETURN 'article' AS kind, t.id AS id, t.name AS label,
           p.id + ' charged under ' + CASE WHEN a = t THEN 'it' ELSE a.id END + ' in ' + k.id AS reason
    UNION ALL
    UNWIND ps AS p
    MATCH (p)-[pr:SUBJECT_TO]->(r:Restriction)<-[kr:HAS_RESTRICTION]-(k:Case) WHERE k IN ks AND r.kind IS NOT NULL AND ` + seenAll("pr", "r", "kr") + `
    RETURN 'restriction-kind' AS kind, r.kind AS id, r.kind AS label,
           p.id + ' subject to it in ' + k.id + ' (' + r.id + ')' AS reason
    UNION ALL
    UNWIND ks AS k
    MATCH (k)-[h:HEARD_BY]->(t:Court) WHERE ` + seenAll("h", "t") + `
    RETURN 'court' AS kind, t.id AS id, t.name AS label,
           k.id + CASE WHEN n:Person THEN ', the case of ' + n.id + ',' ELSE '' END + ' heard by it'
             + CASE WHEN h.contested THEN ' (contested)' ELSE '' END AS reason
    UNION ALL
    UNWIND ps AS p
    MATCH (p)-[px:SENTENCED_TO]->(x:Sentence)<-[kx:HAS_SENTENCE]-(k:Case) WHERE k IN ks AND ` + seenAll("px", "x", "kx") + `
    MATCH (x)-[xt:IMPOSED_BY]->(t:Court) WHERE ` + seenAll("xt", "t") + `
    RETURN 'court' AS kind, t.id AS id, t.name AS label, p.id + ' sentenced by it in ' + k.id AS reason
    UNION ALL
    UNWIND ks AS k
    MATCH (k)-[kg:HAS_PROCEEDING]->(g:Proceeding)-[gt:HELD_BY]->(t:Court) WHERE ` + seenAll("kg", "g", "gt", "t") + `
    RETURN 'court' AS kind, t.id AS id, t.name AS label,
           k.id + CASE WHEN n:Person THEN ', the case of ' + n.id + ',' ELSE '' END + ' had its ' + g.stage + ' hearing there' AS reason
    UNION ALL
    UNWIND ps AS p
    MATCH (p)-[pc:CHARGED_WITH]->(c:Charge)<-[kc:HAS_CHARGE]-(k:Case) WHERE k IN ks AND c.category IS NOT NULL AND ` + seenAll("pc", "c", "kc") + `
    RETURN 'offence-category' AS kind, c.category AS id, c.category AS label,
           p.id + ' charged with ' + c.id + ' in ' + k.id AS reason
    UNION ALL
    UNWIND ks AS k
    MATCH (k)-[kt:LOCATED_IN]->(t:Place) WHERE ` + seenAll("kt", "t") + `
    RETURN 'place' AS kind, t.id AS id, t.name AS label,
           k.id + CASE WHEN n:Person THEN ', the case of ' + n.id + ',' ELSE '' END + ' located in it' AS reason
    UNION ALL
    UNWIND ks AS k
    MATCH (k)-[kh:HEARD_BY]->(ct:Court)-[ctt:LOCATED_IN]->(t:Place) WHERE ` + seenAll("kh", "ct", "ctt", "t") + `
    RETURN 'place' AS kind, t.id AS id, t.name AS label,
           k.id + CASE WHEN n:Person THEN ', the case of ' + n.id + ',' ELSE '' END + ' heard by ' + ct.id + ' in it' AS reason
    UNION ALL
    UNWIND ps AS p
    MATCH eq = (p)-[r:PARTICIPATED_IN|ORGANISED|SUBJECT_OF]->(e:Event)-[:PART_OF*0..3]->(t:Event) WHERE ` + pathSeen(seenAll, "eq") + `
    RETURN 'event' AS kind, t.id AS id, t.name AS label,
           p.id + CASE type(r) WHEN 'PARTICIPATED_IN' THEN ' took part in ' WHEN 'ORGANISED' THEN ' organised ' ELSE ' was subject of ' END
             + CASE WHEN e = t THEN 'it' ELSE e.id + ', part of it' END AS reason
    UNION ALL
    UNWIND ks AS k
    MATCH eq = (k)-[r:CONCERNS|SUBJECT_OF]->(e:Event)-[:PART_OF*0..3]->(t:Event) WHERE ` + pathSeen(seenAll, "eq") + `
    RETURN 'event' AS kind, t.id AS id, t.name AS label,
           k.id + CASE WHEN n:Person THEN ', the case of ' + n.id + ',' ELSE '' END
             + CASE type(r) WHEN 'CONCERNS' THEN ' concerns ' ELSE ' was subject of ' END
             + CASE WHEN e = t THEN 'it' ELSE e.id + ', part of it' END AS reason
    UNION ALL
    UNWIND ks + ps AS k
    MATCH (t:Organisation)-[r:ASSESSED]->(k) WHERE ` + seenAll("t", "r") + `
    RETURN 'organisation' AS kind, t.id AS id, t.name AS label,
           'it assessed ' + k.id + ' as ' + coalesce(r.assessment, 'unstated') AS reason
    UNION ALL
    UNWIND ks + ps AS k
    MATCH (t:Organisation)-[ti:ISSUED]->(e:Event)-[ea:ABOUT]->(k) WHERE ` + seenAll("t", "ti", "e", "ea") + `
    RETURN 'organisation' AS kind, t.id AS id, t.name AS label, 'it issued ' + e.id + ' about ' + k.id AS reason
    UNION ALL
    UNWIND ks AS k
    MATCH (t:Organisation)-[r:PROSECUTOR_IN|COMPLAINANT_IN]->(k) WHERE ` + seenAll("t", "r") + `
    RETURN 'organisation' AS kind, t.id AS id, t.name AS label,
           CASE type(r) WHEN 'PROSECUTOR_IN' THEN 'it prosecuted ' ELSE 'it complained in ' END + k.id AS reason
    UNION ALL
    UNWIND ps AS p
    MATCH (p)-[pc:CHARGED_WITH]->(c:Charge)-[cb:BROUGHT_BY]->(t:Organisation) WHERE ` + seenAll("pc", "c", "cb", "t") + `
    MATCH (k:Case)-[kc:HAS_CHARGE]->(c) WHERE k IN ks AND ` + seenAll("kc") + `
    RETURN 'organisation' AS kind, t.id AS id, t.name AS label, 'it brought ' + c.id + ' against ' + p.id AS reason
    UNION ALL
    UNWIND ps AS p
    MATCH (p)-[r:WORKS_FOR|LEADS|MEMBER_OF|FOUNDED|OWNS]->(t:Organisation|Party) WHERE ` + seenAll("r", "t") + `
    RETURN CASE WHEN t:Party THEN 'party' ELSE 'organisation' END AS kind, t.id AS id, t.name AS label,
           p.id + CASE type(r) WHEN 'WORKS_FOR' THEN ' works for' WHEN 'LEADS' THEN ' leads' WHEN 'MEMBER_OF' THEN ' is a member of'
                  WHEN 'FOUNDED' THEN ' founded' ELSE ' owns' END + ' it' AS reason
  }
  RETURN kind, id, coalesce(label, id) AS label, reason
}`

var commonGroundQuery = `
OPTIONAL MATCH (xa:Entity {id: $a}) WHERE ` + seen("xa") + `
OPTIONAL MATCH (xb:Entity {id: $b}) WHERE ` + seen("xb") + `
CALL (xa, xb) {
  UNWIND [0, 1] AS side
  WITH side, [xa, xb][side] AS n, xa, xb
  WHERE (xa:Person OR xa:Case) AND (xb:Person OR xb:Case)
  ` + tiesOf + `
  WITH kind, id, side, min(label) AS label, collect(DISTINCT reason) AS reasons
  ORDER BY side
  WITH kind, id, min(label) AS label, collect(side) AS sides, collect(reasons) AS reasons
  WHERE size(sides) = 2
  ORDER BY kind, id
  RETURN collect({kind: kind, id: id, label: label, a: reasons[0], b: reasons[1]}) AS shared
}
RETURN xa IS NOT NULL AS foundA, xb IS NOT NULL AS foundB,
       coalesce(xa:Person OR xa:Case, false) AS okA, coalesce(xb:Person OR xb:Case, false) AS okB, shared`

// CommonGround returns what two people or cases (or a person and a case)
// share: articles, courts, events, organisations, parties, places and
// restriction kinds, each with how both sides are tied to it, a's reasons
// first.
func (s *Store) CommonGround(ctx context.Context, a, b string) (kg.CommonGround, error) {
	res, err := s.readQuery(ctx, commonGroundQuery, map[string]any{"a": a, "b": b})
	if err != nil {
		return kg.CommonGround{}, translate(err, "reading common ground failed")
	}
	r := rowOf(res.Records[0], "reading common ground")
	for _, side := range []struct {
		id, found, ok string
	}{{a, "foundA", "okA"}, {b, "foundB", "okB"}} {
		if !r.flag(side.found) {
			return kg.CommonGround{}, r.errOr(kg.Errorf(kg.NotFound, "no entity has ID %q", side.id))
		}
		if !r.flag(side.ok) {
			return kg.CommonGround{}, r.errOr(kg.Errorf(kg.Invalid, "%q is not a person or a case", side.id))
		}
	}
	out := kg.CommonGround{A: a, B: b, Shared: []kg.Shared{}}
	for _, sh := range r.rows("shared") {
		ra, rb := sh.strs("a"), sh.strs("b")
		sort.Strings(ra)
		sort.Strings(rb)
		out.Shared = append(out.Shared, kg.Shared{
			Kind: sh.str("kind"), ID: sh.str("id"), Label: sh.optStr("label"), Reasons: append(ra, rb...),
		})
	}
	return out, r.err()
}

// Weights of the features SimilarCases compares: a shared article says the
// most about a prosecution, an organisation's attention the least.
var similarWeights = map[string]int{
	"article": 3, "offence-category": 2, "restriction-kind": 2, "court": 2, "event": 2, "organisation": 1, "sentence-kind": 1,
}

// similarQuery lists each case's features, then scores every other case by
// the features it shares with the given one. It reads the features of all
// cases, which is cheap while cases number in the hundreds.
var similarQuery = `
OPTIONAL MATCH (t:Entity {id: $id}) WHERE ` + seen("t") + `
CALL (t) {
  WITH t WHERE t:Case
  MATCH (k:Case) WHERE ` + seen("k") + `
  CALL (k) {
    MATCH aq = (k)-[:HAS_CHARGE]->(:Charge)-[:UNDER_ARTICLE]->(:LegalArticle)-[:PART_OF*0..3]->(x:LegalArticle)
    WHERE ` + pathSeen(seenAll, "aq") + ` AND NOT EXISTS { MATCH (x)-[xp:PART_OF]->(xu:LegalArticle) WHERE ` + seenAll("xp", "xu") + ` }
    RETURN 'article' AS kind, x.id AS key, x.name AS label
    UNION
    MATCH (k)-[kx:HAS_RESTRICTION]->(x:Restriction) WHERE x.kind IS NOT NULL AND ` + seenAll("kx", "x") + `
    RETURN 'restriction-kind' AS kind, x.kind AS key, x.kind AS label
    UNION
    MATCH (k)-[kx:HEARD_BY]->(x:Court) WHERE ` + seenAll("kx", "x") + `
    RETURN 'court' AS kind, x.id AS key, x.name AS label
    UNION
    MATCH (k)-[ks:HAS_SENTENCE]->(y:Sentence)-[yx:IMPOSED_BY]->(x:Court) WHERE ` + seenAll("ks", "y", "yx", "x") + `
    RETURN 'court' AS kind, x.id AS key, x.name AS label
    UNION
    MATCH (k)-[kg:HAS_PROCEEDING]->(g:Proceeding)-[gx:HELD_BY]->(x:Court) WHERE ` + seenAll("kg", "g", "gx", "x") + `
    RETURN 'court' AS kind, x.id AS key, x.name AS label
    UNION
    MATCH (k)-[kx:HAS_CHARGE]->(x:Charge) WHERE x.category IS NOT NULL AND ` + seenAll("kx", "x") + `
    RETURN 'offence-category' AS kind, x.category AS key, x.category AS label
    UNION
    MATCH (k)-[kx:CONCERNS]->(x:Event) WHERE ` + seenAll("kx", "x") + `
    RETURN 'event' AS kind, x.id AS key, x.name AS label
    UNION
    MATCH (x:Organisation)-[xk:ASSESSED]->(k) WHERE ` + seenAll("x", "xk") + `
    RETURN 'organisation' AS kind, x.id AS key, x.name AS label
    UNION
    MATCH (x:Organisation)-[xe:ISSUED]->(e:Event)-[ek:ABOUT]->(k) WHERE ` + seenAll("x", "xe", "e", "ek") + `
    RETURN 'organisation' AS kind, x.id AS key, x.name AS label
    UNION
    MATCH (k)-[kx:HAS_SENTENCE]->(x:Sentence) WHERE x.kind IS NOT NULL AND ` + seenAll("kx", "x") + `
    RETURN 'sentence-kind' AS kind, x.kind AS key, x.kind AS label
  }
  WITH t, k, collect({kind: kind, key: key, label: coalesce(label, key)}) AS fs
  WITH t, collect({k: k, fs: fs}) AS all
  WITH [x IN all WHERE x.k = t | [f IN x.fs | f.kind + ' ' + f.key]] AS mine, [x IN all WHERE x.k <> t] AS others
  WITH coalesce(mine[0], []) AS mine, others
  UNWIND others AS o
  WITH o.k AS k, [f IN o.fs WHERE f.kind + ' ' + f.key IN mine] AS shared
  WITH k, shared, reduce(acc = 0, f IN shared | acc + coalesce($weights[f.kind], 0)) AS score
  WHERE score > 0
  ORDER BY score DESC, k.id
  LIMIT $first
  RETURN collect({case: k.id, score: score,
                  reasons: [f IN shared | 'shared ' + f.kind + ' ' + f.key + CASE WHEN f.label <> f.key THEN ' (' + f.label + ')' ELSE '' END]}) AS similar
}
RETURN t IS NOT NULL AS found, coalesce(t:Case, false) AS isCase, similar`

// MaxSimilar bounds how many similar cases one request returns.
const MaxSimilar = 100

// SimilarCases ranks other cases by the features they share with the case
// to: articles, restriction kinds, courts, events, organisations that
// assessed or issued statements about both, and sentence kinds.
func (s *Store) SimilarCases(ctx context.Context, to string, first int) ([]kg.SimilarCase, error) {
	if first < 1 || first > MaxSimilar {
		return nil, kg.Errorf(kg.Invalid, "first must be between 1 and %d", MaxSimilar)
	}
	weights := make(map[string]any, len(similarWeights))
	for k, w := range similarWeights {
		weights[k] = int64(w)
	}
	res, err := s.readQuery(ctx, similarQuery, map[string]any{"id": to, "first": int64(first), "weights": weights})
	if err != nil {
		return nil, translate(err, "reading similar cases failed")
	}
	r := rowOf(res.Records[0], "reading similar cases")
	if !r.flag("found") {
		return nil, r.errOr(kg.Errorf(kg.NotFound, "no entity has ID %q", to))
	}
	if !r.flag("isCase") {
		return nil, r.errOr(kg.Errorf(kg.Invalid, "%q is not a case", to))
	}
	out := []kg.SimilarCase{}
	for _, x := range r.rows("similar") {
		reasons := x.strs("reasons")
		sort.Strings(reasons)
		out = append(out, kg.SimilarCase{Case: x.str("case"), Score: float64(x.num("score")), Reasons: reasons})
	}
	if err := r.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Event kinds the arrest question reads as protests and as arrests. A
// dispersal counts through the protest it is PART_OF.
var (
	protestKinds = []string{"protest", "unrest"}
	arrestKinds  = []string{"arrest", "detention"}
)

// A tie to a party counts if it surely held on the arrest's day: it had
// begun by the arrest's first possible day and had not ended before its
// last. The protest surely came first.
var arrestsQuery = `
MATCH (p:Person)-[m:LEADS|MEMBER_OF]->(y:Party {registrationStatus: 'unregistered'}) WHERE ` + seenAll("p", "m", "y") + `
MATCH (p)-[pa:SUBJECT_OF]->(ar:Event) WHERE ar.kind IN $arrestKinds AND ar.dateEarliest IS NOT NULL AND ar.dateLatest IS NOT NULL
  AND (m.start IS NULL OR m.startLatest <= ar.dateEarliest)
  AND (m.end IS NULL OR m.endEarliest >= ar.dateLatest)
  AND ` + seenAll("pa", "ar") + `
CALL (p, y) {
  MATCH eq = (p)-[r:PARTICIPATED_IN|ORGANISED]->(:Event)-[:PART_OF*0..3]->(e:Event) WHERE ` + pathSeen(seenAll, "eq") + `
  RETURN e, CASE type(r) WHEN 'ORGANISED' THEN 'organised' ELSE 'participated' END AS via
  UNION
  MATCH eq = (y)-[r:PARTICIPATED_IN|ORGANISED]->(:Event)-[:PART_OF*0..3]->(e:Event) WHERE ` + pathSeen(seenAll, "eq") + `
  RETURN e, CASE type(r) WHEN 'ORGANISED' THEN 'party-organised' ELSE 'party-participated' END AS via
  UNION
  MATCH eq = (p)-[:DEFENDANT_IN]->(:Case)-[:CONCERNS]->(:Event)-[:PART_OF*0..3]->(e:Event) WHERE ` + pathSeen(seenAll, "eq") + `
  RETURN e, 'case-concerns' AS via
}
WITH p, m, y, ar, e, via
WHERE e.kind IN $protestKinds AND e.dateEarliest IS NOT NULL AND e.dateLatest <= ar.dateEarliest
  AND ` + monthsCypher("e.dateEarliest", "ar.dateLatest") + ` <= $within
WITH p, m, y, ar, e, via ORDER BY via
RETURN p.id AS person, y.id AS party, type(m) AS relation, m.role AS role,
       e.id AS protest, e.dateText AS protestDate, ar.id AS arrest, ar.dateText AS arrestDate,
       collect(DISTINCT via) AS via
ORDER BY person, arrestDate, protest, party`

// ArrestsAfterProtests returns leaders and members of unregistered parties
// who were arrested or detained within withinMonths after a protest that
// they or their party took part in, or that their case concerns. Within
// means surely within: at most withinMonths from the protest's first
// possible day to the arrest's last, so an arrest in March 2022 after a
// protest dated only 2021 is not "within six months".
func (s *Store) ArrestsAfterProtests(ctx context.Context, withinMonths int) ([]kg.ProtestArrest, error) {
	if withinMonths < 0 {
		return nil, kg.Errorf(kg.Invalid, "withinMonths must not be negative")
	}
	res, err := s.readQuery(ctx, arrestsQuery, map[string]any{
		"within": int64(withinMonths), "protestKinds": protestKinds, "arrestKinds": arrestKinds,
	})
	if err != nil {
		return nil, translate(err, "reading arrests after protests failed")
	}
	out := make([]kg.ProtestArrest, 0, len(res.Records))
	for _, rec := range res.Records {
		r := rowOf(rec, "reading arrests after protests")
		a := kg.ProtestArrest{
			Person: r.str("person"), Party: r.str("party"), Relation: r.str("relation"), Role: r.optStr("role"),
			Protest: r.str("protest"), Via: r.strs("via"), Arrest: r.str("arrest"),
			ProtestDate: r.date("protestDate"), ArrestDate: r.date("arrestDate"),
		}
		if err := r.err(); err != nil {
			return nil, err
		}
		if a.ProtestDate == nil || a.ArrestDate == nil {
			return nil, badColumn("reading arrests after protests", "protestDate", "a protest or arrest without a date")
		}
		a.Months = kg.MonthsBetween(*a.ProtestDate, *a.ArrestDate)
		out = append(out, a)
	}
	return out, nil
}

// laterChargedQuery pairs each conviction with the people who share a
// party, organisation or event with the convicted person and were charged
// under the same article (parts folded in) on or after the conviction.
//
// The conviction date is the earliest dated sentence for the charge that
// replaces none, since a later hearing's sentence does not move when the
// person was convicted;
// failing a sentence, the charge date. The associate's charge date falls
// back to when their case opened, then to the earliest dated event the case
// was subject of or that was about it; a charge with no date at all cannot
// be called later and is left out. Dates compare by where they sort
// (kg.Date.Position).
// Two people tied to events within one larger event (the airport seizure
// within the January 2022 unrest) share the larger one as well.
var laterChargedQuery = `
MATCH cq = (p:Person)-[:CHARGED_WITH]->(c:Charge {verdict: 'guilty'})
      -[:UNDER_ARTICLE]->(:LegalArticle)-[:PART_OF*0..3]->(a:LegalArticle)
WHERE ` + pathSeen(seenAll, "cq") + ` AND NOT EXISTS { MATCH (a)-[ap:PART_OF]->(au:LegalArticle) WHERE ` + seenAll("ap", "au") + ` }
WITH p, c, a, head(COLLECT { MATCH (x:Sentence)-[xc:FOR_CHARGE]->(c)
                             WHERE x.date IS NOT NULL AND ` + seenAll("x", "xc") + `
                               AND NOT EXISTS { MATCH (x)-[xr:REPLACES]->(xy:Sentence) WHERE ` + seenAll("xr", "xy") + ` }
                             RETURN [x.date, x.dateText] ORDER BY x.date, x.id }) AS sd
WITH p, a, CASE WHEN sd IS NOT NULL THEN sd
                WHEN c.date IS NOT NULL THEN [c.date, c.dateText] END AS cd
WHERE cd IS NOT NULL
CALL (p) {
  MATCH (p)-[pv:MEMBER_OF|LEADS|FOUNDED|WORKS_FOR]->(v:Party|Organisation)<-[qv:MEMBER_OF|LEADS|FOUNDED|WORKS_FOR]-(q:Person)
  WHERE ` + seenAll("pv", "v", "qv", "q") + `
  RETURN q, v
  UNION
  MATCH vq = (p)-[:PARTICIPATED_IN|ORGANISED|SUBJECT_OF]->(:Event)-[:PART_OF*0..3]->(v:Event)
        <-[:PART_OF*0..3]-(:Event)<-[:PARTICIPATED_IN|ORGANISED|SUBJECT_OF]-(q:Person)
  WHERE ` + pathSeen(seenAll, "vq") + `
  RETURN q, v
}
WITH p, a, cd, q, v WHERE q <> p
MATCH aq = (q)-[:CHARGED_WITH]->(c2:Charge)-[:UNDER_ARTICLE]->(:LegalArticle)-[:PART_OF*0..3]->(a)
WHERE ` + pathSeen(seenAll, "aq") + `
WITH p, a, cd, q, v, c2, head(COLLECT { MATCH (k:Case)-[kc:HAS_CHARGE]->(c2) WHERE ` + seenAll("k", "kc") + ` RETURN k ORDER BY k.id }) AS k
WITH p, a, cd, q, v,
     CASE WHEN c2.date IS NOT NULL THEN [c2.date, c2.dateText]
          WHEN k.opened IS NOT NULL THEN [k.opened, k.openedText]
          ELSE head(COLLECT { MATCH (k)-[ke:SUBJECT_OF]->(e:Event) WHERE e.date IS NOT NULL AND ` + seenAll("ke", "e") + ` RETURN [e.date, e.dateText] AS x
                              UNION MATCH (e:Event)-[ek:ABOUT]->(k) WHERE e.date IS NOT NULL AND ` + seenAll("e", "ek") + ` RETURN [e.date, e.dateText] AS x
                              ORDER BY x[0] }) END AS qd
WHERE qd IS NOT NULL AND qd[0] >= cd[0]
WITH p, a, q, v, cd, qd ORDER BY cd[0], qd[0]
WITH p, a, q, v, head(collect([cd[1], qd[1]])) AS dates
RETURN p.id AS convicted, q.id AS associate, v.id AS via, a.id AS article,
       dates[0] AS convictedOn, dates[1] AS chargedOn
ORDER BY convicted, associate, article, via`

// LaterChargedAssociates returns the people who share a party,
// organisation or event with someone convicted under an article and were
// charged under the same article on or after that conviction, one row per
// pair, article and shared tie, with the earliest such conviction and the
// earliest charge that followed it.
func (s *Store) LaterChargedAssociates(ctx context.Context) ([]kg.Associate, error) {
	res, err := s.readQuery(ctx, laterChargedQuery, nil)
	if err != nil {
		return nil, translate(err, "reading later-charged associates failed")
	}
	out := make([]kg.Associate, 0, len(res.Records))
	for _, rec := range res.Records {
		r := rowOf(rec, "reading later-charged associates")
		out = append(out, kg.Associate{
			Convicted: r.str("convicted"), Associate: r.str("associate"), Via: r.str("via"), Article: r.str("article"),
			ConvictedOn: r.date("convictedOn"), ChargedOn: r.date("chargedOn"),
		})
		if err := r.err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Custody as a preventive measure is detention before trial by another
// name; custody imposed as a sentence is not.
var pretrialQuery = `
MATCH (p:Person)-[pr:SUBJECT_TO]->(r:Restriction)<-[kr:HAS_RESTRICTION]-(k:Case)
WHERE (r.kind IN ['pre-trial-detention', 'house-arrest'] OR (r.kind = 'custody' AND r.basis = 'preventive-measure'))
  AND ` + seenAll("p", "pr", "r", "kr", "k") + `
WITH p, k, r ORDER BY r.start IS NULL, r.start, r.id
WITH p, k, collect({restriction: r.id, kind: r.kind, start: r.startText, end: r.endText}) AS periods
WITH p, k, periods,
     head(COLLECT { MATCH (p)-[px:SENTENCED_TO]->(x:Sentence)<-[kx:HAS_SENTENCE]-(k)
                    WHERE ` + seenAll("px", "x", "kx") + ` AND NOT EXISTS { MATCH (x)-[xr:REPLACES]->(xy:Sentence) WHERE ` + seenAll("xr", "xy") + ` }
                    RETURN x ORDER BY x.date, x.id }) AS s
RETURN p.id AS person, k.id AS case, periods, s.id AS sentence, s.dateText AS verdict
ORDER BY person, case`

// PretrialDetention returns, per person and case, the spells of pre-trial
// detention and house arrest and the date of the sentence that followed.
func (s *Store) PretrialDetention(ctx context.Context) ([]kg.PretrialRecord, error) {
	res, err := s.readQuery(ctx, pretrialQuery, nil)
	if err != nil {
		return nil, translate(err, "reading pre-trial detention failed")
	}
	out := make([]kg.PretrialRecord, 0, len(res.Records))
	for _, rec := range res.Records {
		r := rowOf(rec, "reading pre-trial detention")
		pr := kg.PretrialRecord{Person: r.str("person"), Case: r.str("case"), Sentence: r.optStr("sentence"), VerdictDate: r.date("verdict")}
		for _, x := range r.rows("periods") {
			cp := kg.CustodyPeriod{
				Restriction: x.str("restriction"), Kind: x.str("kind"),
				Start: x.date("start"), End: x.date("end"), Months: kg.Span{Least: 0, Most: -1},
			}
			if cp.Start != nil && cp.End != nil {
				cp.Months = kg.MonthsBetween(*cp.Start, *cp.End)
			}
			pr.Total.Least += cp.Months.Least
			if cp.Months.Most < 0 || pr.Open {
				pr.Open, pr.Total.Most = true, -1
			} else {
				pr.Total.Most += cp.Months.Most
			}
			pr.Periods = append(pr.Periods, cp)
		}
		if err := r.err(); err != nil {
			return nil, err
		}
		out = append(out, pr)
	}
	return out, nil
}

// A case's facts are the case, its relationships, its charges, sentences
// and restrictions and their relationships; any of them contested makes
// the case's record disputed.
var assessedQuery = `
MATCH (o:Organisation)-[r:ASSESSED]->(k:Case) WHERE ` + seenAll("o", "r", "k") + `
WITH k, o, r ORDER BY o.id, r.assessment
WITH k, collect(DISTINCT o.id) AS orgs,
     collect({organisation: o.id, assessment: r.assessment, note: r.note, sources: ` + sourcesSeen("r") + `}) AS assessments
WHERE size(orgs) >= $min
RETURN k.id AS case, orgs, assessments,
       COLLECT {
         MATCH (k) WHERE k.contested = true RETURN k.id AS id
         UNION MATCH (k)-[x]-(xo) WHERE x.contested = true AND ` + seenAll("x", "xo") + ` RETURN x.id AS id
         UNION MATCH (k)-[ky:HAS_CHARGE|HAS_SENTENCE|HAS_RESTRICTION]->(y) WHERE y.contested = true AND ` + seenAll("ky", "y") + ` RETURN y.id AS id
         UNION MATCH (k)-[ky:HAS_CHARGE|HAS_SENTENCE|HAS_RESTRICTION]->(y)-[x]-(xo) WHERE x.contested = true AND ` + seenAll("ky", "y", "x", "xo") + ` RETURN x.id AS id
       } AS contested
ORDER BY size(orgs) DESC, case`

// AssessedCases returns the cases that at least minOrganisations distinct
// organisations assessed, with the assessments and the case's contested
// facts.
func (s *Store) AssessedCases(ctx context.Context, minOrganisations int) ([]kg.AssessedCase, error) {
	if minOrganisations < 1 {
		return nil, kg.Errorf(kg.Invalid, "minOrganisations must be at least 1")
	}
	res, err := s.readQuery(ctx, assessedQuery, map[string]any{"min": int64(minOrganisations)})
	if err != nil {
		return nil, translate(err, "reading assessed cases failed")
	}
	out := make([]kg.AssessedCase, 0, len(res.Records))
	for _, rec := range res.Records {
		r := rowOf(rec, "reading assessed cases")
		ac := kg.AssessedCase{Case: r.str("case"), Organisations: r.strs("orgs"), Contested: r.strs("contested")}
		sort.Strings(ac.Contested)
		for _, x := range r.rows("assessments") {
			ac.Assessments = append(ac.Assessments, kg.Assessment{
				Organisation: x.str("organisation"), Assessment: x.optStr("assessment"), Note: x.optStr("note"), Sources: x.optStrs("sources"),
			})
		}
		if err := r.err(); err != nil {
			return nil, err
		}
		out = append(out, ac)
	}
	return out, nil
}

// A charge that another one superseded was replaced, not charged alongside
// its replacement, so it does not pair.
var articlePairsQuery = `
MATCH (p:Person)-[pc:CHARGED_WITH]->(c:Charge)<-[kc:HAS_CHARGE]-(k:Case)
WHERE ` + seenAll("p", "pc", "c", "kc", "k") + ` AND NOT EXISTS { MATCH (n:Charge)-[ns:SUPERSEDES]->(c) WHERE ` + seenAll("n", "ns") + ` }
MATCH aq = (c)-[:UNDER_ARTICLE]->(:LegalArticle)-[:PART_OF*0..3]->(a:LegalArticle)
WHERE ` + pathSeen(seenAll, "aq") + ` AND NOT EXISTS { MATCH (a)-[ap:PART_OF]->(au:LegalArticle) WHERE ` + seenAll("ap", "au") + ` }
WITH p, k, collect(DISTINCT a.id) AS arts
UNWIND arts AS x
UNWIND arts AS y
WITH p, k, x, y WHERE x < y
WITH x, y, count(*) AS n, collect(DISTINCT k.id) AS cases, collect(DISTINCT p.id) AS persons
RETURN x, y, n, cases, persons
ORDER BY n DESC, x, y`

// ArticlePairs returns the pairs of articles charged together against one
// person in one case, with how often.
func (s *Store) ArticlePairs(ctx context.Context) ([]kg.ArticlePair, error) {
	res, err := s.readQuery(ctx, articlePairsQuery, nil)
	if err != nil {
		return nil, translate(err, "reading article pairs failed")
	}
	out := make([]kg.ArticlePair, 0, len(res.Records))
	for _, rec := range res.Records {
		r := rowOf(rec, "reading article pairs")
		ap := kg.ArticlePair{A: r.str("x"), B: r.str("y"), Count: r.num("n"), Cases: r.strs("cases"), Persons: r.strs("persons")}
		if err := r.err(); err != nil {
			return nil, err
		}
		sort.Strings(ap.Cases)
		sort.Strings(ap.Persons)
		out = append(out, ap)
	}
	return out, nil
}

// A contested entity is about its case where it belongs to one (a charge,
// sentence or restriction), else about itself.
var contestedQuery = `
CALL () {
  MATCH (n:Entity) WHERE n.contested = true AND ` + seen("n") + `
  RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS type,
         coalesce(head(COLLECT { MATCH (k:Case)-[kn:HAS_CHARGE|HAS_SENTENCE|HAS_RESTRICTION]->(n) WHERE ` + seenAll("k", "kn") + ` RETURN k.id ORDER BY k.id }), n.id) AS about,
         '' AS other, n.note AS note, ` + sourcesSeen("n") + ` AS sources
  UNION ALL
  MATCH (x)-[r]->(y) WHERE r.contested = true AND ` + seenAll("r", "x", "y") + `
  RETURN r.id AS id, type(r) AS type, x.id AS about, y.id AS other, r.note AS note, ` + sourcesSeen("r") + ` AS sources
}
RETURN id, type, about, other, note, sources
ORDER BY about, id`

// ContestedClaims returns every entity and relationship that sources
// disagree on.
func (s *Store) ContestedClaims(ctx context.Context) ([]kg.ContestedClaim, error) {
	res, err := s.readQuery(ctx, contestedQuery, nil)
	if err != nil {
		return nil, translate(err, "reading contested claims failed")
	}
	out := make([]kg.ContestedClaim, 0, len(res.Records))
	for _, rec := range res.Records {
		r := rowOf(rec, "reading contested claims")
		out = append(out, kg.ContestedClaim{
			ID: r.str("id"), Type: r.str("type"), About: r.str("about"), Other: r.str("other"),
			Note: r.optStr("note"), Sources: r.optStrs("sources"),
		})
		if err := r.err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
