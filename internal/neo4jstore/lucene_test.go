package neo4jstore

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/casegraph/casegraph/internal/kg"
)

// fielded is the shape luceneQuery gives its alternatives: all of them on
// searchText, the exact ones on names, titles and descriptions.
func fielded(all, exact string) string {
	return "name:(" + exact + ")^3 searchText:(" + all + ")^2 title:(" + exact + ") description:(" + exact + ")^0.5"
}

func TestLuceneQuery(t *testing.T) {
	long := strings.Repeat("ab", 25)
	tests := []struct {
		name  string
		text  string
		all   string // "" when the query is ""
		exact string
	}{
		{"empty", "", "", ""},
		{"whitespace only", " \t\n ", "", ""},
		{"every special character", `+ - && || ! ( ) { } [ ] ^ " ~ * ? : \ /`, "", ""},
		{"backslash", `\`, "", ""},
		{"bracket", `[`, "", ""},
		{"bang", `!`, "", ""},
		{"combining mark without Latin form", "\u05b4", "\u05b4^4", "\u05b4^4"},
		{"one word", "Mamai", "mamai^4 mamai*^2 mamai~1", "mamai^4"},
		{"alias spelling gets its key", "Mamay", "mamay^4 mamai^3 mamay*^2 mamay~1", "mamay^4 mamai^3"},
		{"operators become words", "Mamai AND (", "mamai^4 and^4 mamai*^2 mamai~1 and*^2", "mamai^4 and^4"},
		{"or and not", "OR NOT", "or^4 not^4 not*^2", "or^4 not^4"},
		{"unclosed quote", `"unclosed`, "unclosed^4 unclosed*^2 unclosed~1", "unclosed^4"},
		{"field and wildcard", `274:*`, "274^4 274*^2", "274^4"},
		{"field syntax", `title:Extortion`, "title^4 extortion^4 title*^2 title~1 extortion*^2 extortion~1", "title^4 extortion^4"},
		{"fuzzy and boost syntax", `Mamai~0.5^3`, "mamai^4 0^4 5^4 3^4 mamai*^2 mamai~1", "mamai^4 0^4 5^4 3^4"},
		{"range syntax", `[a TO z]`, "a^4 to^4 z^4", "a^4 to^4 z^4"},
		{"regex and plus minus", `/ab+c/ +x -y`, "ab^4 c^4 x^4 y^4 i^3", "ab^4 c^4 x^4 y^4 i^3"},
		{"no fuzzy on numbers", "2022", "2022^4 2022*^2", "2022^4"},
		{"cyrillic", "Жыланбаев", "жыланбаев^4 zhylanbayev^4 jilanbaev^3 zhylanbayev*^2 zhylanbayev~1", "жыланбаев^4 zhylanbayev^4 jilanbaev^3"},
		{"accents folded for prefix and fuzzy", "Frontières", "frontières^4 frontieres^4 frontieres*^2 frontieres~1", "frontières^4 frontieres^4"},
		{"repeated words once", "mamai Mamai MAMAI", "mamai^4 mamai*^2 mamai~1", "mamai^4"},
		{"at most six words", "a b c d e f g h", "a^4 b^4 c^4 d^4 e^4 f^4", "a^4 b^4 c^4 d^4 e^4 f^4"},
		{"long words cut", strings.Repeat("ab", 30), long + "^4 " + long + "*^2 " + long + "~1", long + "^4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := ""
			if tt.all != "" {
				want = fielded(tt.all, tt.exact)
			}
			got := luceneQuery(tt.text)
			if got != want {
				t.Errorf("luceneQuery(%q)\n got %q\nwant %q", tt.text, got, want)
			}
			// Whatever the input, only our own syntax reaches Lucene.
			for _, field := range []string{"name:(", "searchText:(", "title:(", "description:(", ")^3", ")^2", ")^0.5", ")"} {
				got = strings.ReplaceAll(got, field, " ")
			}
			for _, r := range got {
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && !strings.ContainsRune(" ^*~", r) {
					t.Errorf("luceneQuery(%q) lets %q through", tt.text, r)
				}
			}
		})
	}
}

func TestSearchText(t *testing.T) {
	tests := []struct {
		name  string
		props map[string]any
		want  string
	}{
		{"name and aliases in both alphabets", map[string]any{
			"name":    "Marat Zhylanbaev",
			"aliases": []string{"Zhylanbayev", "Марат Жыланбаев"},
		}, "marat zhylanbaev jilanbaev zhylanbayev марат жыланбаев"},
		{"kazakh letters", map[string]any{"name": "January 2022 events", "aliases": []string{"Қантар"}},
			"january 2022 events januari қантар qantar kantar"},
		{"accents", map[string]any{"name": "Europe Solidaire Sans Frontières"},
			"europe solidaire sans frontières frontieres"},
		{"a source's title", map[string]any{"title": "Mamai convicted"}, "mamai convicted"},
		{"nothing to search", map[string]any{"kind": "protest"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := searchText(kg.Entity{Props: tt.props}); got != tt.want {
				t.Errorf("searchText = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSearchNameMatch(t *testing.T) {
	zhylanbaev := []string{"Marat Zhylanbayev", "Zhylanbaev", "Zhylanbayev", "Марат Жыланбаев", "Жыланбаев"}
	tests := []struct {
		name      string
		text      string
		full      string
		aliases   []string
		want      string
		closeness float64
	}{
		{"the name", "marat zhylanbaev", "Marat Zhylanbaev", zhylanbaev, "Marat Zhylanbaev", 1},
		{"an alias as typed", "Жыланбаев", "Marat Zhylanbaev", zhylanbaev, "Жыланбаев", 1},
		{"an alias transliterated", "Zhylanbayev", "Marat Zhylanbaev", []string{"Жыланбаев"}, "Жыланбаев", 1},
		{"same key", "Zhylanbaew", "Marat Zhylanbaev", zhylanbaev, "Zhylanbaev", 0.9},
		{"one letter missing", "Zhylnbaev", "Marat Zhylanbaev", zhylanbaev, "Zhylanbaev", 0.5},
		{"two letters swapped", "Tleuzhna", "Aigerim Tleuzhan", []string{"Tleuzhan"}, "Tleuzhan", 0.5},
		{"part of the name", "mamai", "Zhanbolat Mamai", nil, "Zhanbolat Mamai", 0.5},
		{"a prefix", "Mam", "Zhanbolat Mamai", nil, "Zhanbolat Mamai", 0.25},
		{"no name matches", "runner", "Marat Zhylanbaev", zhylanbaev, "Marat Zhylanbaev", 0},
		{"no name at all", "runner", "", nil, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, closeness := newNameMatcher(tt.text).match(tt.full, tt.aliases)
			if got != tt.want || closeness != tt.closeness {
				t.Errorf("match(%q) = %q, %v; want %q, %v", tt.text, got, closeness, tt.want, tt.closeness)
			}
		})
	}
}

func TestSearchOneEdit(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"same", "mamai", "mamai", false},
		{"replaced", "mamai", "mamay", true},
		{"inserted", "jilnbaev", "jilanbaev", true},
		{"deleted", "jilanbaev", "jilnbaev", true},
		{"swapped", "tleujna", "tleujan", true},
		{"two replaced", "mamai", "momay", false},
		{"two inserted", "mama", "mamaii", false},
		{"non-ascii", "жылан", "жилан", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := oneEdit(tt.a, tt.b); got != tt.want {
				t.Errorf("oneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// BenchmarkNameMatch re-ranks a search window: sixty candidates with an
// alias each against one query.
func BenchmarkNameMatch(b *testing.B) {
	m := newNameMatcher("Dana Mukanov")
	b.ReportAllocs()
	for b.Loop() {
		for i := range 60 {
			m.match("Dana Mukanova", []string{fmt.Sprintf("dana mukanov %d", i)})
		}
	}
}
