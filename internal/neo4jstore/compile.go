package neo4jstore

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"

	"github.com/casegraph/casegraph/internal/kg"
)

// MaxListSize caps every list field, whatever a client asks for.
const MaxListSize = 500

// Entities returns the selected fields of the entities with the given IDs,
// in one Cypher statement however deep the selection: nested fields become
// subqueries of the one statement. The answer has one map per ID, in order,
// nil where the ID is unknown; maps carry "__typename".
func (s *Store) Entities(ctx context.Context, ids []string, sel *kg.Selection) ([]map[string]any, error) {
	out, err := s.EntitySets(ctx, []kg.EntitySet{{IDs: ids, Selection: sel}})
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

// EntitySets is Entities for several lists of IDs, each with its own
// selection, in one statement: the rows of a cross-case answer name
// persons, charges and courts, and a round trip for each kind would add up.
// Sets without IDs are answered without asking Neo4j.
func (s *Store) EntitySets(ctx context.Context, sets []kg.EntitySet) ([][]map[string]any, error) {
	params := map[string]any{}
	var calls, cols []string
	var asked []int
	for i, set := range sets {
		if len(set.IDs) == 0 {
			continue
		}
		k := strconv.Itoa(len(cols))
		proj, err := s.project(set.Selection, "n", "s"+k+"_", params)
		if err != nil {
			return nil, err
		}
		params["ids"+k] = set.IDs
		// An entity out of the reader's sight answers as an unknown ID.
		calls = append(calls, "CALL () { UNWIND $ids"+k+" AS id MATCH (n:Entity {id: id}) WHERE "+seen("n")+" RETURN collect([n.id, "+proj+"]) AS s"+k+" }")
		cols = append(cols, "s"+k)
		asked = append(asked, i)
	}
	out := make([][]map[string]any, len(sets))
	for i, set := range sets {
		out[i] = make([]map[string]any, len(set.IDs))
	}
	if len(cols) == 0 {
		return out, nil
	}
	query := strings.Join(calls, "\n") + "\nRETURN " + strings.Join(cols, ", ")
	res, err := s.readQuery(ctx, query, params)
	if err != nil {
		return nil, translate(err, "reading entities failed")
	}
	if len(res.Records) != 1 {
		return nil, fmt.Errorf("reading entities: %d rows, want 1", len(res.Records))
	}
	for j, c := range cols {
		set := sets[asked[j]]
		pairs, err := listOf[[]any](res.Records[0], "reading entities", c)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]map[string]any, len(pairs))
		for _, pair := range pairs {
			if len(pair) != 2 {
				return nil, badColumn("reading entities", c, fmt.Sprintf("a pair of %d values", len(pair)))
			}
			id, ok := pair[0].(string)
			v, isMap := pair[1].(map[string]any)
			if !ok || (!isMap && pair[1] != nil) {
				return nil, badColumn("reading entities", c, fmt.Sprintf("a pair of a %T and a %T, want an ID and an entity", pair[0], pair[1]))
			}
			if err := projected(v, set.Selection, c); err != nil {
				return nil, err
			}
			byID[id] = v
		}
		for k, id := range set.IDs {
			out[asked[j]][k] = byID[id]
		}
	}
	return out, nil
}

// projected checks that an entity's map has the keys its projection
// promises: its __typename, id and each field selected for its type. A
// null entity (an ID of a type the selection does not ask for) has none.
func projected(m map[string]any, sel *kg.Selection, column string) error {
	if m == nil {
		return nil
	}
	t, err := col[string](mapColumns(m), "reading entities", "__typename")
	if err != nil {
		return err
	}
	if _, err := col[string](mapColumns(m), "reading entities", "id"); err != nil {
		return err
	}
	for _, f := range sel.ByType[kg.EntityType(t)] {
		if _, ok := m[f.Name]; !ok && f.Name != "__typename" {
			return badColumn("reading entities", column, fmt.Sprintf("the %s has no %s", t, f.Name))
		}
	}
	return nil
}

// project compiles sel into a map projection of the entity bound to v and
// adds its parameters, named prefix + "p" + a number, to params. A Shared
// selection is compiled once for each place it takes in a statement: a
// repeated question then costs no compiling (the fields of every type an
// entity field may be, which is most of a node query's selection).
func (s *Store) project(sel *kg.Selection, v, prefix string, params map[string]any) (string, error) {
	key := projectionKey{sel, v, prefix}
	keep := sel.Shared && s.projections != nil
	if keep {
		p, ok := s.projections.Get(key)
		s.metrics.CacheLookup(cacheProjections, ok)
		if ok {
			maps.Copy(params, p.params)
			return p.cypher, nil
		}
	}
	c := &compiler{params: map[string]any{}, prefix: prefix}
	cypher, err := c.entity(v, sel, 0)
	if err != nil {
		return "", err
	}
	if keep {
		s.projections.Add(key, projection{cypher, c.params})
	}
	maps.Copy(params, c.params)
	return cypher, nil
}

// projectionKey holds its selection, so a kept projection keeps the
// selection's address from being reused.
type projectionKey struct {
	sel       *kg.Selection
	v, prefix string
}

type projection struct {
	cypher string
	params map[string]any // never changed once kept
}

// compiler turns a kg.Selection into Cypher map projections. Labels and
// relationship types come from the read model's fixed lists; every value
// from a client (list sizes) becomes a parameter.
type compiler struct {
	params map[string]any
	prefix string
	n      int
	named  map[any]string // the parameter of each value of a comparable kind
}

// param names a parameter holding v. A value given twice gets one name,
// so that a field compiled for several types reads alike (entity).
func (c *compiler) param(v any) string {
	var kept bool
	switch v.(type) {
	case string, int, int64, bool:
		if name, ok := c.named[v]; ok {
			return name
		}
		kept = true
	}
	name := "$" + c.prefix + "p" + strconv.Itoa(c.n)
	c.n++
	c.params[name[1:]] = v
	if kept {
		if c.named == nil {
			c.named = map[any]string{}
		}
		c.named[v] = name
	}
	return name
}

// maxNesting bounds nesting; the API's own depth limit is lower.
const maxNesting = 12

// entity projects the entity bound to v as one map whose keys are every
// field selected for any type it may be. A field compiled alike for
// several types is written once: a selection of an interface's fields
// (Entity, Node) would otherwise repeat them for each of its fifteen
// types, and Neo4j takes time to plan by the size of a statement. A key
// not selected for the entity's type is null: no answer shows it, since
// the client did not ask it of that type.
// An entity holds a single type label, so the CASE of a key differing by
// type picks its type's field; an entity of no selected type is null.
func (c *compiler) entity(v string, sel *kg.Selection, depth int) (string, error) {
	if depth > maxNesting {
		return "", kg.Errorf(kg.Invalid, "the query nests deeper than %d levels", maxNesting)
	}
	types := make([]kg.EntityType, 0, len(sel.ByType))
	for t := range sel.ByType {
		types = append(types, t)
	}
	if len(types) == 0 {
		return "null", nil
	}
	sort.Slice(types, func(i, j int) bool { return types[i] < types[j] })
	// exprs[f][i] is the field named f compiled for types[i], or "" where
	// types[i] does not select it.
	exprs := map[string][]string{}
	var names []string
	typename := make([]string, len(types))
	for i, t := range types {
		typename[i] = "'" + string(t) + "'"
		done := map[string]bool{"id": true}
		for _, f := range sel.ByType[t] {
			if done[f.Name] {
				continue
			}
			done[f.Name] = true
			expr, err := c.entityField(v, t, f, depth)
			if err != nil {
				return "", err
			}
			if expr == "" {
				continue
			}
			if exprs[f.Name] == nil {
				exprs[f.Name] = make([]string, len(types))
				names = append(names, f.Name)
			}
			exprs[f.Name][i] = expr
		}
	}
	parts := []string{"__typename: " + byType(v, types, typename), ".id"}
	for _, name := range names {
		parts = append(parts, name+": "+byType(v, types, exprs[name]))
	}
	return fmt.Sprintf("CASE WHEN %s THEN %s{%s} END", hasLabel(v, types), v, strings.Join(parts, ", ")), nil
}

// byType is the Cypher expression that is exprs[i] for an entity bound to
// v of types[i], and null where exprs[i] is "": each distinct expression
// once, under the labels of the types that share it.
func byType(v string, types []kg.EntityType, exprs []string) string {
	var distinct []string
	who := map[string][]kg.EntityType{}
	for i, e := range exprs {
		if e == "" {
			continue
		}
		if who[e] == nil {
			distinct = append(distinct, e)
		}
		who[e] = append(who[e], types[i])
	}
	if len(distinct) == 1 && len(who[distinct[0]]) == len(types) {
		return distinct[0]
	}
	var b strings.Builder
	b.WriteString("CASE")
	for _, e := range distinct {
		fmt.Fprintf(&b, " WHEN %s THEN %s", hasLabel(v, who[e]), e)
	}
	b.WriteString(" END")
	return b.String()
}

// hasLabel is the Cypher condition that v holds one of the labels types.
func hasLabel(v string, types []kg.EntityType) string {
	conds := make([]string, len(types))
	for i, t := range types {
		conds[i] = v + ":" + string(t)
	}
	return strings.Join(conds, " OR ")
}

func (c *compiler) entityField(v string, t kg.EntityType, f kg.SelectedField, depth int) (string, error) {
	switch f.Name {
	case "__typename":
		return "", nil
	case "type":
		return "'" + enumName(string(t)) + "'", nil
	case "name":
		return fmt.Sprintf("coalesce(%s.name, %s.title)", v, v), nil
	case "aliases":
		return aliasesOf(v), nil
	case "contested":
		return fmt.Sprintf("coalesce(%s.contested, false)", v), nil
	case "visibility":
		return fmt.Sprintf("coalesce(%s.groups, [])", v), nil
	case "version":
		return fmt.Sprintf("coalesce(%s.version, 1)", v), nil
	case "citations":
		return c.citations(citationsOf(v), f.Sel, depth)
	}
	rf, ok := kg.ReadFields[t][f.Name]
	if !ok {
		rf, ok = kg.CommonReadFields[f.Name]
	}
	if !ok {
		return "", kg.Errorf(kg.Internal, "no read model for %s.%s", t, f.Name)
	}
	return c.readField(v, f, rf, depth)
}

func (c *compiler) readField(v string, f kg.SelectedField, rf kg.ReadField, depth int) (string, error) {
	name := rf.Prop
	if name == "" {
		name = f.Name
	}
	switch rf.Kind {
	case kg.PropField:
		if rf.List {
			return fmt.Sprintf("coalesce(%s.%s, [])", v, name), nil
		}
		if strings.HasSuffix(name, "Months") {
			// -1 stands for "life" or "sentence": no number of months.
			return fmt.Sprintf("CASE WHEN %s.%s < 0 THEN null ELSE %s.%s END", v, name, v, name), nil
		}
		return v + "." + name, nil
	case kg.DateField:
		return fmt.Sprintf("CASE WHEN %s.%sText IS NULL THEN null ELSE {text: %s.%sText} END", v, name, v, name), nil
	}
	if f.Sel == nil {
		return "", kg.Errorf(kg.Internal, "field %s needs a selection", f.Name)
	}
	m := fmt.Sprintf("m%d", depth+1)
	r := fmt.Sprintf("r%d", depth+1)
	pattern := readPattern(v, r, m, rf)
	where := c.where(m, rf.Where, seenAll(r, m))
	switch rf.Kind {
	case kg.OneField:
		proj, err := c.entity(m, f.Sel, depth+1)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("COLLECT { MATCH %s%s WITH %s ORDER BY %s.id LIMIT 1 RETURN %s }[0]", pattern, where, m, m, proj), nil
	case kg.ManyField:
		proj, err := c.entity(m, f.Sel, depth+1)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("COLLECT { MATCH %s%s WITH DISTINCT %s ORDER BY %s.id LIMIT %s RETURN %s }", pattern, where, m, m, c.limit(f), proj), nil
	case kg.LinksField:
		proj, err := c.link(v, r, m, f.Sel, depth)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("COLLECT { MATCH %s%s WITH %s, %s ORDER BY %s.date, %s.id LIMIT %s RETURN %s }", pattern, where, r, m, r, r, c.limit(f), proj), nil
	}
	return "", kg.Errorf(kg.Internal, "unknown field kind for %s", f.Name)
}

// readPattern writes the pattern from v over rf's relationship types to m.
func readPattern(v, r, m string, rf kg.ReadField) string {
	types := make([]string, len(rf.Rels))
	for i, t := range rf.Rels {
		types[i] = string(t)
	}
	label := ":Entity"
	if len(rf.Targets) > 0 {
		ls := make([]string, len(rf.Targets))
		for i, t := range rf.Targets {
			ls[i] = string(t)
		}
		label = ":" + strings.Join(ls, "|")
	}
	rel := fmt.Sprintf("[%s:%s]", r, strings.Join(types, "|"))
	switch rf.Dir {
	case kg.Out:
		return fmt.Sprintf("(%s)-%s->(%s%s)", v, rel, m, label)
	case kg.In:
		return fmt.Sprintf("(%s)<-%s-(%s%s)", v, rel, m, label)
	}
	return fmt.Sprintf("(%s)-%s-(%s%s)", v, rel, m, label)
}

// where is the WHERE clause of a field's pattern: the read model's
// conditions on m, and sight, which keeps what the reader may see.
func (c *compiler) where(m string, conds map[string]string, sight string) string {
	keys := make([]string, 0, len(conds))
	for k := range conds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := []string{sight}
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s.%s = %s", m, k, c.param(conds[k])))
	}
	return " WHERE " + strings.Join(parts, " AND ")
}

func (c *compiler) limit(f kg.SelectedField) string {
	n := MaxListSize
	if first, ok := f.Args["first"].(int64); ok && first >= 0 && first < int64(n) {
		n = int(first)
	} else if first, ok := f.Args["first"].(int); ok && first >= 0 && first < n {
		n = first
	}
	return c.param(n)
}

// link projects relationship r from v to m, with m as "entity".
func (c *compiler) link(v, r, m string, sel *kg.Selection, depth int) (string, error) {
	// A link's key names the end it is read from: the same relationship
	// read from its other end is another object to a client's cache.
	parts := []string{fmt.Sprintf("id: CASE WHEN startNode(%s) = %s THEN 'Link:OUT:' ELSE 'Link:IN:' END + %s.id", r, v, r)}
	for _, f := range sel.Fields {
		var expr string
		switch f.Name {
		case "id", "__typename":
			continue
		case "relationship":
			expr = r + ".id"
		case "type":
			expr = "type(" + r + ")"
		case "direction":
			expr = fmt.Sprintf("CASE WHEN startNode(%s) = %s THEN 'OUT' ELSE 'IN' END", r, v)
		case "contested":
			expr = fmt.Sprintf("coalesce(%s.contested, false)", r)
		case "visibility":
			expr = fmt.Sprintf("coalesce(%s.groups, [])", r)
		case "citations":
			e, err := c.citations("coalesce("+r+".citations, [])", f.Sel, depth)
			if err != nil {
				return "", err
			}
			expr = e
		case "entity":
			e, err := c.entity(m, f.Sel, depth+1)
			if err != nil {
				return "", err
			}
			expr = e
		default:
			rf, ok := kg.LinkReadFields[f.Name]
			if !ok {
				return "", kg.Errorf(kg.Internal, "no read model for a link's %s", f.Name)
			}
			e, err := c.readField(r, f, rf, depth)
			if err != nil {
				return "", err
			}
			expr = e
		}
		parts = append(parts, f.Name+": "+expr)
	}
	return "{" + strings.Join(parts, ", ") + "}", nil
}

// A citation's quote is its paragraph of the source's text, through the
// (source, n) index of passages; unquoted says why there is none.
var (
	quoteCypher    = "COLLECT { MATCH (q:Passage {source: split(%s, '#p')[0], n: toInteger(split(%s, '#p')[1])}) RETURN q.text }[0]"
	unquotedCypher = "CASE WHEN EXISTS { MATCH (:Passage {source: split(%s, '#p')[0], n: toInteger(split(%s, '#p')[1])}) } THEN null" +
		" WHEN EXISTS { MATCH (:SourceText {source: split(%s, '#p')[0]}) } THEN " + strconv.Quote(kg.NoParagraph) +
		" ELSE " + strconv.Quote(kg.TextNotHeld) + " END"
)

// citations projects the citations that list, a Cypher list of
// SOURCE#pN, holds; each cited source is found through the Entity id
// index. A citation of a source out of the reader's sight is left out:
// the fact stands, its source stays unknown.
func (c *compiler) citations(list string, sel *kg.Selection, depth int) (string, error) {
	x := fmt.Sprintf("c%d", depth)
	parts := []string{"ref: " + x}
	for _, f := range sel.Fields {
		switch f.Name {
		case "paragraph":
			parts = append(parts, fmt.Sprintf("paragraph: toInteger(split(%s, '#p')[1])", x))
		case "source":
			s := fmt.Sprintf("s%d", depth)
			proj, err := c.entity(s, f.Sel, depth+1)
			if err != nil {
				return "", err
			}
			parts = append(parts, fmt.Sprintf("source: COLLECT { MATCH (%s:Entity {id: split(%s, '#p')[0]}) RETURN %s }[0]", s, x, proj))
		case "quote":
			parts = append(parts, fmt.Sprintf("quote: "+quoteCypher, x, x))
		case "unquoted":
			parts = append(parts, fmt.Sprintf("unquoted: "+unquotedCypher, x, x, x))
		}
	}
	return fmt.Sprintf("[%s IN %s WHERE %s | {%s}]", x, list, citationSeen(x), strings.Join(parts, ", ")), nil
}

// enumName turns LegalArticle into LEGAL_ARTICLE, the API's enum value.
func enumName(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteString(strings.ToUpper(string(r)))
	}
	return b.String()
}
