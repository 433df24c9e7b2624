package kg

import (
	"regexp"
	"strings"
	"testing"
)

// The grammars ParseCitation and ValidID implement by hand.
var (
	citationGrammar = regexp.MustCompile(`^source/[a-z0-9]+(?:-[a-z0-9]+)*#p[1-9][0-9]*$`)
	idGrammar       = regexp.MustCompile(`^[a-z]+(?:-[a-z]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$`)
)

var slugCases = []string{
	"source/iphr-2023-04-mamai#p4", "source/a#p1", "source/a#p10", "source/a#p0", "source/a#p01",
	"source/a#p", "source/#p1", "source/-a#p1", "source/a-#p1", "source/a--b#p1", "source/A#p1",
	"source/a#p1#p2", "source/a/b#p1", "sources/a#p1", "source/a#q1", "source/a#p1x", "source/a#p-1",
	"person/zhanbolat-mamai", "person/x", "legal-article/kz-cc-274", "legal--article/x", "-person/x",
	"person/", "/x", "person", "person/a b", "person/é", "PERSON/x", "person/x/y", "person1/x",
	"source/a#p99999999999999999999", "",
}

func TestSlugsMatchTheirGrammar(t *testing.T) {
	for _, s := range slugCases {
		checkAgainstGrammar(t, s)
	}
}

func checkAgainstGrammar(t *testing.T, s string) {
	_, err := ParseCitation(s)
	// A paragraph number too large for an int fits the grammar but not
	// the program.
	tooLarge := err != nil && strings.HasSuffix(err.Error(), "paragraph number too large")
	if want := citationGrammar.MatchString(s); (err == nil) != want && !(want && tooLarge) {
		t.Errorf("ParseCitation(%q): error %v, grammar says valid = %v", s, err, want)
	}
	_, known := TypeOfID(s)
	if got, want := ValidID(s), idGrammar.MatchString(s) && known; got != want {
		t.Errorf("ValidID(%q) = %v, grammar and known kind say %v", s, got, want)
	}
}
