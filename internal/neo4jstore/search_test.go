package neo4jstore_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
	"github.com/casegraph/casegraph/internal/neo4jtest"
)

// searchStore returns a store holding the bundled case files, with the
// full-text index caught up with the import.
func searchStore(t *testing.T) *neo4jstore.Store {
	t.Helper()
	uri := neo4jtest.URI(t)
	s := neo4jtest.StoreAt(t, uri)
	neo4jtest.ImportBundled(t, s)
	neo4jtest.Exec(t, uri, "CALL db.awaitIndexes(300)", nil)
	neo4jtest.Exec(t, uri, "CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()", nil)
	return s
}

func search(t *testing.T, s *neo4jstore.Store, q kg.SearchQuery) []kg.Hit {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	hits, err := s.Search(ctx, q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return hits
}

func hitIDs(hits []kg.Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}

func TestSearchFinds(t *testing.T) {
	s := searchStore(t)
	tests := []struct {
		name    string
		text    string
		types   []kg.EntityType
		want    string // an entity ID
		within  int    // want must be among the first within hits
		matched string // the name or alias reported for want; "" not checked
	}{
		{"alias spelling", "Mamay", nil, "person/zhanbolat-mamai", 1, "Mamay"},
		{"lower case", "mamai", nil, "person/zhanbolat-mamai", 1, "Mamai"},
		{"upper case", "ZHANBOLAT MAMAI", nil, "person/zhanbolat-mamai", 1, "Zhanbolat Mamai"},
		{"yev spelling", "Zhylanbayev", nil, "person/marat-zhylanbaev", 1, "Zhylanbayev"},
		{"cyrillic", "Жыланбаев", nil, "person/marat-zhylanbaev", 1, "Жыланбаев"},
		{"cyrillic full name", "Марат Жыланбаев", nil, "person/marat-zhylanbaev", 1, "Марат Жыланбаев"},
		{"typo: w for v", "Zhylanbaew", nil, "person/marat-zhylanbaev", 3, ""},
		{"typo: letter missing", "Zhylnbaev", nil, "person/marat-zhylanbaev", 3, ""},
		{"typo: letters swapped", "Tleuzhna", nil, "person/aigerim-tleuzhan", 3, "Tleuzhan"},
		{"dotless i for i", "Qaqımzhanov", nil, "person/martdek-qaqimzhanov", 1, "Qaqimzhanov"},
		{"plain letters for accented", "Europe Solidaire Sans Frontieres", nil, "organisation/europe-solidaire", 1, "Europe Solidaire Sans Frontières"},
		{"accented letters for plain", "Almatý", nil, "place/almaty", 1, "Almaty"},
		{"alias with suffix", "Tleuzhanova", nil, "person/aigerim-tleuzhan", 1, "Tleuzhanova"},
		{"latin for cyrillic-only spelling", "Kulbaeva", nil, "person/aizhan-kulbayeva", 1, "Aizhan Kulbayeva"},
		{"variant not in the data", "Dalibaev", nil, "person/nurlan-dalibayev", 1, "Dalibayev"},
		{"kazakh and russian spellings meet", "Qasym-Zhomart Tokaev", nil, "person/kassym-jomart-tokayev", 1, "Qasym-Zhomart Toqayev"},
		{"kazakh letter", "Қантар", nil, "event/january-2022-unrest", 1, "Қантар"},
		{"exact name first", "Democratic Party", nil, "party/democratic-party", 1, "Democratic Party"},
		{"type filter", "Democratic", []kg.EntityType{kg.Party}, "party/democratic-party", 1, ""},
		{"article number", "274", nil, "legal-article/kz-cc-274", 3, ""},
		{"description", "long-distance runner", nil, "person/marat-zhylanbaev", 3, "Marat Zhylanbaev"},
		{"article title", "Extortion", []kg.EntityType{kg.LegalArticle}, "legal-article/kz-cc-194", 1, ""},
		{"a source by its title", "Kazakh Activist Convicted Of Criticizing Government's Coronavirus Response", nil,
			"source/ecoi-2020-06-ilyashev-conviction", 1, "Kazakh Activist Convicted Of Criticizing Government's Coronavirus Response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := search(t, s, kg.SearchQuery{Text: tt.text, Types: tt.types, First: 10})
			i := slices.IndexFunc(hits, func(h kg.Hit) bool { return h.ID == tt.want })
			if i < 0 || i >= tt.within {
				t.Fatalf("%q: %s at %d, want among the first %d; got %v", tt.text, tt.want, i, tt.within, hitIDs(hits))
			}
			if tt.matched != "" && hits[i].Matched != tt.matched {
				t.Errorf("%q: matched %q, want %q", tt.text, hits[i].Matched, tt.matched)
			}
			if want, _ := kg.TypeOfID(tt.want); hits[i].Type != want || hits[i].Name == "" {
				t.Errorf("%q: hit %+v, want type %s and a name", tt.text, hits[i], want)
			}
		})
	}
}

func TestSearchFiltersTypes(t *testing.T) {
	s := searchStore(t)
	tests := []struct {
		name  string
		text  string
		types []kg.EntityType
	}{
		{"parties", "Democratic", []kg.EntityType{kg.Party}},
		{"people and places", "Almaty Mamai", []kg.EntityType{kg.Person, kg.Place}},
		{"articles", "article 274", []kg.EntityType{kg.LegalArticle}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := search(t, s, kg.SearchQuery{Text: tt.text, Types: tt.types, First: 100})
			if len(hits) == 0 {
				t.Fatalf("%q in %v: no hits", tt.text, tt.types)
			}
			for _, h := range hits {
				if !slices.Contains(tt.types, h.Type) {
					t.Errorf("%q in %v: hit %s of type %s", tt.text, tt.types, h.ID, h.Type)
				}
			}
		})
	}
}

func TestSearchRanksExactNamesFirst(t *testing.T) {
	s := searchStore(t)
	hits := search(t, s, kg.SearchQuery{Text: "democratic party", First: 10})
	if len(hits) < 2 {
		t.Fatalf("want the party and the events named after it, got %v", hitIDs(hits))
	}
	if hits[0].ID != "party/democratic-party" || hits[0].Score <= hits[1].Score {
		t.Errorf("got %v with scores %v and %v, want party/democratic-party strictly first", hitIDs(hits), hits[0].Score, hits[1].Score)
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Score > hits[i-1].Score {
			t.Errorf("hit %d scores %v, more than hit %d's %v", i, hits[i].Score, i-1, hits[i-1].Score)
		}
	}
}

func TestSearchLimits(t *testing.T) {
	s := searchStore(t)
	// These words match well over a hundred of the bundled entities.
	const text = "almaty airport mamai kazakhstan zhylanbaev sentence"
	tests := []struct {
		name  string
		first int
		want  int
	}{
		{"first", 2, 2},
		{"default", 0, 20},
		{"capped", 1000, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if hits := search(t, s, kg.SearchQuery{Text: text, First: tt.first}); len(hits) != tt.want {
				t.Errorf("First %d: %d hits, want %d", tt.first, len(hits), tt.want)
			}
		})
	}
}

// Whatever a user types, search answers without a Lucene syntax error.
func TestSearchSpecialCharacters(t *testing.T) {
	s := searchStore(t)
	queries := []string{
		`Mamai AND (`, `"unclosed`, `274:*`, `\`, `[`, `!`, `Mamai OR`, `NOT`, `AND`,
		`+ - && || ! ( ) { } [ ] ^ " ~ * ? : \ /`, `title:Extortion`, `Mamai~`, `Mamai^`,
		`*`, `?amai`, `Mam*`, `[a TO z]`, `{a TO z}`, `/regex/`, `Zhylanbaev~0.5`, `a:b:c`,
		`Мамай && Жыланбаев || Тлеужан`, strings.Repeat("Mamai ", 200), strings.Repeat("x", 5000),
		// six words, each with prefix and fuzzy terms on two fields, stay
		// within Lucene's clause limit
		"Zhylanbaev Tleuzhanova Nurpeisov Karmenov Shilibayev Qaqimzhanov Dalibayev",
		"Kaza Alma Mama Zhyl Tleu Abzh",
		// combining marks alone: words with no Latin form (found by
		// FuzzLuceneQuery; they once left a bare "^4" in the query)
		"\u05b4", "\u0301", "Mamai \u0301\u0302",
	}
	for _, q := range queries {
		t.Run(q[:min(len(q), 30)], func(t *testing.T) {
			search(t, s, kg.SearchQuery{Text: q})
		})
	}
}

func TestSearchEmptyText(t *testing.T) {
	s := searchStore(t)
	for _, text := range []string{"", "   ", "\t\n", "()", `"" :`, "*"} {
		t.Run(text, func(t *testing.T) {
			ctx, n := neo4jstore.WithStatementCounter(context.Background())
			hits, err := s.Search(ctx, kg.SearchQuery{Text: text})
			if err != nil || len(hits) != 0 {
				t.Errorf("Search(%q) = %v, %v; want no hits, no error", text, hitIDs(hits), err)
			}
			if n.Load() != 0 {
				t.Errorf("Search(%q) sent %d statements, want none", text, n.Load())
			}
		})
	}
}

func TestSearchRejectsUnknownTypes(t *testing.T) {
	s := searchStore(t)
	_, err := s.Search(context.Background(), kg.SearchQuery{Text: "Mamai", Types: []kg.EntityType{"Entity"}})
	if kg.ErrorCode(err) != kg.Invalid {
		t.Errorf("type Entity: got %v, want %s", err, kg.Invalid)
	}
}

func TestSearchSendsOneStatement(t *testing.T) {
	s := searchStore(t)
	tests := []struct {
		name string
		q    kg.SearchQuery
	}{
		{"one word", kg.SearchQuery{Text: "Mamai"}},
		{"several words and types", kg.SearchQuery{Text: "Almaty airport case", Types: []kg.EntityType{kg.Case, kg.Event}, First: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, n := neo4jstore.WithStatementCounter(context.Background())
			if _, err := s.Search(ctx, tt.q); err != nil {
				t.Fatal(err)
			}
			if n.Load() != 1 {
				t.Errorf("Search sent %d statements, want 1", n.Load())
			}
		})
	}
}

// TestSearchAmongNamesakes checks that a page of namesakes, which the
// statement returns without the rest of the window, ranks as it would
// within the whole window, and costs one statement.
func TestSearchAmongNamesakes(t *testing.T) {
	uri := neo4jtest.URI(t)
	s := searchStore(t)
	tag := importFixture(t, uri)
	// A word of letters only, so the index reads it as one word.
	word := "qx" + strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return 'a' + r - '0'
		case r >= 'a' && r <= 'z':
			return r
		}
		return -1
	}, tag)
	var b strings.Builder
	b.WriteString("version: 1\nsources:\n  - id: source/{tag}-s\n    title: Namesakes\n    publisher: Someone\nentities:\n")
	person := func(id, name, aliases string) {
		fmt.Fprintf(&b, "  - id: person/{tag}-%s\n    type: Person\n    name: %s\n%s    cite: [source/{tag}-s#p1]\n", id, name, aliases)
	}
	for i := range 6 {
		person(fmt.Sprint("same", i), "Ayla "+word, "")
	}
	for i := range 2 {
		person(fmt.Sprint("alias", i), "Other "+word, "    aliases: [Ayla "+word+"]\n")
	}
	for i := range 3 {
		person(fmt.Sprint("longer", i), "Ayla "+word+" Junior", "")
	}
	importAll(t, s, batchesOf(t, tag, "namesakes.yaml", b.String()))
	neo4jtest.Exec(t, uri, "CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()", nil)

	text := "ayla " + word
	whole := search(t, s, kg.SearchQuery{Text: text, First: 20})
	if len(whole) != 11 {
		t.Fatalf("found %v, want the 11 people", hitIDs(whole))
	}
	ctx, n := neo4jstore.WithStatementCounter(context.Background())
	page, err := s.Search(ctx, kg.SearchQuery{Text: text, First: 3})
	if err != nil {
		t.Fatal(err)
	}
	if n.Load() != 1 {
		t.Errorf("a page of namesakes sent %d statements, want 1", n.Load())
	}
	if !reflect.DeepEqual(page, whole[:3]) {
		t.Errorf("first 3: %v\nfirst 3 of 20: %v", page, whole[:3])
	}
	for _, h := range page {
		if !strings.Contains(h.ID, "-same") {
			t.Errorf("%s on the first page, want only people named %q", h.ID, text)
		}
	}
	// Past the namesakes the whole window is ranked: exact aliases next.
	if got := hitIDs(search(t, s, kg.SearchQuery{Text: text, First: 8}))[6:]; !strings.Contains(got[0], "-alias") || !strings.Contains(got[1], "-alias") {
		t.Errorf("hits 7 and 8: %v, want the two people with the name as an alias", got)
	}
}
