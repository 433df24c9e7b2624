// Package ftm writes the knowledge graph as FollowTheMoney entities, the
// format of Aleph, OpenSanctions and their tools. Convert is a pure
// function of the graph's facts, so the mapping is tested without a
// database; it imports internal/kg only. docs/interchange.md gives the
// mapping and what it leaves out.
package ftm

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/casegraph/casegraph/internal/kg"
)

// Entity is one FtM entity, as one line of FtM's JSON lines holds it.
type Entity struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
}

// prefix starts every ID, so casegraph's entities keep apart from other
// datasets' in a shared Aleph or OpenSanctions index.
const prefix = "casegraph."

// The longest ID and address FtM accepts.
const (
	maxID      = 200
	maxAddress = 250
)

// ID returns the FtM ID of a casegraph entity: person/zhanbolat-mamai
// becomes casegraph.person.zhanbolat-mamai. Slugs hold no dots, so the
// mapping is one to one.
func ID(id string) string { return fit(prefix+dotted(id), id) }

// linkID returns the FtM ID of a relationship: its own rel/ ID if it has
// one, else its type and both ends.
func linkID(l kg.Link) string {
	if strings.HasPrefix(l.ID, "rel/") {
		return ID(l.ID)
	}
	t := strings.ToLower(strings.ReplaceAll(string(l.Type), "_", "-"))
	return fit(prefix+t+"."+dotted(l.From)+"."+dotted(l.To), l.ID)
}

func dotted(id string) string { return strings.Replace(id, "/", ".", 1) }

// fit returns id, or where it is longer than FtM allows, a hash of the
// casegraph ID it stands for: as stable, if not as readable.
func fit(id, key string) string {
	if len(id) <= maxID {
		return id
	}
	sum := sha1.Sum([]byte(key))
	return prefix + "sha1." + hex.EncodeToString(sum[:])
}

// Convert turns the facts of the batches into FtM entities: the entities,
// then the relationships, each sorted by ID, so the same facts give the
// same lines whatever their order. A relationship may join entities of
// different batches.
func Convert(batches ...kg.Batch) []Entity {
	c := converter{ents: map[string]kg.Entity{}, out: map[string]*builder{}, within: map[string]string{}}
	var ids []string
	var links []kg.Link
	for _, b := range batches {
		for _, e := range b.Entities {
			if _, dup := c.ents[e.ID]; !dup {
				c.ents[e.ID] = e
				ids = append(ids, e.ID)
			}
		}
		for _, l := range b.Links {
			links = append(links, l)
			if l.Type == kg.LocatedIn && strings.HasPrefix(l.From, kg.Place.Prefix()+"/") {
				c.within[l.From] = l.To
			}
		}
	}
	slices.Sort(ids)
	slices.SortFunc(links, func(a, b kg.Link) int { return strings.Compare(a.ID, b.ID) })
	var out []Entity
	for _, id := range ids {
		c.entity(c.ents[id])
	}
	var rels []*builder
	for _, l := range links {
		if b := c.link(l); b != nil {
			rels = append(rels, b)
		}
	}
	for _, id := range ids {
		if b := c.out[id]; b != nil {
			out = append(out, b.done())
		}
	}
	for _, b := range rels {
		out = append(out, b.done())
	}
	return out
}

// Write writes entities as FtM's JSON lines: one entity a line.
func Write(w io.Writer, ents []Entity) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, e := range ents {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return nil
}

type converter struct {
	ents   map[string]kg.Entity
	out    map[string]*builder // the exported entities by casegraph ID
	within map[string]string   // a place's enclosing place
}

// builder gathers one FtM entity's values, and the facts FtM has no
// property for, which become its summary.
type builder struct {
	Entity
	facts []string
}

func newBuilder(id, schema string) *builder {
	return &builder{Entity: Entity{ID: id, Schema: schema, Properties: map[string][]string{}}}
}

func (b *builder) add(prop string, values ...string) {
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v != "" && !slices.Contains(b.Properties[prop], v) {
			b.Properties[prop] = append(b.Properties[prop], v)
		}
	}
}

func (b *builder) fact(field, value string) {
	b.facts = append(b.facts, field+": "+value)
}

func (b *builder) done() Entity {
	if len(b.facts) > 0 {
		b.add("summary", strings.Join(b.facts, "; "))
	}
	return b.Entity
}

func (c *converter) entity(e kg.Entity) {
	schema := schemaOf(e)
	if schema == "" {
		return
	}
	b := newBuilder(ID(e.ID), schema)
	c.out[e.ID] = b
	if schema == "Event" {
		// Five casegraph types share FtM's Event; the keyword tells which.
		b.add("keywords", e.Type.Prefix())
	}
	own := typeProperties[e.Type]
	for _, name := range slices.Sorted(maps.Keys(e.Props)) {
		prop, ok := own[name]
		if !ok && e.Type != kg.Source {
			prop = commonProperties[name]
		}
		b.field(name, prop, e.Props[name])
	}
	switch e.Type {
	case kg.Person:
		for _, o := range values(e.Props["occupations"]) {
			b.add("topics", occupationTopics[o])
		}
	case kg.Party:
		b.add("topics", "pol.party")
	case kg.Organisation:
		b.add("topics", kindTopics[text(e.Props["kind"])])
	case kg.Court:
		b.add("classification", "court")
		b.add("topics", "gov.judicial")
	case kg.Place:
		b.add("full", c.placeName(e.ID))
		switch e.Props["kind"] {
		case "city":
			b.add("city", text(e.Props["name"]))
		case "region":
			b.add("region", text(e.Props["name"]))
		}
	case kg.Source:
		b.add("fileName", fileName(e))
	}
	c.cite(b, e.Citations)
}

// field writes one field's value as the FtM property prop, or, where there
// is none or FtM cannot hold the value, as a fact of the summary.
func (b *builder) field(name, prop string, v any) {
	switch v := v.(type) {
	case kg.Date:
		if s, ok := certain(v); ok && prop != "" {
			b.add(prop, s)
		} else {
			b.fact(name, v.Text)
		}
	case kg.Duration:
		b.fact(name, v.Text)
	case bool:
		b.fact(name, map[bool]string{true: "yes", false: "no"}[v])
	case string, []string:
		switch prop {
		case "":
			b.fact(name, strings.Join(values(v), ", "))
		case "country":
			if c := strings.ToLower(text(v)); slices.Contains(countries, c) {
				b.add(prop, c)
			} else {
				b.fact(name, text(v))
			}
		case "language":
			if code, ok := languages[text(v)]; ok {
				b.add(prop, code)
			} else {
				b.fact(name, text(v))
			}
		default:
			b.add(prop, values(v)...)
		}
	default:
		b.fact(name, fmt.Sprint(v))
	}
}

// certain returns the FtM form of a date that names one year, month or
// day for sure: FtM's dates are ISO prefixes, as casegraph's are. A bound
// ("before 2022-12") or an estimate ("2022-03?") has none.
func certain(d kg.Date) (string, bool) {
	if d.Qualifier != "" || d.Estimated {
		return "", false
	}
	switch d.Precision {
	case kg.Year:
		return d.Start.Format("2006"), true
	case kg.Month:
		return d.Start.Format("2006-01"), true
	}
	return d.Start.Format("2006-01-02"), true
}

// cite writes where a fact comes from: the Documents made from its
// sources, and their addresses and publishers. FtM cites documents, not
// paragraphs, so the paragraph numbers stay in casegraph.
func (c *converter) cite(b *builder, cites []kg.Citation) {
	for _, ct := range cites {
		src, ok := c.ents[ct.Source]
		if !ok || src.Type != kg.Source {
			continue
		}
		b.add("proof", ID(src.ID))
		b.add("sourceUrl", text(src.Props["url"]))
		b.add("publisher", text(src.Props["publisher"]))
	}
}

// link writes a relationship: as a property of the entity whose field it
// is, as a fact of that entity's summary where the other end is not
// exported, or as an interval entity of its own, returned.
func (c *converter) link(l kg.Link) *builder {
	from, to := c.out[l.From], c.out[l.To]
	if owner := c.out[l.Owner]; l.Field != "" && owner != nil {
		other, otherID := to, l.To
		if l.Owner == l.To {
			other, otherID = from, l.From
		}
		switch {
		case c.ents[l.Owner].Type == kg.Place:
			return nil // the enclosing place is part of the address
		case other == nil:
			if e, ok := c.ents[otherID]; ok {
				owner.fact(l.Field, describe(e))
			}
			return nil
		case folded[l.Type] != "":
			owner.add(folded[l.Type], other.ID)
			if l.Type == kg.LocatedIn {
				prop := "address"
				if owner.Schema == "Event" {
					prop = "location"
				}
				owner.add(prop, c.placeName(otherID))
			}
			return nil
		}
	}
	if from == nil || to == nil {
		return nil
	}
	ed := edgeOf(l.Type, from.Schema, to.Schema)
	b := newBuilder(linkID(l), ed.schema)
	b.add(ed.from, from.ID)
	b.add(ed.to, to.ID)
	role := text(l.Props["role"])
	switch {
	case ed.word != "" && role != "":
		b.add(ed.role, ed.word+": "+role)
	case ed.word != "":
		b.add(ed.role, ed.word)
	default:
		b.add(ed.role, role)
	}
	for _, name := range slices.Sorted(maps.Keys(l.Props)) {
		prop := linkProperties[name]
		switch {
		case name == "role":
			continue
		case name == "status" && ed.role == "role":
			prop = "status" // Interest has a status; Family and Associate do not
		}
		b.field(name, prop, l.Props[name])
	}
	c.cite(b, l.Citations)
	return b
}

// placeName names a place with the places around it, "Almaty,
// Kazakhstan", as far as FtM's limit on an address allows.
func (c *converter) placeName(id string) string {
	name := ""
	for seen := map[string]bool{}; id != "" && !seen[id]; id = c.within[id] {
		seen[id] = true
		p, ok := c.ents[id]
		if !ok {
			break
		}
		next := text(p.Props["name"])
		if name != "" {
			next = name + ", " + next
		}
		if utf8.RuneCountInString(next) > maxAddress {
			break
		}
		name = next
	}
	return name
}

// describe names an entity that is not exported, where another's field
// refers to it: an article with its title, a group with its size.
func describe(e kg.Entity) string {
	s := text(e.Props["name"])
	if t := text(e.Props["title"]); t != "" {
		s += " (" + t + ")"
	}
	if n, ok := e.Props["count"]; ok {
		s += fmt.Sprintf(" (%v people)", n)
	}
	return s
}

// fileName is a Document's required file name: the source's file under
// casegraph's sources directory, else the last part of its address, else
// its ID.
func fileName(src kg.Entity) string {
	if f := text(src.Props["file"]); f != "" {
		return path.Base(f)
	}
	if u, err := url.Parse(text(src.Props["url"])); err == nil {
		if base := path.Base(u.Path); base != "." && base != "/" {
			return base
		}
	}
	_, slug, _ := strings.Cut(src.ID, "/")
	return slug
}

// values returns a field's strings: a list's items, or the one value.
func values(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []string:
		return v
	}
	return nil
}

// text returns a one-valued field's string, "" for any other.
func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}
