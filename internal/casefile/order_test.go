package casefile

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
)

func file(name string, defines []string, links ...[2]string) *File {
	f := &File{Path: name, Batch: kg.Batch{Origin: name}}
	for _, id := range defines {
		f.Batch.Entities = append(f.Batch.Entities, kg.Entity{ID: id})
	}
	for _, l := range links {
		f.Batch.Links = append(f.Batch.Links, kg.Link{From: l[0], To: l[1]})
	}
	return f
}

func names(groups [][]*File) [][]string {
	var out [][]string
	for _, g := range groups {
		var ns []string
		for _, f := range g {
			ns = append(ns, f.Path)
		}
		out = append(out, ns)
	}
	return out
}

func TestGroupsOrderByDependency(t *testing.T) {
	cases := file("case.yaml", []string{"case/a"}, [2]string{"person/p", "case/a"})
	common := file("common.yaml", []string{"person/p", "organisation/o"})
	sources := file("sources.yaml", []string{"source/s"}, [2]string{"source/s", "organisation/o"})
	got := names(Groups([]*File{cases, sources, common}))
	want := [][]string{{"common.yaml"}, {"case.yaml"}, {"sources.yaml"}}
	if len(got) != 3 || got[0][0] != "common.yaml" || got[2][0] == "common.yaml" {
		t.Errorf("Groups = %v, want common.yaml first, each file alone (%v)", got, want)
	}
}

// A fact may only cite a source in the graph, so a file comes after the
// file that defines the sources it cites; here the sources' publisher is
// in the citing file, which makes the two one group.
func TestGroupsFollowCitations(t *testing.T) {
	cited := file("sources.yaml", []string{"source/s"})
	citing := file("case.yaml", []string{"person/p"})
	citing.Batch.Entities[0].Citations = []kg.Citation{{Source: "source/s", Paragraph: 1}}
	if got := names(Groups([]*File{citing, cited})); len(got) != 2 || got[0][0] != "sources.yaml" {
		t.Errorf("Groups = %v, want sources.yaml before the file that cites it", got)
	}
	cited.Batch.Links = []kg.Link{{From: "source/s", To: "person/p"}}
	if got := names(Groups([]*File{citing, cited})); len(got) != 1 || len(got[0]) != 2 {
		t.Errorf("Groups = %v, want one group: each file needs the other", got)
	}
}

func TestGroupsJoinCycles(t *testing.T) {
	a := file("a.yaml", []string{"person/a"}, [2]string{"person/a", "person/b"})
	b := file("b.yaml", []string{"person/b"}, [2]string{"person/b", "person/a"})
	c := file("c.yaml", []string{"person/c"})
	got := names(Groups([]*File{a, b, c}))
	if len(got) != 2 || len(got[0]) != 1 || got[0][0] != "c.yaml" || len(got[1]) != 2 {
		t.Errorf("Groups = %v, want [c.yaml] then [a.yaml b.yaml] together", got)
	}
}

// The order pinned: files whose dependencies come later wait for a later
// sweep, a file after its dependency joins the same one, and a cycle goes
// last together with the file that needs it.
func TestGroupsOrder(t *testing.T) {
	files := []*File{
		file("a.yaml", []string{"person/a"}, [2]string{"person/a", "person/b"}),
		file("b.yaml", []string{"person/b"}, [2]string{"person/b", "person/c"}),
		file("c.yaml", []string{"person/c"}),
		file("x.yaml", []string{"person/x"}, [2]string{"person/x", "person/y"}),
		file("y.yaml", []string{"person/y"}, [2]string{"person/x", "person/y"}),
		file("z.yaml", []string{"person/z"}, [2]string{"person/z", "person/x"}),
		file("d.yaml", []string{"person/d"}, [2]string{"person/d", "person/d"}),
		file("e.yaml", []string{"person/e"}, [2]string{"person/e", "person/d"}, [2]string{"person/e", "person/unknown"}),
	}
	got := fmt.Sprint(names(Groups(files)))
	want := "[[c.yaml] [d.yaml] [e.yaml] [b.yaml] [a.yaml] [x.yaml y.yaml z.yaml]]"
	if got != want {
		t.Errorf("Groups = %s, want %s", got, want)
	}
	if g := Groups(nil); g != nil {
		t.Errorf("Groups(nil) = %v, want nil", g)
	}
}

// Groups must order files as sweeping them until none is left does.
func TestGroupsAsSweeping(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for range 2000 {
		n := 1 + r.Intn(12)
		files := make([]*File, n)
		for i := range files {
			var links [][2]string
			for range r.Intn(4) {
				links = append(links, [2]string{fmt.Sprint("person/", r.Intn(n+2)), fmt.Sprint("person/", r.Intn(n+2))})
			}
			defines := []string{fmt.Sprint("person/", r.Intn(n)), fmt.Sprint("person/", r.Intn(2*n))}
			files[i] = file(fmt.Sprint(i), defines[:1+r.Intn(2)], links...)
		}
		if got, want := fmt.Sprint(names(Groups(files))), fmt.Sprint(names(groupsBySweeping(files))); got != want {
			t.Fatalf("Groups = %s, sweeping gives %s", got, want)
		}
	}
}

// groupsBySweeping sweeps the files as Groups' comment describes, one
// pass over them per sweep.
func groupsBySweeping(files []*File) [][]*File {
	definedIn := map[string]int{}
	for i, f := range files {
		for _, e := range f.Batch.Entities {
			definedIn[e.ID] = i
		}
	}
	deps := make([]map[int]bool, len(files))
	for i, f := range files {
		deps[i] = map[int]bool{}
		for _, l := range f.Batch.Links {
			for _, id := range []string{l.From, l.To} {
				if j, ok := definedIn[id]; ok && j != i {
					deps[i][j] = true
				}
			}
		}
	}
	done := make([]bool, len(files))
	var groups [][]*File
	for remaining := len(files); remaining > 0; {
		progressed := false
		for i, f := range files {
			if done[i] || !allTaken(deps[i], done) {
				continue
			}
			groups = append(groups, []*File{f})
			done[i], progressed = true, true
			remaining--
		}
		if !progressed {
			var cycle []*File
			for i, f := range files {
				if !done[i] {
					cycle = append(cycle, f)
					done[i] = true
				}
			}
			groups = append(groups, cycle)
			remaining = 0
		}
	}
	return groups
}

func allTaken(deps map[int]bool, done []bool) bool {
	for j := range deps {
		if !done[j] {
			return false
		}
	}
	return true
}
