package neo4jstore

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/casegraph/casegraph/internal/kg"
)

const (
	defaultHits = 20
	maxHits     = 100
	// searchCandidates bounds what the index hands to the type filter; a
	// wanted type ranked beyond it by Lucene is not found. Without a type
	// filter the bound is four times the window.
	searchCandidates = 1000
	// rerankWindow is how many hits beyond First the statement returns for
	// Go to rank by closeness of name (see Search).
	rerankWindow = 50
	// A query longer than this is cut: more words add Lucene clauses, not
	// better answers, and each fuzzy term may expand to 50 clauses of
	// Lucene's limit of 1024.
	maxQueryWords = 6
	maxWordRunes  = 50
)

// searchStatement asks the full-text index, keeps the wanted types, and
// puts entities whose whole name (2) or alias (1) is the query first.
// $exact holds the query's text in lower case and transliterated. A source
// has a title and no name: its title stands for its name. top is the best
// Lucene score of the window. When the first $keep hits all bear the
// query as their whole name, re-ranking cannot change them (see Search),
// so only they are returned: a common name at scale has hundreds of
// namesakes, and reading and ranking a window of them cost the service
// more than the index did.
var searchStatement = `
CALL db.index.fulltext.queryNodes('entity_search_2', $query, {limit: $candidates}) YIELD node, score
WITH node, score, [l IN labels(node) WHERE l <> 'Entity'][0] AS type
WHERE (size($types) = 0 OR type IN $types) AND ` + seen("node") + `
WITH node, type, score, coalesce(node.name, node.title, '') AS name, ` + aliasesOf("node") + ` AS aliases
WITH node, type, score, name, aliases, CASE
    WHEN toLower(name) IN $exact THEN 2
    WHEN any(a IN aliases WHERE toLower(a) IN $exact) THEN 1
    ELSE 0 END AS exact
WITH node, node.id AS id, type, name, aliases, score, exact
ORDER BY exact DESC, score DESC, id
LIMIT $window
WITH collect({node: node, id: id, type: type, name: name, aliases: aliases, score: score, exact: exact}) AS rows, max(score) AS top
UNWIND rows[..CASE WHEN size(rows) >= $keep AND rows[$keep - 1].exact = 2 THEN $keep ELSE size(rows) END] AS r
WITH r.node AS node, r.id AS id, r.type AS type, r.name AS name, r.aliases AS aliases, r.score AS score, r.exact AS exact, top`

// Search finds entities by name, alias, description or title, in one
// statement. Case, diacritics, Cyrillic or Latin spelling and a typo of
// one letter in a longer word do not matter. Text without a letter or
// digit finds nothing.
//
// A hit's score adds three parts: 2 for an exact name or 1 for an exact
// alias; how close its closest name or alias is to the query (0 to 1, see
// nameMatch); and its Lucene score relative to the best (0 to 1). So exact
// names come first, then exact aliases, then the entities whose own name
// is nearest the query, before those that only mention it: Lucene alone
// would rank "Detention of Marat Zhylanbaev" above the person for a
// misspelt Zhylanbaev, as the shorter text matching the same word. Hits
// bearing the query as their whole name score 3 and their relative Lucene
// score, more than any hit Lucene or the name ranks below them; so when
// the page is all such hits the statement returns only the page.
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.Hit, error) {
	types := make([]string, 0, len(q.Types))
	for _, t := range q.Types {
		if !slices.Contains(kg.EntityTypes, t) {
			return nil, kg.Errorf(kg.Invalid, "unknown entity type %q", t)
		}
		types = append(types, string(t))
	}
	query := luceneQuery(q.Text)
	if query == "" {
		return []kg.Hit{}, nil
	}
	first := q.First
	if first <= 0 {
		first = defaultHits
	}
	first = min(first, maxHits)

	// Without a type filter every candidate can be a hit, and a few times
	// the window holds the exact names and aliases Lucene ranks high: the
	// index then reads a few hundred entities, not a thousand.
	candidates := searchCandidates
	if len(types) == 0 {
		candidates = min(searchCandidates, 4*(first+rerankWindow))
	}
	params := map[string]any{
		"query":      query,
		"candidates": candidates,
		"types":      types,
		"exact":      exactForms(q.Text),
		"window":     first + rerankWindow,
	}
	var entity string
	var projection *kg.Selection
	if ownFieldsOnly(q.Selection) {
		projection = q.Selection
		// A few properties of each hit cost less in this statement than a
		// second round trip for them.
		proj, err := s.project(q.Selection, "node", "", params)
		if err != nil {
			return nil, err
		}
		entity = ", " + proj + " AS entity"
	}
	statement := searchStatement + "\nRETURN id, type, name, aliases, score, exact, top" + entity
	hits, err := s.searchHits(ctx, q.Text, statement, params, first, projection)
	if errors.Is(err, errRerankNeeded) {
		// A name Cypher and Go lower-case differently: rank the whole window.
		hits, err = s.searchHits(ctx, q.Text, statement, params, first+rerankWindow+1, projection)
	}
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(hits, func(a, b kg.Hit) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		return strings.Compare(a.ID, b.ID)
	})
	return hits[:min(len(hits), first)], nil
}

// ownFieldsOnly reports a selection of the entity's own fields, none of
// them an object or a list of objects.
func ownFieldsOnly(sel *kg.Selection) bool {
	if sel == nil {
		return false
	}
	for _, fields := range sel.ByType {
		for _, f := range fields {
			if f.Sel != nil {
				return false
			}
		}
	}
	return true
}

// luceneQuery turns what a user typed into a Lucene query for the
// entity_search_2 index. Only the letters and digits of the input are kept,
// so no Lucene operator or special character (+ - && || ! ( ) { } [ ] ^
// " ~ * ? : \ /) reaches the parser, and AND, OR and NOT are lower-cased
// into plain words. Input without letters or digits gives "".
//
// Each word becomes alternatives, any of which may match: the word itself
// and its transliteration (boost 4), its phonetic key as searchText stores
// it (3), a prefix (2) from three characters, and a fuzzy term of one edit
// (1) for words of four letters or more without digits. Prefix and fuzzy
// terms bypass the analyzer, so they are written already folded. Words are
// alternatives too: an entity matching more of them scores higher.
//
// Names weigh most, then searchText; names, titles and descriptions take
// the exact words only, and titles and descriptions weigh less, so an
// entity named by the query beats one that merely mentions it, and a typo
// does not wander through prose. searchText holds every word of the name
// too, so prefixes and typos still find names there: asking the name field
// for them as well read the postings of every common name twice.
func luceneQuery(text string) string {
	exact, loose := queryClauses(text, true)
	if len(exact) == 0 {
		return ""
	}
	all := strings.Join(append(slices.Clone(exact), loose...), " ")
	plain := strings.Join(exact, " ")
	return "name:(" + plain + ")^3 searchText:(" + all + ")^2 title:(" + plain + ") description:(" + plain + ")^0.5"
}

// queryClauses are the Lucene clauses of what a user typed, as
// luceneQuery describes them: for each of its first words, the word and
// its transliteration (boost 4), with phonetic its phonetic key (3), then
// a prefix (2) and a fuzzy term (1) apart as loose. Only letters and
// digits of the input reach a clause.
func queryClauses(text string, phonetic bool) (exact, loose []string) {
	words := kg.Words(text)
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	seen := map[string]bool{}
	// add writes a clause once; an exact term keeps the first, highest,
	// boost it is written with. A form can be empty (a word of combining
	// marks only has no Latin letters), and a bare boost such as "^4" is a
	// Lucene syntax error.
	add := func(list *[]string, key, clause string) {
		if key != "" && !seen[key] {
			seen[key] = true
			*list = append(*list, clause)
		}
	}
	for _, w := range words {
		if utf8.RuneCountInString(w) > maxWordRunes {
			w = string([]rune(w)[:maxWordRunes])
		}
		lower, latin := strings.ToLower(w), kg.Latin(w)
		add(&exact, lower, lower+"^4")
		add(&exact, latin, latin+"^4")
		if phonetic {
			key := kg.PhoneticKey(w)
			add(&exact, key, key+"^3")
		}
		if utf8.RuneCountInString(latin) >= 3 {
			add(&loose, latin+"*", latin+"*^2")
		}
		if utf8.RuneCountInString(latin) >= 4 && !strings.ContainsFunc(latin, unicode.IsDigit) {
			add(&loose, latin+"~", latin+"~1")
		}
	}
	return exact, loose
}

// errRerankNeeded says a shortened window held a hit whose whole name
// Cypher took for the query and the name matcher did not.
var errRerankNeeded = errors.New("the window must be ranked whole")

// searchHits runs the search statement, returning only the first keep hits
// when they are all namesakes, and scores its hits. With a projection,
// the statement returns each hit's fields it selects as entity.
func (s *Store) searchHits(ctx context.Context, text, statement string, params map[string]any, keep int, projection *kg.Selection) ([]kg.Hit, error) {
	params = maps.Clone(params)
	params["keep"] = keep
	res, err := s.readQuery(ctx, statement, params)
	if err != nil {
		return nil, translate(err, "search failed")
	}
	shortened := len(res.Records) == keep
	hits := make([]kg.Hit, 0, len(res.Records))
	matcher := newNameMatcher(text)
	for _, rec := range res.Records {
		r := rowOf(rec, "search")
		id, t, name, aliases := r.str("id"), r.str("type"), r.str("name"), r.strs("aliases")
		exact := r.num("exact")
		var entity map[string]any
		if projection != nil {
			// null for a hit of a type the selection asks nothing of
			var err error
			if entity, _, err = optCol[map[string]any](rec, "search", "entity"); err != nil {
				return nil, err
			}
			if err := projected(entity, projection, "entity"); err != nil {
				return nil, err
			}
		}
		score, err := col[float64](rec, "search", "score")
		if err != nil {
			return nil, err
		}
		top, err := col[float64](rec, "search", "top")
		if err != nil {
			return nil, err
		}
		if err := r.err(); err != nil {
			return nil, err
		}
		matched, closeness := matcher.match(name, aliases)
		if shortened && exact == 2 && closeness < 1 {
			return nil, errRerankNeeded
		}
		if top > 0 {
			score /= top
		}
		hits = append(hits, kg.Hit{
			ID: id, Type: kg.EntityType(t), Name: name, Matched: matched,
			Score: float64(exact) + closeness + score, Entity: entity,
		})
	}
	return hits, nil
}

// exactForms are the query's text as Search compares it with whole names
// and aliases: in lower case, and transliterated.
func exactForms(text string) []string {
	lower := strings.Join(strings.Fields(strings.ToLower(text)), " ")
	forms := []string{lower}
	if latin := kg.Latin(lower); latin != lower {
		forms = append(forms, latin)
	}
	return forms
}

// nameMatcher holds what match needs of the query, worked out once per
// search rather than once for each of its candidates.
type nameMatcher struct {
	lower, latin string   // the query's words, joined
	words, keys  []string // its Latin words and their phonetic keys
}

func newNameMatcher(text string) nameMatcher {
	m := nameMatcher{
		lower: strings.Join(kg.Words(strings.ToLower(text)), " "),
		words: kg.Words(kg.Latin(text)),
	}
	m.latin = strings.Join(m.words, " ")
	m.keys = phoneticKeys(m.words)
	return m
}

func phoneticKeys(words []string) []string {
	keys := make([]string, len(words))
	for i, w := range words {
		keys[i] = kg.PhoneticKey(w)
	}
	return keys
}

// match picks the name or alias that best explains a hit and says how
// close it is to the query, from 0 to 1: 1 for one equal to the query in
// lower case or once transliterated; else the share of words that meet
// (the same word 1, the same phonetic key 0.9, a key prefix or one edit
// away 0.5) over the longer of query and name, so extra words count
// against a name. So "Mamay" reports the alias Mamay, "Жыланбаев" the
// alias Жыланбаев, "Dalibaev" the alias Dalibayev (0.9). A hit found only
// by its description reports its name, at 0.
func (m nameMatcher) match(name string, aliases []string) (string, float64) {
	cands := append([]string{name}, aliases...)
	for _, c := range cands {
		if strings.Join(kg.Words(strings.ToLower(c)), " ") == m.lower {
			return c, 1
		}
	}
	latin := make([][]string, len(cands))
	for i, c := range cands {
		latin[i] = kg.Words(kg.Latin(c))
		if strings.Join(latin[i], " ") == m.latin {
			return c, 1
		}
	}
	best, bestScore := name, 0.0
	for i, c := range cands {
		words := latin[i]
		if len(words) == 0 {
			continue
		}
		keys := phoneticKeys(words)
		score := 0.0
		for j, q := range m.words {
			score += wordMatch(q, m.keys[j], words, keys)
		}
		if score /= float64(max(len(m.words), len(words))); score > bestScore {
			best, bestScore = c, score
		}
	}
	return best, bestScore
}

// wordMatch scores how well query word q, in Latin, with phonetic key qk,
// meets a name's words, whose keys are given.
func wordMatch(q, qk string, words, keys []string) float64 {
	best := 0.0
	for i, w := range words {
		wk := keys[i]
		switch {
		case w == q:
			return 1
		case wk == qk:
			best = max(best, 0.9)
		case strings.HasPrefix(wk, qk), oneEdit(qk, wk):
			best = max(best, 0.5)
		}
	}
	return best
}

// oneEdit reports whether a and b differ by exactly one inserted, deleted
// or replaced letter, or two neighbours swapped, as Lucene's fuzzy terms
// count edits.
func oneEdit(a, b string) bool {
	x, y := []rune(a), []rune(b)
	if len(x) > len(y) {
		x, y = y, x
	}
	if len(y)-len(x) > 1 || string(x) == string(y) {
		return false
	}
	i := 0
	for i < len(x) && x[i] == y[i] {
		i++
	}
	if len(x) < len(y) {
		return string(x[i:]) == string(y[i+1:])
	}
	swapped := i+1 < len(x) && x[i] == y[i+1] && x[i+1] == y[i] && string(x[i+2:]) == string(y[i+2:])
	return swapped || string(x[i+1:]) == string(y[i+1:])
}
