package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/casegraph/casegraph/internal/casefile"
	"github.com/casegraph/casegraph/internal/ftm"
	"github.com/casegraph/casegraph/internal/kg"
	"github.com/casegraph/casegraph/internal/neo4jstore"
)

func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var force bool
	var format, file, groups string
	cfg, log, rest, err := setup("export", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&force, "force", false, "overwrite files that already exist")
		fs.StringVar(&groups, "groups", "", "export what a reader in these groups sees (comma-separated), or public: the public facts alone; every fact when not given")
		fs.StringVar(&format, "format", "casefiles", "casefiles: the case files, into DIR; ftm: FollowTheMoney entities, one JSON object a line")
		fs.StringVar(&file, "o", "", "with -format ftm, the file to write instead of standard output")
	})
	if err != nil {
		return err
	}
	switch {
	case format == "ftm" && len(rest) == 0:
	case format == "ftm":
		return kg.Errorf(kg.Invalid, "export -format ftm takes no directory: casegraph export -format ftm [-force] [-o FILE]")
	case format != "casefiles":
		return kg.Errorf(kg.Invalid, "unknown export format %q: want casefiles or ftm", format)
	case file != "":
		return kg.Errorf(kg.Invalid, "-o is for -format ftm; case files go to a directory: casegraph export [-force] DIR")
	case len(rest) != 1:
		return kg.Errorf(kg.Invalid, "export needs one directory: casegraph export [-force] DIR")
	}
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	reader, err := exportReader(ctx, groups)
	if err != nil {
		return err
	}
	backup, err := store.ReadBackup(reader)
	if err != nil {
		return err
	}
	if format == "ftm" {
		return writeFTM(backup.Batches, file, force, stdout)
	}
	return writeCaseFiles(backup, rest[0], force, stdout)
}

// exportReader is the context an export reads as: the operator, who sees
// every fact, or with -groups a reader of those groups, so that what is
// written can be shared with them (docs/access.md).
func exportReader(ctx context.Context, groups string) (context.Context, error) {
	if groups == "" {
		return asOperator(ctx, localActor("")), nil
	}
	var names []string
	if groups != "public" {
		names = strings.Split(groups, ",")
	}
	gs, err := kg.Groups(names)
	if err != nil {
		return nil, kg.Wrap(kg.Invalid, err, "-groups")
	}
	return kg.WithPrincipal(ctx, kg.Principal{Name: localActor(""), Role: kg.Reader, Groups: gs}), nil
}

// writeCaseFiles writes each batch as the case file it came from, and the
// texts no source document holds into casefile.TextsDir beside them.
func writeCaseFiles(backup neo4jstore.Backup, dir string, force bool, stdout io.Writer) error {
	batches := backup.Batches
	// Render and check everything before writing anything, so a batch the
	// format cannot express or a file in the way leaves DIR untouched.
	type output struct {
		path string
		data []byte
		b    kg.Batch
	}
	outs := make([]output, 0, len(batches))
	for _, b := range batches {
		// The origin comes from the database; only a plain file name may
		// decide where a file is written.
		if b.Origin != filepath.Base(b.Origin) || b.Origin == "." || b.Origin == ".." {
			return kg.Errorf(kg.Invalid, "origin %q is not a file name; cannot export it", b.Origin)
		}
		data, err := casefile.Write(b)
		if err != nil {
			return kg.Wrap(kg.Invalid, err, "cannot write "+b.Origin)
		}
		// Values edited in the database may break the format's rules; a
		// file that would not import again is not worth writing.
		if _, err := casefile.Parse(b.Origin, data); err != nil {
			return kg.Wrap(kg.Invalid, err, b.Origin+" would not be a valid case file")
		}
		path := filepath.Join(dir, b.Origin)
		if err := refuseExisting(path, force); err != nil {
			return err
		}
		outs = append(outs, output{path, data, b})
	}
	texts, err := renderTexts(backup.Texts, dir, force)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, o := range outs {
		if err := os.WriteFile(o.path, o.data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d entities, %d relationships\n", o.path, len(o.b.Entities), len(o.b.Links))
	}
	if len(texts) > 0 {
		if err := os.MkdirAll(filepath.Join(dir, casefile.TextsDir), 0o755); err != nil {
			return err
		}
	}
	for _, t := range texts {
		if err := os.WriteFile(t.path, t.data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: the text of %s, %d paragraphs\n", t.path, t.id, len(backup.Texts[t.id]))
	}
	if len(outs) == 0 {
		fmt.Fprintln(stdout, "the graph holds no facts from case files; nothing to export")
	}
	return nil
}

// textFile is a source's text rendered for casefile.TextsDir.
type textFile struct {
	id, path string
	data     []byte
}

// renderTexts renders the texts to write under dir, in source order,
// refusing a text that would not read back as itself or a file in the way
// before anything is written. The file name comes from the source's ID by
// casefile.TextFileName, which takes nothing but a source's slug.
func renderTexts(texts map[string][]string, dir string, force bool) ([]textFile, error) {
	var out []textFile
	for _, id := range slices.Sorted(maps.Keys(texts)) {
		name, ok := casefile.TextFileName(id)
		if !ok {
			return nil, kg.Errorf(kg.Invalid, "source %q has no valid ID; cannot export its text", id)
		}
		data, err := casefile.WriteText(id, texts[id])
		if err != nil {
			return nil, kg.Wrap(kg.Invalid, err, "cannot export "+err.Error())
		}
		path := filepath.Join(dir, casefile.TextsDir, name)
		if err := refuseExisting(path, force); err != nil {
			return nil, err
		}
		out = append(out, textFile{id, path, data})
	}
	return out, nil
}

// writeFTM writes the graph as FollowTheMoney entities to file, or to
// stdout if file is "".
func writeFTM(batches []kg.Batch, file string, force bool, stdout io.Writer) error {
	var buf bytes.Buffer
	ents := ftm.Convert(batches...)
	if err := ftm.Write(&buf, ents); err != nil {
		return err
	}
	if file == "" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	if err := refuseExisting(file, force); err != nil {
		return err
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d FollowTheMoney entities\n", file, len(ents))
	return nil
}

// refuseExisting returns a conflict if path exists and force is not set.
func refuseExisting(path string, force bool) error {
	if force {
		return nil
	}
	if _, err := os.Stat(path); err == nil {
		return kg.Errorf(kg.Conflict, "%s exists; use -force to overwrite it", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
