// Package dedupe tells when two entities are likely one real court,
// party, organisation or person written twice: the rule that import,
// createEntity and possibleDuplicates are to share. It reads names and
// aliases the way search does (case, diacritics and script folded, Latin
// transliteration) and weighs what the two share (a place, a
// jurisdiction, a case). docs/duplicates.md gives the rule and how it
// scores on a labelled set of pairs.
package dedupe

import (
	"fmt"
	"slices"
	"strings"

	"github.com/casegraph/casegraph/internal/kg"
)

// Candidate is an entity as the rule sees it.
type Candidate struct {
	ID      string
	Type    kg.EntityType
	Names   []string // its name first, then its aliases
	Context []string // IDs of what it is tied to: its place, its code's country, its cases
}

// ContextRels are the relationships whose far ends are an entity's
// context: where it is, its code's country, its cases.
var ContextRels = []kg.RelType{kg.LocatedIn, "DEFENDANT_IN", "HEARD_BY", "IN_CODE"}

// CandidateOf is an entity as a case file states it, its context read
// from links.
func CandidateOf(e kg.Entity, links []kg.Link) Candidate {
	c := Candidate{ID: e.ID, Type: e.Type}
	if n, ok := e.Props["name"].(string); ok {
		c.Names = append(c.Names, n)
	}
	switch as := e.Props["aliases"].(type) {
	case []string:
		c.Names = append(c.Names, as...)
	case []any:
		for _, a := range as {
			if s, ok := a.(string); ok {
				c.Names = append(c.Names, s)
			}
		}
	}
	for _, l := range links {
		if l.From == e.ID && slices.Contains(ContextRels, l.Type) {
			c.Context = append(c.Context, l.To)
		}
	}
	return c
}

// Match is a likely duplicate and why.
type Match struct {
	Reason string
	Score  float64 // 0 to 1: the share of words the names have in common
}

// Thresholds of the rule: names that share this share of their words are
// close; close names are likely one entity when the two share a place,
// jurisdiction or case.
const (
	closeNames = 0.75
	sameNames  = 1.0
)

// Likely reports whether a and b are likely one entity. Entities of two
// types never are.
func Likely(a, b Candidate) (Match, bool) {
	if a.Type != b.Type || a.ID == b.ID {
		return Match{}, false
	}
	best, pair := 0.0, [2]string{}
	for _, x := range a.Names {
		for _, y := range b.Names {
			fx, fy := fold(x), fold(y)
			if len(fx) == 0 || len(fy) == 0 {
				continue
			}
			if slices.Equal(sorted(fx), sorted(fy)) {
				return Match{Score: 1, Reason: fmt.Sprintf("%q and %q are the same name once case, script, diacritics and word order are set aside", x, y)}, true
			}
			if abbreviates(fx, fy) || abbreviates(fy, fx) {
				return Match{Score: 1, Reason: fmt.Sprintf("%q and %q: one is the other's initials", x, y)}, true
			}
			if s := overlap(fx, fy); s > best {
				best, pair = s, [2]string{x, y}
			}
		}
	}
	shared := sharedContext(a.Context, b.Context)
	if best < closeNames || !sameDistinctive(pair, a.Context, b.Context) {
		return Match{Score: best}, false
	}
	switch {
	case best >= sameNames:
		return Match{Score: best, Reason: fmt.Sprintf("%q and %q match word for word, allowing for spelling", pair[0], pair[1])}, true
	case shared != "":
		return Match{Score: best, Reason: fmt.Sprintf("%q and %q are close (%.0f%% of their words) and both are tied to %s", pair[0], pair[1], 100*best, shared)}, true
	}
	return Match{Score: best}, false
}

// genericWords say what kind of thing an entity is, not which one: two
// district courts of one city share "district court" and the city's name,
// and differ in the word that names each.
var genericWords = map[string]bool{
	"court": true, "courts": true, "district": true, "city": true, "regional": true, "region": true, "oblast": true,
	"specialised": true, "specialized": true, "inter": true, "interdistrict": true, "criminal": true, "civil": true,
	"appeal": true, "appeals": true, "appellate": true, "supreme": true, "cassation": true, "military": true,
	"party": true, "movement": true, "organisation": true, "organization": true, "union": true, "association": true,
	"international": true, "national": true, "bureau": true, "committee": true, "ministry": true, "office": true,
	"agency": true, "service": true, "republic": true, "kazakhstan": true, "human": true, "rights": true,
	"unnamed": true, "report": true, "sources": true, "source": true, "that": true, "tried": true,
}

// distinctive are a folded name's words that tell it from others of its
// kind: neither generic nor the name of a place it is tied to.
func distinctive(words []string, context []string) []string {
	var out []string
	for _, w := range words {
		if genericWords[w] || slices.ContainsFunc(context, func(id string) bool {
			_, slug, _ := strings.Cut(id, "/")
			return slug == w
		}) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// sameDistinctive says whether two close names agree on what tells each
// from others of its kind: every distinctive word of the one with fewer is
// the same word as one of the other's, or neither has any.
func sameDistinctive(pair [2]string, ca, cb []string) bool {
	da, db := distinctive(fold(pair[0]), ca), distinctive(fold(pair[1]), cb)
	if len(da) > len(db) {
		da, db = db, da
	}
	if len(da) == 0 {
		return len(db) == 0
	}
	return overlap(da, db)*float64(max(len(da), len(db))) >= float64(len(da))
}

// stopWords carry no identity: "Court of Almaty" is "Court Almaty", and
// the Russian "goroda" (of the city) is "of".
var stopWords = map[string]bool{"of": true, "the": true, "in": true, "for": true, "and": true, "on": true, "v": true, "i": true, "goroda": true}

// fold gives a name's words, lower case and in Latin letters, without
// stop words.
func fold(name string) []string {
	var out []string
	for _, w := range kg.Words(kg.Latin(name)) {
		if !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

func sorted(ws []string) []string {
	out := slices.Clone(ws)
	slices.Sort(out)
	return out
}

// sameWord says whether two folded words are one word spelt two ways:
// equal, equal by sound (the phonetic key search uses), or sharing a stem
// of five letters or more (Almaly and Almalinsky, but not Almaly and
// Almaty).
func sameWord(a, b string) bool {
	if a == b || kg.PhoneticKey(a) == kg.PhoneticKey(b) {
		return true
	}
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n >= 5
}

// overlap is the share of the longer name's words that the other has,
// each word matched once.
func overlap(a, b []string) float64 {
	used := make([]bool, len(b))
	matched := 0
	for _, x := range a {
		for j, y := range b {
			if !used[j] && sameWord(x, y) {
				used[j] = true
				matched++
				break
			}
		}
	}
	return float64(matched) / float64(max(len(a), len(b)))
}

// abbreviates says whether short is one word spelling the initials of
// long (KIBHR for Kazakhstan International Bureau for Human Rights; stop
// words may count or not).
func abbreviates(short, long []string) bool {
	if len(short) != 1 || len(long) < 2 || len(short[0]) < 2 {
		return false
	}
	var initials strings.Builder
	for _, w := range long {
		initials.WriteByte(w[0])
	}
	return short[0] == initials.String()
}

// sharedContext names one ID both are tied to, or "".
func sharedContext(a, b []string) string {
	for _, x := range sorted(a) {
		if slices.Contains(b, x) {
			return x
		}
	}
	return ""
}

// Pair is two likely duplicates, A's ID before B's.
type Pair struct {
	A, B string
	Match
}

// MaxBlock bounds the entities compared under one key: a key shared by
// more (a common first name, say) says too little to pair by.
const MaxBlock = 200

// Pairs finds the likely duplicates among cands, best first, leaving out
// the pairs skip names. Only entities that share a word's sound or stem, or
// an initials key, are compared, so the work grows with the entities, not
// their square.
func Pairs(cands []Candidate, skip func(a, b string) bool) []Pair {
	return PairsWith(cands, nil, skip)
}

// BlockKeys are the keys entities are compared under: only entities that
// share one are compared (the type, then a word's sound or stem, or the
// initials' sound). Each key appears once.
func BlockKeys(c Candidate) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range c.Names {
		words := fold(n)
		keys := []string{}
		for _, w := range words {
			keys = append(keys, "k:"+kg.PhoneticKey(w))
			if len(w) >= 5 {
				keys = append(keys, "s:"+w[:5])
			}
		}
		var initials strings.Builder
		for _, w := range words {
			initials.WriteByte(w[0])
		}
		if len(words) > 1 {
			keys = append(keys, "k:"+kg.PhoneticKey(initials.String()))
		}
		for _, k := range keys {
			k = string(c.Type) + " " + k
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// PairsWith is Pairs of only the pairs with an end that with names (all
// when with is nil): a write's new entities against the graph, compared
// within their blocks alone.
func PairsWith(cands []Candidate, with func(id string) bool, skip func(a, b string) bool) []Pair {
	in := func(i int) bool { return with == nil || with(cands[i].ID) }
	blocks := map[string][]int{}
	for i, c := range cands {
		for _, k := range BlockKeys(c) {
			blocks[k] = append(blocks[k], i)
		}
	}
	done := map[[2]int]bool{}
	var out []Pair
	for _, idx := range blocks {
		if len(idx) > MaxBlock || !slices.ContainsFunc(idx, in) {
			continue
		}
		for x := 0; x < len(idx); x++ {
			for y := x + 1; y < len(idx); y++ {
				i, j := idx[x], idx[y]
				if !in(i) && !in(j) || done[[2]int{i, j}] {
					continue
				}
				done[[2]int{i, j}] = true
				if p, ok := likelyPair(cands[i], cands[j], skip); ok {
					out = append(out, p)
				}
			}
		}
	}
	return sortPairs(out)
}

// PairsOf is PairsWith of c against the graph when the graph's side is
// read by block: blocks gives, for each of c's BlockKeys, the other
// entities under it (c left out), or more than MaxBlock-1 of them when
// the block is too large to pair by. The answer is that of PairsWith over
// c and every entity of c's type, with c as with.
func PairsOf(c Candidate, blocks map[string][]Candidate, skip func(a, b string) bool) []Pair {
	done := map[string]bool{}
	var out []Pair
	for _, k := range BlockKeys(c) {
		members := blocks[k]
		if len(members)+1 > MaxBlock {
			continue
		}
		for _, o := range members {
			if o.ID == c.ID || done[o.ID] {
				continue
			}
			done[o.ID] = true
			if p, ok := likelyPair(c, o, skip); ok {
				out = append(out, p)
			}
		}
	}
	return sortPairs(out)
}

// likelyPair compares two entities, A's ID before B's, unless skip names
// them.
func likelyPair(a, b Candidate, skip func(a, b string) bool) (Pair, bool) {
	if a.ID > b.ID {
		a, b = b, a
	}
	if skip != nil && skip(a.ID, b.ID) {
		return Pair{}, false
	}
	m, ok := Likely(a, b)
	return Pair{A: a.ID, B: b.ID, Match: m}, ok
}

// sortPairs orders pairs best first, then by their IDs.
func sortPairs(out []Pair) []Pair {
	slices.SortFunc(out, func(p, q Pair) int {
		if p.Score != q.Score {
			if p.Score > q.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(p.A+" "+p.B, q.A+" "+q.B)
	})
	return out
}
