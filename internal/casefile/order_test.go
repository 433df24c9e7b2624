package casefile

import (
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

func TestGroupsJoinCycles(t *testing.T) {
	a := file("a.yaml", []string{"person/a"}, [2]string{"person/a", "person/b"})
	b := file("b.yaml", []string{"person/b"}, [2]string{"person/b", "person/a"})
	c := file("c.yaml", []string{"person/c"})
	got := names(Groups([]*File{a, b, c}))
	if len(got) != 2 || len(got[0]) != 1 || got[0][0] != "c.yaml" || len(got[1]) != 2 {
		t.Errorf("Groups = %v, want [c.yaml] then [a.yaml b.yaml] together", got)
	}
}
