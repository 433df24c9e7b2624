package casefile

// Groups orders checked files for writing: a file comes after the files
// that define the entities its relationships join, so each group can be
// written in its own transaction. Files that refer to each other in a cycle
// share one group, and so one transaction.
func Groups(files []*File) [][]*File {
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
			if done[i] || !allDone(deps[i], done) {
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

func allDone(deps map[int]bool, done []bool) bool {
	for j := range deps {
		if !done[j] {
			return false
		}
	}
	return true
}
