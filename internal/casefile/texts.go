package casefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/casegraph/casegraph/internal/kg"
)

// A source's text that no source document supplies (one sent through the
// API) is held only in the graph. An export writes it beside the case
// files, as TextsDir/<slug>.txt, so that a backup carries it; an import of
// that directory stores it again. The file's name comes from the source's
// ID by one fixed rule (TextFileName), never from a stored string used as
// a path, and reading it back derives the ID from the name the same way.

// TextsDir is the directory, beside the case files, that holds such texts.
const TextsDir = "texts"

// Bounds of a source's text: far above a report's length, and below what
// one request may carry. They hold for a text sent through the API and
// for one read from TextsDir alike.
const (
	MaxTextParagraphs = 5000
	MaxParagraphChars = 20_000
	// maxTextFileBytes bounds a text file read back, before its
	// paragraphs are counted.
	maxTextFileBytes = 64 << 20
)

// paragraphText is the text rule of a source's paragraph: prose, so
// controls, bidirectional and invisible characters are refused.
var paragraphText = kg.TextRule{Max: MaxParagraphChars, Prose: true}

// CheckText checks a source's paragraphs against the bounds of a text.
func CheckText(paras []string) error {
	if len(paras) == 0 || len(paras) > MaxTextParagraphs {
		return fmt.Errorf("has %d paragraphs: want 1 to %d non-blank lines", len(paras), MaxTextParagraphs)
	}
	for i, p := range paras {
		if err := paragraphText.Check(p); err != nil {
			return fmt.Errorf("paragraph %d: %v", i+1, err)
		}
	}
	return nil
}

// sourcePrefix begins every source's ID.
const sourcePrefix = "source/"

// TextFileName is the name of a source's text file: the slug of its ID
// and .txt. ok is false for anything but a valid source ID, whose slug
// holds no path separator or dot-only name.
func TextFileName(id string) (name string, ok bool) {
	slug, ok := strings.CutPrefix(id, sourcePrefix)
	if !ok || !kg.ValidID(id) || strings.ContainsAny(slug, `/\`) || slug == "." || slug == ".." {
		return "", false
	}
	return slug + ".txt", true
}

// textID is the source ID a text file's name stands for, the inverse of
// TextFileName.
func textID(name string) (string, bool) {
	slug, ok := strings.CutSuffix(name, ".txt")
	if !ok {
		return "", false
	}
	id := sourcePrefix + slug
	if n, ok := TextFileName(id); !ok || n != name {
		return "", false
	}
	return id, true
}

// WriteText renders a source's paragraphs as its text file: a header line
// naming the source, a blank line, then the paragraphs, a blank line
// between each, as a source document is laid out. Paragraphs count as
// readParagraphs counts them (each non-blank line, trimmed), so a
// paragraph with a line break or a space at either end would not read
// back as itself: such a text, or one beyond the bounds of CheckText, is
// refused rather than written changed.
func WriteText(id string, paras []string) ([]byte, error) {
	if _, ok := TextFileName(id); !ok {
		return nil, fmt.Errorf("%q is not a source ID", id)
	}
	if err := CheckText(paras); err != nil {
		return nil, fmt.Errorf("the text of %s %v", id, err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "source: %s\n", id)
	for _, p := range paras {
		b.WriteString("\n")
		b.WriteString(p)
		b.WriteString("\n")
	}
	if b.Len() > maxTextFileBytes {
		return nil, fmt.Errorf("the text of %s is %d bytes long: at most %d are allowed", id, b.Len(), maxTextFileBytes)
	}
	if got := Paragraphs(b.Bytes(), true); !slices.Equal(got, paras) {
		return nil, fmt.Errorf("the text of %s has a paragraph with a line break or a space at either end, which a text file cannot keep", id)
	}
	return b.Bytes(), nil
}

// ReadTexts reads the text files in dir's TextsDir, by source ID; a dir
// without one has none. Every file is checked before any is returned: a
// name that is not a source's slug and .txt, anything but a regular file
// (a link or a directory), a header that does not name the source the
// name stands for, or a text beyond the bounds of CheckText is an error
// naming the file.
func ReadTexts(dir string) (map[string][]string, error) {
	tdir := filepath.Join(dir, TextsDir)
	entries, err := os.ReadDir(tdir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, e := range entries {
		path := filepath.Join(tdir, e.Name())
		id, ok := textID(e.Name())
		if !ok {
			return nil, fmt.Errorf("%s: the name is not a source's slug and .txt", path)
		}
		if !e.Type().IsRegular() {
			return nil, fmt.Errorf("%s: not a regular file", path)
		}
		paras, err := readText(path, id)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		out[id] = paras
	}
	return out, nil
}

// readText reads and checks one text file of source id.
func readText(path, id string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, maxTextFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(src) > maxTextFileBytes {
		return nil, fmt.Errorf("longer than %d bytes", maxTextFileBytes)
	}
	header, _, _ := bytes.Cut(src, []byte("\n"))
	if want := "source: " + id; strings.TrimSpace(string(header)) != want {
		return nil, fmt.Errorf("the first line must be %q", want)
	}
	paras := Paragraphs(src, true)
	if err := CheckText(paras); err != nil {
		return nil, fmt.Errorf("the text %v", err)
	}
	return paras, nil
}
