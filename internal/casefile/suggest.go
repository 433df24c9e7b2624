package casefile

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/casegraph/casegraph/internal/kg"
)

// distance is the number of edits a slip of the keyboard makes, between a
// and b compared in lower case: a letter added, dropped or changed, or two
// neighbours swapped (the optimal string alignment distance).
func distance(a, b string) int {
	s, t := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	// Three rows of the table suffice: the swap looks two rows back.
	prev2, prev, cur := make([]int, len(t)+1), make([]int, len(t)+1), make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(t)]
}

// maxSuggestions bounds a "did you mean": more would be a list, not a hint.
const maxSuggestions = 3

// closest returns the candidates near enough to s to be what was meant:
// within max(2, a quarter of its length) edits, but no more than half its
// letters, so that "age" is not taken for "name"; nearest first, then in
// alphabetical order, at most maxSuggestions.
func closest(s string, candidates []string) []string {
	n := utf8.RuneCountInString(s)
	limit := min(max(2, n/4), max(1, n/2))
	type near struct {
		c string
		d int
	}
	var found []near
	seen := map[string]bool{}
	for _, c := range candidates {
		if seen[c] {
			continue
		}
		seen[c] = true
		// Lengths this far apart need more edits than allowed.
		if m := utf8.RuneCountInString(c); m-n > limit || n-m > limit {
			continue
		}
		if d := distance(s, c); d <= limit {
			found = append(found, near{c, d})
		}
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].d != found[j].d {
			return found[i].d < found[j].d
		}
		return found[i].c < found[j].c
	})
	out := make([]string, 0, maxSuggestions)
	for i := 0; i < len(found) && i < maxSuggestions; i++ {
		out = append(out, found[i].c)
	}
	return out
}

// didYouMean asks whether one of near was meant: "did you mean X?", or ""
// when near is empty.
func didYouMean(near []string) string {
	switch len(near) {
	case 0:
		return ""
	case 1:
		return "did you mean " + near[0] + "?"
	}
	return "did you mean " + strings.Join(near[:len(near)-1], ", ") + " or " + near[len(near)-1] + "?"
}

// orMeant joins a problem with what is wanted instead, asking between them
// whether one of near was meant: `…: did you mean X? Want …`.
func orMeant(problem string, near []string, want string) string {
	if len(near) == 0 {
		return problem + ": " + want
	}
	return problem + ": " + didYouMean(near) + " " + strings.ToUpper(want[:1]) + want[1:]
}

// oneOf is the problem of got, which must be one of names.
func oneOf(problem, got string, names []string) string {
	return orMeant(problem, closest(got, names), "want one of "+strings.Join(names, ", "))
}

// IDs are suggested from those that start like the unknown one: the same
// type's prefix and the first letter of the slug. That keeps the graph's
// answer and the comparisons small, at the cost of no suggestion for a
// slip in the first letter. The graph is asked for at most
// candidateLimit IDs under each of at most candidatePrefixes starts.
const (
	candidateLimit    = 200
	candidatePrefixes = 64
)

// start is where IDs like id of type t begin: "person/z" for
// person/zhanbolat-mamay, and for zhanbolat-mamay, which lacks its type.
func start(t kg.EntityType, id string) string {
	slug := id
	if _, s, ok := strings.Cut(id, "/"); ok {
		slug = s
	}
	first := ""
	if r, size := utf8.DecodeRuneInString(slug); size > 0 {
		first = string(unicode.ToLower(r))
	}
	return t.Prefix() + "/" + first
}

// wantedID is an unknown ID and the types it may name.
type wantedID struct {
	id      string
	targets []kg.EntityType
}

// starts are the beginnings of the IDs that w may have meant.
func (w wantedID) starts() []string {
	ts := w.targets
	if len(ts) == 0 {
		ts = kg.EntityTypes
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = start(t, w.id)
	}
	return out
}

// idsMeant gathers the IDs that the unknown ones may stand for, from this
// import's entries and, in one query, the graph; it returns what each
// unknown ID may have meant. A failed query costs only the graph's
// suggestions: the check itself has what it needs.
func (c *checker) idsMeant(unknown []wantedID) func(wantedID) []string {
	byStart := map[string]map[string]bool{}
	add := func(id string, t kg.EntityType) {
		k := start(t, id)
		if byStart[k] == nil {
			byStart[k] = map[string]bool{}
		}
		byStart[k][id] = true
	}
	for id, d := range c.defs {
		if d.typ != "" {
			add(id, d.typ)
		}
	}
	if c.opts.Candidates != nil && len(unknown) > 0 {
		asked := map[string]bool{}
		var prefixes []string
		for _, w := range unknown {
			for _, p := range w.starts() {
				if !asked[p] {
					asked[p] = true
					prefixes = append(prefixes, p)
				}
			}
		}
		sort.Strings(prefixes)
		ids, _ := c.opts.Candidates(prefixes[:min(len(prefixes), candidatePrefixes)], candidateLimit)
		for _, id := range ids {
			if t, ok := kg.TypeOfID(id); ok {
				add(id, t)
			}
		}
	}
	return func(w wantedID) []string {
		var pool []string
		for _, p := range w.starts() {
			for id := range byStart[p] {
				pool = append(pool, id)
			}
		}
		return nearIDs(w.id, pool)
	}
}

// nearIDs are the IDs of pool closest to id; an id without its type's
// prefix is compared by its slug.
func nearIDs(id string, pool []string) []string {
	if strings.Contains(id, "/") {
		return closest(id, pool)
	}
	bySlug := map[string][]string{}
	slugs := make([]string, 0, len(pool))
	for _, p := range pool {
		_, slug, _ := strings.Cut(p, "/")
		bySlug[slug] = append(bySlug[slug], p)
		slugs = append(slugs, slug)
	}
	var out []string
	for _, slug := range closest(id, slugs) {
		ids := bySlug[slug]
		sort.Strings(ids)
		out = append(out, ids...)
	}
	return out[:min(len(out), maxSuggestions)]
}

// ifNot puts a question whether one of near was meant before what to do
// if not.
func ifNot(near []string, todo string) string {
	if len(near) == 0 {
		return todo
	}
	return didYouMean(near) + " If not, " + todo
}
