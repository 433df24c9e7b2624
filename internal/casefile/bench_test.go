package casefile

import (
	"fmt"
	"testing"

	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/synth"
)

// synthInputs is a synthetic import of n cases: a file of shared entities,
// then one file per case.
func synthInputs(n int) []Input {
	files := synth.Generate(n, 1)
	inputs := make([]Input, len(files))
	for i, f := range files {
		inputs[i] = Input{Name: f.Name, Src: f.Src}
	}
	return inputs
}

var benchSizes = []int{1000, 10000}

func BenchmarkCheck(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			inputs := synthInputs(n)
			for b.Loop() {
				if _, err := Check(inputs, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGroups orders the synthetic files, which come after the files
// they refer to, and a chain of files each referring to the next, which
// the order given is worst for.
func BenchmarkGroups(b *testing.B) {
	for _, n := range benchSizes {
		files, err := Check(synthInputs(n), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("files=%d/synthetic", n), func(b *testing.B) {
			for b.Loop() {
				Groups(files)
			}
		})
		chain := chainFiles(n)
		b.Run(fmt.Sprintf("files=%d/chain", n), func(b *testing.B) {
			for b.Loop() {
				Groups(chain)
			}
		})
	}
}

// chainFiles returns n files, each relating its entity to the next file's.
func chainFiles(n int) []*File {
	files := make([]*File, n)
	for i := range files {
		id, next := fmt.Sprintf("person/p%d", i), fmt.Sprintf("person/p%d", i+1)
		files[i] = &File{Path: fmt.Sprintf("f%d.yaml", i), Batch: kg.Batch{
			Entities: []kg.Entity{{ID: id}},
			Links:    []kg.Link{{From: id, To: next}},
		}}
	}
	return files
}
