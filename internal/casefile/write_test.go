package casefile

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
)

// parseFile parses one case file on its own.
func parseFile(tb testing.TB, name string, src []byte) kg.Batch {
	tb.Helper()
	f, err := Parse(name, src)
	if err != nil {
		tb.Fatalf("%s does not parse:\n%v\n%s", name, err, src)
	}
	return f.Batch
}

// sortBatch orders a batch's entities and links so that batches stating the
// same facts compare equal whatever order their files list them in. It
// sorts copies, leaving b as it was.
func sortBatch(b kg.Batch) kg.Batch {
	b.Hash = "" // of the text, which a rewrite changes
	b.Entities = append([]kg.Entity(nil), b.Entities...)
	b.Links = append([]kg.Link(nil), b.Links...)
	sort.Slice(b.Entities, func(i, j int) bool { return b.Entities[i].ID < b.Entities[j].ID })
	sort.Slice(b.Links, func(i, j int) bool {
		if b.Links[i].Type != b.Links[j].Type {
			return b.Links[i].Type < b.Links[j].Type
		}
		return b.Links[i].ID < b.Links[j].ID
	})
	return b
}

func TestWriteRoundTripsBundledFiles(t *testing.T) {
	paths, err := Expand([]string{"../../data/cases"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var written []string
	for _, p := range paths {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			want := parseFile(t, name, src)
			out, err := Write(want)
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			if !bytes.HasPrefix(out, []byte(schemaLine+"version: ")) {
				t.Errorf("output does not start with the schema line and version:\n%.200s", out)
			}
			got := parseFile(t, name, out)
			if !reflect.DeepEqual(sortBatch(got), sortBatch(want)) {
				t.Errorf("batch changed in the round trip; written file:\n%s", out)
			}
			// Writing what was read back gives the same file: the output is
			// canonical, so exports diff cleanly.
			again, err := Write(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, out) {
				t.Errorf("second Write differs from the first:\n%s\n---\n%s", out, again)
			}
			dst := filepath.Join(dir, name)
			if err := os.WriteFile(dst, out, 0o644); err != nil {
				t.Fatal(err)
			}
			written = append(written, dst)
		})
	}
	// References across files resolve only when the files load together.
	if _, err := Load(written, Options{}); err != nil {
		t.Fatalf("written files do not load together:\n%v", err)
	}
}

func TestWriteQuotesValuesThatLookLikeOtherTypes(t *testing.T) {
	year, _ := kg.ParseDate("2021")
	b := kg.Batch{Origin: "quotes.yaml", Entities: []kg.Entity{
		{ID: "source/s", Type: kg.Source, Props: map[string]any{"title": "true", "publisher": "null", "date": year}},
		{ID: "legal-article/kz-cc-274", Type: kg.LegalArticle, Props: map[string]any{"name": "274", "article": "274", "part": "2"},
			Citations: []kg.Citation{{Source: "source/s", Paragraph: 1}}},
		{ID: "legal-code/kz-cc", Type: kg.LegalCode, Props: map[string]any{"name": "Criminal Code", "jurisdiction": "KZ", "contested": true},
			Citations: []kg.Citation{{Source: "source/s", Paragraph: 2}}},
	}, Links: []kg.Link{{
		ID: "IN_CODE:legal-article/kz-cc-274->legal-code/kz-cc", Type: kg.InCode, From: "legal-article/kz-cc-274", To: "legal-code/kz-cc",
		Field: "code", Owner: "legal-article/kz-cc-274", Props: map[string]any{}, Citations: []kg.Citation{{Source: "source/s", Paragraph: 1}},
	}}}
	out, err := Write(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`date: "2021"`, `title: "true"`, `article: "274"`, `contested: true`} {
		if !strings.Contains(strings.ReplaceAll(string(out), "'", `"`), want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if got := parseFile(t, b.Origin, out); !reflect.DeepEqual(sortBatch(got), sortBatch(b)) {
		t.Errorf("batch changed in the round trip:\n%s", out)
	}
}

func TestWriteRefusesWhatAFileCannotState(t *testing.T) {
	cite := []kg.Citation{{Source: "source/s", Paragraph: 1}}
	place := kg.Entity{ID: "place/almaty", Type: kg.Place, Props: map[string]any{"name": "Almaty"}, Citations: cite}
	tests := []struct {
		name string
		b    kg.Batch
		want string
	}{
		{"unknown property", kg.Batch{Entities: []kg.Entity{{ID: "place/x", Type: kg.Place, Props: map[string]any{"name": "X", "colour": "red"}, Citations: cite}}}, "no field colour"},
		{"field link without its entity", kg.Batch{Entities: []kg.Entity{place}, Links: []kg.Link{
			{ID: "LOCATED_IN:place/x->place/almaty", Type: kg.LocatedIn, From: "place/x", To: "place/almaty", Field: "within", Citations: cite},
		}}, "neither"},
		{"field link with its own citations", kg.Batch{Entities: []kg.Entity{place, {ID: "place/x", Type: kg.Place, Props: map[string]any{"name": "X"}, Citations: cite}}, Links: []kg.Link{
			{ID: "LOCATED_IN:place/x->place/almaty", Type: kg.LocatedIn, From: "place/x", To: "place/almaty", Field: "within", Citations: []kg.Citation{{Source: "source/s", Paragraph: 9}}},
		}}, "cites other sources"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Write(tt.b)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Write error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}
