package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/user"
	"slices"
	"strings"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
)

func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var dryRun bool
	var onConflict, as string
	cfg, log, paths, err := setup("import", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&dryRun, "dry-run", false, "check the files and print what would change, without writing")
		fs.StringVar(&onConflict, "on-conflict", "", "where a file and the graph both changed a fact since the file's last import: keep-graph or take-file; unset refuses such an import")
		fs.StringVar(&as, "as", "", "the name the history records for this import (default: the local user, as local:NAME)")
	})
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("import needs case files or directories: casegraph import [-dry-run] [-on-conflict keep-graph|take-file] FILE|DIR...")
	}
	side, err := parseSide(onConflict)
	if err != nil {
		return err
	}
	store, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	o := kg.ImportOptions{Edit: kg.Edit{Actor: localActor(as)}, MayRemove: true, OnConflict: side, DryRun: dryRun}
	return importFiles(asOperator(ctx, o.Edit.Actor), store, paths, cfg.SourcesDir, o, stdout)
}

// parseSide reads -on-conflict.
func parseSide(s string) (kg.Side, error) {
	switch s {
	case "":
		return kg.Refuse, nil
	case "keep-graph":
		return kg.KeepGraph, nil
	case "take-file":
		return kg.TakeFile, nil
	}
	return "", fmt.Errorf("-on-conflict %q: want keep-graph or take-file", s)
}

// localActor is who the history says imported from the command line: the
// name given, or the local user. Whoever runs the command reaches Neo4j
// directly, so it acts as an admin would.
func localActor(as string) string {
	if as != "" {
		return as
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "local:" + u.Username
	}
	return "local"
}

// asOperator is ctx acting for whoever runs a command that reaches Neo4j
// directly, under name, the actor the history records. They may read and
// write everything, restricted facts included, so they act as an admin:
// without a principal the store reads as for an anonymous request, which
// sees public facts alone, and an import would take the restricted facts
// of the graph for absent.
func asOperator(ctx context.Context, name string) context.Context {
	return kg.WithPrincipal(ctx, kg.Principal{Name: name, Role: kg.Admin})
}

// importFiles validates every file first and writes nothing unless all are
// valid; then it writes them in chunks of consecutive groups, one
// transaction per chunk, reporting to out.
func importFiles(ctx context.Context, store *neo4jstore.Store, args []string, sourcesDir string, o kg.ImportOptions, out io.Writer) error {
	paths, err := casefile.Expand(args)
	if err != nil {
		return kg.Wrap(kg.Invalid, err, err.Error())
	}
	exported, err := readExportedTexts(args)
	if err != nil {
		return err
	}
	opts := casefile.InGraph(ctx, store)
	opts.SourcesDir = sourcesDir
	files, err := casefile.Load(paths, opts)
	if err != nil {
		if ps, ok := err.(casefile.Problems); ok {
			fmt.Fprintln(out, ps.Error())
			return kg.Errorf(kg.Invalid, "%d problems in the case files; nothing was written", len(ps))
		}
		return err
	}
	if err := checkExportedTexts(exported, files); err != nil {
		return err
	}
	if err := writeFiles(ctx, store, files, o, out); err != nil {
		return err
	}
	return saveTexts(ctx, store, files, exported, o, out)
}

// readExportedTexts reads the texts an export wrote beside the case files
// of the directories among args (casefile.TextsDir), checking every one
// before anything is written.
func readExportedTexts(args []string) (map[string][]string, error) {
	texts := map[string][]string{}
	for _, a := range args {
		if st, err := os.Stat(a); err != nil || !st.IsDir() {
			continue
		}
		ts, err := casefile.ReadTexts(a)
		if err != nil {
			return nil, kg.Wrap(kg.Invalid, err, err.Error()+"; nothing was written")
		}
		for id, paras := range ts {
			if _, dup := texts[id]; dup {
				return nil, kg.Errorf(kg.Invalid, "the text of %s is in more than one directory of this import; nothing was written", id)
			}
			texts[id] = paras
		}
	}
	return texts, nil
}

// checkExportedTexts refuses a text read from casefile.TextsDir unless a
// case file of the import defines its source, without a file: a source
// with a file has its text from the sources directory, and one the import
// does not define is not what the directory backed up.
func checkExportedTexts(texts map[string][]string, files []*casefile.File) error {
	defined := map[string]bool{}
	for _, f := range files {
		for _, e := range f.Batch.Entities {
			if e.Type == kg.Source {
				_, hasFile := e.Props["file"]
				defined[e.ID] = !hasFile
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(texts)) {
		name, _ := casefile.TextFileName(id)
		withoutFile, ok := defined[id]
		switch {
		case !ok:
			return kg.Errorf(kg.Invalid, "%s/%s: no case file of this import defines %s; nothing was written", casefile.TextsDir, name, id)
		case !withoutFile:
			return kg.Errorf(kg.Invalid, "%s/%s: %s names a file, whose text the sources directory supplies; nothing was written", casefile.TextsDir, name, id)
		}
	}
	return nil
}

// saveTexts stores the texts of the sources the files define, read from
// the sources directory, and those read from casefile.TextsDir, once the
// files are in: a text is stored only for a source the graph holds. If
// storing fails the case files stay written, and importing the same
// directory again stores the texts.
func saveTexts(ctx context.Context, store *neo4jstore.Store, files []*casefile.File, exported map[string][]string, o kg.ImportOptions, out io.Writer) error {
	texts := map[string][]string{}
	maps.Copy(texts, exported)
	for _, f := range files {
		maps.Copy(texts, f.Texts)
	}
	if len(texts) == 0 {
		return nil
	}
	if o.DryRun {
		if len(exported) > 0 {
			fmt.Fprintf(out, "source texts from %s that would be stored: %d\n", casefile.TextsDir, len(exported))
		}
		return nil
	}
	n, err := store.SaveTexts(ctx, texts, o.Edit)
	if err != nil {
		return fmt.Errorf("storing source texts (the case files were written; import them again to store the texts): %w", err)
	}
	if n > 0 {
		fmt.Fprintf(out, "source texts stored: %d %s\n", n, plural(n, "source", "sources"))
	}
	return nil
}

// A chunk of at most this many files and entities is written in one
// transaction: large imports then cost little more than raw batched writes,
// while a transaction stays small enough for Neo4j's memory.
const (
	chunkFiles    = 500
	chunkEntities = 10000
)

// writeFiles writes checked files in chunks of consecutive groups (or, in
// a dry run, prints what they would change). Groups come in dependency
// order, so chunking them keeps each file after the files it refers to.
func writeFiles(ctx context.Context, store *neo4jstore.Store, files []*casefile.File, o kg.ImportOptions, out io.Writer) error {
	groups := casefile.Groups(files)
	for _, chunk := range chunks(groups, chunkFiles, chunkEntities) {
		if err := writeChunk(ctx, store, chunk, o, out); err != nil {
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
func writeChunk(ctx context.Context, store *neo4jstore.Store, chunk [][]*casefile.File, o kg.ImportOptions, out io.Writer) error {
	files := slices.Concat(chunk...)
	err := writeGroup(ctx, store, files, o, out)
	var refused *refusal
	if err == nil || len(chunk) == 1 || ctx.Err() != nil || errors.As(err, &refused) {
		return err
	}
	fmt.Fprintf(out, "%v; writing those files group by group\n", err)
	for _, g := range chunk {
		if err := writeGroup(ctx, store, g, o, out); err != nil {
			return err
		}
	}
	return nil
}

// refusal is an import that its own plan stopped: trying its files one
// group at a time would only stop again.
type refusal struct {
	err  *kg.Error
	hint string // how to settle it from the command line
}

func (r *refusal) Error() string { return r.err.Message + r.hint }
func (r *refusal) Unwrap() error { return r.err }

// writeGroup writes files in one transaction (in a dry run, plans them)
// and reports, per file, whether it was written or skipped as unchanged,
// then every change and conflict. A refused import writes nothing and
// says why.
func writeGroup(ctx context.Context, store *neo4jstore.Store, files []*casefile.File, o kg.ImportOptions, out io.Writer) error {
	batches := make([]kg.Batch, len(files))
	for i, f := range files {
		batches[i] = f.Batch
	}
	res, err := store.Import(ctx, batches, o)
	switch kg.SavedOf(err) {
	case kg.SavedAnyway:
		// Written; only what came after (the duplicate check) failed, and
		// the report says so.
	case kg.MaybeSaved:
		return fmt.Errorf("importing %s: %w", fileNames(files), err)
	default:
		if err != nil {
			return fmt.Errorf("importing %s: %w (that transaction was rolled back)", fileNames(files), err)
		}
	}
	unchanged := map[string]bool{}
	for _, origin := range res.Unchanged {
		unchanged[origin] = true
	}
	state := "written"
	switch {
	case res.Refusal != nil:
		state = "refused"
	case o.DryRun:
		state = "would be written"
	}
	for _, f := range files {
		s := state
		if unchanged[f.Batch.Origin] {
			s = "unchanged since its last import"
		}
		fmt.Fprintf(out, "%s: %s\n", f.Path, s)
	}
	for _, c := range res.Changes {
		fmt.Fprintf(out, "  %s (%s)\n", c, c.File)
	}
	for _, c := range res.Conflicts {
		field := c.Field
		if field == "" {
			field = "the whole fact"
		}
		fmt.Fprintf(out, "  conflict %s %s, %s: %s; graph %s, file then %s, file now %s\n", c.Kind, c.ID, field, c.Reason, show(c.Graph), show(c.Base), show(c.Now))
	}
	for _, d := range res.Duplicates {
		fmt.Fprintf(out, "  likely duplicate: %s and %s: %s\n", d.ID, d.Other, d.Reason)
	}
	if err != nil {
		fmt.Fprintf(out, "  %s\n", kg.ErrorMessage(err))
	}
	if len(res.Duplicates) > 0 {
		fmt.Fprintf(out, "  (a likely duplicate does not stop the import: merge the pair, or judge it DISTINCT with judgeDuplicates so it is not reported again)\n")
	}
	if res.Refusal != nil {
		r := &refusal{err: res.Refusal}
		if len(res.Conflicts) > 0 && o.OnConflict == kg.Refuse {
			r.hint = " (-on-conflict keep-graph or take-file)"
		}
		return r
	}
	if o.DryRun {
		fmt.Fprintf(out, "%d %s: %d changes, %d facts unchanged (dry run: nothing written)\n", len(files), plural(len(files), "file", "files"), len(res.Changes), res.Kept)
		return nil
	}
	fmt.Fprintf(out, "%d %s in one transaction: %s\n", len(files), plural(len(files), "file", "files"), res)
	return nil
}

// show prints one side of a conflict.
func show(v any) string {
	if v == nil {
		return "(none)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
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
