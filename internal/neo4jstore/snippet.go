package neo4jstore

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/casegraph/casegraph/internal/kg"
)

// wordMatcher marks the words of a passage that a passage query matches,
// by the rules of passageQuery: the same word in lower case or in Latin
// letters, a prefix from three letters, or one typo from four.
type wordMatcher struct{ words []string }

func newWordMatcher(query string) wordMatcher {
	var m wordMatcher
	for _, w := range kg.Words(query) {
		if l := kg.Latin(w); l != "" {
			m.words = append(m.words, l)
		}
	}
	return m
}

func (m wordMatcher) matches(word string) bool {
	latin := kg.Latin(word)
	if latin == "" {
		return false
	}
	for _, q := range m.words {
		n := utf8.RuneCountInString(q)
		switch {
		case latin == q:
			return true
		case n >= 3 && strings.HasPrefix(latin, q):
			return true
		case n >= 4 && !strings.ContainsFunc(q, unicode.IsDigit) && withinOneEdit(latin, q):
			return true
		}
	}
	return false
}

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
}

// snippetWords is how many words a snippet shows around its first match.
const snippetWords = 40

// snippet cuts the passage around its first matching word and marks every
// matching word; an ellipsis marks a cut.
func (m wordMatcher) snippet(text string) []kg.SnippetPart {
	type token struct {
		text  string
		match bool
	}
	var tokens []token
	first := -1
	for _, f := range strings.Fields(text) {
		// DVK/Koshe or Kassym-Jomart is several words to the index.
		t := token{text: f, match: slices.ContainsFunc(strings.FieldsFunc(f, notWordRune), m.matches)}
		if t.match && first < 0 {
			first = len(tokens)
		}
		tokens = append(tokens, t)
	}
	from := max(0, first-snippetWords/4)
	to := min(len(tokens), from+snippetWords)
	var out []kg.SnippetPart
	add := func(s string, match bool) {
		if n := len(out); n > 0 && out[n-1].Match == match {
			out[n-1].Text += s
			return
		}
		out = append(out, kg.SnippetPart{Text: s, Match: match})
	}
	if from > 0 {
		add("… ", false)
	}
	for i := from; i < to; i++ {
		if i > from {
			add(" ", false)
		}
		add(tokens[i].text, tokens[i].match)
	}
	if to < len(tokens) {
		add(" …", false)
	}
	return out
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion or substitution.
func withinOneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) > 1 {
		return false
	}
	i, j, edits := 0, 0, 0
	for i < len(ra) && j < len(rb) {
		if ra[i] == rb[j] {
			i, j = i+1, j+1
			continue
		}
		edits++
		if edits > 1 {
			return false
		}
		if len(ra) == len(rb) {
			j++
		}
		i++
	}
	return edits+(len(ra)-i) <= 1
}
