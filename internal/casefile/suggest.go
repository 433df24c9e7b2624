package casefile

import (
	"sort"
	"strings"
	"unicode/utf8"
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
// alphabetical order, at most maxSuggestions. s itself is never one.
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
		if c == s || seen[c] {
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
