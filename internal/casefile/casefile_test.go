package casefile

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// sourcesDir is where the source documents are, when the machine has them.
func sourcesDir(t *testing.T) string {
	t.Helper()
	return os.Getenv("CASEGRAPH_SOURCES_DIR")
}

func TestBundledCaseFilesAreValid(t *testing.T) {
	paths, err := Expand([]string{"../../data/cases"})
	if err != nil {
		t.Fatal(err)
	}
	files, err := Load(paths, Options{SourcesDir: sourcesDir(t)})
	if err != nil {
		t.Fatalf("bundled case files do not validate:\n%v", err)
	}
	if len(files) != len(paths) || len(files) < 5 {
		t.Errorf("loaded %d of %d files", len(files), len(paths))
	}
}

// An article of one country's code filed under another's is refused where
// it is written, so the same number in two countries never becomes one
// entity; so is a code whose ID does not name its country, a sentence
// that replaces another without saying how, and a version-2 charge with no
// category.
func TestJurisdictionsAndHistoriesAreChecked(t *testing.T) {
	bundled, err := Expand([]string{"../../data/cases"})
	if err != nil {
		t.Fatal(err)
	}
	const head = "version: 2\nentities:\n"
	tests := []struct {
		name, text, at, want string
	}{
		{"Kyrgyz article under the Kazakh code", head + `  - id: legal-article/kg-cc-330
    type: LegalArticle
    name: Criminal Code of Kyrgyzstan, article 330
    code: legal-code/kz-cc
    article: '330'
    cite: [source/iphr-2023-04-mamai#p4]
`, "new.yaml:6:11", "the article's ID does not start with kz-cc-"},
		{"code whose ID names another country", head + `  - id: legal-code/kg-cc
    type: LegalCode
    name: Criminal Code of Kyrgyzstan
    jurisdiction: KZ
    cite: [source/iphr-2023-04-mamai#p4]
`, "new.yaml:6:19", "does not start with kz-"},
		{"part filed under another article", head + `  - id: legal-article/kz-cc-272-2
    type: LegalArticle
    name: Criminal Code of Kazakhstan, article 272, part 2
    code: legal-code/kz-cc
    article: '272'
    part: '2'
    parent: legal-article/kz-cc-274
    cite: [source/iphr-2023-04-mamai#p4]
`, "new.yaml:9:13", "does not start with kz-cc-274-"},
		{"replacing sentence that does not say how", head + `  - id: sentence/mamai-later
    type: Sentence
    name: A later sentence
    case: case/zhanbolat-mamai-2022
    person: person/zhanbolat-mamai
    replaces: sentence/mamai-2023-04-10
    kind: custodial
    cite: [source/iphr-2023-04-mamai#p4]
`, "new.yaml:3:5", "replaces and change go together"},
		{"count of a restriction on one person", head + `  - id: restriction/mamai-more
    type: Restriction
    name: Another restriction
    person: person/zhanbolat-mamai
    count: 2
    kind: travel-ban
    cite: [source/iphr-2023-04-mamai#p4]
`, "new.yaml:7:5", "is not a group"},
		{"longest term shorter than the shortest", head + `  - id: sentence/mamai-range
    type: Sentence
    name: A sentence with a range
    case: case/zhanbolat-mamai-2022
    person: person/zhanbolat-mamai
    kind: custodial
    term: P2Y
    termUpTo: P1Y
    cite: [source/iphr-2023-04-mamai#p4]
`, "new.yaml:10:15", "must be at least as long"},
		{"charge with no category", head + `  - id: charge/mamai-other
    type: Charge
    name: Another charge
    case: case/zhanbolat-mamai-2022
    defendant: person/zhanbolat-mamai
    status: brought
    cite: [source/iphr-2023-04-mamai#p4]
`, "new.yaml:3:5", "has no category"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inputs := make([]Input, 0, len(bundled)+1)
			for _, p := range bundled {
				src, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				inputs = append(inputs, Input{Name: p, Src: src})
			}
			inputs = append(inputs, Input{Name: "new.yaml", Src: []byte(tt.text)})
			_, err := Check(inputs, Options{})
			ps, ok := err.(Problems)
			if !ok || len(ps) != 1 {
				t.Fatalf("got %v, want one problem at %s", err, tt.at)
			}
			if at := fmt.Sprintf("%s:%d:%d", ps[0].File, ps[0].Line, ps[0].Column); at != tt.at || !strings.Contains(ps[0].Message, tt.want) {
				t.Errorf("got %s: %s\nwant %s: …%s…", at, ps[0].Message, tt.at, tt.want)
			}
		})
	}
	// The same file in format 1 may leave the category out.
	v1 := strings.Replace(tests[len(tests)-1].text, "version: 2", "version: 1", 1)
	var inputs []Input
	for _, p := range bundled {
		src, _ := os.ReadFile(p)
		inputs = append(inputs, Input{Name: p, Src: src})
	}
	if _, err := Check(append(inputs, Input{Name: "old.yaml", Src: []byte(v1)}), Options{}); err != nil {
		t.Errorf("a format-1 charge without a category is refused: %v", err)
	}
}
