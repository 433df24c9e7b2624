package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
)

func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var dryRun bool
	var sources string
	cfg, log, paths, err := setup("import", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&dryRun, "dry-run", false, "check the files and print what would change, without writing")
		fs.StringVar(&sources, "sources", getenv("CASEGRAPH_SOURCES_DIR"), "directory of the source documents, to check cited paragraphs (env CASEGRAPH_SOURCES_DIR)")
	})
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("import needs case files or directories: casegraph import [-dry-run] FILE|DIR...")
	}
	store, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	return importFiles(ctx, store, paths, sources, dryRun, stdout)
}

// importFiles validates every file first and writes nothing unless all are
// valid; then it writes them in chunks of consecutive groups, one
// transaction per chunk, reporting to out.
func importFiles(ctx context.Context, store *neo4jstore.Store, args []string, sourcesDir string, dryRun bool, out io.Writer) error {
	paths, err := casefile.Expand(args)
	if err != nil {
		return kg.Wrap(kg.Invalid, err, err.Error())
	}
	files, err := casefile.Load(paths, casefile.Options{
		SourcesDir: sourcesDir,
		Known: func(ids []string) (map[string]casefile.Known, error) {
			types, origins, err := store.Known(ctx, ids)
			if err != nil {
				return nil, err
			}
			k := make(map[string]casefile.Known, len(types))
			for id, t := range types {
				k[id] = casefile.Known{Type: t, Origin: origins[id]}
			}
			return k, nil
		},
	})
	if err != nil {
		if ps, ok := err.(casefile.Problems); ok {
			fmt.Fprintln(out, ps.Error())
			return kg.Errorf(kg.Invalid, "%d problems in the case files; nothing was written", len(ps))
		}
		return err
	}
	return writeFiles(ctx, store, files, dryRun, out)
}

// A chunk of at most this many files and entities is written in one
// transaction: large imports then cost little more than raw batched writes,
// while a transaction stays small enough for Neo4j's memory.
const (
	chunkFiles    = 500
	chunkEntities = 10000
)

// writeFiles writes checked files in chunks of consecutive groups (or, with
// dryRun, prints what each would change). Groups come in dependency order,
// so chunking them keeps each file after the files it refers to.
func writeFiles(ctx context.Context, store *neo4jstore.Store, files []*casefile.File, dryRun bool, out io.Writer) error {
	groups := casefile.Groups(files)
	if dryRun {
		return planFiles(ctx, store, groups, out)
	}
	for _, chunk := range chunks(groups, chunkFiles, chunkEntities) {
		if err := writeChunk(ctx, store, chunk, out); err != nil {
			return err
		}
	}
	return nil
}

// chunks splits groups, in order, into runs of at most maxFiles files and
// maxEntities entities; a group larger than that is a run of its own.
func chunks(groups [][]*casefile.File, maxFiles, maxEntities int) [][][]*casefile.File {
	var out [][][]*casefile.File
	var cur [][]*casefile.File
	files, entities := 0, 0
	for _, g := range groups {
		n, e := len(g), 0
		for _, f := range g {
			e += len(f.Batch.Entities)
		}
		if len(cur) > 0 && (files+n > maxFiles || entities+e > maxEntities) {
			out, cur, files, entities = append(out, cur), nil, 0, 0
		}
		cur = append(cur, g)
		files, entities = files+n, entities+e
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// writeChunk writes a chunk in one transaction. If that fails, it writes
// the chunk's groups one by one, each in its own transaction, so the error
// names the files at fault and the groups before them still land.
func writeChunk(ctx context.Context, store *neo4jstore.Store, chunk [][]*casefile.File, out io.Writer) error {
	files := slices.Concat(chunk...)
	err := writeGroup(ctx, store, files, out)
	if err == nil || len(chunk) == 1 || ctx.Err() != nil {
		return err
	}
	fmt.Fprintf(out, "%v; writing those files group by group\n", err)
	for _, g := range chunk {
		if err := writeGroup(ctx, store, g, out); err != nil {
			return err
		}
	}
	return nil
}

// writeGroup writes files in one transaction and reports, per file,
// whether it was written or skipped as unchanged, then what changed.
func writeGroup(ctx context.Context, store *neo4jstore.Store, files []*casefile.File, out io.Writer) error {
	batches := make([]kg.Batch, len(files))
	for i, f := range files {
		batches[i] = f.Batch
	}
	res, err := store.Import(ctx, batches)
	if err != nil {
		return fmt.Errorf("importing %s: %w (that transaction was rolled back)", fileNames(files), err)
	}
	unchanged := map[string]bool{}
	for _, origin := range res.Unchanged {
		unchanged[origin] = true
	}
	for _, f := range files {
		state := "written"
		if unchanged[f.Batch.Origin] {
			state = "unchanged since its last import"
		}
		fmt.Fprintf(out, "%s: %s\n", f.Path, state)
	}
	fmt.Fprintf(out, "%d %s in one transaction: %s\n", len(files), plural(len(files), "file", "files"), res)
	return nil
}

// fileNames names up to ten files in full, and a longer list by its ends.
func fileNames(files []*casefile.File) string {
	if len(files) <= 10 {
		names := make([]string, len(files))
		for i, f := range files {
			names[i] = f.Path
		}
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%d files, %s to %s", len(files), files[0].Path, files[len(files)-1].Path)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// planFiles prints what importing each file would change.
func planFiles(ctx context.Context, store *neo4jstore.Store, groups [][]*casefile.File, out io.Writer) error {
	for _, group := range groups {
		for _, f := range group {
			changes, unchanged, err := store.Plan(ctx, f.Batch)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%s: %d changes, %d unchanged\n", f.Path, len(changes), unchanged)
			for _, c := range changes {
				line := fmt.Sprintf("  %s %s %s", c.Op, c.Kind, c.ID)
				if len(c.Fields) > 0 {
					line += ": " + strings.Join(c.Fields, ", ")
				}
				fmt.Fprintln(out, line)
			}
		}
	}
	return nil
}
