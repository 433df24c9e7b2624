package neo4jstore

import (
	"strings"

	"github.com/casegraph/casegraph/internal/kg"
)

// searchText is the computed property the full-text index reads beside the
// name: the words of the name (a source's title) and aliases, their Latin transliteration and
// the phonetic key of each, each once. So Жыланбаев is also found as
// zhylanbayev and jilanbaev, and a query meets a name whatever alphabet or
// spelling either is written in. It is derived from the case file on every
// import and never exported.
func searchText(e kg.Entity) string {
	var names []string
	if n, ok := e.Props["name"].(string); ok {
		names = append(names, n)
	} else if t, ok := e.Props["title"].(string); ok {
		names = append(names, t) // a source's title is its name
	}
	if as, ok := e.Props["aliases"].([]string); ok {
		names = append(names, as...)
	}
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for _, n := range names {
		for _, w := range kg.Words(strings.ToLower(n)) {
			add(w)
		}
		for _, w := range kg.Words(kg.Latin(n)) {
			add(w)
			add(kg.PhoneticKey(w))
		}
	}
	return strings.Join(out, " ")
}
