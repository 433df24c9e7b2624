package casefile

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
)

// addingFile adds an alias and a citation to organisation/kibhr, which it
// does not define.
const addingFile = `version: 2
sources:
  - id: source/b
    title: B
    publisher: B
additions:
  - id: organisation/kibhr
    aliases: [Test Bureau]
    cite: [source/b#p1]
`

// An addition names an entity that another file of the import or the graph
// defines; the file's batch carries it, Groups writes the defining file
// first, and Write gives back the same file.
func TestAdditions(t *testing.T) {
	defining := "version: 2\nsources:\n  - id: source/a\n    title: A\n    publisher: A\nentities:\n  - id: organisation/kibhr\n    type: Organisation\n    name: KIBHR\n    cite: [source/a#p1]\n"
	want := kg.Addition{Target: "organisation/kibhr", Aliases: []string{"Test Bureau"}, Citations: []kg.Citation{{Source: "source/b", Paragraph: 1}}}

	t.Run("defined by another file of the import", func(t *testing.T) {
		files, err := Check([]Input{{Name: "b.yaml", Src: []byte(addingFile)}, {Name: "a.yaml", Src: []byte(defining)}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := files[0].Batch.Additions; !reflect.DeepEqual(got, []kg.Addition{want}) {
			t.Errorf("additions = %+v, want %+v", got, want)
		}
		groups := Groups(files)
		if len(groups) != 2 || groups[0][0].Path != "a.yaml" {
			t.Errorf("groups start with %s, want the defining a.yaml first", groups[0][0].Path)
		}
	})
	t.Run("defined in the graph", func(t *testing.T) {
		known := func(ids []string) (map[string]Known, error) {
			return map[string]Known{"organisation/kibhr": {Type: kg.Organisation, Origin: "common.yaml"}}, nil
		}
		if _, err := Check([]Input{{Name: "b.yaml", Src: []byte(addingFile)}}, Options{Known: known}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("once defined by the adding file itself", func(t *testing.T) {
		known := func(ids []string) (map[string]Known, error) {
			return map[string]Known{"organisation/kibhr": {Type: kg.Organisation, Origin: "b.yaml"}}, nil
		}
		_, err := Check([]Input{{Name: "b.yaml", Src: []byte(addingFile)}}, Options{Known: known})
		var ps Problems
		if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Line != 7 || !strings.Contains(ps[0].Message, "was defined by this file") {
			t.Errorf("Check = %v, want one problem at line 7 saying the file defined it", err)
		}
	})
	t.Run("written back", func(t *testing.T) {
		f, err := Parse("b.yaml", []byte(addingFile))
		if err != nil {
			t.Fatal(err)
		}
		out, err := Write(f.Batch)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), "additions:\n  - id: organisation/kibhr\n    aliases: [Test Bureau]\n    cite: [source/b#p1]\n") {
			t.Errorf("Write gave\n%s\nwant the addition under additions:", out)
		}
		again, err := Parse("b.yaml", out)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again.Batch.Additions, f.Batch.Additions) {
			t.Errorf("read back %+v, want %+v", again.Batch.Additions, f.Batch.Additions)
		}
	})
}
