package casefile

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Hints for values that YAML reads otherwise than their writer meant: a
// value without quotes that holds a character YAML gives a meaning to. An
// analyst knows what a name or a note should say, not YAML's grammar, so
// each hint says what YAML made of the character and shows the line with
// the value in quotes.

// starters say what YAML makes of a character that starts a value without
// quotes.
var starters = map[byte]string{
	'[': "which YAML reads as the start of a list",
	'{': "which YAML reads as the start of a group of fields",
	'&': "which YAML reads as an anchor, a name for the value, and leaves out of it",
	'*': "which YAML reads as a reference to an anchor",
	'!': "which YAML reads as a tag, a type for the value, and leaves out of it",
	'|': "which YAML reads as the start of text on the lines below",
	'>': "which YAML reads as the start of text on the lines below",
	'-': "which YAML reads as the start of a list item",
	'?': "which YAML reads as the start of a key",
	',': "which YAML reads as punctuation of a list",
	']': "which YAML reads as punctuation of a list",
	'}': "which YAML reads as punctuation of a list",
	'@': "which YAML reserves",
	'`': "which YAML reserves",
	'%': "which YAML reserves for directives",
}

// startsBadly reports whether a value without quotes cannot start as v
// does: - and ? count only before a space, as in "- x".
func startsBadly(v string) bool {
	if v == "" || starters[v[0]] == "" {
		return false
	}
	switch v[0] {
	case '-', '?':
		return len(v) == 1 || v[1] == ' ' || v[1] == '\t'
	}
	return true
}

// hint is what a line shows about a value YAML misread: the column of
// the character at fault, from 1 in characters, and what to say after
// "the value of name" or "an item of aliases".
type hint struct {
	col int
	msg string
}

// inQuotes tells how to fix line by putting its bytes from:to, the value
// or the item, in quotes.
func inQuotes(line string, from, to int, item bool) string {
	it := "the value"
	if item {
		it = "the item"
	}
	return "put " + it + " in quotes: " + strings.TrimSpace(line[:from]+quoted(line[from:to])+line[to:])
}

// quoted is s as a YAML value in quotes, cut short past 60 characters.
func quoted(s string) string {
	const most = 60
	if utf8.RuneCountInString(s) > most {
		s = string([]rune(s)[:most]) + "…"
	}
	switch {
	case !strings.ContainsAny(s, `"\`):
		return `"` + s + `"`
	case !strings.Contains(s, "'"):
		return "'" + s + "'"
	}
	return strconv.Quote(s)
}

// column is the column, from 1 in characters, of the byte at off.
func column(line string, off int) int { return utf8.RuneCountInString(line[:off]) + 1 }

// offset is the byte offset of column col, counted as column counts.
func offset(line string, col int) int {
	off := 0
	for i := 1; i < col && off < len(line); i++ {
		_, size := utf8.DecodeRuneInString(line[off:])
		off += size
	}
	return off
}

// syntaxHint explains a line that YAML cannot read, when a value on it
// holds a character YAML gives a meaning to. ok is false when the line
// shows nothing of the kind: YAML's own message must do then.
func syntaxHint(line string) (col int, msg string, ok bool) {
	line = strings.TrimRight(line, "\r\n")
	i := len(line) - len(strings.TrimLeft(line, " "))
	if i < len(line) && line[i] == '\t' {
		return i + 1, "a tab in the indentation: YAML indents with spaces only", true
	}
	for strings.HasPrefix(line[i:], "- ") {
		i += 2
		i += len(line[i:]) - len(strings.TrimLeft(line[i:], " "))
	}
	what, key := "the list item", ""
	if k := keyEnd(line, i); k >= 0 {
		key = line[i:k]
		what = "the value of " + key
		i = k + 1
		i += len(line[i:]) - len(strings.TrimLeft(line[i:], " \t"))
	}
	end := len(strings.TrimRight(line, " \t"))
	if i >= end {
		return 0, "", false
	}
	h, found := valueHint(line, i, end, key == "")
	if !found && (line[i] == '[' || line[i] == '{') {
		h, found = flowHint(line, i, end)
		what = "an item of the list"
		if key != "" {
			what = "an item of " + key
		}
	}
	if !found {
		return 0, "", false
	}
	return h.col, what + " " + h.msg, true
}

// keyEnd is the offset of the colon that ends the key starting at i, or
// -1: a key of a case file is a plain word.
func keyEnd(line string, i int) int {
	for j := i; j < len(line); j++ {
		c := line[j]
		switch {
		case c == ':' && j > i && (j+1 == len(line) || line[j+1] == ' ' || line[j+1] == '\t'):
			return j
		case c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
		default:
			return -1
		}
	}
	return -1
}

// valueHint finds what YAML misreads in the value line[i:end], outside a
// list or group in brackets; item says it is a list item.
func valueHint(line string, i, end int, item bool) (hint, bool) {
	v := line[i:end]
	switch c := v[0]; {
	case c == '"' || c == '\'':
		return quoteHint(line, i, end, item)
	case c == '[' || c == '{':
		j := closeFlow(line, i)
		if j < 0 || afterValue(line[j:end]) == "" {
			return hint{}, false // what is wrong is inside, if anything
		}
		return startHint(line, i, end, item), true
	case startsBadly(v):
		return startHint(line, i, end, item), true
	}
	if k := colonSpace(v); k >= 0 {
		return colonHint(line, i, i+k, end, item), true
	}
	return hint{}, false
}

// startHint is the hint for a value or an item, line[i:end], that starts
// with a character YAML gives a meaning to.
func startHint(line string, i, end int, item bool) hint {
	return hint{column(line, i), "starts with " + line[i:i+1] + ", " + starters[line[i]] + "; " + inQuotes(line, i, end, item)}
}

// colonHint is the hint for a value or an item, line[i:end], that holds
// ": " at line[k].
func colonHint(line string, i, k, end int, item bool) hint {
	return hint{column(line, k), `holds ": ", which YAML reads as the start of a field; ` + inQuotes(line, i, end, item)}
}

// quoteHint checks a value in quotes that starts at line[i]: a quote that
// is never closed, or text after the closing one.
func quoteHint(line string, i, end int, item bool) (hint, bool) {
	q := line[i]
	j := closeQuote(line, i)
	if j < 0 || j > end {
		msg := "opens a quote (" + string(q) + ") that its line does not close; "
		// Most likely the closing quote was forgotten; a value that holds
		// the quote again goes in quotes of the other kind.
		if strings.IndexByte(line[i+1:end], q) < 0 {
			msg += "close it: " + strings.TrimSpace(line[:end]+string(q)+line[end:])
		} else {
			msg += inQuotes(line, i, end, item)
		}
		return hint{column(line, i), msg}, true
	}
	if afterValue(line[j:end]) != "" {
		return hint{column(line, i), "goes on after its closing quote; " + inQuotes(line, i, end, item)}, true
	}
	return hint{}, false
}

// flowHint finds an item that YAML misreads in the list or group that
// starts at line[i], such as [Mamay, @mamai].
func flowHint(line string, i, end int) (hint, bool) {
	for j := i + 1; j < end; {
		j += len(line[j:end]) - len(strings.TrimLeft(line[j:end], " \t"))
		if j >= end || strings.ContainsRune(",]}", rune(line[j])) {
			j++
			continue
		}
		e := flowItemEnd(line, j, end)
		item := strings.TrimRight(line[j:e], " \t")
		c := item[0]
		switch {
		case c == '"' || c == '\'':
			if h, found := quoteHint(line, j, j+len(item), true); found {
				return h, true
			}
		case c == '[' || c == '{':
		case startsBadly(item):
			return startHint(line, j, j+len(item), true), true
		default:
			if k := strings.Index(item, " #"); k >= 0 {
				return hint{column(line, j+k+1), "holds a # after a space, which YAML reads as the start of a comment; " + inQuotes(line, j, j+len(item), true)}, true
			}
		}
		j = e
	}
	return hint{}, false
}

// afterValue is what follows a closed value, less spaces and a comment.
func afterValue(s string) string {
	s = strings.TrimLeft(s, " \t")
	if strings.HasPrefix(s, "#") {
		return ""
	}
	return s
}

// colonSpace is the offset of the first ": " or final ":" in a value
// without quotes, or -1.
func colonSpace(v string) int {
	if k := strings.Index(v, ": "); k >= 0 {
		return k
	}
	if strings.HasSuffix(v, ":") {
		return len(v) - 1
	}
	return -1
}

// closeQuote is the offset just past the quote that closes the one at
// line[i], or -1. Double quotes escape with \, single quotes by doubling.
func closeQuote(line string, i int) int {
	q := line[i]
	for j := i + 1; j < len(line); j++ {
		switch {
		case q == '"' && line[j] == '\\':
			j++
		case line[j] == q && q == '\'' && j+1 < len(line) && line[j+1] == '\'':
			j++
		case line[j] == q:
			return j + 1
		}
	}
	return -1
}

// closeFlow is the offset just past the bracket that closes the one at
// line[i], or -1.
func closeFlow(line string, i int) int {
	depth := 0
	for j := i; j < len(line); j++ {
		switch line[j] {
		case '[', '{':
			depth++
		case ']', '}':
			if depth--; depth == 0 {
				return j + 1
			}
		case '"', '\'':
			k := closeQuote(line, j)
			if k < 0 {
				return -1
			}
			j = k - 1
		}
	}
	return -1
}

// flowItemEnd is the offset where the item of a list or group in brackets
// that starts at line[i] ends: at a comma or closing bracket of its own
// level, or at end.
func flowItemEnd(line string, i, end int) int {
	depth := 0
	for j := i; j < end; j++ {
		switch line[j] {
		case '[', '{':
			depth++
		case ']', '}':
			if depth == 0 {
				return j
			}
			depth--
		case ',':
			if depth == 0 {
				return j
			}
		case '"', '\'':
			if j == i {
				if k := closeQuote(line, j); k > 0 && k <= end {
					j = k - 1
				}
			}
		}
	}
	return end
}

// misread explains a value of field name, or an item of it when in is
// its list, that YAML read as something other than the text it was meant
// to be: a comment where the value should be, a list or a group of
// fields, an anchor, a tag, or a field of its own. ok is false when YAML
// read it as written.
func (c *checker) misread(path string, n *yaml.Node, name string, in *yaml.Node) (p pos, msg string, ok bool) {
	line := strings.TrimRight(c.line(n.Line), "\r")
	i := offset(line, n.Column)
	if i >= len(line) {
		return pos{}, "", false
	}
	item, what := in != nil, name
	end := len(strings.TrimRight(line, " \t"))
	if item {
		what = "an item of " + name
		if in.Style&yaml.FlowStyle != 0 {
			end = flowItemEnd(line, i, end)
		}
	}
	var h hint
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "":
		rest := strings.TrimLeft(line[i:], " \t")
		if !strings.HasPrefix(rest, "#") {
			return pos{}, "", false
		}
		j := len(line) - len(rest)
		h = hint{column(line, j), "has no value: a # after a space starts a comment, so YAML reads none; " + inQuotes(line, j, end, item)}
	case n.Anchor != "" || n.Kind == yaml.AliasNode || n.Style&yaml.TaggedStyle != 0 || n.Kind != yaml.ScalarNode && (line[i] == '[' || line[i] == '{'):
		if starters[line[i]] == "" {
			return pos{}, "", false
		}
		h = startHint(line, i, end, item)
	case n.Kind == yaml.MappingNode && len(n.Content) == 2:
		k := colonSpace(line[i:end])
		if k < 0 {
			return pos{}, "", false
		}
		h = colonHint(line, i, i+k, end, item)
	default:
		return pos{}, "", false
	}
	return pos{path, n.Line, h.col}, what + " " + h.msg, true
}

// misreadOr reports problem at n, or, if YAML misread n, what it made
// of it instead: that is the problem to fix.
func (c *checker) misreadOr(path string, n *yaml.Node, name string, in *yaml.Node, problem string) {
	if p, msg, ok := c.misread(path, n, name, in); ok {
		c.add(p, msg)
		return
	}
	c.add(at(path, n), problem)
}

// misreadAnyway reports a value that YAML cut short by an anchor or a
// tag, which no other check would notice: what is left may look right.
func (c *checker) misreadAnyway(path string, n *yaml.Node, name string, in *yaml.Node) bool {
	if n.Anchor == "" && n.Style&yaml.TaggedStyle == 0 {
		return false
	}
	p, msg, ok := c.misread(path, n, name, in)
	if ok {
		c.add(p, msg)
	}
	return ok
}

// line is the text of line n of the file being checked.
func (c *checker) line(n int) string {
	if c.lines == nil {
		c.lines = strings.Split(string(c.src), "\n")
	}
	if n < 1 || n > len(c.lines) {
		return ""
	}
	return c.lines[n-1]
}
