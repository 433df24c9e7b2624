package casefile

import (
	"slices"
	"sort"
	"strings"
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

// IDs are suggested from the IDs of an allowed type that sort next to
// the unknown one, at most nearbyLimit on either side of it: a slip after
// the first letters leaves the ID meant among them, however large the
// graph. The graph is asked about at most nearbyKeys places.
const (
	nearbyLimit = 50
	nearbyKeys  = 64
)

// wantedID is an unknown ID and the types it may name.
type wantedID struct {
	id      string
	targets []kg.EntityType
}

// keys are where the IDs w may have meant sort: its slug under the prefix
// of each type it may name, so that person/zhanbolat-mamai is found for
// persn/zhanbolat-mamai and for zhanbolat-mamai.
func (w wantedID) keys() []string {
	slug := w.id
	if _, s, ok := strings.Cut(w.id, "/"); ok {
		slug = s
	}
	ts := w.targets
	if len(ts) == 0 {
		ts = kg.EntityTypes
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Prefix() + "/" + strings.ToLower(slug)
	}
	return out
}

// idsMeant gathers the IDs that the unknown ones may stand for, from this
// import's entries and, in one question, the graph; it returns what each
// unknown ID may have meant. A failed question costs only the graph's
// suggestions: the check itself has what it needs.
func (c *checker) idsMeant(unknown []wantedID) func(wantedID) []string {
	byType := map[string][]string{} // by type prefix, in order
	for id, d := range c.defs {
		if d.typ != "" {
			byType[d.typ.Prefix()] = append(byType[d.typ.Prefix()], id)
		}
	}
	if c.opts.Nearby != nil && len(unknown) > 0 {
		var keys []string
		for _, w := range unknown {
			keys = append(keys, w.keys()...)
		}
		slices.Sort(keys)
		keys = slices.Compact(keys)
		ids, _ := c.opts.Nearby(keys[:min(len(keys), nearbyKeys)], nearbyLimit)
		for _, id := range ids {
			prefix, _, _ := strings.Cut(id, "/")
			byType[prefix] = append(byType[prefix], id)
		}
	}
	for t, ids := range byType {
		slices.Sort(ids)
		byType[t] = slices.Compact(ids)
	}
	return func(w wantedID) []string {
		var pool []string
		for _, k := range w.keys() {
			prefix, _, _ := strings.Cut(k, "/")
			ids := byType[prefix]
			i, _ := slices.BinarySearch(ids, k)
			pool = append(pool, ids[max(0, i-nearbyLimit):min(len(ids), i+nearbyLimit)]...)
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
