package main

import (
	"context"
	"flag"
	"fmt"
	"io"
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
// valid; then it writes each file (or each cycle of files that refer to one
// another) in one transaction, reporting to out.
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

// writeFiles writes checked files, each group in one transaction (or, with
// dryRun, prints what each would change).
func writeFiles(ctx context.Context, store *neo4jstore.Store, files []*casefile.File, dryRun bool, out io.Writer) error {
	for _, group := range casefile.Groups(files) {
		batches := make([]kg.Batch, len(group))
		names := make([]string, len(group))
		for i, f := range group {
			batches[i], names[i] = f.Batch, f.Path
		}
		if dryRun {
			for i, b := range batches {
				changes, unchanged, err := store.Plan(ctx, b)
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "%s: %d changes, %d unchanged\n", names[i], len(changes), unchanged)
				for _, c := range changes {
					line := fmt.Sprintf("  %s %s %s", c.Op, c.Kind, c.ID)
					if len(c.Fields) > 0 {
						line += ": " + strings.Join(c.Fields, ", ")
					}
					fmt.Fprintln(out, line)
				}
			}
			continue
		}
		res, err := store.Import(ctx, batches)
		if err != nil {
			return fmt.Errorf("importing %s: %w (that transaction was rolled back)", strings.Join(names, ", "), err)
		}
		fmt.Fprintf(out, "%s: %s\n", strings.Join(names, ", "), res)
	}
	return nil
}
