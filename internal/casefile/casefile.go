// Package casefile reads and checks case files, the YAML documents through
// which cited facts enter casegraph. It is pure: it never touches the
// database, and learns what the graph already holds through Options, which
// InGraph fills from any store that answers Graph.
package casefile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/casegraph/casegraph/internal/kg"
)

// Version is the case-file format version this package writes. It reads
// this one and version 1, which differs only in that a charge may lack
// its category; docs/case-files.md has the upgrade path.
const Version = 2

// Problem is one thing wrong with a case file, at a place in it.
type Problem struct {
	File         string
	Line, Column int
	Message      string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
}

// Problems is every problem found; as an error it lists them one per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Known describes an ID that the graph already holds.
type Known struct {
	Type   kg.EntityType
	Origin string // the case file that defined it
}

// Options says where to look beyond the files themselves.
type Options struct {
	// SourcesDir holds the source documents that sources' file fields name;
	// when set, citations are checked against their paragraphs.
	SourcesDir string
	// Known reports which of the given IDs the graph holds. Nil means an
	// empty graph. Its error ends the check and is returned as it is (with
	// its kg code), since it says nothing about the input.
	Known func(ids []string) (map[string]Known, error)
	// Paragraphs reports, for the given source IDs whose text the graph
	// holds, how many paragraphs it has, so a citation of a paragraph the
	// text lacks is refused whether or not SourcesDir is set. Nil means
	// the graph holds no texts; its error is treated as Known's.
	Paragraphs func(sources []string) (map[string]int, error)
	// Nearby lists the IDs the graph holds that sort next to each of ids
	// among those with its type's prefix, up to limit on either side: the
	// candidates for a "did you mean" in place of an unknown ID.
	// It is asked once a check, and only if an ID is unknown. Nil suggests
	// only IDs of the import.
	Nearby func(ids []string, limit int) ([]string, error)
}

// Graph is what a check asks of the graph that files are imported into.
type Graph interface {
	Known(ctx context.Context, ids []string) (map[string]kg.EntityType, map[string]string, error)
	IDsNear(ctx context.Context, ids []string, limit int) ([]string, error)
	Paragraphs(ctx context.Context, sources []string) (map[string]int, error)
}

// InGraph is the Options that look IDs up in g under ctx.
func InGraph(ctx context.Context, g Graph) Options {
	return Options{
		Known: func(ids []string) (map[string]Known, error) {
			types, origins, err := g.Known(ctx, ids)
			if err != nil {
				return nil, err
			}
			k := make(map[string]Known, len(types))
			for id, t := range types {
				k[id] = Known{Type: t, Origin: origins[id]}
			}
			return k, nil
		},
		Nearby: func(ids []string, limit int) ([]string, error) {
			return g.IDsNear(ctx, ids, limit)
		},
		Paragraphs: func(sources []string) (map[string]int, error) {
			return g.Paragraphs(ctx, sources)
		},
	}
}

// File is one checked case file.
type File struct {
	Path  string
	Batch kg.Batch
	// Texts are the paragraphs of the sources the file defines, read from
	// SourcesDir, by source ID.
	Texts map[string][]string
}

// Expand turns arguments (files and directories) into the case files they
// name: directories give their *.yaml and *.yml files, in name order.
func Expand(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
				out = append(out, filepath.Join(a, e.Name()))
			}
		}
	}
	return out, nil
}

// Input is one case file's name and content.
type Input struct {
	Name string
	Src  []byte
}

// Load reads and checks case files. It returns every problem it finds in
// any of them as Problems; on success the files are ready to import in the
// order given.
func Load(paths []string, opts Options) ([]*File, error) {
	var inputs []Input
	var unreadable Problems
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			unreadable = append(unreadable, Problem{File: p, Line: 1, Column: 1, Message: "cannot read: " + err.Error()})
			continue
		}
		inputs = append(inputs, Input{Name: p, Src: src})
	}
	files, err := Check(inputs, opts)
	if len(unreadable) > 0 {
		ps, _ := err.(Problems)
		return nil, append(unreadable, ps...)
	}
	return files, err
}

// Check checks case files given by content, as Load does files on disk;
// the API's mutations validate through it too, so both speak alike.
func Check(inputs []Input, opts Options) ([]*File, error) {
	c := newChecker(opts)
	var files []*File
	for _, in := range inputs {
		if f := c.file(in.Name, in.Src); f != nil {
			sum := sha256.Sum256(in.Src)
			f.Batch.Hash = hex.EncodeToString(sum[:])
			files = append(files, f)
		}
	}
	c.resolve()
	if c.lookup != nil {
		return nil, c.lookup
	}
	if len(c.problems) > 0 {
		sort.SliceStable(c.problems, func(i, j int) bool {
			a, b := c.problems[i], c.problems[j]
			if a.File != b.File {
				return a.File < b.File
			}
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Column < b.Column
		})
		return nil, c.problems
	}
	for _, f := range files {
		for _, e := range f.Batch.Entities {
			if paras, ok := c.texts[e.ID]; ok && e.Type == kg.Source {
				if f.Texts == nil {
					f.Texts = map[string][]string{}
				}
				f.Texts[e.ID] = paras
			}
		}
	}
	return files, nil
}

// Parse checks one file's content on its own: everything but references to
// other files and the graph. It serves tests and fuzzing.
func Parse(name string, src []byte) (*File, error) {
	c := newChecker(Options{})
	f := c.file(name, src)
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	return f, nil
}

type pos struct {
	file      string
	line, col int
}

type def struct {
	pos
	typ    kg.EntityType
	source string // for sources: the file field
}

type pendingRef struct {
	pos
	id      string
	targets []kg.EntityType
	field   string // with owner, names the reference in problems
	owner   string
}

// what names the reference as "field of owner". It is built only for a
// problem, since most references have none.
func (r pendingRef) what() string { return r.field + " of " + r.owner }

// pendingAdd is an addition, whose entity is looked up once every file
// is read.
type pendingAdd struct {
	pos
	id string
}

type pendingCite struct {
	pos
	c kg.Citation
}

type checker struct {
	opts     Options
	problems Problems
	lookup   error // Known's failure: the check could not finish
	defs     map[string]def
	broken   map[string]bool // IDs of entries left out for their problems
	refs     []pendingRef
	adds     []pendingAdd
	cites    []pendingCite
	origins  map[string]bool
	linkPos  map[string][]pos    // links of the current file by ID
	links    map[string]pos      // every relation of the import by ID
	version  int                 // of the current file; 0 when unreadable
	groups   []string            // the current file's visibility; nil when public
	src      []byte              // of the current file
	lines    []string            // of src, split when a hint needs them
	texts    map[string][]string // paragraphs of the sources read from SourcesDir
}

func newChecker(opts Options) *checker {
	return &checker{opts: opts, defs: map[string]def{}, broken: map[string]bool{}, origins: map[string]bool{}, linkPos: map[string][]pos{}, links: map[string]pos{}, texts: map[string][]string{}}
}

func (c *checker) addf(p pos, format string, args ...any) {
	c.add(p, fmt.Sprintf(format, args...))
}

func (c *checker) add(p pos, msg string) {
	c.problems = append(c.problems, Problem{File: p.file, Line: p.line, Column: p.col, Message: msg})
}

func at(file string, n *yaml.Node) pos { return pos{file: file, line: n.Line, col: n.Column} }

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

func (c *checker) file(path string, src []byte) *File {
	origin := filepath.Base(path)
	if c.origins[origin] {
		c.addf(pos{path, 1, 1}, "another file of this import is also named %s; case file names must be unique", origin)
	}
	c.origins[origin] = true
	c.src, c.lines = src, nil
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			c.addf(pos{path, 1, 1}, "not valid YAML: the file is empty: want a mapping with version, sources, entities and relations")
			return nil
		}
		c.syntaxError(path, src, err)
		return nil
	}
	// A second document would otherwise be ignored without a word.
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil && len(extra.Content) > 0 {
		c.addf(at(path, &extra), "a case file holds one YAML document; this is a second one: remove the --- or move it to its own file")
	} else if err != nil && err != io.EOF {
		c.syntaxError(path, src, err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		c.addf(at(path, root), "a case file is a mapping with version, sources, entities and relations")
		return nil
	}
	f := &File{Path: path, Batch: kg.Batch{Origin: origin}}
	seenVersion := false
	c.version = versionOf(root)
	c.fileVisibility(path, root)
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		// YAML forbids a key twice; an editor would keep only the last.
		if seen[k.Value] {
			c.addf(at(path, k), "field %s appears twice", kg.Quote(k.Value))
			continue
		}
		seen[k.Value] = true
		switch k.Value {
		case "version":
			seenVersion = true
			if c.version == 0 {
				c.addf(at(path, v), "version must be %d (or 1, the format before it), the formats this casegraph reads", Version)
			}
		case visibilityKey:
			// read before the entries (fileVisibility)
		case "sources":
			for _, n := range c.list(path, v, "sources") {
				if e, ok := c.entity(path, n, kg.Source, f); ok {
					f.Batch.Entities = append(f.Batch.Entities, e)
				}
			}
		case "entities":
			for _, n := range c.list(path, v, "entities") {
				if e, ok := c.entity(path, n, "", f); ok {
					f.Batch.Entities = append(f.Batch.Entities, e)
				}
			}
		case "relations":
			for _, n := range c.list(path, v, "relations") {
				if l, ok := c.relation(path, n); ok {
					f.Batch.Links = append(f.Batch.Links, l)
				}
			}
		case "additions":
			added := map[string]pos{}
			for _, n := range c.list(path, v, "additions") {
				if a, ok := c.addition(path, n, added); ok {
					f.Batch.Additions = append(f.Batch.Additions, a)
				}
			}
		default:
			c.add(at(path, k), orMeant("unknown top-level field "+kg.Quote(k.Value), closest(k.Value, sections), "want version, visibility, sources, entities, relations or additions"))
		}
	}
	if !seenVersion {
		c.addf(at(path, root), "missing version: add `version: %d`", Version)
	}
	c.checkLinkIDs(path, f)
	return f
}

// versionOf reads a file's version before its entries, whose checks
// depend on it: 0 if it is missing or not one this package reads.
func versionOf(root *yaml.Node) int {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value == "version" && v.Kind == yaml.ScalarNode {
			if n, err := strconv.Atoi(v.Value); err == nil && n >= 1 && n <= Version {
				return n
			}
		}
	}
	return 0
}

// syntaxError reports a file YAML cannot read, at the value on the line
// where it stops that holds a character YAML gives a meaning to, if any,
// with a hint to quote it; otherwise in YAML's own words.
func (c *checker) syntaxError(path string, src []byte, err error) {
	line, col := syntaxErrorAt(src)
	msg := yamlMessage(err)
	if hcol, hint, ok := syntaxHint(c.line(line)); ok {
		col, msg = hcol, hint
	}
	c.addf(pos{path, line, col}, "not valid YAML: %s", msg)
}

// syntaxErrorAt finds a YAML syntax error: the first line after the longest
// run of lines that parses, at its first non-blank character. The YAML
// library reports only where the enclosing construct begins, and for some
// errors a line too early.
func syntaxErrorAt(src []byte) (line, col int) {
	lines := bytes.SplitAfter(src, []byte("\n"))
	k := longestParsingPrefix(src, lines)
	text := lines[k]
	return k + 1, len(text) - len(bytes.TrimLeft(text, " ")) + 1
}

// syntaxSearchBudget bounds the bytes syntaxErrorAt parses line by line.
// Trying every prefix costs the square of the file's size, which for a
// large file with an early error (1 MiB through importCaseFile) would be
// minutes of CPU.
const syntaxSearchBudget = 32 << 20

// longestParsingPrefix returns the largest k < len(lines) such that the
// first k lines parse, or 0. It tries prefixes from the longest down,
// since errors are mostly near the end; past syntaxSearchBudget it bisects
// what is left, which finds the same line whenever every prefix before the
// error parses and none after it does.
func longestParsingPrefix(src []byte, lines [][]byte) int {
	ends := make([]int, len(lines)+1) // ends[k] is the length of the first k lines
	for i, l := range lines {
		ends[i+1] = ends[i] + len(l)
	}
	budget := syntaxSearchBudget
	k := len(lines) - 1
	for ; k > 0 && budget > 0; k-- {
		if parses(src[:ends[k]]) {
			return k
		}
		budget -= ends[k]
	}
	lo, hi := 0, k // the empty prefix parses
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if parses(src[:ends[mid]]) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// yamlMessage is the YAML library's message without its prefix and line
// number, which the Problem's position replaces.
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = yamlLineRE.ReplaceAllString(msg, "")
	return strings.TrimLeft(msg, ": ")
}

// parses reports whether every YAML document in src is well-formed.
func parses(src []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}

func (c *checker) list(path string, n *yaml.Node, what string) []*yaml.Node {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		c.addf(at(path, n), "%s must be a list", what)
		return nil
	}
	return n.Content
}

// mapping returns a mapping's fields by name, reporting duplicates.
func (c *checker) mapping(path string, n *yaml.Node, what string) (map[string][2]*yaml.Node, []string, bool) {
	if n.Kind != yaml.MappingNode {
		c.addf(at(path, n), "each entry of %s must be a mapping of fields", what)
		return nil, nil, false
	}
	m := map[string][2]*yaml.Node{}
	var order []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := m[k.Value]; dup {
			c.addf(at(path, k), "field %s appears twice", kg.Quote(k.Value))
			continue
		}
		m[k.Value] = [2]*yaml.Node{k, v}
		order = append(order, k.Value)
	}
	return m, order, true
}

func (c *checker) entity(path string, n *yaml.Node, forced kg.EntityType, f *File) (_ kg.Entity, kept bool) {
	what := "entities"
	if forced == kg.Source {
		what = "sources"
	}
	m, order, ok := c.mapping(path, n, what)
	if !ok {
		return kg.Entity{}, false
	}
	defer func() {
		// The entry's problems are reported; references to it would only
		// repeat them as unknown IDs.
		if id := valueOf(m, "id"); !kept && kg.ValidID(id) {
			c.broken[id] = true
		}
	}()
	typ := forced
	if forced == "" {
		tn, has := m["type"]
		if !has {
			c.addf(at(path, n), "entity has no type: want one of %s", strings.Join(typeNames(), ", "))
			return kg.Entity{}, false
		}
		t, known := entityType(tn[1].Value)
		if !known || t == kg.Source {
			c.add(at(path, tn[1]), oneOf("unknown entity type "+kg.Quote(tn[1].Value), tn[1].Value, typeNames()))
			return kg.Entity{}, false
		}
		typ = t
	}
	e := kg.Entity{Type: typ, Props: map[string]any{}}
	okAll := true
	idNode, hasID := m["id"]
	if !hasID {
		c.addf(at(path, n), "%s entry has no id", what)
		okAll = false
	} else {
		e.ID = idNode[1].Value
		if !c.checkID(path, idNode[1], typ) {
			okAll = false
		}
	}
	fields := fieldsOf(typ)
	meant := map[string]bool{} // fields that a misspelt one may stand for
	for _, name := range order {
		kv := m[name]
		if name == "cite" || name == visibilityKey {
			continue
		}
		fd, known := lookup(fields, name)
		if !known {
			c.add(at(path, kv[0]), unknownField(name, string(typ), fields, meant))
			okAll = false
			continue
		}
		if name == "id" || name == "type" {
			continue
		}
		v, good := c.value(path, kv[1], fd, typ)
		if !good {
			okAll = false
			continue
		}
		if fd.kind == ref || fd.kind == refs {
			continue // written as links below, once the citations are known
		}
		e.Props[name] = v
	}
	for _, fd := range fields {
		if _, has := m[fd.name]; fd.required && !has && !meant[fd.name] {
			c.addf(at(path, n), "%s %s has no %s", typ, e.ID, fd.name)
			okAll = false
		}
	}
	if !c.consistent(path, n, typ, e.ID, m) {
		okAll = false
	}
	// A source is the evidence itself; everything else cites one.
	var cites []kg.Citation
	if typ != kg.Source {
		var good bool
		if cites, good = c.citations(path, n, m); !good {
			okAll = false
		}
	} else if kv, has := m["cite"]; has {
		c.addf(at(path, kv[0]), "a source is not cited: remove cite")
		okAll = false
	}
	e.Citations = cites
	groups, good := c.groupsOf(path, m)
	if !good {
		okAll = false
	}
	restrict(e.Props, groups)
	if !okAll || e.ID == "" {
		return kg.Entity{}, false
	}
	if prev, dup := c.defs[e.ID]; dup {
		c.addf(at(path, idNode[1]), "duplicate id %s: already defined at %s:%d:%d", e.ID, prev.file, prev.line, prev.col)
		return kg.Entity{}, false
	}
	d := def{pos: at(path, idNode[1]), typ: typ}
	if file, ok := e.Props["file"].(string); ok {
		d.source = file
	}
	c.defs[e.ID] = d
	// Reference fields become links cited like the entity itself.
	for _, fd := range fields {
		kv, has := m[fd.name]
		if !has || (fd.kind != ref && fd.kind != refs) {
			continue
		}
		targets := []*yaml.Node{kv[1]}
		if fd.kind == refs {
			targets = kv[1].Content
		}
		for _, t := range targets {
			c.refs = append(c.refs, pendingRef{pos: at(path, t), id: t.Value, targets: fd.targets, field: fd.name, owner: e.ID})
			from, to := e.ID, t.Value
			if fd.reverse {
				from, to = to, from
			}
			l := kg.Link{
				ID:   string(fd.rel) + ":" + from + "->" + to,
				Type: fd.rel, From: from, To: to, Field: fd.name, Owner: e.ID,
				Props: map[string]any{}, Citations: cites,
			}
			restrict(l.Props, groups)
			for _, p := range fd.edgeProps {
				if v, ok := e.Props[p]; ok {
					l.Props[p] = v
				}
			}
			f.Batch.Links = append(f.Batch.Links, l)
		}
	}
	return e, true
}

// consistent checks what one entity's fields say together: a charge's
// category (from version 2), a sentence's change with what it replaces,
// and that a legal code's ID names its country and an article's ID its
// code, so that the same article number in two countries never becomes
// one entity.
func (c *checker) consistent(path string, n *yaml.Node, typ kg.EntityType, id string, m map[string][2]*yaml.Node) bool {
	ok := true
	_, slug, _ := strings.Cut(id, "/")
	switch typ {
	case kg.Charge:
		if _, has := m["category"]; !has && c.version >= 2 {
			c.addf(at(path, n), "Charge %s has no category: want one of %s (files of format version 1 may leave it out)", id, strings.Join(OffenceCategories, ", "))
			ok = false
		}
	case kg.Sentence:
		_, replaces := m["replaces"]
		if ch, has := m["change"]; has != replaces {
			where := at(path, n)
			if has {
				where = at(path, ch[0])
			}
			c.addf(where, "Sentence %s: replaces and change go together: name the sentence it replaces and how it changed it (%s)", id, strings.Join(SentenceChanges, ", "))
			ok = false
		}
		if up, has := m["termUpTo"]; has {
			least, err1 := kg.ParseDuration(valueOf(m, "term"))
			most, err2 := kg.ParseDuration(up[1].Value)
			if err1 != nil || err2 != nil || most < least {
				c.addf(at(path, up[1]), "Sentence %s: termUpTo is the longest term of a group whose terms differ: it needs a term, the shortest, and must be at least as long", id)
				ok = false
			}
		}
	case kg.Restriction:
		person, hasPerson := m["person"]
		if n, has := m["count"]; has && hasPerson && !strings.HasPrefix(person[1].Value, kg.Group.Prefix()+"/") {
			c.addf(at(path, n[0]), "Restriction %s: count says how many of a group it binds, but %s is not a group", id, person[1].Value)
			ok = false
		}
	case kg.Case:
		if j, has := m["jurisdiction"]; has && !countryCode(j[1].Value) {
			c.addf(at(path, j[1]), "jurisdiction %s is not an ISO 3166-1 alpha-2 code: want two capital letters, such as KZ", kg.Quote(j[1].Value))
			ok = false
		}
	case kg.LegalCode:
		if j, has := m["jurisdiction"]; has {
			country := j[1].Value
			if !countryCode(country) {
				c.addf(at(path, j[1]), "jurisdiction %s is not an ISO 3166-1 alpha-2 code: want two capital letters, such as KZ", kg.Quote(country))
				ok = false
			} else if !strings.HasPrefix(slug, strings.ToLower(country)+"-") {
				c.addf(at(path, j[1]), "legal code %s has jurisdiction %s, but its ID does not start with %s-: a code's ID names its country", id, country, strings.ToLower(country))
				ok = false
			}
		}
	case kg.LegalArticle:
		for _, name := range []string{"code", "parent"} {
			ref, has := m[name]
			if !has || ref[1].Kind != yaml.ScalarNode {
				continue
			}
			want := ""
			if name == "code" {
				_, codeSlug, _ := strings.Cut(ref[1].Value, "/")
				want = codeSlug + "-"
			} else if _, parentSlug, _ := strings.Cut(ref[1].Value, "/"); !strings.HasPrefix(slug, parentSlug+"-") {
				want = parentSlug + "-"
			}
			if want != "" && !strings.HasPrefix(slug, want) {
				c.addf(at(path, ref[1]), "%s of %s is %s, but the article's ID does not start with %s: an article's ID starts with its code's, so articles of two countries' codes never merge", name, id, ref[1].Value, want)
				ok = false
			}
		}
	}
	return ok
}

// valueOf is a scalar field's value, "" when absent.
func valueOf(m map[string][2]*yaml.Node, name string) string {
	if kv, has := m[name]; has && kv[1].Kind == yaml.ScalarNode {
		return kv[1].Value
	}
	return ""
}

// countryCode reports whether s has the form of an ISO 3166-1 alpha-2
// code.
func countryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func (c *checker) relation(path string, n *yaml.Node) (kg.Link, bool) {
	m, order, ok := c.mapping(path, n, "relations")
	if !ok {
		return kg.Link{}, false
	}
	l := kg.Link{Props: map[string]any{}}
	meant := map[string]bool{}
	vals, okAll := c.values(path, m, order, relationFields, "a relation", meant)
	for name, v := range vals {
		switch name {
		case "id", "type", "from", "to":
		default:
			l.Props[name] = v
		}
	}
	for _, fd := range relationFields {
		if _, has := m[fd.name]; fd.required && !has && !meant[fd.name] {
			c.addf(at(path, n), "relation has no %s", fd.name)
			okAll = false
		}
	}
	var spec kg.RelSpec
	if tn, has := m["type"]; has {
		s, known := kg.RelationSpec(kg.RelType(tn[1].Value))
		if !known {
			c.add(at(path, tn[1]), oneOf("unknown relation type "+kg.Quote(tn[1].Value), tn[1].Value, relNames()))
			okAll = false
		}
		spec = s
		l.Type = s.Type
	}
	if fn, has := m["from"]; has {
		l.From = fn[1].Value
		c.refs = append(c.refs, pendingRef{pos: at(path, fn[1]), id: l.From, targets: spec.From, field: "from", owner: string(l.Type)})
	}
	if tn, has := m["to"]; has {
		l.To = tn[1].Value
		c.refs = append(c.refs, pendingRef{pos: at(path, tn[1]), id: l.To, targets: spec.To, field: "to", owner: string(l.Type)})
	}
	l.ID = string(l.Type) + ":" + l.From + "->" + l.To
	if in, has := m["id"]; has {
		l.ID = in[1].Value
		if !relIDRE.MatchString(l.ID) {
			c.addf(at(path, in[1]), "relation id %s: want rel/ followed by lower-case letters, digits and hyphens", kg.Quote(l.ID))
			okAll = false
		}
	}
	cites, good := c.citations(path, n, m)
	l.Citations = cites
	groups, visible := c.groupsOf(path, m)
	restrict(l.Props, groups)
	if !good || !okAll || !visible {
		return kg.Link{}, false
	}
	if prev, dup := c.defs[l.ID]; dup && strings.HasPrefix(l.ID, "rel/") {
		c.addf(at(path, m["id"][1]), "duplicate id %s: already defined at %s:%d:%d", l.ID, prev.file, prev.line, prev.col)
		return kg.Link{}, false
	}
	if strings.HasPrefix(l.ID, "rel/") {
		c.defs[l.ID] = def{pos: at(path, m["id"][1])}
	}
	c.linkPos[l.ID] = append(c.linkPos[l.ID], at(path, n))
	if prev, dup := c.links[l.ID]; dup && prev.file != path {
		c.addf(at(path, n), "relation %s is already stated at %s:%d:%d; state it once and cite both sources", l.ID, prev.file, prev.line, prev.col)
		return kg.Link{}, false
	}
	c.links[l.ID] = at(path, n)
	return l, true
}

// addition reads an entry under additions: what the file adds to an
// entity that another file defines. added holds the entities the file
// has added to so far, so that each is added to once.
func (c *checker) addition(path string, n *yaml.Node, added map[string]pos) (kg.Addition, bool) {
	m, order, ok := c.mapping(path, n, "additions")
	if !ok {
		return kg.Addition{}, false
	}
	var a kg.Addition
	vals, okAll := c.values(path, m, order, additionFields, "an addition (its other fields stay with the file that defines the entity)", map[string]bool{})
	a.Aliases, _ = vals["aliases"].([]string)
	idNode, hasID := m["id"]
	switch target, _ := vals["id"].(string); {
	case !hasID:
		c.addf(at(path, n), "addition has no id: name the entity it adds to")
		okAll = false
	case target == "":
	case !kg.ValidID(target):
		c.addf(at(path, idNode[1]), "id %s: want the ID of an entity, kind/slug", kg.Quote(target))
		okAll = false
	default:
		a.Target = target
		if t, _ := kg.TypeOfID(target); t == kg.Source {
			c.addf(at(path, idNode[1]), "%s is a source: a source takes no additions", target)
			okAll = false
		}
	}
	cites, good := c.citations(path, n, m)
	a.Citations = cites
	if kv, has := m[visibilityKey]; has || c.groups != nil {
		// An alias shows wherever its entity does, to whoever sees it.
		p := at(path, n)
		if has {
			p = at(path, kv[0])
		}
		c.add(p, "an addition cannot be restricted: the names it adds show wherever the entity does; state a restricted entity of its own and relate it, or add the names in a public file")
		okAll = false
	}
	if !good || !okAll {
		return kg.Addition{}, false
	}
	if prev, dup := added[a.Target]; dup {
		c.addf(at(path, idNode[1]), "%s is already added to at %d:%d; give each entity one addition per file", a.Target, prev.line, prev.col)
		return kg.Addition{}, false
	}
	added[a.Target] = at(path, idNode[1])
	c.adds = append(c.adds, pendingAdd{pos: at(path, idNode[1]), id: a.Target})
	return a, true
}

// values reads the fields of an entry other than cite by their spec,
// reporting those the spec lacks; what names the entry in problems and
// hint follows the list of the fields it may have.
func (c *checker) values(path string, m map[string][2]*yaml.Node, order []string, fields []field, what string, meant map[string]bool) (map[string]any, bool) {
	out := make(map[string]any, len(order))
	ok := true
	for _, name := range order {
		if name == "cite" || name == visibilityKey {
			continue
		}
		kv := m[name]
		fd, known := lookup(fields, name)
		if !known {
			c.add(at(path, kv[0]), unknownField(name, what, fields, meant))
			ok = false
			continue
		}
		if v, good := c.value(path, kv[1], fd, ""); good {
			out[name] = v
		} else {
			ok = false
		}
	}
	return out, ok
}

var relIDRE = regexp.MustCompile(`^rel/[a-z0-9]+(?:-[a-z0-9]+)*$`)

// checkLinkIDs reports relations that share a type and both ends without
// explicit ids: they would collapse into one relationship.
func (c *checker) checkLinkIDs(path string, f *File) {
	for id, ps := range c.linkPos {
		if len(ps) > 1 && !strings.HasPrefix(id, "rel/") {
			for _, p := range ps[1:] {
				c.addf(p, "a relation %s is stated twice; give each an id (rel/...) if they are distinct claims, or merge their citations", id)
			}
		}
	}
	c.linkPos = map[string][]pos{}
}

func (c *checker) checkID(path string, n *yaml.Node, typ kg.EntityType) bool {
	if k := utf8.RuneCountInString(n.Value); k > maxLine {
		c.addf(at(path, n), "id is %d characters long: at most %d are allowed", k, maxLine)
		return false
	}
	if n.Kind != yaml.ScalarNode || !kg.ValidID(n.Value) {
		c.addf(at(path, n), "id %s: want %s/ followed by lower-case letters, digits and hyphens", kg.Quote(n.Value), typ.Prefix())
		return false
	}
	if t, _ := kg.TypeOfID(n.Value); t != typ {
		c.addf(at(path, n), "id %s has the prefix of a %s, but the entity is a %s: want %s/...", kg.Quote(n.Value), t, typ, typ.Prefix())
		return false
	}
	return true
}

func (c *checker) citations(path string, entry *yaml.Node, m map[string][2]*yaml.Node) ([]kg.Citation, bool) {
	kv, has := m["cite"]
	if !has {
		c.addf(at(path, entry), "no citation: every fact needs cite: [SOURCE-ID#pN, ...]")
		return nil, false
	}
	if kv[1].Kind != yaml.SequenceNode || len(kv[1].Content) == 0 {
		c.addf(at(path, kv[1]), "cite must be a non-empty list of SOURCE-ID#pN")
		return nil, false
	}
	if len(kv[1].Content) > maxItems {
		c.addf(at(path, kv[1]), "cite has %d items: at most %d are allowed", len(kv[1].Content), maxItems)
		return nil, false
	}
	var out []kg.Citation
	ok := true
	for _, n := range kv[1].Content {
		if k := utf8.RuneCountInString(n.Value); k > maxLine {
			c.addf(at(path, n), "a citation is %d characters long: at most %d are allowed", k, maxLine)
			ok = false
			continue
		}
		ct, err := kg.ParseCitation(n.Value)
		if err != nil || n.Kind != yaml.ScalarNode {
			c.addf(at(path, n), "%v", err)
			ok = false
			continue
		}
		out = append(out, ct)
		c.cites = append(c.cites, pendingCite{pos: at(path, n), c: ct})
	}
	return out, ok
}

// value reads a field's value by its kind.
func (c *checker) value(path string, n *yaml.Node, fd field, typ kg.EntityType) (any, bool) {
	if c.misreadAnyway(path, n, fd.name, nil) {
		return nil, false
	}
	scalar := func() (string, bool) {
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
			c.misreadOr(path, n, fd.name, nil, fd.name+" must be a single value")
			return "", false
		}
		return n.Value, true
	}
	switch fd.kind {
	case text, ref, link:
		s, ok := scalar()
		if !ok {
			return nil, false
		}
		if strings.TrimSpace(s) == "" {
			c.addf(at(path, n), "%s is empty", fd.name)
			return nil, false
		}
		if err := fd.rule().Check(s); err != nil {
			c.addf(at(path, n), "%s %v", fd.name, err)
			return nil, false
		}
		if fd.kind == link && !webAddress(s) {
			c.addf(at(path, n), "%s %s is not a web address: want http:// or https:// and a host, such as https://example.org/report", fd.name, kg.Quote(s))
			return nil, false
		}
		return s, true
	case enum:
		s, ok := scalar()
		if ok && !contains(fd.values, s) {
			c.add(at(path, n), oneOf(fd.name+" "+kg.Quote(s)+" is not allowed", s, fd.values))
			return nil, false
		}
		return s, ok
	case boolean:
		s, ok := scalar()
		if !ok {
			return nil, false
		}
		if n.Tag != "!!bool" {
			c.addf(at(path, n), "%s must be true or false, not %s", fd.name, kg.Quote(s))
			return nil, false
		}
		return s == "true", true
	case date:
		s, ok := scalar()
		if !ok {
			return nil, false
		}
		d, err := kg.ParseDate(s)
		if err != nil {
			c.addf(at(path, n), "%s: %v", fd.name, err)
			return nil, false
		}
		return d, true
	case duration:
		s, ok := scalar()
		if !ok {
			return nil, false
		}
		d, err := kg.ParseDurationText(s)
		if err != nil {
			c.addf(at(path, n), "%s: %v", fd.name, err)
			return nil, false
		}
		return d, true
	case number:
		s, ok := scalar()
		if !ok {
			return nil, false
		}
		v, err := strconv.ParseInt(s, 10, 32)
		if err != nil || n.Tag != "!!int" || v < 1 {
			c.addf(at(path, n), "%s must be a whole number of at least 1, not %s", fd.name, kg.Quote(s))
			return nil, false
		}
		return v, true
	case words, refs:
		if n.Kind != yaml.SequenceNode {
			c.addf(at(path, n), "%s must be a list", fd.name)
			return nil, false
		}
		if len(n.Content) > maxItems {
			c.addf(at(path, n), "%s has %d items: at most %d are allowed", fd.name, len(n.Content), maxItems)
			return nil, false
		}
		var out []string
		ok := true
		for _, item := range n.Content {
			if c.misreadAnyway(path, item, fd.name, n) {
				ok = false
				continue
			}
			if item.Kind != yaml.ScalarNode || strings.TrimSpace(item.Value) == "" {
				c.misreadOr(path, item, fd.name, n, "each item of "+fd.name+" must be a non-empty value")
				ok = false
				continue
			}
			if fd.values != nil && !contains(fd.values, item.Value) {
				c.add(at(path, item), oneOf(fd.name+" "+kg.Quote(item.Value)+" is not allowed", item.Value, fd.values))
				ok = false
				continue
			}
			if err := fd.rule().Check(item.Value); err != nil {
				c.addf(at(path, item), "%s: an item %v", fd.name, err)
				ok = false
				continue
			}
			out = append(out, item.Value)
		}
		return out, ok
	}
	return nil, false
}

// resolve checks references and citations across all files and the graph.
func (c *checker) resolve() {
	var missing []string
	seen := map[string]bool{}
	for _, r := range c.refs {
		if _, ok := c.defs[r.id]; !ok && !seen[r.id] && !c.broken[r.id] {
			missing = append(missing, r.id)
			seen[r.id] = true
		}
	}
	for _, ct := range c.cites {
		if _, ok := c.defs[ct.c.Source]; !ok && !seen[ct.c.Source] && !c.broken[ct.c.Source] {
			missing = append(missing, ct.c.Source)
			seen[ct.c.Source] = true
		}
	}
	for _, a := range c.adds {
		if _, ok := c.defs[a.id]; !ok && !seen[a.id] {
			missing = append(missing, a.id)
			seen[a.id] = true
		}
	}
	known := map[string]Known{}
	if c.opts.Known != nil {
		// Ask about the IDs this import defines too: one defined by another
		// file already in the graph, or as another type, is a conflict.
		ask := missing
		for id, d := range c.defs {
			if d.typ != "" {
				ask = append(ask, id)
			}
		}
		sort.Strings(ask)
		k, err := c.opts.Known(ask)
		if err != nil {
			// Not a problem of the input: a client told "bad input" while
			// Neo4j is away would not retry.
			c.lookup = kg.Wrap(kg.ErrorCode(err), err, "cannot look up existing IDs: "+kg.ErrorMessage(err))
			return
		}
		known = k
	}
	for id, d := range c.defs {
		k, inGraph := known[id]
		switch {
		case !inGraph || d.typ == "":
		case k.Type != d.typ:
			c.addf(d.pos, "id %s is a %s in the graph; an ID keeps its type", id, k.Type)
		case k.Origin != "" && k.Origin != filepath.Base(d.file):
			c.addf(d.pos, "id %s is already defined by %s in the graph; define each entity in one file and refer to it elsewhere", id, k.Origin)
		}
	}
	typeOf := func(id string) (kg.EntityType, bool) {
		if d, ok := c.defs[id]; ok {
			return d.typ, true
		}
		k, ok := known[id]
		return k.Type, ok
	}
	var unknown []wantedID
	for _, r := range c.refs {
		if _, ok := typeOf(r.id); !ok && !c.broken[r.id] {
			unknown = append(unknown, wantedID{r.id, r.targets})
		}
	}
	for _, ct := range c.cites {
		if _, ok := typeOf(ct.c.Source); !ok && !c.broken[ct.c.Source] {
			unknown = append(unknown, wantedID{ct.c.Source, []kg.EntityType{kg.Source}})
		}
	}
	meant := c.idsMeant(unknown)
	for _, r := range c.refs {
		t, ok := typeOf(r.id)
		switch {
		case !ok && c.broken[r.id]:
		case !ok:
			near := meant(wantedID{r.id, r.targets})
			c.addf(r.pos, "%s: unknown id %s: %s", r.what(), kg.Quote(r.id), ifNot(near, "define it in a case file of this import or import the file that does"))
		case len(r.targets) > 0 && !containsType(r.targets, t):
			c.addf(r.pos, "%s: %s is a %s, want %s", r.what(), r.id, t, typeList(r.targets))
		}
	}
	c.resolveAdditions(known)
	if c.opts.SourcesDir != "" {
		for id, d := range c.defs {
			if d.source == "" {
				continue
			}
			paras, err := readParagraphs(filepath.Join(c.opts.SourcesDir, d.source))
			if err != nil {
				c.addf(d.pos, "source file %s cannot be read in %s: %v", d.source, c.opts.SourcesDir, err)
				continue
			}
			c.texts[id] = paras
		}
	}
	held := c.heldParagraphs(typeOf)
	for _, ct := range c.cites {
		t, ok := typeOf(ct.c.Source)
		if !ok && c.broken[ct.c.Source] {
			continue
		}
		if !ok {
			near := meant(wantedID{ct.c.Source, []kg.EntityType{kg.Source}})
			c.addf(ct.pos, "citation of unknown source %s: %s", kg.Quote(ct.c.Source), ifNot(near, "add it under sources:"))
			continue
		}
		if t != kg.Source {
			c.addf(ct.pos, "citation of %s, which is a %s, not a source", ct.c.Source, t)
			continue
		}
		d, inImport := c.defs[ct.c.Source]
		if !inImport || d.source == "" || c.opts.SourcesDir == "" {
			if n, ok := held[ct.c.Source]; ok && ct.c.Paragraph > n {
				c.addf(ct.pos, "citation %s: the text of %s held in the graph has only %d paragraphs", ct.c, ct.c.Source, n)
			}
			continue
		}
		if paras, read := c.texts[ct.c.Source]; read && ct.c.Paragraph > len(paras) {
			c.addf(ct.pos, "citation %s: %s has only %d paragraphs", ct.c, d.source, len(paras))
		}
	}
}

// resolveAdditions checks that each addition names an entity that another
// file of the import, or the graph, defines.
func (c *checker) resolveAdditions(known map[string]Known) {
	for _, a := range c.adds {
		if d, ok := c.defs[a.id]; ok {
			switch {
			case d.file == a.file:
				c.addf(a.pos, "%s is defined in this file at %d:%d: state its aliases and citations there, not as an addition", a.id, d.line, d.col)
			case d.typ != "":
				if t, _ := kg.TypeOfID(a.id); t != d.typ {
					c.addf(a.pos, "%s is a %s", a.id, d.typ)
				}
			}
			continue
		}
		k, ok := known[a.id]
		switch {
		case !ok:
			c.addf(a.pos, "addition to unknown id %s: it must name an entity that another case file of this import or the graph defines", kg.Quote(a.id))
		case k.Origin == filepath.Base(a.file):
			c.addf(a.pos, "%s was defined by this file, which no longer defines it: define it again, or leave it out", a.id)
		}
	}
}

// heldParagraphs asks the graph how many paragraphs the texts it holds of
// the cited sources have, once for the whole import.
func (c *checker) heldParagraphs(typeOf func(string) (kg.EntityType, bool)) map[string]int {
	if c.opts.Paragraphs == nil {
		return nil
	}
	var ids []string
	seen := map[string]bool{}
	for _, ct := range c.cites {
		if t, ok := typeOf(ct.c.Source); ok && t == kg.Source && !seen[ct.c.Source] {
			seen[ct.c.Source] = true
			ids = append(ids, ct.c.Source)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	sort.Strings(ids)
	held, err := c.opts.Paragraphs(ids)
	if err != nil {
		c.lookup = kg.Wrap(kg.ErrorCode(err), err, "cannot look up source texts: "+kg.ErrorMessage(err))
		return nil
	}
	return held
}

// readParagraphs reads the paragraphs of a source document.
func readParagraphs(path string) ([]string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Paragraphs(src, true), nil
}

// Paragraphs splits a source's text into the paragraphs citations count:
// every non-blank line is one, the first is p1. A source file begins with
// a header (title:, address:, … lines) that ends at the first blank line
// and is not counted; withHeader says the text has one.
func Paragraphs(src []byte, withHeader bool) []string {
	inBody := !withHeader
	var out []string
	for _, line := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case !inBody && t == "":
			inBody = true
		case inBody && t != "":
			out = append(out, t)
		}
	}
	return out
}

// webAddress reports whether s is an absolute http or https URL with a
// host: a source's url is a link readers follow, so javascript:, data: and
// file: addresses have no place in it, nor a user name before the host
// (https://trusted.example@elsewhere.example leads elsewhere).
func webAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil && u.Opaque == ""
}

// unknownField is the problem of a field that of is not to have. The
// fields it may be a slip for are added to meant: reporting them missing
// too would say the same twice.
func unknownField(name, of string, fields []field, meant map[string]bool) string {
	names := fieldNames(fields)
	near := closest(name, names)
	for _, f := range near {
		meant[f] = true
	}
	return orMeant("unknown field "+kg.Quote(name)+" for "+of, near, "want one of "+strings.Join(names, ", "))
}

func lookup(fields []field, name string) (field, bool) {
	for _, f := range fields {
		if f.name == name {
			return f, true
		}
	}
	return field{}, false
}

func fieldNames(fields []field) []string {
	names := make([]string, 0, len(fields)+1)
	for _, f := range fields {
		names = append(names, f.name)
	}
	return append(names, "cite", visibilityKey)
}

func entityType(s string) (kg.EntityType, bool) {
	for _, t := range kg.EntityTypes {
		if string(t) == s {
			return t, true
		}
	}
	return "", false
}

// typeNames are the types an entry under entities: may have.
func typeNames() []string {
	var names []string
	for _, t := range kg.EntityTypes {
		if t != kg.Source {
			names = append(names, string(t))
		}
	}
	return names
}

func relNames() []string {
	names := make([]string, len(kg.Relations))
	for i, r := range kg.Relations {
		names[i] = string(r.Type)
	}
	return names
}

// sections are the top-level fields of a case file.
var sections = []string{"version", visibilityKey, "sources", "entities", "relations", "additions"}

func typeList(ts []kg.EntityType) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = string(t)
	}
	return strings.Join(names, " or ")
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func containsType(xs []kg.EntityType, t kg.EntityType) bool {
	for _, x := range xs {
		if x == t {
			return true
		}
	}
	return false
}
