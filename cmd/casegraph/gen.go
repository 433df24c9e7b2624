package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/synth"
)

// genCmd writes a synthetic graph for benchmarks, as case files in a
// directory or straight into Neo4j: through the importer, as "casegraph
// import" writes them, or with -bulk as raw batched writes.
func genCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cases int
	var seed int64
	var out string
	var bulk bool
	cfg, log, _, err := setup("gen", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&cases, "cases", 1000, "number of synthetic cases")
		fs.Int64Var(&seed, "seed", 1, "random seed; the same seed gives the same graph")
		fs.StringVar(&out, "out", "", "write the case files to this directory instead of loading them")
		fs.BoolVar(&bulk, "bulk", false, "load with raw batched writes instead of through the importer")
	})
	if err != nil {
		return err
	}
	if cases < 1 {
		return kg.Errorf(kg.Invalid, "-cases must be at least 1")
	}
	start := time.Now()
	files := synth.Generate(cases, seed)
	fmt.Fprintf(stdout, "generated %d synthetic case files in %s\n", len(files), time.Since(start).Round(time.Millisecond))
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(out, f.Name), f.Src, 0o644); err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "wrote them to %s\n", out)
		return nil
	}

	store, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	inputs := make([]casefile.Input, len(files))
	for i, f := range files {
		inputs[i] = casefile.Input{Name: f.Name, Src: f.Src}
	}
	start = time.Now()
	checked, err := casefile.Check(inputs, casefile.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "checked them in %s\n", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if bulk {
		batches := make([]kg.Batch, len(checked))
		for i, f := range checked {
			batches[i] = f.Batch
		}
		res, err := store.BulkLoad(ctx, batches, 5000)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "bulk load: %s in %s\n", res, time.Since(start).Round(time.Millisecond))
		return nil
	}
	actor := localActor("")
	if err := writeFiles(asOperator(ctx, actor), store, checked, kg.ImportOptions{Edit: kg.Edit{Actor: actor}, MayRemove: true}, io.Discard); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "import: %d files in %s\n", len(checked), time.Since(start).Round(time.Millisecond))
	return nil
}
