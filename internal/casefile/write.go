package casefile

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/casegraph/casegraph/internal/kg"
)

// schemaLine is the first line of every written file, so editors validate
// it like a hand-written one.
const schemaLine = "# yaml-language-server: $schema=../../docs/casefile.schema.json\n"

// Write renders a batch as a case file that Parse reads back as the same
// batch. Links written from entity fields (Field set) go back into their
// entity's fields; the rest are written under relations. A batch a case file
// cannot express, such as a field link without its entity or a property the
// format has no field for, is an error rather than a silently lossy file.
func Write(b kg.Batch) ([]byte, error) {
	owned, err := fieldLinks(b)
	if err != nil {
		return nil, err
	}
	shared, err := fileGroups(b)
	if err != nil {
		return nil, err
	}
	var sources, entities, relations []*yaml.Node
	for _, e := range b.Entities {
		n, err := entityNode(e, owned[e.ID], shared)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.ID, err)
		}
		if e.Type == kg.Source {
			sources = append(sources, n)
		} else {
			entities = append(entities, n)
		}
	}
	for _, l := range b.Links {
		if l.Field != "" {
			continue
		}
		n, err := relationNode(l, shared)
		if err != nil {
			return nil, fmt.Errorf("relation %s: %w", l.ID, err)
		}
		relations = append(relations, n)
	}
	var additions []*yaml.Node
	for _, a := range b.Additions {
		n := &yaml.Node{Kind: yaml.MappingNode}
		add(n, "id", str(a.Target))
		if len(a.Aliases) > 0 {
			vn, err := valueNode(additionFields[1], a.Aliases)
			if err != nil {
				return nil, fmt.Errorf("addition to %s: %w", a.Target, err)
			}
			add(n, "aliases", vn)
		}
		add(n, "cite", citeNode(a.Citations))
		additions = append(additions, n)
	}

	root := &yaml.Node{Kind: yaml.MappingNode}
	add(root, "version", scalar(strconv.Itoa(versionFor(b)), "!!int"))
	if shared != nil {
		add(root, visibilityKey, flowList(shared))
	}
	for _, sec := range []struct {
		name  string
		items []*yaml.Node
	}{{"sources", sources}, {"entities", entities}, {"relations", relations}, {"additions", additions}} {
		if len(sec.items) > 0 {
			add(root, sec.name, &yaml.Node{Kind: yaml.SequenceNode, Content: sec.items})
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return append([]byte(schemaLine), spaceOut(buf.Bytes())...), nil
}

// versionFor is the newest format that holds the batch: a graph imported
// from version 1 files may hold charges without a category, which version
// 2 requires.
func versionFor(b kg.Batch) int {
	for _, e := range b.Entities {
		if _, has := e.Props["category"]; e.Type == kg.Charge && !has {
			return 1
		}
	}
	return Version
}

// fieldLinks indexes the batch's field links by owning entity and field.
// The owner is the entity whose field states the link: From, or To for a
// reverse field. A field link whose owner is not in the batch cannot be
// written, since the field is the only way a file states it.
func fieldLinks(b kg.Batch) (map[string]map[string][]kg.Link, error) {
	types := map[string]kg.EntityType{}
	for _, e := range b.Entities {
		types[e.ID] = e.Type
	}
	out := map[string]map[string][]kg.Link{}
	for _, l := range b.Links {
		if l.Field == "" {
			continue
		}
		owner, ok := linkOwner(l, types)
		if !ok {
			return nil, fmt.Errorf("link %s comes from field %s, but neither %s nor %s of the batch has that field for a %s", l.ID, l.Field, l.From, l.To, l.Type)
		}
		if want := string(l.Type) + ":" + l.From + "->" + l.To; l.ID != want {
			return nil, fmt.Errorf("link %s comes from field %s, so its id must be %s", l.ID, l.Field, want)
		}
		if out[owner] == nil {
			out[owner] = map[string][]kg.Link{}
		}
		out[owner][l.Field] = append(out[owner][l.Field], l)
	}
	return out, nil
}

func linkOwner(l kg.Link, types map[string]kg.EntityType) (string, bool) {
	for _, end := range []struct {
		id      string
		reverse bool
	}{{l.From, false}, {l.To, true}} {
		t, ok := types[end.id]
		if !ok {
			continue
		}
		if fd, ok := lookup(fieldsOf(t), l.Field); ok && (fd.kind == ref || fd.kind == refs) && fd.rel == l.Type && fd.reverse == end.reverse {
			return end.id, true
		}
	}
	return "", false
}

func entityNode(e kg.Entity, links map[string][]kg.Link, shared []string) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	rest := make(map[string]bool, len(e.Props))
	for k := range e.Props {
		rest[k] = true
	}
	delete(rest, kg.GroupsProp) // written as visibility
	for _, fd := range fieldsOf(e.Type) {
		switch {
		case fd.name == "id":
			add(n, "id", str(e.ID))
		case fd.name == "type":
			add(n, "type", str(string(e.Type)))
		case fd.kind == ref || fd.kind == refs:
			v, err := refValue(e, fd, links[fd.name])
			if err != nil {
				return nil, err
			}
			if v != nil {
				add(n, fd.name, v)
			}
		default:
			v, has := e.Props[fd.name]
			if !has {
				continue
			}
			vn, err := valueNode(fd, v)
			if err != nil {
				return nil, err
			}
			add(n, fd.name, vn)
			delete(rest, fd.name)
		}
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("the case-file format has no field %s for a %s", strings.Join(sortedKeys(rest), ", "), e.Type)
	}
	if len(e.Citations) > 0 {
		add(n, "cite", citeNode(e.Citations))
	}
	return n, addVisibility(n, e.Props, shared)
}

// refValue rebuilds a reference field from its links. A file states such a
// link only through the field, so the link must carry exactly what the
// entity gives it: the entity's citations and its edge properties.
func refValue(e kg.Entity, fd field, links []kg.Link) (*yaml.Node, error) {
	if len(links) == 0 {
		return nil, nil
	}
	targets := make([]string, len(links))
	for i, l := range links {
		if !equalCitations(l.Citations, e.Citations) {
			return nil, fmt.Errorf("link %s cites other sources than its entity; state it under relations instead", l.ID)
		}
		want := map[string]any{}
		if g, has := e.Props[kg.GroupsProp]; has {
			want[kg.GroupsProp] = g // a field's link is as visible as its entity
		}
		for _, p := range fd.edgeProps {
			if v, ok := e.Props[p]; ok {
				want[p] = v
			}
		}
		if !equalProps(l.Props, want) {
			return nil, fmt.Errorf("link %s has properties other than the %s it copies from its entity", l.ID, strings.Join(fd.edgeProps, " and "))
		}
		targets[i] = l.To
		if fd.reverse {
			targets[i] = l.From
		}
	}
	if fd.kind == ref {
		if len(targets) > 1 {
			return nil, fmt.Errorf("field %s names one entity, but %d links come from it", fd.name, len(targets))
		}
		return str(targets[0]), nil
	}
	sort.Strings(targets)
	return flowList(targets), nil
}

func relationNode(l kg.Link, shared []string) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	rest := make(map[string]bool, len(l.Props))
	for k := range l.Props {
		rest[k] = true
	}
	delete(rest, kg.GroupsProp) // written as visibility
	for _, fd := range relationFields {
		switch fd.name {
		case "id":
			// The default ID is implied; anything else is stated.
			if l.ID != string(l.Type)+":"+l.From+"->"+l.To {
				add(n, "id", str(l.ID))
			}
		case "type":
			add(n, "type", str(string(l.Type)))
		case "from":
			add(n, "from", str(l.From))
		case "to":
			add(n, "to", str(l.To))
		default:
			v, has := l.Props[fd.name]
			if !has {
				continue
			}
			vn, err := valueNode(fd, v)
			if err != nil {
				return nil, err
			}
			add(n, fd.name, vn)
			delete(rest, fd.name)
		}
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("a relation has no field %s", strings.Join(sortedKeys(rest), ", "))
	}
	if len(l.Citations) > 0 {
		add(n, "cite", citeNode(l.Citations))
	}
	return n, addVisibility(n, l.Props, shared)
}

// fileGroups is the visibility a file states at its top: the groups every
// fact of the batch is restricted to, when all are restricted alike and
// the file adds to no entity (an addition cannot be restricted); nil
// otherwise, and then each restricted fact states its own. Field links
// follow their entity and do not count.
func fileGroups(b kg.Batch) ([]string, error) {
	var shared []string
	first := true
	for _, props := range factProps(b) {
		groups, err := groupsIn(props)
		if err != nil {
			return nil, err
		}
		if len(groups) == 0 || !first && !slices.Equal(groups, shared) {
			return nil, nil
		}
		shared, first = groups, false
	}
	if len(b.Additions) > 0 {
		return nil, nil
	}
	return shared, nil
}

// factProps are the properties of the batch's entities and of its links
// written under relations.
func factProps(b kg.Batch) []map[string]any {
	out := make([]map[string]any, 0, len(b.Entities)+len(b.Links))
	for _, e := range b.Entities {
		out = append(out, e.Props)
	}
	for _, l := range b.Links {
		if l.Field == "" {
			out = append(out, l.Props)
		}
	}
	return out
}

// addVisibility states a fact's groups in its entry, unless the file
// states them for all its facts.
func addVisibility(n *yaml.Node, props map[string]any, shared []string) error {
	groups, err := groupsIn(props)
	if err != nil || len(groups) == 0 || shared != nil {
		return err
	}
	add(n, visibilityKey, flowList(groups))
	return nil
}

// groupsIn reads a fact's groups; none for a public fact.
func groupsIn(props map[string]any) ([]string, error) {
	switch g := props[kg.GroupsProp].(type) {
	case nil:
		return nil, nil
	case []string:
		return kg.Groups(g)
	default:
		return nil, fmt.Errorf("groups: cannot write %T %v", g, g)
	}
}

// valueNode renders a property by its field's kind. Dates and durations
// are written as their case-file text; a plain string is accepted for them
// too, since the graph does not always record which kind a string was.
func valueNode(fd field, v any) (*yaml.Node, error) {
	bad := func() (*yaml.Node, error) {
		return nil, fmt.Errorf("field %s: cannot write %T %v", fd.name, v, v)
	}
	switch fd.kind {
	case text, enum, link:
		if s, ok := v.(string); ok {
			return str(s), nil
		}
	case boolean:
		if b, ok := v.(bool); ok {
			return scalar(strconv.FormatBool(b), "!!bool"), nil
		}
	case number:
		if n, ok := v.(int64); ok {
			return scalar(strconv.FormatInt(n, 10), "!!int"), nil
		}
	case date:
		switch d := v.(type) {
		case kg.Date:
			return str(d.Text), nil
		case string:
			return str(d), nil
		}
	case duration:
		switch d := v.(type) {
		case kg.Duration:
			return str(d.Text), nil
		case string:
			return str(d), nil
		}
	case words:
		if ss, ok := v.([]string); ok {
			return flowList(ss), nil
		}
	}
	return bad()
}

func citeNode(cs []kg.Citation) *yaml.Node {
	ss := make([]string, len(cs))
	for i, c := range cs {
		ss[i] = c.String()
	}
	return flowList(ss)
}

func add(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}

// str is a string scalar; the encoder quotes it where plain text would read
// back as something else, such as '2021' or 'true'.
func str(s string) *yaml.Node { return scalar(s, "!!str") }

func scalar(v, tag string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v} }

func flowList(ss []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range ss {
		n.Content = append(n.Content, str(s))
	}
	return n
}

// spaceOut puts a blank line between top-level sections and between the
// entries of each list, as hand-written files have. Entries are the lines
// that start with "  - ": anything nested, block text included, is
// indented further.
func spaceOut(src []byte) []byte {
	lines := strings.SplitAfter(string(src), "\n")
	var b strings.Builder
	for i, line := range lines {
		topKey := line != "" && line[0] != ' ' && line[0] != '#'
		if i > 0 && (strings.HasPrefix(line, "  - ") && !strings.HasSuffix(lines[i-1], ":\n") || topKey) {
			b.WriteString("\n")
		}
		b.WriteString(line)
	}
	return []byte(b.String())
}

func equalCitations(a, b []kg.Citation) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// equalProps compares edge properties by their case-file text, the only
// form a file can give them.
func equalProps(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || textOf(v) != textOf(w) {
			return false
		}
	}
	return true
}

func textOf(v any) string {
	switch v := v.(type) {
	case kg.Date:
		return v.Text
	case kg.Duration:
		return v.Text
	}
	return fmt.Sprint(v)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
