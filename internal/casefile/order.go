package casefile

// Groups orders checked files for writing: a file comes after the files
// that define the entities its relationships join or its additions add to
// and the sources its facts cite, so each group can be written in its own transaction. Files that refer to each other in a cycle
// share one group, and so one transaction.
//
// The order is that of sweeping the files in the order given, again and
// again, taking each file whose dependencies are taken, until a sweep takes
// none: what is left (cycles and the files that need them) is the last
// group. Groups works out each file's sweep directly, in time linear in
// files and relationships: sweeping itself passes over every file once per
// sweep, as many sweeps as the longest chain of files.
func Groups(files []*File) [][]*File {
	return groupBySweep(files, sweeps(dependencies(files)))
}

// dependencies returns, for each file, the other files defining the ends
// of its relationships, the entities it adds to and the sources it cites,
// each once.
func dependencies(files []*File) [][]int {
	n := 0
	for _, f := range files {
		n += len(f.Batch.Entities)
	}
	definedIn := make(map[string]int, n)
	for i, f := range files {
		for _, e := range f.Batch.Entities {
			definedIn[e.ID] = i
		}
	}
	deps := make([][]int, len(files))
	lastFor := make([]int, len(files)) // i+1 once j is among file i's deps
	for i, f := range files {
		need := func(id string) {
			if j, ok := definedIn[id]; ok && j != i && lastFor[j] != i+1 {
				lastFor[j] = i + 1
				deps[i] = append(deps[i], j)
			}
		}
		for _, l := range f.Batch.Links {
			need(l.From)
			need(l.To)
			for _, c := range l.Citations {
				need(c.Source)
			}
		}
		for _, e := range f.Batch.Entities {
			for _, c := range e.Citations {
				need(c.Source)
			}
		}
		for _, a := range f.Batch.Additions {
			need(a.Target)
			for _, c := range a.Citations {
				need(c.Source)
			}
		}
	}
	return deps
}

// sweeps returns the sweep, from 1, that takes each file, or 0 for a file
// no sweep takes. A file is taken in the first sweep after those of its
// dependencies, or in the same sweep as a dependency that comes before it.
// Files are visited dependencies first, as in a topological sort, so
// each file's sweep is known when its dependents need it.
func sweeps(deps [][]int) []int {
	dependents := make([][]int, len(deps))
	waiting := make([]int, len(deps)) // dependencies not yet visited
	var ready []int
	for i, ds := range deps {
		waiting[i] = len(ds)
		for _, j := range ds {
			dependents[j] = append(dependents[j], i)
		}
		if len(ds) == 0 {
			ready = append(ready, i)
		}
	}
	sweep := make([]int, len(deps))
	for len(ready) > 0 {
		i := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		sweep[i] = sweepOf(i, deps[i], sweep)
		for _, k := range dependents[i] {
			waiting[k]--
			if waiting[k] == 0 {
				ready = append(ready, k)
			}
		}
	}
	return sweep
}

// sweepOf is the sweep that takes file i, given its dependencies' sweeps.
func sweepOf(i int, deps []int, sweep []int) int {
	s := 1
	for _, j := range deps {
		if j > i {
			s = max(s, sweep[j]+1) // the sweep reaches i before j
		} else {
			s = max(s, sweep[j])
		}
	}
	return s
}

// groupBySweep puts each taken file in a group of its own, by sweep and
// then in the order given, and the files no sweep takes in one last group.
func groupBySweep(files []*File, sweep []int) [][]*File {
	var bySweep [][]*File
	var rest []*File
	for i, f := range files {
		s := sweep[i]
		if s == 0 {
			rest = append(rest, f)
			continue
		}
		for len(bySweep) < s {
			bySweep = append(bySweep, nil)
		}
		bySweep[s-1] = append(bySweep[s-1], f)
	}
	var groups [][]*File
	for _, taken := range bySweep {
		for _, f := range taken {
			groups = append(groups, []*File{f})
		}
	}
	if len(rest) > 0 {
		groups = append(groups, rest)
	}
	return groups
}
