package neo4jstore

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/casegraph/casegraph/internal/kg"
)

// A re-imported case file is merged three ways, fact by fact and field by
// field: against what the graph holds now, and against what that file
// stated at its last import (its base, kept in its manifest). A field that
// only the file changed since takes the file's value; one that only the
// graph changed (an edit through the API) keeps the graph's; one both
// changed alike is left; one they changed differently is a conflict, which
// the importer settles (kg.KeepGraph, kg.TakeFile) or which stops the
// import.

// facts is a fact's fields as they are compared: each value as canonical
// JSON, so that a value read from Neo4j and one about to be written compare
// equal when they mean the same. Derived properties and the origin are
// left out: they follow from the rest.
type facts map[string]string

func canonical(props map[string]any) facts {
	if props == nil {
		return nil
	}
	groups := map[string]map[string]any{}
	for k, v := range props {
		if derived[k] || k == "origin" {
			continue
		}
		f := fieldOf(k, props)
		if groups[f] == nil {
			groups[f] = map[string]any{}
		}
		groups[f][k] = jsonable(normalize(v))
	}
	out := make(facts, len(groups))
	for f, g := range groups {
		b, err := json.Marshal(g) // map keys are sorted: one text per value
		if err != nil {
			b = []byte(fmt.Sprintf("%q", fmt.Sprint(g))) // never for Neo4j's property types
		}
		out[f] = string(b)
	}
	return out
}

// entityFacts are an entity's fields: its properties, and each reference
// field (place, article, charges, ...) as the links it owns, which stand
// for the field's value. A reference field is compared and taken as one
// field, so a merge never leaves an entity with the links of two values.
func entityFacts(props map[string]any, owned []map[string]any) facts {
	f := canonical(props)
	if f == nil {
		return nil
	}
	groups := map[string][]string{}
	for _, l := range owned {
		b, err := json.Marshal(canonical(l))
		if err != nil {
			b = []byte(fmt.Sprint(l))
		}
		field := str(l["field"])
		groups[field] = append(groups[field], string(b))
	}
	for field, links := range groups {
		sort.Strings(links)
		b, _ := json.Marshal(links) // strings only: it cannot fail
		f[field] = string(b)
	}
	return f
}

// fieldOf names the case-file field a stored property belongs to. A field
// may be stored as several properties (a date as its day, precision and
// text; a duration as its text and months; citations beside their
// sources), and they are compared and taken together, so a merge never
// mixes the parts of two values.
func fieldOf(key string, props map[string]any) string {
	if key == "sources" {
		return "citations"
	}
	for _, suffix := range []string{"Precision", "Text", "Months", "Earliest", "Latest"} {
		if base, ok := strings.CutSuffix(key, suffix); ok && base != "" {
			if _, ok := props[base]; ok {
				return base
			}
		}
	}
	return key
}

// decode turns a field's canonical value back into what JSON holds, for
// reports: a date or duration as its case-file text.
func (f facts) decode(field string) any {
	raw, ok := f[field]
	if !ok {
		return nil
	}
	var links []string
	if json.Unmarshal([]byte(raw), &links) == nil {
		// A reference field: its links, as from->to.
		out := make([]any, len(links))
		for i, l := range links {
			var lf facts
			if json.Unmarshal([]byte(l), &lf) != nil {
				out[i] = l
				continue
			}
			out[i] = fmt.Sprintf("%v->%v", lf.decode("from"), lf.decode("to"))
		}
		return out
	}
	var parts map[string]any
	if err := json.Unmarshal([]byte(raw), &parts); err != nil {
		return raw
	}
	if text, ok := parts[field+"Text"]; ok {
		return text
	}
	if v, ok := parts[field]; ok && (len(parts) == 1 || field == "citations") {
		return v
	}
	return parts
}

// whole decodes every field, for reports of a fact at stake as a whole.
func (f facts) whole() map[string]any {
	if f == nil {
		return nil
	}
	out := make(map[string]any, len(f))
	for k := range f {
		out[k] = f.decode(k)
	}
	return out
}

// reconcile merges one fact that the graph holds: it returns the fields to
// take from the file and the fields in conflict. A missing base (the file
// never stated the fact) makes every field of the graph and the file "added
// on both sides": equal values agree, others conflict.
func reconcile(base, graph, file facts) (take, clash []string) {
	keys := map[string]bool{}
	for _, m := range []facts{base, graph, file} {
		for k := range m {
			keys[k] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		// A missing field reads as "", which no canonical value is.
		b, g, f := base[k], graph[k], file[k]
		switch {
		case f == b: // the file left it: the graph's value stands
		case g == b:
			take = append(take, k)
		case g == f: // both changed it alike
		default:
			clash = append(clash, k)
		}
	}
	return take, clash
}

// equal reports whether two facts hold the same fields and values.
func (f facts) equal(g facts) bool { return maps.Equal(f, g) }

// conflictsOf lists a fact's clashing fields as conflicts.
func conflictsOf(file, id, kind string, clash []string, base, graph, now facts) []kg.FactConflict {
	out := make([]kg.FactConflict, len(clash))
	for i, k := range clash {
		out[i] = kg.FactConflict{File: file, ID: id, Kind: kind, Field: k,
			Graph: graph.decode(k), Base: base.decode(k), Now: now.decode(k),
			Reason: "changed in the graph and in the file since the file's last import"}
	}
	return out
}
