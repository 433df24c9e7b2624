package casefile

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A text written for TextsDir reads back as the same paragraphs, under the
// name its ID gives.
func TestTextRoundTrip(t *testing.T) {
	paras := []string{"First.", "Second, with\ta tab and «quotes».", "Третий абзац."}
	data, err := WriteText("source/api-memo", paras)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	name, ok := TextFileName("source/api-memo")
	if !ok || name != "api-memo.txt" {
		t.Fatalf("TextFileName = %q, %v", name, ok)
	}
	writeTextFile(t, dir, name, string(data))
	got, err := ReadTexts(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !slices.Equal(got["source/api-memo"], paras) {
		t.Fatalf("read back %q, want %q", got, paras)
	}
	if texts, err := ReadTexts(t.TempDir()); err != nil || len(texts) != 0 {
		t.Fatalf("a directory without %s: %v, %v", TextsDir, texts, err)
	}
}

// A paragraph that a text file would change (a line break, a space at
// either end, an empty one) or a text beyond the bounds is refused, not
// written changed; so is a name that is not a source's ID.
func TestWriteTextRefusesWhatWouldNotReadBack(t *testing.T) {
	for _, c := range []struct {
		id    string
		paras []string
	}{
		{"source/x", []string{"one\ntwo"}},
		{"source/x", []string{" padded"}},
		{"source/x", []string{"padded "}},
		{"source/x", []string{""}},
		{"source/x", nil},
		{"source/x", make([]string, MaxTextParagraphs+1)},
		{"source/x", []string{strings.Repeat("a", MaxParagraphChars+1)}},
		{"source/x", []string{"hidden\u202econtrol"}},
		{"person/x", []string{"text"}},
		{"source/../x", []string{"text"}},
		{"source/a/b", []string{"text"}},
		{"source/", []string{"text"}},
	} {
		if _, err := WriteText(c.id, c.paras); err == nil {
			t.Errorf("WriteText(%q, %.40q) was accepted", c.id, c.paras)
		}
	}
	for _, id := range []string{"person/x", "source/../x", "source/a/b", "source/..", "source/.", "source/", "../x", `source/a\b`} {
		if name, ok := TextFileName(id); ok {
			t.Errorf("TextFileName(%q) = %q", id, name)
		}
	}
}

// Every malformed text file is an error naming it: a name that is not a
// source's slug (nothing else is read as a path), a link, a header for
// another source or none, no paragraphs, a paragraph against the rules,
// a file beyond the size bound.
func TestReadTextsRefusesMalformedFiles(t *testing.T) {
	for _, c := range []struct{ name, content, want string }{
		{"Bad_Name.txt", "source: source/Bad_Name\n\nText.\n", "name"},
		{"memo.md", "source: source/memo\n\nText.\n", "name"},
		{"..txt", "source: source/.\n\nText.\n", "name"},
		{"memo.txt", "source: source/other\n\nText.\n", "first line"},
		{"memo.txt", "Text without a header.\n", "first line"},
		{"memo.txt", "source: source/memo\n", "0 paragraphs"},
		{"memo.txt", "source: source/memo\n\nhidden\u202econtrol\n", "paragraph 1"},
		{"memo.txt", "source: source/memo\n\n" + strings.Repeat("p\n", MaxTextParagraphs+1), "paragraphs"},
	} {
		dir := t.TempDir()
		writeTextFile(t, dir, c.name, c.content)
		_, err := ReadTexts(dir)
		if err == nil || !strings.Contains(err.Error(), filepath.Join(TextsDir, c.name)) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %.40q: error %v, want one naming the file and %q", c.name, c.content, err, c.want)
		}
	}

	dir := t.TempDir()
	outside := filepath.Join(dir, "outside.txt")
	if err := os.WriteFile(outside, []byte("source: source/memo\n\nSecret.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, TextsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, TextsDir, "memo.txt")); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadTexts(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a link: error %v", err)
	}

	big := t.TempDir()
	writeTextFile(t, big, "memo.txt", "source: source/memo\n\n"+strings.Repeat(" ", maxTextFileBytes))
	if _, err := ReadTexts(big); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("a file beyond the size bound: error %v", err)
	}
}

func writeTextFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, TextsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, TextsDir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
