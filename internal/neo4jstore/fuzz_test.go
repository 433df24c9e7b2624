package neo4jstore

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzLuceneQuery checks that whatever a user types, luceneQuery gives
// Lucene only its own syntax: the four fielded groups, words of letters,
// digits and combining marks, and the boosts, prefixes and fuzzy marks it
// adds itself. It runs no query; TestSearch* do that against a real index.
func FuzzLuceneQuery(f *testing.F) {
	for _, s := range []string{
		"Mamai", "Mamay AND (", `+ - && || ! ( ) { } [ ] ^ " ~ * ? : \ /`, "Жыланбаев", "Frontières",
		`title:Extortion`, `Mamai~0.5^3`, `[a TO z]`, `/ab+c/`, "a b c d e f g h", "\x00\xff", "ǅ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		q := luceneQuery(text)
		if q == "" {
			return
		}
		if !utf8.ValidString(q) {
			t.Fatalf("luceneQuery(%q) = %q is not UTF-8", text, q)
		}
		const shape = "name:(E)^3 searchText:(A)^2 title:(E) description:(E)^0.5"
		all, exact, ok := fieldedGroups(q)
		if !ok {
			t.Fatalf("luceneQuery(%q) = %q, not of the shape %s", text, q, shape)
		}
		for _, group := range []string{all, exact} {
			terms := strings.Split(group, " ")
			if len(terms) == 0 || terms[0] == "" {
				t.Fatalf("luceneQuery(%q) = %q has an empty group", text, q)
			}
			for _, term := range terms {
				if !validTerm(term) {
					t.Fatalf("luceneQuery(%q) = %q has term %q, which is not a word with an added boost, prefix or fuzzy mark", text, q, term)
				}
			}
		}
	})
}

// fieldedGroups splits a query of luceneQuery's shape into its two groups
// of alternatives; the name and title groups must repeat the description
// group.
func fieldedGroups(q string) (all, exact string, ok bool) {
	rest, ok := strings.CutPrefix(q, "name:(")
	if !ok {
		return "", "", false
	}
	exact, rest, ok = strings.Cut(rest, ")^3 searchText:(")
	if !ok {
		return "", "", false
	}
	all, rest, ok = strings.Cut(rest, ")^2 title:(")
	if !ok {
		return "", "", false
	}
	exact2, rest, ok := strings.Cut(rest, ") description:(")
	if !ok || exact2 != exact || rest != exact+")^0.5" {
		return "", "", false
	}
	return all, exact, true
}

// validTerm accepts word^N, word*^2 and word~1, where a word is letters,
// digits and combining marks only (kg.Words keeps marks: they belong to
// the letters they follow) and not an upper-case operator: nothing Lucene's parser
// would read as syntax.
func validTerm(term string) bool {
	word, boost, ok := strings.Cut(term, "^")
	switch {
	case !ok:
		word, ok = strings.CutSuffix(term, "~1")
		if !ok {
			return false
		}
	case boost != "4" && boost != "3" && boost != "2":
		return false
	case boost == "2":
		if word, ok = strings.CutSuffix(word, "*"); !ok {
			return false
		}
	}
	if word == "" || word == "AND" || word == "OR" || word == "NOT" || word == "TO" {
		return false
	}
	for _, r := range word {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			return false
		}
	}
	return true
}
